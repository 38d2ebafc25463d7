#include "kernels/eigen.h"

#include <cstdlib>
#include <thread>

namespace graphflow {
namespace {

template <typename T>
void GemmImpl(Eigen::ThreadPoolDevice& device, const T* a, const T* b, T* c,
              int64_t m, int64_t n, int64_t k, bool transpose_a,
              bool transpose_b, bool accumulate) {
  using Matrix = Eigen::TensorMap<Eigen::Tensor<const T, 2, Eigen::RowMajor>>;
  Matrix ma(a, transpose_a ? k : m, transpose_a ? m : k);
  Matrix mb(b, transpose_b ? n : k, transpose_b ? k : n);
  Eigen::TensorMap<Eigen::Tensor<T, 2, Eigen::RowMajor>> mc(c, m, n);
  Eigen::array<Eigen::IndexPair<Eigen::Index>, 1> dims = {
      Eigen::IndexPair<Eigen::Index>(transpose_a ? 0 : 1, transpose_b ? 1 : 0)};
  if (accumulate) {
    mc.device(device) += ma.contract(mb, dims);
  } else {
    mc.device(device) = ma.contract(mb, dims);
  }
}

// GRAPHFLOW_NUM_THREADS=N overrides the core count: several MPI ranks on
// one machine each take a share of the cores.
int DefaultThreads() {
  if (const char* env = std::getenv("GRAPHFLOW_NUM_THREADS")) {
    const int n = std::atoi(env);
    if (n > 0 && n <= 1024) return n;
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

Eigen::ThreadPoolDevice& DefaultDevice() {
  static Eigen::ThreadPool* pool = new Eigen::ThreadPool(DefaultThreads());
  static Eigen::ThreadPoolDevice* device =
      new Eigen::ThreadPoolDevice(pool, pool->NumThreads());
  return *device;
}

void ParallelFor(Eigen::ThreadPoolDevice& device, int64_t n,
                 double cost_per_unit,
                 const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  if (n == 1 || device.numThreads() <= 1 || n * cost_per_unit < 20000) {
    fn(0, n);
    return;
  }
  device.parallelFor(
      n, Eigen::TensorOpCost(0, 0, cost_per_unit),
      [&fn](Eigen::Index begin, Eigen::Index end) { fn(begin, end); });
}

void Gemm(Eigen::ThreadPoolDevice& device, const float* a, const float* b,
          float* c, int64_t m, int64_t n, int64_t k, bool transpose_a,
          bool transpose_b, bool accumulate) {
  GemmImpl(device, a, b, c, m, n, k, transpose_a, transpose_b, accumulate);
}

void Gemm(Eigen::ThreadPoolDevice& device, const double* a, const double* b,
          double* c, int64_t m, int64_t n, int64_t k, bool transpose_a,
          bool transpose_b, bool accumulate) {
  GemmImpl(device, a, b, c, m, n, k, transpose_a, transpose_b, accumulate);
}

}  // namespace graphflow
