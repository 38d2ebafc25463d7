#include "graph/partial_value.h"

#include "graph/strided_slice.h"

namespace graphflow {
namespace {

bool IsIndexType(DataType t) {
  t = BaseType(t);
  return t == DT_INT32 || t == DT_INT64;
}

PartialValue FromTensor(const Tensor& t) {
  PartialValue v;
  if (t.rank() > 1 || !IsIndexType(t.dtype()) ||
      t.num_elements() > static_cast<int64_t>(kMaxPartialValueLength)) {
    return v;
  }
  v.known = true;
  v.scalar = t.rank() == 0;
  for (int64_t k = 0; k < t.num_elements(); ++k) {
    v.values.push_back(t.dtype() == DT_INT32 ? t.data<int32_t>()[k]
                                             : t.data<int64_t>()[k]);
  }
  return v;
}

PartialValue FromShape(const PartialShape& s) {
  PartialValue v;
  if (s.unknown_rank()) return v;
  v.known = true;
  for (int64_t d : s.dims()) v.values.push_back(d < 0 ? kUnknownValue : d);
  return v;
}

PartialValue Scalar(int64_t value) {
  PartialValue v;
  v.known = v.scalar = true;
  v.values = {value};
  return v;
}

const PartialShape& InputShape(const Node& n, int i) {
  const Endpoint& in = n.input(i);
  return in.node->output_shape(in.index);
}

// Pack of scalars into a vector.
PartialValue EvaluatePack(const Node& n, int depth) {
  PartialValue v;
  const int64_t* axis = n.FindAttr<int64_t>("axis");
  if (axis == nullptr || (*axis != 0 && *axis != -1)) return v;
  for (int i = 0; i < n.num_inputs(); ++i) {
    PartialValue e = EvaluatePartial(n.input(i), depth + 1);
    v.values.push_back(e.known && e.scalar ? e.values[0] : kUnknownValue);
  }
  v.known = true;
  return v;
}

// ConcatV2 (axis last) or Concat (axis first) of vectors.
PartialValue EvaluateConcat(const Node& n, bool axis_first, int depth) {
  PartialValue v;
  int axis_index = axis_first ? 0 : n.num_inputs() - 1;
  PartialValue axis = EvaluatePartial(n.input(axis_index), depth + 1);
  if (!axis.known || !axis.scalar ||
      (axis.values[0] != 0 && axis.values[0] != -1)) {
    return v;
  }
  for (int i = 0; i < n.num_inputs(); ++i) {
    if (i == axis_index) continue;
    PartialValue part = EvaluatePartial(n.input(i), depth + 1);
    if (!part.known || part.scalar ||
        v.values.size() + part.values.size() > kMaxPartialValueLength) {
      return PartialValue();
    }
    v.values.insert(v.values.end(), part.values.begin(), part.values.end());
  }
  v.known = true;
  return v;
}

// StridedSlice of a vector with constant begin, end and strides.
PartialValue EvaluateStridedSlice(const Node& n, int depth) {
  PartialValue input = EvaluatePartial(n.input(0), depth + 1);
  if (!input.known || input.scalar) return PartialValue();
  PartialValue b = EvaluatePartial(n.input(1), depth + 1);
  PartialValue e = EvaluatePartial(n.input(2), depth + 1);
  PartialValue s = EvaluatePartial(n.input(3), depth + 1);
  if (!b.FullyKnown() || !e.FullyKnown() || !s.FullyKnown()) {
    return PartialValue();
  }
  auto m = strided_slice::MasksOf(n);
  if (!m.ok()) return PartialValue();
  int64_t len = static_cast<int64_t>(input.values.size());
  auto spec = strided_slice::Compute({len}, b.values, e.values, s.values, *m);
  if (!spec.ok() || spec->final_dims.size() > 1) return PartialValue();
  PartialValue v;
  v.known = true;
  v.scalar = spec->final_dims.empty();
  for (int64_t k = 0; k < spec->processing_dims[0]; ++k) {
    v.values.push_back(input.values[spec->begin[0] + k * spec->strides[0]]);
  }
  return v;
}

}  // namespace

bool PartialValue::FullyKnown() const {
  if (!known) return false;
  for (int64_t v : values) {
    if (v == kUnknownValue) return false;
  }
  return true;
}

PartialValue EvaluatePartial(const Endpoint& e, int depth) {
  const Node& n = *e.node;
  const PartialShape& shape = n.output_shape(e.index);
  PartialValue fallback;  // What the output's shape alone tells.
  if (shape.rank() == 0) {
    fallback = Scalar(kUnknownValue);
  } else if (shape.rank() == 1 && shape.dim(0) >= 0 &&
             shape.dim(0) <= static_cast<int64_t>(kMaxPartialValueLength)) {
    fallback.known = true;
    fallback.values.assign(shape.dim(0), kUnknownValue);
  }
  if (depth > 16 || !IsIndexType(n.output_type(e.index))) return fallback;
  const std::string& op = n.op();
  PartialValue v;
  if (op == "Const") {
    if (const Tensor* t = n.FindAttr<Tensor>("value")) v = FromTensor(*t);
  } else if (op == "Shape" || op == "ShapeN") {
    v = FromShape(InputShape(n, e.index));
  } else if (op == "Size") {
    int64_t size = InputShape(n, 0).num_elements();
    if (size >= 0) v = Scalar(size);
  } else if (op == "Rank") {
    if (InputShape(n, 0).known_rank()) v = Scalar(InputShape(n, 0).rank());
  } else if (op == "Identity" || op == "StopGradient" || op == "Cast") {
    v = EvaluatePartial(n.input(0), depth + 1);
  } else if (op == "Pack") {
    v = EvaluatePack(n, depth);
  } else if (op == "ConcatV2" || op == "Concat") {
    v = EvaluateConcat(n, op == "Concat", depth);
  } else if (op == "StridedSlice") {
    v = EvaluateStridedSlice(n, depth);
  }
  return v.known ? v : fallback;
}

PartialValue InputValue(const InferenceContext& c, int i) {
  return EvaluatePartial(c.node().input(i));
}

std::optional<Tensor> KnownIntValue(const Endpoint& e) {
  const DataType type = BaseType(e.node->output_type(e.index));
  if (type != DT_INT32 && type != DT_INT64) return std::nullopt;
  PartialValue v = EvaluatePartial(e);
  if (!v.FullyKnown()) return std::nullopt;
  const int64_t n = static_cast<int64_t>(v.values.size());
  Tensor t(type, v.scalar ? TensorShape() : TensorShape({n}));
  for (int64_t k = 0; k < n; ++k) {
    if (type == DT_INT32) {
      t.data<int32_t>()[k] = static_cast<int32_t>(v.values[k]);
    } else {
      t.data<int64_t>()[k] = v.values[k];
    }
  }
  return t;
}

}  // namespace graphflow
