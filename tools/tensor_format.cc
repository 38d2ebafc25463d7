#include "tools/tensor_format.h"

#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace graphflow::cli {
namespace {

constexpr int64_t kThreshold = 1000, kEdge = 3;

std::string Element(const Tensor& t, int64_t i, bool integral) {
  if (t.dtype() == DT_BOOL) return t.data<bool>()[i] ? "True" : "False";
  if (t.dtype() == DT_STRING)
    return absl::StrCat("'", t.data<std::string>()[i], "'");
  double v = t.ValueAsDouble(i);
  if (integral) return absl::StrCat(static_cast<int64_t>(v));
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  std::string text = absl::StrFormat("%.6g", v);
  // NumPy marks whole floats with a point ("[4. 5.]", scalar "30.0"), so
  // printed floats never read as integers.
  if (text.find_first_of(".e") == std::string::npos) {
    text += t.rank() == 0 ? ".0" : ".";
  }
  return text;
}

struct Printer {
  const Tensor& t;
  bool summarize, integral;
  size_t width = 0;
  std::vector<int64_t> strides;

  std::vector<int64_t> Indices(int64_t n) const {
    std::vector<int64_t> idx;
    for (int64_t i = 0; i < n; ++i) {
      if (summarize && n > 2 * kEdge && i == kEdge) {
        idx.push_back(-1);  // "..."
        i = n - kEdge - 1;
        continue;
      }
      idx.push_back(i);
    }
    return idx;
  }

  void Measure(int dim, int64_t offset) {
    if (dim == t.rank()) {
      width = std::max(width, Element(t, offset, integral).size());
      return;
    }
    for (int64_t i : Indices(t.dim(dim))) {
      if (i >= 0) Measure(dim + 1, offset + i * strides[dim]);
    }
  }

  void Print(int dim, int64_t offset, std::string* out) {
    if (dim == t.rank()) {
      std::string e = Element(t, offset, integral);
      absl::StrAppend(out, std::string(width - e.size(), ' '), e);
      return;
    }
    out->push_back('[');
    std::vector<int64_t> idx = Indices(t.dim(dim));
    for (size_t k = 0; k < idx.size(); ++k) {
      if (k > 0) {
        if (dim + 1 == t.rank()) {
          out->push_back(' ');
        } else {
          absl::StrAppend(out, std::string(t.rank() - dim - 1, '\n'),
                          std::string(dim + 1, ' '));
        }
      }
      if (idx[k] < 0) {
        out->append("...");
      } else {
        Print(dim + 1, offset + idx[k] * strides[dim], out);
      }
    }
    out->push_back(']');
  }
};

}  // namespace

std::string FormatTensor(const Tensor& t) {
  if (!t.valid()) return "<no value>";
  bool integral = t.dtype() != DT_FLOAT && t.dtype() != DT_DOUBLE;
  Printer p{t, t.num_elements() > kThreshold, integral};
  p.strides.assign(t.rank(), 1);
  for (int d = t.rank() - 2; d >= 0; --d)
    p.strides[d] = p.strides[d + 1] * t.dim(d + 1);
  if (t.num_elements() == 0) return "[]";
  p.Measure(0, 0);
  std::string out;
  p.Print(0, 0, &out);
  return out;
}

}  // namespace graphflow::cli
