// Numeric checks of the array ops' gradients, and that the gradient graphs
// use TF's own ops and survive a GraphDef round trip.
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "graph/graph_def.h"
#include "ops/gradients.h"
#include "ops/math_ops.h"
#include "tests/ops/array_ops_test_util.h"
#include "tests/support/gradient_checker.h"

namespace graphflow {
namespace {

using ::testing::HasSubstr;
using testing::I32;
using testing::I64;
using testing::RandomTensor;

constexpr double kTol = 1e-3;

void CheckGrad(const Scope& s, const std::vector<Output>& xs,
               const std::vector<Tensor>& values, const Output& y) {
  auto err = testing::MaxGradientError(s, xs, values, y);
  ASSERT_TRUE(err.ok()) << err.status();
  EXPECT_LT(*err, kTol);
}
// The trace gives the failing check's line.
#define CHECK_GRAD(...)             \
  do {                              \
    SCOPED_TRACE("gradient check"); \
    CheckGrad(__VA_ARGS__);         \
  } while (0)

Output Ph(const Scope& s, const PartialShape& shape = PartialShape(),
          DataType dtype = DT_FLOAT) {
  return ops::Placeholder(s, dtype, shape);
}

// The ops of the nodes under a gradient scope ".../gradients/<name>_grad/".
std::vector<std::string> GradOps(const Scope& s, absl::string_view name) {
  std::vector<std::string> ops;
  std::string prefix = absl::StrCat("gradients/", name, "_grad/");
  for (const auto& n : s.graph()->nodes()) {
    if (absl::StrContains(n->name(), prefix)) ops.push_back(n->op());
  }
  return ops;
}

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

TEST(ArrayGradTest, ConcatOfThreeSizesAlongAMiddleAxis) {
  for (bool known : {true, false}) {
    for (int axis : {1, -2}) {
      SCOPED_TRACE(absl::StrCat(known, " ", axis));
      Scope s = NewRootScope();
      auto shape = [&](int64_t d) {
        return known ? PartialShape({2, d, 3}) : PartialShape({-1, -1, 3});
      };
      Output a = Ph(s, shape(1)), b = Ph(s, shape(3)), c = Ph(s, shape(2));
      Output y = ops::ConcatV2(s.WithOpName("cat"), {a, b, c}, axis);
      std::vector<Tensor> values = {RandomTensor(DT_FLOAT, {2, 1, 3}, 6),
                                    RandomTensor(DT_FLOAT, {2, 3, 3}, 7),
                                    RandomTensor(DT_FLOAT, {2, 2, 3}, 8)};
      CHECK_GRAD(s, {a, b, c}, values, y);
      EXPECT_THAT(GradOps(s, "cat"),
                  ::testing::Contains(known ? "Const" : "ShapeN"));
    }
  }
}

TEST(ArrayGradTest, ConcatOfManyInputsSplitsTheGradient) {
  for (bool known : {true, false}) {
    Scope s = NewRootScope();
    std::vector<Output> xs;
    std::vector<Tensor> values;
    for (int i = 0; i < 18; ++i) {
      const int64_t d = 1 + i % 3;
      xs.push_back(Ph(s, known ? PartialShape({2, d}) : PartialShape()));
      values.push_back(RandomTensor(DT_FLOAT, {2, d}, 40 + i));
    }
    Output y = ops::ConcatV2(s.WithOpName("cat"), xs, -1);
    CHECK_GRAD(s, xs, values, y);
    EXPECT_THAT(GradOps(s, "cat"), ::testing::Contains("SplitV"));
  }
}

TEST(ArrayGradTest, SplitAndSplitVConcatTheGradients) {
  Scope s = NewRootScope();
  Output x = Ph(s, {2, 6});
  Tensor value = RandomTensor(DT_FLOAT, {2, 6}, 24);
  OutputList thirds = ops::Split(s, 1, x, 3);
  CHECK_GRAD(s, {x}, {value}, ops::Pack(s, {thirds[2], thirds[0]}));
  OutputList parts = ops::SplitV(s, x, {4, -1}, -1, 2);
  CHECK_GRAD(s, {x}, {value}, parts[0]);
  CHECK_GRAD(s, {x}, {value}, ops::Split(s, 0, x, 1)[0]);
}

TEST(ArrayGradTest, LegacyConcatAndInt64Axis) {
  Scope s = NewRootScope();
  Output a = Ph(s, {2, 2}), b = Ph(s, {2, 3});
  Output y = ops::ConcatV1(s, 1, {a, b});
  std::vector<Tensor> values = {RandomTensor(DT_DOUBLE, {2, 2}, 9),
                                RandomTensor(DT_DOUBLE, {2, 3}, 10)};
  Scope d = NewRootScope();
  Output da = Ph(d, {2, 2}, DT_DOUBLE), db = Ph(d, PartialShape(), DT_DOUBLE);
  Output dy = ops::ConcatV2(d, {da, db}, Tensor::Scalar<int64_t>(-1));
  CHECK_GRAD(d, {da, db}, values, dy);
  values = {RandomTensor(DT_FLOAT, {2, 2}, 9),
            RandomTensor(DT_FLOAT, {2, 3}, 10)};
  CHECK_GRAD(s, {a, b}, values, y);
}

TEST(ArrayGradTest, PackAndUnpackAlongInnerAxes) {
  Scope s = NewRootScope();
  Output a = Ph(s, {2, 3}), b = Ph(s, {2, 3});
  std::vector<Tensor> values = {RandomTensor(DT_FLOAT, {2, 3}, 11),
                                RandomTensor(DT_FLOAT, {2, 3}, 12)};
  CHECK_GRAD(s, {a, b}, values, ops::Pack(s, {a, b}, -1));
  CHECK_GRAD(s, {a, b}, values, ops::Pack(s, {a, b}, 1));

  // Only outputs 0 and 2 are used: output 1 gets zeros.
  Output x = Ph(s, {2, 3});
  OutputList parts = ops::Unpack(s, x, 3, -1);
  Output y = ops::Pack(s, {parts[2], parts[0]});
  CHECK_GRAD(s, {x}, {values[0]}, y);
}

TEST(ArrayGradTest, SliceWithSizeMinusOne) {
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

TEST(ArrayGradTest, StridedSliceWithMasksAndNegativeStrides) {
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

TEST(ArrayGradTest, StridedSliceGradIsDifferentiableInDy) {
  Scope s = NewRootScope();
  Output dy = Ph(s, {2, 2});
  Output y = ops::StridedSliceGrad(s, {3, 5}, {0, 4}, {0, 0}, {2, -3}, dy,
                                   {.begin_mask = 1, .end_mask = 3});
  CHECK_GRAD(s, {dy}, {RandomTensor(DT_FLOAT, {2, 2}, 16)}, y);
}

TEST(ArrayGradTest, TileOnTwoAxes) {
  for (bool known : {true, false}) {
    Scope s = NewRootScope();
    Output x = Ph(s, known ? PartialShape({2, 3, 2}) : PartialShape());
    Output y = ops::Tile(s.WithOpName("tile"), x, {2, 1, 3});
    CHECK_GRAD(s, {x}, {RandomTensor(DT_FLOAT, {2, 3, 2}, 17)}, y);
    std::vector<std::string> ops = GradOps(s, "tile");
    for (const char* op : {"Pack", "Transpose", "Reshape", "Range", "Sum"}) {
      EXPECT_THAT(ops, ::testing::Contains(op));
    }
  }
  Scope s = NewRootScope();
  Output x = Ph(s, {2, 3}, DT_DOUBLE);
  Output y = ops::Tile(s, x, I64({3, 2}, {2}));
  CHECK_GRAD(s, {x}, {RandomTensor(DT_DOUBLE, {2, 3}, 18)}, y);
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

TEST(ArrayGradTest, DynamicStitchGathersEachInputsRows) {
  Scope s = NewRootScope();
  Output d0 = Ph(s, {2, 3}), d1 = Ph(s, {3, 3});
  Output y = ops::DynamicStitch(
      s.WithOpName("st"), {I32({0, 3}, {2}), I32({4, 1, 2}, {3})}, {d0, d1});
  CHECK_GRAD(
      s, {d0, d1},
      {RandomTensor(DT_FLOAT, {2, 3}, 20), RandomTensor(DT_FLOAT, {3, 3}, 21)},
      y);
  EXPECT_THAT(GradOps(s, "st"), ::testing::Contains("GatherV2"));
}

TEST(ArrayGradTest, PadAndPadV2SliceTheInputBack) {
  Scope s = NewRootScope();
  Output x = Ph(s, {2, 3});
  Output y = ops::Pad(s, x, I32({1, 0, 2, 1}, {2, 2}));
  CHECK_GRAD(s, {x}, {RandomTensor(DT_FLOAT, {2, 3}, 22)}, y);
  Output u = Ph(s);
  Output y2 = ops::PadV2(s, u, I64({0, 1, 1, 1, 2, 0}, {3, 2}), 3.0f);
  CHECK_GRAD(s, {u}, {RandomTensor(DT_FLOAT, {2, 1, 2}, 23)}, y2);
}

TEST(ArrayGradTest, ConcatGradientUsesTfOpsAndRoundTrips) {
  Scope s = NewRootScope();
  Output a = Ph(s.WithOpName("a"), {2, 1, 3}),
         b = Ph(s.WithOpName("b"), {2, 2, 3});
  Output y = ops::ConcatV2(s.WithOpName("cat"), {a, b}, 1);
  std::vector<Output> grads;
  ASSERT_OK(AddSymbolicGradients(s, {y}, {a, b}, &grads));
  EXPECT_EQ(grads[0].op(), "Slice");
  EXPECT_EQ(grads[0].node->name(), "gradients/cat_grad/Slice");
  Node* offset = s.graph()->FindNode("gradients/cat_grad/ConcatOffset");
  ASSERT_NE(offset, nullptr);
  EXPECT_EQ(grads[1].node->input(1).node, offset);
  EXPECT_EQ(offset->input(0).node->op(), "FloorMod");

  tensorflow::GraphDef gd = GraphToGraphDef(*s.graph());
  auto g = GraphFromGraphDef(gd, GlobalOpRegistry());
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      gd, GraphToGraphDef(**g)));
  auto session = Session::Create(gd, GlobalOpRegistry());
  ASSERT_TRUE(session.ok()) << session.status();
  auto out = (*session)->Run(
      {{"a", testing::Iota({2, 1, 3})}, {"b", testing::Iota({2, 2, 3})}},
      {grads[0].name(), grads[1].name()});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TENSOR_NEAR((*out)[0], testing::F({1, 1, 1, 1, 1, 1}, {2, 1, 3}));
  EXPECT_EQ((*out)[1].shape(), TensorShape({2, 2, 3}));
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

  tensorflow::GraphDef gd = GraphToGraphDef(*s.graph());
  auto g = GraphFromGraphDef(gd, GlobalOpRegistry());
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      gd, GraphToGraphDef(**g)));
  auto session = Session::Create(gd, GlobalOpRegistry());
  ASSERT_TRUE(session.ok()) << session.status();
  auto got = (*session)->Run({{"x", value}}, {grads[0].name()});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TENSOR_NEAR((*got)[0], want);
  CHECK_GRAD(s, {x}, {value}, y);
}

}  // namespace
}  // namespace graphflow
