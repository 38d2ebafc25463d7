// One registration function per op family (ops/<family>_ops.cc); all_ops.cc
// calls each once.
#ifndef GRAPHFLOW_OPS_REGISTRATION_H_
#define GRAPHFLOW_OPS_REGISTRATION_H_

#include "absl/status/status.h"
#include "graph/op_registry.h"

namespace graphflow {

absl::Status RegisterStateOps(OpRegistry& registry);  // state_ops.cc
absl::Status RegisterArrayOps(OpRegistry& registry);  // array_ops.cc
// Part of the array family, called by RegisterArrayOps.
absl::Status RegisterArrayReverseOps(OpRegistry& r);  // array_reverse_ops.cc
absl::Status RegisterArraySliceOps(OpRegistry& registry);  // array_slice_ops.cc
// Part of the array_slice family, called by RegisterArraySliceOps.
absl::Status RegisterArrayNdOps(OpRegistry& r);           // array_nd_ops.cc
absl::Status RegisterArrayJoinOps(OpRegistry& registry);  // array_join_ops.cc
absl::Status RegisterMathOps(OpRegistry& registry);       // math_ops.cc
absl::Status RegisterMathUnaryOps(OpRegistry& registry);  // math_unary_ops.cc
absl::Status RegisterMatMulOps(OpRegistry& registry);     // matmul_ops.cc
absl::Status RegisterReductionOps(OpRegistry& registry);  // reduction_ops.cc
absl::Status RegisterNnOps(OpRegistry& registry);         // nn_ops.cc
absl::Status RegisterPoolingOps(OpRegistry& registry);    // pooling_ops.cc
absl::Status RegisterConvOps(OpRegistry& registry);       // conv_ops.cc
absl::Status RegisterFusedOps(OpRegistry& registry);      // fused_ops.cc
absl::Status RegisterBatchNormOps(OpRegistry& registry);  // batch_norm_ops.cc
absl::Status RegisterRandomOps(OpRegistry& registry);     // random_ops.cc
absl::Status RegisterTrainingOps(OpRegistry& registry);   // training_ops.cc
absl::Status RegisterIoOps(OpRegistry& registry);         // io_ops.cc
absl::Status RegisterLoggingOps(OpRegistry& registry);    // logging_ops.cc
// resource_variable_ops.cc
absl::Status RegisterResourceVariableOps(OpRegistry& registry);
absl::Status RegisterStackOps(OpRegistry& registry);  // stack_ops.cc
// tensor_array_ops.cc
absl::Status RegisterTensorArrayOps(OpRegistry& registry);
absl::Status RegisterLookupOps(OpRegistry& registry);   // lookup_ops.cc
absl::Status RegisterSegmentOps(OpRegistry& registry);  // segment_ops.cc
// control_flow_ops.cc
absl::Status RegisterControlFlowOps(OpRegistry& registry);

}  // namespace graphflow

#endif  // GRAPHFLOW_OPS_REGISTRATION_H_
