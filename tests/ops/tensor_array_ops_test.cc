// TensorArrayV3 family: write/read/size/gather/scatter/concat/split values,
// TF's error cases (double writes, reads after clear, bounds, shapes, dtype,
// closed arrays), zeros for unwritten elements of known shape, gradient
// arrays summing repeated writes, and numeric checks of the gradients.
#include "ops/tensor_array_ops.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/math_ops.h"
#include "ops/state_ops.h"
#include "tests/support/gradient_checker.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;
using ::testing::HasSubstr;
using testing::I32;
using testing::I64;

absl::Status RunStatus(const Scope& s, const Output& fetch) {
  return testing::EvalStatus(s, fetch);
}

TEST(TensorArrayTest, WriteReadSizeGatherConcat) {
  Scope s = NewRootScope();
  ops::TensorArrayOptions o;
  o.clear_after_read = false;
  auto ta = ops::TensorArrayV3(s, 3, DT_FLOAT, o);
  Output f = ops::TensorArrayWriteV3(s, ta.handle, 0, F({1, 2}, {2}), ta.flow);
  f = ops::TensorArrayWriteV3(s, ta.handle, 2, F({5, 6}, {2}), f);
  f = ops::TensorArrayWriteV3(s, ta.handle, 1, F({3, 4}, {2}), f);
  Output r = ops::TensorArrayReadV3(s, ta.handle, 2, f, DT_FLOAT);
  Output size = ops::TensorArraySizeV3(s, ta.handle, f);
  Output gathered =
      ops::TensorArrayGatherV3(s, ta.handle, I32({2, 0}, {2}), f, DT_FLOAT);
  OutputList concat = ops::TensorArrayConcatV3(s, ta.handle, f, DT_FLOAT);
  auto out = testing::EvalAll(s, {r, size, gathered, concat[0], concat[1]});
  ASSERT_EQ(out.size(), 5u);
  EXPECT_TENSOR_NEAR(out[0], F({5, 6}, {2}));
  EXPECT_EQ(out[1].data<int32_t>()[0], 3);
  EXPECT_TENSOR_NEAR(out[2], F({5, 6, 1, 2}, {2, 2}));
  EXPECT_TENSOR_NEAR(out[3], F({1, 2, 3, 4, 5, 6}, {6}));
  EXPECT_TENSOR_NEAR(out[4], I64({2, 2, 2}, {3}));
}

TEST(TensorArrayTest, ScatterSplitAndDynamicSize) {
  Scope s = NewRootScope();
  ops::TensorArrayOptions o;
  o.dynamic_size = true;
  auto ta = ops::TensorArrayV3(s, 0, DT_FLOAT, o);
  Output f = ops::TensorArrayScatterV3(s, ta.handle, I32({1, 0}, {2}),
                                       F({1, 2, 3, 4}, {2, 2}), ta.flow);
  Output size = ops::TensorArraySizeV3(s, ta.handle, f);
  Output r0 = ops::TensorArrayReadV3(s, ta.handle, 0, f, DT_FLOAT);
  auto out = testing::EvalAll(s, {size, r0});
  EXPECT_EQ(out[0].data<int32_t>()[0], 2);
  EXPECT_TENSOR_NEAR(out[1], F({3, 4}, {2}));

  Scope t = NewRootScope();
  auto tb = ops::TensorArrayV3(t, 2, DT_FLOAT);
  Output g = ops::TensorArraySplitV3(t, tb.handle, F({1, 2, 3, 4, 5}, {5}),
                                     I64({2, 3}, {2}), tb.flow);
  Output second = ops::TensorArrayReadV3(t, tb.handle, 1, g, DT_FLOAT);
  EXPECT_TENSOR_NEAR(testing::Eval(t, second), F({3, 4, 5}, {3}));
}

TEST(TensorArrayTest, WritingAnIndexTwiceOrOutOfRangeIsAnError) {
  Scope s = NewRootScope();
  auto ta = ops::TensorArrayV3(s, 2, DT_FLOAT);
  Output f = ops::TensorArrayWriteV3(s, ta.handle, 0, 1.0f, ta.flow);
  Output twice = ops::TensorArrayWriteV3(s, ta.handle, 0, 2.0f, f);
  Output out_of_range = ops::TensorArrayWriteV3(s, ta.handle, 2, 1.0f, ta.flow);
  Output wrong_type = ops::TensorArrayWriteV3(s, ta.handle, 1, 3, ta.flow);
  absl::Status st = RunStatus(s, twice);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(),
              HasSubstr("because it has already been written to"));
  st = RunStatus(s, out_of_range);
  EXPECT_THAT(st.message(),
              HasSubstr("Tried to write to index 2 but array is not "
                        "resizeable and size is: 2"));
  st = RunStatus(s, wrong_type);
  EXPECT_THAT(st.message(), HasSubstr("TensorArray dtype is float but Op is "
                                      "trying to write dtype int32"));
}

TEST(TensorArrayTest, ClearAfterReadForbidsASecondRead) {
  Scope s = NewRootScope();
  auto ta = ops::TensorArrayV3(s, 1, DT_FLOAT);
  Output f = ops::TensorArrayWriteV3(s, ta.handle, 0, 1.0f, ta.flow);
  Output r1 = ops::TensorArrayReadV3(s, ta.handle, 0, f, DT_FLOAT);
  Output r2 = ops::TensorArrayReadV3(s.WithControlDependencies({r1}), ta.handle,
                                     0, f, DT_FLOAT);
  Output rewrite = ops::TensorArrayWriteV3(s.WithControlDependencies({r1}),
                                           ta.handle, 0, 1.0f, ta.flow);
  absl::Status st = RunStatus(s, r2);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("Could not read index 0 twice"));
  st = RunStatus(s, rewrite);
  EXPECT_THAT(st.message(), HasSubstr("because it has already been read"));
}

TEST(TensorArrayTest, UnwrittenElementsAreZerosOnlyWithAKnownShape) {
  Scope s = NewRootScope();
  ops::TensorArrayOptions known;
  known.element_shape = PartialShape({2});
  auto a = ops::TensorArrayV3(s, 2, DT_FLOAT, known);
  Output zeros = ops::TensorArrayReadV3(s, a.handle, 1, a.flow, DT_FLOAT);
  EXPECT_EQ(zeros.shape().DebugString(), PartialShape({2}).DebugString());
  EXPECT_TENSOR_NEAR(testing::Eval(s, zeros), F({0, 0}, {2}));
  auto b = ops::TensorArrayV3(s, 2, DT_FLOAT);
  Output unknown = ops::TensorArrayReadV3(s, b.handle, 1, b.flow, DT_FLOAT);
  absl::Status st = RunStatus(s, unknown);
  EXPECT_THAT(st.message(),
              HasSubstr("the element shape is not fully defined"));
  Output far = ops::TensorArrayReadV3(s, b.handle, 5, b.flow, DT_FLOAT);
  EXPECT_THAT(RunStatus(s, far).message(),
              HasSubstr("Tried to read from index 5 but array size is: 2"));
  // A value of another shape than element_shape.
  Output bad =
      ops::TensorArrayWriteV3(s, a.handle, 0, F({1, 2, 3}, {3}), a.flow);
  EXPECT_THAT(RunStatus(s, bad).message(),
              HasSubstr("incompatible with the TensorArray's inferred element "
                        "shape: [2]"));
}

TEST(TensorArrayTest, ShapeMismatchesInGatherScatterSplit) {
  Scope s = NewRootScope();
  ops::TensorArrayOptions o;
  o.clear_after_read = false;
  auto ta = ops::TensorArrayV3(s, 2, DT_FLOAT, o);
  Output f = ops::TensorArrayWriteV3(s, ta.handle, 0, F({1}, {1}), ta.flow);
  f = ops::TensorArrayWriteV3(s, ta.handle, 1, F({1, 2}, {2}), f);
  Output gather =
      ops::TensorArrayGatherV3(s, ta.handle, I32({0, 1}, {2}), f, DT_FLOAT);
  EXPECT_THAT(RunStatus(s, gather).message(),
              HasSubstr("TensorArray has inconsistent shapes"));
  auto tb = ops::TensorArrayV3(s, 3, DT_FLOAT);
  Output scatter = ops::TensorArrayScatterV3(s, tb.handle, I32({0, 1}, {2}),
                                             F({1, 2, 3}, {3}), tb.flow);
  EXPECT_THAT(RunStatus(s, scatter).message(),
              HasSubstr("Expected len(indices) == values.shape[0], but saw: "
                        "2 vs. 3"));
  Output split_sum = ops::TensorArraySplitV3(s, tb.handle, F({1, 2, 3}, {3}),
                                             I64({1, 1, 2}, {3}), tb.flow);
  EXPECT_THAT(RunStatus(s, split_sum).message(),
              HasSubstr("sum of lengths is: 4"));
  Output split_size = ops::TensorArraySplitV3(s, tb.handle, F({1, 2, 3}, {3}),
                                              I64({1, 2}, {2}), tb.flow);
  EXPECT_THAT(RunStatus(s, split_size).message(),
              HasSubstr("not equal to the size of lengths (3 vs. 2)"));
  auto empty = ops::TensorArrayV3(s, 0, DT_FLOAT);
  Output g0 = ops::TensorArrayGatherV3(s, empty.handle, I32({}, {0}),
                                       empty.flow, DT_FLOAT, PartialShape({3}));
  EXPECT_TENSOR_NEAR(testing::Eval(s, g0), Tensor(DT_FLOAT, TensorShape{0, 3}));
}

TEST(TensorArrayTest, ClosedArraysRejectUse) {
  Scope s = NewRootScope();
  auto ta = ops::TensorArrayV3(s, 1, DT_FLOAT);
  Output close = ops::TensorArrayCloseV3(s, ta.handle);
  Output after = ops::TensorArrayWriteV3(s.WithControlDependencies({close}),
                                         ta.handle, 0, 1.0f, ta.flow);
  EXPECT_THAT(RunStatus(s, after).message(),
              HasSubstr("has already been closed"));
}

TEST(TensorArrayGradTest, GradientArraysSumRepeatedWrites) {
  Scope s = NewRootScope();
  ops::TensorArrayOptions o;
  o.element_shape = PartialShape({2});
  auto ta = ops::TensorArrayV3(s, 2, DT_FLOAT, o);
  auto g = ops::TensorArrayGradV3(s, ta.handle, ta.flow, "gradients");
  Output f = ops::TensorArrayWriteV3(s, g.handle, 0, F({1, 2}, {2}), g.flow);
  f = ops::TensorArrayWriteV3(s, g.handle, 0, F({10, 20}, {2}), f);
  auto again = ops::TensorArrayGradV3(s, ta.handle, f, "gradients");
  Output r0 = ops::TensorArrayReadV3(s, again.handle, 0, again.flow, DT_FLOAT);
  Output r1 = ops::TensorArrayReadV3(s, again.handle, 1, again.flow, DT_FLOAT);
  Output size = ops::TensorArraySizeV3(s, g.handle, f);
  auto out = testing::EvalAll(s, {r0, r1, size, g.handle});
  EXPECT_TENSOR_NEAR(out[0], F({11, 22}, {2}));
  EXPECT_TENSOR_NEAR(out[1], F({0, 0}, {2}));  // Never written: zeros.
  EXPECT_EQ(out[2].data<int32_t>()[0], 2);
  EXPECT_THAT(out[3].data<std::string>()[0], HasSubstr("@gradients"));
}

// Scatter -> two reads, and write -> write -> gather, differentiated
// through the gradient arrays (TF's tensor_array_grad.py pairs).
TEST(TensorArrayGradTest, ScatterReadWriteGatherNumerically) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, PartialShape({2, 3}));
  Output a = ops::Placeholder(s, DT_FLOAT, PartialShape({3}));
  auto ta = ops::TensorArrayV3(s, 2, DT_FLOAT);
  Output f =
      ops::TensorArrayScatterV3(s, ta.handle, I32({1, 0}, {2}), x, ta.flow);
  Output r0 = ops::TensorArrayReadV3(s, ta.handle, 0, f, DT_FLOAT);
  Output r1 = ops::TensorArrayReadV3(s, ta.handle, 1, f, DT_FLOAT);
  auto tb = ops::TensorArrayV3(s, 2, DT_FLOAT);
  Output w =
      ops::TensorArrayWriteV3(s, tb.handle, 0, ops::Mul(s, r0, r1), tb.flow);
  w = ops::TensorArrayWriteV3(s, tb.handle, 1, ops::Mul(s, a, r0), w);
  Output y =
      ops::TensorArrayGatherV3(s, tb.handle, I32({0, 1}, {2}), w, DT_FLOAT);
  auto error =
      testing::MaxGradientError(s, {x, a},
                                {testing::RandomTensor(DT_FLOAT, {2, 3}, 1),
                                 testing::RandomTensor(DT_FLOAT, {3}, 2)},
                                y);
  ASSERT_OK(error.status());
  EXPECT_LT(*error, 1e-3);
}

TEST(TensorArrayGradTest, SplitConcatNumerically) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_FLOAT, PartialShape({5, 2}));
  auto ta = ops::TensorArrayV3(s, 2, DT_FLOAT);
  Output f =
      ops::TensorArraySplitV3(s, ta.handle, x, I64({2, 3}, {2}), ta.flow);
  OutputList c = ops::TensorArrayConcatV3(s, ta.handle, f, DT_FLOAT);
  Output y = ops::Mul(s, c[0], c[0]);
  auto error = testing::MaxGradientError(
      s, {x}, {testing::RandomTensor(DT_FLOAT, {5, 2}, 3)}, y);
  ASSERT_OK(error.status());
  EXPECT_LT(*error, 1e-3);
}

}  // namespace
}  // namespace graphflow
