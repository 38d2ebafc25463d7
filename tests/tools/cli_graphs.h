// Small graphs the runner's tests build with the C++ API and write to files
// (so those tests need nothing from ../shared).
#ifndef GRAPHFLOW_TESTS_TOOLS_CLI_GRAPHS_H_
#define GRAPHFLOW_TESTS_TOOLS_CLI_GRAPHS_H_

#include <string>
#include <vector>

#include "graph/graph_def.h"
#include "gtest/gtest.h"
#include "ops/array_ops.h"
#include "ops/array_slice_ops.h"
#include "ops/initializers.h"
#include "ops/math_ops.h"
#include "ops/math_unary_ops.h"
#include "ops/matmul_ops.h"
#include "ops/optimizers.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "ops/variables.h"
#include "proto/graph_io.h"

namespace graphflow::testing {

inline void WriteScopeGraph(const Scope& s, const std::string& path) {
  ASSERT_TRUE(s.ok()) << s.status();
  absl::Status st = WriteGraphDefFile(path, GraphToGraphDef(*s.graph()),
                                      GraphFormatForPath(path));
  ASSERT_TRUE(st.ok()) << st;
}

// A float variable "counter" of `shape` (scalar by default) set to 0 by
// "init", "AssignAdd" and "Adam/update_var/ApplyAdam" adding 1, a
// placeholder "x" f32[-1,2] with "doubled" = 2x, "rows" = the two rows of
// [[1,2,3],[4,5,6]] (a two-output op) with "second" = 10 * rows:1, and an
// int64 placeholder "ids" [-1] with "ids_plus" = ids + 1.
inline void WriteCounterGraph(const std::string& path,
                              const TensorShape& shape = TensorShape{}) {
  Scope s = NewRootScope();
  Output counter = ops::Variable(s.WithOpName("counter"), shape, DT_FLOAT);
  Output zeros = ops::Const(s, 0.0f), ones = ops::Const(s, 1.0f);
  if (shape.rank() > 0) {
    std::vector<int32_t> dims;
    for (int i = 0; i < shape.rank(); ++i) dims.push_back(shape.dim(i));
    Output d = ops::Const(s, Tensor::FromVector<int32_t>(dims, {shape.rank()}));
    zeros = ops::Fill(s, d, zeros);
    ones = ops::Fill(s, d, ones);
  }
  ops::Assign(s.WithOpName("init"), counter, zeros);
  ops::AssignAdd(s.WithOpName("AssignAdd"), counter, ones);
  Scope update = s.NewSubScope("Adam").NewSubScope("update_var");
  ops::AssignAdd(update.WithOpName("ApplyAdam"), counter, ones);
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {-1, 2});
  ops::Mul(s.WithOpName("doubled"), x, ops::Const(s, 2.0f));
  OutputList rows =
      ops::Unpack(s.WithOpName("rows"),
                  ops::Const(s, {1, 2, 3, 4, 5, 6}, TensorShape{2, 3}), 2);
  ops::Mul(s.WithOpName("second"), rows[1], ops::Const(s, 10.0f));
  Output ids = ops::Placeholder(s.WithOpName("ids"), DT_INT64, {-1});
  ops::Add(s.WithOpName("ids_plus"), ids,
           ops::Const(s, Tensor::Scalar<int64_t>(1)));
  WriteScopeGraph(s, path);
}

// Linear regression as tf.train builds it: placeholders "x" f32[-1,2] and
// "y" f32[-1,1], variables "w" [2,1] and "b" [1] (zeros), "pred",
// "squared" errors [N,1], "loss" (their mean), train op "GradientDescent"
// (lr 0.1), "init".
inline void WriteRegressionGraph(const std::string& path) {
  Scope s = NewRootScope();
  Output x = ops::Placeholder(s.WithOpName("x"), DT_FLOAT, {-1, 2});
  Output y = ops::Placeholder(s.WithOpName("y"), DT_FLOAT, {-1, 1});
  Variable w = GetVariable(s, "w", {2, 1}, init::Zeros());
  Variable b = GetVariable(s, "b", {1}, init::Zeros());
  Output pred =
      ops::Add(s.WithOpName("pred"), ops::MatMul(s, x, w.read), b.read);
  Output squared = ops::Square(s.WithOpName("squared"), ops::Sub(s, pred, y));
  Output loss = ops::Mean(s.WithOpName("loss"), squared, {0, 1});
  GradientDescentOptimizer(0.1).Minimize(s, loss);
  GlobalVariablesInitializer(s);
  WriteScopeGraph(s, path);
}

// `graphflow train` arguments for WriteRegressionGraph's graph fed from
// <dir>/x.npy and <dir>/y.npy, followed by `extra`.
inline std::vector<std::string> RegressionTrainArgs(
    const std::string& graph, const std::string& dir, int batch, int epochs,
    const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"train",      graph,
                                   "--train-op", "GradientDescent",
                                   "--loss",     "loss",
                                   "--feed",     "x=" + dir + "/x.npy",
                                   "--feed",     "y=" + dir + "/y.npy",
                                   "--batch",    std::to_string(batch),
                                   "--epochs",   std::to_string(epochs)};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

}  // namespace graphflow::testing

#endif  // GRAPHFLOW_TESTS_TOOLS_CLI_GRAPHS_H_
