// Sweeps the standard registries: every op has a shape function, a CPU
// kernel (except the ops graphflow only parses) and a gradient or an
// explicit "no gradient" mark.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/all_kernels.h"
#include "ops/all_ops.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

// One row per op family (plan of issue 7): the family's ops live in
// ops/<name>_ops.cc, its kernels in kernels/<name>_kernels.cc (none for the
// parse-only families) and its tests in tests/ops/<name>_ops_test.cc.
struct Family {
  std::string name;
  absl::Status (*register_ops)(OpRegistry&);
  absl::Status (*register_kernels)(KernelRegistry&);  // nullptr: parse-only.
  // The family's ops without kernels when it has kernels for the others.
  std::set<std::string> parse_only = {};
};

const std::vector<Family>& Families() {
  static const auto* families = new std::vector<Family>{
      {"state", RegisterStateOps, RegisterStateKernels},
      {"array", RegisterArrayOps, RegisterArrayKernels},
      {"array_slice", RegisterArraySliceOps, RegisterArraySliceKernels},
      {"array_join", RegisterArrayJoinOps, RegisterArrayJoinKernels},
      {"math", RegisterMathOps, RegisterMathKernels},
      {"math_unary", RegisterMathUnaryOps, RegisterMathUnaryKernels},
      {"matmul", RegisterMatMulOps, RegisterMatMulKernels},
      {"reduction", RegisterReductionOps, RegisterReductionKernels},
      {"nn", RegisterNnOps, RegisterNnKernels},
      {"pooling", RegisterPoolingOps, RegisterPoolingKernels},
      {"fused", RegisterFusedOps, RegisterFusedKernels},
      {"conv", RegisterConvOps, RegisterConvKernels},
      {"batch_norm", RegisterBatchNormOps, RegisterBatchNormKernels},
      {"random", RegisterRandomOps, RegisterRandomKernels},
      {"training", RegisterTrainingOps, RegisterTrainingKernels},
      {"io", RegisterIoOps, RegisterIoKernels},
      {"logging", RegisterLoggingOps, RegisterLoggingKernels},
      {"resource_variable", RegisterResourceVariableOps,
       RegisterResourceVariableKernels},
      {"stack", RegisterStackOps, RegisterStackKernels},
      {"tensor_array", RegisterTensorArrayOps, RegisterTensorArrayKernels},
      {"lookup", RegisterLookupOps, RegisterLookupKernels},
      {"segment", RegisterSegmentOps, RegisterSegmentKernels},
      {"control_flow", RegisterControlFlowOps, RegisterControlFlowKernels},
  };
  return *families;
}

std::vector<std::string> FamilyOps(const Family& f) {
  OpRegistry r;
  EXPECT_TRUE(f.register_ops(r).ok()) << f.name;
  return r.OpNames();
}

// The ops of the parse-only families and the parse-only ops of the others:
// parsed so TF graphs load, never run.
std::set<std::string> ParseOnlyOps() {
  std::set<std::string> names;
  for (const Family& f : Families()) {
    names.insert(f.parse_only.begin(), f.parse_only.end());
    if (f.register_kernels != nullptr) continue;
    for (const std::string& name : FamilyOps(f)) names.insert(name);
  }
  return names;
}

// Differentiable in TF, but graphflow has no gradient for them yet (TF's
// Gather gradient is an IndexedSlices; MaxPoolGradV2's is MaxPoolGradGradV2,
// MaxPoolGradWithArgmax's MaxPoolGradGradWithArgmax).
// Differentiating through them is a clear "no gradient defined" error, as
// it is in TF for Unique and UniqueV2, which TF registers no gradient for.
const std::set<std::string> kGradientMissing = {
    "Gather", "GatherV2", "MaxPoolGradV2", "MaxPoolGradWithArgmax", "Unique",
    "UniqueV2"};

TEST(RegistryTest, EveryOpHasShapeKernelAndGradientDecision) {
  const OpRegistry& ops = GlobalOpRegistry();
  const KernelRegistry& kernels = GlobalKernelRegistry();
  std::set<std::string> parse_only = ParseOnlyOps();
  int count = 0;
  for (const std::string& name : ops.OpNames()) {
    const OpDef* def = ops.Find(name);
    EXPECT_TRUE(def->shape_fn) << name << " has no shape function";
    if (!parse_only.contains(name)) {
      EXPECT_NE(kernels.Find(name), nullptr) << name << " has no CPU kernel";
    }
    EXPECT_TRUE(def->grad_fn || def->no_gradient ||
                kGradientMissing.contains(name))
        << name << " has neither a gradient nor a no-gradient mark";
    EXPECT_FALSE(def->grad_fn && def->no_gradient) << name;
    ++count;
  }
  EXPECT_GT(count, 100);
  for (const std::string& name : kernels.OpNames()) {
    EXPECT_NE(ops.Find(name), nullptr) << "kernel for unregistered op " << name;
  }
}

TEST(RegistryTest, EachFamilyHasAKernelForEachOpAndNoOther) {
  for (const Family& f : Families()) {
    std::vector<std::string> ops = FamilyOps(f);
    EXPECT_FALSE(ops.empty()) << f.name;
    for (const std::string& name : f.parse_only) {
      EXPECT_NE(std::find(ops.begin(), ops.end(), name), ops.end()) << name;
    }
    std::erase_if(ops, [&](const std::string& name) {
      return f.parse_only.contains(name);
    });
    std::sort(ops.begin(), ops.end());
    std::vector<std::string> kernels;
    if (f.register_kernels != nullptr) {
      KernelRegistry r;
      EXPECT_TRUE(f.register_kernels(r).ok()) << f.name;
      kernels = r.OpNames();
      std::sort(kernels.begin(), kernels.end());
    }
    if (f.register_kernels != nullptr) {
      EXPECT_EQ(ops, kernels) << f.name;
    } else {
      EXPECT_TRUE(kernels.empty()) << f.name;
    }
    for (const std::string& name : ops) {  // all_ops.cc registers the family.
      EXPECT_NE(GlobalOpRegistry().Find(name), nullptr)
          << f.name << ": " << name;
    }
  }
}

// Every registered op belongs to exactly one family of the table.
TEST(RegistryTest, EveryOpIsInExactlyOneFamily) {
  std::map<std::string, std::string> family_of;
  for (const Family& f : Families()) {
    for (const std::string& name : FamilyOps(f)) {
      auto [it, inserted] = family_of.emplace(name, f.name);
      EXPECT_TRUE(inserted)
          << name << " is in " << it->second << " and " << f.name;
    }
  }
  for (const std::string& name : GlobalOpRegistry().OpNames()) {
    EXPECT_TRUE(family_of.contains(name)) << name << " is in no family";
  }
}

TEST(RegistryTest, EachFamilyHasItsFiles) {
  const std::filesystem::path root = GRAPHFLOW_SOURCE_DIR;
  for (const Family& f : Families()) {
    std::vector<std::string> files = {"ops/" + f.name + "_ops.cc",
                                      "tests/ops/" + f.name + "_ops_test.cc"};
    if (f.register_kernels != nullptr) {
      files.push_back("kernels/" + f.name + "_kernels.cc");
    }
    for (const std::string& file : files) {
      EXPECT_TRUE(std::filesystem::exists(root / file)) << file;
    }
  }
}

TEST(RegistryTest, TheCoreOpSetIsPresent) {
  for (const char* op : {"Placeholder",
                         "PlaceholderWithDefault",
                         "Const",
                         "Identity",
                         "NoOp",
                         "VariableV2",
                         "Assign",
                         "AssignAdd",
                         "AssignSub",
                         "Add",
                         "AddV2",
                         "Sub",
                         "Mul",
                         "RealDiv",
                         "Maximum",
                         "Minimum",
                         "Neg",
                         "Square",
                         "Sqrt",
                         "Rsqrt",
                         "Exp",
                         "Log",
                         "Abs",
                         "Sign",
                         "Reciprocal",
                         "Pow",
                         "Floor",
                         "MatMul",
                         "BiasAdd",
                         "Relu",
                         "Relu6",
                         "Sigmoid",
                         "Tanh",
                         "Softmax",
                         "LogSoftmax",
                         "Conv2D",
                         "MaxPool",
                         "AvgPool",
                         "Reshape",
                         "Shape",
                         "Size",
                         "Rank",
                         "ExpandDims",
                         "Squeeze",
                         "ConcatV2",
                         "Pack",
                         "Slice",
                         "Fill",
                         "ZerosLike",
                         "OnesLike",
                         "Sum",
                         "Mean",
                         "Max",
                         "Prod",
                         "ArgMax",
                         "Equal",
                         "NotEqual",
                         "Greater",
                         "Less",
                         "Select",
                         "Cast",
                         "OneHot",
                         "SoftmaxCrossEntropyWithLogits",
                         "SparseSoftmaxCrossEntropyWithLogits",
                         "RandomUniform",
                         "RandomStandardNormal",
                         "TruncatedNormal",
                         "Conv2DBackpropInput",
                         "Conv2DBackpropFilter",
                         "MaxPoolGrad",
                         "AvgPoolGrad",
                         "ReluGrad",
                         "Relu6Grad",
                         "SigmoidGrad",
                         "TanhGrad",
                         "BiasAddGrad",
                         "BroadcastGradientArgs",
                         "Tile",
                         "FloorDiv",
                         "FloorMod",
                         "ShapeN",
                         "DynamicStitch",
                         "Range",
                         "PreventGradient",
                         "ApplyAdam",
                         "ApplyGradientDescent",
                         "AddN"}) {
    EXPECT_NE(GlobalOpRegistry().Find(op), nullptr) << op;
    EXPECT_NE(GlobalKernelRegistry().Find(op), nullptr) << op;
  }
}

}  // namespace
}  // namespace graphflow
