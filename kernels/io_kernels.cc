// Kernels of ops/io_ops.cc: TF's Saver subgraph (SaveV2, RestoreV2 and the
// sharded save's ShardedFilename, StringJoin, MergeV2Checkpoints), reading
// and writing TensorFlow V2 checkpoints through tensor_bundle/.
#include <algorithm>
#include <numeric>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/status.h"
#include "kernels/all_kernels.h"
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

}  // namespace

absl::Status RegisterIoKernels(KernelRegistry& r) {
  RETURN_IF_ERROR(r.Register("SaveV2", SaveV2Kernel));
  RETURN_IF_ERROR(r.Register("RestoreV2", RestoreV2Kernel));
  return absl::OkStatus();
}

}  // namespace graphflow
