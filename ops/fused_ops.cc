// Schemas of the internal fused ops, which only the graph optimizer puts in
// a plan (session/graph_optimizer.h): they never reach a GraphDef that
// graphflow writes. TF 1.15's _FusedConv2D and _FusedMatMul: fused_ops lists
// what follows the product, in order, "BiasAdd" (args[0] is the bias) and/or
// "Relu"; shapes are those of the unfused op. And graphflow's
// _FusedMaxPoolGradConv2DBackpropFilter (below).
#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

// The shape function of `op` from its family's registration: the fused
// op's first inputs and its attrs are the unfused op's.
absl::StatusOr<ShapeFn> ShapeFnOf(absl::Status (*register_family)(OpRegistry&),
                                  absl::string_view op) {
  OpRegistry family;
  RETURN_IF_ERROR(register_family(family));
  const OpDef* def = family.Find(op);
  if (def == nullptr || !def->shape_fn) {
    return absl::InternalError(absl::StrCat("no shape function for ", op));
  }
  return def->shape_fn;
}

}  // namespace

absl::Status RegisterFusedOps(OpRegistry& r) {
  ASSIGN_OR_RETURN(ShapeFn conv_shape, ShapeFnOf(RegisterConvOps, "Conv2D"));
  ASSIGN_OR_RETURN(ShapeFn matmul_shape,
                   ShapeFnOf(RegisterMatMulOps, "MatMul"));
  ASSIGN_OR_RETURN(ShapeFn filter_grad_shape,
                   ShapeFnOf(RegisterConvOps, "Conv2DBackpropFilter"));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("_FusedConv2D")
                                 .Input("input: T")
                                 .Input("filter: T")
                                 .Input("args: num_args * T")
                                 .Output("output: T")
                                 .Attr("T: {float, double}")
                                 .Attr("num_args: int >= 0")
                                 .Attr("strides: list(int)")
                                 .Attr("padding: {'SAME', 'VALID', 'EXPLICIT'}")
                                 .Attr("explicit_paddings: list(int) = []")
                                 .Attr("data_format: {'NHWC', 'NCHW'} = 'NHWC'")
                                 .Attr("dilations: list(int) = [1, 1, 1, 1]")
                                 .Attr("use_cudnn_on_gpu: bool = true")
                                 .Attr("fused_ops: list(string) = []")
                                 .Attr("epsilon: float = 0.0001")
                                 .SetShapeFn(conv_shape)
                                 .SetNoGradient()));
  // Conv2DBackpropFilter(input, filter_sizes, ReluGrad(MaxPoolGrad(
  // conv_output, orig_output, grad), conv_output)) for conv -> relu -> max
  // pool: the filter gradient straight from each window's maximum (argmax,
  // from MaxPoolWithArgmax), never forming the dense gradient, which is zero
  // but for one cell per window. conv_output gives only its shape.
  RETURN_IF_ERROR(
      r.Register(OpDefBuilder("_FusedMaxPoolGradConv2DBackpropFilter")
                     .Input("input: T")
                     .Input("filter_sizes: int32")
                     .Input("conv_output: T")
                     .Input("grad: T")
                     .Input("argmax: int64")
                     .Input("orig_output: T")
                     .Output("output: T")
                     .Attr("T: {float, double}")
                     .Attr("strides: list(int)")
                     .Attr("use_cudnn_on_gpu: bool = true")
                     .Attr("padding: {'SAME', 'VALID', 'EXPLICIT'}")
                     .Attr("explicit_paddings: list(int) = []")
                     .Attr("data_format: {'NHWC', 'NCHW'} = 'NHWC'")
                     .Attr("dilations: list(int) = [1, 1, 1, 1]")
                     .SetShapeFn(filter_grad_shape)
                     .SetNoGradient()));
  return r.Register(OpDefBuilder("_FusedMatMul")
                        .Input("a: T")
                        .Input("b: T")
                        .Input("args: num_args * T")
                        .Output("product: T")
                        .Attr("transpose_a: bool = false")
                        .Attr("transpose_b: bool = false")
                        .Attr("T: {float, double}")
                        .Attr("num_args: int >= 0")
                        .Attr("fused_ops: list(string) = []")
                        .Attr("epsilon: float = 0.0001")
                        .SetShapeFn(matmul_shape)
                        .SetNoGradient());
}

}  // namespace graphflow
