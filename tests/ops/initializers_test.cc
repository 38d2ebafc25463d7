// Variable initializers: TF's fans, bounds and spreads, seeding (TF's
// (graph seed, op seed) pairs, bit-for-bit with published TF output), node
// names, and the constant initializers.
#include "ops/initializers.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"
#include "ops/variables.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::Values;

// Runs "init" in a new session and returns the variables' values.
std::vector<Tensor> InitAndRead(const Scope& s,
                                const std::vector<Variable>& vars,
                                SessionOptions options = {}) {
  Output init = GlobalVariablesInitializer(s);
  auto session = Session::Create(s, options);
  EXPECT_TRUE(session.ok()) << session.status();
  if (!session.ok()) return {};
  EXPECT_OK((*session)->Run({}, {}, {init}).status());
  std::vector<Output> reads;
  for (const Variable& v : vars) reads.push_back(v.read);
  auto out = (*session)->Run(reads);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : std::vector<Tensor>{};
}

// One variable of `shape` from `initializer`, initialized and read.
Tensor InitValue(const Initializer& initializer, const TensorShape& shape,
                 DataType dtype = DT_FLOAT) {
  Scope s = NewRootScope();
  Variable v = GetVariable(s, "v", shape, initializer, dtype);
  std::vector<Tensor> out = InitAndRead(s, {v});
  return out.empty() ? Tensor() : out[0];
}

struct Moments {
  double mean = 0, stddev = 0, min = 1e300, max = -1e300;
};
Moments MomentsOf(const Tensor& t) {
  Moments m;
  std::vector<double> v = Values(t);
  for (double x : v) {
    m.mean += x / v.size();
    m.min = std::min(m.min, x);
    m.max = std::max(m.max, x);
  }
  for (double x : v) m.stddev += (x - m.mean) * (x - m.mean) / v.size();
  m.stddev = std::sqrt(m.stddev);
  return m;
}

// The standard deviation of N(0, 1) truncated to [-2, 2] (TF's
// TruncatedNormal redraws beyond two standard deviations):
// sqrt(1 - 2 * 2 * phi(2) / (2 * Phi(2) - 1)).
const double kTruncatedStd =
    std::sqrt(1 - 4 * std::exp(-2.0) / std::sqrt(2 * M_PI) /
                      std::erf(2 / std::sqrt(2.0)));

// numpy prints float32 with 8 decimals.
void ExpectPrinted(const float* got, const std::vector<double>& printed) {
  for (size_t i = 0; i < printed.size(); ++i) {
    EXPECT_TRUE(got[i] == static_cast<float>(printed[i]) ||
                std::fabs(got[i] - printed[i]) <= 5e-9)
        << "at " << i << ": " << got[i] << " vs " << printed[i];
  }
}

TEST(InitializersTest, ComputeFansLikeTensorFlow) {
  Fans conv = ComputeFans({4, 4, 3, 8});  // HWIO filter.
  EXPECT_EQ(conv.in, 48);
  EXPECT_EQ(conv.out, 128);
  Fans dense = ComputeFans({784, 10});  // [in, out].
  EXPECT_EQ(dense.in, 784);
  EXPECT_EQ(dense.out, 10);
  Fans vec = ComputeFans({5});
  EXPECT_EQ(vec.in, 5);
  EXPECT_EQ(vec.out, 5);
  Fans scalar = ComputeFans({});
  EXPECT_EQ(scalar.in, 1);
  EXPECT_EQ(scalar.out, 1);
}

// The Coursera course's initialize_parameters(): tf.set_random_seed(1),
// W1 = get_variable("W1", [4,4,3,8], xavier_initializer(seed=0)), W2 the
// same with [2,2,8,16]; its published expected output is W1[1,1,1] and
// W2[1,1,1] below (printed by TF 1.x).
TEST(InitializersTest, XavierUniformMatchesPublishedTensorFlowValues) {
  Scope s = NewRootScope();
  Seed seed = Seed::WithGraphSeed(1, 0);
  Variable W1 = GetVariable(s, "W1", {4, 4, 3, 8}, init::XavierUniform(seed));
  Variable W2 = GetVariable(s, "W2", {2, 2, 8, 16}, init::XavierUniform(seed));
  std::vector<Tensor> w = InitAndRead(s, {W1, W2});
  ASSERT_EQ(w.size(), 2u);
  ExpectPrinted(w[0].data<float>() + ((1 * 4 + 1) * 3 + 1) * 8,
                {0.00131723, 0.14176141, -0.04434952, 0.09197326, 0.14984085,
                 -0.03514394, -0.06847463, 0.05245192});
  ExpectPrinted(
      w[1].data<float>() + ((1 * 2 + 1) * 8 + 1) * 16,
      {-0.08566415, 0.17750949, 0.11974221, 0.16773748, -0.0830943, -0.08058,
       -0.00577033, -0.14643836, 0.24162132, -0.05857408, -0.19055021,
       0.1345228, -0.22779644, -0.1601823, -0.16117483, -0.10286498});
}

TEST(InitializersTest, XavierUniformWithinLimitForConvAndDense) {
  struct Case {
    TensorShape shape;
    double fan_sum;
  };
  for (const Case& c : {Case{{4, 4, 3, 8}, 48 + 128}, Case{{300, 100}, 400},
                        Case{{2, 2, 8, 16}, 32 + 64}}) {
    const double limit = std::sqrt(6.0 / c.fan_sum);
    Moments m = MomentsOf(InitValue(init::XavierUniform(), c.shape));
    EXPECT_LE(m.max, limit) << c.shape.DebugString();
    EXPECT_GE(m.min, -limit) << c.shape.DebugString();
    // The whole range is used: U(-l, l) has stddev l / sqrt(3).
    EXPECT_GT(m.max, 0.9 * limit);
    EXPECT_LT(m.min, -0.9 * limit);
    EXPECT_NEAR(m.stddev, limit / std::sqrt(3.0), 0.1 * limit);
  }
}

TEST(InitializersTest, HeUniformLimitUsesFanIn) {
  const double limit = std::sqrt(6.0 / (3 * 3 * 16));
  Moments m = MomentsOf(InitValue(init::HeUniform(5), {3, 3, 16, 32}));
  EXPECT_LE(m.max, limit);
  EXPECT_GE(m.min, -limit);
  EXPECT_GT(m.max, 0.95 * limit);
  EXPECT_LT(m.min, -0.95 * limit);
  EXPECT_NEAR(m.stddev, limit / std::sqrt(3.0), 0.03 * limit);
}

TEST(InitializersTest, SeededValuesRepeatAcrossGraphsAndSessions) {
  Tensor a = InitValue(init::XavierUniform(0), {4, 4, 3, 8});
  Tensor b = InitValue(init::XavierUniform(0), {4, 4, 3, 8});
  EXPECT_TRUE(TensorsEqual(a, b));
  Tensor c = InitValue(init::XavierUniform(1), {4, 4, 3, 8});
  EXPECT_FALSE(TensorsEqual(a, c));
  // The op seed alone means TF's default graph seed 87654321.
  Tensor d = InitValue(init::XavierUniform(Seed::WithGraphSeed(87654321, 0)),
                       {4, 4, 3, 8});
  EXPECT_TRUE(TensorsEqual(a, d));
}

TEST(InitializersTest, UnseededValuesDifferBetweenSessions) {
  Scope s = NewRootScope();
  Variable v = GetVariable(s, "v", {4, 4, 3, 8}, init::XavierUniform());
  std::vector<Tensor> first = InitAndRead(s, {v});
  std::vector<Tensor> second = InitAndRead(s, {v});
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_FALSE(TensorsEqual(first[0], second[0]));
  const Node* rnd = s.graph()->FindNode(
      "v/Initializer/random_uniform/"
      "RandomUniform");
  ASSERT_NE(rnd, nullptr);
  EXPECT_EQ(*rnd->FindAttr<int64_t>("seed"), 0);
  EXPECT_EQ(*rnd->FindAttr<int64_t>("seed2"), 0);
}

TEST(InitializersTest, SeedResolvesLikeTensorFlowGetSeed) {
  Scope s = NewRootScope();
  using Pair = std::pair<int64_t, int64_t>;
  EXPECT_EQ(Seed(7).Resolve(*s.graph()), Pair(87654321, 7));
  EXPECT_EQ(Seed::WithGraphSeed(3, 7).Resolve(*s.graph()), Pair(3, 7));
  EXPECT_EQ(Seed().Resolve(*s.graph()), Pair(0, 0));
  EXPECT_EQ(Seed(std::nullopt).Resolve(*s.graph()), Pair(0, 0));
  // (0, 0) would mean "nondeterministic" to the kernel.
  EXPECT_EQ(Seed::WithGraphSeed(0, 0).Resolve(*s.graph()), Pair(0, 2147483647));
  // A graph seed alone derives the op seed from the graph's size, so two
  // initializers differ but a rebuilt graph repeats them.
  s.Const(Tensor::Scalar(1.0f));
  s.Const(Tensor::Scalar(2.0f));
  EXPECT_EQ(Seed::WithGraphSeed(3).Resolve(*s.graph()), Pair(3, 2));
}

TEST(InitializersTest, GraphSeedAloneIsReproducibleAndDiffersPerVariable) {
  auto build = [] {
    Scope s = NewRootScope();
    Initializer init = init::XavierUniform(Seed::WithGraphSeed(1));
    Variable a = GetVariable(s, "a", {20, 30}, init);
    Variable b = GetVariable(s, "b", {20, 30}, init);
    return InitAndRead(s, {a, b});
  };
  std::vector<Tensor> first = build(), second = build();
  ASSERT_EQ(first.size(), 2u);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_TRUE(TensorsEqual(first[0], second[0]));
  EXPECT_TRUE(TensorsEqual(first[1], second[1]));
  EXPECT_FALSE(TensorsEqual(first[0], first[1]));
}

TEST(InitializersTest, XavierNormalIsTruncatedWithTheRightStddev) {
  const double stddev = std::sqrt(1.3 * 2 / (200 + 300));
  Moments m = MomentsOf(InitValue(init::XavierNormal(3), {200, 300}));
  EXPECT_LE(m.max, 2 * stddev * (1 + 1e-6));
  EXPECT_GE(m.min, -2 * stddev * (1 + 1e-6));
  EXPECT_GT(m.max, 1.9 * stddev);
  EXPECT_NEAR(m.mean, 0, 0.02 * stddev);
  EXPECT_NEAR(m.stddev, stddev * kTruncatedStd, 0.02 * stddev);
}

TEST(InitializersTest, HeNormalIsTruncatedWithFanInStddev) {
  const double stddev = std::sqrt(1.3 * 2 / (3 * 3 * 16));
  Moments m = MomentsOf(InitValue(init::HeNormal(4), {3, 3, 16, 256}));
  EXPECT_LE(m.max, 2 * stddev * (1 + 1e-6));
  EXPECT_GE(m.min, -2 * stddev * (1 + 1e-6));
  EXPECT_NEAR(m.mean, 0, 0.02 * stddev);
  EXPECT_NEAR(m.stddev, stddev * kTruncatedStd, 0.02 * stddev);
}

TEST(InitializersTest, TruncatedNormalMeanAndStddev) {
  Moments m =
      MomentsOf(InitValue(init::TruncatedNormal(1.0, 0.5, 9), {100, 600}));
  EXPECT_GE(m.min, 0.0);
  EXPECT_LE(m.max, 2.0);
  EXPECT_NEAR(m.mean, 1.0, 0.01);
  EXPECT_NEAR(m.stddev, 0.5 * kTruncatedStd, 0.01);
  // Double variables too.
  Tensor d = InitValue(init::TruncatedNormal(0, 0.1, 9), {50, 50}, DT_DOUBLE);
  ASSERT_EQ(d.dtype(), DT_DOUBLE);
  Moments md = MomentsOf(d);
  EXPECT_LE(md.max, 0.2);
  EXPECT_GE(md.min, -0.2);
}

TEST(InitializersTest, RandomNormalAndUniform) {
  Moments n = MomentsOf(InitValue(init::RandomNormal(-2, 3, 11), {200, 300}));
  EXPECT_NEAR(n.mean, -2, 0.05);
  EXPECT_NEAR(n.stddev, 3, 0.05);
  EXPECT_LT(n.min, -2 - 3 * 3);  // Not truncated.
  Moments u = MomentsOf(InitValue(init::RandomUniform(-1, 5, 12), {200, 300}));
  EXPECT_GE(u.min, -1);
  EXPECT_LT(u.max, 5);
  EXPECT_NEAR(u.mean, 2, 0.05);
  EXPECT_NEAR(u.stddev, 6 / std::sqrt(12.0), 0.05);
}

TEST(InitializersTest, ZerosOnesConstant) {
  EXPECT_EQ(Values(InitValue(init::Zeros(), {2, 3})),
            std::vector<double>(6, 0.0));
  EXPECT_EQ(Values(InitValue(init::Ones(), {4}, DT_DOUBLE)),
            std::vector<double>(4, 1.0));
  EXPECT_EQ(Values(InitValue(init::Constant(-2.5), {3})),
            std::vector<double>(3, -2.5));
  EXPECT_EQ(Values(InitValue(init::Constant(7), {2, 2}, DT_INT32)),
            std::vector<double>(4, 7.0));
  EXPECT_EQ(Values(InitValue(init::Constant(3), {}, DT_INT64)),
            std::vector<double>({3.0}));
  // Large ones are a Fill (a small GraphDef), with the same values.
  Tensor big = InitValue(init::Constant(0.25), {40, 50});
  EXPECT_EQ(Values(big), std::vector<double>(2000, 0.25));
}

TEST(InitializersTest, ConstantForUnsupportedDtypeIsAnError) {
  Scope s = NewRootScope();
  GetVariable(s, "flag", {2}, init::Zeros(), DT_BOOL);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("flag"), std::string::npos) << s.status();
}

// Node names and structure as TF's random_ops / array_ops build them.
TEST(InitializersTest, NodeNamesFollowTensorFlow) {
  Scope s = NewRootScope();
  GetVariable(s, "W", {4, 4, 3, 8}, init::XavierUniform(Seed(0)));
  GetVariable(s, "T", {3, 3}, init::TruncatedNormal(0, 1, 1));
  GetVariable(s, "N", {3}, init::RandomNormal());
  GetVariable(s, "b", {8}, init::Zeros());
  GetVariable(s, "big", {1000}, init::Zeros());
  GetVariable(s, "o", {2}, init::Ones());
  ASSERT_OK(s.status());
  const Graph& g = *s.graph();
  auto op = [&](const std::string& name) {
    const Node* n = g.FindNode(name);
    return n ? n->op() : std::string("<missing>");
  };
  const std::string u = "W/Initializer/random_uniform";
  EXPECT_EQ(op(u), "Add");
  EXPECT_EQ(op(u + "/shape"), "Const");
  EXPECT_EQ(op(u + "/min"), "Const");
  EXPECT_EQ(op(u + "/max"), "Const");
  EXPECT_EQ(op(u + "/RandomUniform"), "RandomUniform");
  EXPECT_EQ(op(u + "/sub"), "Sub");
  EXPECT_EQ(op(u + "/mul"), "Mul");
  const Node* rnd = g.FindNode(u + "/RandomUniform");
  EXPECT_EQ(*rnd->FindAttr<int64_t>("seed"), 87654321);
  EXPECT_EQ(*rnd->FindAttr<int64_t>("seed2"), 0);
  EXPECT_EQ(g.FindNode("W/Assign")->input(1).node->name(), u);
  EXPECT_EQ(op("T/Initializer/truncated_normal"), "Add");
  EXPECT_EQ(op("T/Initializer/truncated_normal/TruncatedNormal"),
            "TruncatedNormal");
  EXPECT_EQ(op("T/Initializer/truncated_normal/mean"), "Const");
  EXPECT_EQ(op("T/Initializer/truncated_normal/stddev"), "Const");
  EXPECT_EQ(op("N/Initializer/random_normal/RandomStandardNormal"),
            "RandomStandardNormal");
  EXPECT_EQ(op("b/Initializer/zeros"), "Const");
  EXPECT_EQ(op("big/Initializer/zeros"), "Fill");
  EXPECT_EQ(op("big/Initializer/zeros/shape_as_tensor"), "Const");
  EXPECT_EQ(op("big/Initializer/zeros/Const"), "Const");
  EXPECT_EQ(op("o/Initializer/ones"), "Const");
}

}  // namespace
}  // namespace graphflow
