// Class 1 of issue 8: deeply nested graph files must be a clean
// InvalidArgument naming the file and the nesting, never a stack overflow.
#include <string>

#include "gmock/gmock.h"
#include "graph/graph_def.h"
#include "gtest/gtest.h"
#include "proto/graph_io.h"

namespace graphflow {
namespace {

using ::testing::HasSubstr;

// A Const whose attr nests AttrValue -> func -> attr -> AttrValue `depth`
// times (three messages per level).
std::string NestedAttrText(int depth) {
  std::string text = "node { name: 'a' op: 'NoOp' attr { key: 'x' ";
  for (int i = 0; i < depth; ++i) {
    text += "value { func { name: 'f' attr { key: 'k' ";
  }
  text += std::string(depth * 3, '}');
  return text + " } }";
}

void ExpectTooDeep(const std::string& bytes, const std::string& source,
                   const std::string& problem) {
  auto g = ParseGraphDef(bytes, source);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(g.status().message()), HasSubstr(source + ": "));
  EXPECT_THAT(std::string(g.status().message()), HasSubstr(problem));
}

constexpr char kTooDeep[] = "nests messages more than 100 levels deep";

TEST(TextNestingTest, DeepAttrsAreRefused) {
  ExpectTooDeep(NestedAttrText(2500), "deep.pbtxt", kTooDeep);
}

TEST(TextNestingTest, DeepUnknownFieldsAreRefused) {
  std::string text = "node { name: 'a' op: 'NoOp' ";
  for (int i = 0; i < 5000; ++i) text += "extra { ";
  text += std::string(5000, '}') + " }";
  ExpectTooDeep(text, "unknown.pbtxt", kTooDeep);
}

TEST(TextNestingTest, DeepBinaryIsRefused) {
  tensorflow::GraphDef gd;
  auto* node = gd.add_node();
  node->set_name("a");
  node->set_op("NoOp");
  tensorflow::AttrValue* v = &(*node->mutable_attr())["x"];
  for (int i = 0; i < 200; ++i) {
    auto* f = v->mutable_func();
    f->set_name("f");
    v = &(*f->mutable_attr())["k"];
  }
  ExpectTooDeep(gd.SerializeAsString(), "deep.pb",
                "not a valid binary GraphDef");
}

TEST(TextNestingTest, ModestNestingStillParses) {
  auto g = ParseGraphDef(NestedAttrText(10), "ok.pbtxt");
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->node_size(), 1);
}

}  // namespace
}  // namespace graphflow
