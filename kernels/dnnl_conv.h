// oneDNN (libdnnl) float convolutions and GEMM, used by conv_compute.cc and
// the MatMul kernel where they beat the Eigen/direct code. Activations stay
// NHWC and filters HWIO, as graphflow stores them. Built only when CMake
// finds oneDNN (GRAPHFLOW_ONEDNN); otherwise HaveOneDnn() is false and the
// functions return Unimplemented.
#ifndef GRAPHFLOW_KERNELS_DNNL_CONV_H_
#define GRAPHFLOW_KERNELS_DNNL_CONV_H_

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "kernels/conv_compute.h"
#include "kernels/eigen.h"

namespace graphflow {

// Which code float Conv2D (and its backprops) and MatMul run.
enum class ComputeBackend {
  kAuto,       // oneDNN where measured faster (conv_compute.cc's rule).
  kReference,  // Always graphflow's own Eigen/direct code.
  kOneDnn,     // oneDNN whenever it is built in.
};

// Process-wide; tests and benchmarks compare the paths. Returns the previous
// value.
ComputeBackend SetComputeBackendForTesting(ComputeBackend backend);
ComputeBackend GetComputeBackend();

// True when graphflow was built with oneDNN.
bool HaveOneDnn();

// Same contracts as ConvForward / ConvBackpropInput / ConvBackpropFilter
// (conv_compute.h); every size must be positive. The work is split over
// the device's pool threads (the batch for convolutions, rows or columns of
// the product for GEMM), each running oneDNN single-threaded.
absl::Status DnnlConvForward(Eigen::ThreadPoolDevice& device,
                             const ConvGeometry& g, const float* input,
                             const float* filter, float* output);
// The forward conv `chunk` images at a time: consume(b0, b1, out) gets the
// output of images [b0, b1) in a buffer of the thread that computed it,
// while it is still in cache, and may modify it; the buffer is reused for
// the next chunk. consume runs on several threads at once.
absl::Status DnnlConvForwardChunks(
    Eigen::ThreadPoolDevice& device, const ConvGeometry& g, const float* input,
    const float* filter, int64_t chunk,
    absl::FunctionRef<void(int64_t b0, int64_t b1, float* out)> consume);
absl::Status DnnlConvBackpropInput(Eigen::ThreadPoolDevice& device,
                                   const ConvGeometry& g, const float* filter,
                                   const float* out_backprop,
                                   float* in_backprop);
absl::Status DnnlConvBackpropFilter(Eigen::ThreadPoolDevice& device,
                                    const ConvGeometry& g, const float* input,
                                    const float* out_backprop,
                                    float* filter_backprop);

// Row-major c[m, n] = op(a) * op(b), as Gemm() in eigen.h.
absl::Status DnnlGemm(Eigen::ThreadPoolDevice& device, const float* a,
                      const float* b, float* c, int64_t m, int64_t n, int64_t k,
                      bool transpose_a, bool transpose_b);

// Drops the cached convolution primitives (tests).
void ClearDnnlConvCacheForTesting();

}  // namespace graphflow

#endif  // GRAPHFLOW_KERNELS_DNNL_CONV_H_
