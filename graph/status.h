// Error-propagation macros used across graphflow. Every user-caused failure is
// an absl::Status; these keep the happy path readable.
#ifndef GRAPHFLOW_GRAPH_STATUS_H_
#define GRAPHFLOW_GRAPH_STATUS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define GF_CONCAT_INNER_(a, b) a##b
#define GF_CONCAT_(a, b) GF_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                \
  do {                                       \
    ::absl::Status gf_status_ = (expr);      \
    if (!gf_status_.ok()) return gf_status_; \
  } while (0)

#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                           \
  if (!tmp.ok()) return tmp.status();           \
  lhs = std::move(*tmp)

#define ASSIGN_OR_RETURN(lhs, rexpr) \
  ASSIGN_OR_RETURN_IMPL_(GF_CONCAT_(gf_statusor_, __LINE__), lhs, rexpr)

#endif  // GRAPHFLOW_GRAPH_STATUS_H_
