// Training history as a standalone SVG chart and as CSV: loss per epoch on
// the left axis, the metric (train and eval) on the right axis.
#ifndef GRAPHFLOW_TOOLS_TRAINING_CHART_H_
#define GRAPHFLOW_TOOLS_TRAINING_CHART_H_

#include <optional>
#include <string>
#include <vector>

namespace graphflow::cli {

// One finished epoch. Epochs are numbered from 1.
struct EpochRecord {
  int epoch = 0;
  double loss = 0;
  std::optional<double> train_metric, eval_metric;
  double seconds = 0;  // Wall time of the epoch.
};

enum class LossScale {
  kLinear,
  kLog,
  // Log when every loss is positive and they span more than three decades.
  kAuto,
};

struct ChartOptions {
  std::string title = "Training";  // E.g. the graph file's name.
  std::string metric_name = "accuracy";
  LossScale loss_scale = LossScale::kAuto;
  int width = 860;
  int height = 500;
  // Right-axis range; by default 0..1 when every metric lies in [0, 1],
  // else a rounded range around the values.
  std::optional<double> metric_min, metric_max;
  // Point markers are drawn while a series has at most this many points.
  int max_markers = 80;
};

// A complete SVG document (UTF-8, no external resources). Non-finite losses
// (and non-positive ones on a log axis) are left out and listed in a note;
// lines break where a point is missing.
std::string RenderTrainingChart(const std::vector<EpochRecord>& records,
                                const ChartOptions& options = {});

// "epoch,loss,train_metric,eval_metric,seconds" then one line per record;
// missing metrics are empty fields; numbers in shortest round-trip form.
std::string RenderCsv(const std::vector<EpochRecord>& records);

}  // namespace graphflow::cli

#endif  // GRAPHFLOW_TOOLS_TRAINING_CHART_H_
