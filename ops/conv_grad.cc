#include "ops/conv_grad.h"

#include "ops/array_join_ops.h"
#include "ops/array_ops.h"
#include "ops/math_ops.h"

namespace graphflow {
namespace {

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

}  // namespace

absl::Status Conv2DGrad(const Scope& s, const Node& node, const OutputList& dy,
                        OutputList* dx) {
  Output input = NodeInput(node, 0), filter = NodeInput(node, 1);
  auto [input_shape, filter_shape] = Shapes(s, input, filter);
  AttrMap attrs = ConvAttrs(node);
  dx->push_back(
      s.AddOp1("Conv2DBackpropInput", {input_shape, filter, dy[0]}, attrs));
  dx->push_back(
      s.AddOp1("Conv2DBackpropFilter", {input, filter_shape, dy[0]}, attrs));
  return s.status();
}

absl::Status Conv2DBackpropInputGrad(const Scope& s, const Node& node,
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

absl::Status Conv2DBackpropFilterGrad(const Scope& s, const Node& node,
                                      const OutputList& dy, OutputList* dx) {
  Output input = NodeInput(node, 0), out_backprop = NodeInput(node, 2);
  auto [input_shape, unused] = Shapes(s, input, out_backprop);
  AttrMap attrs = ConvAttrs(node);
  dx->push_back(s.AddOp1("Conv2DBackpropInput",
                         {input_shape, dy[0], out_backprop}, attrs));
  dx->push_back(Output());
  dx->push_back(s.AddOp1("Conv2D", {input, dy[0]}, attrs));
  return s.status();
}

absl::Status BiasAddGradFn(const Scope& s, const Node& node,
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

absl::Status BiasAddGradGrad(const Scope& s, const Node& node,
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

}  // namespace graphflow
