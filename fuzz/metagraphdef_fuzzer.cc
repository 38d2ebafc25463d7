// Fuzzes the MetaGraphDef reader (ParseGraphDef on .meta bytes, binary or
// text, which returns the embedded graph_def) and the import of that graph.
// Any error Status is fine; a crash, leak or undefined behaviour is a bug.
#include <cstddef>
#include <cstdint>

#include "graph/graph_def.h"
#include "ops/all_ops.h"
#include "proto/graph_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto graph_def = graphflow::ParseGraphDef(bytes, "fuzz.meta");
  if (!graph_def.ok()) return 0;
  auto graph =
      graphflow::GraphFromGraphDef(*graph_def, graphflow::GlobalOpRegistry());
  return 0;
}
