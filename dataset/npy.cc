#include "dataset/npy.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/endian.h"
#include "base/file_io.h"
#include "graph/status.h"

namespace graphflow {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
constexpr size_t kAlign = 64;
// NumPy leaves room after the shape so its first dimension can grow in place
// (len(str(8 * 2**64 - 1))).
constexpr size_t kGrowthDigits = 21;

struct NpyType {
  DataType dtype;
  const char* descr;  // What NumPy writes.
};
constexpr NpyType kNpyTypes[] = {
    {DT_FLOAT, "<f4"}, {DT_DOUBLE, "<f8"}, {DT_INT32, "<i4"},
    {DT_INT64, "<i8"}, {DT_UINT8, "|u1"},  {DT_INT8, "|i1"},
    {DT_INT16, "<i2"}, {DT_UINT16, "<u2"}, {DT_BOOL, "|b1"},
};

// ---------------------------------------------------------------------------
// Header dict parsing: the Python literal
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// Keys may come in any order; an error here is a plain message that the
// caller turns into DataLoss naming the file.

struct NpyHeader {
  std::string descr;
  bool descr_is_structured = false;  // A list: record dtype.
  bool fortran_order = false;
  std::vector<int64_t> shape;
};

class HeaderParser {
 public:
  explicit HeaderParser(absl::string_view text) : s_(text) {}

  absl::StatusOr<NpyHeader> Parse() {
    NpyHeader h;
    bool seen_descr = false, seen_fortran = false, seen_shape = false;
    if (!Consume('{')) return Error("expected '{'");
    while (!Consume('}')) {
      ASSIGN_OR_RETURN(std::string key, ParseString());
      if (!Consume(':')) return Error("expected ':' after a key");
      if (key == "descr" && !seen_descr) {
        seen_descr = true;
        SkipSpace();
        if (pos_ < s_.size() && s_[pos_] == '[') {
          h.descr_is_structured = true;
          RETURN_IF_ERROR(SkipList());
        } else {
          ASSIGN_OR_RETURN(h.descr, ParseString());
        }
      } else if (key == "fortran_order" && !seen_fortran) {
        seen_fortran = true;
        ASSIGN_OR_RETURN(h.fortran_order, ParseBool());
      } else if (key == "shape" && !seen_shape) {
        seen_shape = true;
        ASSIGN_OR_RETURN(h.shape, ParseTuple());
      } else {
        return Error(absl::StrCat("unexpected or repeated key '", key, "'"));
      }
      if (!Consume(',')) {
        if (!Consume('}')) return Error("expected ',' or '}'");
        break;
      }
    }
    SkipSpace();
    if (pos_ != s_.size()) return Error("unexpected text after '}'");
    if (!seen_descr || !seen_fortran || !seen_shape) {
      return Error("missing 'descr', 'fortran_order' or 'shape'");
    }
    return h;
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return absl::DataLossError(
        absl::StrCat(what, " at offset ", pos_, " of the header"));
  }
  void SkipSpace() {
    while (pos_ < s_.size() && absl::ascii_isspace(s_[pos_])) ++pos_;
  }
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  absl::StatusOr<std::string> ParseString() {
    SkipSpace();
    if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"')) {
      return Error("expected a quoted string");
    }
    char quote = s_[pos_++];
    size_t end = s_.find(quote, pos_);
    if (end == absl::string_view::npos) return Error("unterminated string");
    std::string out(s_.substr(pos_, end - pos_));
    if (out.find('\\') != std::string::npos) {
      return Error("escapes in strings are not supported");
    }
    pos_ = end + 1;
    return out;
  }
  absl::StatusOr<bool> ParseBool() {
    SkipSpace();
    for (auto [word, value] : {std::pair{"True", true}, {"False", false}}) {
      if (absl::StartsWith(s_.substr(pos_), word)) {
        pos_ += std::strlen(word);
        return value;
      }
    }
    return Error("expected True or False");
  }
  absl::StatusOr<std::vector<int64_t>> ParseTuple() {
    std::vector<int64_t> dims;
    if (!Consume('(')) return Error("expected a shape tuple");
    while (!Consume(')')) {
      SkipSpace();
      size_t start = pos_;
      if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
      while (pos_ < s_.size() && absl::ascii_isdigit(s_[pos_])) ++pos_;
      int64_t d;
      if (!absl::SimpleAtoi(s_.substr(start, pos_ - start), &d)) {
        pos_ = start;
        return Error("expected an integer dimension that fits in 64 bits");
      }
      if (pos_ < s_.size() && s_[pos_] == 'L') ++pos_;  // Python 2 long.
      dims.push_back(d);
      if (!Consume(',')) {
        if (!Consume(')')) return Error("expected ',' or ')' in the shape");
        break;
      }
    }
    return dims;
  }
  // Skips a (possibly nested) list literal; only its presence matters.
  absl::Status SkipList() {
    int depth = 0;
    for (; pos_ < s_.size(); ++pos_) {
      char c = s_[pos_];
      if (c == '[' || c == '(') ++depth;
      if ((c == ']' || c == ')') && --depth == 0) {
        ++pos_;
        return absl::OkStatus();
      }
    }
    return Error("unterminated list");
  }

  absl::string_view s_;
  size_t pos_ = 0;
};

// The element type of a descr; `string_size` gets n for '|S<n>'.
absl::StatusOr<DataType> DescrType(absl::string_view descr,
                                   size_t* string_size) {
  auto unsupported = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("unsupported dtype '", descr, "'", why));
  };
  if (descr.size() < 3) return unsupported("");
  char order = descr[0];
  char kind = descr[1];
  absl::string_view size_text = descr.substr(2);
  int64_t size = 0;
  if (!absl::SimpleAtoi(size_text, &size) || size <= 0 ||
      !absl::ascii_isdigit(size_text[0])) {
    return unsupported("");
  }
  if (order != '<' && order != '>' && order != '|' && order != '=') {
    return unsupported("");
  }
  if (kind == 'S') {
    *string_size = static_cast<size_t>(size);
    return DT_STRING;
  }
  for (const NpyType& t : kNpyTypes) {
    if (absl::string_view(t.descr).substr(1) != descr.substr(1)) continue;
    if (size > 1 && order == '>') {
      return unsupported(" (big-endian data is not supported)");
    }
    if (size > 1 && order == '|') return unsupported(" (no byte order)");
    return t.dtype;
  }
  return unsupported(
      " (graphflow reads float32/64, int8/16/32/64, uint8/16, bool and "
      "byte strings)");
}

std::string ShapeRepr(absl::Span<const int64_t> dims) {
  if (dims.size() == 1) return absl::StrCat("(", dims[0], ",)");
  return absl::StrCat("(", absl::StrJoin(dims, ", "), ")");
}

std::string StringDescr(const Tensor& t, size_t* width) {
  size_t n = 1;  // NumPy has no zero-width byte strings.
  for (const std::string& s : t.flat<std::string>()) n = std::max(n, s.size());
  *width = n;
  return absl::StrCat("|S", n);
}

}  // namespace

absl::StatusOr<Tensor> ParseNpy(absl::string_view bytes,
                                absl::string_view source) {
  auto loss = [&](absl::string_view what) {
    return absl::DataLossError(
        absl::StrCat(source, ": not a valid .npy file: ", what));
  };
  auto invalid = [&](absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": cannot load this .npy file: ", what));
  };
  if (bytes.size() < kMagicLen + 2 ||
      bytes.substr(0, kMagicLen) != absl::string_view(kMagic, kMagicLen)) {
    return loss("bad magic (expected \\x93NUMPY)");
  }
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  int major = p[kMagicLen], minor = p[kMagicLen + 1];
  if (major < 1 || major > 3 || minor != 0) {
    return invalid(absl::StrCat("format version ", major, ".", minor,
                                " is not supported (1.0, 2.0, 3.0 are)"));
  }
  size_t len_bytes = major == 1 ? 2 : 4;
  size_t prefix = kMagicLen + 2 + len_bytes;
  if (bytes.size() < prefix) return loss("truncated header length");
  uint64_t header_len = 0;
  for (size_t i = 0; i < len_bytes; ++i) {
    header_len |= uint64_t{p[kMagicLen + 2 + i]} << (8 * i);
  }
  if (header_len > bytes.size() - prefix) {
    return loss(absl::StrCat("truncated header: it claims ", header_len,
                             " bytes, the file has ", bytes.size() - prefix,
                             " after the prefix"));
  }
  absl::string_view text = bytes.substr(prefix, header_len);
  auto header = HeaderParser(text).Parse();
  if (!header.ok()) {
    return loss(
        absl::StrCat("malformed header dict: ", header.status().message()));
  }
  if (header->descr_is_structured) {
    return invalid("structured (record) dtypes are not supported");
  }
  size_t string_size = 0;
  auto dtype = DescrType(header->descr, &string_size);
  if (!dtype.ok()) return invalid(dtype.status().message());
  auto shape = TensorShape::Make(header->shape);
  if (!shape.ok()) {
    return invalid(absl::StrCat("shape ", ShapeRepr(header->shape), ": ",
                                shape.status().message()));
  }
  if (header->fortran_order && shape->rank() > 1) {
    return invalid("Fortran-order (column-major) arrays are not supported");
  }

  absl::string_view data = bytes.substr(prefix + header_len);
  uint64_t n = static_cast<uint64_t>(shape->num_elements());
  uint64_t elem = *dtype == DT_STRING ? string_size : DataTypeSize(*dtype);
  // Checked without overflow: elem may come from a huge '|S<n>'.
  bool fits = n == 0 || elem <= std::numeric_limits<uint64_t>::max() / n;
  if (!fits || n * elem != data.size()) {
    return loss(
        absl::StrCat("data size mismatch: shape ", shape->DebugString(),
                     " of '", header->descr, "' needs ",
                     fits ? absl::StrCat(n * elem) : std::string("more"),
                     " bytes, the file has ", data.size()));
  }
  ASSIGN_OR_RETURN(Tensor t, Tensor::Allocate(*dtype, *shape));
  if (*dtype == DT_STRING) {
    std::string* out = t.data<std::string>();
    for (uint64_t i = 0; i < n; ++i) {
      absl::string_view s = data.substr(i * elem, elem);
      size_t end = s.find_last_not_of('\0');
      out[i] = std::string(s.substr(0, end == s.npos ? 0 : end + 1));
    }
  } else if (*dtype == DT_BOOL) {
    bool* out = t.data<bool>();
    for (uint64_t i = 0; i < n; ++i) out[i] = data[i] != 0;
  } else {
    CopyLittleEndian(data.data(), static_cast<char*>(t.raw_data()), data.size(),
                     elem);
  }
  return t;
}

absl::StatusOr<Tensor> ReadNpyFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(path));
  return ParseNpy(bytes, path);
}

std::string SerializeNpy(const Tensor& t) {
  size_t width = 0;
  std::string descr;
  if (t.dtype() == DT_STRING) {
    descr = StringDescr(t, &width);
  } else {
    for (const NpyType& nt : kNpyTypes) {
      if (nt.dtype == t.dtype()) descr = nt.descr;
    }
    width = DataTypeSize(t.dtype());
  }
  if (descr.empty()) return "";

  absl::Span<const int64_t> dims = t.shape().dim_sizes();
  std::string dict = absl::StrCat(
      "{'descr': '", descr,
      "', 'fortran_order': False, 'shape': ", ShapeRepr(dims), ", }");
  if (!dims.empty()) {
    size_t digits = absl::StrCat(dims[0]).size();
    if (digits < kGrowthDigits) dict.append(kGrowthDigits - digits, ' ');
  }
  // NumPy pads so magic + length + header + '\n' is a multiple of 64, adding
  // a full 64 spaces when it already is.
  int major = 1;
  size_t hlen = dict.size() + 1;
  size_t pad = kAlign - (kMagicLen + 2 + 2 + hlen) % kAlign;
  if (hlen + pad > std::numeric_limits<uint16_t>::max()) {
    major = 2;
    pad = kAlign - (kMagicLen + 2 + 4 + hlen) % kAlign;
  }
  uint64_t header_len = hlen + pad;

  std::string out(kMagic, kMagicLen);
  out.push_back(static_cast<char>(major));
  out.push_back(0);
  for (int i = 0; i < (major == 1 ? 2 : 4); ++i) {
    out.push_back(static_cast<char>((header_len >> (8 * i)) & 0xff));
  }
  out += dict;
  out.append(pad, ' ');
  out.push_back('\n');

  size_t n = static_cast<size_t>(t.num_elements());
  size_t start = out.size();
  out.resize(start + n * width);
  char* dst = out.data() + start;
  if (t.dtype() == DT_STRING) {
    for (size_t i = 0; i < n; ++i) {
      const std::string& s = t.data<std::string>()[i];
      std::memcpy(dst + i * width, s.data(), s.size());  // Rest stays NUL.
    }
  } else {
    CopyLittleEndian(static_cast<const char*>(t.raw_data()), dst, n * width,
                     width);
  }
  return out;
}

absl::Status WriteNpyFile(const std::string& path, const Tensor& t) {
  std::string bytes = SerializeNpy(t);
  if (bytes.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot write '", path, "' as .npy: ",
        t.valid() ? "unsupported dtype " + DataTypeString(t.dtype())
                  : std::string("the tensor is empty (invalid)")));
  }
  return WriteFileAtomically(path, bytes);
}

}  // namespace graphflow
