#include "session/run_util.h"

#include "absl/strings/str_cat.h"

namespace graphflow {

absl::Status CheckFeed(const Endpoint& e, const Tensor& value,
                       absl::string_view feed_name) {
  const Node& node = *e.node;
  DataType expected = BaseType(node.output_type(e.index));
  // An opaque node's output of unknown dtype: its consumers declare it.
  for (const auto& [consumer, i] : node.consumers()) {
    if (expected != DT_INVALID) break;
    if (consumer->input(i) == e) expected = BaseType(consumer->input_type(i));
  }
  if (value.dtype() != expected && expected != DT_INVALID) {
    return absl::InvalidArgumentError(
        absl::StrCat("feed '", feed_name, "' for node '", node.name(), "' (",
                     node.op(), "): expected dtype ", DataTypeString(expected),
                     ", got ", DataTypeString(value.dtype())));
  }
  PartialShape declared = node.output_shape(e.index);
  if (node.op_def().is_feed_only) {
    if (const PartialShape* s = node.FindAttr<PartialShape>("shape"))
      declared = *s;
  }
  if (!declared.IsCompatibleWith(value.shape())) {
    return absl::InvalidArgumentError(
        absl::StrCat("feed '", feed_name, "' for node '", node.name(), "' (",
                     node.op(), "): expected shape ", declared.DebugString(),
                     ", got ", value.shape().DebugString()));
  }
  return absl::OkStatus();
}

// A kernel must set every output: a variable for a ref output, otherwise a
// tensor of the declared dtype.
absl::Status CheckOutputs(const Node& node,
                          const std::vector<KernelValue>& outputs) {
  for (int o = 0; o < node.num_outputs(); ++o) {
    const KernelValue& out = outputs[o];
    DataType declared = node.output_type(o);
    bool ok = IsRefType(declared)
                  ? out.ref != nullptr
                  : out.tensor.valid() && out.tensor.dtype() == declared;
    if (!ok) {
      return absl::InternalError(absl::StrCat(
          "node '", node.name(), "' (", node.op(), "): kernel produced no ",
          DataTypeString(declared), " value for output ", o,
          out.tensor.valid()
              ? absl::StrCat(" (got ", DataTypeString(out.tensor.dtype()), ")")
              : ""));
    }
  }
  return absl::OkStatus();
}

// A fetched value: the tensor, or the variable's current value.
absl::StatusOr<Tensor> ValueOf(const KernelValue& v) {
  if (v.ref != nullptr) return v.ref->Read();
  return v.tensor;
}

absl::StatusOr<Tensor> ReadRefInput(const Node& node, const KernelValue& v) {
  absl::StatusOr<Tensor> t = v.ref->Read();
  if (!t.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "node '", node.name(), "' (", node.op(), "): ", t.status().message()));
  }
  return t;
}

absl::Status UnfedPlaceholderError(const Node& node) {
  const PartialShape* shape = node.FindAttr<PartialShape>("shape");
  return absl::InvalidArgumentError(absl::StrCat(
      "You must feed a value for placeholder tensor '", node.name(),
      "' with dtype ", DataTypeString(node.output_type(0)), " and shape ",
      shape ? shape->DebugString() : "<unknown>"));
}

}  // namespace graphflow
