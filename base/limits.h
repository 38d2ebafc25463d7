// Resource limits: one policy, in one place. Every size that comes from a
// file, an attr or a runtime value is checked against one of these before
// anything is allocated, so hostile input is ResourceExhausted naming the node
// or file and the size, never an abort. SessionOptions carries one copy
// (session/session.h); the CLI sets it from --max-tensor-bytes.
#ifndef GRAPHFLOW_BASE_LIMITS_H_
#define GRAPHFLOW_BASE_LIMITS_H_

#include <cstdint>

namespace graphflow {

struct ResourceLimits {
  // Any single tensor: kernel outputs, feeds, tensors read from files. 4 GiB
  // (2^30 floats) is orders of magnitude above any real tensor here, yet a
  // kernel holding inputs, outputs and temporaries of this size still fits a
  // 24 GiB machine.
  int64_t max_tensor_bytes = int64_t{4} << 30;
  // Total bytes materialized while building or importing one graph (Const
  // values, constant evaluation in graph/partial_value.*, shape inference).
  // Real graphs hold their weights in Const nodes only when frozen; 1 GiB
  // covers those while a 400-byte hostile graph cannot ask for more.
  int64_t max_graph_time_bytes = int64_t{1} << 30;
  // Any input file read whole, and any decompressed size. Equal to the tensor
  // limit: a file never holds more than one maximal tensor's worth of data
  // that graphflow keeps.
  int64_t max_file_bytes = int64_t{4} << 30;
};

}  // namespace graphflow

#endif  // GRAPHFLOW_BASE_LIMITS_H_
