// Element-wise kernel helpers: the sharded Eigen-array maps (UnaryMap,
// BinaryMap) and the scalar functors of the math kernels, usable by any
// kernel through kernels/broadcast.h. Integer arithmetic wraps (two's
// complement) instead of overflowing into undefined behaviour; divisions by
// zero are rejected before the loop runs (see BadRhs).
#ifndef GRAPHFLOW_KERNELS_CWISE_UTIL_H_
#define GRAPHFLOW_KERNELS_CWISE_UTIL_H_

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "graph/status.h"
#include "kernels/eigen.h"
#include "kernels/kernel.h"

namespace graphflow {

template <typename T>
using ArrayMap = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;
template <typename T>
using ConstArrayMap = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;

// Output 0 = f(input 0) element-wise, sharded over the device; f maps an
// Eigen array to an array expression (vectorized exp, tanh, ...). cost is
// cycles per element.
template <typename T, typename F>
absl::Status UnaryMap(KernelContext& ctx, double cost, const F& f) {
  const Tensor& x = ctx.input(0);
  ASSIGN_OR_RETURN(Tensor * y,
                   ctx.ForwardInputOrAllocateOutput({0}, 0, x.shape()));
  const T* px = x.data<T>();
  T* py = y->data<T>();
  ParallelFor(ctx.device(), x.num_elements(), cost,
              [&](int64_t begin, int64_t end) {
                ConstArrayMap<T> in(px + begin, end - begin);
                ArrayMap<T>(py + begin, end - begin) = f(in);
              });
  return absl::OkStatus();
}

// Output 0 = f(input 0, input 1) element-wise, shaped like input 0; the
// caller checks that the inputs have as many elements.
template <typename T, typename F>
absl::Status BinaryMap(KernelContext& ctx, double cost, const F& f) {
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  ASSIGN_OR_RETURN(Tensor * z,
                   ctx.ForwardInputOrAllocateOutput({0, 1}, 0, a.shape()));
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  T* pz = z->data<T>();
  ParallelFor(ctx.device(), a.num_elements(), cost,
              [&](int64_t begin, int64_t end) {
                ConstArrayMap<T> x(pa + begin, end - begin);
                ConstArrayMap<T> y(pb + begin, end - begin);
                ArrayMap<T>(pz + begin, end - begin) = f(x, y);
              });
  return absl::OkStatus();
}

namespace cwise {

// The types most arithmetic kernels take.
using FloatIntTypes = TypeList<float, double, int32_t, int64_t>;

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

#endif  // GRAPHFLOW_KERNELS_CWISE_UTIL_H_
