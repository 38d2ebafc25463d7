// Fuzzes the TensorFlow checkpoint (tensor bundle) reader: the leveldb table
// parser in memory, then BundleReader on files. An input is a 4-byte
// little-endian length n, n bytes of PREFIX.index, and the rest as the data
// shard (scripts/fuzz.sh packs real index + data pairs that way), so
// mutations reach both the index and the shard reads.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "tensor_bundle/bundle_reader.h"
#include "tensor_bundle/table_reader.h"

namespace {

bool WriteWhole(const std::string& path, const std::string& bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

// One directory per fuzzing process (libFuzzer's -jobs run several).
const std::string& Prefix() {
  static const std::string prefix = [] {
    std::string dir = absl::StrCat("/tmp/graphflow_tf_ckpt_fuzz_", getpid());
    std::string mkdir = absl::StrCat("mkdir -p ", dir);
    if (std::system(mkdir.c_str()) != 0) std::abort();
    return dir + "/model.ckpt";
  }();
  return prefix;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  size_t index_size = 0;
  if (bytes.size() >= 4) {
    for (int i = 0; i < 4; ++i)
      index_size |= size_t(uint8_t(bytes[i])) << (8 * i);
    bytes.erase(0, 4);
  }
  if (index_size > bytes.size()) index_size = bytes.size();
  const std::string index = bytes.substr(0, index_size);
  const std::string shard = bytes.substr(index_size);

  (void)graphflow::table::ReadTable(index, "fuzz.index");

  const std::string& prefix = Prefix();
  if (!WriteWhole(graphflow::BundleIndexFilename(prefix), index) ||
      !WriteWhole(graphflow::BundleDataFilename(prefix, 0, 1), shard)) {
    std::abort();
  }
  auto reader = graphflow::BundleReader::Open(prefix);
  if (!reader.ok()) return 0;
  for (const auto& info : reader->ListTensors()) {
    (void)reader->Read(info.name);
  }
  return 0;
}
