#include "kernels/resource.h"

namespace graphflow {

absl::Status ResourceStore::Create(const std::string& name,
                                   std::shared_ptr<ResourceBase> resource) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!resources_.emplace(name, std::move(resource)).second) {
    return absl::AlreadyExistsError(
        absl::StrCat("resource '", name, "' already exists"));
  }
  return absl::OkStatus();
}

absl::Status ResourceStore::Delete(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  if (resources_.erase(name) == 0) {
    return absl::NotFoundError(
        absl::StrCat("resource '", name, "' does not exist"));
  }
  return absl::OkStatus();
}

std::string ResourceStore::UniqueName(absl::string_view prefix) {
  std::lock_guard<std::mutex> lock(mu_);
  return absl::StrCat(prefix, "_", next_id_++);
}

int64_t ResourceStore::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(resources_.size());
}

}  // namespace graphflow
