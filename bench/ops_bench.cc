// Op benchmarks through a Session: each builds a small graph once and runs
// it repeatedly, so the numbers include the (small) per-Run overhead real
// graphs pay. Rates use wall time (kernels are multi-threaded).
#include <cstdlib>
#include <memory>
#include <vector>

#include "benchmark/benchmark.h"
#include "kernels/dnnl_conv.h"
#include "ops/all_ops.h"
#include "ops/math_ops.h"
#include "ops/matmul_ops.h"
#include "ops/reduction_ops.h"
#include "ops/registration.h"
#include "ops/state_ops.h"
#include "ops/variables.h"
#include "session/session.h"

namespace graphflow {
namespace {

// The standard registry once it has the reduction ops; until then a local
// one with the state and reduction families (ops/all_ops.cc does not call
// RegisterReductionOps yet).
Scope BenchScope() {
  if (GlobalOpRegistry().Find("Sum") != nullptr) return NewRootScope();
  static const OpRegistry* local = [] {
    auto* r = new OpRegistry();
    if (!RegisterStateOps(*r).ok() || !RegisterReductionOps(*r).ok()) {
      std::abort();
    }
    return r;
  }();
  return Scope::NewRootScope(local);
}

// A float tensor with deterministic values in [-1, 1).
Tensor Filled(const TensorShape& shape) {
  Tensor t(DT_FLOAT, shape);
  uint32_t seed = 12345;
  for (float& v : t.flat<float>()) {
    seed = seed * 1664525u + 1013904223u;
    v = static_cast<float>(seed >> 8) / static_cast<float>(1 << 23) - 1.0f;
  }
  return t;
}

// Runs `fetch` once to warm up, then once per benchmark iteration.
void RunLoop(benchmark::State& state, const Scope& s, const Output& fetch) {
  auto session = Session::Create(s);
  if (!session.ok()) {
    state.SkipWithError(std::string(session.status().message()).c_str());
    return;
  }
  auto warm = (*session)->Run({fetch});
  if (!warm.ok()) {
    state.SkipWithError(std::string(warm.status().message()).c_str());
    return;
  }
  for (auto _ : state) {
    auto out = (*session)->Run({fetch});
    benchmark::DoNotOptimize(out);
  }
}

// ------------------------------------------------------------------ MatMul

// op(a) [m, k] x op(b) [k, n] float, both Consts (a Const is shared, never
// copied), with graphflow's choice (backend 0), its Eigen GEMM (1) or
// oneDNN's sgemm (2).
void BM_MatMul(benchmark::State& state) {
  const int64_t m = state.range(0), k = state.range(1), n = state.range(2);
  const bool ta = state.range(3) != 0, tb = state.range(4) != 0;
  const ComputeBackend backends[] = {ComputeBackend::kAuto,
                                     ComputeBackend::kReference,
                                     ComputeBackend::kOneDnn};
  if (state.range(5) == 2 && !HaveOneDnn()) {
    state.SkipWithError("built without oneDNN");
    return;
  }
  const ComputeBackend saved =
      SetComputeBackendForTesting(backends[state.range(5)]);
  Scope s = BenchScope();
  Output a =
      ops::Const(s, Filled(ta ? TensorShape({k, m}) : TensorShape({m, k})));
  Output b =
      ops::Const(s, Filled(tb ? TensorShape({n, k}) : TensorShape({k, n})));
  Output c = ops::MatMul(s, a, b, ta, tb);
  RunLoop(state, s, c);
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * m * n * k * state.iterations() / 1e9, benchmark::Counter::kIsRate);
  SetComputeBackendForTesting(saved);
}
void MatMulArgs(benchmark::internal::Benchmark* b) {
  const std::vector<std::vector<int64_t>> shapes = {
      {256, 256, 256, 0, 0},
      {512, 512, 512, 0, 0},
      {1024, 1024, 1024, 0, 0},
      {64, 3136, 1024, 0, 0},
      // mnist_deep (batch 50): fc1 and fc2 forward, then each one's
      // weight gradient (x^T dy) and input gradient (dy w^T).
      {50, 3136, 1024, 0, 0},
      {50, 1024, 10, 0, 0},
      {3136, 50, 1024, 1, 0},
      {50, 1024, 3136, 0, 1},
      {1024, 50, 10, 1, 0},
      {50, 10, 1024, 0, 1},
      // The frozen-inference benchmark's fc1 (batch 64).
      {64, 6400, 256, 0, 0},
  };
  for (const auto& shape : shapes) {
    for (int64_t backend : {0, 1, 2}) {
      std::vector<int64_t> args = shape;
      args.push_back(backend);
      b->Args(args);
    }
  }
  b->ArgNames({"m", "k", "n", "ta", "tb", "backend"});
}
BENCHMARK(BM_MatMul)
    ->Apply(MatMulArgs)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// ------------------------------------------------------- Fused Adam update

// mnist_deep's fc1 update: _FusedMatMulApplyAdam on [3136, 1024] weights
// with x [50, 3136] and dy [50, 1024], with the input gradient (1) or
// without (0); against the unfused weight gradient, input gradient and
// ApplyAdam (2). Rates count both products.
void BM_FusedAdam(benchmark::State& state) {
  const int64_t batch = 50, rows = 3136, cols = 1024;
  const int mode = static_cast<int>(state.range(0));
  Scope s = NewRootScope();
  std::vector<Input> in;
  std::vector<std::string> init;
  Output w_read;
  for (const char* name : {"w", "m", "v"}) {
    Tensor value = Filled({rows, cols});
    if (name[0] == 'v') {
      for (float& x : value.flat<float>()) x *= x;
    }
    Variable var = NewVariable(s, name, value);
    if (name[0] == 'w') w_read = var.read;
    in.push_back(var.ref);
    init.push_back(var.initializer.node->name());
  }
  for (float k : {0.9f, 0.99f, 0.01f, 0.9f, 0.999f, 1e-8f}) {
    in.push_back(ops::Const(s, k));
  }
  Output x = ops::Const(s, Filled({batch, rows}));
  Output dy = ops::Const(s, Filled({batch, cols}));
  std::vector<std::string> targets;
  if (mode == 2) {
    in.push_back(ops::MatMul(s, x, dy, true, false));
    targets.push_back(s.AddOp1("ApplyAdam", in, {}).node->name());
    targets.push_back(ops::MatMul(s, dy, w_read, false, true).node->name());
  } else {
    in.push_back(x);
    in.push_back(dy);
    targets.push_back(
        s.AddOp1("_FusedMatMulApplyAdam", in,
                 {{"transpose_a", true}, {"emit_input_grad", mode == 1}})
            .node->name());
  }
  SessionOptions options;
  options.optimize = false;
  auto session = Session::Create(s, options);
  if (!session.ok() || !(*session)->Run({}, {}, init).ok()) {
    state.SkipWithError("no session");
    return;
  }
  for (auto _ : state) {
    auto out = (*session)->Run({}, {}, targets);
    benchmark::DoNotOptimize(out);
  }
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * batch * rows * cols * (mode == 0 ? 1 : 2) *
                             state.iterations() / 1e9,
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FusedAdam)
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->ArgName("mode")
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// -------------------------------------------------------------- Reductions

// Sum of a [rows, cols] float tensor over `axis` (0, 1, or 2 = both).
void BM_Sum(benchmark::State& state) {
  const int64_t rows = state.range(0), cols = state.range(1);
  const int axis = static_cast<int>(state.range(2));
  Scope s = BenchScope();
  Output x = ops::Const(s, Filled({rows, cols}));
  Output y = axis == 2 ? ops::Sum(s, x, {0, 1}) : ops::Sum(s, x, axis);
  RunLoop(state, s, y);
  state.counters["GB/s"] =
      benchmark::Counter(4.0 * rows * cols * state.iterations() / 1e9,
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Sum)
    ->Args({4096, 1024, 1})  // Rows: last axis.
    ->Args({4096, 1024, 0})  // Columns: axis 0.
    ->Args({4096, 1024, 2})  // Everything.
    ->Args({100352, 32, 0})  // Bias gradient of a [32,56,56,32] conv.
    ->ArgNames({"rows", "cols", "axis"})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// ------------------------------------------------------- Session overhead

// A chain of `length` scalar Adds: the kernels do almost nothing, so the time
// per node is the session's per-step overhead. CPU time, not wall time: the
// kernels run on one thread, and a busy machine inflates wall time.
void BM_ScalarChain(benchmark::State& state) {
  const int64_t length = state.range(0);
  Scope s = NewRootScope();
  Output one = ops::Const(s, 1.0f);
  Output x = one;
  for (int64_t i = 0; i < length; ++i) x = ops::Add(s, x, one);
  RunLoop(state, s, x);
  state.SetItemsProcessed(length * state.iterations());  // Nodes per second.
}
BENCHMARK(BM_ScalarChain)
    ->Arg(1000)
    ->ArgNames({"nodes"})
    ->Unit(benchmark::kMicrosecond);

// --------------------------------------------------------------- Conv2D
// CONV2D BENCHMARKS GO HERE (added by the conv family; intentionally empty).
// ----------------------------------------------------------- end Conv2D

}  // namespace
}  // namespace graphflow

BENCHMARK_MAIN();
