#include "kernels/variable.h"

#include "absl/strings/str_cat.h"

namespace graphflow {

absl::StatusOr<Tensor> StoredVariable::Read() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!initialized_) {
    return absl::FailedPreconditionError(
        absl::StrCat("Attempting to use uninitialized value ", name_,
                     " (run its initializer, e.g. the 'init' op, first)"));
  }
  return value_;
}

bool StoredVariable::initialized() const {
  std::lock_guard<std::mutex> lock(mu_);
  return initialized_;
}

void StoredVariable::Assign(Tensor value) {
  std::lock_guard<std::mutex> lock(mu_);
  value_ = std::move(value);
  initialized_ = true;
}

absl::Status StoredVariable::Update(
    const std::function<absl::Status(Tensor&)>& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!initialized_) {
    return absl::FailedPreconditionError(
        absl::StrCat("Attempting to use uninitialized value ", name_));
  }
  if (!value_.RefCountIsOne()) value_ = value_.Clone();
  return fn(value_);
}

StoredVariable* VariableStore::GetOrCreate(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = vars_[name];
  if (!slot) slot = std::make_unique<StoredVariable>(name);
  return slot.get();
}

StoredVariable* VariableStore::Find(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = vars_.find(name);
  return it == vars_.end() ? nullptr : it->second.get();
}

std::map<std::string, StoredVariable*> VariableStore::All() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, StoredVariable*> out;
  for (const auto& [name, v] : vars_) out[name] = v.get();
  return out;
}

}  // namespace graphflow
