#include "tools/tensor_files.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/file_io.h"
#include "dataset/batching.h"
#include "dataset/idx.h"
#include "dataset/npy.h"
#include "graph/status.h"

namespace graphflow::cli {

absl::StatusOr<Tensor> ReadTensorFile(const std::string& path,
                                      int64_t max_bytes) {
  ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(path, max_bytes));
  if (bytes.size() >= 6 && bytes.compare(0, 6, "\x93NUMPY") == 0) {
    return ParseNpy(bytes, path);
  }
  ASSIGN_OR_RETURN(bytes, MaybeGunzip(std::move(bytes), path, max_bytes));
  if (bytes.size() >= 4 && bytes[0] == 0 && bytes[1] == 0) {
    return ParseIdx(bytes, path);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      path,
      ": not a NumPy .npy or IDX file (expected the \\x93NUMPY magic "
      "or an IDX header)"));
}

absl::StatusOr<int64_t> ParseByteSize(absl::string_view text,
                                      absl::string_view flag) {
  auto bad = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, " '", text,
                     "': expected a positive byte count like 1048576, 512M "
                     "or 4G"));
  };
  if (text.empty()) return bad();
  int shift = 0;
  switch (absl::ascii_toupper(text.back())) {
    case 'K':
      shift = 10;
      break;
    case 'M':
      shift = 20;
      break;
    case 'G':
      shift = 30;
      break;
    case 'T':
      shift = 40;
      break;
  }
  if (shift != 0) text.remove_suffix(1);
  int64_t n = 0;
  if (text.empty() || !absl::ascii_isdigit(text[0]) ||
      !absl::SimpleAtoi(text, &n) || n <= 0 ||
      n > (std::numeric_limits<int64_t>::max() >> shift)) {
    return bad();
  }
  return n << shift;
}

absl::StatusOr<float> ParseScale(absl::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '/');
  double num = 0, den = 1;
  if (parts.empty() || parts.size() > 2 || !absl::SimpleAtod(parts[0], &num) ||
      (parts.size() == 2 && (!absl::SimpleAtod(parts[1], &den) || den == 0))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--scale '", text, "': expected a number or a fraction like 1/255"));
  }
  const float scale = static_cast<float>(num / den);
  if (!std::isfinite(scale)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--scale '", text, "': must be a finite number"));
  }
  return scale;
}

namespace {

// Lossless integer widening (uint8 IDX labels to an int32/int64
// placeholder): every value of `from` is representable in `to`.
bool WidensTo(DataType from, DataType to) {
  auto is = [&](std::initializer_list<DataType> types) {
    return std::find(types.begin(), types.end(), from) != types.end();
  };
  if (to == DT_INT64)
    return is({DT_UINT8, DT_INT8, DT_INT16, DT_UINT16, DT_INT32});
  if (to == DT_INT32) return is({DT_UINT8, DT_INT8, DT_INT16, DT_UINT16});
  return false;
}

absl::StatusOr<Tensor> WidenInteger(const Tensor& t, DataType to) {
  ASSIGN_OR_RETURN(Tensor out, Tensor::Allocate(to, t.shape()));
  const int64_t n = t.num_elements();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t v = static_cast<int64_t>(t.ValueAsDouble(i));
    if (to == DT_INT64) {
      out.data<int64_t>()[i] = v;
    } else {
      out.data<int32_t>()[i] = static_cast<int32_t>(v);
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<Tensor> FitToPlaceholder(const Tensor& data,
                                        const Node& placeholder,
                                        const FeedConversion& conversion,
                                        absl::string_view feed_name,
                                        int output) {
  DataType want = BaseType(placeholder.output_type(output));
  PartialShape shape = placeholder.output_shape(output);
  // A placeholder's declared shape (its inferred output shape may be less
  // precise, e.g. after import).
  if (placeholder.op() == "Placeholder" ||
      placeholder.op() == "PlaceholderWithDefault") {
    if (const PartialShape* s = placeholder.FindAttr<PartialShape>("shape")) {
      shape = *s;
    }
  }
  Tensor t = data;
  auto where = [&] {
    return absl::StrCat("feed '", feed_name, "' for ", placeholder.op(), " '",
                        placeholder.name(), "' (", DataTypeString(want), " ",
                        shape.DebugString(), ")");
  };
  // The converted feed's size, checked before allocating it: `rows` x
  // `cols` elements of `dtype` within --max-tensor-bytes.
  auto fits = [&](int64_t rows, DataType dtype, int64_t cols = 1) {
    const int64_t elem = DataTypeSize(dtype);
    const int64_t limit = conversion.max_tensor_bytes;
    if (rows == 0 || (cols <= limit / elem && rows <= limit / elem / cols)) {
      return absl::OkStatus();
    }
    return absl::ResourceExhaustedError(
        absl::StrCat(where(), ": converting the data needs ", rows, " x ", cols,
                     " ", DataTypeString(dtype), " elements (", rows, " x ",
                     cols * elem, " bytes), over the maximum tensor size of ",
                     limit, " bytes (--max-tensor-bytes)"));
  };
  bool integer_data =
      t.dtype() != DT_FLOAT && t.dtype() != DT_DOUBLE && t.dtype() != DT_BOOL;
  if (conversion.one_hot && want == DT_FLOAT && integer_data && t.rank() == 1 &&
      shape.rank() == 2 && shape.dim(1) > 0) {
    RETURN_IF_ERROR(fits(t.dim(0), DT_FLOAT, shape.dim(1)));
    auto hot = OneHotRows(t, shape.dim(1));
    if (!hot.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where(), ": ", hot.status().message()));
    }
    t = *hot;
  } else if (t.dtype() != want) {
    if (want == DT_FLOAT && integer_data && conversion.scale) {
      RETURN_IF_ERROR(fits(t.num_elements(), DT_FLOAT));
      ASSIGN_OR_RETURN(t, ToFloat(t, *conversion.scale));
    } else if (WidensTo(t.dtype(), want)) {
      RETURN_IF_ERROR(fits(t.num_elements(), want));
      ASSIGN_OR_RETURN(t, WidenInteger(t, want));
    } else {
      std::string hint;
      if (want == DT_FLOAT && integer_data) {
        hint = shape.rank() == 2 && t.rank() == 1
                   ? " (pass --one-hot to turn class ids into one-hot rows)"
                   : " (pass --scale 1/255 or similar to convert)";
      } else if (want == DT_FLOAT && t.dtype() == DT_DOUBLE) {
        hint = " (save it as float32, e.g. numpy's a.astype('float32'))";
      }
      return absl::InvalidArgumentError(
          absl::StrCat(where(), ": the file holds ", DataTypeString(t.dtype()),
                       " data", hint));
    }
  }
  if (shape.known_rank() && !shape.IsCompatibleWith(t.shape())) {
    // Same per-row element count: reshape rows (e.g. [N,28,28] -> [N,784]).
    int64_t row = 1;
    bool known = shape.rank() >= 1;
    for (int i = 1; known && i < shape.rank(); ++i) {
      if (shape.dim(i) < 0) known = false;
      row *= shape.dim(i);
    }
    if (known && t.rank() >= 1 && t.dim(0) > 0 &&
        t.num_elements() / t.dim(0) == row) {
      std::vector<int64_t> dims(shape.dims().begin(), shape.dims().end());
      dims[0] = t.dim(0);
      ASSIGN_OR_RETURN(t, t.Reshaped(TensorShape(dims)));
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          where(), ": the file holds shape ", t.shape().DebugString()));
    }
  }
  return t;
}

std::string FetchFileStem(absl::string_view fetch) {
  std::string out(fetch);
  for (char& c : out) {
    if (c == '/' || c == ':') c = '_';
  }
  return out;
}

}  // namespace graphflow::cli
