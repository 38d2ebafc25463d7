// The ref-variable scatters of the state family (ScatterUpdate, ScatterAdd,
// ScatterSub, ScatterMul, ScatterDiv) and the sparse embedding update TF1's
// optimizers build from them: Unique + UnsortedSegmentSum + ScatterAdd.
#include <memory>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/array_ops.h"
#include "ops/array_slice_ops.h"
#include "ops/gradients.h"
#include "ops/math_ops.h"
#include "ops/reduction_ops.h"
#include "ops/segment_ops.h"
#include "ops/state_ops.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;
using ::testing::HasSubstr;
using testing::I32;
using testing::I64;

// A [3, 2] float ref variable "v" holding 1..6, and its session.
struct RefTable {
  Scope s = NewRootScope();
  Output v = ops::Variable(s.WithOpName("v"), {3, 2}, DT_FLOAT);
  Output init = ops::Assign(s, v, F({1, 2, 3, 4, 5, 6}, {3, 2}));
  Output read = ops::Identity(s, v);
  std::unique_ptr<Session> session;
  void Start() {
    auto created = Session::Create(s);
    ASSERT_OK(created.status());
    session = *std::move(created);
    ASSERT_OK(session->Run({}, {}, {init}).status());
  }
  Tensor Fetch(const Output& o) {
    auto out = session->Run({o});
    EXPECT_OK(out.status());
    return out.ok() ? (*out)[0] : Tensor();
  }
};

TEST(ScatterTest, SchemaMatchesTf) {
  RefTable t;
  Output add = ops::ScatterAdd(t.s, t.v, I32({0}, {1}), F({1, 1}, {1, 2}));
  Output upd = ops::ScatterUpdate(t.s, t.v, I64({0}, {1}), F({1, 1}, {1, 2}));
  ASSERT_OK(t.s.status());
  EXPECT_EQ(add.dtype(), MakeRefType(DT_FLOAT));
  EXPECT_EQ(add.shape(), PartialShape({3, 2}));
  EXPECT_EQ(*add.node->FindAttr<bool>("use_locking"), false);
  EXPECT_EQ(*upd.node->FindAttr<bool>("use_locking"), true);
  EXPECT_EQ(*upd.node->FindAttr<DataType>("Tindices"), DT_INT64);
}

// Repeated indices accumulate; the output ref reads the updated variable.
TEST(ScatterTest, AddSubUpdateMulDiv) {
  RefTable t;
  Output add = ops::ScatterAdd(t.s, t.v, I32({0, 2, 0}, {3}),
                               F({1, 1, 10, 10, 100, 100}, {3, 2}));
  Output sub =
      ops::ScatterSub(t.s, t.v, I64({1, 1}, {2}), F({1, 2, 1, 2}, {2, 2}));
  Output upd = ops::ScatterUpdate(t.s, t.v, I32({2}, {1}), F({7, 8}, {1, 2}));
  Output mul = ops::ScatterMul(t.s, t.v, I32({0, 1}, {2, 1}),
                               F({2, 2, 3, 3}, {2, 1, 2}));
  Output div = ops::ScatterDiv(t.s, t.v, I32({2}, {1}), 2.0f);  // Scalar.
  t.Start();
  EXPECT_TENSOR_NEAR(t.Fetch(add), F({102, 103, 3, 4, 15, 16}, {3, 2}));
  EXPECT_TENSOR_NEAR(t.Fetch(sub), F({102, 103, 1, 0, 15, 16}, {3, 2}));
  EXPECT_TENSOR_NEAR(t.Fetch(upd), F({102, 103, 1, 0, 7, 8}, {3, 2}));
  EXPECT_TENSOR_NEAR(t.Fetch(mul), F({204, 206, 3, 0, 7, 8}, {3, 2}));
  EXPECT_TENSOR_NEAR(t.Fetch(div), F({204, 206, 3, 0, 3.5, 4}, {3, 2}));
  EXPECT_TENSOR_NEAR(t.Fetch(t.read), F({204, 206, 3, 0, 3.5, 4}, {3, 2}));
}

TEST(ScatterTest, BadIndicesAndShapesLeaveTheVariableUnchanged) {
  RefTable t;
  Output far = ops::ScatterAdd(t.s.WithOpName("far"), t.v, I32({0, 3}, {2}),
                               F({1, 1, 1, 1}, {2, 2}));
  Output neg = ops::ScatterUpdate(t.s, t.v, I64({0, 1, 2, -1}, {2, 2}),
                                  F({0, 0, 0, 0, 0, 0, 0, 0}, {2, 2, 2}));
  Output x = ops::Placeholder(t.s, DT_FLOAT);
  Output shape = ops::ScatterSub(t.s, t.v, I32({0}, {1}), x);
  t.Start();
  absl::Status st = t.session->Run({}, {}, {far}).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("'far'"));
  EXPECT_THAT(st.message(), HasSubstr("indices[1] = 3 is not in [0, 3)"));
  st = t.session->Run({}, {}, {neg}).status();
  EXPECT_THAT(st.message(), HasSubstr("indices[1,1] = -1 is not in [0, 3)"));
  st = t.session->Run({{x, F({1, 2, 3}, {1, 3})}}, {}, {shape}).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(),
              HasSubstr("Must have updates.shape = indices.shape + "
                        "params.shape[1:] or updates.shape = [], got "
                        "updates.shape [1,3], indices.shape [1], params.shape "
                        "[3,2]"));
  EXPECT_TENSOR_NEAR(t.Fetch(t.read), F({1, 2, 3, 4, 5, 6}, {3, 2}));
}

TEST(ScatterTest, GraphTimeShapeErrorNamesTheNode) {
  RefTable t;
  ops::ScatterAdd(t.s.WithOpName("bad"), t.v, I32({0, 1}, {2}),
                  F({1, 2}, {1, 2}));
  EXPECT_EQ(t.s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(t.s.status().message(), HasSubstr("'bad'"));
  EXPECT_THAT(t.s.status().message(),
              HasSubstr("updates must have shape indices.shape + "
                        "ref.shape[1:] = [2,2]"));
}

TEST(ScatterTest, IntegerDivisionByZeroIsAnError) {
  Scope s = NewRootScope();
  Output v = ops::Variable(s.WithOpName("v"), {2}, DT_INT32);
  Output init = ops::Assign(s, v, I32({6, 9}, {2}));
  Output div = ops::ScatterDiv(s, v, I32({1, 0}, {2}), I32({3, 0}, {2}));
  Output read = ops::Identity(s, v);
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  ASSERT_OK((*session)->Run({}, {}, {init}).status());
  absl::Status st = (*session)->Run({}, {}, {div}).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("Integer division by zero"));
  auto out = (*session)->Run({read});
  ASSERT_OK(out.status());
  EXPECT_TENSOR_NEAR((*out)[0], I32({6, 9}, {2}));
}

TEST(ScatterTest, UninitializedVariableIsAnError) {
  RefTable t;
  Output add = ops::ScatterAdd(t.s, t.v, I32({0}, {1}), F({1, 1}, {1, 2}));
  auto session = Session::Create(t.s);
  ASSERT_OK(session.status());
  EXPECT_FALSE((*session)->Run({}, {}, {add}).ok());
}

// TF1's sparse update of an embedding: the gradient of Gather(embedding,
// ids) is IndexedSlices(dy, ids); optimizers deduplicate it with Unique +
// UnsortedSegmentSum (_deduplicate_indexed_slices) and apply it with
// ScatterAdd. Embedding [5, 3], ids [1, 3, 1, 0] (1 twice), loss =
// sum(Gather * w): the gradient of row 1 is w[0] + w[2].
TEST(SparseEmbeddingUpdateTest, DuplicateIdsAccumulate) {
  Scope s = NewRootScope();
  Output emb = ops::Variable(s.WithOpName("embedding"), {5, 3}, DT_FLOAT);
  Output init = ops::Assign(
      s, emb, F({0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4}, {5, 3}));
  Tensor ids = I32({1, 3, 1, 0}, {4});
  Output rows = ops::GatherV2(s, emb, ids, 0);
  Tensor w = F({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {4, 3});
  Output loss = ops::Sum(s, ops::Mul(s, rows, w), Input({0, 1}));
  std::vector<Output> grads;
  ASSERT_OK(AddSymbolicGradients(s, {loss}, {rows}, &grads));
  ops::UniqueOutput u = ops::Unique(s, ids);
  Output summed =
      ops::UnsortedSegmentSum(s, grads[0], u.idx, ops::Size(s, u.y));
  Output step = ops::ScatterAdd(s, emb, u.y, ops::Mul(s, summed, -0.5f));
  // The raw slices, not deduplicated: ScatterAdd still adds both rows.
  Output raw = ops::ScatterAdd(s, emb, ids, grads[0]);
  ASSERT_OK(s.status());
  auto session = Session::Create(s);
  ASSERT_OK(session.status());
  ASSERT_OK((*session)->Run({}, {}, {init}).status());
  auto out = (*session)->Run({u.y, summed, step});
  ASSERT_OK(out.status());
  EXPECT_TENSOR_NEAR((*out)[0], I32({1, 3, 0}, {3}));
  EXPECT_TENSOR_NEAR((*out)[1], F({8, 10, 12, 4, 5, 6, 10, 11, 12}, {3, 3}));
  // Row 1: 1 - 0.5 * [8, 10, 12]; row 3: 3 - 0.5 * [4, 5, 6]; row 0: 0 -
  // 0.5 * [10, 11, 12].
  EXPECT_TENSOR_NEAR(
      (*out)[2],
      F({-5, -5.5, -6, -3, -4, -5, 2, 2, 2, 1, 0.5, 0, 4, 4, 4}, {5, 3}));
  auto after = (*session)->Run({raw});
  ASSERT_OK(after.status());
  EXPECT_TENSOR_NEAR(
      (*after)[0],
      F({5, 5.5, 6, 5, 6, 7, 2, 2, 2, 5, 5.5, 6, 4, 4, 4}, {5, 3}));
}

}  // namespace
}  // namespace graphflow
