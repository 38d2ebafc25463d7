// Schemas, shape functions, gradients and builders of Conv2D,
// Conv2DBackpropInput, Conv2DBackpropFilter, BiasAdd, BiasAddV1 and
// BiasAddGrad.
#include "ops/conv_ops.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/padding.h"
#include "graph/status.h"
#include "ops/array_join_ops.h"
#include "ops/array_ops.h"
#include "ops/math_ops.h"
#include "ops/registration.h"

namespace graphflow {
namespace {

// TF's "numbertype".
constexpr char kNumberTypes[] =
    "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, "
    "quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}";
constexpr char kConvTypes[] = "T: {half, bfloat16, float, double}";
constexpr char kConvPadding[] = "padding: {'SAME', 'VALID', 'EXPLICIT'}";
constexpr char kExplicitPaddings[] = "explicit_paddings: list(int) = []";
constexpr char kDataFormat[] = "data_format: {'NHWC', 'NCHW'} = 'NHWC'";
constexpr char kDilations[] = "dilations: list(int) = [1, 1, 1, 1]";

// The conv attrs, checked, with the spatial ones pulled out of the
// data_format order.
struct ConvSpec {
  bool nchw = false;
  bool explicit_padding = false;
  Padding padding = Padding::kValid;
  int h = 1, w = 2, ch = 3;  // Dims of rows, cols and channels.
  std::array<int64_t, 2> strides{1, 1}, dilations{1, 1};
  std::array<std::array<int64_t, 2>, 2> pads{};  // [rows|cols][before|after]
};

absl::StatusOr<ConvSpec> ReadConvSpec(const InferenceContext& c) {
  ConvSpec s;
  std::string data_format, padding;
  std::vector<int64_t> strides, dilations, explicit_paddings;
  RETURN_IF_ERROR(c.GetAttr("data_format", &data_format));
  RETURN_IF_ERROR(c.GetAttr("padding", &padding));
  RETURN_IF_ERROR(c.GetAttr("strides", &strides));
  RETURN_IF_ERROR(c.GetAttr("dilations", &dilations));
  RETURN_IF_ERROR(c.GetAttr("explicit_paddings", &explicit_paddings));
  s.nchw = data_format == "NCHW";
  if (s.nchw) s = ConvSpec{.nchw = true, .h = 2, .w = 3, .ch = 1};
  const int n_dim = 0;
  for (const auto& [name, list] :
       {std::pair<const char*, const std::vector<int64_t>*>{"strides",
                                                            &strides},
        {"dilations", &dilations}}) {
    if (list->size() != 4) {
      return c.Error(absl::StrCat(name, " must have 4 values, got [",
                                  absl::StrJoin(*list, ", "), "]"));
    }
    if ((*list)[n_dim] != 1 || (*list)[s.ch] != 1) {
      return c.Error(absl::StrCat(name, " [", absl::StrJoin(*list, ", "),
                                  "] must be 1 in the batch and depth "
                                  "dimensions"));
    }
    for (int64_t v : *list) {
      if (v < 1) {
        return c.Error(absl::StrCat(name, " must be at least 1, got [",
                                    absl::StrJoin(*list, ", "), "]"));
      }
    }
  }
  s.strides = {strides[s.h], strides[s.w]};
  s.dilations = {dilations[s.h], dilations[s.w]};
  s.explicit_padding = padding == "EXPLICIT";
  if (!s.explicit_padding) {
    auto p = ParsePadding(padding);
    if (!p.ok()) return c.Error(p.status().message());
    s.padding = *p;
    if (!explicit_paddings.empty()) {
      return c.Error(
          "explicit_paddings must be empty unless padding is 'EXPLICIT'");
    }
    return s;
  }
  if (explicit_paddings.size() != 8) {
    return c.Error(absl::StrCat(
        "explicit_paddings must have 8 values with padding 'EXPLICIT', got ",
        explicit_paddings.size()));
  }
  for (int i = 0; i < 8; ++i) {
    if (explicit_paddings[i] < 0 ||
        ((i / 2 == n_dim || i / 2 == s.ch) && explicit_paddings[i] != 0)) {
      return c.Error(absl::StrCat(
          "explicit_paddings [", absl::StrJoin(explicit_paddings, ", "),
          "] must be non-negative and 0 in the batch and depth dimensions"));
    }
  }
  s.pads = {{{explicit_paddings[2 * s.h], explicit_paddings[2 * s.h + 1]},
             {explicit_paddings[2 * s.w], explicit_paddings[2 * s.w + 1]}}};
  return s;
}

// Output size along spatial axis 0 (rows) or 1 (cols); -1 when unknown.
absl::StatusOr<int64_t> OutputDim(const InferenceContext& c, const ConvSpec& s,
                                  int axis, int64_t in, int64_t window) {
  if (in < 0 || window < 0) return -1;
  absl::StatusOr<WindowDim> d =
      s.explicit_padding
          ? ComputeWindowDim(in + s.pads[axis][0] + s.pads[axis][1], window,
                             s.strides[axis], Padding::kValid,
                             s.dilations[axis])
          : ComputeWindowDim(in, window, s.strides[axis], s.padding,
                             s.dilations[axis]);
  if (!d.ok()) return c.Error(d.status().message());
  return d->output;
}

// The known one of two dims, or an error naming `what` when they disagree.
absl::StatusOr<int64_t> MergeDim(const InferenceContext& c, int64_t a,
                                 int64_t b, absl::string_view what) {
  if (a >= 0 && b >= 0 && a != b) {
    return c.Error(absl::StrCat(what, ": ", a, " vs ", b));
  }
  return a >= 0 ? a : b;
}

PartialShape MakeShape(const ConvSpec& s, int64_t n, int64_t h, int64_t w,
                       int64_t ch) {
  return s.nchw ? PartialShape{n, ch, h, w} : PartialShape{n, h, w, ch};
}

// A 4-D shape given by 1-D int32 input i (in data_format order); with
// allow_two, a 2-value [rows, cols] form leaves batch and depth unknown.
absl::StatusOr<PartialShape> SizesInput(const InferenceContext& c,
                                        const ConvSpec& s, int i,
                                        bool allow_two) {
  ASSIGN_OR_RETURN(PartialShape v, c.WithRank(i, 1));
  const int64_t count = v.dim(0);
  if (count >= 0 && count != 4 && !(allow_two && count == 2)) {
    return c.Error(absl::StrCat("input ", i, " must have 4 values",
                                allow_two ? " (or 2)" : "", ", got ", count));
  }
  const Tensor* t = c.input_tensor(i);
  if (t == nullptr) {
    return count == 2 ? MakeShape(s, -1, -1, -1, -1)
                      : PartialShape::UnknownOfRank(4);
  }
  std::vector<int64_t> dims;
  for (int64_t k = 0; k < t->num_elements(); ++k) {
    dims.push_back(static_cast<int64_t>(t->ValueAsDouble(k)));
    if (dims.back() < 0) {
      return c.Error(absl::StrCat(
          "input ", i, " has a negative size: ", t->SummarizeValues()));
    }
  }
  if (dims.size() == 2) return MakeShape(s, -1, dims[0], dims[1], -1);
  return PartialShape(dims);
}

absl::Status Conv2DShape(InferenceContext& c) {
  ASSIGN_OR_RETURN(ConvSpec s, ReadConvSpec(c));
  ASSIGN_OR_RETURN(PartialShape in, c.WithRank(0, 4));
  ASSIGN_OR_RETURN(PartialShape f, c.WithRank(1, 4));
  RETURN_IF_ERROR(
      MergeDim(
          c, in.dim(s.ch), f.dim(2),
          absl::StrCat("input depth must equal the filter's in_channels "
                       "(input ",
                       in.DebugString(), ", filter ", f.DebugString(), ")"))
          .status());
  ASSIGN_OR_RETURN(int64_t rows, OutputDim(c, s, 0, in.dim(s.h), f.dim(0)));
  ASSIGN_OR_RETURN(int64_t cols, OutputDim(c, s, 1, in.dim(s.w), f.dim(1)));
  c.set_output(0, MakeShape(s, in.dim(0), rows, cols, f.dim(3)));
  return absl::OkStatus();
}

// Checks out_backprop's spatial dims against the convolution of `in`.
absl::Status CheckOutBackprop(const InferenceContext& c, const ConvSpec& s,
                              const PartialShape& in, const PartialShape& f,
                              const PartialShape& dy) {
  ASSIGN_OR_RETURN(int64_t rows, OutputDim(c, s, 0, in.dim(s.h), f.dim(0)));
  ASSIGN_OR_RETURN(int64_t cols, OutputDim(c, s, 1, in.dim(s.w), f.dim(1)));
  std::string what =
      absl::StrCat("out_backprop ", dy.DebugString(),
                   " does not match the output of "
                   "convolving input ",
                   in.DebugString(), " with filter ", f.DebugString());
  RETURN_IF_ERROR(MergeDim(c, rows, dy.dim(s.h), what).status());
  RETURN_IF_ERROR(MergeDim(c, cols, dy.dim(s.w), what).status());
  RETURN_IF_ERROR(MergeDim(c, in.dim(0), dy.dim(0), what).status());
  return MergeDim(c, f.dim(3), dy.dim(s.ch), what).status();
}

absl::Status Conv2DBackpropInputShape(InferenceContext& c) {
  ASSIGN_OR_RETURN(ConvSpec s, ReadConvSpec(c));
  ASSIGN_OR_RETURN(PartialShape in, SizesInput(c, s, 0, /*allow_two=*/true));
  ASSIGN_OR_RETURN(PartialShape f, c.WithRank(1, 4));
  ASSIGN_OR_RETURN(PartialShape dy, c.WithRank(2, 4));
  ASSIGN_OR_RETURN(int64_t n, MergeDim(c, in.dim(0), dy.dim(0),
                                       "input_sizes and out_backprop batch"));
  ASSIGN_OR_RETURN(
      int64_t depth,
      MergeDim(c, in.dim(s.ch), f.dim(2),
               "input_sizes depth must equal the filter's in_channels"));
  in = MakeShape(s, n, in.dim(s.h), in.dim(s.w), depth);
  RETURN_IF_ERROR(CheckOutBackprop(c, s, in, f, dy));
  c.set_output(0, in);
  return absl::OkStatus();
}

absl::Status Conv2DBackpropFilterShape(InferenceContext& c) {
  ASSIGN_OR_RETURN(ConvSpec s, ReadConvSpec(c));
  ASSIGN_OR_RETURN(PartialShape in, c.WithRank(0, 4));
  ASSIGN_OR_RETURN(PartialShape f, SizesInput(c, s, 1, /*allow_two=*/false));
  ASSIGN_OR_RETURN(PartialShape dy, c.WithRank(2, 4));
  ASSIGN_OR_RETURN(
      int64_t in_depth,
      MergeDim(c, f.dim(2), in.dim(s.ch),
               "filter_sizes in_channels must equal the input depth"));
  ASSIGN_OR_RETURN(
      int64_t out_depth,
      MergeDim(c, f.dim(3), dy.dim(s.ch),
               "filter_sizes out_channels must equal the out_backprop depth"));
  f = PartialShape{f.dim(0), f.dim(1), in_depth, out_depth};
  RETURN_IF_ERROR(CheckOutBackprop(c, s, in, f, dy));
  c.set_output(0, f);
  return absl::OkStatus();
}

// BiasAdd's channel dim: 1 for NCHW (as TF's CPU kernel), else the last.
bool BiasIsNchw(const InferenceContext& c) {
  const std::string* format = c.node().FindAttr<std::string>("data_format");
  return format != nullptr && *format == "NCHW";
}

absl::StatusOr<int> BiasChannelDim(const InferenceContext& c,
                                   const PartialShape& value) {
  const bool nchw = BiasIsNchw(c);
  const int min_rank = nchw ? 3 : 2;
  if (value.rank() < min_rank) {
    return c.Error(absl::StrCat("input must have rank at least ", min_rank,
                                nchw ? " for NCHW" : "", ", got shape ",
                                value.DebugString()));
  }
  return nchw ? 1 : value.rank() - 1;
}

absl::Status BiasAddShape(InferenceContext& c) {
  ASSIGN_OR_RETURN(PartialShape bias, c.WithRank(1, 1));
  PartialShape value = c.input_shape(0);
  if (value.unknown_rank()) {
    c.set_output(0, value);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(int ch, BiasChannelDim(c, value));
  ASSIGN_OR_RETURN(
      int64_t channels,
      MergeDim(c, value.dim(ch), bias.dim(0),
               absl::StrCat("bias ", bias.DebugString(),
                            " must match the channel dim of value ",
                            value.DebugString())));
  value.set_dim(ch, channels);
  c.set_output(0, value);
  return absl::OkStatus();
}

absl::Status BiasAddGradShape(InferenceContext& c) {
  const PartialShape& dy = c.input_shape(0);
  if (dy.unknown_rank()) {
    c.set_output(0, PartialShape{-1});
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(int ch, BiasChannelDim(c, dy));
  c.set_output(0, PartialShape{dy.dim(ch)});
  return absl::OkStatus();
}

// ---- Gradients (TF 1.15's nn_grad.py: _Conv2DGrad, _Conv2DBackpropInputGrad,
// _Conv2DBackpropFilterGrad, _BiasAddGrad, _BiasAddGradGrad). ----

// The node's own attrs (strides, padding, data_format, ...) for the
// gradient ops, which take the same ones.
AttrMap ConvAttrs(const Node& node) {
  AttrMap attrs;
  for (const auto& [name, value] : node.attrs()) {
    if (!name.starts_with("_")) attrs.emplace(name, value);
  }
  return attrs;
}

// int32 shapes of a and b: Consts when static, else one ShapeN (as TF).
std::pair<Output, Output> Shapes(const Scope& s, const Output& a,
                                 const Output& b) {
  auto as_const = [&](const Output& o) {
    const PartialShape& p = o.shape();
    Tensor t(DT_INT32, TensorShape{p.rank()});
    for (int i = 0; i < p.rank(); ++i) {
      t.data<int32_t>()[i] = static_cast<int32_t>(p.dim(i));
    }
    return s.Const(t);
  };
  if (a.shape().IsFullyDefined() && b.shape().IsFullyDefined()) {
    return {as_const(a), as_const(b)};
  }
  OutputList shapes = ops::ShapeN(s, {a, b});
  if (shapes.size() != 2) return {Output(), Output()};
  return {shapes[0], shapes[1]};
}

absl::Status Conv2DGradient(const Scope& s, const Node& node,
                            const OutputList& dy, OutputList* dx) {
  Output input = NodeInput(node, 0), filter = NodeInput(node, 1);
  auto [input_shape, filter_shape] = Shapes(s, input, filter);
  AttrMap attrs = ConvAttrs(node);
  dx->push_back(
      s.AddOp1("Conv2DBackpropInput", {input_shape, filter, dy[0]}, attrs));
  dx->push_back(
      s.AddOp1("Conv2DBackpropFilter", {input, filter_shape, dy[0]}, attrs));
  return s.status();
}

absl::Status Conv2DBackpropInputGradient(const Scope& s, const Node& node,
                                         const OutputList& dy, OutputList* dx) {
  // y = conv_transpose(out_backprop, filter): linear in both.
  Output filter = NodeInput(node, 1), out_backprop = NodeInput(node, 2);
  auto [unused, filter_shape] = Shapes(s, out_backprop, filter);
  AttrMap attrs = ConvAttrs(node);
  dx->push_back(Output());
  dx->push_back(s.AddOp1("Conv2DBackpropFilter",
                         {dy[0], filter_shape, out_backprop}, attrs));
  dx->push_back(s.AddOp1("Conv2D", {dy[0], filter}, attrs));
  return s.status();
}

absl::Status Conv2DBackpropFilterGradient(const Scope& s, const Node& node,
                                          const OutputList& dy,
                                          OutputList* dx) {
  Output input = NodeInput(node, 0), out_backprop = NodeInput(node, 2);
  auto [input_shape, unused] = Shapes(s, input, out_backprop);
  AttrMap attrs = ConvAttrs(node);
  dx->push_back(s.AddOp1("Conv2DBackpropInput",
                         {input_shape, dy[0], out_backprop}, attrs));
  dx->push_back(Output());
  dx->push_back(s.AddOp1("Conv2D", {input, dy[0]}, attrs));
  return s.status();
}

// BiasAdd and BiasAddV1.
absl::Status BiasAddGradient(const Scope& s, const Node& node,
                             const OutputList& dy, OutputList* dx) {
  std::string data_format = "NHWC";
  if (const std::string* f = node.FindAttr<std::string>("data_format")) {
    data_format = *f;
  }
  dx->push_back(dy[0]);
  dx->push_back(
      s.AddOp1("BiasAddGrad", {dy[0]}, {{"data_format", data_format}}));
  return s.status();
}

absl::Status BiasAddGradGradient(const Scope& s, const Node& node,
                                 const OutputList& dy, OutputList* dx) {
  // BiasAddGrad sums over every dim but the channel one, so its gradient
  // broadcasts dy back over them.
  std::string data_format = "NHWC";
  if (const std::string* f = node.FindAttr<std::string>("data_format")) {
    data_format = *f;
  }
  Output x = NodeInput(node, 0);
  Output grad = dy[0];
  if (data_format == "NCHW") {
    grad = ops::Reshape(
        s, grad,
        ops::Pack(s, {Input(Tensor::Scalar<int32_t>(1)), ops::Size(s, grad),
                      Input(Tensor::Scalar<int32_t>(1)),
                      Input(Tensor::Scalar<int32_t>(1))}));
  }
  dx->push_back(ops::Mul(s, ops::OnesLike(s, x), grad));
  return s.status();
}

OpDefBuilder ConvOp(const char* name) {
  OpDefBuilder b(name);
  b.Output("output: T")
      .Attr(kConvTypes)
      .Attr("strides: list(int)")
      .Attr("use_cudnn_on_gpu: bool = true")
      .Attr(kConvPadding)
      .Attr(kExplicitPaddings)
      .Attr(kDataFormat)
      .Attr(kDilations);
  return b;
}

}  // namespace

absl::Status RegisterConvOps(OpRegistry& r) {
  RETURN_IF_ERROR(r.Register(ConvOp("Conv2D")
                                 .Input("input: T")
                                 .Input("filter: T")
                                 .SetShapeFn(Conv2DShape)
                                 .SetGradient(Conv2DGradient)));
  RETURN_IF_ERROR(r.Register(ConvOp("Conv2DBackpropInput")
                                 .Input("input_sizes: int32")
                                 .Input("filter: T")
                                 .Input("out_backprop: T")
                                 .SetShapeFn(Conv2DBackpropInputShape)
                                 .SetGradient(Conv2DBackpropInputGradient)));
  RETURN_IF_ERROR(r.Register(ConvOp("Conv2DBackpropFilter")
                                 .Input("input: T")
                                 .Input("filter_sizes: int32")
                                 .Input("out_backprop: T")
                                 .SetShapeFn(Conv2DBackpropFilterShape)
                                 .SetGradient(Conv2DBackpropFilterGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("BiasAdd")
                                 .Attr(kNumberTypes)
                                 .Input("value: T")
                                 .Input("bias: T")
                                 .Attr(kDataFormat)
                                 .Output("output: T")
                                 .SetShapeFn(BiasAddShape)
                                 .SetGradient(BiasAddGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("BiasAddGrad")
                                 .Attr(kNumberTypes)
                                 .Input("out_backprop: T")
                                 .Attr(kDataFormat)
                                 .Output("output: T")
                                 .SetShapeFn(BiasAddGradShape)
                                 .SetGradient(BiasAddGradGradient)));
  RETURN_IF_ERROR(r.Register(OpDefBuilder("BiasAddV1")
                                 .Attr(kNumberTypes)
                                 .Input("value: T")
                                 .Input("bias: T")
                                 .Output("output: T")
                                 .SetShapeFn(BiasAddShape)
                                 .SetGradient(BiasAddGradient)));
  return absl::OkStatus();
}

namespace ops {
namespace {

AttrMap ConvAttrMap(const std::vector<int64_t>& strides,
                    const std::string& padding, const Conv2DAttrs& a) {
  return {{"strides", strides},
          {"padding", padding},
          {"use_cudnn_on_gpu", a.use_cudnn_on_gpu},
          {"explicit_paddings", a.explicit_paddings},
          {"data_format", a.data_format},
          {"dilations", a.dilations}};
}

}  // namespace

Output Conv2D(const Scope& s, Input input, Input filter,
              const std::vector<int64_t>& strides, const std::string& padding,
              const Conv2DAttrs& attrs) {
  return s.AddOp1("Conv2D", {input, filter},
                  ConvAttrMap(strides, padding, attrs));
}

Output Conv2DBackpropInput(const Scope& s, Input input_sizes, Input filter,
                           Input out_backprop,
                           const std::vector<int64_t>& strides,
                           const std::string& padding,
                           const Conv2DAttrs& attrs) {
  return s.AddOp1("Conv2DBackpropInput", {input_sizes, filter, out_backprop},
                  ConvAttrMap(strides, padding, attrs));
}

Output Conv2DBackpropFilter(const Scope& s, Input input, Input filter_sizes,
                            Input out_backprop,
                            const std::vector<int64_t>& strides,
                            const std::string& padding,
                            const Conv2DAttrs& attrs) {
  return s.AddOp1("Conv2DBackpropFilter", {input, filter_sizes, out_backprop},
                  ConvAttrMap(strides, padding, attrs));
}

Output BiasAdd(const Scope& s, Input value, Input bias,
               const std::string& data_format) {
  return s.AddOp1("BiasAdd", {value, bias}, {{"data_format", data_format}});
}

Output BiasAddV1(const Scope& s, Input value, Input bias) {
  return s.AddOp1("BiasAddV1", {value, bias});
}

Output BiasAddGrad(const Scope& s, Input out_backprop,
                   const std::string& data_format) {
  return s.AddOp1("BiasAddGrad", {out_backprop},
                  {{"data_format", data_format}});
}

}  // namespace ops
}  // namespace graphflow
