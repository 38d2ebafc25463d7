// Data types, with TensorFlow's DataType enum values so GraphDefs map 1:1.
#ifndef GRAPHFLOW_GRAPH_TYPES_H_
#define GRAPHFLOW_GRAPH_TYPES_H_

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace graphflow {

enum DataType : int {
  DT_INVALID = 0,
  DT_FLOAT = 1,
  DT_DOUBLE = 2,
  DT_INT32 = 3,
  DT_UINT8 = 4,
  DT_INT16 = 5,
  DT_INT8 = 6,
  DT_STRING = 7,
  DT_COMPLEX64 = 8,
  DT_INT64 = 9,
  DT_BOOL = 10,
  DT_QINT8 = 11,
  DT_QUINT8 = 12,
  DT_QINT32 = 13,
  DT_BFLOAT16 = 14,
  DT_QINT16 = 15,
  DT_QUINT16 = 16,
  DT_UINT16 = 17,
  DT_COMPLEX128 = 18,
  DT_HALF = 19,
  DT_RESOURCE = 20,
  DT_VARIANT = 21,
  DT_UINT32 = 22,
  DT_UINT64 = 23,
  kDataTypeRefOffset = 100,
};

using DataTypeVector = std::vector<DataType>;

inline bool IsRefType(DataType t) { return t > kDataTypeRefOffset; }
inline DataType MakeRefType(DataType t) {
  return IsRefType(t) ? t : static_cast<DataType>(t + kDataTypeRefOffset);
}
inline DataType BaseType(DataType t) {
  return IsRefType(t) ? static_cast<DataType>(t - kDataTypeRefOffset) : t;
}

// True for the types graphflow tensors can hold (float, double, int32, int64,
// bool, uint8, int8, int16, uint16, and string).
bool IsSupportedType(DataType t);
// Bytes per element of the numeric types; 0 for string and for types
// graphflow cannot hold.
int DataTypeSize(DataType t);
// "float", "int32", "float_ref", ... as TensorFlow prints them.
std::string DataTypeString(DataType t);
// Parses "float", "DT_FLOAT", "int64", ... (TF attr spellings).
absl::StatusOr<DataType> ParseDataType(absl::string_view name);
std::string DataTypeVectorString(const DataTypeVector& types);

template <typename T>
struct DataTypeOf;
#define GF_DATATYPE_OF_(CT, DT)           \
  template <>                             \
  struct DataTypeOf<CT> {                 \
    static constexpr DataType value = DT; \
  }
GF_DATATYPE_OF_(float, DT_FLOAT);
GF_DATATYPE_OF_(double, DT_DOUBLE);
GF_DATATYPE_OF_(int32_t, DT_INT32);
GF_DATATYPE_OF_(int64_t, DT_INT64);
GF_DATATYPE_OF_(uint8_t, DT_UINT8);
GF_DATATYPE_OF_(int8_t, DT_INT8);
GF_DATATYPE_OF_(int16_t, DT_INT16);
GF_DATATYPE_OF_(uint16_t, DT_UINT16);
GF_DATATYPE_OF_(bool, DT_BOOL);
#undef GF_DATATYPE_OF_

// A list of C++ element types, to restrict DispatchType to.
template <typename... Ts>
struct TypeList {
  template <typename T>
  static constexpr bool kContains = (std::is_same_v<T, Ts> || ...);
};
// Every type graphflow tensors hold; all but bool; the floating ones.
using AllTypes = TypeList<float, double, int32_t, int64_t, uint8_t, int8_t,
                          int16_t, uint16_t, bool>;
using NumericTypes = TypeList<float, double, int32_t, int64_t, uint8_t, int8_t,
                              int16_t, uint16_t>;
using FloatTypes = TypeList<float, double>;

// DispatchType's default answer for a dtype outside its list.
struct UnsupportedDtype {
  absl::Status operator()(DataType dtype) const {
    return absl::InvalidArgumentError("unsupported dtype " +
                                      DataTypeString(dtype));
  }
};

// Calls fn.template operator()<T>() for the C++ type T of `dtype` when T is
// one of Types; otherwise returns unsupported(dtype). The one dtype switch of
// graphflow; use as:
//   return DispatchType(dtype, [&]<typename T>() { ...; return OkStatus(); });
//   return DispatchType<FloatTypes>(dtype, fn, ctx.UnsupportedDtype());
template <typename Types = AllTypes, typename Fn,
          typename Unsupported = UnsupportedDtype>
absl::Status DispatchType(DataType dtype, Fn&& fn,
                          Unsupported&& unsupported = {}) {
  auto call = [&]<typename T>() -> absl::Status {
    if constexpr (Types::template kContains<T>) {
      return fn.template operator()<T>();
    } else {
      return unsupported(dtype);
    }
  };
  switch (BaseType(dtype)) {
    case DT_FLOAT:
      return call.template operator()<float>();
    case DT_DOUBLE:
      return call.template operator()<double>();
    case DT_INT32:
      return call.template operator()<int32_t>();
    case DT_INT64:
      return call.template operator()<int64_t>();
    case DT_UINT8:
      return call.template operator()<uint8_t>();
    case DT_INT8:
      return call.template operator()<int8_t>();
    case DT_INT16:
      return call.template operator()<int16_t>();
    case DT_UINT16:
      return call.template operator()<uint16_t>();
    case DT_BOOL:
      return call.template operator()<bool>();
    default:
      return unsupported(dtype);
  }
}

}  // namespace graphflow

#endif  // GRAPHFLOW_GRAPH_TYPES_H_
