#include "distributed/distributed_session.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "distributed/allreduce_op.h"
#include "distributed/rewrite.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"

namespace graphflow::distributed {
namespace {

using StepState = DistributedSession::StepState;

uint64_t Fnv(uint64_t hash, const void* data, size_t bytes) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < bytes; ++i) hash = (hash ^ p[i]) * 0x100000001b3ull;
  return hash;
}

template <typename T>
absl::Status Average(KernelContext& ctx, StepState& state) {
  // One buffer for all gradients plus this rank's weight: a single
  // collective per step however many layers there are.
  int64_t total = 0;
  for (int i = 0; i < ctx.num_inputs(); ++i)
    total += ctx.input(i).num_elements();
  const int64_t rows = state.rows;
  // Sent in T: float gradients cost half the bytes of doubles, and a sum
  // over ranks of row-weighted values loses nothing that matters.
  std::vector<T> buffer(total + 1);
  int64_t at = 0;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    // An empty slice contributes nothing (its mean may be NaN).
    for (T v : ctx.input(i).flat<T>())
      buffer[at++] = rows > 0 ? v * static_cast<T>(rows) : T(0);
  }
  buffer[total] = static_cast<T>(rows);
  state.values = total;
  state.bytes = static_cast<int64_t>(buffer.size() * sizeof(T));
  RETURN_IF_ERROR(state.comm->Sum(
      absl::MakeSpan(buffer),
      absl::StrCat("node '", ctx.node().name(), "' (MpiAllreduce)")));
  const T weight = buffer[total];
  if (!(weight > 0)) {
    return ctx.Error(absl::StatusCode::kInvalidArgument,
                     "no rank trained on any row in this step");
  }
  at = 0;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(i, ctx.input(i).shape()));
    for (T& v : out->flat<T>()) v = buffer[at++] / weight;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<DistributedSession>> DistributedSession::Create(
    std::shared_ptr<const Graph> graph, MpiComm& comm,
    DistributedOptions options) {
  comm.set_timeout(options.timeout);
  RETURN_IF_ERROR(comm.CheckSame(GraphFingerprint(*graph), "the graph"));
  ASSIGN_OR_RETURN(std::unique_ptr<Graph> rewritten,
                   DistributeTrainingGraph(*graph));
  std::unique_ptr<DistributedSession> ds(new DistributedSession(comm));
  ds->state_->comm = &comm;
  ds->kernels_ = GlobalKernelRegistry();
  StepState* state = ds->state_.get();
  RETURN_IF_ERROR(ds->kernels_.Register(
      kAllreduceOp, [state](KernelContext& ctx) -> absl::Status {
        DataType dtype = DT_INVALID;
        RETURN_IF_ERROR(ctx.GetAttr("T", &dtype));
        if (dtype == DT_DOUBLE) return Average<double>(ctx, *state);
        return Average<float>(ctx, *state);
      }));
  options.session.kernels = &ds->kernels_;
  ASSIGN_OR_RETURN(
      ds->session_,
      Session::Create(std::shared_ptr<const Graph>(std::move(rewritten)),
                      options.session));
  return ds;
}

absl::Status DistributedSession::BroadcastVariables() {
  std::map<std::string, StoredVariable*> vars = session_->variables().All();
  // Same names, dtypes and shapes everywhere before any bytes move.
  std::vector<std::pair<StoredVariable*, Tensor>> values;
  uint64_t layout = 0xcbf29ce484222325ull;
  for (const auto& [name, var] : vars) {
    if (!var->initialized()) continue;
    ASSIGN_OR_RETURN(Tensor t, var->Read());
    if (t.dtype() == DT_STRING || t.dtype() == DT_RESOURCE) continue;
    const std::string key = absl::StrCat(name, ":", DataTypeString(t.dtype()),
                                         t.shape().DebugString(), ";");
    layout = Fnv(layout, key.data(), key.size());
    values.emplace_back(var, t.Clone());
  }
  RETURN_IF_ERROR(comm_.CheckSame(layout, "the initialized variables"));
  uint64_t checksum = 0xcbf29ce484222325ull;
  for (auto& [var, t] : values) {
    RETURN_IF_ERROR(comm_.Broadcast(
        t.raw_data(), t.total_bytes(),
        absl::StrCat("broadcast of variable '", var->name(), "'")));
    checksum = Fnv(checksum, t.raw_data(), t.total_bytes());
    var->Assign(std::move(t));
  }
  return comm_.CheckSame(checksum, "the broadcast variable values");
}

std::pair<int64_t, int64_t> DistributedSession::Shard(int64_t begin,
                                                      int64_t end) const {
  const int64_t n = end - begin;
  return {begin + n * rank() / size(), begin + n * (rank() + 1) / size()};
}

absl::StatusOr<std::vector<Tensor>> DistributedSession::RunStep(
    const NamedTensors& feeds, const std::vector<std::string>& fetches,
    const std::vector<std::string>& targets, int64_t rows) {
  SetStepRows(rows);
  return session_->Run(feeds, fetches, targets);
}

}  // namespace graphflow::distributed
