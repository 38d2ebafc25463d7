// Kernels of ops/logging_ops.cc that check values: CheckNumerics and Assert.
// Assert prints its data as TF 1.15's Tensor::SummarizeValue.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"

namespace graphflow {
namespace {

absl::Status CheckNumericsKernel(KernelContext& ctx) {
  std::string message;
  RETURN_IF_ERROR(ctx.GetAttr("message", &message));
  const Tensor& x = ctx.input(0);
  bool has_nan = false, has_inf = false;
  RETURN_IF_ERROR(DispatchType<FloatTypes>(
      x.dtype(),
      [&]<typename T>() {
        for (T v : x.flat<T>()) {  // No early exit: the scan vectorizes.
          has_nan |= std::isnan(v);
          has_inf |= std::isinf(v);
        }
        return absl::OkStatus();
      },
      ctx.UnsupportedDtype()));
  if (has_nan || has_inf) {
    const char* what = has_inf ? (has_nan ? "Inf and NaN" : "Inf") : "NaN";
    return ctx.InvalidArgument(
        absl::StrCat(message, " : Tensor had ", what, " values"));
  }
  ctx.SetOutput(0, x);
  return absl::OkStatus();
}

// TF's shortest round-tripping "%g": FLT_DIG (DBL_DIG) digits, more when
// they do not read back to the same value; "nan", "inf", "-inf".
template <typename T>
std::string FormatFloat(T v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  constexpr bool kFloat = sizeof(T) == sizeof(float);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.*g", kFloat ? FLT_DIG : DBL_DIG,
                static_cast<double>(v));
  const bool exact =
      kFloat ? std::strtof(buf, nullptr) == v : std::strtod(buf, nullptr) == v;
  if (!exact) {
    std::snprintf(buf, sizeof(buf), "%.*g", kFloat ? FLT_DIG + 3 : DBL_DIG + 2,
                  static_cast<double>(v));
  }
  return buf;
}

template <typename T>
std::string FormatElement(const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    return absl::CEscape(v);
  } else if constexpr (std::is_floating_point_v<T>) {
    return FormatFloat(v);
  } else {
    return absl::StrCat(+v);  // bool prints 1/0 and int8 a number, as TF.
  }
}

// TF's PrintOneDim: nested "[..]" per dimension, the last dimension's
// entries separated by spaces, stopping after `limit` entries.
template <typename T>
void PrintDim(int d, const TensorShape& shape, int64_t limit, const T* data,
              int64_t* next, std::string* out) {
  if (*next >= limit) return;
  const int64_t count = shape.dim(d);
  if (d == shape.rank() - 1) {
    for (int64_t i = 0; i < count; ++i) {
      if (*next >= limit) {
        if (d != 0) out->append("...");
        return;
      }
      if (i > 0) out->append(" ");
      out->append(FormatElement(data[(*next)++]));
    }
    return;
  }
  for (int64_t i = 0; i < count; ++i) {
    const bool opened = *next < limit;
    if (opened) out->append("[");
    PrintDim(d + 1, shape, limit, data, next, out);
    if (opened || *next < limit) out->append("]");
  }
}

template <typename T>
std::string Summarize(const Tensor& t, int64_t limit) {
  const T* data = t.data<T>();
  std::string out;
  if (t.rank() == 0) {
    if (limit > 0) out = FormatElement(data[0]);
  } else {
    int64_t next = 0;
    PrintDim(0, t.shape(), limit, data, &next, &out);
  }
  if (t.num_elements() > limit) out.append("...");
  return out;
}

std::string SummarizeValue(const Tensor& t, int64_t max_entries) {
  const int64_t limit = max_entries < 0
                            ? t.num_elements()
                            : std::min(max_entries, t.num_elements());
  if (t.dtype() == DT_STRING) return Summarize<std::string>(t, limit);
  std::string out;
  DispatchType(t.dtype(), [&]<typename T>() {
    out = Summarize<T>(t, limit);
    return absl::OkStatus();
  }).IgnoreError();
  return out;
}

absl::Status AssertKernel(KernelContext& ctx) {
  const Tensor& cond = ctx.input(0);
  // TF accepts a "legacy scalar": shape [] or [1].
  if (!(cond.rank() == 0 || (cond.rank() == 1 && cond.dim(0) == 1))) {
    return ctx.InvalidArgument(
        absl::StrCat("In[0] should be a scalar: ", cond.shape().DebugString()));
  }
  if (*cond.data<bool>()) return absl::OkStatus();
  int64_t summarize = 3;
  RETURN_IF_ERROR(ctx.GetAttr("summarize", &summarize));
  std::string message = "assertion failed: ";
  for (int i = 1; i < ctx.num_inputs(); ++i) {
    absl::StrAppend(&message, "[", SummarizeValue(ctx.input(i), summarize), "]",
                    i + 1 < ctx.num_inputs() ? " " : "");
  }
  return ctx.InvalidArgument(message);
}

}  // namespace

absl::Status RegisterLoggingCheckKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("CheckNumerics", CheckNumericsKernel));
  RETURN_IF_ERROR(r.Register("Assert", AssertKernel));
  return absl::OkStatus();
}

}  // namespace graphflow
