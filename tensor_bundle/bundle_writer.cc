#include "tensor_bundle/bundle_writer.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "base/crc32c.h"
#include "base/endian.h"
#include "base/file_io.h"
#include "graph/status.h"
#include "tensor_bundle/bundle_reader.h"

namespace graphflow {

BundleWriter::BundleWriter(std::string prefix,
                           table::TableOptions index_options)
    : prefix_(std::move(prefix)), index_options_(index_options) {}

absl::Status BundleWriter::Add(absl::string_view name, const Tensor& tensor) {
  if (name.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "checkpoint ", prefix_, ": a tensor name must not be empty"));
  }
  if (entries_.count(std::string(name)) > 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "checkpoint ", prefix_, ": tensor '", name, "' added twice"));
  }
  if (!tensor.valid() || !IsSupportedType(tensor.dtype())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "checkpoint ", prefix_, ": tensor '", name, "' has dtype ",
        DataTypeString(tensor.dtype()), ", which cannot be saved"));
  }
  tensorflow::BundleEntryProto entry;
  entry.set_dtype(static_cast<tensorflow::DataType>(tensor.dtype()));
  auto* shape = entry.mutable_shape();  // Present even for scalars, as TF.
  for (int64_t dim : tensor.shape().dim_sizes())
    shape->add_dim()->set_size(dim);
  entry.set_offset(static_cast<int64_t>(data_.size()));
  uint32_t crc = 0;
  if (tensor.dtype() == DT_STRING) {
    const std::string bytes = EncodeBundleStrings(tensor.data<std::string>(),
                                                  tensor.num_elements(), &crc);
    entry.set_size(static_cast<int64_t>(bytes.size()));
    data_ += bytes;
  } else {
    const size_t start = data_.size();
    data_.resize(start + tensor.total_bytes());
    CopyLittleEndian(static_cast<const char*>(tensor.raw_data()),
                     data_.data() + start, tensor.total_bytes(),
                     DataTypeSize(tensor.dtype()));
    entry.set_size(static_cast<int64_t>(tensor.total_bytes()));
    crc = crc32c::Value(absl::string_view(data_).substr(start));
  }
  entry.set_crc32c(crc32c::Mask(crc));
  entries_.emplace(std::string(name), std::move(entry));
  return absl::OkStatus();
}

absl::Status BundleWriter::Finish() {
  const std::filesystem::path dir =
      std::filesystem::path(prefix_).parent_path();
  std::error_code error;
  if (!dir.empty()) std::filesystem::create_directories(dir, error);
  RETURN_IF_ERROR(
      WriteFileAtomically(BundleDataFilename(prefix_, 0, 1), data_));

  tensorflow::BundleHeaderProto header;
  header.set_num_shards(1);
  header.set_endianness(tensorflow::BundleHeaderProto::LITTLE);
  header.mutable_version()->set_producer(kTensorBundleVersion);
  table::TableBuilder builder(index_options_);
  RETURN_IF_ERROR(builder.Add("", header.SerializeAsString()));
  for (const auto& [name, entry] : entries_) {
    RETURN_IF_ERROR(builder.Add(name, entry.SerializeAsString()));
  }
  return WriteFileAtomically(BundleIndexFilename(prefix_), builder.Finish());
}

absl::Status WriteBundle(const std::string& prefix,
                         const std::map<std::string, Tensor>& tensors) {
  BundleWriter writer(prefix);
  for (const auto& [name, tensor] : tensors) {
    RETURN_IF_ERROR(writer.Add(name, tensor));
  }
  return writer.Finish();
}

}  // namespace graphflow
