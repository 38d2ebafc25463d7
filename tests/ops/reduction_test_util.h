// A root scope whose registry has the reduction ops. ops/all_ops.cc does not
// call RegisterReductionOps yet (a core fix); until it does, the tests use a
// local registry with the state and reduction families.
#ifndef GRAPHFLOW_TESTS_OPS_REDUCTION_TEST_UTIL_H_
#define GRAPHFLOW_TESTS_OPS_REDUCTION_TEST_UTIL_H_

#include <cstdlib>

#include "ops/all_ops.h"
#include "ops/registration.h"

namespace graphflow::testing {

inline Scope ReductionScope() {
  if (GlobalOpRegistry().Find("Sum") != nullptr) return NewRootScope();
  static const OpRegistry* local = [] {
    auto* r = new OpRegistry();
    if (!RegisterStateOps(*r).ok() || !RegisterReductionOps(*r).ok()) {
      std::abort();
    }
    return r;
  }();
  return Scope::NewRootScope(local);
}

}  // namespace graphflow::testing

#endif  // GRAPHFLOW_TESTS_OPS_REDUCTION_TEST_UTIL_H_
