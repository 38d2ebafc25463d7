#include "distributed/mpi_comm.h"

#include <mpi.h>

#include <chrono>
#include <cstdlib>
#include <limits>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace graphflow::distributed {
namespace {

MpiComm* g_comm = nullptr;

// The tag of the "still alive?" messages exchanged after a timeout.
constexpr int kAliveTag = 7901;

double Now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Polls `done` until it is true or `seconds` pass; short sleeps after a
// burst of tests, so a waiting rank leaves the CPU to a computing one.
template <typename Done>
bool PollUntil(Done done, double seconds) {
  const double deadline = Now() + seconds;
  for (int spins = 0;; ++spins) {
    if (done()) return true;
    if (Now() > deadline) return false;
    if (spins > 200) {
      std::this_thread::sleep_for(
          std::chrono::microseconds(spins > 2000 ? 1000 : 20));
    }
  }
}

}  // namespace

bool LaunchedByMpi() {
  for (const char* var :
       {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"}) {
    if (std::getenv(var) != nullptr) return true;
  }
  return false;
}

absl::StatusOr<MpiComm*> MpiComm::Init(int* argc, char*** argv) {
  if (g_comm != nullptr) return g_comm;
  int provided = 0;
  if (MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided) !=
      MPI_SUCCESS) {
    return absl::UnavailableError("MPI_Init_thread failed");
  }
  if (provided < MPI_THREAD_SERIALIZED) {
    return absl::UnavailableError(
        "this MPI library does not support MPI_THREAD_SERIALIZED");
  }
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  g_comm = new MpiComm(rank, size);
  return g_comm;
}

void MpiComm::Finalize() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (g_comm != nullptr && !finalized) MPI_Finalize();
}

absl::Status MpiComm::MpiError(int code, absl::string_view what) const {
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  return absl::UnavailableError(absl::StrCat(
      "rank ", rank_, ": ", what, ": MPI error: ", std::string(text, length)));
}

std::string MpiComm::SilentRanks() {
  // Every rank that timed out sends to all others; a dead or hung rank
  // never does. Requests left pending are abandoned: the process exits.
  std::vector<MPI_Request> sends, recvs(size_, MPI_REQUEST_NULL);
  std::vector<char> in(size_), out(1, 1);
  for (int r = 0; r < size_; ++r) {
    if (r == rank_) continue;
    sends.emplace_back();
    MPI_Isend(out.data(), 1, MPI_CHAR, r, kAliveTag, MPI_COMM_WORLD,
              &sends.back());
    MPI_Irecv(&in[r], 1, MPI_CHAR, r, kAliveTag, MPI_COMM_WORLD, &recvs[r]);
  }
  std::vector<bool> answered(size_, false);
  answered[rank_] = true;
  PollUntil(
      [&] {
        bool all = true;
        for (int r = 0; r < size_; ++r) {
          int flag = 0;
          if (!answered[r] &&
              MPI_Test(&recvs[r], &flag, MPI_STATUS_IGNORE) == MPI_SUCCESS &&
              flag) {
            answered[r] = true;
          }
          all = all && answered[r];
        }
        return all;
      },
      std::min(5.0, absl::ToDoubleSeconds(timeout_)));
  std::vector<int> silent;
  for (int r = 0; r < size_; ++r) {
    if (!answered[r]) silent.push_back(r);
  }
  return absl::StrJoin(silent, ", ");
}

absl::Status MpiComm::Wait(void* request, absl::string_view what) {
  auto* req = static_cast<MPI_Request*>(request);
  const double start = Now();
  int code = MPI_SUCCESS;
  const bool done = PollUntil(
      [&] {
        int flag = 0;
        code = MPI_Test(req, &flag, MPI_STATUS_IGNORE);
        return code != MPI_SUCCESS || flag;
      },
      absl::ToDoubleSeconds(timeout_));
  seconds_ += Now() - start;
  ++calls_;
  if (code != MPI_SUCCESS) return MpiError(code, what);
  if (done) return absl::OkStatus();
  const std::string silent = SilentRanks();
  return absl::DeadlineExceededError(absl::StrCat(
      "rank ", rank_, ": ", what, " did not complete within ",
      absl::FormatDuration(timeout_), " (--mpi-timeout): ",
      silent.empty()
          ? "every rank answered afterwards"
          : absl::StrCat("rank ", silent, " did not respond (died or hung)")));
}

absl::Status MpiComm::Sum(absl::Span<double> values, absl::string_view what) {
  MPI_Datatype type = MPI_DOUBLE;
  return SumInPlace(values.data(), values.size(), &type, what);
}

absl::Status MpiComm::Sum(absl::Span<float> values, absl::string_view what) {
  MPI_Datatype type = MPI_FLOAT;
  return SumInPlace(values.data(), values.size(), &type, what);
}

absl::Status MpiComm::SumInPlace(void* data, int64_t count, void* type,
                                 absl::string_view what) {
  if (count > std::numeric_limits<int>::max()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": ", count, " values exceed one MPI call's limit"));
  }
  MPI_Request request;
  int code = MPI_Iallreduce(MPI_IN_PLACE, data, static_cast<int>(count),
                            *static_cast<MPI_Datatype*>(type), MPI_SUM,
                            MPI_COMM_WORLD, &request);
  if (code != MPI_SUCCESS) return MpiError(code, what);
  return Wait(&request, what);
}

absl::Status MpiComm::Broadcast(void* data, int64_t bytes,
                                absl::string_view what) {
  // MPI counts are int: large buffers go in chunks.
  constexpr int64_t kChunk = int64_t{1} << 30;
  for (int64_t offset = 0; offset < bytes; offset += kChunk) {
    const int count = static_cast<int>(std::min(kChunk, bytes - offset));
    MPI_Request request;
    int code = MPI_Ibcast(static_cast<char*>(data) + offset, count, MPI_BYTE, 0,
                          MPI_COMM_WORLD, &request);
    if (code != MPI_SUCCESS) return MpiError(code, what);
    if (absl::Status s = Wait(&request, what); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status MpiComm::CheckSame(uint64_t value, absl::string_view what) {
  std::vector<uint64_t> all(size_);
  MPI_Request request;
  int code = MPI_Iallgather(&value, 1, MPI_UINT64_T, all.data(), 1,
                            MPI_UINT64_T, MPI_COMM_WORLD, &request);
  if (code != MPI_SUCCESS) return MpiError(code, what);
  if (absl::Status s = Wait(&request, what); !s.ok()) return s;
  std::vector<int> differ;
  for (int r = 1; r < size_; ++r) {
    if (all[r] != all[0]) differ.push_back(r);
  }
  if (differ.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "rank ", rank_, ": ", what, " differs between ranks: rank",
      differ.size() > 1 ? "s " : " ", absl::StrJoin(differ, ", "),
      " differ from rank 0 (every rank must load the same graph)"));
}

}  // namespace graphflow::distributed
