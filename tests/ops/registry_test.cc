// Sweeps the standard registries: every op has a shape function, a CPU
// kernel (except the ops graphflow only parses) and a gradient or an
// explicit "no gradient" mark.
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/all_kernels.h"
#include "ops/all_ops.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

// The ops of RegisterMiscOps: parsed so TF graphs load, never run.
std::set<std::string> ParseOnlyOps() {
  OpRegistry misc;
  EXPECT_TRUE(RegisterMiscOps(misc).ok());
  auto names = misc.OpNames();
  return {names.begin(), names.end()};
}

// Differentiable in TF, but graphflow has no gradient for them yet (TF's
// Gather gradient is an IndexedSlices; MaxPoolGradV2's is MaxPoolGradGradV2).
// Differentiating through them is a clear "no gradient defined" error.
const std::set<std::string> kGradientMissing = {"Gather", "GatherV2",
                                                "MaxPoolGradV2"};

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

// One op family: its op and kernel registration functions, named like its
// files (ops/<name>_ops.cc, kernels/<name>_kernels.cc,
// tests/ops/<name>_ops_test.cc).
struct Family {
  const char* name;
  absl::Status (*register_ops)(OpRegistry&);
  absl::Status (*register_kernels)(KernelRegistry&);
};

const Family kMathNnFamilies[] = {
    {"math", RegisterMathOps, RegisterMathKernels},
    {"math_unary", RegisterMathUnaryOps, RegisterMathUnaryKernels},
    {"matmul", RegisterMatMulOps, RegisterMatMulKernels},
    {"reduction", RegisterReductionOps, RegisterReductionKernels},
    {"nn", RegisterNnOps, RegisterNnKernels},
    {"pooling", RegisterPoolingOps, RegisterPoolingKernels},
    {"conv", RegisterConvOps, RegisterConvKernels},
};

// One op, one place: a family's ops and kernels are the same set, and its
// three files exist.
TEST(RegistryTest, MathAndNnFamiliesMatchTheirKernelsAndFiles) {
  const std::filesystem::path root = GRAPHFLOW_SOURCE_DIR;
  for (const Family& f : kMathNnFamilies) {
    OpRegistry ops;
    KernelRegistry kernels;
    ASSERT_TRUE(f.register_ops(ops).ok()) << f.name;
    ASSERT_TRUE(f.register_kernels(kernels).ok()) << f.name;
    const std::vector<std::string> op_names = ops.OpNames();
    const std::vector<std::string> kernel_names = kernels.OpNames();
    EXPECT_FALSE(op_names.empty()) << f.name;
    EXPECT_EQ(std::set<std::string>(op_names.begin(), op_names.end()),
              std::set<std::string>(kernel_names.begin(), kernel_names.end()))
        << f.name;
    const std::string name = f.name;
    for (const std::string& file :
         {"ops/" + name + "_ops.cc", "kernels/" + name + "_kernels.cc",
          "tests/ops/" + name + "_ops_test.cc"}) {
      EXPECT_TRUE(std::filesystem::exists(root / file)) << file;
    }
  }
}

}  // namespace
}  // namespace graphflow
