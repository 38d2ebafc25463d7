// Fuzzes the text GraphDef reader (ParseGraphDef) and, for graphs it
// accepts, the import into graphflow's in-memory Graph (attr parsing and
// shape inference) and the export back. Any error Status is fine; a crash,
// leak or undefined behaviour is a bug.
#include <cstddef>
#include <cstdint>

#include "graph/graph_def.h"
#include "ops/all_ops.h"
#include "proto/graph_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto graph_def = graphflow::ParseGraphDef(bytes, "fuzz.pbtxt");
  if (!graph_def.ok()) return 0;
  auto graph =
      graphflow::GraphFromGraphDef(*graph_def, graphflow::GlobalOpRegistry());
  if (!graph.ok()) return 0;
  tensorflow::GraphDef exported = graphflow::GraphToGraphDef(**graph);
  graphflow::SerializeGraphDef(exported, graphflow::GraphFormat::kText);
  return 0;
}
