// Element-wise kernels write into their input's buffer when the session
// hands them the last use of a value no one else holds, and never when
// the caller (a feed or a fetch) or a variable still holds it.
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/all_kernels.h"
#include "ops/math_ops.h"
#include "ops/math_unary_ops.h"
#include "ops/nn_ops.h"
#include "ops/state_ops.h"
#include "session/session.h"
#include "tests/support/test_util.h"

namespace graphflow {
namespace {

using testing::F;

// All CPU kernels, with Relu wrapped to record its input's buffer: the
// fetched output in the same buffer means Relu wrote in place.
struct RecordingKernels {
  KernelRegistry registry;
  std::shared_ptr<const void*> relu_input = std::make_shared<const void*>();

  RecordingKernels() {
    const KernelRegistry& all = GlobalKernelRegistry();
    for (const std::string& op : all.OpNames()) {
      if (op == "Relu") continue;
      EXPECT_TRUE(registry.Register(op, *all.Find(op)).ok());
    }
    EXPECT_TRUE(registry
                    .Register("Relu",
                              [relu = *all.Find("Relu"),
                               seen = relu_input](KernelContext& ctx) {
                                *seen = ctx.input(0).raw_data();
                                return relu(ctx);
                              })
                    .ok());
  }
};

class InPlaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    x_ = ops::Placeholder(s_.WithOpName("x"), DT_FLOAT);
    neg_ = ops::Neg(s_.WithOpName("neg"), x_);
    relu_ = ops::Relu(s_.WithOpName("relu"), neg_);
    var_ = ops::Variable(s_.WithOpName("v"), {2}, DT_FLOAT);
    init_ = ops::Assign(s_.WithOpName("v/init"), var_, F({-3, 4}, {2}));
    relu_var_ = ops::Relu(s_.WithOpName("relu_v"),
                          ops::Identity(s_.WithOpName("v/read"), var_));
    // a * a: the second read of `neg` is its last, the first still holds it.
    square_ = ops::Relu(s_.WithOpName("relu_sq"), ops::Mul(s_, neg_, neg_));
    SessionOptions options;
    options.kernels = &kernels_.registry;
    auto session = Session::Create(s_, options);
    ASSERT_TRUE(session.ok()) << session.status();
    session_ = std::move(*session);
  }
  bool ReluWroteInPlace(const Tensor& fetched) const {
    return fetched.raw_data() == *kernels_.relu_input;
  }

  Scope s_ = NewRootScope();
  Output x_, neg_, relu_, var_, init_, relu_var_, square_;
  RecordingKernels kernels_;
  std::unique_ptr<Session> session_;
};

TEST_F(InPlaceTest, AnIntermediateUsedOnceIsReused) {
  const Tensor x = F({1, -2}, {2});
  auto out = session_->Run({{x_, x}}, {relu_});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsEqual((*out)[0], F({0, 2}, {2})));
  EXPECT_TRUE(ReluWroteInPlace((*out)[0]));
  EXPECT_TRUE(TensorsEqual(x, F({1, -2}, {2})));  // The feed is untouched.
}

TEST_F(InPlaceTest, AFetchedIntermediateIsNot) {
  auto out = session_->Run({{x_, F({1, -2}, {2})}}, {neg_, relu_});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsEqual((*out)[0], F({-1, 2}, {2})));
  EXPECT_TRUE(TensorsEqual((*out)[1], F({0, 2}, {2})));
  EXPECT_FALSE(ReluWroteInPlace((*out)[1]));
}

TEST_F(InPlaceTest, AFedValueIsNot) {
  const Tensor neg = F({-1, 2}, {2});
  auto out = session_->Run({{neg_, neg}}, {relu_});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsEqual((*out)[0], F({0, 2}, {2})));
  EXPECT_FALSE(ReluWroteInPlace((*out)[0]));
  EXPECT_TRUE(TensorsEqual(neg, F({-1, 2}, {2})));
}

TEST_F(InPlaceTest, AVariablesValueIsNot) {
  ASSERT_TRUE(session_->Run({}, {}, {init_}).ok());
  for (int run = 0; run < 2; ++run) {
    auto out = session_->Run({relu_var_, var_});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_TRUE(TensorsEqual((*out)[0], F({0, 4}, {2})));
    EXPECT_TRUE(TensorsEqual((*out)[1], F({-3, 4}, {2})));
    EXPECT_FALSE(ReluWroteInPlace((*out)[0]));
  }
}

TEST_F(InPlaceTest, AValueReadTwiceByOneKernelIsRight) {
  auto out = session_->Run({{x_, F({1, -2}, {2})}}, {square_});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsEqual((*out)[0], F({1, 4}, {2})));
}

}  // namespace
}  // namespace graphflow
