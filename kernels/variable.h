// Variables: named mutable tensors owned by a session's VariableStore.
// Kernels get them through ref inputs (VariableV2 -> Assign / ApplyAdam).
#ifndef GRAPHFLOW_KERNELS_VARIABLE_H_
#define GRAPHFLOW_KERNELS_VARIABLE_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "graph/tensor.h"

namespace graphflow {

class StoredVariable {
 public:
  explicit StoredVariable(std::string name) : name_(std::move(name)) {}
  const std::string& name() const { return name_; }

  // The current value (shares the buffer); FailedPrecondition naming the
  // variable when it was never assigned.
  absl::StatusOr<Tensor> Read() const;
  bool initialized() const;
  void Assign(Tensor value);
  // Runs fn on the value under the lock, first copying the buffer if a
  // reader still holds it, so earlier reads keep their snapshot.
  absl::Status Update(const std::function<absl::Status(Tensor&)>& fn);

 private:
  const std::string name_;
  // Guards what follows. std::mutex rather than absl::Mutex: Debian's Abseil
  // is not built for ThreadSanitizer, which would not see its locking.
  mutable std::mutex mu_;
  Tensor value_;
  bool initialized_ = false;
};

class VariableStore {
 public:
  StoredVariable* GetOrCreate(const std::string& name);
  StoredVariable* Find(const std::string& name) const;
  // name -> variable, sorted by name.
  std::map<std::string, StoredVariable*> All() const;

 private:
  // Guards what follows. std::mutex rather than absl::Mutex: Debian's Abseil
  // is not built for ThreadSanitizer, which would not see its locking.
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<StoredVariable>> vars_;
};

}  // namespace graphflow

#endif  // GRAPHFLOW_KERNELS_VARIABLE_H_
