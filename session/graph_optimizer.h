// The plan-time graph optimizer, in the spirit of TensorFlow's Grappler
// remapper: rewrites the nodes one Session::Run needs into fused kernels
// before the plan is built. The graph itself is never changed (files written
// from it stay plain TensorFlow); fused nodes live in a graph the plan owns.
//
// Rewrites (each only where every value it removes is read by nothing else
// in the plan, and is neither fed nor fetched):
//  - MaxPool whose gradient MaxPoolGrad is in the plan becomes
//    MaxPoolWithArgmax, and the gradient MaxPoolGradWithArgmax: the backward
//    pass no longer searches every window again. Bit-identical.
//  - ReluGrad(MaxPoolGradWithArgmax(x, ...), x) becomes one
//    _FusedMaxPoolGradReluGrad, ReluGrad's mask read off the pooled maximum.
//    Bit-identical. When a BiasAddGrad reads that value too (conv ->
//    BiasAdd -> relu -> pool), the fused node gives the bias gradient as
//    well, summed over the pooled cells instead of the dense gradient:
//    equal up to float rounding.
//  - When that value's one reader is Conv2DBackpropFilter, the three become
//    _FusedMaxPoolGradConv2DBackpropFilter, summing over the pooled cells
//    only (1/64 of the terms for an 8x8 pool). Equal up to float rounding:
//    the sums are in another order.
//  - Conv2D / MatMul followed by BiasAdd and/or Relu become _FusedConv2D /
//    _FusedMatMul: one pass over the output instead of two or three.
//    Bit-identical (the same float operations in the same order).
//  - A max pool of a _FusedConv2D becomes _FusedConv2DMaxPool, which writes
//    the activation only when something else reads it (the filter gradient
//    above does not: in the course network's training step the 64x64x8
//    conv1 output is never stored), and the argmax only when the pool was
//    a MaxPoolWithArgmax (a plain MaxPool has none to read). Bit-identical.
//  - ApplyAdam whose gradient is a MatMul's product (a dense layer's weight
//    gradient x^T dy, directly or through the Identity of TF's gradient
//    tuples) becomes _FusedMatMulApplyAdam: the product is applied to the
//    variables a band of rows at a time and never written out. When the
//    layer's input gradient MatMul(dy, w, transpose_b) is in the plan too,
//    and the update can move up to its place (its inputs ready there, and
//    nothing in between reading the variables; Consts, variables and their
//    reads it needs then run first), the fused node takes that place and
//    gives the input gradient as well, from each band of weights before the
//    band's update: one pass over the weights instead of three. Equal up to
//    float rounding: the products' sums are another GEMM's.
// SessionOptions::optimize = false turns it off.
#ifndef GRAPHFLOW_SESSION_GRAPH_OPTIMIZER_H_
#define GRAPHFLOW_SESSION_GRAPH_OPTIMIZER_H_

#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "graph/graph.h"
#include "kernels/kernel.h"

namespace graphflow {

// One node of an optimized plan: a node of the session's graph or a fused
// one, reading `inputs` (outputs of either).
struct PlanNode {
  const Node* node;
  std::vector<Endpoint> inputs;
};

struct OptimizedNodes {
  std::vector<PlanNode> nodes;  // In execution order.
  // Outputs of the session's graph now produced by a fused node.
  absl::flat_hash_map<Endpoint, Endpoint> renamed;
  // Owns the fused nodes (and the placeholders standing for their inputs).
  std::unique_ptr<Graph> fused;
};

// `order`: the nodes a run needs, topologically sorted. Values in `fed` and
// `fetched` are kept as they are; a rewrite happens only when `kernels` has
// the fused op's kernel. Without `optimize`, returns `order` as is.
OptimizedNodes OptimizeNodes(const Graph& graph, const KernelRegistry& kernels,
                             const std::vector<const Node*>& order,
                             const absl::flat_hash_set<Endpoint>& fed,
                             const absl::flat_hash_set<Endpoint>& fetched,
                             bool optimize);

}  // namespace graphflow

#endif  // GRAPHFLOW_SESSION_GRAPH_OPTIMIZER_H_
