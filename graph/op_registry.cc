#include "graph/op_registry.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/text_format.h"
#include "graph/status.h"
#include "graph/tensor_proto.h"
#include "proto/tensor.pb.h"

namespace graphflow {
namespace {

absl::string_view Trim(absl::string_view s) {
  return absl::StripAsciiWhitespace(s);
}

// Splits "a, b, c" (no nesting) into trimmed pieces; "" gives none.
std::vector<absl::string_view> SplitList(absl::string_view body) {
  std::vector<absl::string_view> out;
  if (Trim(body).empty()) return out;
  for (absl::string_view piece : absl::StrSplit(body, ',')) {
    out.push_back(Trim(piece));
  }
  return out;
}

absl::StatusOr<std::string> Unquote(absl::string_view s) {
  s = Trim(s);
  if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') &&
      s.back() == s.front()) {
    return std::string(s.substr(1, s.size() - 2));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("expected a quoted string, got ", s));
}

absl::StatusOr<AttrValue> ParseScalar(absl::string_view type,
                                      absl::string_view text) {
  text = Trim(text);
  if (type == "string")
    return AttrValue(Unquote(text).value_or(std::string(text)));
  if (type == "int") {
    int64_t v;
    if (absl::SimpleAtoi(text, &v)) return AttrValue(v);
  } else if (type == "float") {
    float v;
    if (absl::SimpleAtof(text, &v)) return AttrValue(v);
  } else if (type == "bool") {
    if (text == "true") return AttrValue(true);
    if (text == "false") return AttrValue(false);
  } else if (type == "type") {
    ASSIGN_OR_RETURN(DataType t, ParseDataType(text));
    return AttrValue(t);
  } else if (type == "tensor") {
    // TF writes tensor defaults as TensorProto text: "{ dtype: ... }".
    tensorflow::TensorProto proto;
    if (text.size() >= 2 && text.front() == '{' && text.back() == '}' &&
        google::protobuf::TextFormat::ParseFromString(
            std::string(text.substr(1, text.size() - 2)), &proto)) {
      ASSIGN_OR_RETURN(Tensor t, TensorFromProto(proto));
      return AttrValue(std::move(t));
    }
  } else if (type == "shape") {
    if (absl::StrContains(text, "unknown_rank"))
      return AttrValue(PartialShape());
    if (text.front() == '[' && text.back() == ']') {
      std::vector<int64_t> dims;
      for (absl::string_view d : SplitList(text.substr(1, text.size() - 2))) {
        int64_t v;
        if (!absl::SimpleAtoi(d, &v)) break;
        dims.push_back(v);
      }
      return AttrValue(PartialShape(dims));
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("cannot parse '", text, "' as ", type));
}

template <typename T>
absl::StatusOr<AttrValue> ParseList(
    absl::string_view elem_type, const std::vector<absl::string_view>& items) {
  std::vector<T> out;
  for (absl::string_view item : items) {
    ASSIGN_OR_RETURN(AttrValue v, ParseScalar(elem_type, item));
    out.push_back(std::get<T>(v));
  }
  return AttrValue(std::move(out));
}

// TF's named type sets ("T: numbertype").
const DataTypeVector* TypeGroup(absl::string_view name) {
  static const auto* kReal = new DataTypeVector{
      DT_FLOAT, DT_DOUBLE,   DT_INT32,  DT_UINT8, DT_INT16,  DT_INT8,
      DT_INT64, DT_BFLOAT16, DT_UINT16, DT_HALF,  DT_UINT32, DT_UINT64};
  static const auto* kNumber = [] {
    auto* v = new DataTypeVector(*kReal);
    v->insert(v->end(),
              {DT_COMPLEX64, DT_COMPLEX128, DT_QINT8, DT_QUINT8, DT_QINT32});
    return v;
  }();
  static const auto* kFloat =
      new DataTypeVector{DT_HALF, DT_BFLOAT16, DT_FLOAT, DT_DOUBLE};
  if (name == "realnumbertype") return kReal;
  if (name == "numbertype") return kNumber;
  if (name == "floattype") return kFloat;
  return nullptr;
}

absl::Status ParseArg(absl::string_view spec, const std::vector<AttrDef>& attrs,
                      ArgDef* arg) {
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(spec, absl::MaxSplits(':', 1));
  arg->name = std::string(Trim(parts.first));
  absl::string_view type = Trim(parts.second);
  if (absl::ConsumePrefix(&type, "Ref(")) {
    if (!absl::ConsumeSuffix(&type, ")")) {
      return absl::InvalidArgumentError("unbalanced Ref(");
    }
    arg->is_ref = true;
  }
  if (size_t star = type.find('*'); star != absl::string_view::npos) {
    arg->number_attr = std::string(Trim(type.substr(0, star)));
    type = Trim(type.substr(star + 1));
  }
  auto attr_type = [&](absl::string_view name) -> const AttrDef* {
    for (const AttrDef& a : attrs) {
      if (a.name == name) return &a;
    }
    return nullptr;
  };
  if (const AttrDef* a = attr_type(type)) {
    if (a->type == "type") {
      arg->type_attr = a->name;
    } else if (a->type == "list(type)") {
      arg->type_list_attr = a->name;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("attr '", type, "' used as a type is a ", a->type));
    }
  } else {
    ASSIGN_OR_RETURN(arg->type, ParseDataType(type));
  }
  if (!arg->number_attr.empty() && attr_type(arg->number_attr) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown length attr '", arg->number_attr, "'"));
  }
  return absl::OkStatus();
}

absl::Status ParseAttr(absl::string_view spec, AttrDef* attr) {
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(spec, absl::MaxSplits(':', 1));
  attr->name = std::string(Trim(parts.first));
  absl::string_view rest = Trim(parts.second);
  absl::string_view default_text;
  size_t eq = rest.find('=');
  while (eq != absl::string_view::npos && eq > 0 && rest[eq - 1] == '>') {
    eq = rest.find('=', eq + 1);  // Skip the '=' of ">=".
  }
  if (eq != absl::string_view::npos) {
    default_text = Trim(rest.substr(eq + 1));
    rest = Trim(rest.substr(0, eq));
  }
  if (size_t ge = rest.find(">="); ge != absl::string_view::npos) {
    int64_t min;
    if (!absl::SimpleAtoi(Trim(rest.substr(ge + 2)), &min)) {
      return absl::InvalidArgumentError("bad minimum");
    }
    attr->minimum = min;
    rest = Trim(rest.substr(0, ge));
  }
  bool is_list = absl::ConsumePrefix(&rest, "list(");
  if (is_list && !absl::ConsumeSuffix(&rest, ")")) {
    return absl::InvalidArgumentError("unbalanced list(");
  }
  std::string elem;
  if (absl::ConsumePrefix(&rest, "{")) {
    if (!absl::ConsumeSuffix(&rest, "}")) {
      return absl::InvalidArgumentError("unbalanced {");
    }
    std::vector<absl::string_view> options = SplitList(rest);
    if (!options.empty() &&
        (options[0].front() == '\'' || options[0].front() == '"')) {
      elem = "string";
      for (absl::string_view o : options) {
        ASSIGN_OR_RETURN(std::string v, Unquote(o));
        attr->allowed_values.push_back(v);
      }
    } else {
      elem = "type";
      for (absl::string_view o : options) {
        ASSIGN_OR_RETURN(DataType t, ParseDataType(o));
        attr->allowed_types.push_back(t);
      }
    }
  } else if (const DataTypeVector* group = TypeGroup(rest)) {
    elem = "type";
    attr->allowed_types = *group;
  } else {
    elem = std::string(rest);
  }
  static constexpr const char* kKinds[] = {"string", "int",   "float",  "bool",
                                           "type",   "shape", "tensor", "func"};
  bool known = false;
  for (const char* k : kKinds) known |= elem == k;
  if (!known)
    return absl::InvalidArgumentError(
        absl::StrCat("unknown attr type '", elem, "'"));
  attr->type = is_list ? absl::StrCat("list(", elem, ")") : elem;
  if (!default_text.empty()) {
    ASSIGN_OR_RETURN(attr->default_value,
                     ParseAttrLiteral(attr->type, default_text));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<AttrValue> ParseAttrLiteral(absl::string_view type,
                                           absl::string_view text) {
  text = Trim(text);
  absl::string_view elem = type;
  if (!absl::ConsumePrefix(&elem, "list(")) return ParseScalar(type, text);
  absl::ConsumeSuffix(&elem, ")");
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') {
    return absl::InvalidArgumentError(
        absl::StrCat("expected a [list] for ", type, ", got ", text));
  }
  std::vector<absl::string_view> items =
      SplitList(text.substr(1, text.size() - 2));
  if (elem == "string") return ParseList<std::string>(elem, items);
  if (elem == "int") return ParseList<int64_t>(elem, items);
  if (elem == "float") return ParseList<float>(elem, items);
  if (elem == "bool") return ParseList<bool>(elem, items);
  if (elem == "type") return ParseList<DataType>(elem, items);
  if (elem == "shape" && items.empty())
    return AttrValue(std::vector<PartialShape>{});
  if (elem == "tensor" && items.empty())
    return AttrValue(std::vector<Tensor>{});
  return absl::InvalidArgumentError(
      absl::StrCat("cannot parse default '", text, "' for ", type));
}

const AttrDef* OpDef::FindAttr(absl::string_view attr_name) const {
  for (const AttrDef& a : attrs) {
    if (a.name == attr_name) return &a;
  }
  return nullptr;
}

OpDefBuilder::OpDefBuilder(std::string name) { def_.name = std::move(name); }

OpDefBuilder& OpDefBuilder::Input(std::string spec) {
  input_specs_.push_back(std::move(spec));
  return *this;
}
OpDefBuilder& OpDefBuilder::Output(std::string spec) {
  output_specs_.push_back(std::move(spec));
  return *this;
}
OpDefBuilder& OpDefBuilder::Attr(std::string spec) {
  attr_specs_.push_back(std::move(spec));
  return *this;
}
OpDefBuilder& OpDefBuilder::SetIsStateful() {
  def_.is_stateful = true;
  return *this;
}
OpDefBuilder& OpDefBuilder::SetIsFeedOnly() {
  def_.is_feed_only = true;
  return *this;
}
OpDefBuilder& OpDefBuilder::SetShapeFn(ShapeFn fn) {
  def_.shape_fn = std::move(fn);
  return *this;
}
OpDefBuilder& OpDefBuilder::SetGradient(GradFn fn) {
  def_.grad_fn = std::move(fn);
  return *this;
}
OpDefBuilder& OpDefBuilder::SetNoGradient() {
  def_.no_gradient = true;
  return *this;
}

absl::StatusOr<OpDef> OpDefBuilder::Finalize() const {
  OpDef def = def_;
  auto fail = [&](absl::string_view spec, const absl::Status& s) {
    return absl::InvalidArgumentError(absl::StrCat(
        "op ", def.name, ": bad spec '", spec, "': ", s.message()));
  };
  for (const std::string& spec : attr_specs_) {
    AttrDef attr;
    if (absl::Status s = ParseAttr(spec, &attr); !s.ok()) return fail(spec, s);
    def.attrs.push_back(std::move(attr));
  }
  for (const std::string& spec : input_specs_) {
    ArgDef arg;
    if (absl::Status s = ParseArg(spec, def.attrs, &arg); !s.ok())
      return fail(spec, s);
    def.inputs.push_back(std::move(arg));
  }
  for (const std::string& spec : output_specs_) {
    ArgDef arg;
    if (absl::Status s = ParseArg(spec, def.attrs, &arg); !s.ok())
      return fail(spec, s);
    def.outputs.push_back(std::move(arg));
  }
  return def;
}

absl::Status OpRegistry::Register(const OpDefBuilder& builder) {
  ASSIGN_OR_RETURN(OpDef def, builder.Finalize());
  std::lock_guard<std::mutex> lock(mu_);
  if (ops_.contains(def.name)) {
    return absl::AlreadyExistsError(
        absl::StrCat("op '", def.name, "' is registered twice"));
  }
  std::string name = def.name;
  ops_.emplace(name, std::make_unique<OpDef>(std::move(def)));
  return absl::OkStatus();
}

const OpDef* OpRegistry::Find(absl::string_view name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = ops_.find(name);
  return it == ops_.end() ? nullptr : it->second.get();
}

absl::StatusOr<const OpDef*> OpRegistry::LookUp(absl::string_view name) const {
  if (const OpDef* def = Find(name)) return def;
  return absl::NotFoundError(absl::StrCat("unknown op '", name, "'"));
}

std::vector<std::string> OpRegistry::OpNames() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, def] : ops_) names.push_back(name);
  return names;
}

}  // namespace graphflow
