#include "graph/attr_value.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace graphflow {

std::string AttrTypeName(const AttrValue& value) {
  static constexpr const char* kNames[] = {
      "string",     "int",        "float",        "bool",         "type",
      "shape",      "tensor",     "list(string)", "list(int)",    "list(float)",
      "list(bool)", "list(type)", "list(shape)",  "list(tensor)", "func"};
  return kNames[value.index()];
}

std::string AttrValueDebugString(const AttrValue& value) {
  struct Printer {
    std::string operator()(const std::string& s) { return "'" + s + "'"; }
    std::string operator()(int64_t i) { return absl::StrCat(i); }
    std::string operator()(float f) { return absl::StrCat(f); }
    std::string operator()(bool b) { return b ? "true" : "false"; }
    std::string operator()(DataType t) { return DataTypeString(t); }
    std::string operator()(const PartialShape& s) { return s.DebugString(); }
    std::string operator()(const Tensor& t) { return t.DebugString(); }
    std::string operator()(const std::vector<std::string>& v) {
      return absl::StrCat("['", absl::StrJoin(v, "', '"), "']");
    }
    std::string operator()(const std::vector<int64_t>& v) {
      return absl::StrCat("[", absl::StrJoin(v, ", "), "]");
    }
    std::string operator()(const std::vector<float>& v) {
      return absl::StrCat("[", absl::StrJoin(v, ", "), "]");
    }
    std::string operator()(const std::vector<bool>& v) {
      return absl::StrCat("[", absl::StrJoin(v, ", "), "]");
    }
    std::string operator()(const DataTypeVector& v) {
      return absl::StrCat("[", DataTypeVectorString(v), "]");
    }
    std::string operator()(const std::vector<PartialShape>& v) {
      return absl::StrCat(
          "[",
          absl::StrJoin(v, ", ",
                        [](std::string* o, const PartialShape& s) {
                          o->append(s.DebugString());
                        }),
          "]");
    }
    std::string operator()(const std::vector<Tensor>& v) {
      return absl::StrCat("[", v.size(), " tensors]");
    }
    std::string operator()(const std::shared_ptr<const FuncAttr>& f) {
      return f ? "func " + f->name : "func <none>";
    }
  };
  return std::visit(Printer{}, value);
}

}  // namespace graphflow
