// All and Any: bool reductions, values hand-computed, shapes and errors.
#include <algorithm>
#include <utility>

#include "gtest/gtest.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "tests/ops/math_ops_test_util.h"

namespace graphflow {
namespace {

using testing::B;
using testing::Eval;
using testing::EvalStatus;
using testing::I32;
using testing::I64;
using testing::IsInvalidArgument;

using Builder = Output (*)(const Scope&, Input, Input, bool);

Tensor Reduce(Builder op, const Tensor& x, const Tensor& axes,
              bool keep_dims = false) {
  Scope s = NewRootScope();
  return Eval(s, op(s, x, axes, keep_dims));
}

// [[T,T,F],[T,T,T]]
Tensor X23() { return B({true, true, false, true, true, true}, {2, 3}); }
// [[F,F,F],[F,T,F]]
Tensor Y23() { return B({false, false, false, false, true, false}, {2, 3}); }

TEST(LogicalReductionTest, AllHandComputed) {
  EXPECT_TENSOR_NEAR(Reduce(ops::All, X23(), I32({0}, {1})),
                     B({true, true, false}, {3}));
  EXPECT_TENSOR_NEAR(Reduce(ops::All, X23(), I32({1}, {1})),
                     B({false, true}, {2}));
  EXPECT_TENSOR_NEAR(Reduce(ops::All, X23(), Tensor::Scalar<int32_t>(-1)),
                     B({false, true}, {2}));
  EXPECT_TENSOR_NEAR(Reduce(ops::All, X23(), I64({0, 1}, {2})), B({false}, {}));
  EXPECT_TENSOR_NEAR(Reduce(ops::All, X23(), I32({1}, {1}), true),
                     B({false, true}, {2, 1}));
  // No axes: the values pass through.
  EXPECT_TENSOR_NEAR(Reduce(ops::All, X23(), I32({}, {0})), X23());
}

TEST(LogicalReductionTest, AnyHandComputed) {
  EXPECT_TENSOR_NEAR(Reduce(ops::Any, Y23(), I32({0}, {1})),
                     B({false, true, false}, {3}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Any, Y23(), I32({1}, {1})),
                     B({false, true}, {2}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Any, Y23(), I32({0, 1}, {2}), true),
                     B({true}, {1, 1}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Any, B({false, false}, {2}), I32({0}, {1})),
                     B({false}, {}));
}

// TF's identities: All of nothing is true, Any of nothing is false.
TEST(LogicalReductionTest, EmptyInputs) {
  Tensor empty = B({}, {0, 2});
  EXPECT_TENSOR_NEAR(Reduce(ops::All, empty, I32({0}, {1})),
                     B({true, true}, {2}));
  EXPECT_TENSOR_NEAR(Reduce(ops::Any, empty, I32({0}, {1})),
                     B({false, false}, {2}));
  EXPECT_EQ(Reduce(ops::Any, empty, I32({1}, {1})).shape(), TensorShape({0}));
}

// Large enough to split across threads, with middle axes: a [7,300,40]
// tensor true except at one element.
TEST(LogicalReductionTest, LargeMatchesLoop) {
  const int64_t a = 7, b = 300, c = 40;
  absl::StatusOr<Tensor> made = Tensor::Allocate(DT_BOOL, {a, b, c});
  ASSERT_TRUE(made.ok()) << made.status();
  Tensor x = *std::move(made);
  std::fill_n(x.data<bool>(), x.num_elements(), true);
  x.data<bool>()[(3 * b + 123) * c + 17] = false;
  Tensor all = Reduce(ops::All, x, I32({0, 2}, {2}));
  ASSERT_EQ(all.shape(), TensorShape({b}));
  for (int64_t j = 0; j < b; ++j) EXPECT_EQ(all.data<bool>()[j], j != 123);
  Tensor none =
      Reduce(ops::Any, Reduce(ops::All, x, I32({1}, {1})), I32({0, 1}, {2}));
  EXPECT_TENSOR_NEAR(none, B({true}, {}));
}

TEST(LogicalReductionTest, ShapesAndErrors) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s, DT_BOOL, {-1, 3, 4});
  EXPECT_EQ(ops::All(s, x, I32({1}, {1})).shape(), PartialShape({-1, 4}));
  EXPECT_EQ(ops::Any(s, x, I32({-1}, {1}), true).shape(),
            PartialShape({-1, 3, 1}));
  Output all = ops::All(s, x, I32({0}, {1}));
  EXPECT_EQ(all.dtype(), DT_BOOL);
  EXPECT_TRUE(all.node->op_def().no_gradient);
  ASSERT_TRUE(s.ok()) << s.status();
  ops::All(s.WithOpName("float"), testing::F({1}, {1}), I32({0}, {1}));
  EXPECT_TRUE(IsInvalidArgument(s.status(), {"float", "bool"}));

  Scope t = NewRootScope();
  ops::Any(t.WithOpName("axis"), X23(), I32({2}, {1}));
  EXPECT_TRUE(IsInvalidArgument(t.status(), {"axis", "Invalid reduction"}));

  // Axes known only at run time are checked by the kernel.
  Scope r = NewRootScope();
  Output axes = ops::Placeholder(r, DT_INT32);
  Output any = ops::Any(r.WithOpName("rt"), X23(), axes);
  EXPECT_TRUE(IsInvalidArgument(EvalStatus(r, any, {{axes, I32({-3}, {1})}}),
                                {"rt", "Invalid reduction dimension"}));
  EXPECT_TRUE(IsInvalidArgument(EvalStatus(r, any, {{axes, I32({1, 1}, {2})}}),
                                {"rt", "duplicate"}));
}

}  // namespace
}  // namespace graphflow
