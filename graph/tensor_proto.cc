#include "graph/tensor_proto.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "graph/status.h"

namespace graphflow {
namespace {

// Copies `values` into t, repeating the last one (TF's splat rule).
template <typename T, typename Field>
absl::Status FillFromField(const Field& values, Tensor* t) {
  int64_t n = t->num_elements();
  int64_t given = values.size();
  if (given > n) {
    return absl::InvalidArgumentError(
        absl::StrCat("tensor has ", given, " values for ", n,
                     " elements of shape ", t->shape().DebugString()));
  }
  T* out = t->data<T>();
  for (int64_t i = 0; i < given; ++i) out[i] = static_cast<T>(values[i]);
  T last = given > 0 ? static_cast<T>(values[given - 1]) : T{};
  std::fill(out + given, out + n, last);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PartialShape> ShapeFromProto(
    const tensorflow::TensorShapeProto& proto) {
  if (proto.unknown_rank()) return PartialShape();
  std::vector<int64_t> dims;
  for (const auto& d : proto.dim()) {
    if (d.size() < -1) {
      return absl::InvalidArgumentError(
          absl::StrCat("shape has dimension ", d.size()));
    }
    dims.push_back(d.size());
  }
  return PartialShape(dims);
}

void ShapeToProto(const PartialShape& shape,
                  tensorflow::TensorShapeProto* proto) {
  proto->Clear();
  if (shape.unknown_rank()) {
    proto->set_unknown_rank(true);
    return;
  }
  for (int64_t d : shape.dims()) proto->add_dim()->set_size(d);
}

int64_t DeclaredTensorBytes(const tensorflow::TensorProto& proto) {
  const DataType dtype = static_cast<DataType>(proto.dtype());
  int64_t bytes = dtype == DT_STRING ? int64_t{sizeof(std::string)}
                                     : std::max(DataTypeSize(dtype), 1);
  for (const auto& dim : proto.tensor_shape().dim()) {
    if (dim.size() <= 0) return 0;
    if (bytes > kSaturatedBytes / dim.size()) return kSaturatedBytes;
    bytes *= dim.size();
  }
  return std::min(bytes, kSaturatedBytes);
}

absl::StatusOr<Tensor> TensorFromProto(const tensorflow::TensorProto& proto) {
  DataType dtype = static_cast<DataType>(proto.dtype());
  if (!IsSupportedType(dtype) || IsRefType(dtype)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tensor of dtype ", DataTypeString(dtype), " is not supported"));
  }
  ASSIGN_OR_RETURN(PartialShape partial, ShapeFromProto(proto.tensor_shape()));
  if (!partial.IsFullyDefined()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tensor shape ", partial.DebugString(), " is not fully defined"));
  }
  ASSIGN_OR_RETURN(TensorShape shape, TensorShape::Make(partial.dims()));
  int64_t bytes = shape.num_elements() * (dtype == DT_STRING
                                              ? int64_t{sizeof(std::string)}
                                              : int64_t{DataTypeSize(dtype)});
  if (bytes > kMaxProtoTensorBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tensor of shape ", shape.DebugString(), " would take ", bytes,
        " bytes, more than the ", kMaxProtoTensorBytes, " a graph may hold"));
  }
  ASSIGN_OR_RETURN(Tensor t, Tensor::Allocate(dtype, shape));
  if (dtype == DT_STRING) {
    RETURN_IF_ERROR(FillFromField<std::string>(proto.string_val(), &t));
    return t;
  }
  if (!proto.tensor_content().empty()) {
    if (static_cast<int64_t>(proto.tensor_content().size()) != bytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("tensor_content has ", proto.tensor_content().size(),
                       " bytes, expected ", bytes, " for ",
                       DataTypeString(dtype), " ", shape.DebugString()));
    }
    if (bytes > 0)
      std::memcpy(t.raw_data(), proto.tensor_content().data(), bytes);
    return t;
  }
  absl::Status s;
  switch (dtype) {
    case DT_FLOAT:
      s = FillFromField<float>(proto.float_val(), &t);
      break;
    case DT_DOUBLE:
      s = FillFromField<double>(proto.double_val(), &t);
      break;
    case DT_INT32:
      s = FillFromField<int32_t>(proto.int_val(), &t);
      break;
    case DT_UINT8:
      s = FillFromField<uint8_t>(proto.int_val(), &t);
      break;
    case DT_INT8:
      s = FillFromField<int8_t>(proto.int_val(), &t);
      break;
    case DT_INT16:
      s = FillFromField<int16_t>(proto.int_val(), &t);
      break;
    case DT_UINT16:
      s = FillFromField<uint16_t>(proto.int_val(), &t);
      break;
    case DT_INT64:
      s = FillFromField<int64_t>(proto.int64_val(), &t);
      break;
    case DT_BOOL:
      s = FillFromField<bool>(proto.bool_val(), &t);
      break;
    default:
      s = absl::InvalidArgumentError("unsupported tensor dtype");
  }
  if (!s.ok()) return s;
  return t;
}

void TensorToProto(const Tensor& t, tensorflow::TensorProto* proto) {
  proto->Clear();
  proto->set_dtype(static_cast<tensorflow::DataType>(t.dtype()));
  ShapeToProto(PartialShape(t.shape()), proto->mutable_tensor_shape());
  if (t.dtype() == DT_STRING) {
    for (const std::string& v : t.flat<std::string>()) proto->add_string_val(v);
    return;
  }
  if (t.num_elements() != 1) {
    proto->set_tensor_content(static_cast<const char*>(t.raw_data()),
                              t.total_bytes());
    return;
  }
  switch (t.dtype()) {
    case DT_FLOAT:
      proto->add_float_val(*t.data<float>());
      break;
    case DT_DOUBLE:
      proto->add_double_val(*t.data<double>());
      break;
    case DT_INT32:
      proto->add_int_val(*t.data<int32_t>());
      break;
    case DT_UINT8:
      proto->add_int_val(*t.data<uint8_t>());
      break;
    case DT_INT8:
      proto->add_int_val(*t.data<int8_t>());
      break;
    case DT_INT16:
      proto->add_int_val(*t.data<int16_t>());
      break;
    case DT_UINT16:
      proto->add_int_val(*t.data<uint16_t>());
      break;
    case DT_INT64:
      proto->add_int64_val(*t.data<int64_t>());
      break;
    case DT_BOOL:
      proto->add_bool_val(*t.data<bool>());
      break;
    default:
      break;
  }
}

absl::StatusOr<AttrValue> AttrValueFromProto(const tensorflow::AttrValue& p,
                                             const AttrDef* def) {
  using P = tensorflow::AttrValue;
  switch (p.value_case()) {
    case P::kS:
      return AttrValue(p.s());
    case P::kI:
      return AttrValue(int64_t{p.i()});
    case P::kF:
      return AttrValue(p.f());
    case P::kB:
      return AttrValue(p.b());
    case P::kType:
      return AttrValue(static_cast<DataType>(p.type()));
    case P::kShape: {
      ASSIGN_OR_RETURN(PartialShape s, ShapeFromProto(p.shape()));
      return AttrValue(s);
    }
    case P::kTensor: {
      ASSIGN_OR_RETURN(Tensor t, TensorFromProto(p.tensor()));
      return AttrValue(t);
    }
    case P::kFunc: {
      auto f = std::make_shared<FuncAttr>();
      f->name = p.func().name();
      for (const auto& [k, v] : p.func().attr()) {
        ASSIGN_OR_RETURN(f->attr[k], AttrValueFromProto(v, nullptr));
      }
      return AttrValue(std::shared_ptr<const FuncAttr>(f));
    }
    case P::kPlaceholder:
      return absl::InvalidArgumentError(
          "placeholder attrs only occur inside functions");
    case P::kList:
      break;
    case P::VALUE_NOT_SET:
      return absl::InvalidArgumentError("attr has no value");
  }
  const auto& l = p.list();
  if (l.s_size() > 0)
    return AttrValue(std::vector<std::string>(l.s().begin(), l.s().end()));
  if (l.i_size() > 0)
    return AttrValue(std::vector<int64_t>(l.i().begin(), l.i().end()));
  if (l.f_size() > 0)
    return AttrValue(std::vector<float>(l.f().begin(), l.f().end()));
  if (l.b_size() > 0)
    return AttrValue(std::vector<bool>(l.b().begin(), l.b().end()));
  if (l.type_size() > 0) {
    DataTypeVector types;
    for (int t : l.type()) types.push_back(static_cast<DataType>(t));
    return AttrValue(types);
  }
  if (l.shape_size() > 0) {
    std::vector<PartialShape> shapes;
    for (const auto& s : l.shape()) {
      ASSIGN_OR_RETURN(PartialShape ps, ShapeFromProto(s));
      shapes.push_back(ps);
    }
    return AttrValue(shapes);
  }
  if (l.tensor_size() > 0) {
    std::vector<Tensor> tensors;
    for (const auto& t : l.tensor()) {
      ASSIGN_OR_RETURN(Tensor v, TensorFromProto(t));
      tensors.push_back(v);
    }
    return AttrValue(tensors);
  }
  if (l.func_size() > 0) {
    return absl::InvalidArgumentError("list(func) attrs are not supported");
  }
  // An empty list takes its type from the schema.
  std::string type = def ? def->type : "list(string)";
  if (type == "list(int)") return AttrValue(std::vector<int64_t>{});
  if (type == "list(float)") return AttrValue(std::vector<float>{});
  if (type == "list(bool)") return AttrValue(std::vector<bool>{});
  if (type == "list(type)") return AttrValue(DataTypeVector{});
  if (type == "list(shape)") return AttrValue(std::vector<PartialShape>{});
  if (type == "list(tensor)") return AttrValue(std::vector<Tensor>{});
  return AttrValue(std::vector<std::string>{});
}

void AttrValueToProto(const AttrValue& value, tensorflow::AttrValue* p) {
  p->Clear();
  struct Writer {
    tensorflow::AttrValue* p;
    void operator()(const std::string& s) { p->set_s(s); }
    void operator()(int64_t i) { p->set_i(i); }
    void operator()(float f) { p->set_f(f); }
    void operator()(bool b) { p->set_b(b); }
    void operator()(DataType t) {
      p->set_type(static_cast<tensorflow::DataType>(t));
    }
    void operator()(const PartialShape& s) {
      ShapeToProto(s, p->mutable_shape());
    }
    void operator()(const Tensor& t) { TensorToProto(t, p->mutable_tensor()); }
    void operator()(const std::vector<std::string>& v) {
      auto* l = p->mutable_list();
      for (const auto& s : v) l->add_s(s);
    }
    void operator()(const std::vector<int64_t>& v) {
      auto* l = p->mutable_list();
      for (int64_t i : v) l->add_i(i);
    }
    void operator()(const std::vector<float>& v) {
      auto* l = p->mutable_list();
      for (float f : v) l->add_f(f);
    }
    void operator()(const std::vector<bool>& v) {
      auto* l = p->mutable_list();
      for (bool b : v) l->add_b(b);
    }
    void operator()(const DataTypeVector& v) {
      auto* l = p->mutable_list();
      for (DataType t : v) l->add_type(static_cast<tensorflow::DataType>(t));
    }
    void operator()(const std::vector<PartialShape>& v) {
      auto* l = p->mutable_list();
      for (const auto& s : v) ShapeToProto(s, l->add_shape());
    }
    void operator()(const std::vector<Tensor>& v) {
      auto* l = p->mutable_list();
      for (const auto& t : v) TensorToProto(t, l->add_tensor());
    }
    void operator()(const std::shared_ptr<const FuncAttr>& f) {
      auto* fp = p->mutable_func();
      if (!f) return;
      fp->set_name(f->name);
      for (const auto& [k, v] : f->attr)
        AttrValueToProto(v, &(*fp->mutable_attr())[k]);
    }
  };
  std::visit(Writer{p}, value);
  if (std::holds_alternative<std::vector<std::string>>(value) ||
      std::holds_alternative<std::vector<int64_t>>(value) ||
      std::holds_alternative<std::vector<float>>(value) ||
      std::holds_alternative<std::vector<bool>>(value) ||
      std::holds_alternative<DataTypeVector>(value) ||
      std::holds_alternative<std::vector<PartialShape>>(value) ||
      std::holds_alternative<std::vector<Tensor>>(value)) {
    p->mutable_list();  // An empty list is still a list.
  }
}

}  // namespace graphflow
