// MatMul and its gradient (TF 1.15's _MatMulGrad).
#include "ops/matmul_ops.h"

#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

absl::Status MatMulShape(InferenceContext& c) {
  ASSIGN_OR_RETURN(const PartialShape a, c.WithRank(0, 2));
  ASSIGN_OR_RETURN(const PartialShape b, c.WithRank(1, 2));
  bool transpose_a = false, transpose_b = false;
  RETURN_IF_ERROR(c.GetAttr("transpose_a", &transpose_a));
  RETURN_IF_ERROR(c.GetAttr("transpose_b", &transpose_b));
  int64_t m = a.dim(transpose_a ? 1 : 0), k_a = a.dim(transpose_a ? 0 : 1);
  int64_t k_b = b.dim(transpose_b ? 1 : 0), n = b.dim(transpose_b ? 0 : 1);
  if (k_a >= 0 && k_b >= 0 && k_a != k_b) {
    return c.Error(absl::StrCat(
        "Dimensions must be equal, but are ", k_a, " and ", k_b,
        " with input shapes: ", c.input_shape(0).DebugString(), ", ",
        c.input_shape(1).DebugString(), " (transpose_a=", transpose_a,
        ", transpose_b=", transpose_b, ")"));
  }
  c.set_output(0, PartialShape({m, n}));
  return absl::OkStatus();
}

absl::Status MatMulGradient(const Scope& s, const Node& node,
                            const OutputList& dy, OutputList* dx) {
  bool ta = false, tb = false;
  RETURN_IF_ERROR(node.GetAttr("transpose_a", &ta));
  RETURN_IF_ERROR(node.GetAttr("transpose_b", &tb));
  Output a = NodeInput(node, 0), b = NodeInput(node, 1), g = dy[0];
  // TF's _MatMulGrad, case by case (real types: conj is the identity).
  if (!ta && !tb) {
    dx->push_back(ops::MatMul(s, g, b, false, true));
    dx->push_back(ops::MatMul(s, a, g, true, false));
  } else if (!ta && tb) {
    dx->push_back(ops::MatMul(s, g, b, false, false));
    dx->push_back(ops::MatMul(s, g, a, true, false));
  } else if (ta && !tb) {
    dx->push_back(ops::MatMul(s, b, g, false, true));
    dx->push_back(ops::MatMul(s, a, g, false, false));
  } else {
    dx->push_back(ops::MatMul(s, b, g, true, true));
    dx->push_back(ops::MatMul(s, g, a, true, true));
  }
  return s.status();
}

}  // namespace

absl::Status RegisterMatMulOps(OpRegistry& r) {
  return r.Register(OpDefBuilder("MatMul")
                        .Input("a: T")
                        .Input("b: T")
                        .Output("product: T")
                        .Attr("transpose_a: bool = false")
                        .Attr("transpose_b: bool = false")
                        .Attr("T: {float, double, int32, int64}")
                        .SetShapeFn(MatMulShape)
                        .SetGradient(MatMulGradient));
}

namespace ops {

Output MatMul(const Scope& s, Input a, Input b, bool transpose_a,
              bool transpose_b) {
  return s.AddOp1("MatMul", {a, b},
                  {{"transpose_a", transpose_a}, {"transpose_b", transpose_b}});
}

}  // namespace ops
}  // namespace graphflow
