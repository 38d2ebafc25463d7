// A root scope whose registry has the conv ops. ops/all_ops.cc does not call
// RegisterConvOps yet (a core change), so until it does the tests use a
// registry of the state ops plus this family.
#ifndef GRAPHFLOW_TESTS_OPS_CONV_TEST_UTIL_H_
#define GRAPHFLOW_TESTS_OPS_CONV_TEST_UTIL_H_

#include <cstdio>
#include <cstdlib>

#include "graph/scope.h"
#include "ops/all_ops.h"
#include "ops/registration.h"

namespace graphflow::testing {

inline const OpRegistry& ConvOpRegistry() {
  static const OpRegistry* registry = [] {
    if (GlobalOpRegistry().Find("Conv2D") != nullptr) {
      return &GlobalOpRegistry();
    }
    auto* r = new OpRegistry();
    for (absl::Status s : {RegisterStateOps(*r), RegisterConvOps(*r)}) {
      if (!s.ok()) {
        std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
        std::abort();
      }
    }
    return static_cast<const OpRegistry*>(r);
  }();
  return *registry;
}

inline Scope NewConvScope() { return Scope::NewRootScope(&ConvOpRegistry()); }

}  // namespace graphflow::testing

#endif  // GRAPHFLOW_TESTS_OPS_CONV_TEST_UTIL_H_
