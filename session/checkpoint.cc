#include "session/checkpoint.h"

#include <array>
#include <cstring>
#include <filesystem>
#include <limits>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/endian.h"
#include "base/file_io.h"
#include "graph/status.h"
#include "tensor_bundle/bundle_reader.h"
#include "tensor_bundle/bundle_writer.h"
#include "tensor_bundle/checkpoint_state.h"

namespace graphflow {
namespace {

constexpr char kMagic[] = "GFCHKPT\n";
constexpr size_t kMagicLen = 8;
constexpr uint32_t kVersion = 1;
constexpr size_t kHeaderLen = kMagicLen + 4 + 4 + 8;
constexpr size_t kCrcLen = 4;

// CRC-32 tables for slicing-by-8: kCrc[0] is the classic byte table; kCrc[k]
// advances a byte through k further zero bytes.
using CrcTables = std::array<std::array<uint32_t, 256>, 8>;
constexpr CrcTables MakeCrcTables() {
  CrcTables t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int b = 0; b < 8; ++b) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[0][i] = c;
  }
  for (int k = 1; k < 8; ++k) {
    for (int i = 0; i < 256; ++i) {
      t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
    }
  }
  return t;
}
constexpr CrcTables kCrc = MakeCrcTables();

uint32_t Load32(const unsigned char* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 |
         uint32_t{p[3]} << 24;
}
uint64_t Load64(const unsigned char* p) {
  return uint64_t{Load32(p)} | uint64_t{Load32(p + 4)} << 32;
}
void Put32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
void Put64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

uint64_t DataBytes(const Tensor& t) {
  if (t.dtype() != DT_STRING) return t.total_bytes();
  uint64_t n = 0;
  for (const std::string& s : t.flat<std::string>()) n += 8 + s.size();
  return n;
}

// Bounds-checked reads from the record area.
class Reader {
 public:
  explicit Reader(absl::string_view s) : s_(s) {}
  size_t remaining() const { return s_.size(); }
  bool U32(uint32_t* v) {
    if (s_.size() < 4) return false;
    *v = Load32(reinterpret_cast<const unsigned char*>(s_.data()));
    s_.remove_prefix(4);
    return true;
  }
  bool U64(uint64_t* v) {
    if (s_.size() < 8) return false;
    *v = Load64(reinterpret_cast<const unsigned char*>(s_.data()));
    s_.remove_prefix(8);
    return true;
  }
  bool Bytes(uint64_t n, absl::string_view* out) {
    if (n > s_.size()) return false;
    *out = s_.substr(0, n);
    s_.remove_prefix(n);
    return true;
  }

 private:
  absl::string_view s_;
};

// Parses one record's values into a freshly allocated tensor; the message of
// an error is completed by the caller.
absl::StatusOr<Tensor> ParseValues(DataType dtype, const TensorShape& shape,
                                   absl::string_view data) {
  uint64_t n = static_cast<uint64_t>(shape.num_elements());
  if (dtype == DT_STRING) {
    // Each element needs at least its 8-byte length: bounds the allocation.
    if (n > data.size() / 8) {
      return absl::DataLossError(absl::StrCat(n, " strings cannot fit in ",
                                              data.size(), " data bytes"));
    }
    ASSIGN_OR_RETURN(Tensor t, Tensor::Allocate(dtype, shape));
    Reader r(data);
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t len;
      absl::string_view s;
      if (!r.U64(&len) || !r.Bytes(len, &s)) {
        return absl::DataLossError(
            absl::StrCat("string ", i, " overruns the data"));
      }
      t.data<std::string>()[i] = std::string(s);
    }
    if (r.remaining() != 0) {
      return absl::DataLossError(
          absl::StrCat(r.remaining(), " stray bytes after the strings"));
    }
    return t;
  }
  uint64_t elem = DataTypeSize(dtype);
  if (elem == 0) {  // Resource handles (and other unsized types) are not data.
    return absl::DataLossError(
        absl::StrCat("a checkpoint cannot hold ", DataTypeString(dtype)));
  }
  if (data.size() != n * elem) {  // n <= 2^34, elem <= 8: no overflow.
    return absl::DataLossError(
        absl::StrCat("data length ", data.size(), " does not match ", n,
                     " elements of ", DataTypeString(dtype)));
  }
  if (dtype == DT_BOOL) {
    for (char c : data) {
      if (c != 0 && c != 1) {
        return absl::DataLossError("a bool byte is neither 0 nor 1");
      }
    }
  }
  ASSIGN_OR_RETURN(Tensor t, Tensor::Allocate(dtype, shape));
  CopyLittleEndian(data.data(), static_cast<char*>(t.raw_data()), data.size(),
                   elem);
  return t;
}

// Ref (VariableV2) and resource (VarHandleOp) variables share the
// VariableStore, so checkpoints see both by name.
bool IsVariableNode(const Node& node) {
  return node.op() == "VariableV2" || node.op() == "VarHandleOp";
}

// The VariableStore name of a VariableV2 or VarHandleOp node.
std::string VariableName(const Node& node) {
  const std::string* shared = node.FindAttr<std::string>("shared_name");
  return shared && !shared->empty() ? *shared : node.name();
}

}  // namespace

uint32_t Crc32(uint32_t crc, absl::string_view data) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t n = data.size();
  crc = ~crc;
  for (; n >= 8; p += 8, n -= 8) {
    uint32_t lo = Load32(p) ^ crc, hi = Load32(p + 4);
    crc = kCrc[7][lo & 0xff] ^ kCrc[6][(lo >> 8) & 0xff] ^
          kCrc[5][(lo >> 16) & 0xff] ^ kCrc[4][lo >> 24] ^ kCrc[3][hi & 0xff] ^
          kCrc[2][(hi >> 8) & 0xff] ^ kCrc[1][(hi >> 16) & 0xff] ^
          kCrc[0][hi >> 24];
  }
  for (; n > 0; ++p, --n) crc = kCrc[0][(crc ^ *p) & 0xff] ^ (crc >> 8);
  return ~crc;
}

absl::StatusOr<std::string> SerializeCheckpoint(
    const std::map<std::string, Tensor>& tensors) {
  constexpr uint64_t kU32Max = std::numeric_limits<uint32_t>::max();
  uint64_t size = kHeaderLen + kCrcLen;
  for (const auto& [name, t] : tensors) {
    if (name.empty() || name.size() > kU32Max) {
      return absl::InvalidArgumentError(absl::StrCat(
          "a checkpoint entry's name must have 1 to ", kU32Max, " bytes"));
    }
    if (!t.valid() || !IsSupportedType(t.dtype())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cannot save '", name, "': ",
          t.valid() ? "unsupported dtype " + DataTypeString(t.dtype())
                    : std::string("empty (invalid) tensor")));
    }
    size += 4 + name.size() + 4 + 4 + 8 * t.rank() + 8 + DataBytes(t);
  }
  if (tensors.size() > kU32Max) {
    return absl::InvalidArgumentError("too many checkpoint entries");
  }

  std::string out;
  out.reserve(size);
  out.append(kMagic, kMagicLen);
  Put32(out, kVersion);
  Put32(out, static_cast<uint32_t>(tensors.size()));
  Put64(out, size);
  for (const auto& [name, t] : tensors) {
    Put32(out, static_cast<uint32_t>(name.size()));
    out += name;
    Put32(out, static_cast<uint32_t>(t.dtype()));
    Put32(out, static_cast<uint32_t>(t.rank()));
    for (int64_t d : t.shape().dim_sizes())
      Put64(out, static_cast<uint64_t>(d));
    Put64(out, DataBytes(t));
    if (t.dtype() == DT_STRING) {
      for (const std::string& s : t.flat<std::string>()) {
        Put64(out, s.size());
        out += s;
      }
    } else {
      size_t start = out.size();
      out.resize(start + t.total_bytes());
      CopyLittleEndian(static_cast<const char*>(t.raw_data()),
                       out.data() + start, t.total_bytes(),
                       DataTypeSize(t.dtype()));
    }
  }
  Put32(out, Crc32(0, out));
  return out;
}

absl::StatusOr<std::map<std::string, Tensor>> ParseCheckpoint(
    absl::string_view bytes, absl::string_view source) {
  auto loss = [&](const auto&... what) {
    return absl::DataLossError(absl::StrCat(source, ": ", what...));
  };
  if (bytes.size() < kHeaderLen + kCrcLen) {
    return loss("truncated checkpoint: ", bytes.size(),
                " bytes, the header and checksum alone take ",
                kHeaderLen + kCrcLen);
  }
  if (bytes.substr(0, kMagicLen) != absl::string_view(kMagic, kMagicLen)) {
    return loss("not a graphflow checkpoint (bad magic)");
  }
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  uint32_t version = Load32(p + kMagicLen);
  uint32_t count = Load32(p + kMagicLen + 4);
  uint64_t size = Load64(p + kMagicLen + 8);
  if (size != bytes.size()) {
    return loss("truncated or damaged checkpoint: its header says ", size,
                " bytes, the file has ", bytes.size());
  }
  uint32_t stored = Load32(p + bytes.size() - kCrcLen);
  uint32_t computed = Crc32(0, bytes.substr(0, bytes.size() - kCrcLen));
  if (stored != computed) {
    return loss("corrupted checkpoint: CRC-32 mismatch (stored ", stored,
                ", computed ", computed, ")");
  }
  if (version != kVersion) {
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": checkpoint format version ", version,
        " is not supported (this build reads version ", kVersion, ")"));
  }

  std::map<std::string, Tensor> out;
  Reader r(bytes.substr(kHeaderLen, bytes.size() - kHeaderLen - kCrcLen));
  std::string previous;
  for (uint32_t i = 0; i < count; ++i) {
    auto bad = [&](const auto&... what) {
      return loss("corrupt checkpoint record ", i, ": ", what...);
    };
    uint32_t name_len, dtype_value, rank;
    absl::string_view name;
    if (!r.U32(&name_len) || !r.Bytes(name_len, &name)) {
      return bad("the name overruns the file");
    }
    if (name.empty() || (i > 0 && !(previous < name))) {
      return bad("name '", name, "' is empty, repeated or out of order");
    }
    previous = std::string(name);
    if (!r.U32(&dtype_value) || !r.U32(&rank) || rank > r.remaining() / 8) {
      return bad("the dtype or shape of '", name, "' overruns the file");
    }
    auto dtype = static_cast<DataType>(dtype_value);
    if (IsRefType(dtype) || !IsSupportedType(dtype)) {
      return bad("'", name, "' has unknown dtype ", dtype_value);
    }
    std::vector<int64_t> dims(rank);
    for (uint32_t d = 0; d < rank; ++d) {
      uint64_t v = 0;
      r.U64(&v);  // Cannot fail: rank was checked against the bytes left.
      dims[d] = static_cast<int64_t>(v);
    }
    auto shape = TensorShape::Make(dims);
    if (!shape.ok()) return bad("'", name, "': ", shape.status().message());
    uint64_t data_len;
    absl::string_view data;
    if (!r.U64(&data_len) || !r.Bytes(data_len, &data)) {
      return bad("the values of '", name, "' overrun the file");
    }
    auto t = ParseValues(dtype, *shape, data);
    if (!t.ok()) {
      if (t.status().code() != absl::StatusCode::kDataLoss) return t.status();
      return bad("'", name, "': ", t.status().message());
    }
    out.emplace(previous, *std::move(t));
  }
  if (r.remaining() != 0) {
    return loss("corrupt checkpoint: ", r.remaining(),
                " stray bytes after the last record");
  }
  return out;
}

absl::Status SaveCheckpoint(const std::string& path,
                            const std::map<std::string, Tensor>& tensors) {
  auto bytes = SerializeCheckpoint(tensors);
  if (!bytes.ok()) {
    return absl::Status(bytes.status().code(),
                        absl::StrCat("cannot save checkpoint ", path, ": ",
                                     bytes.status().message()));
  }
  return WriteFileAtomically(path, *bytes);
}

absl::StatusOr<std::map<std::string, Tensor>> LoadCheckpoint(
    const std::string& path) {
  // A TensorFlow checkpoint is named by its prefix (no file of that name) or
  // its directory; its .index is recognized by the table magic.
  std::error_code error;
  if (std::filesystem::is_directory(path, error) ||
      !std::filesystem::exists(path, error) || IsTensorBundle(path) ||
      absl::EndsWith(path, ".index")) {
    auto prefix = ResolveBundlePrefix(path);
    if (prefix.ok() && IsTensorBundle(*prefix)) {
      ASSIGN_OR_RETURN(BundleReader reader, BundleReader::Open(*prefix));
      return reader.ReadAll();
    }
    if (std::filesystem::is_directory(path, error)) return prefix.status();
  }
  ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(path));
  return ParseCheckpoint(bytes, path);
}

absl::StatusOr<CheckpointFormat> ParseCheckpointFormat(absl::string_view name) {
  if (name == "graphflow") return CheckpointFormat::kGraphflow;
  if (name == "tf") return CheckpointFormat::kTensorFlow;
  return absl::InvalidArgumentError(
      absl::StrCat("checkpoint format '", name, "': expected graphflow or tf"));
}

absl::Status SaveVariables(Session& session, const std::string& path,
                           CheckpointFormat format) {
  std::map<std::string, Tensor> tensors;
  for (const auto& node : session.graph().nodes()) {
    if (!IsVariableNode(*node)) continue;
    std::string name = VariableName(*node);
    StoredVariable* var = session.variables().Find(name);
    if (var == nullptr || !var->initialized()) continue;
    ASSIGN_OR_RETURN(tensors[name], var->Read());
  }
  if (format == CheckpointFormat::kTensorFlow) {
    return WriteBundle(path, tensors);
  }
  return SaveCheckpoint(path, tensors);
}

absl::Status RestoreVariables(Session& session, const std::string& path) {
  ASSIGN_OR_RETURN(auto tensors, LoadCheckpoint(path));
  std::vector<std::pair<std::string, Tensor>> assigns;
  std::set<std::string> seen;
  for (const auto& node : session.graph().nodes()) {
    if (!IsVariableNode(*node)) continue;
    std::string name = VariableName(*node);
    if (!seen.insert(name).second) continue;
    auto it = tensors.find(name);
    if (it == tensors.end()) {
      return absl::NotFoundError(
          absl::StrCat("checkpoint ", path, " has no variable '", name, "'"));
    }
    const Tensor& t = it->second;
    const DataType* dtype = node->FindAttr<DataType>("dtype");
    if (dtype != nullptr && *dtype != t.dtype()) {
      return absl::InvalidArgumentError(
          absl::StrCat("variable '", name, "' is ", DataTypeString(*dtype),
                       " in the graph but ", DataTypeString(t.dtype()),
                       " in checkpoint ", path));
    }
    const PartialShape* shape = node->FindAttr<PartialShape>("shape");
    if (shape != nullptr && !shape->IsCompatibleWith(t.shape())) {
      return absl::InvalidArgumentError(
          absl::StrCat("variable '", name, "' has shape ", shape->DebugString(),
                       " in the graph but ", t.shape().DebugString(),
                       " in checkpoint ", path));
    }
    assigns.emplace_back(name, t);
  }
  for (auto& [name, t] : assigns) {
    session.variables().GetOrCreate(name)->Assign(std::move(t));
  }
  return absl::OkStatus();
}

}  // namespace graphflow
