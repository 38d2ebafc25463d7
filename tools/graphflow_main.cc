// graphflow: run, train, inspect, convert and draw TensorFlow-style graph
// files from the command line. `graphflow help [COMMAND]` documents each.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/file_io.h"
#include "google/protobuf/stubs/logging.h"
#include "graph/graph_def.h"
#include "graph/status.h"
#include "graphflow/version.h"
#include "proto/graph_io.h"
#include "tools/checkpoint_inspect.h"
#include "tools/freeze_command.h"
#include "tools/graph_dot.h"
#include "tools/graph_tools.h"
#include "tools/run_command.h"
#include "tools/saved_model_command.h"
#include "tools/train_command.h"
#ifdef GRAPHFLOW_WITH_MPI
#include "distributed/mpi_comm.h"
#include "distributed/train_distribution.h"
#endif

// Single-valued flags (Abseil flags, set by SplitArgs below). --init,
// --feed, --eval-feed, --fetch, --target and --output may repeat and are
// collected separately; a dash in a flag name is read as an underscore.
ABSL_FLAG(
    std::string, out, "",
    "run: directory for fetched .npy files; dot: .dot/.gv, .svg, .png or .pdf; "
    "freeze: the frozen graph file");
ABSL_FLAG(std::string, max_tensor_bytes, "4G",
          "run/train: largest tensor (and input file) allowed, e.g. 512M");
ABSL_FLAG(int, steps, 1, "run: how many times to run the main step");
ABSL_FLAG(bool, optimize, true, "run/train: fuse kernels (--no-optimize)");
ABSL_FLAG(int, threads, 0, "run/train: intra-op threads (0: one per core)");
ABSL_FLAG(std::string, restore, "",
          "run/train: checkpoint to load variables from");
ABSL_FLAG(std::string, save, "",
          "run/train: checkpoint to write variables to at the end");
ABSL_FLAG(int, save_every, 0, "train: also save every N epochs");
ABSL_FLAG(std::string, save_format, "graphflow",
          "run/train: --save as graphflow, tf (a TF V2 checkpoint prefix) or "
          "savedmodel (a SavedModel directory)");
ABSL_FLAG(std::string, tag, "serve",
          "SavedModel: the meta graph's tags, comma-separated");
ABSL_FLAG(std::string, signature, "",
          "SavedModel: --feed/--fetch name this signature's keys");
ABSL_FLAG(std::string, scale, "",
          "multiply integer data fed to float placeholders (e.g. 1/255)");
ABSL_FLAG(
    bool, one_hot, false,
    "feed class-id vectors to [-1, K] float placeholders as one-hot rows");
ABSL_FLAG(std::string, train_op, "",
          "train: the op that runs one training step");
ABSL_FLAG(std::string, loss, "", "train: the loss tensor");
ABSL_FLAG(std::string, metric, "",
          "train: a metric tensor averaged per epoch (e.g. accuracy)");
ABSL_FLAG(int64_t, batch, 32, "train: minibatch size");
ABSL_FLAG(int, epochs, 1, "train: number of epochs");
ABSL_FLAG(uint64_t, shuffle_seed, 0, "train: seed of the per-epoch shuffle");
ABSL_FLAG(std::string, log, "", "train: write the per-epoch curve as CSV");
ABSL_FLAG(std::string, plot, "",
          "train: draw loss and metrics per epoch as SVG");
ABSL_FLAG(std::string, summaries, "",
          "train: write TensorBoard event files into this directory");
ABSL_FLAG(std::string, summary, "",
          "train: the summary tensor to log (default: the MergeSummary)");
ABSL_FLAG(int64_t, summary_every, 0,
          "train: log summaries every N steps (default: once per epoch)");
ABSL_FLAG(double, mpi_timeout, 60,
          "train under mpirun: seconds one collective may wait for the "
          "other ranks before failing");
ABSL_FLAG(std::string, on_nan, "stop",
          "train: on a NaN/Inf loss, stop with an error or only warn");
ABSL_FLAG(bool, collapse_gradients, false,
          "dot: one box for the gradient subgraph");

namespace graphflow::cli {
namespace {

const std::set<std::string> kRepeated = {"init",  "feed",   "eval_feed",
                                         "fetch", "target", "output"};

struct Args {
  std::string command;
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> repeated;
  bool help = false;     // --help anywhere.
  bool version = false;  // --version anywhere.
};

const char* const kUsage = R"(usage: graphflow COMMAND [ARGS]

commands:
  run GRAPH      run fetches and targets of a graph file
  train GRAPH    train a graph on dataset files (.npy or IDX)
  inspect GRAPH  summarize a graph: ops, placeholders, variables, likely ops
  convert IN OUT convert between .pbtxt, .pb and .meta (graph only)
  freeze GRAPH   graph + checkpoint -> one GraphDef with the variables as Consts
  dot GRAPH      draw a graph with Graphviz (--out FILE.dot|.svg|.png|.pdf)
  help [COMMAND] show help

--version prints graphflow's version.

Graph files are TensorFlow GraphDefs (binary .pb, text .pbtxt) or
MetaGraphDefs (.meta), detected by content; run, train and inspect also take
a SavedModel directory (saved_model.pb or .pbtxt + variables/).
)";

const std::map<std::string, std::string> kHelp = {
    {"run", R"(usage: graphflow run GRAPH [--init NODE]... [--feed NAME=FILE]...
                     [--fetch NODE[:INDEX]]... [--target NODE]... [--out DIR]
                     [--steps N] [--restore CKPT] [--save CKPT]
                     [--save-format graphflow|tf|savedmodel] [--scale S]
                     [--one-hot] [--max-tensor-bytes N]
                     [--tag TAGS] [--signature NAME] [--no-optimize]
                     [--threads N]

One session: every --init node runs first as its own step (all feeds
available), then the fetches and targets run --steps times (default 1).
Each fetch is printed, or with --out written to DIR/<fetch>.npy with '/' and
':' replaced by '_'. A fetch without :INDEX is output 0. FILE is .npy or IDX
(.idx, *-ubyte, .gz). Integer data is fed to float placeholders only with
--scale (e.g. 1/255); class ids to [-1,K] float placeholders only with
--one-hot; integers widen losslessly (uint8 labels to an int64 placeholder).
Feeds a step does not need are accepted. CKPT for --restore is a graphflow
checkpoint or a TensorFlow one (prefix model.ckpt, its .index, or a directory
with a `checkpoint` file), told apart by content; --save-format tf writes a
TensorFlow V2 checkpoint at prefix CKPT, --save-format savedmodel a SavedModel
directory CKPT. GRAPH may be a SavedModel directory: the meta graph tagged
--tag (default serve; comma-separated) is loaded, its variables restored and
its main/legacy init op run; with --signature NAME, --feed KEY=FILE and
--fetch KEY name that signature's input and output keys (node names still
work) and --out writes DIR/KEY.npy. --max-tensor-bytes (bytes, or with
a K/M/G suffix; default 4G) bounds every tensor a kernel allocates, every
converted feed and every input file; past it is an error naming the node or
file. --no-optimize: no kernel fusion (docs/ARCHITECTURE.md). --threads N:
N intra-op threads (default: one per core, or GRAPHFLOW_NUM_THREADS).
)"},
    {"train",
     R"(usage: graphflow train GRAPH --train-op NODE --loss NODE [--metric NODE]
                       --feed NAME=FILE... [--eval-feed NAME=FILE...]
                       --batch N --epochs N [--shuffle-seed S] [--init NODE]...
                       [--save CKPT] [--save-every N] [--restore CKPT]
                       [--log FILE.csv] [--plot FILE.svg] [--scale S] [--one-hot]
                       [--on-nan stop|warn] [--tag TAGS] [--no-optimize]
                       [--threads N] [--save-format graphflow|tf|savedmodel]
                       [--summaries DIR [--summary NODE] [--summary-every N]]
                       [--max-tensor-bytes N] [--mpi-timeout SECONDS]

The --feed files form the training set and are sliced along axis 0 into
minibatches (every feed must have the same length; the last partial batch is
kept), shuffled each epoch with --shuffle-seed. Each step runs --train-op and
fetches --loss (and --metric). A progress bar shows epoch, step, running
loss, examples/s and time left; each epoch ends with a line of its loss, the
metric on the training set (running average) and on the --eval-feed set.
Without --init and --restore every variable is initialized by its own
Assign, as tf.global_variables_initializer() would. Output paths (--save,
--log, --plot) are checked before training; the checkpoint is written before
the reports. A NaN or Inf loss stops training with an error naming the epoch,
the batch and the feed rows, without saving (--on-nan=warn: warn and go on).
--max-tensor-bytes, --no-optimize and --threads work as for run.
GRAPH may be a SavedModel directory (--tag as for run): training starts from
its restored variables; --save-format savedmodel writes --save as a
SavedModel directory with the source's signatures (or serving_default from
the --feed placeholders to --loss and --metric). A graph fed by an input
queue or iterator (Estimator style) trains by feeding the dequeue's outputs,
e.g. --feed batch:0=X.npy --feed batch:1=Y.npy: fed, the queue never runs.

--summaries DIR writes a TensorBoard event file,
DIR/events.out.tfevents.<seconds>.<host> (DIR and its parents are created if
needed; checked before training): the graph, then after each epoch (or
every --summary-every N steps) the summary tensor fetched with that training
step plus a scalar "loss" (the epoch's running mean loss) at the global
step. The summary tensor is --summary NODE, or by default the graph's single
MergeSummary (without one, its single Scalar/Histogram/ImageSummary; none:
only "loss"); several candidates are an error listing them.

Under mpirun (builds with MPI), `mpirun -np N graphflow train ...` trains
data-parallel: --batch is the global batch, each rank takes its slice of
every batch, gradients are averaged over the ranks before the optimizer
applies them, rank 0's initial (or --restore'd) variables are broadcast, and
only rank 0 prints and writes files. A collective waiting longer than
--mpi-timeout SECONDS (default 60) fails naming the ranks that did not answer.
)"},
    {"inspect", R"(usage: graphflow inspect GRAPH
       graphflow inspect CHECKPOINT
       graphflow inspect SAVED_MODEL_DIR

SAVED_MODEL_DIR: each meta graph's tag set and its signatures, with every
input and output key's dtype, shape and tensor name, like TF's
`saved_model_cli show --all`.

CHECKPOINT (a TensorFlow prefix such as model.ckpt, or a directory holding a
`checkpoint` file): lists its tensors, "name (DT_FLOAT) [784,256]", sorted by
name, like TF's inspect_checkpoint.

For a GRAPH, prints the node count, op histogram, placeholders (dtype,
shape), variables (shape, trainable), likely init / train / loss nodes, the
ops graphflow does not implement (loaded, but a run that needs them fails)
and any other ops it cannot run, with the nodes that use them.
)"},
    {"convert", R"(usage: graphflow convert IN OUT

Reads any graph file and writes OUT as text (.pbtxt, .txt) or binary
(anything else). A .meta file yields its graph.
)"},
    {"freeze",
     R"(usage: graphflow freeze GRAPH --restore CKPT --output NODE [--output NODE]...
                        --out FILE.pb

Like TensorFlow's freeze_graph.py: keeps only the nodes the --output nodes
need (through data and control inputs, in the file's order), turns every
variable among them into a Const holding its value from CKPT (a graphflow or
TensorFlow checkpoint, as for run --restore), clears device placements, and
writes OUT (.pbtxt as text, else binary) atomically once the result imports.
A variable missing from CKPT, or with another dtype or shape, is an error.
)"},
    {"dot",
     R"(usage: graphflow dot GRAPH [--out FILE.dot|.gv|.svg|.png|.pdf]
                     [--collapse-gradients]

Writes a Graphviz drawing: name scopes as clusters, the gradient and
optimizer nodes faded (or one box with --collapse-gradients). The extension
of --out chooses the format: .dot/.gv DOT text; .svg, .png and .pdf are
rendered by Graphviz's `dot` program (apt-get install graphviz), an error
without it. Other extensions are refused. Without --out, prints DOT text.
)"},
    {"help", "usage: graphflow help [COMMAND]\n"},
};

// Flags set by SplitArgs (every ABSL_FLAG above); the bool ones take no
// value ("--one-hot", "--one-hot=false", "--no-one-hot").
const std::set<std::string> kValueFlags = {
    "out",        "steps",     "restore",       "save",
    "save_every", "scale",     "train_op",      "loss",
    "metric",     "batch",     "epochs",        "shuffle_seed",
    "log",        "plot",      "on_nan",        "save_format",
    "summaries",  "summary",   "summary_every", "max_tensor_bytes",
    "tag",        "signature", "mpi_timeout",   "threads"};
// Flags naming a file or directory: an empty value is an error, not "unset".
const std::set<std::string> kPathFlags = {"out", "restore", "save",
                                          "log", "plot",    "summaries"};
const std::set<std::string> kBoolFlags = {"one_hot", "collapse_gradients",
                                          "optimize"};

// Sets one Abseil flag from text; a bad value is InvalidArgument naming
// the flag as the user spelled it.
absl::Status SetFlag(const std::string& name, const std::string& value,
                     absl::string_view spelled) {
  absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
  std::string error;
  if (flag == nullptr) {
    return absl::InternalError(absl::StrCat("flag --", name, " not defined"));
  }
  if (!flag->ParseFrom(value, &error)) {
    const char* want = flag->IsOfType<bool>() ? " (expected true or false)"
                       : flag->IsOfType<int>() || flag->IsOfType<int64_t>() ||
                               flag->IsOfType<uint64_t>()
                           ? " (expected an integer)"
                           : "";
    return absl::InvalidArgumentError(
        absl::StrCat(spelled, " '", value, "': not a valid value", want));
  }
  return absl::OkStatus();
}

// Splits argv into the command, positional arguments and repeated flags,
// and sets the single-valued flags. A flag's value is "--name=value" or the
// next argument; a dash in a flag name is read as an underscore. Unknown
// flags and bad values are InvalidArgument (one line, no Abseil exit).
absl::StatusOr<Args> SplitArgs(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (!absl::StartsWith(a, "--") || a == "--") {
      if (args.command.empty()) {
        args.command = a;
      } else {
        args.positional.push_back(a);
      }
      continue;
    }
    std::string name = a.substr(2), value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const std::string spelled = absl::StrCat("--", name);
    for (char& c : name) {
      if (c == '-') c = '_';
    }
    if (name == "help") {
      args.help = true;
      continue;
    }
    if (name == "version") {
      args.version = true;
      continue;
    }
    if (kBoolFlags.contains(name)) {
      RETURN_IF_ERROR(SetFlag(name, has_value ? value : "true", spelled));
      continue;
    }
    // --no-one-hot, or Abseil's --noone_hot.
    if (std::string negated = absl::StartsWith(name, "no_")  ? name.substr(3)
                              : absl::StartsWith(name, "no") ? name.substr(2)
                                                             : "";
        kBoolFlags.contains(negated) && !has_value) {
      RETURN_IF_ERROR(SetFlag(negated, "false", spelled));
      continue;
    }
    bool repeated = kRepeated.contains(name);
    if (!repeated && !kValueFlags.contains(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag '", a, "' (see graphflow help",
                       args.command.empty() ? "" : " ", args.command, ")"));
    }
    if (!has_value) {
      if (i + 1 >= argc) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " needs a value"));
      }
      value = argv[++i];
    }
    if (value.empty() && kPathFlags.contains(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat(spelled, " needs a non-empty path"));
    }
    if (repeated) {
      args.repeated[name].push_back(value);
    } else {
      RETURN_IF_ERROR(SetFlag(name, value, spelled));
    }
  }
  return args;
}

absl::StatusOr<FeedConversion> Conversion() {
  FeedConversion c;
  c.one_hot = absl::GetFlag(FLAGS_one_hot);
  ASSIGN_OR_RETURN(
      c.max_tensor_bytes,
      ParseByteSize(absl::GetFlag(FLAGS_max_tensor_bytes), "max-tensor-bytes"));
  if (!absl::GetFlag(FLAGS_scale).empty()) {
    ASSIGN_OR_RETURN(c.scale, ParseScale(absl::GetFlag(FLAGS_scale)));
  }
  return c;
}

// --save-format: "savedmodel" sets *saved_model (and leaves kGraphflow).
absl::StatusOr<CheckpointFormat> SaveFormat(bool* saved_model) {
  const std::string name = absl::GetFlag(FLAGS_save_format);
  *saved_model = name == kSavedModelFormatName;
  if (*saved_model) return CheckpointFormat::kGraphflow;
  return ParseCheckpointFormat(name);
}

absl::Status NeedGraphs(const Args& args, size_t n) {
  if (args.positional.size() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat(args.command, " takes ", n, " file argument",
                     n == 1 ? "" : "s", ", got ", args.positional.size(),
                     " (see graphflow help ", args.command, ")"));
  }
  return absl::OkStatus();
}

std::vector<std::string> Get(const Args& args, const std::string& name) {
  auto it = args.repeated.find(name);
  return it == args.repeated.end() ? std::vector<std::string>{} : it->second;
}

absl::Status Run(const Args& args) {
  const std::string& cmd = args.command;
  if (cmd == "run") {
    RETURN_IF_ERROR(NeedGraphs(args, 1));
    RunOptions o;
    o.graph = args.positional[0];
    o.inits = Get(args, "init");
    o.fetches = Get(args, "fetch");
    o.targets = Get(args, "target");
    ASSIGN_OR_RETURN(o.feeds, ParseFeedFlags(Get(args, "feed"), "feed"));
    ASSIGN_OR_RETURN(o.conversion, Conversion());
    o.out_dir = absl::GetFlag(FLAGS_out);
    o.steps = absl::GetFlag(FLAGS_steps);
    o.restore = absl::GetFlag(FLAGS_restore);
    o.save = absl::GetFlag(FLAGS_save);
    ASSIGN_OR_RETURN(o.save_format, SaveFormat(&o.save_saved_model));
    o.tags = absl::GetFlag(FLAGS_tag);
    o.signature = absl::GetFlag(FLAGS_signature);
    o.optimize = absl::GetFlag(FLAGS_optimize);
    o.threads = absl::GetFlag(FLAGS_threads);
    return RunCommand(o, stdout);
  }
  if (cmd == "train") {
    RETURN_IF_ERROR(NeedGraphs(args, 1));
    TrainOptions o;
    o.graph = args.positional[0];
    o.inits = Get(args, "init");
    ASSIGN_OR_RETURN(o.feeds, ParseFeedFlags(Get(args, "feed"), "feed"));
    ASSIGN_OR_RETURN(o.eval_feeds,
                     ParseFeedFlags(Get(args, "eval_feed"), "eval-feed"));
    ASSIGN_OR_RETURN(o.conversion, Conversion());
    o.train_op = absl::GetFlag(FLAGS_train_op);
    o.loss = absl::GetFlag(FLAGS_loss);
    o.metric = absl::GetFlag(FLAGS_metric);
    o.batch = absl::GetFlag(FLAGS_batch);
    o.epochs = absl::GetFlag(FLAGS_epochs);
    o.shuffle_seed = absl::GetFlag(FLAGS_shuffle_seed);
    o.save = absl::GetFlag(FLAGS_save);
    ASSIGN_OR_RETURN(o.save_format, SaveFormat(&o.save_saved_model));
    o.tags = absl::GetFlag(FLAGS_tag);
    o.save_every = absl::GetFlag(FLAGS_save_every);
    o.optimize = absl::GetFlag(FLAGS_optimize);
    o.threads = absl::GetFlag(FLAGS_threads);
    o.restore = absl::GetFlag(FLAGS_restore);
    o.log_csv = absl::GetFlag(FLAGS_log);
    o.plot_svg = absl::GetFlag(FLAGS_plot);
    o.summaries_dir = absl::GetFlag(FLAGS_summaries);
    o.summary = absl::GetFlag(FLAGS_summary);
    o.summary_every = absl::GetFlag(FLAGS_summary_every);
    o.interactive = isatty(fileno(stdout));
    const std::string on_nan = absl::GetFlag(FLAGS_on_nan);
    if (on_nan != "stop" && on_nan != "warn") {
      return absl::InvalidArgumentError(
          absl::StrCat("--on-nan '", on_nan,
                       "': not a valid value (expected stop or warn)"));
    }
    o.stop_on_nan = on_nan == "stop";
#ifdef GRAPHFLOW_WITH_MPI
    // Under mpirun: data-parallel training (distributed/); on error the
    // process exits without MPI_Finalize and mpirun ends the job.
    std::unique_ptr<distributed::MpiTrainDistribution> mpi;
    if (distributed::LaunchedByMpi()) {
      const double timeout = absl::GetFlag(FLAGS_mpi_timeout);
      if (!(timeout > 0)) {
        return absl::InvalidArgumentError("--mpi-timeout must be positive");
      }
      ASSIGN_OR_RETURN(distributed::MpiComm * comm,
                       distributed::MpiComm::Init(nullptr, nullptr));
      mpi = std::make_unique<distributed::MpiTrainDistribution>(
          *comm, absl::Seconds(timeout));
      o.distribution = mpi.get();
    }
    RETURN_IF_ERROR(TrainCommand(o, stdout).status());
    if (mpi != nullptr) distributed::MpiComm::Finalize();
    return absl::OkStatus();
#else
    return TrainCommand(o, stdout).status();
#endif
  }
  if (cmd == "inspect") {
    RETURN_IF_ERROR(NeedGraphs(args, 1));
    if (IsSavedModelDirectory(args.positional[0])) {
      ASSIGN_OR_RETURN(std::string listing,
                       FormatSavedModelListing(args.positional[0]));
      std::fputs(listing.c_str(), stdout);
      return absl::OkStatus();
    }
    if (IsTfCheckpointPath(args.positional[0])) {
      ASSIGN_OR_RETURN(std::string listing,
                       FormatTfCheckpointListing(args.positional[0]));
      std::fputs(listing.c_str(), stdout);
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(auto graph, LoadGraphFile(args.positional[0]));
    std::fputs(
        FormatSummary(SummarizeGraph(*graph), args.positional[0]).c_str(),
        stdout);
    return absl::OkStatus();
  }
  if (cmd == "convert") {
    RETURN_IF_ERROR(NeedGraphs(args, 2));
    ASSIGN_OR_RETURN(tensorflow::GraphDef gd,
                     ReadGraphDefFile(args.positional[0]));
    // Validate before writing: a file graphflow cannot import is not copied.
    RETURN_IF_ERROR(LoadGraphFile(args.positional[0]).status());
    const std::string& out = args.positional[1];
    RETURN_IF_ERROR(WriteGraphDefFile(out, gd, GraphFormatForPath(out)));
    std::printf("wrote %s (%d nodes)\n", out.c_str(), gd.node_size());
    return absl::OkStatus();
  }
  if (cmd == "freeze") {
    RETURN_IF_ERROR(NeedGraphs(args, 1));
    FreezeCommandOptions o;
    o.graph = args.positional[0];
    o.restore = absl::GetFlag(FLAGS_restore);
    o.outputs = Get(args, "output");
    o.out = absl::GetFlag(FLAGS_out);
    ASSIGN_OR_RETURN(std::string done, FreezeCommand(o));
    std::fputs(done.c_str(), stdout);
    return absl::OkStatus();
  }
  if (cmd == "dot") {
    RETURN_IF_ERROR(NeedGraphs(args, 1));
    ASSIGN_OR_RETURN(auto graph, LoadGraphFile(args.positional[0]));
    DotOptions options;
    options.title = args.positional[0];
    options.collapse_gradients = absl::GetFlag(FLAGS_collapse_gradients);
    std::string dot = GraphToDot(*graph, options);
    std::string out = absl::GetFlag(FLAGS_out);
    if (out.empty()) {
      std::fputs(dot.c_str(), stdout);
    } else {
      ASSIGN_OR_RETURN(std::string format, DotOutputFormat(out));
      if (format == "dot") {
        RETURN_IF_ERROR(WriteFileAtomically(out, dot));
      } else if (!FindOnPath("dot").ok()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "--out ", out, ": rendering ", format,
            " needs Graphviz, and its 'dot' program is not on PATH "
            "(apt-get install graphviz; or write .dot text)"));
      } else {
        RETURN_IF_ERROR(RenderDot(dot, out, format));
      }
    }
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown command '", cmd, "' (see graphflow help)"));
}

// Every command's output goes through stdout; a write error there (a full
// disk, a closed pipe) must not be an exit 0 with the output lost. Checked
// once, after the command, for every command.
int FinishStdout(int code) {
  errno = 0;
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::fprintf(stderr,
                 "graphflow: error: error writing standard output: %s\n",
                 std::strerror(errno != 0 ? errno : EIO));
    return code != 0 ? code : 1;
  }
  return code;
}

int Main(int argc, char** argv) {
  auto args = SplitArgs(argc, argv);
  if (!args.ok()) {
    std::fprintf(stderr, "graphflow: error: %s\n",
                 std::string(args.status().message()).c_str());
    return 2;
  }
  if (args->version) {
    std::printf("graphflow %s\n", GRAPHFLOW_VERSION_STRING);
    return 0;
  }
  if (args->command.empty() || args->command == "help" || args->help) {
    std::string topic =
        args->command == "help"
            ? (args->positional.empty() ? "" : args->positional[0])
            : args->command;
    auto it = kHelp.find(topic);
    if (it == kHelp.end() && !topic.empty()) {
      std::string commands;
      for (const auto& [name, text] : kHelp) {
        absl::StrAppend(&commands, commands.empty() ? "" : ", ", name);
      }
      std::fprintf(stderr,
                   "graphflow: error: unknown help topic '%s' (commands: "
                   "%s)\n",
                   topic.c_str(), commands.c_str());
      return 2;
    }
    std::fputs(it == kHelp.end() ? kUsage : it->second.c_str(), stdout);
    return args->command.empty() && !args->help ? 2 : 0;
  }
  absl::Status status = Run(*args);
  if (!status.ok()) {
    std::fflush(stdout);
    std::fprintf(stderr, "graphflow: error: %s\n",
                 std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace graphflow::cli

int main(int argc, char** argv) {
  // Graph files are parsed by trial (GraphDef, then MetaGraphDef); failed
  // trials are reported as Status, so protobuf's own log lines are noise.
  google::protobuf::SetLogHandler(nullptr);
  return graphflow::cli::FinishStdout(graphflow::cli::Main(argc, argv));
}
