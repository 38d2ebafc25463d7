// NodeDefs spelled as TF 1.x writes them (all attrs present, Tlabels int64)
// import and run: the nn schemas accept what real graph files carry.
#include "gtest/gtest.h"
#include "proto/graph_io.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;

constexpr char kGraph[] = R"pb(
  node {
    name: "x"
    op: "Placeholder"
    attr {
      key: "dtype"
      value { type: DT_FLOAT }
    }
    attr {
      key: "shape"
      value {
        shape {
          dim { size: -1 }
          dim { size: 3 }
          dim { size: 3 }
          dim { size: 1 }
        }
      }
    }
  }
  node {
    name: "conv1/Relu"
    op: "Relu"
    input: "x"
    attr {
      key: "T"
      value { type: DT_FLOAT }
    }
  }
  node {
    name: "pool1/MaxPool"
    op: "MaxPool"
    input: "conv1/Relu"
    attr {
      key: "T"
      value { type: DT_FLOAT }
    }
    attr {
      key: "data_format"
      value { s: "NHWC" }
    }
    attr {
      key: "ksize"
      value { list { i: 1 i: 2 i: 2 i: 1 } }
    }
    attr {
      key: "padding"
      value { s: "SAME" }
    }
    attr {
      key: "strides"
      value { list { i: 1 i: 2 i: 2 i: 1 } }
    }
  }
  node {
    name: "logits"
    op: "Placeholder"
    attr {
      key: "dtype"
      value { type: DT_FLOAT }
    }
    attr {
      key: "shape"
      value {
        shape {
          dim { size: -1 }
          dim { size: 2 }
        }
      }
    }
  }
  node {
    name: "labels"
    op: "Placeholder"
    attr {
      key: "dtype"
      value { type: DT_INT64 }
    }
    attr {
      key: "shape"
      value { shape { dim { size: -1 } } }
    }
  }
  node {
    name: "output_node"
    op: "Softmax"
    input: "logits"
    attr {
      key: "T"
      value { type: DT_FLOAT }
    }
  }
  node {
    name: "xentropy"
    op: "SparseSoftmaxCrossEntropyWithLogits"
    input: "logits"
    input: "labels"
    attr {
      key: "T"
      value { type: DT_FLOAT }
    }
    attr {
      key: "Tlabels"
      value { type: DT_INT64 }
    }
  }
)pb";

TEST(NnGraphDefTest, TfNodeDefsImportAndRun) {
  auto graph_def = ParseGraphDef(kGraph, "nn_graph");
  ASSERT_OK(graph_def.status());
  auto session = Session::Create(*graph_def, GlobalOpRegistry());
  ASSERT_OK(session.status());
  const Graph& g = (*session)->graph();
  EXPECT_EQ(g.FindNode("pool1/MaxPool")->output_shape(0),
            PartialShape({-1, 2, 2, 1}));
  EXPECT_EQ(g.FindNode("xentropy")->output_shape(1), PartialShape({-1, 2}));
  auto out = (*session)->Run(
      {{"x", F({-1, 2, -3, 4, -5, 6, -7, 8, -9}, {1, 3, 3, 1})},
       {"logits", F({0, 0, 100, -100}, {2, 2})},
       {"labels", Tensor::FromVector<int64_t>({1, 1}, {2})}},
      {"pool1/MaxPool", "output_node", "xentropy:0", "xentropy:1"});
  ASSERT_OK(out.status());
  EXPECT_TENSOR_NEAR((*out)[0], F({4, 6, 8, 0}, {1, 2, 2, 1}), 0);
  EXPECT_TENSOR_NEAR((*out)[1], F({0.5f, 0.5f, 1, 0}, {2, 2}), 0);
  EXPECT_TENSOR_NEAR((*out)[2], F({std::log(2.0f), 200}, {2}), 1e-6);
  EXPECT_TENSOR_NEAR((*out)[3], F({0.5f, -0.5f, 1, -1}, {2, 2}), 0);
}

}  // namespace
}  // namespace graphflow
