// Eigen's threaded tensor module, included one way everywhere so
// EIGEN_USE_THREADS is always set first.
#ifndef GRAPHFLOW_KERNELS_EIGEN_H_
#define GRAPHFLOW_KERNELS_EIGEN_H_

#ifndef EIGEN_USE_THREADS
#define EIGEN_USE_THREADS
#endif
#include <functional>
#include <unsupported/Eigen/CXX11/Tensor>

namespace graphflow {

// The process-wide intra-op device: one thread per core.
Eigen::ThreadPoolDevice& DefaultDevice();

// Splits [0, n) into shards run on the device's pool; cost_per_unit is an
// estimate in cycles, so tiny loops stay on the calling thread.
void ParallelFor(Eigen::ThreadPoolDevice& device, int64_t n,
                 double cost_per_unit,
                 const std::function<void(int64_t, int64_t)>& fn);

// Row-major GEMM on the device: C[m,n] = op(A) * op(B) (+ C if accumulate).
void Gemm(Eigen::ThreadPoolDevice& device, const float* a, const float* b,
          float* c, int64_t m, int64_t n, int64_t k, bool transpose_a,
          bool transpose_b, bool accumulate = false);
void Gemm(Eigen::ThreadPoolDevice& device, const double* a, const double* b,
          double* c, int64_t m, int64_t n, int64_t k, bool transpose_a,
          bool transpose_b, bool accumulate = false);

}  // namespace graphflow

#endif  // GRAPHFLOW_KERNELS_EIGEN_H_
