// Broadcasting binary math ops: shape functions, the broadcasting engine
// against a plain reference, and the integer/float division semantics.
#include <cmath>
#include <functional>
#include <limits>

#include "tests/ops/math_ops_test_util.h"

namespace graphflow {
namespace {

using testing::B;
using testing::D;
using testing::F;
using testing::FromDoubles;
using testing::I32;
using testing::I64;
using testing::IsInvalidArgument;
using testing::Make;
using testing::RandomValues;

using BinaryFn = std::function<Output(const Scope&, Input, Input)>;

struct BinaryOp {
  const char* name;
  BinaryFn fn;
  DataType in = DT_FLOAT;
  DataType out = DT_FLOAT;
};

std::vector<BinaryOp> AllBroadcastingOps() {
  auto eq = [](const Scope& s, Input x, Input y) {
    return ops::Equal(s, x, y);
  };
  auto ne = [](const Scope& s, Input x, Input y) {
    return ops::NotEqual(s, x, y);
  };
  return {
      {"Add", ops::Add},
      {"AddV2", ops::AddV2},
      {"Sub", ops::Sub},
      {"Mul", ops::Mul},
      {"Div", ops::Div},
      {"RealDiv", ops::RealDiv},
      {"DivNoNan", ops::DivNoNan},
      {"FloorDiv", ops::FloorDiv},
      {"FloorMod", ops::FloorMod},
      {"Maximum", ops::Maximum},
      {"Minimum", ops::Minimum},
      {"Pow", ops::Pow},
      {"SquaredDifference", ops::SquaredDifference},
      {"Greater", ops::Greater, DT_FLOAT, DT_BOOL},
      {"GreaterEqual", ops::GreaterEqual, DT_FLOAT, DT_BOOL},
      {"Less", ops::Less, DT_FLOAT, DT_BOOL},
      {"LessEqual", ops::LessEqual, DT_FLOAT, DT_BOOL},
      {"Equal", eq, DT_FLOAT, DT_BOOL},
      {"NotEqual", ne, DT_FLOAT, DT_BOOL},
      {"LogicalAnd", ops::LogicalAnd, DT_BOOL, DT_BOOL},
      {"LogicalOr", ops::LogicalOr, DT_BOOL, DT_BOOL},
  };
}

PartialShape InferredShape(const BinaryOp& op, const PartialShape& a,
                           const PartialShape& b) {
  Scope s = NewRootScope();
  Output z =
      op.fn(s, ops::Placeholder(s, op.in, a), ops::Placeholder(s, op.in, b));
  EXPECT_TRUE(s.ok()) << s.status();
  if (!s.ok()) return PartialShape();
  EXPECT_EQ(z.dtype(), op.out) << op.name;
  return z.shape();
}

TEST(BroadcastShapeTest, EveryBinaryOp) {
  for (const BinaryOp& op : AllBroadcastingOps()) {
    SCOPED_TRACE(op.name);
    EXPECT_EQ(InferredShape(op, {2, 3}, {3}), PartialShape({2, 3}));
    EXPECT_EQ(InferredShape(op, {2, 1}, {1, 3}), PartialShape({2, 3}));
    EXPECT_EQ(InferredShape(op, KnownScalar(), {4, 5}), PartialShape({4, 5}));
    EXPECT_EQ(InferredShape(op, {-1, 3}, {3}), PartialShape({-1, 3}));
    EXPECT_EQ(InferredShape(op, {-1, 1}, {1, 5}), PartialShape({-1, 5}));
    EXPECT_EQ(InferredShape(op, PartialShape(), {3}), PartialShape());
    Scope s = NewRootScope();
    op.fn(s.WithOpName("bad"), ops::Placeholder(s, op.in, {2, 3}),
          ops::Placeholder(s, op.in, {4}));
    EXPECT_TRUE(
        IsInvalidArgument(s.status(), {"bad", op.name, "[2,3]", "[4]"}));
  }
}

TEST(BroadcastShapeTest, UnknownDims) {
  auto bc = [](const PartialShape& a, const PartialShape& b) {
    auto r = BroadcastShapes(a, b);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : PartialShape();
  };
  EXPECT_EQ(bc({-1}, {1}), PartialShape({-1}));
  EXPECT_EQ(bc({1}, {-1}), PartialShape({-1}));
  EXPECT_EQ(bc({-1}, {4}), PartialShape({4}));
  EXPECT_EQ(bc({4}, {-1}), PartialShape({4}));
  EXPECT_EQ(bc({-1}, {-1}), PartialShape({-1}));
  EXPECT_EQ(bc({-1, 3}, {5, -1, 1}), PartialShape({5, -1, 3}));
  EXPECT_EQ(bc({0}, {1}), PartialShape({0}));
  EXPECT_EQ(bc(KnownScalar(), KnownScalar()), KnownScalar());
  EXPECT_EQ(bc(KnownScalar(), {-1, 2}), PartialShape({-1, 2}));
  EXPECT_FALSE(BroadcastShapes({0}, {2}).ok());
  EXPECT_FALSE(BroadcastShapes({2, 3}, {3, 3, 2}).ok());
}

// Plain NumPy broadcasting over multi-indices, independent of the engine.
std::vector<double> ReferenceBroadcast(
    const TensorShape& xs, const std::vector<double>& x, const TensorShape& ys,
    const std::vector<double>& y, TensorShape* out_shape,
    const std::function<double(double, double)>& f) {
  const int rank = std::max(xs.rank(), ys.rank());
  std::vector<int64_t> xd(rank, 1), yd(rank, 1), od(rank);
  for (int i = 0; i < xs.rank(); ++i) xd[rank - xs.rank() + i] = xs.dim(i);
  for (int i = 0; i < ys.rank(); ++i) yd[rank - ys.rank() + i] = ys.dim(i);
  for (int i = 0; i < rank; ++i) od[i] = xd[i] == 1 ? yd[i] : xd[i];
  *out_shape = TensorShape(absl::Span<const int64_t>(od));
  std::vector<double> out(out_shape->num_elements());
  for (int64_t k = 0; k < static_cast<int64_t>(out.size()); ++k) {
    int64_t rem = k, xi = 0, yi = 0, xm = 1, ym = 1;
    for (int d = rank - 1; d >= 0; --d) {
      const int64_t idx = rem % od[d];
      rem /= od[d];
      xi += (xd[d] == 1 ? 0 : idx) * xm;
      yi += (yd[d] == 1 ? 0 : idx) * ym;
      xm *= xd[d];
      ym *= yd[d];
    }
    out[k] = f(x[xi], y[yi]);
  }
  return out;
}

struct RefCase {
  const char* name;
  BinaryFn fn;
  std::function<double(double, double)> ref;
  double lo = -3, hi = 3;
  DataType out = DT_FLOAT;
};

TEST(BroadcastEngineTest, MatchesReferenceOnManyShapes) {
  const std::vector<std::pair<TensorShape, TensorShape>> shapes = {
      {{2, 3}, {3}},
      {{2, 1}, {1, 3}},
      {{}, {4, 5}},
      {{4, 5}, {}},
      {{}, {}},
      {{7, 2, 3}, {3}},
      {{5, 1}, {5, 4}},
      {{5, 4}, {5, 1}},
      {{2, 3, 4}, {2, 1, 4}},
      {{3, 1, 4, 1}, {1, 5, 1, 6}},
      {{2, 3}, {2, 3}},
      {{1, 1}, {1}},
      {{0, 3}, {3}},
      {{1, 3, 1}, {2, 1, 1, 5}},
      {{300, 257}, {257}},
      {{300, 1}, {1, 257}},
      {{64, 1, 33}, {1, 50, 1}},
      {{100000}, {100000}},
      {{2, 50000}, {2, 1}},
      {{3, 40000}, {40000}},
  };
  // Float arithmetic here, so results next to an integer round the same way.
  auto floor_div = [](double a, double b) {
    return double(std::floor(float(a) / float(b)));
  };
  auto floor_mod = [](double a, double b) {
    const float r = std::fmod(float(a), float(b));
    return double((a < 0) == (b < 0) ? r : std::fmod(r + float(b), float(b)));
  };
  const std::vector<RefCase> cases = {
      {"Add", ops::Add, [](double a, double b) { return a + b; }},
      {"Sub", ops::Sub, [](double a, double b) { return a - b; }},
      {"Mul", ops::Mul, [](double a, double b) { return a * b; }},
      {"RealDiv", ops::RealDiv, [](double a, double b) { return a / b; }, 0.5,
       3},
      {"FloorDiv", ops::FloorDiv, floor_div, -3, 3},
      {"FloorMod", ops::FloorMod, floor_mod, -3, 3},
      {"Maximum", ops::Maximum,
       [](double a, double b) { return std::max(a, b); }},
      {"Minimum", ops::Minimum,
       [](double a, double b) { return std::min(a, b); }},
      {"SquaredDifference", ops::SquaredDifference,
       [](double a, double b) { return (a - b) * (a - b); }},
      {"Pow", ops::Pow, [](double a, double b) { return std::pow(a, b); }, 0.5,
       2},
      {"Greater", ops::Greater,
       [](double a, double b) { return double(a > b); }, -3, 3, DT_BOOL},
      {"LessEqual", ops::LessEqual,
       [](double a, double b) { return double(a <= b); }, -3, 3, DT_BOOL},
  };
  uint64_t seed = 1;
  for (const auto& [xs, ys] : shapes) {
    for (const RefCase& c : cases) {
      SCOPED_TRACE(absl::StrCat(c.name, " ", xs.DebugString(), " vs ",
                                ys.DebugString()));
      // Round to float first so the reference sees the kernel's inputs.
      std::vector<double> xv =
          RandomValues(xs.num_elements(), c.lo, c.hi, ++seed);
      std::vector<double> yv =
          RandomValues(ys.num_elements(), c.lo, c.hi, ++seed);
      for (double& v : xv) v = static_cast<float>(v);
      for (double& v : yv) v = static_cast<float>(v);
      TensorShape out_shape;
      std::vector<double> want =
          ReferenceBroadcast(xs, xv, ys, yv, &out_shape, c.ref);
      Scope s = NewRootScope();
      Output z = c.fn(s, s.Const(FromDoubles(DT_FLOAT, xs, xv)),
                      s.Const(FromDoubles(DT_FLOAT, ys, yv)));
      EXPECT_EQ(z.shape(), PartialShape(out_shape));
      EXPECT_TENSOR_NEAR(testing::Eval(s, z),
                         FromDoubles(c.out, out_shape, want), 1e-5, 1e-5);
    }
  }
}

TEST(BinaryOpsTest, AddBroadcastingByHand) {
  Scope s = NewRootScope();
  Output row = ops::Add(s, F({1, 2, 3, 4, 5, 6}, {2, 3}), F({10, 20, 30}, {3}));
  Output outer = ops::Add(s, F({1, 2}, {2, 1}), F({10, 20, 30}, {1, 3}));
  Output scalar_left = ops::Add(s, 100.0f, F({1, 2, 3}, {3}));
  Output scalar_right = ops::Sub(s, F({1, 2, 3}, {3}), 1.0f);
  Output rank3 =
      ops::Mul(s, F({1, 2, 3, 4, 5, 6, 7, 8}, {2, 2, 2}), F({10, 100}, {2}));
  Output col = ops::Sub(s, F({1, 2, 3, 4, 5, 6}, {2, 3}), F({1, 4}, {2, 1}));
  Output col_left =
      ops::Sub(s, F({1, 4}, {2, 1}), F({1, 2, 3, 4, 5, 6}, {2, 3}));
  auto out = testing::EvalAll(
      s, {row, outer, scalar_left, scalar_right, rank3, col, col_left});
  EXPECT_TENSOR_NEAR(out[0], F({11, 22, 33, 14, 25, 36}, {2, 3}));
  EXPECT_TENSOR_NEAR(out[1], F({11, 21, 31, 12, 22, 32}, {2, 3}));
  EXPECT_TENSOR_NEAR(out[2], F({101, 102, 103}, {3}));
  EXPECT_TENSOR_NEAR(out[3], F({0, 1, 2}, {3}));
  EXPECT_TENSOR_NEAR(out[4],
                     F({10, 200, 30, 400, 50, 600, 70, 800}, {2, 2, 2}));
  EXPECT_TENSOR_NEAR(out[5], F({0, 1, 2, 0, 1, 2}, {2, 3}));
  EXPECT_TENSOR_NEAR(out[6], F({0, -1, -2, 0, -1, -2}, {2, 3}));
}

TEST(BinaryOpsTest, IntegerAndOtherDtypes) {
  Scope s = NewRootScope();
  Output i32 = ops::Add(s, I32({1, 2, 3}, {3}), I32({10}, {1}));
  Output i64 = ops::Mul(s, I64({1, -2, 3}, {3}), I64({-4}, {}));
  Output f64 = ops::Sub(s, D({1.5, 2.5}, {2}), D({0.25}, {1}));
  Output u8 =
      ops::Add(s, Make<uint8_t>({250, 1}, {2}), Make<uint8_t>({10}, {}));
  Output i8 = ops::Mul(s, Make<int8_t>({-3, 100}, {2}), Make<int8_t>({2}, {}));
  Output i16 =
      ops::Sub(s, Make<int16_t>({5, -7}, {2}), Make<int16_t>({10}, {}));
  Output wrap = ops::Add(s, I32({std::numeric_limits<int32_t>::max()}, {1}),
                         I32({1}, {1}));
  auto out = testing::EvalAll(s, {i32, i64, f64, u8, i8, i16, wrap});
  EXPECT_TENSOR_NEAR(out[0], I32({11, 12, 13}, {3}));
  EXPECT_TENSOR_NEAR(out[1], I64({-4, 8, -12}, {3}));
  EXPECT_TENSOR_NEAR(out[2], D({1.25, 2.25}, {2}));
  EXPECT_TENSOR_NEAR(out[3], Make<uint8_t>({4, 11}, {2}));  // Wraps.
  EXPECT_TENSOR_NEAR(out[4], Make<int8_t>({-6, -56}, {2}));
  EXPECT_TENSOR_NEAR(out[5], Make<int16_t>({-5, -17}, {2}));
  EXPECT_TENSOR_NEAR(out[6], I32({std::numeric_limits<int32_t>::min()}, {1}));
}

TEST(BinaryOpsTest, EmptyOutputs) {
  Scope s = NewRootScope();
  Output z = ops::Add(s, F({}, {0, 3}), F({1, 2, 3}, {3}));
  Output d = ops::FloorDiv(s, I32({}, {0}), I32({0}, {1}));  // No element.
  auto out = testing::EvalAll(s, {z, d});
  EXPECT_EQ(out[0].shape(), TensorShape({0, 3}));
  EXPECT_EQ(out[1].shape(), TensorShape({0}));
}

TEST(BinaryOpsTest, RuntimeIncompatibleShapesNameTheNode) {
  Scope s = NewRootScope();
  Output a = ops::Placeholder(s, DT_FLOAT, {-1});
  Output b = ops::Placeholder(s, DT_FLOAT, {-1});
  Output z = ops::Add(s.WithOpName("sum"), a, b);
  EXPECT_TRUE(IsInvalidArgument(
      testing::EvalStatus(s, z, {{a, F({1, 2}, {2})}, {b, F({1, 2, 3}, {3})}}),
      {"sum", "Incompatible shapes", "[2]", "[3]"}));
}

TEST(DivTest, FloatAndIntegerTruncation) {
  Scope s = NewRootScope();
  Output f = ops::Div(s, F({7, -7, 1}, {3}), F({2, 2, 4}, {3}));
  Output i = ops::Div(s, I32({7, -7, 7, -7}, {4}), I32({2, 2, -2, -2}, {4}));
  Output i64 = ops::Div(s, I64({-9}, {1}), I64({4}, {1}));
  Output u8 = ops::Div(s, Make<uint8_t>({200, 7}, {2}), Make<uint8_t>({3}, {}));
  Output real = ops::RealDiv(s, D({1, -3}, {2}), D({4}, {}));
  Output wrap = ops::Div(s, I32({std::numeric_limits<int32_t>::min(), 6}, {2}),
                         I32({-1}, {}));
  auto out = testing::EvalAll(s, {f, i, i64, u8, real, wrap});
  EXPECT_TENSOR_NEAR(out[0], F({3.5, -3.5, 0.25}, {3}));
  EXPECT_TENSOR_NEAR(out[1], I32({3, -3, -3, 3}, {4}));
  EXPECT_TENSOR_NEAR(out[2], I64({-2}, {1}));
  EXPECT_TENSOR_NEAR(out[3], Make<uint8_t>({66, 2}, {2}));
  EXPECT_TENSOR_NEAR(out[4], D({0.25, -0.75}, {2}));
  EXPECT_TENSOR_NEAR(out[5],
                     I32({std::numeric_limits<int32_t>::min(), -6}, {2}));
}

TEST(DivTest, IntegerDivisionByZeroIsAnError) {
  for (const char* op : {"Div", "FloorDiv", "FloorMod"}) {
    Scope s = NewRootScope();
    Output z =
        s.WithOpName("divide").AddOp1(op, {I32({1, 2}, {2}), I32({1, 0}, {2})});
    EXPECT_TRUE(IsInvalidArgument(testing::EvalStatus(s, z),
                                  {"divide", op, "Integer division by zero"}));
  }
  Scope s = NewRootScope();  // Floats divide by zero into inf.
  Tensor inf = testing::Eval(s, ops::Div(s, F({1}, {1}), F({0}, {1})));
  EXPECT_TRUE(std::isinf(inf.data<float>()[0]));
}

TEST(DivTest, RealDivHasNoIntegerKernel) {
  Scope s = NewRootScope();
  Output z = ops::RealDiv(s.WithOpName("rd"), I32({1}, {1}), I32({1}, {1}));
  EXPECT_TRUE(IsInvalidArgument(testing::EvalStatus(s, z), {"rd", "int32"}));
}

// DivNoNan is 0 wherever y == 0, whatever x is (also NaN or Inf).
TEST(DivTest, DivNoNanIsZeroWhereTheDivisorIsZero) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  Scope s = NewRootScope();
  Output f = ops::DivNoNan(s, F({6, 1, 0, nan, inf, -3}, {2, 3}),
                           F({3, 0, 0, 0, 0, 2}, {2, 3}));
  Output b = ops::DivNoNan(s, D({1, -2}, {2, 1}), D({0, 4, -8}, {3}));
  auto out = testing::EvalAll(s, {f, b});
  EXPECT_TENSOR_NEAR(out[0], F({2, 0, 0, 0, 0, -1.5}, {2, 3}));
  EXPECT_TENSOR_NEAR(out[1], D({0, 0.25, -0.125, 0, -0.5, 0.25}, {2, 3}));
  // TF registers DivNoNan for floating types only.
  Output i = ops::DivNoNan(s.WithOpName("dnn"), I32({1}, {1}), I32({0}, {1}));
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(IsInvalidArgument(s.status(), {"dnn", "int32"}));
}

TEST(FloorDivModTest, NegativeOperands) {
  Scope s = NewRootScope();
  Tensor x = I32({-7, 7, -7, 7, 6, -6, 0}, {7});
  Tensor y = I32({2, -2, -2, 2, -3, 3, -5}, {7});
  Output fd = ops::FloorDiv(s, x, y);
  Output fm = ops::FloorMod(s, x, y);
  Output fd64 = ops::FloorDiv(s, I64({-7}, {1}), I64({2}, {1}));
  Output fm64 = ops::FloorMod(s, I64({-7, 7}, {2}), I64({2, -2}, {2}));
  Output fdf =
      ops::FloorDiv(s, F({-7, 7, -7.5, 7.5}, {4}), F({2, -2, 2, 2}, {4}));
  Output fmf =
      ops::FloorMod(s, F({-7, 7, -7.5, 7.5}, {4}), F({2, -2, 2, -2}, {4}));
  Output fmd = ops::FloorMod(s, D({-1, 5.25}, {2}), D({3, -2}, {2}));
  Output fdu =
      ops::FloorDiv(s, Make<uint8_t>({7, 255}, {2}), Make<uint8_t>({2}, {}));
  constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
  Output min_fd = ops::FloorDiv(s, I32({kMin}, {1}), I32({-1}, {1}));
  Output min_fm = ops::FloorMod(s, I32({kMin}, {1}), I32({-1}, {1}));
  auto out = testing::EvalAll(
      s, {fd, fm, fd64, fm64, fdf, fmf, fmd, fdu, min_fd, min_fm});
  EXPECT_TENSOR_NEAR(out[0], I32({-4, -4, 3, 3, -2, -2, 0}, {7}));
  EXPECT_TENSOR_NEAR(out[1], I32({1, -1, -1, 1, 0, 0, 0}, {7}));
  EXPECT_TENSOR_NEAR(out[2], I64({-4}, {1}));
  EXPECT_TENSOR_NEAR(out[3], I64({1, -1}, {2}));
  EXPECT_TENSOR_NEAR(out[4], F({-4, -4, -4, 3}, {4}));
  EXPECT_TENSOR_NEAR(out[5], F({1, -1, 0.5, -0.5}, {4}));
  EXPECT_TENSOR_NEAR(out[6], D({2, -0.75}, {2}));
  EXPECT_TENSOR_NEAR(out[7], Make<uint8_t>({3, 127}, {2}));
  EXPECT_TENSOR_NEAR(out[8], I32({kMin}, {1}));  // Wraps, no trap.
  EXPECT_TENSOR_NEAR(out[9], I32({0}, {1}));
}

TEST(BinaryOpsTest, MaximumMinimumPowSquaredDifference) {
  Scope s = NewRootScope();
  Output mx = ops::Maximum(s, F({1, 5, -2}, {3}), F({3}, {}));
  Output mn = ops::Minimum(s, I64({1, 5, -2}, {3}), I64({3}, {}));
  Output mxi = ops::Maximum(s, I32({1, 5}, {2, 1}), I32({2, 3}, {1, 2}));
  Output pf = ops::Pow(s, F({2, 4, 9, -2}, {4}), F({3, 0.5, 0, 2}, {4}));
  Output pi =
      ops::Pow(s, I32({2, 3, -2, 7, 0}, {5}), I32({10, 0, 3, 1, 0}, {5}));
  Output pd = ops::Pow(s, D({2}, {}), D({-1, 0.5}, {2}));
  Output sd = ops::SquaredDifference(s, F({1, 2, 3}, {3}), F({3}, {}));
  Output sdi = ops::SquaredDifference(s, I32({-1, 4}, {2}), I32({2}, {1}));
  auto out = testing::EvalAll(s, {mx, mn, mxi, pf, pi, pd, sd, sdi});
  EXPECT_TENSOR_NEAR(out[0], F({3, 5, 3}, {3}));
  EXPECT_TENSOR_NEAR(out[1], I64({1, 3, -2}, {3}));
  EXPECT_TENSOR_NEAR(out[2], I32({2, 3, 5, 5}, {2, 2}));
  EXPECT_TENSOR_NEAR(out[3], F({8, 2, 1, 4}, {4}));
  EXPECT_TENSOR_NEAR(out[4], I32({1024, 1, -8, 7, 1}, {5}));
  EXPECT_TENSOR_NEAR(out[5], D({0.5, std::sqrt(2.0)}, {2}));
  EXPECT_TENSOR_NEAR(out[6], F({4, 1, 0}, {3}));
  EXPECT_TENSOR_NEAR(out[7], I32({9, 4}, {2}));
}

TEST(BinaryOpsTest, IntegerPowRejectsNegativeExponents) {
  Scope s = NewRootScope();
  Output z = ops::Pow(s.WithOpName("p"), I32({2}, {1}), I32({-1}, {1}));
  EXPECT_TRUE(IsInvalidArgument(testing::EvalStatus(s, z),
                                {"p", "negative integer powers"}));
}

TEST(BinaryOpsTest, WrongDtypeNamesTheNode) {
  Scope s = NewRootScope();
  ops::Maximum(s.WithOpName("m"), Make<uint8_t>({1}, {1}),
               Make<uint8_t>({1}, {1}));
  EXPECT_TRUE(IsInvalidArgument(s.status(), {"m", "uint8"}));
  Scope s2 = NewRootScope();
  ops::Add(s2.WithOpName("mixed"), F({1}, {1}), I32({1}, {1}));
  EXPECT_EQ(s2.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s2.status().message().find("mixed"), std::string::npos);
}

TEST(ComparisonTest, ValuesWithBroadcasting) {
  Scope s = NewRootScope();
  Tensor x = F({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor y = F({2, 2, 7}, {3});
  auto out = testing::EvalAll(
      s, {ops::Greater(s, x, y), ops::GreaterEqual(s, x, y), ops::Less(s, x, y),
          ops::LessEqual(s, x, y), ops::Equal(s, x, y), ops::NotEqual(s, x, y),
          ops::Equal(s, B({true, false}, {2}), B({true}, {})),
          ops::Less(s, I64({1, 5}, {2, 1}), I64({2, 6}, {1, 2})),
          ops::GreaterEqual(s, Make<uint8_t>({3}, {}),
                            Make<uint8_t>({3, 4}, {2}))});
  EXPECT_TENSOR_NEAR(out[0], B({0, 0, 0, 1, 1, 0}, {2, 3}));
  EXPECT_TENSOR_NEAR(out[1], B({0, 1, 0, 1, 1, 0}, {2, 3}));
  EXPECT_TENSOR_NEAR(out[2], B({1, 0, 1, 0, 0, 1}, {2, 3}));
  EXPECT_TENSOR_NEAR(out[3], B({1, 1, 1, 0, 0, 1}, {2, 3}));
  EXPECT_TENSOR_NEAR(out[4], B({0, 1, 0, 0, 0, 0}, {2, 3}));
  EXPECT_TENSOR_NEAR(out[5], B({1, 0, 1, 1, 1, 1}, {2, 3}));
  EXPECT_TENSOR_NEAR(out[6], B({1, 0}, {2}));
  EXPECT_TENSOR_NEAR(out[7], B({1, 1, 0, 1}, {2, 2}));
  EXPECT_TENSOR_NEAR(out[8], B({1, 0}, {2}));
}

TEST(ComparisonTest, EqualWithoutIncompatibleShapeError) {
  Scope s = NewRootScope();
  Output eq = ops::Equal(s, F({1, 2}, {2}), F({1, 2, 3}, {3}), false);
  Output ne = ops::NotEqual(s, F({1, 2}, {2}), F({1, 2, 3}, {3}), false);
  Output ok = ops::Equal(s, F({1, 2}, {2}), F({1}, {1}), false);
  EXPECT_EQ(eq.shape(), PartialShape());  // Unknown until run time.
  EXPECT_EQ(ok.shape(), PartialShape({2}));
  auto out = testing::EvalAll(s, {eq, ne, ok});
  EXPECT_TENSOR_NEAR(out[0], B({false}, {}));
  EXPECT_TENSOR_NEAR(out[1], B({true}, {}));
  EXPECT_TENSOR_NEAR(out[2], B({true, false}, {2}));
  EXPECT_NE(s.graph()->FindNode("Equal")->op_def().FindAttr(
                "incompatible_shape_error"),
            nullptr);
}

TEST(LogicalTest, AndOrNot) {
  Scope s = NewRootScope();
  Tensor x = B({true, true, false, false}, {2, 2});
  Tensor y = B({true, false}, {2});
  Output n = ops::LogicalNot(s, x);
  auto out = testing::EvalAll(
      s, {ops::LogicalAnd(s, x, y), ops::LogicalOr(s, x, y), n});
  EXPECT_TENSOR_NEAR(out[0], B({1, 0, 0, 0}, {2, 2}));
  EXPECT_TENSOR_NEAR(out[1], B({1, 1, 1, 0}, {2, 2}));
  EXPECT_TENSOR_NEAR(out[2], B({0, 0, 1, 1}, {2, 2}));
  // Shapes: LogicalNot keeps its input's; non-bool inputs are rejected.
  Output p = ops::Placeholder(s, DT_BOOL, {-1, 4});
  EXPECT_EQ(ops::LogicalNot(s, p).shape(), PartialShape({-1, 4}));
  EXPECT_EQ(ops::LogicalNot(s, ops::Placeholder(s, DT_BOOL)).shape(),
            PartialShape());
  ops::LogicalNot(s.WithOpName("not_float"), F({1}, {1}));
  EXPECT_TRUE(IsInvalidArgument(s.status(), {"not_float"}));
}

}  // namespace
}  // namespace graphflow
