// Numeric checks of the array_slice family's gradients.
#include "gmock/gmock.h"
#include "ops/gradients.h"
#include "ops/math_ops.h"
#include "tests/ops/array_ops_test_util.h"

namespace graphflow {
namespace {

using testing::CheckGrad;
using testing::GradOps;
using testing::I32;
using testing::I64;
using testing::Ph;
using testing::RandomTensor;

TEST(ArraySliceGradTest, SplitAndSplitVConcatTheGradients) {
  Scope s = NewRootScope();
  Output x = Ph(s, {2, 6});
  Tensor value = RandomTensor(DT_FLOAT, {2, 6}, 24);
  OutputList thirds = ops::Split(s, 1, x, 3);
  CHECK_GRAD(s, {x}, {value}, ops::Pack(s, {thirds[2], thirds[0]}));
  OutputList parts = ops::SplitV(s, x, {4, -1}, -1, 2);
  CHECK_GRAD(s, {x}, {value}, parts[0]);
  CHECK_GRAD(s, {x}, {value}, ops::Split(s, 0, x, 1)[0]);
}

TEST(ArraySliceGradTest, SliceWithSizeMinusOne) {
  for (DataType index : {DT_INT32, DT_INT64}) {
    Scope s = NewRootScope();
    Output x = Ph(s, {3, 5});
    Tensor begin = index == DT_INT32 ? I32({1, 2}, {2}) : I64({1, 2}, {2});
    Tensor size = index == DT_INT32 ? I32({-1, 2}, {2}) : I64({-1, 2}, {2});
    Output y = ops::Slice(s.WithOpName("sl"), x, begin, size);
    CHECK_GRAD(s, {x}, {RandomTensor(DT_FLOAT, {3, 5}, 13)}, y);
    EXPECT_THAT(GradOps(s, "sl"), ::testing::Contains("Pad"));
  }
  Scope s = NewRootScope();
  Output x = Ph(s);  // Unknown shape: Rank and Shape at run time.
  Output y = ops::Slice(s, x, {0, 1, 1}, {2, -1, 1});
  CHECK_GRAD(s, {x}, {RandomTensor(DT_FLOAT, {2, 3, 4}, 14)}, y);
}

TEST(ArraySliceGradTest, StridedSliceWithMasksAndNegativeStrides) {
  struct Case {
    std::vector<int> begin, end, strides;
    ops::StridedSliceAttrs attrs;
  };
  const Case cases[] = {
      {{1, -1}, {0, 0}, {1, -2}, {.end_mask = 3}},  // x[1:, ::-2]
      {{0, 1},
       {0, 2},
       {1, 1},
       {.begin_mask = 1, .end_mask = 1, .shrink_axis_mask = 2}},  // x[:, 1]
      {{-1, 0}, {0, 0}, {-1, 1}, {.end_mask = 1, .new_axis_mask = 2}},
      {{0, 3},
       {0, 0},
       {1, -1},
       {.end_mask = 2, .ellipsis_mask = 1}},  // [...,3::-1]
      {{2, 4}, {0, 0}, {-2, -3}, {.end_mask = 3}},
  };
  for (const Case& c : cases) {
    Scope s = NewRootScope();
    Output x = Ph(s, {3, 5});
    auto vec = [](const std::vector<int>& v) {
      return Tensor::FromVector<int32_t>(v, {static_cast<int64_t>(v.size())});
    };
    Output y = ops::StridedSlice(s, x, vec(c.begin), vec(c.end), vec(c.strides),
                                 c.attrs);
    CHECK_GRAD(s, {x}, {RandomTensor(DT_FLOAT, {3, 5}, 15)}, y);
  }
}

TEST(ArraySliceGradTest, StridedSliceGradIsDifferentiableInDy) {
  Scope s = NewRootScope();
  Output dy = Ph(s, {2, 2});
  Output y = ops::StridedSliceGrad(s, {3, 5}, {0, 4}, {0, 0}, {2, -3}, dy,
                                   {.begin_mask = 1, .end_mask = 3});
  CHECK_GRAD(s, {dy}, {RandomTensor(DT_FLOAT, {2, 2}, 16)}, y);
}

}  // namespace
}  // namespace graphflow
