// Scalar functors of the element-wise math kernels, usable by any kernel
// through kernels/broadcast.h. Integer arithmetic wraps (two's complement)
// instead of overflowing into undefined behaviour; divisions by zero are
// rejected before the loop runs (see BadRhs).
#ifndef GRAPHFLOW_KERNELS_CWISE_OPS_H_
#define GRAPHFLOW_KERNELS_CWISE_OPS_H_

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "kernels/kernel.h"

namespace graphflow {

absl::Status RegisterCwiseBinaryKernels(KernelRegistry& r);  // cwise_binary
absl::Status RegisterCwiseUnaryKernels(KernelRegistry& r);   // cwise_unary

namespace cwise {

template <typename... Ts>
struct TypeList {
  template <typename T>
  static constexpr bool kContains = (std::is_same_v<T, Ts> || ...);
};
using FloatTypes = TypeList<float, double>;
using FloatIntTypes = TypeList<float, double, int32_t, int64_t>;
using NumericTypes = TypeList<float, double, int32_t, int64_t, uint8_t, int8_t,
                              int16_t, uint16_t>;
using BoolTypes = TypeList<bool>;

// Calls fn.template operator()<T>() when dtype is one of Types, else returns
// InvalidArgument naming the node and the dtype.
template <typename Types, typename Fn>
absl::Status Dispatch(const KernelContext& ctx, DataType dtype, Fn&& fn) {
  auto no_kernel = [&] {
    return ctx.InvalidArgument(
        absl::StrCat("no kernel for dtype ", DataTypeString(dtype)));
  };
  if (DataTypeSize(dtype) == 0) return no_kernel();  // string, complex, ...
  return DispatchType(dtype, [&]<typename T>() -> absl::Status {
    if constexpr (Types::template kContains<T>) {
      return fn.template operator()<T>();
    } else {
      return no_kernel();
    }
  });
}

template <typename T>
inline constexpr bool kIsSignedInt =
    std::is_integral_v<T>&& std::is_signed_v<T> && !std::is_same_v<T, bool>;
template <typename T>
inline constexpr bool kIsInt =
    std::is_integral_v<T> && !std::is_same_v<T, bool>;

// Unsigned arithmetic type at least as wide as int, so nothing promotes to
// a signed type and overflows.
template <typename T>
using WrapT =
    std::conditional_t<(sizeof(T) < 4), uint32_t, std::make_unsigned_t<T>>;

template <typename T>
struct Add {
  T operator()(T a, T b) const {
    if constexpr (kIsInt<T>) {
      return static_cast<T>(WrapT<T>(a) + WrapT<T>(b));
    } else {
      return a + b;
    }
  }
};

template <typename T>
struct Sub {
  T operator()(T a, T b) const {
    if constexpr (kIsInt<T>) {
      return static_cast<T>(WrapT<T>(a) - WrapT<T>(b));
    } else {
      return a - b;
    }
  }
};

template <typename T>
struct Mul {
  T operator()(T a, T b) const {
    if constexpr (kIsInt<T>) {
      return static_cast<T>(WrapT<T>(a) * WrapT<T>(b));
    } else {
      return a * b;
    }
  }
};

template <typename T>
struct SquaredDifference {
  T operator()(T a, T b) const {
    const T d = Sub<T>()(a, b);
    return Mul<T>()(d, d);
  }
};

inline constexpr char kDivByZero[] = "Integer division by zero";

// Integer divisor check shared by the dividing functors.
template <typename T>
struct IntDivisorCheck {
  static bool BadRhs(T b) requires kIsInt<T> { return b == 0; }
  static constexpr const char* kRhsError = kDivByZero;
};

// x / y truncating toward zero for integers (C semantics, as TF's Div).
template <typename T>
struct Div : IntDivisorCheck<T> {
  T operator()(T a, T b) const {
    if constexpr (kIsSignedInt<T>) {
      // min / -1 traps on x86; it wraps to min.
      return b == -1 ? static_cast<T>(WrapT<T>(0) - WrapT<T>(a))
                     : static_cast<T>(a / b);
    } else {
      return a / b;
    }
  }
};

template <typename T>
struct FloorDiv : IntDivisorCheck<T> {
  T operator()(T a, T b) const {
    if constexpr (kIsSignedInt<T>) {
      if (b == -1) return static_cast<T>(WrapT<T>(0) - WrapT<T>(a));
      const T q = static_cast<T>(a / b), r = static_cast<T>(a % b);
      return (r != 0 && ((r < 0) != (b < 0))) ? static_cast<T>(q - 1) : q;
    } else if constexpr (kIsInt<T>) {
      return a / b;
    } else {
      return std::floor(a / b);
    }
  }
};

// The remainder takes the divisor's sign (Python's %).
template <typename T>
struct FloorMod : IntDivisorCheck<T> {
  T operator()(T a, T b) const {
    if constexpr (kIsSignedInt<T>) {
      if (b == -1) return 0;
      const T r = static_cast<T>(a % b);
      return (r != 0 && ((r < 0) != (b < 0))) ? static_cast<T>(r + b) : r;
    } else if constexpr (kIsInt<T>) {
      return a % b;
    } else {
      const T r = std::fmod(a, b);
      return (a < T(0)) == (b < T(0)) ? r : std::fmod(r + b, b);
    }
  }
};

template <typename T>
struct Maximum {
  T operator()(T a, T b) const { return a < b ? b : a; }
};

template <typename T>
struct Minimum {
  T operator()(T a, T b) const { return b < a ? b : a; }
};

template <typename T>
struct Pow {
  static bool BadRhs(T b) requires kIsInt<T> { return b < 0; }
  static constexpr const char* kRhsError =
      "Integers to negative integer powers are not allowed";

  T operator()(T a, T b) const {
    if constexpr (kIsInt<T>) {
      WrapT<T> result = 1, base = WrapT<T>(a);
      for (auto e = static_cast<std::make_unsigned_t<T>>(b); e != 0; e >>= 1) {
        if (e & 1) result *= base;
        base *= base;
      }
      return static_cast<T>(result);
    } else {
      return std::pow(a, b);
    }
  }
};

template <typename T>
struct Equal {
  bool operator()(T a, T b) const { return a == b; }
};
template <typename T>
struct NotEqual {
  bool operator()(T a, T b) const { return a != b; }
};
template <typename T>
struct Greater {
  bool operator()(T a, T b) const { return a > b; }
};
template <typename T>
struct GreaterEqual {
  bool operator()(T a, T b) const { return a >= b; }
};
template <typename T>
struct Less {
  bool operator()(T a, T b) const { return a < b; }
};
template <typename T>
struct LessEqual {
  bool operator()(T a, T b) const { return a <= b; }
};
template <typename T>
struct LogicalAnd {
  bool operator()(bool a, bool b) const { return a && b; }
};
template <typename T>
struct LogicalOr {
  bool operator()(bool a, bool b) const { return a || b; }
};

// Numeric conversion as TF's Cast: C++ conversions, except that float to
// integer follows x86 truncation without undefined behaviour (NaN and out of
// range give the 32/64-bit minimum, narrower types wrap from 32 bits).
template <typename To, typename From>
inline To CastValue(From v) {
  if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_floating_point_v<From> && kIsInt<To>) {
    using Wide = std::conditional_t<sizeof(To) == 8, int64_t, int32_t>;
    constexpr From kLo = static_cast<From>(std::numeric_limits<Wide>::min());
    const Wide w = (v >= kLo && v < -kLo) ? static_cast<Wide>(v)
                                          : std::numeric_limits<Wide>::min();
    return static_cast<To>(w);
  } else {
    return static_cast<To>(v);
  }
}

}  // namespace cwise
}  // namespace graphflow

#endif  // GRAPHFLOW_KERNELS_CWISE_OPS_H_
