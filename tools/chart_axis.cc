#include "tools/chart_axis.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace graphflow::cli {
namespace {

// Tick text with just enough decimals for `step` ("0.25" for step 0.05 ...).
std::string TickLabel(double v, double step) {
  if (std::fabs(v) < step * 1e-9) v = 0;  // No "-0" or "1e-17".
  const double mag = std::max(std::fabs(v), step);
  if (mag >= 1e6 || step < 1e-4) return absl::StrFormat("%g", v);
  int decimals =
      std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  return absl::StrFormat("%.*f", decimals, v);
}

}  // namespace

double Axis::Fraction(double v) const {
  if (log) {
    if (!(v > 0)) return 0;
    return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
  }
  return (v - lo) / (hi - lo);
}

double NiceStep(double raw) {
  if (!(raw > 0) || !std::isfinite(raw)) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / p;
  // Small tolerance so 0.2 / 1e-1 = 2.0000000000000004 stays a 2.
  const double nice = f <= 1 + 1e-9   ? 1
                      : f <= 2 + 1e-9 ? 2
                      : f <= 5 + 1e-9 ? 5
                                      : 10;
  return nice * p;
}

Axis LinearAxis(double lo, double hi, int target_ticks) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (lo > hi) std::swap(lo, hi);
  if (hi == lo) {
    const double d = lo == 0 ? 1 : std::fabs(lo) * 0.1;
    lo -= d;
    hi += d;
  }
  const double step = NiceStep((hi - lo) / std::max(1, target_ticks - 1));
  Axis axis;
  axis.lo = std::floor(lo / step + 1e-9) * step;
  axis.hi = std::ceil(hi / step - 1e-9) * step;
  const int n = static_cast<int>(std::llround((axis.hi - axis.lo) / step));
  for (int i = 0; i <= n; ++i) {
    const double t = axis.lo + i * step;
    axis.ticks.push_back(t);
    axis.labels.push_back(TickLabel(t, step));
  }
  return axis;
}

Axis LogAxis(double lo, double hi) {
  if (!(lo > 0) || !std::isfinite(lo)) lo = 1e-3;
  if (!(hi > 0) || !std::isfinite(hi)) hi = 1;
  if (lo > hi) std::swap(lo, hi);
  int e_lo = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
  int e_hi = static_cast<int>(std::ceil(std::log10(hi) - 1e-9));
  if (e_hi == e_lo) ++e_hi;
  const int decades = e_hi - e_lo;
  const int every = (decades + 7) / 8;  // At most ~8 labelled decades.
  Axis axis;
  axis.log = true;
  axis.lo = std::pow(10.0, e_lo);
  axis.hi = std::pow(10.0, e_hi);
  for (int e = e_lo; e <= e_hi; ++e) {
    const double p = std::pow(10.0, e);
    if ((e - e_lo) % every == 0) {
      axis.ticks.push_back(p);
      axis.labels.push_back(absl::StrFormat("%g", p));
    }
    if (decades <= 2 && e < e_hi) {
      for (double m : {2.0, 5.0}) {
        axis.ticks.push_back(m * p);
        axis.labels.push_back(absl::StrFormat("%g", m * p));
      }
    }
  }
  return axis;
}

Axis EpochAxis(double min_epoch, double max_epoch) {
  Axis axis;
  if (max_epoch <= min_epoch) {
    axis.lo = min_epoch - 0.5;
    axis.hi = min_epoch + 0.5;
    axis.ticks.push_back(min_epoch);
    axis.labels.push_back(absl::StrCat(static_cast<int64_t>(min_epoch)));
    return axis;
  }
  axis.lo = min_epoch;
  axis.hi = max_epoch;
  const double step = std::max(1.0, NiceStep((max_epoch - min_epoch) / 10));
  for (double t = std::ceil(min_epoch / step) * step; t <= max_epoch + 1e-9;
       t += step) {
    axis.ticks.push_back(t);
    axis.labels.push_back(absl::StrCat(static_cast<int64_t>(t)));
  }
  return axis;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return absl::StrFormat("%.4g", v);
}

}  // namespace graphflow::cli
