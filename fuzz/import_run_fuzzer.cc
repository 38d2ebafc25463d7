// Fuzzes the whole path a user's graph takes: ParseGraphDef, import with
// GlobalOpRegistry(), Session creation with a 16 MiB tensor limit, then runs
// that feed every Placeholder a small tensor (unknown dims = 2, values taken
// from the input bytes) and fetch a bounded number of node outputs. Any
// error Status is fine; a crash, abort, leak or undefined behaviour is a bug.
// The io kernels are left out: a fuzzed graph must not write, rename or
// delete files (SaveV2, MergeV2Checkpoints) or read arbitrary paths.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels/all_kernels.h"
#include "ops/all_ops.h"
#include "proto/graph_io.h"
#include "session/session.h"

namespace {

constexpr int kMaxFetches = 8;
constexpr int64_t kMaxFeedElements = 1 << 12;

using graphflow::DataType;
using graphflow::Tensor;

// Small values (-3..3) so feeds exercise kernels, not float-to-int overflow.
int64_t SmallValue(absl::string_view bytes, int64_t i) {
  if (bytes.empty()) return 1;
  return static_cast<unsigned char>(bytes[i % bytes.size()]) % 7 - 3;
}

template <typename T>
void FillSmall(Tensor& t, absl::string_view bytes) {
  T* out = t.data<T>();
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    if constexpr (std::is_same_v<T, std::string>) {
      out[i] = std::string(1, static_cast<char>('d' + SmallValue(bytes, i)));
    } else {
      out[i] = static_cast<T>(SmallValue(bytes, i));
    }
  }
}

// A feed for `node`'s declared dtype and shape, or an invalid Tensor when
// graphflow has no such dtype or the shape is too large to feed cheaply.
Tensor MakeFeed(const graphflow::Node& node, absl::string_view bytes) {
  const graphflow::PartialShape& declared = node.output_shape(0);
  std::vector<int64_t> dims;
  if (declared.known_rank()) {
    for (int64_t d : declared.dims()) dims.push_back(d < 0 ? 2 : d);
  } else {
    dims.push_back(2);
  }
  auto shape = graphflow::TensorShape::Make(dims);
  if (!shape.ok() || shape->num_elements() > kMaxFeedElements) return {};
  auto feed = Tensor::Allocate(node.output_type(0), *shape);
  if (!feed.ok()) return {};
  switch (feed->dtype()) {
    case graphflow::DT_FLOAT:
      FillSmall<float>(*feed, bytes);
      break;
    case graphflow::DT_DOUBLE:
      FillSmall<double>(*feed, bytes);
      break;
    case graphflow::DT_INT32:
      FillSmall<int32_t>(*feed, bytes);
      break;
    case graphflow::DT_INT64:
      FillSmall<int64_t>(*feed, bytes);
      break;
    case graphflow::DT_UINT8:
      FillSmall<uint8_t>(*feed, bytes);
      break;
    case graphflow::DT_INT8:
      FillSmall<int8_t>(*feed, bytes);
      break;
    case graphflow::DT_INT16:
      FillSmall<int16_t>(*feed, bytes);
      break;
    case graphflow::DT_UINT16:
      FillSmall<uint16_t>(*feed, bytes);
      break;
    case graphflow::DT_BOOL:
      FillSmall<bool>(*feed, bytes);
      break;
    case graphflow::DT_STRING:
      FillSmall<std::string>(*feed, bytes);
      break;
    default:
      return {};
  }
  return *feed;
}

// Every standard kernel except the io family's.
const graphflow::KernelRegistry& KernelsWithoutIo() {
  static const graphflow::KernelRegistry* registry = [] {
    graphflow::KernelRegistry io;
    (void)graphflow::RegisterIoKernels(io);
    const graphflow::KernelRegistry& all = graphflow::GlobalKernelRegistry();
    auto* r = new graphflow::KernelRegistry();
    for (const std::string& name : all.OpNames()) {
      if (io.Find(name) == nullptr) (void)r->Register(name, *all.Find(name));
    }
    return r;
  }();
  return *registry;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto graph_def = graphflow::ParseGraphDef(bytes, "fuzz.pbtxt");
  if (!graph_def.ok()) return 0;
  graphflow::SessionOptions options;
  options.limits.max_tensor_bytes = 16 << 20;
  options.seed = 1;
  options.kernels = &KernelsWithoutIo();
  auto session = graphflow::Session::Create(
      *graph_def, graphflow::GlobalOpRegistry(), options);
  if (!session.ok()) return 0;
  const graphflow::Graph& graph = (*session)->graph();
  graphflow::NamedTensors feeds;
  for (const auto& node : graph.nodes()) {
    if (node->op() != "Placeholder" || node->num_outputs() != 1) continue;
    Tensor feed = MakeFeed(*node, bytes);
    if (feed.valid()) feeds.emplace_back(node->name(), std::move(feed));
  }
  // The last nodes are usually the graph's outputs, which need the most of
  // it; each runs alone so one failing fetch does not hide the others.
  int fetched = 0;
  for (auto it = graph.nodes().rbegin();
       it != graph.nodes().rend() && fetched < kMaxFetches; ++it) {
    const graphflow::Node& node = **it;
    if (node.num_outputs() == 0) {
      (*session)->Run(feeds, {}, {node.name()}).IgnoreError();
    } else {
      (*session)->Run(feeds, {node.name()}).IgnoreError();
    }
    ++fetched;
  }
  return 0;
}
