// graphflow: TensorFlow-1.x-style dataflow graphs in C++. This header brings
// in the whole public API. The course CNN (Coursera CNN week 1: conv 4x4 x8
// SAME, relu, maxpool 8/8, conv 2x2 x16, relu, maxpool 4/4, flatten, fully
// connected, softmax cross-entropy, Adam) built, trained and evaluated, here
// on 28x28x1 digits with 10 classes (the course's SIGNS images make it
// {-1, 64, 64, 3}, W1 {4, 4, 3, 8} and 6 classes):
//
//   Scope s = NewRootScope();
//   auto X = ops::Placeholder(s, DT_FLOAT, {-1, 28, 28, 1});
//   auto Y = ops::Placeholder(s, DT_FLOAT, {-1, 10});
//   Variable W1 = GetVariable(s, "W1", {4, 4, 1, 8}, init::XavierUniform(0));
//   Variable W2 = GetVariable(s, "W2", {2, 2, 8, 16}, init::XavierUniform(0));
//   auto A1 = ops::Relu(s, ops::Conv2D(s, X, W1, {1, 1, 1, 1}, "SAME"));
//   auto P1 = ops::MaxPool(s, A1, {1, 8, 8, 1}, {1, 8, 8, 1}, "SAME");
//   auto A2 = ops::Relu(s, ops::Conv2D(s, P1, W2, {1, 1, 1, 1}, "SAME"));
//   auto P2 = ops::MaxPool(s, A2, {1, 4, 4, 1}, {1, 4, 4, 1}, "SAME");
//   auto Z3 = layers::FullyConnected(
//       s, layers::Flatten(s, P2), 10,
//       {.activation = nullptr,
//        .weights_initializer = init::XavierUniform(0)});
//   auto cost =
//       ops::Mean(s, ops::SoftmaxCrossEntropyWithLogits(s, Z3, Y).loss, {0});
//   auto train = AdamOptimizer(0.009).Minimize(s, cost);
//   auto correct = ops::Equal(s, ops::ArgMax(s, Z3, 1), ops::ArgMax(s, Y, 1));
//   auto accuracy = ops::Mean(s, ops::Cast(s, correct, DT_FLOAT), {0});
//   auto init = GlobalVariablesInitializer(s);
//   ASSIGN_OR_RETURN(auto session, Session::Create(s));
//   RETURN_IF_ERROR(session->Run({}, {}, {init}).status());
//   // For each shuffled minibatch x, y (ReadIdxFile, GatherRows):
//   RETURN_IF_ERROR(session->Run({{X, x}, {Y, y}}, {cost}, {train}).status());
//   // Then held-out accuracy:
//   ASSIGN_OR_RETURN(auto out, session->Run({{X, tx}, {Y, ty}}, {accuracy}));
//
// A TF1 SavedModel runs by signature (saved_model/saved_model.h):
//
//   ASSIGN_OR_RETURN(SavedModelBundle model,
//                    LoadSavedModel(dir, {"serve"}, GlobalOpRegistry()));
//   ASSIGN_OR_RETURN(Signature sig, model.GetSignature("serving_default"));
//   ASSIGN_OR_RETURN(std::string x, sig.Input("x"));
//   ASSIGN_OR_RETURN(std::string y, sig.Output("y"));
//   ASSIGN_OR_RETURN(auto out, model.session->Run({{x, images}}, {y}));
//
// examples/consumer/main.cc is this program in full (data loading, the
// minibatch loop, errors), built against an installed graphflow with
//   find_package(graphflow REQUIRED)
//   target_link_libraries(app PRIVATE graphflow::graphflow)
#ifndef GRAPHFLOW_GRAPHFLOW_H_
#define GRAPHFLOW_GRAPHFLOW_H_

#include "graphflow/version.h"

// Tensors, shapes, dtypes, the graph, the builder API, Status macros.
#include "graph/graph.h"
#include "graph/graph_def.h"
#include "graph/op_registry.h"
#include "graph/scope.h"
#include "graph/status.h"
#include "graph/tensor.h"
#include "graph/tensor_shape.h"
#include "graph/types.h"

// Op builders (namespace ops), the standard registry, gradients, layers,
// initializers, optimizers and variables.
#include "ops/all_ops.h"
#include "ops/array_join_ops.h"
#include "ops/array_ops.h"
#include "ops/array_slice_ops.h"
#include "ops/conv_ops.h"
#include "ops/gradients.h"
#include "ops/initializers.h"
#include "ops/layers.h"
#include "ops/logging_ops.h"
#include "ops/lookup_ops.h"
#include "ops/math_ops.h"
#include "ops/math_unary_ops.h"
#include "ops/matmul_ops.h"
#include "ops/nn_ops.h"
#include "ops/optimizers.h"
#include "ops/pooling_ops.h"
#include "ops/random_ops.h"
#include "ops/reduction_ops.h"
#include "ops/state_ops.h"
#include "ops/training_ops.h"
#include "ops/variables.h"

// Running graphs, checkpoints, graph files, dataset files.
#include "dataset/batching.h"
#include "dataset/idx.h"
#include "dataset/npy.h"
#include "proto/graph_io.h"
#include "saved_model/saved_model.h"
#include "session/checkpoint.h"
#include "session/session.h"

#endif  // GRAPHFLOW_GRAPHFLOW_H_
