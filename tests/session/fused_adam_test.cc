// _FusedMatMulApplyAdam: the graph optimizer fuses a dense layer's weight
// gradient into its Adam update (session/graph_optimizer.h), and training
// stays within float rounding of the unfused ops over row and column tails,
// several column bands, both weight layouts, Nesterov and TF's gradient
// tuples; it steps aside where the banded kernel does not apply or the
// gradient is read elsewhere. The kernel itself, run directly, also takes
// the products the rewrite never gives it, and refuses a mismatched shape.
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ops/array_ops.h"
#include "ops/initializers.h"
#include "ops/math_ops.h"
#include "ops/math_unary_ops.h"
#include "ops/matmul_ops.h"
#include "ops/nn_ops.h"
#include "ops/optimizers.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "ops/training_ops.h"
#include "ops/variables.h"
#include "session/session.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::TensorNear;

Tensor Random(DataType dtype, const TensorShape& shape, int seed) {
  Tensor t(dtype, shape);
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    if (dtype == DT_FLOAT) {
      t.data<float>()[i] = static_cast<float>(u(gen));
    } else {
      t.data<double>()[i] = u(gen);
    }
  }
  return t;
}

// Variable k of an Adam update: the weights, m, then v (a second moment,
// so positive).
Tensor Initial(DataType dtype, const TensorShape& shape, int k) {
  Tensor t = Random(dtype, shape, 10 + k);
  if (k == 2) {
    for (int64_t i = 0; i < t.num_elements(); ++i) {
      if (dtype == DT_FLOAT) {
        t.data<float>()[i] *= t.data<float>()[i];
      } else {
        t.data<double>()[i] *= t.data<double>()[i];
      }
    }
  }
  return t;
}

struct Layer {
  int64_t batch, in, out;
  int64_t hidden = 0;  // A relu layer in -> hidden first: dx is needed.
  bool weights_transposed = false;  // W stored [out, in]: y = x W^T.
  bool nesterov = false;
  bool gradient_tuple = false;  // The gradient passes TF's tuple Identity.
  bool fetch_gradient = false;
  // w read between its input gradient and its update: the update cannot
  // move up.
  bool read_between = false;
};

// One dense layer y = x W + b trained by Adam on a squared error.
struct Model {
  Scope s = NewRootScope();
  Output x, target, loss, train, init, grad, snapshot;
  Variable w;
};

std::unique_ptr<Model> Build(const Layer& c) {
  auto m = std::make_unique<Model>();
  Scope& s = m->s;
  m->x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT);
  m->target = ops::Placeholder(s.WithOpName("target"), DT_FLOAT);
  Output h = m->x;
  int64_t in = c.in;
  if (c.hidden > 0) {
    Variable w0 =
        GetVariable(s, "w0", {c.in, c.hidden}, init::XavierUniform(Seed(2)));
    h = ops::Relu(s, ops::MatMul(s, h, w0));
    in = c.hidden;
  }
  const TensorShape w_shape =
      c.weights_transposed ? TensorShape{c.out, in} : TensorShape{in, c.out};
  m->w = GetVariable(s, "w", w_shape, init::XavierUniform(Seed(1)));
  Variable b = GetVariable(s, "b", {c.out}, init::Constant(0.1));
  Output y =
      ops::Add(s, ops::MatMul(s, h, m->w, false, c.weights_transposed), b);
  m->loss = ops::Sum(s.WithOpName("loss"),
                     ops::Square(s, ops::Sub(s, y, m->target)), Input({0, 1}));
  AdamOptimizer adam(0.01, 0.9, 0.999, 1e-8, c.nesterov);
  std::vector<GradAndVar> gvs = adam.ComputeGradients(s, m->loss);
  for (GradAndVar& gv : gvs) {
    if (gv.var.name() != "w") continue;
    m->grad = gv.grad;
    if (c.gradient_tuple) {
      Output after = ops::Identity(s.WithOpName("tuple_dep"), m->loss);
      gv.grad = ops::Identity(s.WithOpName("tuple/control_dependency")
                                  .WithControlDependencies({after}),
                              gv.grad);
    }
  }
  if (c.read_between) {
    m->snapshot = ops::Identity(s.WithOpName("snapshot"), m->w.ref);
  }
  m->train = adam.ApplyGradients(s, gvs);
  m->init = GlobalVariablesInitializer(s);
  return m;
}

struct Trained {
  std::vector<Tensor> values;  // Losses, then every variable.
  // _FusedMatMulApplyAdam runs in the last step, and how many of them gave
  // the input gradient too.
  int fused = 0, with_input_grad = 0;
};

Trained Train(const Layer& c, bool optimize, int threads = 0) {
  std::unique_ptr<Model> m = Build(c);
  Trained t;
  EXPECT_TRUE(m->s.status().ok()) << m->s.status();
  if (!m->s.status().ok()) return t;
  SessionOptions options;
  options.optimize = optimize;
  options.threads = threads;
  auto session = Session::Create(m->s, options);
  EXPECT_TRUE(session.ok()) << session.status();
  if (!session.ok()) return t;
  EXPECT_TRUE((*session)->Run({}, {}, {m->init.node->name()}).ok());
  const NamedTensors feeds = {
      {"x", Random(DT_FLOAT, {c.batch, c.in}, 3)},
      {"target", Random(DT_FLOAT, {c.batch, c.out}, 4)}};
  std::vector<std::string> fetches = {m->loss.name()};
  if (c.fetch_gradient) fetches.push_back(m->grad.name());
  if (c.read_between) fetches.push_back(m->snapshot.name());
  for (int step = 0; step < 3; ++step) {
    RunMetadata metadata;
    auto out = (*session)->Run(feeds, fetches, {m->train.node->name()},
                               RunOptions{.trace = true}, &metadata);
    EXPECT_TRUE(out.ok()) << out.status();
    if (!out.ok()) return t;
    t.values.insert(t.values.end(), out->begin(), out->end());
    t.fused = t.with_input_grad = 0;
    for (const NodeExecStats& stats : metadata.step_stats) {
      if (stats.node->op() != "_FusedMatMulApplyAdam") continue;
      ++t.fused;
      bool emit = false;
      EXPECT_TRUE(stats.node->GetAttr("emit_input_grad", &emit).ok());
      t.with_input_grad += emit;
    }
  }
  std::vector<std::string> vars;
  for (const Variable& v : GlobalVariables(*m->s.graph())) {
    vars.push_back(v.name());
  }
  auto values = (*session)->Run({}, vars);
  EXPECT_TRUE(values.ok()) << values.status();
  if (values.ok()) {
    t.values.insert(t.values.end(), values->begin(), values->end());
  }
  return t;
}

// Trains `c` optimized and not: the same losses, weights and Adam slots up
// to float rounding; returns how often the optimized step ran the fusion
// (and in *with_input_grad, how many of those gave dx).
int ExpectTrainsTheSame(const Layer& c, int* with_input_grad = nullptr) {
  const Trained on = Train(c, true), off = Train(c, false);
  if (with_input_grad != nullptr) *with_input_grad = on.with_input_grad;
  EXPECT_EQ(off.fused, 0);
  EXPECT_EQ(on.values.size(), off.values.size());
  for (size_t i = 0; i < on.values.size() && i < off.values.size(); ++i) {
    EXPECT_TRUE(TensorNear(on.values[i], off.values[i], 1e-5, 1e-4))
        << "value " << i;
  }
  return on.fused;
}

TEST(FusedAdamTest, FusesOverRowAndColumnTails) {
  // 13 rows: two register tiles of 6 and a tail of 1.
  EXPECT_EQ(ExpectTrainsTheSame({.batch = 5, .in = 13, .out = 32}), 1);
  // 1040 columns: a band of 1024 and one of 16.
  EXPECT_EQ(ExpectTrainsTheSame({.batch = 3, .in = 7, .out = 1040}), 1);
}

TEST(FusedAdamTest, FusesTransposedWeightsNesterovAndGradientTuples) {
  // W stored [out, in]: the gradient is dy^T x, columns = in.
  EXPECT_EQ(ExpectTrainsTheSame(
                {.batch = 4, .in = 48, .out = 9, .weights_transposed = true}),
            1);
  EXPECT_EQ(
      ExpectTrainsTheSame({.batch = 4, .in = 10, .out = 64, .nesterov = true}),
      1);
  EXPECT_EQ(ExpectTrainsTheSame(
                {.batch = 4, .in = 10, .out = 16, .gradient_tuple = true}),
            1);
}

TEST(FusedAdamTest, GivesTheInputGradientFromTheSameBands) {
  // w's input gradient feeds w0's weight gradient: w's update moves up to
  // its place and gives it; w0's (x needs no gradient) does not.
  for (int64_t batch : {5, 64, 70}) {  // 70: dx in one GEMM first.
    int with_input_grad = 0;
    // hidden = 50: w0's columns are not whole vectors.
    EXPECT_EQ(
        ExpectTrainsTheSame({.batch = batch, .in = 16, .out = 32, .hidden = 50},
                            &with_input_grad),
        1)
        << batch;
    EXPECT_EQ(with_input_grad, 1) << batch;
    EXPECT_EQ(
        ExpectTrainsTheSame({.batch = batch, .in = 7, .out = 16, .hidden = 32},
                            &with_input_grad),
        2)
        << batch;
    EXPECT_EQ(with_input_grad, 1) << batch;
  }
}

TEST(FusedAdamTest, DoesNotDependOnTheThreadCount) {
  // Bands of rows are independent: 1, 2 and 3 threads give the same bits.
  for (int64_t batch : {8, 50}) {
    const Layer c = {.batch = batch, .in = 30, .out = 64, .hidden = 1568};
    const Trained one = Train(c, true, 1);
    EXPECT_EQ(one.with_input_grad, 1);
    for (int threads : {2, 3}) {
      const Trained more = Train(c, true, threads);
      ASSERT_EQ(more.values.size(), one.values.size());
      for (size_t i = 0; i < one.values.size(); ++i) {
        EXPECT_TRUE(TensorsEqual(more.values[i], one.values[i]))
            << "value " << i << ", " << threads << " threads, batch " << batch;
      }
    }
  }
}

TEST(FusedAdamTest, StepsAsideWhereItCannotRun) {
  // Columns not a multiple of 16: the banded kernel does not apply.
  EXPECT_EQ(ExpectTrainsTheSame({.batch = 4, .in = 16, .out = 10}), 0);
  // w read after its input gradient: the update stays in place, and gives
  // w's gradient only.
  int with_input_grad = 0;
  EXPECT_EQ(
      ExpectTrainsTheSame(
          {.batch = 4, .in = 7, .out = 16, .hidden = 32, .read_between = true},
          &with_input_grad),
      2);
  EXPECT_EQ(with_input_grad, 0);
  // The gradient is fetched: it must be written.
  EXPECT_EQ(ExpectTrainsTheSame(
                {.batch = 4, .in = 6, .out = 32, .fetch_gradient = true}),
            0);
}

// The fused op on variables `w`, `m`, `v` next to ApplyAdam on twins fed
// the MatMul: equal within rounding, for the products the rewrite never
// picks (double, b transposed, columns not a multiple of 16) and one it
// does.
TEST(FusedAdamTest, KernelTakesEveryProduct) {
  struct Case {
    DataType dtype;
    bool transpose_a, transpose_b;
    int64_t rows, cols, depth;
  };
  for (const Case& c : {Case{DT_DOUBLE, true, false, 5, 16, 3},
                        Case{DT_FLOAT, false, true, 5, 32, 3},
                        Case{DT_FLOAT, true, false, 7, 10, 4},
                        Case{DT_FLOAT, false, false, 8, 48, 6}}) {
    Scope s = NewRootScope();
    const TensorShape a_shape = c.transpose_a ? TensorShape{c.depth, c.rows}
                                              : TensorShape{c.rows, c.depth};
    const TensorShape b_shape = c.transpose_b ? TensorShape{c.cols, c.depth}
                                              : TensorShape{c.depth, c.cols};
    Output a = ops::Const(s, Random(c.dtype, a_shape, 5));
    Output b = ops::Const(s, Random(c.dtype, b_shape, 6));
    auto scalar = [&](double value) {
      Tensor t(c.dtype, {});
      if (c.dtype == DT_FLOAT) {
        t.data<float>()[0] = static_cast<float>(value);
      } else {
        t.data<double>()[0] = value;
      }
      return ops::Const(s, t);
    };
    std::vector<Output> updates, reads;
    for (int twin = 0; twin < 2; ++twin) {
      std::vector<Output> vars;
      for (int k = 0; k < 3; ++k) {
        Variable var = NewVariable(s, absl::StrCat("var", twin, k),
                                   Initial(c.dtype, {c.rows, c.cols}, k));
        vars.push_back(var.ref);
        reads.push_back(var.ref);
      }
      std::vector<Input> in = {vars[0],     vars[1],       vars[2],
                               scalar(0.9), scalar(0.99),  scalar(0.01),
                               scalar(0.9), scalar(0.999), scalar(1e-8)};
      AttrMap attrs = {{"transpose_a", c.transpose_a},
                       {"transpose_b", c.transpose_b}};
      if (twin == 0) {
        in.push_back(a);
        in.push_back(b);
        updates.push_back(s.AddOp1("_FusedMatMulApplyAdam", in, attrs));
      } else {
        in.push_back(ops::MatMul(s, a, b, c.transpose_a, c.transpose_b));
        updates.push_back(s.AddOp1("ApplyAdam", in, {}));
      }
    }
    ASSERT_TRUE(s.status().ok()) << s.status();
    SessionOptions options;
    options.optimize = false;
    auto session = Session::Create(s, options);
    ASSERT_TRUE(session.ok()) << session.status();
    std::vector<std::string> init;
    for (const Variable& v : GlobalVariables(*s.graph())) {
      init.push_back(v.initializer.node->name());
    }
    ASSERT_TRUE((*session)->Run({}, {}, init).ok());
    for (int step = 0; step < 2; ++step) {
      auto out = (*session)->Run(
          {}, {}, {updates[0].node->name(), updates[1].node->name()});
      ASSERT_TRUE(out.ok()) << out.status();
    }
    std::vector<std::string> names;
    for (const Output& r : reads) names.push_back(r.name());
    auto values = (*session)->Run({}, names);
    ASSERT_TRUE(values.ok()) << values.status();
    for (int k = 0; k < 3; ++k) {
      EXPECT_TRUE(TensorNear((*values)[k], (*values)[3 + k], 1e-6, 1e-5))
          << "variable " << k << " of case " << c.rows << "x" << c.cols;
    }
  }
}

TEST(FusedAdamTest, EmptyWeightsGiveAZeroInputGradient) {
  // w is [3, 0]: dy [2, 0] w^T sums no terms.
  Scope s = NewRootScope();
  std::vector<Input> in;
  std::vector<std::string> init;
  for (int k = 0; k < 3; ++k) {
    Variable v = NewVariable(s, absl::StrCat("v", k), Tensor(DT_FLOAT, {3, 0}));
    in.push_back(v.ref);
    init.push_back(v.initializer.node->name());
  }
  for (int k = 0; k < 6; ++k) in.push_back(ops::Const(s, 0.5f));
  in.push_back(ops::Const(s, Random(DT_FLOAT, {2, 3}, 1)));
  in.push_back(ops::Const(s, Tensor(DT_FLOAT, {2, 0})));
  Output fused = s.AddOp("_FusedMatMulApplyAdam", in,
                         {{"transpose_a", true}, {"emit_input_grad", true}})[1];
  ASSERT_TRUE(s.status().ok()) << s.status();
  auto session = Session::Create(s, SessionOptions{});
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE((*session)->Run({}, {}, init).ok());
  auto out = (*session)->Run({}, {fused.name()});
  ASSERT_TRUE(out.ok()) << out.status();
  Tensor zeros(DT_FLOAT, {2, 3});
  zeros.FillZero();
  EXPECT_TRUE(TensorsEqual((*out)[0], zeros));
}

TEST(FusedAdamTest, RefusesAProductOfAnotherShape) {
  Scope s = NewRootScope();
  std::vector<Output> vars;
  for (int k = 0; k < 3; ++k) {
    vars.push_back(
        NewVariable(s, absl::StrCat("v", k), Initial(DT_FLOAT, {4, 16}, k))
            .ref);
  }
  Output one = ops::Const(s, 0.5f);
  Output update = s.WithOpName("fused").AddOp1(
      "_FusedMatMulApplyAdam",
      {vars[0], vars[1], vars[2], one, one, one, one, one, one,
       ops::Const(s, Random(DT_FLOAT, {5, 3}, 7)),
       ops::Const(s, Random(DT_FLOAT, {3, 16}, 8))},
      {});
  ASSERT_TRUE(s.status().ok()) << s.status();
  auto session = Session::Create(s, SessionOptions{});
  ASSERT_TRUE(session.ok());
  std::vector<std::string> init;
  for (const Variable& v : GlobalVariables(*s.graph())) {
    init.push_back(v.initializer.node->name());
  }
  ASSERT_TRUE((*session)->Run({}, {}, init).ok());
  auto out = (*session)->Run({}, {}, {"fused"});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("fused"), std::string::npos)
      << out.status();
  EXPECT_NE(out.status().message().find("[5, 16]"), std::string::npos)
      << out.status();
}

}  // namespace
}  // namespace graphflow
