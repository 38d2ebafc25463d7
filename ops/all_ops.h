// The standard op registry: every op family, registered explicitly here so
// none is dropped at link time.
#ifndef GRAPHFLOW_OPS_ALL_OPS_H_
#define GRAPHFLOW_OPS_ALL_OPS_H_

#include "graph/op_registry.h"
#include "graph/scope.h"

namespace graphflow {

const OpRegistry& GlobalOpRegistry();
// A root scope over a new graph using GlobalOpRegistry().
Scope NewRootScope();

}  // namespace graphflow

#endif  // GRAPHFLOW_OPS_ALL_OPS_H_
