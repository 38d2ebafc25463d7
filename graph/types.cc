#include "graph/types.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace graphflow {
namespace {

struct TypeName {
  DataType type;
  const char* name;
  int size;  // 0: not storable in a graphflow Tensor.
};

constexpr TypeName kTypeNames[] = {
    {DT_FLOAT, "float", 4},     {DT_DOUBLE, "double", 8},
    {DT_INT32, "int32", 4},     {DT_UINT8, "uint8", 1},
    {DT_INT16, "int16", 2},     {DT_INT8, "int8", 1},
    {DT_STRING, "string", 0},   {DT_COMPLEX64, "complex64", 0},
    {DT_INT64, "int64", 8},     {DT_BOOL, "bool", 1},
    {DT_QINT8, "qint8", 0},     {DT_QUINT8, "quint8", 0},
    {DT_QINT32, "qint32", 0},   {DT_BFLOAT16, "bfloat16", 0},
    {DT_QINT16, "qint16", 0},   {DT_QUINT16, "quint16", 0},
    {DT_UINT16, "uint16", 2},   {DT_COMPLEX128, "complex128", 0},
    {DT_HALF, "half", 0},       {DT_RESOURCE, "resource", 0},
    {DT_VARIANT, "variant", 0}, {DT_UINT32, "uint32", 0},
    {DT_UINT64, "uint64", 0},
};

const TypeName* Find(DataType t) {
  for (const TypeName& tn : kTypeNames) {
    if (tn.type == t) return &tn;
  }
  return nullptr;
}

}  // namespace

bool IsSupportedType(DataType t) {
  return DataTypeSize(t) > 0 || BaseType(t) == DT_STRING ||
         BaseType(t) == DT_RESOURCE;
}

int DataTypeSize(DataType t) {
  const TypeName* tn = Find(BaseType(t));
  return tn ? tn->size : 0;
}

std::string DataTypeString(DataType t) {
  const TypeName* tn = Find(BaseType(t));
  std::string name = tn ? tn->name : absl::StrCat("unknown(", int{t}, ")");
  return IsRefType(t) ? name + "_ref" : name;
}

absl::StatusOr<DataType> ParseDataType(absl::string_view spelled) {
  std::string name = absl::AsciiStrToLower(spelled);
  absl::string_view view = name;
  absl::ConsumePrefix(&view, "dt_");
  bool ref = absl::ConsumeSuffix(&view, "_ref");
  for (const TypeName& tn : kTypeNames) {
    if (view == tn.name) return ref ? MakeRefType(tn.type) : tn.type;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown data type '", spelled, "'"));
}

std::string DataTypeVectorString(const DataTypeVector& types) {
  return absl::StrJoin(types, ", ", [](std::string* out, DataType t) {
    out->append(DataTypeString(t));
  });
}

}  // namespace graphflow
