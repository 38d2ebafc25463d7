// Conv2D and its backprops in GFLOP/s (2 * N * Ho * Wo * KH * KW * Cin *
// Cout per op). BM_Conv2D*: through a Session, for the course network's
// conv1 and mnist_deep's conv1/conv2, also in GFLOP per CPU-second of the
// whole process. Conv/<shape>/<pass>/<backend>: the compute functions
// (kernels/conv_compute.h) alone, for graphflow's choice (auto), its own
// code (reference) and oneDNN (onednn), the numbers behind UseOneDnn's rule.
#include <algorithm>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "kernels/conv_compute.h"
#include "kernels/dnnl_conv.h"
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

// ------------------------------------------------- compute functions alone

struct Shape {
  const char* name;
  ConvSize size;
};
constexpr Shape kShapes[] = {
    {"mnist_conv1", kMnistConv1},
    {"mnist_conv2", kMnistConv2},
    {"course_conv1", kCourseConv1},
    {"course_conv2", {64, 8, 8, 8, 2, 16}},
    {"resnet_3x3", {8, 56, 56, 64, 3, 64}},
    // Where Winograd's transformed filter (36 x Cin x Cout) outgrows L2.
    {"resnet_3x3_128", {8, 28, 28, 128, 3, 128}},
    {"resnet_3x3_256", {8, 14, 14, 256, 3, 256}},
    // The frozen-inference benchmark's two input branches.
    {"branch_3x3", {64, 40, 40, 3, 3, 32}},
    {"branch_5x5", {64, 40, 40, 3, 5, 32}},
    {"branch_conv3", {64, 20, 20, 64, 3, 64}},
};

// Stride 1, SAME (TF puts the odd pixel of padding after).
ConvGeometry SameGeometry(const ConvSize& c) {
  ConvGeometry g;
  g.batch = c.n;
  g.in_rows = g.out_rows = c.h;
  g.in_cols = g.out_cols = c.w;
  g.in_depth = c.cin;
  g.filter_rows = g.filter_cols = c.k;
  g.out_depth = c.cout;
  g.pad_top = g.pad_left = (c.k - 1) / 2;
  return g;
}

std::vector<float> RandomVector(int64_t size) {
  static std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1, 1);
  std::vector<float> v(size);
  for (float& x : v) x = dist(rng);
  return v;
}

void RunCompute(benchmark::State& state, ConvSize c, Which which,
                ComputeBackend backend) {
  const ComputeBackend saved = SetComputeBackendForTesting(backend);
  const ConvGeometry g = SameGeometry(c);
  const auto x = RandomVector(c.n * c.h * c.w * c.cin);
  const auto w = RandomVector(c.k * c.k * c.cin * c.cout);
  auto y = RandomVector(c.n * c.h * c.w * c.cout);
  std::vector<float> dx(x.size()), dw(w.size());
  Eigen::ThreadPoolDevice& device = DefaultDevice();
  auto run = [&] {
    switch (which) {
      case Which::kForward:
        return ConvForward(device, g, x.data(), w.data(), y.data());
      case Which::kBackpropInput:
        return ConvBackpropInput(device, g, w.data(), y.data(), dx.data());
      case Which::kBackpropFilter:
        return ConvBackpropFilter(device, g, x.data(), y.data(), dw.data());
    }
    return absl::OkStatus();
  };
  if (absl::Status warm = run(); !warm.ok()) {  // Also makes oneDNN's JIT.
    state.SkipWithError(std::string(warm.message()).c_str());
  } else {
    for (auto _ : state) benchmark::DoNotOptimize(run());
    state.counters["GFLOP/s"] = benchmark::Counter(
        1e-9 * c.Flops() * state.iterations(), benchmark::Counter::kIsRate);
  }
  SetComputeBackendForTesting(saved);
}

// The forward pass a few images per oneDNN call (what _FusedConv2DMaxPool
// runs), the output handed to an empty consumer: what chunking costs.
void RunChunks(benchmark::State& state, ConvSize c, int64_t chunk) {
  const ConvGeometry g = SameGeometry(c);
  const auto x = RandomVector(c.n * c.h * c.w * c.cin);
  const auto w = RandomVector(c.k * c.k * c.cin * c.cout);
  auto run = [&] {
    return DnnlConvForwardChunks(
        DefaultDevice(), g, x.data(), w.data(), chunk,
        [](int64_t, int64_t, float* y) { benchmark::DoNotOptimize(y); });
  };
  if (absl::Status warm = run(); !warm.ok()) {
    state.SkipWithError(std::string(warm.message()).c_str());
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(run());
  state.counters["GFLOP/s"] = benchmark::Counter(
      1e-9 * c.Flops() * state.iterations(), benchmark::Counter::kIsRate);
}

void RegisterComputeBenchmarks() {
  const std::pair<const char*, Which> passes[] = {
      {"forward", Which::kForward},
      {"backprop_input", Which::kBackpropInput},
      {"backprop_filter", Which::kBackpropFilter}};
  std::vector<std::pair<const char*, ComputeBackend>> backends = {
      {"auto", ComputeBackend::kAuto},
      {"reference", ComputeBackend::kReference}};
  if (HaveOneDnn()) backends.emplace_back("onednn", ComputeBackend::kOneDnn);
  for (const Shape& shape : kShapes) {
    for (const auto& [pass_name, which] : passes) {
      for (const auto& [backend_name, backend] : backends) {
        benchmark::RegisterBenchmark(
            (std::string("Conv/") + shape.name + "/" + pass_name + "/" +
             backend_name)
                .c_str(),
            [c = shape.size, which = which,
             backend = backend](benchmark::State& state) {
              RunCompute(state, c, which, backend);
            })
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);
      }
    }
    if (!HaveOneDnn() || shape.size.cin < 16) continue;
    for (int64_t chunk : {1, 2, 4, 8, 16}) {
      benchmark::RegisterBenchmark(
          (std::string("ConvChunks/") + shape.name + "/" +
           std::to_string(chunk))
              .c_str(),
          [c = shape.size, chunk](benchmark::State& state) {
            RunChunks(state, c, chunk);
          })
          ->UseRealTime()
          ->Unit(benchmark::kMillisecond);
    }
  }
}

}  // namespace
}  // namespace graphflow

int main(int argc, char** argv) {
  graphflow::RegisterComputeBenchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
