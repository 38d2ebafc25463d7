// The graph optimizer's fused ops (ops/fused_ops.cc), run directly:
// _FusedConv2D and _FusedMatMul equal their unfused chains bit for bit, and
// every fused op refuses bad attrs, shapes and hostile argmax values with an
// error naming the node. (session/graph_optimizer_test.cc covers the
// rewrites that put them in a plan.)
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ops/conv_ops.h"
#include "ops/matmul_ops.h"
#include "ops/nn_ops.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::EvalAll;
using testing::EvalStatus;
using testing::F;
using testing::I32;
using testing::I64;

Tensor Random(const TensorShape& shape, int seed) {
  Tensor t(DT_FLOAT, shape);
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = u(gen);
  return t;
}

AttrMap Fused(std::vector<std::string> fused_ops, int64_t num_args,
              AttrMap attrs) {
  attrs["fused_ops"] = std::move(fused_ops);
  attrs["num_args"] = num_args;
  return attrs;
}

const AttrMap kConvAttrs = {{"strides", std::vector<int64_t>{1, 2, 1, 1}},
                            {"padding", std::string("SAME")}};

TEST(FusedOpsTest, FusedConv2DEqualsItsChain) {
  Scope s = NewRootScope();
  Output x = ops::Const(s, Random({2, 7, 5, 3}, 1));
  Output w = ops::Const(s, Random({3, 2, 3, 6}, 2));
  Output b = ops::Const(s, Random({6}, 3));
  Output conv = ops::Conv2D(s, x, w, {1, 2, 1, 1}, "SAME");
  Output bias = ops::BiasAdd(s, conv, b);
  std::vector<Output> fetches = {
      ops::Relu(s, bias),
      s.AddOp1("_FusedConv2D", {x, w, b},
               Fused({"BiasAdd", "Relu"}, 1, kConvAttrs)),
      bias,
      s.AddOp1("_FusedConv2D", {x, w, b}, Fused({"BiasAdd"}, 1, kConvAttrs)),
      ops::Relu(s, conv),
      s.AddOp1("_FusedConv2D", {x, w}, Fused({"Relu"}, 0, kConvAttrs))};
  ASSERT_TRUE(s.status().ok()) << s.status();
  std::vector<Tensor> out = EvalAll(s, fetches);
  for (int i = 0; i < 6; i += 2) {
    EXPECT_TRUE(TensorsEqual(out[i], out[i + 1])) << i;
  }
}

TEST(FusedOpsTest, FusedMatMulEqualsItsChain) {
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      Scope s = NewRootScope();
      Output a =
          ops::Const(s, Random(ta ? TensorShape{5, 4} : TensorShape{4, 5}, 4));
      Output m =
          ops::Const(s, Random(tb ? TensorShape{3, 5} : TensorShape{5, 3}, 5));
      Output b = ops::Const(s, Random({3}, 6));
      AttrMap attrs = {{"transpose_a", ta}, {"transpose_b", tb}};
      Output chain =
          ops::Relu(s, ops::BiasAdd(s, ops::MatMul(s, a, m, ta, tb), b));
      Output fused = s.AddOp1("_FusedMatMul", {a, m, b},
                              Fused({"BiasAdd", "Relu"}, 1, attrs));
      ASSERT_TRUE(s.status().ok()) << s.status();
      std::vector<Tensor> out = EvalAll(s, {chain, fused});
      EXPECT_TRUE(TensorsEqual(out[0], out[1])) << ta << tb;
    }
  }
}

void ExpectError(const Scope& s, const Output& fetch, absl::StatusCode code,
                 absl::string_view text) {
  absl::Status status = EvalStatus(s, fetch);
  EXPECT_EQ(status.code(), code) << status;
  EXPECT_NE(status.message().find(text), std::string::npos) << status;
  EXPECT_NE(status.message().find("fused"), std::string::npos) << status;
}

TEST(FusedOpsTest, BadFusedOpsAndBiasesNameTheNode) {
  Scope s = NewRootScope();
  Output x = ops::Const(s, Random({1, 4, 4, 2}, 7));
  Output w = ops::Const(s, Random({2, 2, 2, 3}, 8));
  Output b = ops::Const(s, Random({3}, 9));
  Output reversed = s.WithOpName("fused").AddOp1(
      "_FusedConv2D", {x, w}, Fused({"Relu", "BiasAdd"}, 0, kConvAttrs));
  Output short_bias =
      s.WithOpName("fused_bias")
          .AddOp1("_FusedConv2D", {x, w, ops::Const(s, Random({2}, 10))},
                  Fused({"BiasAdd"}, 1, kConvAttrs));
  Output missing_bias = s.WithOpName("fused_args")
                            .AddOp1("_FusedMatMul",
                                    {ops::Const(s, Random({2, 2}, 11)),
                                     ops::Const(s, Random({2, 2}, 12))},
                                    Fused({"BiasAdd"}, 0, {}));
  ASSERT_TRUE(s.status().ok()) << s.status();
  ExpectError(s, reversed, absl::StatusCode::kUnimplemented,
              "fused_ops must be");
  ExpectError(s, short_bias, absl::StatusCode::kInvalidArgument,
              "bias must be 1-D");
  ExpectError(s, missing_bias, absl::StatusCode::kInvalidArgument,
              "expected 1 args");
  (void)b;
}

TEST(FusedOpsTest, FilterGradientFromArgmaxRefusesHostileInputs) {
  // Conv of a 1x4x4x1 input with a 2x2x1x1 filter, VALID: a 3x3 output,
  // pooled 1x1 (window 3): 9 conv cells per image.
  struct Case {
    TensorShape pooled;
    int64_t argmax;
    std::vector<int32_t> filter_sizes;
    const char* error;
  };
  for (const Case& c :
       {Case{{1, 1, 1, 1}, 9, {2, 2, 1, 1}, "outside the conv output's 9"},
        Case{{1, 1, 1, 1}, -1, {2, 2, 1, 1}, "outside"},
        Case{{2, 1, 1, 1}, 0, {2, 2, 1, 1}, "one pooled shape"},
        Case{{1, 1, 1, 1}, 0, {2, 2, 1, -1}, "must be positive"},
        // Caught by the shape function when the graph is built.
        Case{{1, 1, 1, 1}, 0, {2, 2, 3, 1}, "as in_channels"}}) {
    Scope s = NewRootScope();
    Tensor argmax(DT_INT64, c.pooled);
    for (int64_t& a : argmax.flat<int64_t>()) a = c.argmax;
    Output g = s.WithOpName("fused").AddOp1(
        "_FusedMaxPoolGradConv2DBackpropFilter",
        {ops::Const(s, Random({1, 4, 4, 1}, 13)),
         ops::Const(s, Tensor::FromVector<int32_t>(c.filter_sizes, {4})),
         ops::Const(s, Random(c.pooled, 14)), ops::Const(s, argmax),
         ops::Const(s, Random(c.pooled, 15))},
        {{"strides", std::vector<int64_t>{1, 1, 1, 1}},
         {"padding", std::string("VALID")}});
    if (!s.status().ok()) {
      EXPECT_NE(s.status().message().find(c.error), std::string::npos)
          << s.status();
      continue;
    }
    ExpectError(s, g, absl::StatusCode::kInvalidArgument, c.error);
  }
}

TEST(FusedOpsTest, FilterGradientFromArgmaxHandComputed) {
  // x = 1..16 (4x4), 2x2 filter VALID -> 3x3 conv output; one pooled cell
  // whose maximum is conv cell (1, 2) = offset 5, gradient 2: the filter
  // gradient is 2 * the 2x2 input patch at (1, 2): x[1..2][2..3].
  Scope s = NewRootScope();
  Tensor x(DT_FLOAT, {1, 4, 4, 1});
  for (int i = 0; i < 16; ++i) x.data<float>()[i] = i + 1;
  Output g = s.AddOp1("_FusedMaxPoolGradConv2DBackpropFilter",
                      {ops::Const(s, x), ops::Const(s, I32({2, 2, 1, 1}, {4})),
                       ops::Const(s, F({2}, {1, 1, 1, 1})),
                       ops::Const(s, I64({5}, {1, 1, 1, 1})),
                       ops::Const(s, F({0.5f}, {1, 1, 1, 1}))},
                      {{"strides", std::vector<int64_t>{1, 1, 1, 1}},
                       {"padding", std::string("VALID")}});
  ASSERT_TRUE(s.status().ok()) << s.status();
  std::vector<Tensor> out = EvalAll(s, {g});
  EXPECT_TRUE(TensorsEqual(out[0], F({14, 16, 22, 24}, {2, 2, 1, 1})));
}

}  // namespace
}  // namespace graphflow
