// ReverseV2 and ReverseSequence (the array family's reversals): shapes,
// values against a plain index loop, TF's run-time errors, gradients.
#include "gmock/gmock.h"
#include "ops/gradients.h"
#include "tests/ops/array_ops_test_util.h"

namespace graphflow {
namespace {

using testing::CheckGrad;
using testing::ExpectError;
using testing::ExpectRunError;
using testing::F;
using testing::I32;
using testing::I64;
using testing::Iota;
using testing::Ph;
using testing::RandomTensor;

TEST(ReverseV2Test, ShapeFunction) {
  Scope s = NewRootScope();
  Output y = ops::ReverseV2(s, Ph(s, {-1, 3, 4}), Ph(s, {-1}, DT_INT32));
  ASSERT_OK(s.status());
  EXPECT_EQ(y.shape(), PartialShape({-1, 3, 4}));
  ops::ReverseV2(s.WithOpName("rev"), Ph(s, {2, 3}),
                 Ph(s, testing::Scalar(), DT_INT32));
  ExpectError(s, "rev", "rank");
  Scope t = NewRootScope();
  ops::ReverseV2(t.WithOpName("rev"), Ph(t, {2}), I32({0, 0}, {2}));
  ExpectError(t, "rev", "more than the input rank");
}

TEST(ReverseV2Test, ValuesAlongAnyAxesIncludingNegative) {
  Scope s = NewRootScope();
  const Tensor x = Iota({2, 3, 4});
  Output a0 = ops::ReverseV2(s, x, I32({0}, {1}));
  Output a12 = ops::ReverseV2(s, x, I64({-1, 1}, {2}));
  Output all = ops::ReverseV2(s, x, I32({2, 0, -2}, {3}));
  Output none = ops::ReverseV2(s, x, Tensor(DT_INT32, {0}));
  Output scalar = ops::ReverseV2(s, F({7}, {}), I32({}, {0}));
  Output ints = ops::ReverseV2(s, I64({1, 2, 3}, {3}), I32({0}, {1}));
  auto out = testing::EvalAll(s, {a0, a12, all, none, scalar, ints});
  auto reversed = [&](bool r0, bool r1, bool r2) {
    return testing::Gather(x, x.shape(), [&](const DimVector& i) {
      return DimVector{r0 ? 1 - i[0] : i[0], r1 ? 2 - i[1] : i[1],
                       r2 ? 3 - i[2] : i[2]};
    });
  };
  EXPECT_TENSOR_NEAR(out[0], reversed(true, false, false));
  EXPECT_TENSOR_NEAR(out[1], reversed(false, true, true));
  EXPECT_TENSOR_NEAR(out[2], reversed(true, true, true));
  EXPECT_TENSOR_NEAR(out[3], x);
  EXPECT_TENSOR_NEAR(out[4], F({7}, {}));
  EXPECT_TENSOR_NEAR(out[5], I64({3, 2, 1}, {3}));
}

// TF's ReverseV2 takes strings too: whole elements move, not bytes.
TEST(ReverseV2Test, Strings) {
  Scope s = NewRootScope();
  const Tensor x = testing::Strings({"a", "bb", "", "dddd", "e", "ff"}, {2, 3});
  Output rows = ops::ReverseV2(s, x, I32({0}, {1}));
  Output cols = ops::ReverseV2(s, x, I64({-1}, {1}));
  Output both = ops::ReverseV2(s, x, I32({0, 1}, {2}));
  Output empty = ops::ReverseV2(s, Tensor(DT_STRING, {0, 2}), I32({1}, {1}));
  auto out = testing::EvalAll(s, {rows, cols, both, empty});
  const std::vector<Tensor> expected = {
      testing::Strings({"dddd", "e", "ff", "a", "bb", ""}, {2, 3}),
      testing::Strings({"", "bb", "a", "ff", "e", "dddd"}, {2, 3}),
      testing::Strings({"ff", "e", "dddd", "", "bb", "a"}, {2, 3}),
      Tensor(DT_STRING, {0, 2})};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_TRUE(TensorsEqual(out[i], expected[i]))
        << i << ": " << out[i].DebugString();
  }
}

TEST(ReverseV2Test, BadAxesAreRunTimeErrors) {
  Scope s = NewRootScope();
  Output axis = Ph(s, {-1}, DT_INT32);
  Output y = ops::ReverseV2(s.WithOpName("rev"), Iota({2, 3}), axis);
  ExpectRunError(s, y, "rev", {{axis, I32({2}, {1})}},
                 "'axis'[0] = 2 is out of valid range [0, 1]");
  ExpectRunError(s, y, "rev", {{axis, I32({1, -1}, {2})}},
                 "axis 1 specified more than once.");
}

TEST(ReverseV2Test, GradientIsTheReversedGradient) {
  Scope s = NewRootScope();
  Output x = Ph(s, {2, 3, 2});
  Output y = ops::ReverseV2(s.WithOpName("rev"), x, I32({0, -1}, {2}));
  CHECK_GRAD(s, {x}, {RandomTensor(DT_FLOAT, {2, 3, 2}, 7)}, y);
  EXPECT_THAT(testing::GradOps(s, "rev"), ::testing::Contains("ReverseV2"));
}

TEST(ReverseSequenceTest, ShapeFunction) {
  Scope s = NewRootScope();
  Output y = ops::ReverseSequence(s, Ph(s, {-1, 5, 2}), Ph(s, {4}, DT_INT64),
                                  /*seq_dim=*/1);
  ASSERT_OK(s.status());
  EXPECT_EQ(y.shape(), PartialShape({4, 5, 2}));
  ops::ReverseSequence(s.WithOpName("rs"), Ph(s, {3, 5}), I64({1, 2}, {2}), 1);
  ExpectError(s, "rs", "seq_lengths has 2 entries");
  Scope t = NewRootScope();
  ops::ReverseSequence(t.WithOpName("rs"), Ph(t, {3, 5}), I64({1, 2, 3}, {3}),
                       2);
  ExpectError(t, "rs", "seq_dim");
  Scope u = NewRootScope();
  ops::ReverseSequence(u.WithOpName("rs"), Ph(u, {3, 5}), I64({1, 2, 3}, {3}),
                       0);
  ExpectError(u, "rs", "batch_dim == seq_dim == 0");
}

// TF's documented example (seq_dim 1, batch_dim 0), and batch after seq.
TEST(ReverseSequenceTest, ReversesThePrefixOfEachBatchEntry) {
  Scope s = NewRootScope();
  const Tensor x = Iota({4, 8, 2});
  const std::vector<int64_t> lens = {7, 2, 3, 5};
  Output y = ops::ReverseSequence(s, x, I64({7, 2, 3, 5}, {4}), 1, 0);
  Output t = ops::ReverseSequence(s, F({1, 2, 3, 4, 5, 6, 7, 8, 9}, {3, 3}),
                                  I32({3, 0, 2}, {3}), 0, 1);
  auto out = testing::EvalAll(s, {y, t});
  EXPECT_TENSOR_NEAR(
      out[0], testing::Gather(x, x.shape(), [&](const DimVector& i) {
        const int64_t n = lens[i[0]];
        return DimVector{i[0], i[1] < n ? n - 1 - i[1] : i[1], i[2]};
      }));
  // Column 0 reversed entirely, column 1 untouched, column 2's first two.
  EXPECT_TENSOR_NEAR(out[1], F({7, 2, 6, 4, 5, 3, 1, 8, 9}, {3, 3}));
}

TEST(ReverseSequenceTest, BadLengthsAreRunTimeErrors) {
  Scope s = NewRootScope();
  Output lens = Ph(s, {-1}, DT_INT32);
  Output y = ops::ReverseSequence(s.WithOpName("rs"), Iota({2, 3}), lens, 1);
  ExpectRunError(s, y, "rs", {{lens, I32({1, 4}, {2})}},
                 "seq_lens(1) > input.dims(1)");
  ExpectRunError(s, y, "rs", {{lens, I32({-1, 1}, {2})}}, "seq_lens(0) < 0");
  ExpectRunError(s, y, "rs", {{lens, I32({1, 1, 1}, {3})}},
                 "Length of seq_lens != input.dims(0), (3 vs. 2)");
}

TEST(ReverseSequenceTest, GradientReversesTheGradientTheSameWay) {
  Scope s = NewRootScope();
  Output x = Ph(s, {3, 4, 2});
  Output y = ops::ReverseSequence(s.WithOpName("rs"), x, I64({4, 1, 3}, {3}),
                                  /*seq_dim=*/1, /*batch_dim=*/0);
  CHECK_GRAD(s, {x}, {RandomTensor(DT_FLOAT, {3, 4, 2}, 8)}, y);
  EXPECT_THAT(testing::GradOps(s, "rs"),
              ::testing::Contains("ReverseSequence"));
}

}  // namespace
}  // namespace graphflow
