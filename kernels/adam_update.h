// Adam's element-wise update, shared by the ApplyAdam kernels
// (training_kernels.cc) and _FusedMatMulApplyAdam (fused_adam_kernels.cc),
// so both run the same float operations in the same order.
#ifndef GRAPHFLOW_KERNELS_ADAM_UPDATE_H_
#define GRAPHFLOW_KERNELS_ADAM_UPDATE_H_

#include <cmath>
#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "kernels/kernel.h"

namespace graphflow {

template <typename T>
struct AdamCoefficients {
  T beta1, beta2, lr_t, epsilon;
};

// TF's scalars: lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t).
template <typename T>
AdamCoefficients<T> MakeAdamCoefficients(T beta1_power, T beta2_power, T lr,
                                         T beta1, T beta2, T epsilon) {
  return {beta1, beta2,
          lr * std::sqrt(T(1) - beta2_power) / (T(1) - beta1_power), epsilon};
}

// One pass over n elements. The variables and the gradient are distinct
// buffers (an update copies a variable a reader still holds), so the
// restrict pointers let the whole loop vectorize, sqrt and division too.
template <typename T, bool kNesterov>
void AdamRange(const AdamCoefficients<T>& k, T* __restrict w, T* __restrict m,
               T* __restrict v, const T* __restrict g, int64_t n) {
  const T beta1 = k.beta1, one_minus_beta1 = T(1) - k.beta1,
          one_minus_beta2 = T(1) - k.beta2, lr_t = k.lr_t, epsilon = k.epsilon;
  for (int64_t i = 0; i < n; ++i) {
    m[i] += (g[i] - m[i]) * one_minus_beta1;
    v[i] += (g[i] * g[i] - v[i]) * one_minus_beta2;
    const T step = kNesterov ? g[i] * one_minus_beta1 + beta1 * m[i] : m[i];
    w[i] -= lr_t * step / (std::sqrt(v[i]) + epsilon);
  }
}

template <typename T>
void AdamRange(bool nesterov, const AdamCoefficients<T>& k, T* w, T* m, T* v,
               const T* g, int64_t n) {
  if (nesterov) {
    AdamRange<T, true>(k, w, m, v, g, n);
  } else {
    AdamRange<T, false>(k, w, m, v, g, n);
  }
}

// Updates var, m and v (their shapes checked equal) with the coefficients
// and use_nesterov of the node, under the three variables' locks.
template <typename T>
using AdamPass =
    absl::FunctionRef<absl::Status(const AdamCoefficients<T>&, bool nesterov,
                                   Tensor& var, Tensor& m, Tensor& v)>;

// ApplyAdam's frame around `pass`, for float and double: inputs 0-2 are the
// variables (ref edges or resource handles), 3-8 the scalars beta1_power,
// beta2_power, lr, beta1, beta2, epsilon; sets the "out" ref if the node
// has one.
template <typename T>
absl::Status RunAdam(KernelContext& ctx, AdamPass<T> pass);

}  // namespace graphflow

#endif  // GRAPHFLOW_KERNELS_ADAM_UPDATE_H_
