// Kernels of ops/io_ops.cc: TF's Saver subgraph (SaveV2, RestoreV2 and the
// sharded save's ShardedFilename, StringJoin, MergeV2Checkpoints), reading
// and writing TensorFlow V2 checkpoints through tensor_bundle/.
#include <algorithm>
#include <filesystem>
#include <numeric>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
#include "tensor_bundle/bundle_merge.h"
#include "tensor_bundle/bundle_reader.h"
#include "tensor_bundle/bundle_writer.h"

namespace graphflow {
namespace {

bool IsVector(const Tensor& t) { return t.rank() == 1; }

// TF's ValidateInputs (save_restore_v2_ops.cc), shared by SaveV2/RestoreV2.
absl::Status ValidateSaveRestoreInputs(KernelContext& ctx, bool is_save) {
  const Tensor& prefix = ctx.input(0);
  const Tensor& names = ctx.input(1);
  const Tensor& slices = ctx.input(2);
  if (prefix.num_elements() != 1) {
    return ctx.InvalidArgument(
        absl::StrCat("Input prefix should have a single element, got ",
                     prefix.num_elements(), " instead."));
  }
  if (!IsVector(names) || !IsVector(slices)) {
    return ctx.InvalidArgument(absl::StrCat(
        "Input tensor_names and shape_and_slices should be an 1-D tensors, "
        "got ",
        names.shape().DebugString(), " and ", slices.shape().DebugString(),
        " instead."));
  }
  if (names.num_elements() != slices.num_elements()) {
    return ctx.InvalidArgument(absl::StrCat(
        "tensor_names and shape_and_slices have different number of "
        "elements: ",
        names.num_elements(), " vs. ", slices.num_elements()));
  }
  if (is_save && ctx.num_inputs() - 3 != names.num_elements()) {
    return ctx.InvalidArgument(absl::StrCat("Got ", names.num_elements(),
                                            " tensor names but ",
                                            ctx.num_inputs() - 3, " tensors."));
  }
  return absl::OkStatus();
}

// graphflow saves and restores whole tensors only.
absl::Status CheckNoSlice(KernelContext& ctx, absl::string_view name,
                          absl::string_view slice) {
  if (slice.empty()) return absl::OkStatus();
  return ctx.Error(
      absl::StatusCode::kUnimplemented,
      absl::StrCat("tensor '", name, "' has shape_and_slice '", slice,
                   "'; partitioned (sliced) tensors are not "
                   "supported, only whole tensors (\"\")"));
}

// A bundle error gets the node's name in front, keeping its code.
absl::Status NodeError(KernelContext& ctx, const absl::Status& status) {
  return ctx.Error(status.code(), status.message());
}

absl::Status SaveV2Kernel(KernelContext& ctx) {
  RETURN_IF_ERROR(ValidateSaveRestoreInputs(ctx, /*is_save=*/true));
  const std::string& prefix = ctx.input(0).data<std::string>()[0];
  const std::string* names = ctx.input(1).data<std::string>();
  const std::string* slices = ctx.input(2).data<std::string>();
  BundleWriter writer(prefix);
  for (int i = 0; i < ctx.num_inputs() - 3; ++i) {
    RETURN_IF_ERROR(CheckNoSlice(ctx, names[i], slices[i]));
    absl::Status added = writer.Add(names[i], ctx.input(3 + i));
    if (!added.ok()) return NodeError(ctx, added);
  }
  absl::Status finished = writer.Finish();  // Data, then index, atomically.
  return finished.ok() ? finished : NodeError(ctx, finished);
}

absl::Status RestoreV2Kernel(KernelContext& ctx) {
  DataTypeVector dtypes;
  RETURN_IF_ERROR(ctx.GetAttr("dtypes", &dtypes));
  const Tensor& names_tensor = ctx.input(1);
  if (names_tensor.num_elements() != static_cast<int64_t>(dtypes.size())) {
    return ctx.InvalidArgument(
        absl::StrCat("Got ", names_tensor.num_elements(), " tensor names, but ",
                     dtypes.size(), " expected dtypes."));
  }
  RETURN_IF_ERROR(ValidateSaveRestoreInputs(ctx, /*is_save=*/false));
  const std::string& prefix = ctx.input(0).data<std::string>()[0];
  const std::string* names = names_tensor.data<std::string>();
  const std::string* slices = ctx.input(2).data<std::string>();
  auto reader = BundleReader::Open(prefix);
  if (!reader.ok()) return NodeError(ctx, reader.status());

  // As TF: look the names up in sorted order, report every dtype mismatch
  // at once, then read.
  std::vector<size_t> order(dtypes.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return names[a] < names[b]; });
  std::vector<std::string> mismatches;
  for (size_t i : order) {
    const tensorflow::BundleEntryProto* entry = reader->FindEntry(names[i]);
    if (entry == nullptr) {
      return ctx.Error(
          absl::StatusCode::kNotFound,
          absl::StrCat("Key ", names[i], " not found in checkpoint ", prefix));
    }
    const auto stored = static_cast<DataType>(entry->dtype());
    if (stored != dtypes[i]) {
      mismatches.push_back(absl::StrCat(
          "tensor_name = ", names[i], "; expected dtype ",
          DataTypeString(dtypes[i]), " does not equal original dtype ",
          DataTypeString(stored)));
    }
  }
  if (!mismatches.empty()) {
    return ctx.InvalidArgument(absl::StrJoin(mismatches, "\n"));
  }
  for (size_t i : order) {
    RETURN_IF_ERROR(CheckNoSlice(ctx, names[i], slices[i]));
    const tensorflow::BundleEntryProto* entry = reader->FindEntry(names[i]);
    std::vector<int64_t> dims;
    for (const auto& dim : entry->shape().dim()) dims.push_back(dim.size());
    auto shape = TensorShape::Make(dims);
    if (!shape.ok()) return NodeError(ctx, shape.status());
    // Checks the size limit before the reader allocates.
    RETURN_IF_ERROR(
        ctx.AllocateOutput(static_cast<int>(i), dtypes[i], *shape).status());
    auto value = reader->Read(names[i]);
    if (!value.ok()) return NodeError(ctx, value.status());
    ctx.SetOutput(static_cast<int>(i), *std::move(value));
  }
  return absl::OkStatus();
}

// TF's IsLegacyScalar: a scalar, or a 1-element vector.
bool IsLegacyScalar(const TensorShape& s) {
  return s.rank() == 0 || (s.rank() == 1 && s.dim(0) == 1);
}

absl::Status ShardedFilenameKernel(KernelContext& ctx) {
  static constexpr const char* kNames[] = {"basename", "shard", "num_shards"};
  for (int i = 0; i < 3; ++i) {
    if (!IsLegacyScalar(ctx.input(i).shape())) {
      return ctx.InvalidArgument(
          absl::StrCat(kNames[i], " must be a scalar, got shape ",
                       ctx.input(i).shape().DebugString()));
    }
  }
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, TensorShape{}));
  out->data<std::string>()[0] = absl::StrFormat(
      "%s-%05d-of-%05d", ctx.input(0).data<std::string>()[0],
      ctx.input(1).data<int32_t>()[0], ctx.input(2).data<int32_t>()[0]);
  return absl::OkStatus();
}

absl::Status StringJoinKernel(KernelContext& ctx) {
  std::string separator;
  RETURN_IF_ERROR(ctx.GetAttr("separator", &separator));
  // Scalars broadcast; every non-scalar input must have the same shape.
  TensorShape shape;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    const TensorShape& s = ctx.input(i).shape();
    if (s.rank() == 0) continue;
    if (shape.rank() == 0) {
      shape = s;
    } else if (s != shape) {
      return ctx.InvalidArgument(
          absl::StrCat("Input shapes do not match: ", shape.DebugString(),
                       " vs. ", s.DebugString()));
    }
  }
  ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, shape));
  std::vector<absl::string_view> parts(ctx.num_inputs());
  for (int64_t e = 0; e < out->num_elements(); ++e) {
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      const Tensor& in = ctx.input(i);
      parts[i] = in.data<std::string>()[in.rank() == 0 ? 0 : e];
    }
    out->data<std::string>()[e] = absl::StrJoin(parts, separator);
  }
  return absl::OkStatus();
}

absl::Status MergeV2CheckpointsKernel(KernelContext& ctx) {
  const Tensor& prefixes = ctx.input(0);
  const Tensor& destination = ctx.input(1);
  if (!IsVector(prefixes)) {
    return ctx.InvalidArgument(
        absl::StrCat("Input checkpoint_prefixes should be an 1-D tensor, got ",
                     prefixes.shape().DebugString(), " instead."));
  }
  if (destination.rank() != 0) {
    return ctx.InvalidArgument(
        absl::StrCat("Input destination_prefix should be a scalar tensor, got ",
                     destination.shape().DebugString(), " instead."));
  }
  bool delete_old_dirs = true;
  RETURN_IF_ERROR(ctx.GetAttr("delete_old_dirs", &delete_old_dirs));
  const std::string& merged = destination.data<std::string>()[0];
  absl::Span<const std::string> inputs = prefixes.flat<std::string>();
  absl::Status status = MergeBundles(inputs, merged);
  if (!status.ok()) return NodeError(ctx, status);
  if (delete_old_dirs) {
    // The shards' temporary directories, if now empty; failures are
    // expected (the second shard finds its directory gone) and ignored.
    const auto merged_dir = std::filesystem::path(merged).parent_path();
    for (const std::string& prefix : inputs) {
      const auto dir = std::filesystem::path(prefix).parent_path();
      if (dir == merged_dir) continue;
      std::error_code error;
      if (std::filesystem::is_directory(dir, error)) {
        std::filesystem::remove(dir, error);  // Only removes an empty one.
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RegisterIoKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("SaveV2", SaveV2Kernel));
  RETURN_IF_ERROR(r.Register("RestoreV2", RestoreV2Kernel));
  RETURN_IF_ERROR(r.Register("ShardedFilename", ShardedFilenameKernel));
  RETURN_IF_ERROR(r.Register("StringJoin", StringJoinKernel));
  RETURN_IF_ERROR(r.Register("MergeV2Checkpoints", MergeV2CheckpointsKernel));
  return absl::OkStatus();
}

}  // namespace graphflow
