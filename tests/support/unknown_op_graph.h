// A GraphDef with ops graphflow has no schema for (an input queue, a dequeue
// and a made-up two-output op), shared by the graph, session and tools tests
// of opaque nodes.
#ifndef GRAPHFLOW_TESTS_SUPPORT_UNKNOWN_OP_GRAPH_H_
#define GRAPHFLOW_TESTS_SUPPORT_UNKNOWN_OP_GRAPH_H_

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "proto/graph.pb.h"

namespace graphflow::testing {

// c = 3.0; q = FIFOQueueV2 (dtype unknown: a handle); deq = QueueDequeueV2(q)
// (float, from component_types); sum = deq + c; twice = c * c;
// fro = Frobnicate(c:0) with attrs of every kind, two outputs (fro:1 is read;
// dtypes unknown, shapes from _output_shapes); id = Identity(fro:1) (T float);
// after = NoOp after ^q.
inline constexpr char kUnknownOpGraphText[] = R"pb(
  node {
    name: "c"
    op: "Const"
    attr {
      key: "dtype"
      value { type: DT_FLOAT }
    }
    attr {
      key: "value"
      value {
        tensor {
          dtype: DT_FLOAT
          tensor_shape {}
          float_val: 3
        }
      }
    }
  }
  node {
    name: "q"
    op: "FIFOQueueV2"
    device: "/device:CPU:0"
    attr {
      key: "capacity"
      value { i: 32 }
    }
    attr {
      key: "component_types"
      value { list { type: DT_FLOAT } }
    }
    attr {
      key: "shapes"
      value { list {} }
    }
    attr {
      key: "shared_name"
      value { s: "" }
    }
  }
  node {
    name: "deq"
    op: "QueueDequeueV2"
    input: "q"
    attr {
      key: "component_types"
      value { list { type: DT_FLOAT } }
    }
    attr {
      key: "timeout_ms"
      value { i: -1 }
    }
  }
  node {
    name: "sum"
    op: "Add"
    input: "deq"
    input: "c"
    attr {
      key: "T"
      value { type: DT_FLOAT }
    }
  }
  node {
    name: "twice"
    op: "Mul"
    input: "c"
    input: "c"
    attr {
      key: "T"
      value { type: DT_FLOAT }
    }
  }
  node {
    name: "fro"
    op: "Frobnicate"
    input: "c:0"
    input: "^twice"
    attr {
      key: "_output_shapes"
      value {
        list {
          shape { dim { size: 2 } }
          shape {}
        }
      }
    }
    attr {
      key: "f"
      value { func { name: "some_fn" } }
    }
    attr {
      key: "ratio"
      value { f: 0.25 }
    }
    attr {
      key: "table"
      value {
        tensor {
          dtype: DT_INT64
          tensor_shape { dim { size: 2 } }
          int64_val: 7
        }
      }
    }
    attr {
      key: "variant"
      value { type: DT_VARIANT }
    }
  }
  node {
    name: "id"
    op: "Identity"
    input: "fro:1"
    attr {
      key: "T"
      value { type: DT_FLOAT }
    }
  }
  node { name: "after" op: "NoOp" input: "^q" }
)pb";

inline tensorflow::GraphDef UnknownOpGraphDef() {
  tensorflow::GraphDef gd;
  EXPECT_TRUE(
      google::protobuf::TextFormat::ParseFromString(kUnknownOpGraphText, &gd));
  gd.mutable_versions()->set_producer(27);
  return gd;
}

}  // namespace graphflow::testing

#endif  // GRAPHFLOW_TESTS_SUPPORT_UNKNOWN_OP_GRAPH_H_
