// Axis scales for the training chart: "nice" tick values in 1-2-5 steps on
// linear axes, powers of ten on log axes, and their tick labels.
#ifndef GRAPHFLOW_TOOLS_CHART_AXIS_H_
#define GRAPHFLOW_TOOLS_CHART_AXIS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace graphflow::cli {

struct Axis {
  double lo = 0, hi = 1;  // The drawn range; ticks lie within it.
  bool log = false;
  std::vector<double> ticks;
  std::vector<std::string> labels;  // One per tick.
  // Where v falls from lo (0) to hi (1).
  double Fraction(double v) const;
};

// The smallest of 1, 2, 5 times a power of ten that is >= raw (> 0).
double NiceStep(double raw);
// A range covering [lo, hi] rounded out to about `target_ticks` nice ticks;
// an empty range (lo == hi) is widened around the value.
Axis LinearAxis(double lo, double hi, int target_ticks = 6);
// Decades covering [lo, hi] (both > 0), with 2 and 5 ticks when narrow.
Axis LogAxis(double lo, double hi);
// Integer ticks for epochs min..max; a single epoch gets the range e±0.5.
Axis EpochAxis(double min_epoch, double max_epoch);

// A value for people: 4 significant digits, "nan", "inf".
std::string FormatValue(double v);

}  // namespace graphflow::cli

#endif  // GRAPHFLOW_TOOLS_CHART_AXIS_H_
