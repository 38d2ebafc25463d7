// Conv2D and its backprops through a Session, in GFLOP/s (2 * N * Ho * Wo *
// KH * KW * Cin * Cout per op), for the course network's conv1 and
// mnist_deep's conv1/conv2. Also reports GFLOP per CPU-second of the whole
// process.
#include <algorithm>
#include <ctime>
#include <random>

#include "benchmark/benchmark.h"
#include "ops/all_ops.h"
#include "ops/conv_ops.h"
#include "ops/state_ops.h"
#include "session/session.h"

namespace graphflow {
namespace {

Tensor RandomTensor(const TensorShape& shape) {
  static std::mt19937 rng(42);
  std::uniform_real_distribution<float> dist(-1, 1);
  Tensor t(DT_FLOAT, shape);
  for (float& v : t.flat<float>()) v = dist(rng);
  return t;
}

struct ConvSize {
  int64_t n, h, w, cin, k, cout;
  int64_t Flops() const { return 2 * n * h * w * k * k * cin * cout; }  // SAME
};

enum class Which { kForward, kBackpropInput, kBackpropFilter };

void RunConv(benchmark::State& state, ConvSize c, Which which) {
  Scope s = NewRootScope();
  const std::vector<int64_t> strides = {1, 1, 1, 1};
  Tensor x = RandomTensor({c.n, c.h, c.w, c.cin});
  Tensor w = RandomTensor({c.k, c.k, c.cin, c.cout});
  Tensor dy = RandomTensor({c.n, c.h, c.w, c.cout});
  Output fed, out;
  Tensor feed;
  switch (which) {
    case Which::kForward:
      fed = ops::Placeholder(s, DT_FLOAT, x.shape());
      feed = x;
      out = ops::Conv2D(s, fed, ops::Const(s, w), strides, "SAME");
      break;
    case Which::kBackpropInput:
      fed = ops::Placeholder(s, DT_FLOAT, dy.shape());
      feed = dy;
      out = ops::Conv2DBackpropInput(
          s,
          Tensor::FromVector<int32_t>(
              {static_cast<int32_t>(c.n), static_cast<int32_t>(c.h),
               static_cast<int32_t>(c.w), static_cast<int32_t>(c.cin)},
              {4}),
          ops::Const(s, w), fed, strides, "SAME");
      break;
    case Which::kBackpropFilter:
      fed = ops::Placeholder(s, DT_FLOAT, dy.shape());
      feed = dy;
      out = ops::Conv2DBackpropFilter(
          s, ops::Const(s, x),
          Tensor::FromVector<int32_t>(
              {static_cast<int32_t>(c.k), static_cast<int32_t>(c.k),
               static_cast<int32_t>(c.cin), static_cast<int32_t>(c.cout)},
              {4}),
          fed, strides, "SAME");
      break;
  }
  auto session = Session::Create(s);
  if (!session.ok()) {
    state.SkipWithError(std::string(session.status().message()).c_str());
    return;
  }
  const std::clock_t cpu_start = std::clock();
  for (auto _ : state) {
    auto result = (*session)->Run({{fed, feed}}, {out});
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(result->front().raw_data());
  }
  const double flops = static_cast<double>(c.Flops()) * state.iterations();
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops / 1e9, benchmark::Counter::kIsRate);
  // Per second of process CPU time (all threads): comparable across runs on
  // a loaded machine, where wall-clock rates depend on the other load.
  const double cpu_seconds =
      static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  state.counters["GFLOP/cpu_s"] = flops / 1e9 / std::max(cpu_seconds, 1e-9);
}

constexpr ConvSize kCourseConv1{64, 64, 64, 3, 4, 8};
constexpr ConvSize kMnistConv1{50, 28, 28, 1, 5, 32};
constexpr ConvSize kMnistConv2{50, 14, 14, 32, 5, 64};

void BM_Conv2D_CourseConv1(benchmark::State& state) {
  RunConv(state, kCourseConv1, Which::kForward);
}
void BM_Conv2D_MnistConv1(benchmark::State& state) {
  RunConv(state, kMnistConv1, Which::kForward);
}
void BM_Conv2D_MnistConv2(benchmark::State& state) {
  RunConv(state, kMnistConv2, Which::kForward);
}
void BM_Conv2DBackpropInput_MnistConv2(benchmark::State& state) {
  RunConv(state, kMnistConv2, Which::kBackpropInput);
}
void BM_Conv2DBackpropFilter_MnistConv2(benchmark::State& state) {
  RunConv(state, kMnistConv2, Which::kBackpropFilter);
}
void BM_Conv2DBackpropFilter_CourseConv1(benchmark::State& state) {
  RunConv(state, kCourseConv1, Which::kBackpropFilter);
}

BENCHMARK(BM_Conv2D_CourseConv1)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Conv2D_MnistConv1)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Conv2D_MnistConv2)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Conv2DBackpropInput_MnistConv2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Conv2DBackpropFilter_MnistConv2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Conv2DBackpropFilter_CourseConv1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace graphflow

BENCHMARK_MAIN();
