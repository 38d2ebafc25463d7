// The training chart (SVG) and history CSV.
#include "tools/training_chart.h"

#include <cmath>
#include <cstdlib>
#include <fstream>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/support/test_util.h"
#include "tests/tools/xml_check.h"
#include "tools/chart_axis.h"

namespace graphflow::cli {
namespace {

using ::graphflow::testing::CountOccurrences;
using ::graphflow::testing::WellFormedXml;

std::vector<EpochRecord> Typical(int epochs, bool eval = true) {
  std::vector<EpochRecord> records;
  for (int e = 1; e <= epochs; ++e) {
    EpochRecord r;
    r.epoch = e;
    r.loss = 2.3 * std::exp(-0.35 * e) + 0.04;
    r.train_metric = 1 - 0.9 * std::exp(-0.5 * e);
    if (eval) r.eval_metric = 1 - 0.92 * std::exp(-0.45 * e) - 0.01;
    r.seconds = 12.25 + 0.1 * e;
    records.push_back(r);
  }
  return records;
}

// Writes the SVG under $GRAPHFLOW_CHART_SAMPLES (for looking at by hand).
void MaybeSave(const std::string& name, const std::string& svg) {
  const char* dir = std::getenv("GRAPHFLOW_CHART_SAMPLES");
  if (dir == nullptr) return;
  std::ofstream(std::string(dir) + "/" + name + ".svg") << svg;
}

TEST(ChartAxisTest, NiceSteps) {
  EXPECT_DOUBLE_EQ(NiceStep(0.13), 0.2);
  EXPECT_DOUBLE_EQ(NiceStep(0.2), 0.2);
  EXPECT_DOUBLE_EQ(NiceStep(3), 5);
  EXPECT_DOUBLE_EQ(NiceStep(7), 10);
  EXPECT_DOUBLE_EQ(NiceStep(1), 1);
  EXPECT_DOUBLE_EQ(NiceStep(0.00042), 0.0005);
}

TEST(ChartAxisTest, LinearTicks) {
  Axis a = LinearAxis(0, 2.34);
  EXPECT_DOUBLE_EQ(a.lo, 0);
  EXPECT_DOUBLE_EQ(a.hi, 2.5);
  EXPECT_EQ(a.labels, (std::vector<std::string>{"0.0", "0.5", "1.0", "1.5",
                                                "2.0", "2.5"}));
  Axis unit = LinearAxis(0, 1);
  EXPECT_EQ(unit.labels.front(), "0.0");
  EXPECT_EQ(unit.labels.back(), "1.0");
  EXPECT_EQ(unit.ticks.size(), 6u);
  Axis flat = LinearAxis(3, 3);  // Widened around the value.
  EXPECT_LT(flat.lo, 3);
  EXPECT_GT(flat.hi, 3);
  Axis neg = LinearAxis(-0.3, 0.1);
  EXPECT_EQ(neg.labels[3], "0.0");  // Never "-0.0".
  Axis big = LinearAxis(0, 3.4e7);
  EXPECT_EQ(big.labels[1], "1e+07");
}

TEST(ChartAxisTest, LogTicks) {
  Axis a = LogAxis(0.003, 40);
  EXPECT_TRUE(a.log);
  EXPECT_DOUBLE_EQ(a.lo, 0.001);
  EXPECT_DOUBLE_EQ(a.hi, 100);
  EXPECT_EQ(a.labels, (std::vector<std::string>{"0.001", "0.01", "0.1", "1",
                                                "10", "100"}));
  EXPECT_NEAR(a.Fraction(1), 0.6, 1e-12);
  Axis narrow = LogAxis(0.5, 3);  // Within two decades: 2 and 5 too.
  EXPECT_EQ(narrow.labels, (std::vector<std::string>{"0.1", "0.2", "0.5", "1",
                                                     "2", "5", "10"}));
}

TEST(ChartAxisTest, EpochTicks) {
  EXPECT_EQ(EpochAxis(1, 10).labels.size(), 10u);
  EXPECT_EQ(EpochAxis(1, 100).labels.front(), "10");
  Axis one = EpochAxis(1, 1);
  EXPECT_EQ(one.labels, std::vector<std::string>{"1"});
  EXPECT_DOUBLE_EQ(one.Fraction(1), 0.5);
}

TEST(TrainingChartTest, TypicalRunIsWellFormedWithAllSeries) {
  ChartOptions options;
  options.title = "mnist_mlp_adam_train.pbtxt";
  std::string svg = RenderTrainingChart(Typical(10), options);
  MaybeSave("typical", svg);
  EXPECT_TRUE(WellFormedXml(svg));
  EXPECT_TRUE(absl::StartsWith(svg, "<?xml"));
  EXPECT_EQ(CountOccurrences(svg, "<polyline"), 3);
  EXPECT_EQ(CountOccurrences(svg, "class=\"marker loss\""), 10);
  EXPECT_EQ(CountOccurrences(svg, "class=\"marker train\""), 10);
  EXPECT_EQ(CountOccurrences(svg, "class=\"marker eval\""), 10);
  EXPECT_TRUE(absl::StrContains(svg, ">mnist_mlp_adam_train.pbtxt</text>"));
  EXPECT_TRUE(absl::StrContains(svg, ">train accuracy</text>"));
  EXPECT_TRUE(absl::StrContains(svg, ">eval accuracy</text>"));
  EXPECT_TRUE(absl::StrContains(svg, ">loss</text>"));
  EXPECT_TRUE(absl::StrContains(svg, ">epoch</text>"));
  EXPECT_FALSE(absl::StrContains(svg, "Not plotted"));
  EXPECT_FALSE(absl::StrContains(svg, "nan"));
}

TEST(TrainingChartTest, SingleEpoch) {
  std::string svg = RenderTrainingChart(Typical(1));
  MaybeSave("single", svg);
  EXPECT_TRUE(WellFormedXml(svg));
  EXPECT_EQ(CountOccurrences(svg, "<polyline"), 0);  // Nothing to join.
  EXPECT_EQ(CountOccurrences(svg, "class=\"marker loss\""), 1);
  EXPECT_EQ(CountOccurrences(svg, "class=\"marker eval\""), 1);
  EXPECT_TRUE(absl::StrContains(svg, "1 epoch "));
}

TEST(TrainingChartTest, NonFiniteLossesAreSkippedAndNoted) {
  std::vector<EpochRecord> records = Typical(8);
  records[3].loss = NAN;
  records[4].loss = INFINITY;
  std::string svg = RenderTrainingChart(records);
  MaybeSave("nan", svg);
  EXPECT_TRUE(WellFormedXml(svg));
  // Loss breaks into epochs 1-3 and 6-8; the metrics stay whole.
  EXPECT_EQ(CountOccurrences(svg, "class=\"line loss\""), 2);
  EXPECT_EQ(CountOccurrences(svg, "<polyline"), 4);
  EXPECT_EQ(CountOccurrences(svg, "class=\"marker loss\""), 6);
  EXPECT_EQ(CountOccurrences(svg, "class=\"skipped\""), 2);
  EXPECT_TRUE(absl::StrContains(
      svg, "Not plotted: non-finite loss at epoch 4, 5</text>"));
}

TEST(TrainingChartTest, MissingMetrics) {
  std::vector<EpochRecord> records = Typical(6, /*eval=*/false);
  for (EpochRecord& r : records) r.train_metric.reset();
  std::string svg = RenderTrainingChart(records);
  EXPECT_TRUE(WellFormedXml(svg));
  EXPECT_EQ(CountOccurrences(svg, "<polyline"), 1);
  EXPECT_FALSE(absl::StrContains(svg, "accuracy"));  // No right axis.
  // Eval only every other epoch: its line joins the measured epochs.
  records = Typical(6);
  for (int i = 0; i < 6; i += 2) records[i].eval_metric.reset();
  svg = RenderTrainingChart(records);
  EXPECT_TRUE(WellFormedXml(svg));
  EXPECT_EQ(CountOccurrences(svg, "class=\"line eval\""), 1);
  EXPECT_EQ(CountOccurrences(svg, "class=\"marker eval\""), 3);
}

TEST(TrainingChartTest, LogScaleForLargeRanges) {
  std::vector<EpochRecord> records;
  for (int e = 1; e <= 30; ++e) {
    records.push_back(
        {e, 500 * std::pow(0.6, e), std::nullopt, std::nullopt, 1.5});
  }
  std::string svg = RenderTrainingChart(records);  // kAuto picks log.
  MaybeSave("log", svg);
  EXPECT_TRUE(WellFormedXml(svg));
  EXPECT_TRUE(absl::StrContains(svg, "loss (log scale)"));
  EXPECT_TRUE(absl::StrContains(svg, ">0.001</text>"));
  ChartOptions linear;
  linear.loss_scale = LossScale::kLinear;
  EXPECT_FALSE(
      absl::StrContains(RenderTrainingChart(records, linear), "log scale"));
  // A zero loss cannot go on a log axis: skipped and noted.
  records[5].loss = 0;
  ChartOptions log;
  log.loss_scale = LossScale::kLog;
  svg = RenderTrainingChart(records, log);
  EXPECT_TRUE(WellFormedXml(svg));
  EXPECT_TRUE(absl::StrContains(svg, "(log scale) at epoch 6"));
  EXPECT_EQ(CountOccurrences(svg, "class=\"line loss\""), 2);
}

TEST(TrainingChartTest, ManyEpochsDropMarkersAndMetricRangeFollowsData) {
  std::vector<EpochRecord> records;
  for (int e = 1; e <= 500; ++e) {
    records.push_back({e, 1.0 / e, 40.0 + e * 0.1, std::nullopt, 0.2});
  }
  ChartOptions options;
  options.metric_name = "BLEU <&>";
  std::string svg = RenderTrainingChart(records, options);
  EXPECT_TRUE(WellFormedXml(svg));
  EXPECT_EQ(CountOccurrences(svg, "class=\"marker loss\""), 0);
  EXPECT_EQ(CountOccurrences(svg, "<polyline"), 2);
  EXPECT_TRUE(absl::StrContains(svg, "BLEU &lt;&amp;&gt;"));
  EXPECT_TRUE(absl::StrContains(svg, ">90</text>"));  // Not 0..1.
}

TEST(TrainingChartTest, EmptyHistoryAndEscapedTitle) {
  ChartOptions options;
  options.title = "a<b>&\"c\"";
  std::string svg = RenderTrainingChart({}, options);
  EXPECT_TRUE(WellFormedXml(svg));
  EXPECT_TRUE(absl::StrContains(svg, "No epochs recorded"));
  EXPECT_TRUE(absl::StrContains(svg, "a&lt;b&gt;&amp;&quot;c&quot;"));
}

TEST(TrainingChartTest, Csv) {
  std::vector<EpochRecord> records = {
      {1, 0.5, 0.75, 0.625, 12.5},
      {2, 0.1, std::nullopt, 0.9, 3},
      {3, NAN, 0.25, std::nullopt, 0.125},
  };
  EXPECT_EQ(RenderCsv(records),
            "epoch,loss,train_metric,eval_metric,seconds\n"
            "1,0.5,0.75,0.625,12.5\n"
            "2,0.1,,0.9,3\n"
            "3,nan,0.25,,0.125\n");
  EXPECT_EQ(RenderCsv({}), "epoch,loss,train_metric,eval_metric,seconds\n");
}

}  // namespace
}  // namespace graphflow::cli
