// Variables as TF 1.x builds them: names, collections, initializers.
#include "ops/variables.h"

#include "gtest/gtest.h"
#include "ops/math_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;
using testing::Values;

std::vector<std::string> Names(const std::vector<Variable>& vars) {
  std::vector<std::string> names;
  for (const Variable& v : vars) names.push_back(v.name());
  return names;
}

TEST(VariablesTest, GetVariableNamesLikeTensorFlow) {
  Scope s = NewRootScope();
  Variable w = GetVariable(s, "W1", {4, 4, 3, 8}, init::XavierUniform(0));
  ASSERT_OK(s.status());
  EXPECT_EQ(w.name(), "W1");
  EXPECT_EQ(w.ref.op(), "VariableV2");
  EXPECT_EQ(w.ref.dtype(), MakeRefType(DT_FLOAT));
  EXPECT_EQ(w.shape(), PartialShape({4, 4, 3, 8}));
  EXPECT_EQ(*w.ref.node->FindAttr<PartialShape>("shape"),
            PartialShape({4, 4, 3, 8}));
  EXPECT_EQ(*w.ref.node->FindAttr<DataType>("dtype"), DT_FLOAT);
  EXPECT_EQ(w.initializer.node->name(), "W1/Assign");
  EXPECT_EQ(w.initializer.op(), "Assign");
  EXPECT_EQ(w.initializer.node->input(0).node, w.ref.node);
  EXPECT_EQ(w.initializer.node->input(1).node->name(),
            "W1/Initializer/random_uniform");
  EXPECT_EQ(w.read.node->name(), "W1/read");
  EXPECT_EQ(w.read.op(), "Identity");
  EXPECT_EQ(w.read.dtype(), DT_FLOAT);
  EXPECT_EQ(w.read.shape(), PartialShape({4, 4, 3, 8}));
  // Used as a tensor, a Variable is its read.
  Output as_tensor = w;
  EXPECT_EQ(as_tensor, w.read);
  // Every initializer node lives under "W1/Initializer/".
  for (const auto& n : s.graph()->nodes()) {
    if (n->name().find("random_uniform") != std::string::npos) {
      EXPECT_EQ(n->name().rfind("W1/Initializer/", 0), 0u) << n->name();
    }
  }
}

TEST(VariablesTest, ScopePrefixesTheName) {
  Scope s = NewRootScope();
  Scope layer = s.NewSubScope("layer1");
  Variable w = GetVariable(layer, "W", {2, 5}, init::Zeros());
  Variable b = GetVariable(layer, "b", {5}, init::Zeros(), DT_DOUBLE);
  ASSERT_OK(s.status());
  EXPECT_EQ(w.name(), "layer1/W");
  EXPECT_EQ(w.initializer.node->name(), "layer1/W/Assign");
  EXPECT_EQ(w.read.node->name(), "layer1/W/read");
  EXPECT_NE(s.graph()->FindNode("layer1/W/Initializer/zeros"), nullptr);
  EXPECT_EQ(b.read.dtype(), DT_DOUBLE);
}

TEST(VariablesTest, Collections) {
  Scope s = NewRootScope();
  GetVariable(s, "a", {1}, init::Zeros());
  GetVariable(s, "step", {}, init::Zeros(), DT_INT64, /*trainable=*/false);
  GetVariable(s, "b", {1}, init::Ones());
  ASSERT_OK(s.status());
  EXPECT_EQ(Names(GlobalVariables(*s.graph())),
            std::vector<std::string>({"a", "step", "b"}));
  EXPECT_EQ(Names(TrainableVariables(*s.graph())),
            std::vector<std::string>({"a", "b"}));
  EXPECT_EQ(s.graph()->GetCollection(kGlobalVariables).size(), 3u);
  EXPECT_EQ(s.graph()->GetCollection(kTrainableVariables).size(), 2u);
  // Handles found from the nodes carry their Assign and read.
  for (const Variable& v : GlobalVariables(*s.graph())) {
    EXPECT_EQ(v.initializer.node->name(), v.name() + "/Assign");
    EXPECT_EQ(v.read.node->name(), v.name() + "/read");
  }
}

TEST(VariablesTest, DuplicateNameIsAnError) {
  Scope s = NewRootScope();
  GetVariable(s, "W1", {2}, init::Zeros());
  Variable again = GetVariable(s, "W1", {3}, init::Zeros());
  EXPECT_FALSE(again.valid());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(s.status().message().find("W1"), std::string::npos) << s.status();
  // Session creation reports it too.
  EXPECT_FALSE(Session::Create(s).ok());
}

TEST(VariablesTest, NameTakenByANameScopeIsAnError) {
  Scope s = NewRootScope();
  s.NewSubScope("fc").Const(Tensor::Scalar(1.0f));
  Variable v = GetVariable(s, "fc", {2}, init::Zeros());
  EXPECT_FALSE(v.valid());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(s.status().message().find("fc"), std::string::npos) << s.status();
}

TEST(VariablesTest, GlobalVariablesInitializerRunsEveryInitializer) {
  Scope s = NewRootScope();
  Variable a = GetVariable(s, "a", {2}, init::Constant(3));
  Variable b = GetVariable(s, "b", {2, 2}, init::Ones(), DT_DOUBLE);
  Variable c = GetVariable(s, "c", {}, init::Constant(5), DT_INT32, false);
  Output init = GlobalVariablesInitializer(s);
  ASSERT_OK(s.status());
  EXPECT_EQ(init.node->name(), "init");
  EXPECT_EQ(init.op(), "NoOp");
  std::vector<std::string> deps;
  for (Node* n : init.node->control_inputs()) deps.push_back(n->name());
  EXPECT_EQ(deps,
            std::vector<std::string>({"a/Assign", "b/Assign", "c/Assign"}));
  Output sum = ops::Add(s, a, F({1, 2}, {2}));
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  // Before init: reading names the uninitialized variable.
  auto before = (*session)->Run({sum});
  EXPECT_EQ(before.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(before.status().message().find("a"), std::string::npos);
  ASSERT_OK((*session)->Run({}, {}, {init}).status());
  auto out = (*session)->Run({sum, b.read, c.read});
  ASSERT_OK(out.status());
  EXPECT_EQ(Values((*out)[0]), std::vector<double>({4, 5}));
  EXPECT_EQ(Values((*out)[1]), std::vector<double>(4, 1.0));
  EXPECT_EQ(Values((*out)[2]), std::vector<double>({5}));
  // By name, as a GraphDef user would run it.
  ASSERT_OK((*session)->Run(NamedTensors{}, {}, {"init"}).status());
  // A second initializer op gets a new name.
  EXPECT_EQ(GlobalVariablesInitializer(s).node->name(), "init_1");
}

TEST(VariablesTest, InitializerWithNoVariablesIsANoOp) {
  Scope s = NewRootScope();
  Output init = GlobalVariablesInitializer(s);
  ASSERT_TRUE(init.valid());
  EXPECT_TRUE(init.node->control_inputs().empty());
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  EXPECT_OK((*session)->Run({}, {}, {init}).status());
}

TEST(VariablesTest, NewVariableIsUniquifiedLikeTfVariable) {
  Scope s = NewRootScope();
  Variable p1 = NewVariable(s, "beta1_power", Tensor::Scalar(0.9f), false);
  Variable p2 = NewVariable(s, "beta1_power", Tensor::Scalar(0.5f), false);
  Variable t = NewVariable(s, "t", F({1, 2, 3}, {3}));
  ASSERT_OK(s.status());
  EXPECT_EQ(p1.name(), "beta1_power");
  EXPECT_EQ(p2.name(), "beta1_power_1");
  EXPECT_EQ(p1.initializer.node->input(1).node->name(),
            "beta1_power/initial_value");
  EXPECT_EQ(p2.read.node->name(), "beta1_power_1/read");
  EXPECT_EQ(t.shape(), PartialShape({3}));
  EXPECT_EQ(Names(TrainableVariables(*s.graph())),
            std::vector<std::string>({"t"}));
  Output init = GlobalVariablesInitializer(s);
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  ASSERT_OK((*session)->Run({}, {}, {init}).status());
  auto out = (*session)->Run({p1.read, p2.read, t.read});
  ASSERT_OK(out.status());
  EXPECT_TENSOR_NEAR((*out)[0], Tensor::Scalar(0.9f));
  EXPECT_TENSOR_NEAR((*out)[1], Tensor::Scalar(0.5f));
  EXPECT_TENSOR_NEAR((*out)[2], F({1, 2, 3}, {3}));
}

TEST(VariablesTest, BuilderErrorsPassThrough) {
  Scope s = NewRootScope();
  s.UpdateStatus(absl::InvalidArgumentError("earlier error"));
  EXPECT_FALSE(GetVariable(s, "v", {1}, init::Zeros()).valid());
  EXPECT_FALSE(NewVariable(s, "w", Tensor::Scalar(1.0f)).valid());
  EXPECT_FALSE(GlobalVariablesInitializer(s).valid());
  EXPECT_NE(s.status().message().find("earlier error"), std::string::npos);
}

}  // namespace
}  // namespace graphflow
