#include "tools/train_command.h"

#include <chrono>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "base/file_io.h"
#include "dataset/batching.h"
#include "graph/status.h"
#include "session/checkpoint.h"
#include "tools/graph_tools.h"
#include "tools/progress.h"
#include "tools/saved_model_command.h"
#include "tools/train_summaries.h"

namespace graphflow::cli {
namespace {

// Rows shared by every tensor of a dataset, or InvalidArgument naming two
// feeds that disagree.
absl::StatusOr<int64_t> DatasetLength(const NamedTensors& data,
                                      absl::string_view which) {
  int64_t n = -1;
  std::string first;
  for (const auto& [name, t] : data) {
    if (t.rank() == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          which, " feed '", name, "' is a scalar; datasets need a batch axis"));
    }
    if (n >= 0 && t.dim(0) != n) {
      return absl::InvalidArgumentError(
          absl::StrCat(which, " feeds have different lengths: '", first,
                       "' has ", n, " rows, '", name, "' has ", t.dim(0)));
    }
    if (n < 0) first = name;
    n = t.dim(0);
  }
  return n;
}

NamedTensors Batch(const NamedTensors& data, absl::Span<const int64_t> rows) {
  NamedTensors out;
  for (const auto& [name, t] : data)
    out.emplace_back(name, GatherRows(t, rows));
  return out;
}

// A fetched loss or metric as one number: the mean of its elements (a
// per-example loss vector counts like its mean).
double Scalar(const Tensor& t) {
  const int64_t n = t.num_elements();
  if (n == 0) return NAN;
  if (t.dtype() == DT_FLOAT) {
    double sum = 0;
    for (float v : t.flat<float>()) sum += v;
    return sum / n;
  }
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += t.ValueAsDouble(i);
  return sum / n;
}

// The metric averaged over a dataset, evaluated batch by batch; with
// several ranks each evaluates its contiguous part and the sums are added.
absl::StatusOr<double> Evaluate(Session& session, const NamedTensors& data,
                                int64_t n, int64_t batch,
                                const std::string& metric,
                                TrainDistribution* dist) {
  const int rank = dist ? dist->rank() : 0, size = dist ? dist->size() : 1;
  const int64_t lo = n * rank / size, hi = n * (rank + 1) / size;
  double sum = 0;
  for (int64_t begin = lo; begin < hi; begin += batch) {
    int64_t end = std::min(hi, begin + batch);
    NamedTensors feeds;
    for (const auto& [name, t] : data)
      feeds.emplace_back(name, SliceRows(t, begin, end));
    ASSIGN_OR_RETURN(std::vector<Tensor> out, session.Run(feeds, {metric}, {}));
    sum += Scalar(out[0]) * (end - begin);
  }
  if (dist != nullptr) {
    RETURN_IF_ERROR(dist->Sum(absl::MakeSpan(&sum, 1), "evaluation"));
  }
  return n > 0 ? sum / n : NAN;
}

// A SavedModel comes restored: only --restore and --init change it.
absl::Status Initialize(Session& session, const TrainOptions& options,
                        bool saved_model) {
  if (!options.restore.empty())
    return RestoreVariables(session, options.restore);
  std::vector<std::string> inits = options.inits;
  if (inits.empty() && !saved_model) {
    ASSIGN_OR_RETURN(inits, VariableInitializers(session.graph()));
  }
  if (inits.empty()) return absl::OkStatus();
  return session.Run(NamedTensors{}, {}, inits).status();
}

absl::Status WriteReports(const TrainOptions& options,
                          const std::vector<EpochRecord>& records) {
  if (!options.log_csv.empty()) {
    RETURN_IF_ERROR(WriteFileAtomically(options.log_csv, RenderCsv(records)));
  }
  if (!options.plot_svg.empty()) {
    ChartOptions chart;
    chart.title = options.graph;
    chart.metric_name = options.metric.empty() ? "metric" : options.metric;
    RETURN_IF_ERROR(WriteFileAtomically(options.plot_svg,
                                        RenderTrainingChart(records, chart)));
  }
  return absl::OkStatus();
}

// The rows of a batch whose float feeds hold NaN or Inf, as
// "x row 17, x row 40" (at most 5), or the batch's rows if none do.
std::string NonFiniteRows(const NamedTensors& data,
                          absl::Span<const int64_t> rows) {
  std::string found;
  int count = 0;
  for (const auto& [name, t] : data) {
    if (t.dtype() != DT_FLOAT || t.rank() == 0 || t.dim(0) == 0) continue;
    const int64_t width = t.num_elements() / t.dim(0);
    for (int64_t row : rows) {
      const float* v = t.data<float>() + row * width;
      bool bad = false;
      for (int64_t j = 0; j < width && !bad; ++j) bad = !std::isfinite(v[j]);
      if (bad && count++ < 5) {
        absl::StrAppend(&found, found.empty() ? "" : ", ", name, " row ", row);
      }
    }
  }
  if (count > 5) absl::StrAppend(&found, " and ", count - 5, " more");
  if (!found.empty()) return absl::StrCat("non-finite feed values at ", found);
  std::string list;
  for (size_t i = 0; i < rows.size() && i < 8; ++i) {
    absl::StrAppend(&list, i == 0 ? "" : ",", rows[i]);
  }
  return absl::StrCat("feed rows ", list, rows.size() > 8 ? ",..." : "",
                      " (the feeds are finite)");
}

}  // namespace

absl::StatusOr<std::vector<EpochRecord>> TrainCommand(
    const TrainOptions& options_in, FILE* out) {
  TrainDistribution* dist = options_in.distribution;
  // Only rank 0 restores, prints and writes; the others get its variables.
  TrainOptions options = options_in;
  std::unique_ptr<FILE, int (*)(FILE*)> null_out(nullptr, &std::fclose);
  if (dist != nullptr && dist->rank() != 0) {
    options.restore.clear();
    options.save.clear();
    options.save_every = 0;
    options.log_csv.clear();
    options.plot_svg.clear();
    options.summaries_dir.clear();
    options.summary.clear();
    options.summary_every = 0;
    options.interactive = false;
    null_out.reset(std::fopen("/dev/null", "w"));
    if (null_out == nullptr)
      return absl::InternalError("cannot open /dev/null");
    out = null_out.get();
  }
  if (options.train_op.empty() || options.loss.empty()) {
    return absl::InvalidArgumentError("train needs --train-op and --loss");
  }
  if (options.feeds.empty()) {
    return absl::InvalidArgumentError(
        "train needs at least one --feed NAME=FILE");
  }
  if (options.batch <= 0 || options.epochs < 0) {
    return absl::InvalidArgumentError(
        "--batch must be positive and --epochs not negative");
  }
  if (options.save_every < 0 ||
      (options.save_every > 0 && options.save.empty())) {
    return absl::InvalidArgumentError(
        "--save-every N needs --save CKPT and N >= 0");
  }
  if (options.summary_every < 0 ||
      ((options.summary_every > 0 || !options.summary.empty()) &&
       options.summaries_dir.empty())) {
    return absl::InvalidArgumentError(
        "--summary and --summary-every N need --summaries DIR and N >= 0");
  }
  // Every output is checked before training, so no report path can lose
  // the trained weights at the end.
  for (const auto& [flag, path] :
       {std::pair<const char*, const std::string&>{"--save", options.save},
        {"--log", options.log_csv},
        {"--plot", options.plot_svg}}) {
    if (!path.empty()) RETURN_IF_ERROR(CheckOutputPath(flag, path));
  }
  if (!options.summaries_dir.empty()) {
    RETURN_IF_ERROR(CheckSummaryDir(options.summaries_dir));
  }
  SessionOptions session_options;
  session_options.limits.max_tensor_bytes = options.conversion.max_tensor_bytes;
  session_options.optimize = options.optimize;
  session_options.threads = options.threads;
  ASSIGN_OR_RETURN(
      OpenedModel model,
      OpenGraphOrSavedModel(options.graph, options.tags, session_options));
  std::shared_ptr<const Graph> graph = model.graph;
  // The train op is a node (often a NoOp, without outputs); the loss and
  // metric are tensors.
  if (graph->FindNode(options.train_op) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(options.graph, ": --train-op: no node named '",
                     options.train_op, "' in the graph"));
  }
  for (const std::string& name : {options.loss, options.metric}) {
    if (!name.empty()) {
      auto e = graph->FindEndpoint(name);
      if (!e.ok())
        return absl::Status(
            e.status().code(),
            absl::StrCat(options.graph, ": ", e.status().message()));
    }
  }
  std::string summary_fetch;
  if (!options.summaries_dir.empty()) {
    ASSIGN_OR_RETURN(
        summary_fetch,
        ResolveSummaryTensor(*graph, options.summary, options.graph));
  }
  ASSIGN_OR_RETURN(NamedTensors train,
                   LoadFeeds(*graph, options.feeds, options.conversion));
  ASSIGN_OR_RETURN(NamedTensors eval,
                   LoadFeeds(*graph, options.eval_feeds, options.conversion));
  ASSIGN_OR_RETURN(int64_t n, DatasetLength(train, "training"));
  if (n == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the training set is empty ('", train[0].first, "' has 0 rows)"));
  }
  int64_t n_eval = 0;
  if (!eval.empty()) {
    ASSIGN_OR_RETURN(n_eval, DatasetLength(eval, "evaluation"));
  }
  Session* session = model.session.get();
  if (dist != nullptr) {
    if (model.saved_model) {
      return absl::UnimplementedError(
          "training a SavedModel on several MPI ranks is not supported; "
          "train its graph with --restore DIR/variables/variables");
    }
    ASSIGN_OR_RETURN(session, dist->CreateSession(graph, session_options));
  } else if (!model.saved_model) {
    ASSIGN_OR_RETURN(model.session, Session::Create(graph, session_options));
    session = model.session.get();
  }
  RETURN_IF_ERROR(Initialize(*session, options, model.saved_model));
  if (dist != nullptr) RETURN_IF_ERROR(dist->BroadcastVariables());
  auto save = [&]() -> absl::Status {
    if (!options.save_saved_model) {
      return SaveVariables(*session, options.save, options.save_format);
    }
    const std::vector<std::string> outputs = {options.loss, options.metric};
    ASSIGN_OR_RETURN(auto signatures,
                     SignaturesForSave(model, options.feeds, outputs));
    return SaveSessionAsSavedModel(*session, options.save, options.tags,
                                   signatures);
  };
  std::unique_ptr<SummaryLogger> summaries;
  if (!options.summaries_dir.empty()) {
    ASSIGN_OR_RETURN(summaries, SummaryLogger::Create(options.summaries_dir,
                                                      *graph, summary_fetch));
  }

  const int64_t steps = (n + options.batch - 1) / options.batch;
  ProgressOptions progress_options;
  progress_options.metric_name =
      options.metric.empty() ? "metric" : options.metric;
  ProgressReporter progress(out, options.interactive, steps, options.epochs,
                            progress_options);
  std::vector<std::string> fetches = {options.loss};
  if (!options.metric.empty()) fetches.push_back(options.metric);
  EpochShuffler shuffler(n, options.shuffle_seed);
  std::vector<EpochRecord> records;
  auto last_report = std::chrono::steady_clock::now();
  bool warned_nan = false;
  const auto train_start = std::chrono::steady_clock::now();
  absl::Status report_status, summary_status;
  int64_t global_step = 0;
  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    progress.StartEpoch(epoch);
    auto start = std::chrono::steady_clock::now();
    const std::vector<int64_t>& order = shuffler.NextEpoch();
    double loss_sum = 0, metric_sum = 0;
    int64_t seen = 0;
    for (int64_t step = 0; step < steps; ++step) {
      int64_t begin = step * options.batch,
              end = std::min(n, begin + options.batch);
      // Each rank trains on its slice, its gradients weighted by its rows.
      // A last batch with fewer rows than ranks is dropped on every rank.
      const int size = dist ? dist->size() : 1;
      if (end - begin < size) break;
      const int64_t lo = begin +
                         (end - begin) * (dist ? dist->rank() : 0) / size,
                    hi = begin +
                         (end - begin) * ((dist ? dist->rank() : 0) + 1) / size;
      absl::Span<const int64_t> rows(order.data() + lo, hi - lo);
      if (dist != nullptr) dist->SetStepRows(hi - lo);
      ++global_step;
      // Summaries are fetched with the training step that reports them.
      const bool summary_now =
          summaries && summary_status.ok() &&
          (options.summary_every > 0 ? global_step % options.summary_every == 0
                                     : step + 1 == steps);
      std::vector<std::string> step_fetches = fetches;
      if (summary_now && !summaries->fetch().empty()) {
        step_fetches.push_back(summaries->fetch());
      }
      ASSIGN_OR_RETURN(
          std::vector<Tensor> result,
          session->Run(Batch(train, rows), step_fetches, {options.train_op}));
      // Loss and metric averaged over the ranks, weighted by their rows.
      double sums[3] = {
          Scalar(result[0]) * (hi - lo),
          options.metric.empty() ? 0 : Scalar(result[1]) * (hi - lo),
          static_cast<double>(hi - lo)};
      if (dist != nullptr) {
        RETURN_IF_ERROR(dist->Sum(absl::MakeSpan(sums), "loss averaging"));
      }
      const double loss = sums[0] / sums[2];
      if (!std::isfinite(loss) && !warned_nan) {
        std::string where =
            absl::StrCat("loss '", options.loss, "' is ", loss, " at epoch ",
                         epoch, ", batch ", step + 1, " of ", steps, " (",
                         NonFiniteRows(train, rows), ")");
        if (options.stop_on_nan) {
          return absl::InvalidArgumentError(
              absl::StrCat(where, "; training stopped",
                           options.save.empty() ? "" : ", checkpoint not saved",
                           " (--on-nan=warn to continue)"));
        }
        std::fflush(out);
        std::fprintf(stderr,
                     "graphflow: warning: %s; continuing (--on-nan=warn)\n",
                     where.c_str());
        warned_nan = true;
      }
      loss_sum += sums[0];
      metric_sum += sums[1];
      seen += static_cast<int64_t>(sums[2]);
      if (summary_now) {
        // A write failure is reported at the end, after the checkpoint.
        summary_status = summaries->Write(
            global_step, summaries->fetch().empty() ? nullptr : &result.back(),
            loss_sum / seen);
      }
      progress.Step(epoch, step + 1, loss_sum / seen, seen);
    }
    EpochRecord record;
    record.epoch = epoch;
    record.loss = loss_sum / std::max<int64_t>(seen, 1);
    if (!options.metric.empty()) {
      record.train_metric = metric_sum / std::max<int64_t>(seen, 1);
      if (n_eval > 0) {
        ASSIGN_OR_RETURN(record.eval_metric,
                         Evaluate(*session, eval, n_eval, options.batch,
                                  options.metric, dist));
      }
    }
    record.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    records.push_back(record);
    progress.EndEpoch(record);
    const bool save_now = !options.save.empty() && options.save_every > 0 &&
                          epoch % options.save_every == 0;
    if (save_now) {
      RETURN_IF_ERROR(save());
      progress.Note(absl::StrCat("saved checkpoint ", options.save));
    }
    // The log and chart are rewritten (atomically, with an fsync) at most
    // once a second and with checkpoints, so many short epochs are not
    // slowed down by disk flushes; a failure here is reported at the end,
    // after the final checkpoint, which a report never prevents.
    auto now = std::chrono::steady_clock::now();
    if (epoch < options.epochs &&
        (save_now || now - last_report >= std::chrono::seconds(1))) {
      report_status = WriteReports(options, records);
      last_report = now;
    }
  }
  if (options.epochs == 0 && !options.metric.empty() && n_eval > 0) {
    ASSIGN_OR_RETURN(double m, Evaluate(*session, eval, n_eval, options.batch,
                                        options.metric, dist));
    std::fprintf(out, "eval %s %.4f\n", options.metric.c_str(), m);
  }
  if (!options.save.empty()) {
    RETURN_IF_ERROR(save());
    std::fprintf(out, "saved checkpoint %s\n", options.save.c_str());
  }
  if (dist != nullptr) {
    const double seconds = std::chrono::duration<double>(
                               std::chrono::steady_clock::now() - train_start)
                               .count();
    std::fprintf(out, "%s\n", dist->Report(seconds).c_str());
  }
  if (options.epochs > 0) report_status = WriteReports(options, records);
  RETURN_IF_ERROR(report_status);
  RETURN_IF_ERROR(summary_status);
  return records;
}

}  // namespace graphflow::cli
