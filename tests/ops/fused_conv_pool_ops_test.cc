// _FusedConv2DMaxPool (ops/fused_ops.cc) run directly: its activation,
// pooled output and argmax equal Relu(BiasAdd(Conv2D)) and
// MaxPoolWithArgmax of it bit for bit, on the banded path (direct conv
// kernels: 8 or 16 output channels), the chunked path (oneDNN conv, a few
// images at a time) and the whole-conv path (other widths), with windows that
// tile the rows, overlap or leave rows out, with and without the activation;
// bad attrs and biases name the node.
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/dnnl_conv.h"
#include "ops/conv_ops.h"
#include "ops/nn_ops.h"
#include "ops/pooling_ops.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::EvalAll;
using testing::EvalStatus;

Tensor Random(const TensorShape& shape, int seed, int levels = 0) {
  Tensor t(DT_FLOAT, shape);
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  std::uniform_int_distribution<int> level(-levels, levels);
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    // With levels, few distinct values: ties in the pooling windows.
    t.data<float>()[i] = levels > 0 ? 0.25f * level(gen) : u(gen);
  }
  return t;
}

struct Case {
  TensorShape input, filter;
  std::vector<int64_t> conv_strides;
  std::string conv_padding;
  std::vector<int64_t> ksize, pool_strides;
  std::string pool_padding;
};

AttrMap FusedAttrs(const Case& c, std::vector<std::string> fused_ops, bool emit,
                   DataType targmax, bool emit_argmax = true) {
  const int64_t num_args = fused_ops.front() == "BiasAdd" ? 1 : 0;
  return {{"strides", c.conv_strides},
          {"padding", c.conv_padding},
          {"fused_ops", std::move(fused_ops)},
          {"num_args", num_args},
          {"ksize", c.ksize},
          {"pool_strides", c.pool_strides},
          {"pool_padding", c.pool_padding},
          {"Targmax", targmax},
          {"emit_activation", emit},
          {"emit_argmax", emit_argmax}};
}

void ExpectEqualsChain(const Case& c, int levels) {
  SCOPED_TRACE(c.input.DebugString() + " * " + c.filter.DebugString() +
               " pool " + c.pool_padding);
  Scope s = NewRootScope();
  Output x = ops::Const(s, Random(c.input, 1, levels));
  Output w = ops::Const(s, Random(c.filter, 2, levels));
  Output b = ops::Const(s, Random({c.filter.dim(3)}, 3, levels));
  Output conv = ops::Conv2D(s, x, w, c.conv_strides, c.conv_padding);
  Output act = ops::Relu(s, ops::BiasAdd(s, conv, b));
  auto pooled = ops::MaxPoolWithArgmax(s, act, c.ksize, c.pool_strides,
                                       c.pool_padding, DT_INT64);
  auto pooled32 = ops::MaxPoolWithArgmax(s, act, c.ksize, c.pool_strides,
                                         c.pool_padding, DT_INT32);
  OutputList with = s.AddOp("_FusedConv2DMaxPool", {x, w, b},
                            FusedAttrs(c, {"BiasAdd", "Relu"}, true, DT_INT64));
  OutputList without =
      s.AddOp("_FusedConv2DMaxPool", {x, w, b},
              FusedAttrs(c, {"BiasAdd", "Relu"}, false, DT_INT32));
  OutputList no_argmax =
      s.AddOp("_FusedConv2DMaxPool", {x, w, b},
              FusedAttrs(c, {"BiasAdd", "Relu"}, false, DT_INT64, false));
  // Without the relu: negative maxima too.
  Output no_relu = ops::BiasAdd(s, conv, b);
  auto biased = ops::MaxPoolWithArgmax(s, no_relu, c.ksize, c.pool_strides,
                                       c.pool_padding, DT_INT64);
  OutputList bias_only = s.AddOp("_FusedConv2DMaxPool", {x, w, b},
                                 FusedAttrs(c, {"BiasAdd"}, true, DT_INT64));
  ASSERT_TRUE(s.status().ok()) << s.status();
  std::vector<Tensor> out =
      EvalAll(s, {act, pooled.output, pooled.argmax, with[0], with[1], with[2],
                  pooled32.argmax, without[0], without[1], without[2], no_relu,
                  biased.output, biased.argmax, bias_only[0], bias_only[1],
                  bias_only[2], no_argmax[1], no_argmax[2]});
  EXPECT_TRUE(TensorsEqual(out[0], out[3]));
  EXPECT_TRUE(TensorsEqual(out[1], out[4]));
  EXPECT_TRUE(TensorsEqual(out[2], out[5]));
  EXPECT_EQ(out[7].num_elements(), 0);
  EXPECT_TRUE(TensorsEqual(out[1], out[8]));
  EXPECT_TRUE(TensorsEqual(out[6], out[9]));
  EXPECT_TRUE(TensorsEqual(out[10], out[13]));
  EXPECT_TRUE(TensorsEqual(out[11], out[14]));
  EXPECT_TRUE(TensorsEqual(out[12], out[15]));
  EXPECT_TRUE(TensorsEqual(out[1], out[16]));
  EXPECT_EQ(out[17].num_elements(), 0);
}

TEST(FusedConvPoolOpsTest, EqualsTheChainBitForBit) {
  const std::vector<int64_t> one = {1, 1, 1, 1};
  const std::vector<Case> cases = {
      // The course network's conv1 and pool (banded, windows tile rows).
      {{2, 16, 16, 3},
       {4, 4, 3, 8},
       one,
       "SAME",
       {1, 8, 8, 1},
       {1, 8, 8, 1},
       "SAME"},
      // Rows left out by VALID pooling; stride-2 conv; 16 channels.
      {{2, 13, 11, 2},
       {3, 3, 2, 16},
       {1, 2, 1, 1},
       "VALID",
       {1, 2, 2, 1},
       {1, 2, 2, 1},
       "VALID"},
      // Overlapping windows (3x3 stride 2) and padded SAME windows.
      {{3, 9, 10, 3},
       {2, 3, 3, 8},
       one,
       "SAME",
       {1, 3, 3, 1},
       {1, 2, 2, 1},
       "SAME"},
      // 6 output channels: no direct kernel, the whole-conv path.
      {{2, 8, 8, 4},
       {3, 3, 4, 6},
       one,
       "SAME",
       {1, 2, 2, 1},
       {1, 2, 2, 1},
       "SAME"},
      // Wide channels (oneDNN when built in), whole-conv path.
      {{2, 6, 6, 16},
       {3, 3, 16, 32},
       one,
       "SAME",
       {1, 2, 2, 1},
       {1, 2, 2, 1},
       "VALID"},
  };
  for (const Case& c : cases) {
    ExpectEqualsChain(c, 0);
    ExpectEqualsChain(c, 2);  // Ties everywhere: the first maximum wins.
  }
}

TEST(FusedConvPoolOpsTest, OneDnnChunksEqualTheChainBitForBit) {
  if (!HaveOneDnn()) GTEST_SKIP() << "built without oneDNN";
  const ComputeBackend saved =
      SetComputeBackendForTesting(ComputeBackend::kOneDnn);
  const std::vector<int64_t> one = {1, 1, 1, 1};
  // 40x40x64 outputs: one image per chunk, 5 chunks over the shards; then
  // small images, several per chunk, and a pool leaving a row out.
  const std::vector<Case> cases = {{{5, 40, 40, 4},
                                    {3, 3, 4, 64},
                                    one,
                                    "SAME",
                                    {1, 2, 2, 1},
                                    {1, 2, 2, 1},
                                    "SAME"},
                                   {{7, 9, 9, 3},
                                    {2, 2, 3, 32},
                                    one,
                                    "VALID",
                                    {1, 3, 3, 1},
                                    {1, 3, 3, 1},
                                    "VALID"}};
  for (const Case& c : cases) {
    ExpectEqualsChain(c, 0);
    ExpectEqualsChain(c, 2);
  }
  SetComputeBackendForTesting(saved);
}

// Stride-1 3x3 / 5x5 convs with 16n channels run Winograd, chunked too:
// 14x14x64 outputs (mnist_deep's conv2), five images per chunk over the
// shards, and a 3x3 filter with partial tiles and a pool leaving a row out.
TEST(FusedConvPoolOpsTest, WinogradChunksEqualTheChainBitForBit) {
  const ComputeBackend saved =
      SetComputeBackendForTesting(ComputeBackend::kAuto);
  const std::vector<int64_t> one = {1, 1, 1, 1};
  const std::vector<Case> cases = {{{13, 14, 14, 32},
                                    {5, 5, 32, 64},
                                    one,
                                    "SAME",
                                    {1, 2, 2, 1},
                                    {1, 2, 2, 1},
                                    "SAME"},
                                   {{3, 11, 11, 16},
                                    {3, 3, 16, 32},
                                    one,
                                    "VALID",
                                    {1, 2, 2, 1},
                                    {1, 2, 2, 1},
                                    "VALID"}};
  for (const Case& c : cases) {
    ExpectEqualsChain(c, 0);
    ExpectEqualsChain(c, 2);
  }
  SetComputeBackendForTesting(saved);
}

TEST(FusedConvPoolOpsTest, BadAttrsAndBiasesNameTheNode) {
  const Case c = {{1, 4, 4, 2}, {2, 2, 2, 8}, {1, 1, 1, 1}, "SAME",
                  {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME"};
  Scope s = NewRootScope();
  Output x = ops::Const(s, Random(c.input, 4));
  Output w = ops::Const(s, Random(c.filter, 5));
  Output short_bias = ops::Const(s, Random({3}, 6));
  Output bad_bias =
      s.WithOpName("fused_bias")
          .AddOp("_FusedConv2DMaxPool", {x, w, short_bias},
                 FusedAttrs(c, {"BiasAdd", "Relu"}, true, DT_INT64))[1];
  AttrMap depth_pool = FusedAttrs(c, {"Relu"}, true, DT_INT64);
  depth_pool["ksize"] = std::vector<int64_t>{1, 2, 2, 2};
  Output bad_pool = s.WithOpName("fused_pool")
                        .AddOp("_FusedConv2DMaxPool", {x, w}, depth_pool)[1];
  ASSERT_TRUE(s.status().ok()) << s.status();
  absl::Status status = EvalStatus(s, bad_bias);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_NE(status.message().find("fused_bias"), std::string::npos) << status;
  EXPECT_NE(status.message().find("bias must have shape [8]"),
            std::string::npos)
      << status;
  status = EvalStatus(s, bad_pool);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_NE(status.message().find("fused_pool"), std::string::npos) << status;
}

}  // namespace
}  // namespace graphflow
