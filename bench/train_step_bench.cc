// Step time of the benchmark networks (the course CNN and TF's mnist_deep)
// in graphflow on random data: a training step is one
// sess.Run([cost], [train_op]); an inference step (--infer) one
// sess.Run([logits]). Prints one JSON line per network, like
// bench/torch_train_step.py, so bench/compare_train_step.py can compare.
// --profile prints instead where a step's time goes, by op type (traced
// Runs: RunOptions.trace). --reference keeps oneDNN out (graphflow's own
// convolutions and GEMMs), to compare; --no-optimize runs without the graph
// optimizer's fused kernels.
//   train_step_bench [steps] [warmup] [--infer] [--profile] [--reference]
//                    [--no-optimize] [--model course_64x64x3|course_28x28x1|
//                    mnist_deep]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "bench/step_profile.h"
#include "examples/course_model.h"
#include "kernels/dnnl_conv.h"
#include "session/session.h"

namespace graphflow {
namespace {

Tensor Random(const TensorShape& shape, std::mt19937& rng) {
  Tensor t(DT_FLOAT, shape);
  std::uniform_real_distribution<float> u(0, 1);
  for (float& v : t.flat<float>()) v = u(rng);
  return t;
}

Tensor OneHot(int64_t n, int64_t classes, std::mt19937& rng) {
  Tensor t(DT_FLOAT, {n, classes});
  t.FillZero();
  for (int64_t i = 0; i < n; ++i)
    t.data<float>()[i * classes + rng() % classes] = 1;
  return t;
}

struct Mode {
  bool infer = false;
  bool profile = false;
  bool optimize = true;
};

int Bench(const char* name, examples::CourseConfig config, int64_t size,
          int64_t channels, int steps, int warmup, Mode mode) {
  const bool infer = mode.infer;
  std::mt19937 rng(0);
  examples::CourseModel m =
      examples::BuildCourseModel(config, size, size, channels);
  auto session = Session::Create(m.scope, {.optimize = mode.optimize});
  if (!session.ok()) {
    std::fprintf(stderr, "%s: %s\n", name, session.status().ToString().c_str());
    return 1;
  }
  if (!(*session)->Run({}, {}, {m.init}).ok()) return 1;
  FeedDict feeds = {{m.X, Random({config.batch, size, size, channels}, rng)},
                    {m.Y, OneHot(config.batch, config.classes, rng)}};
  NamedTensors named;
  for (const auto& [output, value] : feeds) {
    named.emplace_back(output.name(), value);
  }
  if (infer) named.resize(1);
  const std::vector<std::string> fetches = {infer ? m.Z3.name()
                                                  : m.cost.name()};
  std::vector<std::string> targets;
  if (!infer) targets.push_back(m.optimizer.node->name());
  std::vector<double> times;
  StepProfile profile;
  RunMetadata metadata;
  for (int i = 0; i < warmup + steps; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto out = (*session)->Run(named, fetches, targets, {.trace = mode.profile},
                               &metadata);
    if (i >= warmup && mode.profile) profile.Add(metadata);
    double ms = std::chrono::duration<double, std::milli>(
                    std::chrono::steady_clock::now() - start)
                    .count();
    if (!out.ok()) {
      std::fprintf(stderr, "%s: %s\n", name, out.status().ToString().c_str());
      return 1;
    }
    if (i >= warmup) times.push_back(ms);
  }
  if (mode.profile) {
    profile.Print(name);
    return 0;
  }
  std::nth_element(times.begin(), times.begin() + times.size() / 2,
                   times.end());
  std::printf(
      "{\"engine\": \"graphflow\", \"model\": \"%s\", \"mode\": \"%s\", "
      "\"batch\": %d, \"median_ms\": %.3f, \"steps\": %d}\n",
      name, infer ? "infer" : "train", config.batch, times[times.size() / 2],
      steps);
  std::fflush(stdout);
  return 0;
}

}  // namespace
}  // namespace graphflow

int main(int argc, char** argv) {
  graphflow::Mode mode;
  std::vector<int> numbers;
  std::string only;  // --model NAME: that network alone.
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--infer") {
      mode.infer = true;
    } else if (std::string(argv[i]) == "--profile") {
      mode.profile = true;
    } else if (std::string(argv[i]) == "--no-optimize") {
      mode.optimize = false;
    } else if (std::string(argv[i]) == "--model" && i + 1 < argc) {
      only = argv[++i];
    } else if (std::string(argv[i]) == "--reference") {
      graphflow::SetComputeBackendForTesting(
          graphflow::ComputeBackend::kReference);
    } else {
      numbers.push_back(std::atoi(argv[i]));
    }
  }
  int steps = numbers.size() > 0 ? numbers[0] : 30;
  int warmup = numbers.size() > 1 ? numbers[1] : 5;
  using graphflow::examples::CourseConfig;
  CourseConfig course;
  course.classes = 6;
  CourseConfig digits;
  CourseConfig deep;
  deep.model = "deep";
  deep.batch = 50;
  deep.learning_rate = 1e-4;
  int rc = 0;
  auto bench = [&](const char* name, const CourseConfig& config, int size,
                   int channels) {
    if (only.empty() || only == name) {
      rc |= graphflow::Bench(name, config, size, channels, steps, warmup, mode);
    }
  };
  bench("course_64x64x3", course, 64, 3);
  bench("course_28x28x1", digits, 28, 1);
  bench("mnist_deep", deep, 28, 1);
  return rc;
}
