// Inference of a frozen TF-format CNN (two conv branches, concatenated, a
// third conv and two dense layers; weights are Consts), the kind of .pb
// other engines such as OpenCV's dnn module read too.
//   frozen_inference_bench --write DIR [batch]
//       writes DIR/branch_cnn.pb, DIR/input.npy and graphflow's
//       DIR/output.npy (so bench/compare_frozen_inference.py can check the
//       other engine's answer)
//   frozen_inference_bench GRAPH.pb INPUT.npy [steps] [warmup] [--profile]
//       prints {"engine": "graphflow", "median_ms": ...} for Run(probs), or
//       with --profile the kernel time by op type
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "bench/step_profile.h"
#include "dataset/npy.h"
#include "graph/graph_def.h"
#include "graph/status.h"
#include "ops/all_ops.h"
#include "ops/array_join_ops.h"
#include "ops/array_ops.h"
#include "ops/conv_ops.h"
#include "ops/math_ops.h"
#include "ops/matmul_ops.h"
#include "ops/nn_ops.h"
#include "ops/pooling_ops.h"
#include "ops/state_ops.h"
#include "proto/graph_io.h"
#include "session/session.h"

namespace graphflow {
namespace {

Tensor Uniform(const TensorShape& shape, float scale, std::mt19937& rng) {
  Tensor t(DT_FLOAT, shape);
  std::uniform_real_distribution<float> u(-scale, scale);
  for (float& v : t.flat<float>()) v = u(rng);
  return t;
}

// conv (SAME, stride 1) + BiasAdd + Relu + 2x2 max pool, TF's frozen form.
Output ConvBlock(const Scope& s, const std::string& name, Output x, int64_t k,
                 int64_t cin, int64_t cout, std::mt19937& rng) {
  const Scope b = s.NewSubScope(name);
  const float scale = 1.0f / std::sqrt(static_cast<float>(k * k * cin));
  Output w =
      b.WithOpName("weights").Const(Uniform({k, k, cin, cout}, scale, rng));
  Output bias = b.WithOpName("biases").Const(Uniform({cout}, 0.1f, rng));
  Output y = ops::Relu(b.WithOpName("Relu"),
                       ops::BiasAdd(b.WithOpName("BiasAdd"),
                                    ops::Conv2D(b.WithOpName("Conv2D"), x, w,
                                                {1, 1, 1, 1}, "SAME"),
                                    bias));
  return ops::MaxPool(b.WithOpName("MaxPool"), y, {1, 2, 2, 1}, {1, 2, 2, 1},
                      "VALID");
}

Output Dense(const Scope& s, const std::string& name, Output x, int64_t in,
             int64_t out, std::mt19937& rng) {
  const Scope b = s.NewSubScope(name);
  const float scale = 1.0f / std::sqrt(static_cast<float>(in));
  Output w = b.WithOpName("weights").Const(Uniform({in, out}, scale, rng));
  Output bias = b.WithOpName("biases").Const(Uniform({out}, 0.1f, rng));
  return ops::BiasAdd(b.WithOpName("BiasAdd"),
                      ops::MatMul(b.WithOpName("MatMul"), x, w), bias);
}

// input [N, 40, 40, 3] -> (conv 3x3x32 | conv 5x5x32) -> concat 64 ->
// conv 3x3x64 -> [N, 10, 10, 64] -> dense 256 relu -> dense 10 -> softmax.
absl::Status WriteModel(const std::string& dir, int64_t batch) {
  std::mt19937 rng(7);
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("input"), DT_FLOAT, {-1, 40, 40, 3});
  Output a = ConvBlock(s, "branch_a", x, 3, 3, 32, rng);
  Output b = ConvBlock(s, "branch_b", x, 5, 3, 32, rng);
  Output joined = ops::ConcatV2(s.WithOpName("concat"), {a, b}, Input(3));
  Output c = ConvBlock(s, "conv3", joined, 3, 64, 64, rng);
  Output flat = ops::Reshape(s.WithOpName("flatten"), c,
                             Input({int32_t{-1}, int32_t{10 * 10 * 64}}));
  Output h = ops::Relu(s.WithOpName("fc1/Relu"),
                       Dense(s, "fc1", flat, 10 * 10 * 64, 256, rng));
  ops::Softmax(s.WithOpName("probs"), Dense(s, "fc2", h, 256, 10, rng));
  RETURN_IF_ERROR(s.status());
  const tensorflow::GraphDef def = GraphToGraphDef(*s.graph());
  RETURN_IF_ERROR(
      WriteGraphDefFile(dir + "/branch_cnn.pb", def, GraphFormat::kBinary));
  Tensor input = Uniform({batch, 40, 40, 3}, 1.0f, rng);
  RETURN_IF_ERROR(WriteNpyFile(dir + "/input.npy", input));
  ASSIGN_OR_RETURN(auto session, Session::Create(def, GlobalOpRegistry()));
  ASSIGN_OR_RETURN(std::vector<Tensor> out,
                   session->Run({{"input", input}}, {"probs"}));
  return WriteNpyFile(dir + "/output.npy", out[0]);
}

absl::Status Time(const std::string& graph, const std::string& input_path,
                  int steps, int warmup, bool profile) {
  ASSIGN_OR_RETURN(tensorflow::GraphDef def, ReadGraphDefFile(graph));
  ASSIGN_OR_RETURN(Tensor input, ReadNpyFile(input_path));
  ASSIGN_OR_RETURN(auto session, Session::Create(def, GlobalOpRegistry()));
  std::vector<double> times;
  StepProfile kernels;
  for (int i = 0; i < warmup + steps; ++i) {
    const auto start = std::chrono::steady_clock::now();
    RunMetadata metadata;
    ASSIGN_OR_RETURN(std::vector<Tensor> out,
                     session->Run({{"input", input}}, {"probs"}, {},
                                  {.trace = profile}, &metadata));
    if (i >= warmup && profile) kernels.Add(metadata);
    if (i >= warmup) {
      times.push_back(std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - start)
                          .count());
    }
  }
  if (profile) {
    kernels.Print(graph.c_str());
    return absl::OkStatus();
  }
  std::nth_element(times.begin(), times.begin() + times.size() / 2,
                   times.end());
  std::printf(
      "{\"engine\": \"graphflow\", \"batch\": %lld, \"median_ms\": %.3f, "
      "\"steps\": %d}\n",
      static_cast<long long>(input.dim(0)), times[times.size() / 2], steps);
  return absl::OkStatus();
}

}  // namespace
}  // namespace graphflow

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const auto flag = std::find(args.begin(), args.end(), "--profile");
  const bool profile = flag != args.end();
  if (profile) args.erase(flag);
  absl::Status status;
  if (args.size() >= 2 && args[0] == "--write") {
    status = graphflow::WriteModel(args[1],
                                   args.size() > 2 ? std::stoll(args[2]) : 64);
  } else if (args.size() >= 2) {
    status = graphflow::Time(args[0], args[1],
                             args.size() > 2 ? std::stoi(args[2]) : 30,
                             args.size() > 3 ? std::stoi(args[3]) : 5, profile);
  } else {
    std::fprintf(stderr,
                 "usage: frozen_inference_bench --write DIR [batch]\n"
                 "       frozen_inference_bench GRAPH.pb INPUT.npy [steps] "
                 "[warmup] [--profile]\n");
    return 2;
  }
  if (!status.ok()) {
    std::fprintf(stderr, "frozen_inference_bench: %s\n",
                 status.ToString().c_str());
    return 1;
  }
  return 0;
}
