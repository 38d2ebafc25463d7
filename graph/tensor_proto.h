// Conversions between in-memory values and TensorFlow's protos.
#ifndef GRAPHFLOW_GRAPH_TENSOR_PROTO_H_
#define GRAPHFLOW_GRAPH_TENSOR_PROTO_H_

#include "absl/status/statusor.h"
#include "graph/attr_value.h"
#include "graph/op_registry.h"
#include "graph/tensor.h"
#include "proto/attr_value.pb.h"
#include "proto/tensor.pb.h"

namespace graphflow {

// Largest tensor a proto may describe (2 GiB, protobuf's own message limit):
// a shape claiming more is InvalidArgument, never an allocation attempt.
inline constexpr int64_t kMaxProtoTensorBytes = int64_t{1} << 31;

// DeclaredTensorBytes saturates here: sums of it cannot overflow.
inline constexpr int64_t kSaturatedBytes = int64_t{1} << 62;

// The bytes `proto`'s dtype and shape say it holds (unknown dims count as
// 0), without allocating; at most kSaturatedBytes.
int64_t DeclaredTensorBytes(const tensorflow::TensorProto& proto);

// Reads tensor_content bytes or the typed *_val fields (fewer values than
// elements repeat the last one, none means zeros).
absl::StatusOr<Tensor> TensorFromProto(const tensorflow::TensorProto& proto);
// Scalars go to the typed field, larger tensors to tensor_content, as TF's
// tensor_util.make_tensor_proto does.
void TensorToProto(const Tensor& tensor, tensorflow::TensorProto* proto);

absl::StatusOr<PartialShape> ShapeFromProto(
    const tensorflow::TensorShapeProto& proto);
void ShapeToProto(const PartialShape& shape,
                  tensorflow::TensorShapeProto* proto);

// `def` (may be null) gives the type of an empty list.
absl::StatusOr<AttrValue> AttrValueFromProto(const tensorflow::AttrValue& proto,
                                             const AttrDef* def);
void AttrValueToProto(const AttrValue& value, tensorflow::AttrValue* proto);

}  // namespace graphflow

#endif  // GRAPHFLOW_GRAPH_TENSOR_PROTO_H_
