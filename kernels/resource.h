// Per-session resources that kernels create and find by name: stacks, tensor
// arrays, lookup tables. (Variables, ref and resource alike, live in the
// VariableStore so checkpoints see them by name.) A DT_RESOURCE tensor's
// element is the name of its resource here.
#ifndef GRAPHFLOW_KERNELS_RESOURCE_H_
#define GRAPHFLOW_KERNELS_RESOURCE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace graphflow {

class ResourceBase {
 public:
  virtual ~ResourceBase() = default;
  // What kind of resource this is, for error messages ("stack", ...).
  virtual std::string TypeName() const = 0;
};

class ResourceStore {
 public:
  // The resource under `name`, made by `make` (and stored) when absent.
  // InvalidArgument when a resource of another type has that name.
  template <typename T>
  absl::StatusOr<std::shared_ptr<T>> LookupOrCreate(
      const std::string& name,
      const std::function<absl::StatusOr<std::shared_ptr<T>>()>& make) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = resources_.find(name);
    if (it == resources_.end()) {
      absl::StatusOr<std::shared_ptr<T>> made = make();
      if (!made.ok()) return made.status();
      resources_[name] = *made;
      return *made;
    }
    return Cast<T>(name, it->second);
  }

  // NotFound naming the resource when absent; InvalidArgument when it has
  // another type.
  template <typename T>
  absl::StatusOr<std::shared_ptr<T>> Lookup(const std::string& name) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = resources_.find(name);
    if (it == resources_.end()) {
      return absl::NotFoundError(
          absl::StrCat("resource '", name, "' does not exist"));
    }
    return Cast<T>(name, it->second);
  }

  // AlreadyExists when the name is taken.
  absl::Status Create(const std::string& name,
                      std::shared_ptr<ResourceBase> resource);
  // NotFound when absent.
  absl::Status Delete(const std::string& name);
  // A name no other resource of this store has had: "<prefix>_<n>" (for
  // per-step resources such as stacks and tensor arrays).
  std::string UniqueName(absl::string_view prefix);
  int64_t size() const;

 private:
  template <typename T>
  static absl::StatusOr<std::shared_ptr<T>> Cast(
      const std::string& name, const std::shared_ptr<ResourceBase>& r) {
    std::shared_ptr<T> typed = std::dynamic_pointer_cast<T>(r);
    if (typed == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("resource '", name, "' is a ", r->TypeName(),
                       ", not the kind of ", "resource this op expects"));
    }
    return typed;
  }

  // Guards what follows. std::mutex rather than absl::Mutex: Debian's Abseil
  // is not built for ThreadSanitizer, which would not see its locking.
  mutable std::mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<ResourceBase>> resources_;
  int64_t next_id_ = 0;
};

}  // namespace graphflow

#endif  // GRAPHFLOW_KERNELS_RESOURCE_H_
