// Kernel time by op type over traced Session::Run steps, for the
// whole-process harnesses' --profile (train_step_bench,
// frozen_inference_bench).
#ifndef GRAPHFLOW_BENCH_STEP_PROFILE_H_
#define GRAPHFLOW_BENCH_STEP_PROFILE_H_

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "session/session.h"

namespace graphflow {

class StepProfile {
 public:
  // Adds one traced step (RunOptions{.trace = true}).
  void Add(const RunMetadata& metadata) {
    ++steps_;
    for (const NodeExecStats& stats : metadata.step_stats) {
      auto& [calls, micros] = ops_[stats.node->op()];
      ++calls;
      micros += stats.micros;
      nodes_[stats.node->op()][stats.node->name()] += stats.micros;
    }
  }

  // Per step, largest first.
  void Print(const char* name) const {
    std::vector<std::pair<double, std::string>> order;
    double total = 0;
    for (const auto& [op, stats] : ops_) {
      order.emplace_back(stats.second, op);
      total += stats.second;
    }
    std::sort(order.rbegin(), order.rend());
    const int steps = std::max(steps_, 1);
    std::printf("%s: %.3f ms of kernels per step\n", name, total / steps / 1e3);
    for (const auto& [micros, op] : order) {
      std::printf("  %-28s %5.1f%% %9.3f ms %4d calls\n", op.c_str(),
                  100 * micros / total, micros / steps / 1e3,
                  ops_.at(op).first / steps);
      const auto& nodes = nodes_.at(op);
      if (nodes.size() < 2) continue;
      for (const auto& [node, node_micros] : nodes) {
        if (node_micros < 0.005 * total) continue;  // Under 0.5%: noise.
        std::printf("    %-40s %9.3f ms\n", node.c_str(),
                    node_micros / steps / 1e3);
      }
    }
  }

 private:
  int steps_ = 0;
  std::map<std::string, std::pair<int, double>> ops_;  // calls, micros
  // Per op, micros by node name: which of several calls costs the time.
  std::map<std::string, std::map<std::string, double>> nodes_;
};

}  // namespace graphflow

#endif  // GRAPHFLOW_BENCH_STEP_PROFILE_H_
