// Numeric checks of the array family's gradients, and that a gradient graph
// mixing the array families survives a GraphDef round trip.
#include "gmock/gmock.h"
#include "ops/gradients.h"
#include "ops/math_ops.h"
#include "tests/ops/array_ops_test_util.h"

namespace graphflow {
namespace {

using testing::CheckGrad;
using testing::GradOps;
using ::testing::HasSubstr;
using testing::I32;
using testing::I64;
using testing::Ph;
using testing::RandomTensor;

TEST(ArrayGradTest, ReshapeWithInferredDim) {
  for (DataType t : {DT_FLOAT, DT_DOUBLE}) {
    for (bool known : {true, false}) {
      Scope s = NewRootScope();
      Output x = Ph(s, known ? PartialShape({2, 6}) : PartialShape(), t);
      Output y = ops::Reshape(s.WithOpName("r"), x, {3, -1});
      CHECK_GRAD(s, {x}, {RandomTensor(t, {2, 6}, 1)}, y);
      // A known input shape becomes a Const, as array_ops.shape does in TF.
      EXPECT_THAT(GradOps(s, "r"),
                  ::testing::Contains(known ? "Const" : "Shape"));
    }
  }
}

TEST(ArrayGradTest, ExpandDimsAndSqueezeWithNegativeAxes) {
  Scope s = NewRootScope();
  Output x = Ph(s, {-1, 3});
  Output e = ops::ExpandDims(s, x, -1);  // [?, 3, 1]
  Output y = ops::Squeeze(s, ops::ExpandDims(s, e, 0), {-1, 0});
  CHECK_GRAD(s, {x}, {RandomTensor(DT_FLOAT, {2, 3}, 2)}, y);
  CHECK_GRAD(s, {x}, {RandomTensor(DT_FLOAT, {4, 3}, 3)}, e);
}

TEST(ArrayGradTest, IdentityNPassesEachGradientAndZerosTheUnused) {
  Scope s = NewRootScope();
  Output a = Ph(s, {2}), b = Ph(s, {3});
  OutputList out = ops::IdentityN(s, {a, b});
  std::vector<Tensor> values = {RandomTensor(DT_FLOAT, {2}, 4),
                                RandomTensor(DT_FLOAT, {3}, 5)};
  CHECK_GRAD(s, {a, b}, values, out[1]);
  std::vector<Output> grads;
  ASSERT_OK(AddSymbolicGradients(s, {out[1]}, {a}, &grads));
  EXPECT_TENSOR_NEAR(
      testing::Eval(s, grads[0], {{a, values[0]}, {b, values[1]}}),
      testing::F({0, 0}, {2}));
}

TEST(ArrayGradTest, StopGradientStopsAndPreventGradientFailsNamingTheNode) {
  Scope s = NewRootScope();
  Output x = Ph(s, {2});
  Output y = ops::Pack(s, {ops::StopGradient(s, x), x});
  std::vector<Output> grads;
  ASSERT_OK(AddSymbolicGradients(s, {ops::StopGradient(s, x)}, {x}, &grads));
  EXPECT_FALSE(grads[0].valid());
  ASSERT_OK(AddSymbolicGradients(s, {y}, {x}, &grads));
  EXPECT_TENSOR_NEAR(testing::Eval(s, grads[0], {{x, testing::F({1, 2}, {2})}}),
                     testing::F({1, 1}, {2}));

  Output p = ops::PreventGradient(s.WithOpName("guard"), x, "no second order");
  absl::Status st = AddSymbolicGradients(s, {p}, {x}, &grads);
  EXPECT_EQ(st.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(st.message(), HasSubstr("'guard'"));
  EXPECT_THAT(st.message(),
              HasSubstr("Gradient explicitly disabled. Reason: no second "
                        "order"));
}

TEST(ArrayGradTest, TransposeUsesInvertPermutation) {
  Scope s = NewRootScope();
  Output x = Ph(s, {2, 3, 4});
  Output y = ops::Transpose(s.WithOpName("t"), x, {2, 0, 1});
  CHECK_GRAD(s, {x}, {RandomTensor(DT_FLOAT, {2, 3, 4}, 19)}, y);
  EXPECT_THAT(GradOps(s, "t"), ::testing::Contains("InvertPermutation"));
}

TEST(ArrayGradTest, FillSumsIntoTheValue) {
  Scope s = NewRootScope();
  Output v = Ph(s, PartialShape::UnknownOfRank(0));
  Output y = ops::Fill(s, {2, 3}, v);
  CHECK_GRAD(s, {v}, {Tensor::Scalar(0.5f)}, y);
  Output dims = Ph(s, {-1}, DT_INT32);  // Unknown rank of the output.
  Output y2 = ops::Fill(s, dims, v);
  CHECK_GRAD(s, {v}, {Tensor::Scalar(0.5f)}, ops::Fill(s, {3}, v));
  std::vector<Output> grads;
  ASSERT_OK(AddSymbolicGradients(s, {y2}, {v}, &grads));
  EXPECT_TENSOR_NEAR(
      testing::Eval(s, grads[0],
                    {{v, Tensor::Scalar(1.0f)}, {dims, I32({2, 2}, {2})}}),
      Tensor::Scalar(4.0f));
}

// Every kind of array gradient in one graph: the GraphDef written back
// imports to the same graph and computes the same gradients.
TEST(ArrayGradTest, MixedGradientGraphRoundTrips) {
  Scope s = NewRootScope();
  Output x = Ph(s.WithOpName("x"), {-1, 4});
  Output t = ops::Transpose(s, ops::Tile(s, x, {1, 2}), {1, 0});  // [8, ?]
  Output sl = ops::Slice(s, t, {1, 0}, {-1, -1});                 // [7, ?]
  Output ss = ops::StridedSlice(s, sl, {0, -1}, {0, 0}, {2, -1},
                                {.begin_mask = 1, .end_mask = 3});  // [4, ?]
  Output p = ops::Pad(s, ss, I32({0, 1, 2, 0}, {2, 2}));            // [5, ?]
  OutputList parts = ops::Split(s, 0, ops::Reshape(s, p, {-1}), 5);
  Output st = ops::DynamicStitch(
      s, {I32({1}, {1}), I32({0}, {1})},
      {ops::ExpandDims(s, parts[3], 0), ops::ExpandDims(s, parts[1], 0)});
  Output y = ops::Squeeze(s, ops::ConcatV2(s, {st, st}, 1));
  std::vector<Output> grads;
  ASSERT_OK(AddSymbolicGradients(s, {y}, {x}, &grads));
  Tensor value = RandomTensor(DT_FLOAT, {3, 4}, 30);
  Tensor want = testing::Eval(s, grads[0], {{x, value}});

  std::unique_ptr<Session> session = testing::RoundTripSession(s);
  ASSERT_NE(session, nullptr);
  auto got = session->Run({{"x", value}}, {grads[0].name()});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TENSOR_NEAR((*got)[0], want);
  CHECK_GRAD(s, {x}, {value}, y);
}

}  // namespace
}  // namespace graphflow
