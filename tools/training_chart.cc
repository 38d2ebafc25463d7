#include "tools/training_chart.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "tools/chart_axis.h"
#include "tools/xml_escape.h"

namespace graphflow::cli {
namespace {

constexpr char kLossColor[] = "#1f5fa8";
constexpr char kTrainColor[] = "#e8710a";
constexpr char kEvalColor[] = "#1e8e3e";
constexpr char kGridColor[] = "#e3e6ea";
constexpr char kAxisColor[] = "#5f6368";
constexpr char kTextColor[] = "#202124";
constexpr char kNoteColor[] = "#b3261e";

std::string Px(double v) { return absl::StrFormat("%.1f", v); }

enum class Marker { kCircle, kSquare, kDiamond };

struct Series {
  std::string cls;    // CSS class: "loss", "train", "eval".
  std::string label;  // Legend text.
  const char* color;
  Marker marker;
  bool dashed = false;
  // (epoch, value) per record with a finite value; `breaks_after[i]` is true
  // when the line must not join point i to point i + 1.
  std::vector<std::pair<double, double>> points;
  std::vector<bool> breaks_after;
};

// A marker shape centred at (x, y), with a hover tooltip.
std::string MarkerSvg(const Series& s, double x, double y,
                      absl::string_view tooltip) {
  std::string shape;
  const std::string attrs =
      absl::StrCat(" class=\"marker ", s.cls, "\" fill=\"", s.color,
                   "\" stroke=\"#ffffff\" stroke-width=\"1.2\"");
  switch (s.marker) {
    case Marker::kCircle:
      shape = absl::StrCat("<circle cx=\"", Px(x), "\" cy=\"", Px(y),
                           "\" r=\"4\"", attrs, ">");
      return absl::StrCat(shape, "<title>", XmlEscape(tooltip),
                          "</title></circle>\n");
    case Marker::kSquare:
      shape = absl::StrCat("<rect x=\"", Px(x - 3.6), "\" y=\"", Px(y - 3.6),
                           "\" width=\"7.2\" height=\"7.2\"", attrs, ">");
      return absl::StrCat(shape, "<title>", XmlEscape(tooltip),
                          "</title></rect>\n");
    case Marker::kDiamond:
      shape = absl::StrCat("<polygon points=\"", Px(x), ",", Px(y - 5), " ",
                           Px(x + 5), ",", Px(y), " ", Px(x), ",", Px(y + 5),
                           " ", Px(x - 5), ",", Px(y), "\"", attrs, ">");
      return absl::StrCat(shape, "<title>", XmlEscape(tooltip),
                          "</title></polygon>\n");
  }
  return "";
}

// The legend's sample of a series: a short line with its marker.
std::string LegendEntry(const Series& s, double x, double y) {
  std::string out = absl::StrCat(
      "<line x1=\"", Px(x), "\" y1=\"", Px(y), "\" x2=\"", Px(x + 26),
      "\" y2=\"", Px(y), "\" stroke=\"", s.color, "\" stroke-width=\"2.4\"",
      s.dashed ? " stroke-dasharray=\"6 4\"" : "", "/>\n");
  Series sample = s;
  sample.cls = "legend-" + s.cls;
  absl::StrAppend(&out, MarkerSvg(sample, x + 13, y, s.label));
  absl::StrAppend(&out, "<text x=\"", Px(x + 34), "\" y=\"", Px(y + 4.5),
                  "\" font-size=\"13\" fill=\"", kTextColor, "\">",
                  XmlEscape(s.label), "</text>\n");
  return out;
}

// Rough text width for layout: DejaVu Sans averages ~0.56 em per character.
double TextWidth(absl::string_view text, double font_size) {
  return 0.56 * font_size * static_cast<double>(text.size());
}

std::string Duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  if (seconds < 60) return absl::StrFormat("%.1f s", seconds);
  int64_t s = static_cast<int64_t>(std::llround(seconds));
  if (s < 3600) return absl::StrFormat("%d:%02d", s / 60, s % 60);
  return absl::StrFormat("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
}

// "3, 7, 9" listing at most eight epochs.
std::string EpochList(const std::vector<int>& epochs) {
  std::vector<int> head(epochs.begin(),
                        epochs.begin() + std::min<size_t>(epochs.size(), 8));
  std::string out = absl::StrJoin(head, ", ");
  if (epochs.size() > head.size()) {
    absl::StrAppend(&out, " (+", epochs.size() - head.size(), " more)");
  }
  return out;
}

// The one-line summary under the title.
std::string Summary(const std::vector<EpochRecord>& records,
                    const ChartOptions& options) {
  std::vector<std::string> parts;
  parts.push_back(
      absl::StrCat(records.size(), records.size() == 1 ? " epoch" : " epochs"));
  parts.push_back(
      absl::StrCat("final loss ", FormatValue(records.back().loss)));
  const EpochRecord* best = nullptr;
  bool any_train = false;
  for (const EpochRecord& r : records) {
    any_train |= r.train_metric.has_value();
    if (r.eval_metric && std::isfinite(*r.eval_metric) &&
        (!best || *r.eval_metric > *best->eval_metric)) {
      best = &r;
    }
  }
  if (best) {
    parts.push_back(absl::StrCat("best eval ", options.metric_name, " ",
                                 FormatValue(*best->eval_metric), " (epoch ",
                                 best->epoch, ")"));
  } else if (any_train) {
    for (auto it = records.rbegin(); it != records.rend(); ++it) {
      if (!it->train_metric) continue;
      parts.push_back(absl::StrCat("final train ", options.metric_name, " ",
                                   FormatValue(*it->train_metric)));
      break;
    }
  }
  double total = 0;
  for (const EpochRecord& r : records) total += r.seconds;
  parts.push_back(absl::StrCat(Duration(total), " total"));
  return absl::StrJoin(parts, "  \xc2\xb7  ");  // Middle dots.
}

struct Layout {
  double width, height, left, right, top, bottom;
  double plot_w() const { return right - left; }
  double plot_h() const { return bottom - top; }
};

}  // namespace

std::string RenderTrainingChart(const std::vector<EpochRecord>& unsorted,
                                const ChartOptions& options) {
  std::vector<EpochRecord> records = unsorted;
  std::stable_sort(records.begin(), records.end(),
                   [](const EpochRecord& a, const EpochRecord& b) {
                     return a.epoch < b.epoch;
                   });
  Layout lay;
  lay.width = std::max(options.width, 360);
  lay.height = std::max(options.height, 260);
  lay.left = 80;
  lay.right = lay.width - 80;
  lay.top = 96;
  lay.bottom = lay.height - 66;

  // Which losses the loss axis can show.
  bool all_positive = true;
  double lmin = INFINITY, lmax = -INFINITY;
  for (const EpochRecord& r : records) {
    if (!std::isfinite(r.loss)) continue;
    all_positive &= r.loss > 0;
    lmin = std::min(lmin, r.loss);
    lmax = std::max(lmax, r.loss);
  }
  bool log_scale = options.loss_scale == LossScale::kLog;
  if (options.loss_scale == LossScale::kAuto) {
    log_scale = all_positive && lmin > 0 && lmax / lmin > 1000;
  }
  auto loss_ok = [&](double v) {
    return std::isfinite(v) && (!log_scale || v > 0);
  };
  std::vector<int> nonfinite, nonpositive;
  double pmin = INFINITY, pmax = -INFINITY;
  for (const EpochRecord& r : records) {
    if (!std::isfinite(r.loss)) {
      nonfinite.push_back(r.epoch);
    } else if (!loss_ok(r.loss)) {
      nonpositive.push_back(r.epoch);
    } else {
      pmin = std::min(pmin, r.loss);
      pmax = std::max(pmax, r.loss);
    }
  }
  Axis loss_axis;
  if (pmin > pmax) {
    loss_axis = log_scale ? LogAxis(0.1, 1) : LinearAxis(0, 1);
  } else if (log_scale) {
    loss_axis = LogAxis(pmin, pmax);
  } else {
    // Anchor at zero when the losses fall most of the way towards it (or
    // there is only one value).
    double lo = (pmin >= 0 && (pmin <= 0.5 * pmax || pmin == pmax)) ? 0 : pmin;
    loss_axis = LinearAxis(lo, pmax);
  }

  // The metric axis.
  double mmin = INFINITY, mmax = -INFINITY;
  bool any_metric = false, any_train = false, any_eval = false;
  for (const EpochRecord& r : records) {
    for (const std::optional<double>& m : {r.train_metric, r.eval_metric}) {
      if (!m || !std::isfinite(*m)) continue;
      any_metric = true;
      mmin = std::min(mmin, *m);
      mmax = std::max(mmax, *m);
    }
    any_train |= r.train_metric.has_value();
    any_eval |= r.eval_metric.has_value();
  }
  Axis metric_axis;
  if (options.metric_min || options.metric_max) {
    double lo = options.metric_min.value_or(any_metric ? mmin : 0);
    double hi = options.metric_max.value_or(any_metric ? mmax : 1);
    metric_axis = LinearAxis(lo, hi);
  } else if (!any_metric || (mmin >= 0 && mmax <= 1)) {
    metric_axis = LinearAxis(0, 1);
  } else {
    metric_axis = LinearAxis(mmin, mmax);
  }

  // The epoch axis, padded so end points do not sit on the frame.
  double emin = records.empty() ? 1 : records.front().epoch;
  double emax = records.empty() ? 1 : records.back().epoch;
  Axis epoch_axis = EpochAxis(emin, emax);
  if (records.empty()) {  // Just the frame and a message.
    epoch_axis.ticks.clear();
    epoch_axis.labels.clear();
    loss_axis.ticks.clear();
    loss_axis.labels.clear();
  }
  const double pad = std::min(24.0, lay.plot_w() * 0.04);
  auto X = [&](double e) {
    return lay.left + pad + epoch_axis.Fraction(e) * (lay.plot_w() - 2 * pad);
  };
  auto YLoss = [&](double v) {
    return lay.bottom - loss_axis.Fraction(v) * lay.plot_h();
  };
  auto YMetric = [&](double v) {
    return lay.bottom - metric_axis.Fraction(v) * lay.plot_h();
  };

  // Series.
  std::vector<Series> series;
  Series loss{"loss", "loss", kLossColor, Marker::kCircle};
  Series train{"train", "train " + options.metric_name, kTrainColor,
               Marker::kSquare};
  Series eval{"eval", "eval " + options.metric_name, kEvalColor,
              Marker::kDiamond, /*dashed=*/true};
  // Non-finite values break a line; a missing metric (not measured that
  // epoch) just joins its neighbours.
  auto add = [](Series& s, double epoch, std::optional<double> v, bool ok) {
    if (!v) return;
    if (!ok) {
      if (!s.breaks_after.empty()) s.breaks_after.back() = true;
      return;
    }
    s.points.emplace_back(epoch, *v);
    s.breaks_after.push_back(false);
  };
  for (const EpochRecord& r : records) {
    add(loss, r.epoch, r.loss, loss_ok(r.loss));
    add(train, r.epoch, r.train_metric,
        r.train_metric && std::isfinite(*r.train_metric));
    add(eval, r.epoch, r.eval_metric,
        r.eval_metric && std::isfinite(*r.eval_metric));
  }
  if (!records.empty()) series.push_back(loss);
  if (any_train) series.push_back(train);
  if (any_eval) series.push_back(eval);

  const double w = lay.width, h = lay.height;
  std::string svg = absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"", w, "\" height=\"",
      h, "\" viewBox=\"0 0 ", w, " ", h,
      "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n");
  absl::StrAppend(&svg, "<title>", XmlEscape(options.title), "</title>\n",
                  "<defs><clipPath id=\"plot-area\"><rect x=\"",
                  Px(lay.left - 6), "\" y=\"", Px(lay.top - 6), "\" width=\"",
                  Px(lay.plot_w() + 12), "\" height=\"", Px(lay.plot_h() + 12),
                  "\"/></clipPath></defs>\n",
                  "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
  // Title and summary.
  absl::StrAppend(&svg, "<text x=\"", Px(w / 2),
                  "\" y=\"30\" text-anchor=\"middle\" font-size=\"19\" "
                  "font-weight=\"bold\" fill=\"",
                  kTextColor, "\">", XmlEscape(options.title), "</text>\n");
  if (!records.empty()) {
    absl::StrAppend(&svg, "<text x=\"", Px(w / 2),
                    "\" y=\"52\" text-anchor=\"middle\" font-size=\"13\" "
                    "fill=\"",
                    kAxisColor, "\">", XmlEscape(Summary(records, options)),
                    "</text>\n");
  }
  // Legend, centred above the plot.
  double legend_w = 0;
  for (const Series& s : series) legend_w += 34 + TextWidth(s.label, 13) + 22;
  double lx = std::max(lay.left, w / 2 - legend_w / 2);
  for (const Series& s : series) {
    absl::StrAppend(&svg, LegendEntry(s, lx, 76));
    lx += 34 + TextWidth(s.label, 13) + 22;
  }

  // Gridlines: horizontal at the loss ticks, vertical at the epoch ticks.
  absl::StrAppend(&svg, "<g class=\"grid\" stroke=\"", kGridColor,
                  "\" stroke-width=\"1\">\n");
  for (double t : loss_axis.ticks) {
    absl::StrAppend(&svg, "<line x1=\"", Px(lay.left), "\" y1=\"", Px(YLoss(t)),
                    "\" x2=\"", Px(lay.right), "\" y2=\"", Px(YLoss(t)),
                    "\"/>\n");
  }
  for (double t : epoch_axis.ticks) {
    absl::StrAppend(&svg, "<line x1=\"", Px(X(t)), "\" y1=\"", Px(lay.top),
                    "\" x2=\"", Px(X(t)), "\" y2=\"", Px(lay.bottom), "\"/>\n");
  }
  absl::StrAppend(&svg, "</g>\n");
  // Frame and axes.
  absl::StrAppend(&svg, "<rect x=\"", Px(lay.left), "\" y=\"", Px(lay.top),
                  "\" width=\"", Px(lay.plot_w()), "\" height=\"",
                  Px(lay.plot_h()), "\" fill=\"none\" stroke=\"", kAxisColor,
                  "\" stroke-width=\"1\"/>\n");
  absl::StrAppend(&svg, "<g class=\"ticks\" font-size=\"12\" fill=\"",
                  kAxisColor, "\">\n");
  for (size_t i = 0; i < loss_axis.ticks.size(); ++i) {
    double y = YLoss(loss_axis.ticks[i]);
    absl::StrAppend(&svg, "<text x=\"", Px(lay.left - 8), "\" y=\"", Px(y + 4),
                    "\" text-anchor=\"end\">", XmlEscape(loss_axis.labels[i]),
                    "</text>\n");
  }
  if (any_metric || any_train || any_eval) {
    for (size_t i = 0; i < metric_axis.ticks.size(); ++i) {
      double y = YMetric(metric_axis.ticks[i]);
      absl::StrAppend(&svg, "<line x1=\"", Px(lay.right), "\" y1=\"", Px(y),
                      "\" x2=\"", Px(lay.right + 5), "\" y2=\"", Px(y),
                      "\" stroke=\"", kAxisColor, "\"/>\n");
      absl::StrAppend(&svg, "<text x=\"", Px(lay.right + 9), "\" y=\"",
                      Px(y + 4), "\" text-anchor=\"start\">",
                      XmlEscape(metric_axis.labels[i]), "</text>\n");
    }
  }
  for (size_t i = 0; i < epoch_axis.ticks.size(); ++i) {
    absl::StrAppend(&svg, "<text x=\"", Px(X(epoch_axis.ticks[i])), "\" y=\"",
                    Px(lay.bottom + 19), "\" text-anchor=\"middle\">",
                    XmlEscape(epoch_axis.labels[i]), "</text>\n");
  }
  absl::StrAppend(&svg, "</g>\n");
  // Axis titles.
  const double mid_y = (lay.top + lay.bottom) / 2;
  absl::StrAppend(&svg, "<text x=\"", Px(24), "\" y=\"", Px(mid_y),
                  "\" transform=\"rotate(-90 24 ", Px(mid_y),
                  ")\" text-anchor=\"middle\" font-size=\"14\" fill=\"",
                  kLossColor, "\">", log_scale ? "loss (log scale)" : "loss",
                  "</text>\n");
  if (any_metric || any_train || any_eval) {
    const double rx = w - 22;
    absl::StrAppend(&svg, "<text x=\"", Px(rx), "\" y=\"", Px(mid_y),
                    "\" transform=\"rotate(90 ", Px(rx), " ", Px(mid_y),
                    ")\" text-anchor=\"middle\" font-size=\"14\" fill=\"",
                    kTextColor, "\">", XmlEscape(options.metric_name),
                    "</text>\n");
  }
  absl::StrAppend(&svg, "<text x=\"", Px((lay.left + lay.right) / 2), "\" y=\"",
                  Px(lay.bottom + 42),
                  "\" text-anchor=\"middle\" font-size=\"14\" fill=\"",
                  kTextColor, "\">epoch</text>\n");

  if (records.empty()) {
    absl::StrAppend(&svg, "<text x=\"", Px((lay.left + lay.right) / 2),
                    "\" y=\"", Px(mid_y),
                    "\" text-anchor=\"middle\" font-size=\"15\" fill=\"",
                    kAxisColor, "\">No epochs recorded</text>\n</svg>\n");
    return svg;
  }

  // Lines, then markers on top.
  absl::StrAppend(&svg, "<g class=\"series\" clip-path=\"url(#plot-area)\">\n");
  for (const Series& s : series) {
    auto y_of = [&](double v) {
      return s.cls == "loss" ? YLoss(v) : YMetric(v);
    };
    std::vector<std::string> run;
    auto flush = [&] {
      if (run.size() >= 2) {
        absl::StrAppend(&svg, "<polyline class=\"line ", s.cls,
                        "\" fill=\"none\" stroke=\"", s.color,
                        "\" stroke-width=\"2.4\" stroke-linejoin=\"round\"",
                        s.dashed ? " stroke-dasharray=\"7 4\"" : "",
                        " points=\"", absl::StrJoin(run, " "), "\"/>\n");
      }
      run.clear();
    };
    for (size_t i = 0; i < s.points.size(); ++i) {
      run.push_back(absl::StrCat(Px(X(s.points[i].first)), ",",
                                 Px(y_of(s.points[i].second))));
      if (s.breaks_after[i]) flush();
    }
    flush();
  }
  for (const Series& s : series) {
    const bool all_markers =
        static_cast<int>(s.points.size()) <= options.max_markers;
    for (size_t i = 0; i < s.points.size(); ++i) {
      // A point with no line to either neighbour still needs its marker.
      bool alone = (i == 0 || s.breaks_after[i - 1]) && s.breaks_after[i];
      alone |= s.points.size() == 1;
      if (!all_markers && !alone) continue;
      auto [epoch, v] = s.points[i];
      double y = s.cls == "loss" ? YLoss(v) : YMetric(v);
      absl::StrAppend(
          &svg, MarkerSvg(s, X(epoch), y,
                          absl::StrCat("epoch ", epoch, ": ", s.label, " ",
                                       FormatValue(v))));
    }
  }
  absl::StrAppend(&svg, "</g>\n");

  // Skipped losses: a red cross on the epoch axis and a note below.
  std::vector<std::string> notes;
  if (!nonfinite.empty()) {
    notes.push_back(
        absl::StrCat("non-finite loss at epoch ", EpochList(nonfinite)));
  }
  if (!nonpositive.empty()) {
    notes.push_back(absl::StrCat("loss \xe2\x89\xa4 0 (log scale) at epoch ",
                                 EpochList(nonpositive)));
  }
  for (const EpochRecord& r : records) {
    if (loss_ok(r.loss)) continue;
    const double x = X(r.epoch), y = lay.bottom - 9;
    absl::StrAppend(&svg, "<path class=\"skipped\" d=\"M", Px(x - 4), " ",
                    Px(y - 4), " L", Px(x + 4), " ", Px(y + 4), " M", Px(x - 4),
                    " ", Px(y + 4), " L", Px(x + 4), " ", Px(y - 4),
                    "\" stroke=\"", kNoteColor,
                    "\" stroke-width=\"2\"><title>epoch ", r.epoch, ": loss ",
                    FormatValue(r.loss), " (not plotted)</title></path>\n");
  }
  if (!notes.empty()) {
    absl::StrAppend(&svg, "<text class=\"note\" x=\"", Px(lay.left), "\" y=\"",
                    Px(h - 10), "\" font-size=\"12\" fill=\"", kNoteColor,
                    "\">Not plotted: ", XmlEscape(absl::StrJoin(notes, "; ")),
                    "</text>\n");
  }
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

namespace {
// Shortest text that reads back as the same double ("0.1", "nan", "-inf").
std::string RoundTrip(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, res.ptr);
}
}  // namespace

std::string RenderCsv(const std::vector<EpochRecord>& records) {
  std::string out = "epoch,loss,train_metric,eval_metric,seconds\n";
  for (const EpochRecord& r : records) {
    absl::StrAppend(&out, r.epoch, ",", RoundTrip(r.loss), ",",
                    r.train_metric ? RoundTrip(*r.train_metric) : "", ",",
                    r.eval_metric ? RoundTrip(*r.eval_metric) : "", ",",
                    RoundTrip(r.seconds), "\n");
  }
  return out;
}

}  // namespace graphflow::cli
