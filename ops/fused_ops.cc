// Schemas of the internal fused ops, which only the graph optimizer puts in
// a plan (session/graph_optimizer.h): they never reach a GraphDef that
// graphflow writes. TF 1.15's _FusedConv2D and _FusedMatMul: fused_ops lists
// what follows the product, in order, "BiasAdd" (args[0] is the bias) and/or
// "Relu"; shapes are those of the unfused op. And graphflow's
// _FusedConv2DMaxPool, _FusedMaxPoolGradConv2DBackpropFilter and
// _FusedMatMulApplyAdam (below).
#include "absl/strings/str_cat.h"
#include "graph/graph.h"
#include "graph/padding.h"
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

// _FusedConv2DMaxPool: the conv's shape (or [0] without emit_activation),
// then the pooled shape twice (argmax [0] without emit_argmax).
ShapeFn ConvMaxPoolShape(ShapeFn conv_shape) {
  return [conv_shape](InferenceContext& c) -> absl::Status {
    RETURN_IF_ERROR(conv_shape(c));
    PartialShape conv = c.output(0);
    std::vector<int64_t> ksize, strides;
    std::string padding_name;
    bool emit = true, emit_argmax = true;
    RETURN_IF_ERROR(c.GetAttr("ksize", &ksize));
    RETURN_IF_ERROR(c.GetAttr("pool_strides", &strides));
    RETURN_IF_ERROR(c.GetAttr("pool_padding", &padding_name));
    RETURN_IF_ERROR(c.GetAttr("emit_activation", &emit));
    RETURN_IF_ERROR(c.GetAttr("emit_argmax", &emit_argmax));
    ASSIGN_OR_RETURN(Padding padding, ParsePadding(padding_name));
    if (ksize.size() != 4 || strides.size() != 4) {
      return c.Error("ksize and pool_strides must have 4 entries");
    }
    PartialShape pooled = conv;
    if (conv.known_rank()) {
      for (int d : {1, 2}) {
        auto dim = ComputeWindowDim(conv.dim(d), ksize[d], strides[d], padding);
        if (!dim.ok()) return c.Error(dim.status().message());
        pooled.set_dim(d, dim->output);
      }
    }
    if (!emit) c.set_output(0, PartialShape{0});
    c.set_output(1, pooled);
    c.set_output(2, emit_argmax ? pooled : PartialShape{0});
    return absl::OkStatus();
  };
}

// TF 1.15's _FusedConv2D: Conv2D's inputs and attrs, then the args and
// attrs of what follows the product.
OpDefBuilder FusedConv(std::string name) {
  OpDefBuilder b(std::move(name));
  b.Input("input: T")
      .Input("filter: T")
      .Input("args: num_args * T")
      .Attr("T: {float, double}")
      .Attr("num_args: int >= 0")
      .Attr("strides: list(int)")
      .Attr("padding: {'SAME', 'VALID', 'EXPLICIT'}")
      .Attr("explicit_paddings: list(int) = []")
      .Attr("data_format: {'NHWC', 'NCHW'} = 'NHWC'")
      .Attr("dilations: list(int) = [1, 1, 1, 1]")
      .Attr("use_cudnn_on_gpu: bool = true")
      .Attr("fused_ops: list(string) = []")
      .Attr("epsilon: float = 0.0001");
  return b;
}

// filter_sizes' value; its in_channels must be the input's depth.
absl::Status FilterGradFromArgmaxShape(InferenceContext& c) {
  ASSIGN_OR_RETURN(PartialShape in, c.WithRank(0, 4));
  PartialShape f = c.ShapeFromInputTensor(1);
  if (f.unknown_rank()) f = PartialShape::UnknownOfRank(4);
  if (f.rank() != 4) {
    return c.Error(absl::StrCat("filter_sizes must have 4 entries, got ",
                                f.DebugString()));
  }
  int64_t depth = f.dim(2) >= 0 ? f.dim(2) : in.dim(3);
  if (f.dim(2) >= 0 && in.dim(3) >= 0 && f.dim(2) != in.dim(3)) {
    return c.Error(absl::StrCat("filter_sizes ", f.DebugString(),
                                " must have the input's depth ", in.dim(3),
                                " as in_channels"));
  }
  c.set_output(0, PartialShape{f.dim(0), f.dim(1), depth, f.dim(3)});
  return absl::OkStatus();
}

// _FusedMatMulApplyAdam: ApplyAdam's "out" (the variable's shape, which m
// and v must share; the hyper-parameters are scalars), then the input
// gradient, x's shape ([0] without emit_input_grad). The product's shape is
// checked against the variable's when the kernel runs.
absl::Status MatMulApplyAdamShape(InferenceContext& c) {
  PartialShape var = c.input_shape(0);
  for (int i : {1, 2}) {
    auto merged = var.Merge(c.input_shape(i));
    if (!merged.ok()) {
      return c.Error(absl::StrCat(
          "input ", i, " has shape ", c.input_shape(i).DebugString(),
          ", expected the variable's shape ", var.DebugString()));
    }
    var = *merged;
  }
  for (int i = 3; i <= 8; ++i) {
    if (c.input_shape(i).rank() > 0) {
      return c.Error(absl::StrCat("input ", i, " must be a scalar, got shape ",
                                  c.input_shape(i).DebugString()));
    }
  }
  c.set_output(0, var);
  bool emit = false;
  RETURN_IF_ERROR(c.GetAttr("emit_input_grad", &emit));
  c.set_output(1, emit ? c.input_shape(9) : PartialShape{0});
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterFusedOps(OpRegistry& r) {
  ASSIGN_OR_RETURN(ShapeFn conv_shape, ShapeFnOf(RegisterConvOps, "Conv2D"));
  ASSIGN_OR_RETURN(ShapeFn matmul_shape,
                   ShapeFnOf(RegisterMatMulOps, "MatMul"));
  RETURN_IF_ERROR(r.Register(FusedConv("_FusedConv2D")
                                 .Output("output: T")
                                 .SetShapeFn(conv_shape)
                                 .SetNoGradient()));
  // MaxPoolWithArgmax (or MaxPool) of a _FusedConv2D: each band of conv
  // rows a pooling window needs is computed, biased and relu'd while it
  // sits in cache, then pooled; the whole activation is written only with
  // emit_activation (when something else reads it, e.g. the gradients),
  // the argmax only with emit_argmax (a MaxPool's inference needs none).
  RETURN_IF_ERROR(r.Register(FusedConv("_FusedConv2DMaxPool")
                                 .Output("activation: T")
                                 .Output("output: T")
                                 .Output("argmax: Targmax")
                                 .Attr("ksize: list(int) >= 4")
                                 .Attr("pool_strides: list(int) >= 4")
                                 .Attr("pool_padding: {'SAME', 'VALID'}")
                                 .Attr("Targmax: {int32, int64} = DT_INT64")
                                 .Attr("emit_activation: bool = true")
                                 .Attr("emit_argmax: bool = true")
                                 .SetShapeFn(ConvMaxPoolShape(conv_shape))
                                 .SetNoGradient()));
  // Conv2DBackpropFilter(input, filter_sizes, ReluGrad(MaxPoolGrad(
  // conv_output, orig_output, grad), conv_output)) for conv -> relu -> max
  // pool: the filter gradient straight from each window's maximum (argmax,
  // from MaxPoolWithArgmax), never forming the dense gradient, which is zero
  // but for one cell per window. The conv output itself is not an input (its
  // shape follows from input, filter_sizes and the attrs), so the fused conv
  // and pool need not write it out.
  RETURN_IF_ERROR(
      r.Register(OpDefBuilder("_FusedMaxPoolGradConv2DBackpropFilter")
                     .Input("input: T")
                     .Input("filter_sizes: int32")
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
                     .SetShapeFn(FilterGradFromArgmaxShape)
                     .SetNoGradient()));
  // ApplyAdam(var, m, v, ..., grad = MatMul(a, b)) for the one MatMul only
  // the update reads (a dense layer's weight gradient): the product is
  // applied band by band and never stored. With emit_input_grad (a = x
  // transposed, b = dy: var is the weights of y = x var) it also gives the
  // layer's input gradient dy var^T, from each band of the weights before
  // the band is updated: the weights are read once for both.
  RETURN_IF_ERROR(r.Register(OpDefBuilder("_FusedMatMulApplyAdam")
                                 .Input("var: Ref(T)")
                                 .Input("m: Ref(T)")
                                 .Input("v: Ref(T)")
                                 .Input("beta1_power: T")
                                 .Input("beta2_power: T")
                                 .Input("lr: T")
                                 .Input("beta1: T")
                                 .Input("beta2: T")
                                 .Input("epsilon: T")
                                 .Input("a: T")
                                 .Input("b: T")
                                 .Output("out: Ref(T)")
                                 .Output("input_grad: T")
                                 .Attr("T: {float, double}")
                                 .Attr("use_locking: bool = false")
                                 .Attr("use_nesterov: bool = false")
                                 .Attr("transpose_a: bool = false")
                                 .Attr("transpose_b: bool = false")
                                 .Attr("emit_input_grad: bool = false")
                                 .SetShapeFn(MatMulApplyAdamShape)
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
