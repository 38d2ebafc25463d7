#include <memory>
#include <string>

#include "graph/tensor.h"
#include "gtest/gtest.h"
#include "kernels/resource.h"

namespace graphflow {
namespace {

struct Counter : ResourceBase {
  std::string TypeName() const override { return "counter"; }
  int value = 0;
};
struct Other : ResourceBase {
  std::string TypeName() const override { return "other"; }
};

TEST(ResourceStoreTest, LookupOrCreateMakesOnceThenFinds) {
  ResourceStore store;
  int made = 0;
  auto make = [&]() -> absl::StatusOr<std::shared_ptr<Counter>> {
    ++made;
    return std::make_shared<Counter>();
  };
  auto a = store.LookupOrCreate<Counter>("c", make);
  ASSERT_TRUE(a.ok());
  (*a)->value = 7;
  auto b = store.LookupOrCreate<Counter>("c", make);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)->value, 7);
  EXPECT_EQ(made, 1);
  EXPECT_EQ(store.size(), 1);
}

TEST(ResourceStoreTest, WrongTypeAndMissingAreErrorsNamingTheResource) {
  ResourceStore store;
  ASSERT_TRUE(store.Create("t", std::make_shared<Other>()).ok());
  auto wrong = store.Lookup<Counter>("t");
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(wrong.status().message().find("'t' is a other"), std::string::npos);
  auto missing = store.Lookup<Counter>("nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("'nope'"), std::string::npos);
  EXPECT_EQ(store.Create("t", std::make_shared<Other>()).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(store.Delete("t").ok());
  EXPECT_EQ(store.Delete("t").code(), absl::StatusCode::kNotFound);
}

TEST(ResourceStoreTest, UniqueNamesNeverRepeat) {
  ResourceStore store;
  EXPECT_EQ(store.UniqueName("stack"), "stack_0");
  EXPECT_EQ(store.UniqueName("stack"), "stack_1");
  EXPECT_EQ(store.UniqueName("ta"), "ta_2");
}

TEST(ResourceTensorTest, ElementsAreResourceNames) {
  Tensor handle(DT_RESOURCE, TensorShape{});
  handle.data<std::string>()[0] = "my_var";
  EXPECT_EQ(handle.DebugString(), "resource [] [\"my_var\"]");
  Tensor copy = handle.Clone();
  EXPECT_TRUE(TensorsEqual(copy, handle));
  EXPECT_TRUE(Tensor::Allocate(DT_RESOURCE, TensorShape{2}).ok());
}

}  // namespace
}  // namespace graphflow
