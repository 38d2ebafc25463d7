// Class 10 of issue 8: every graph-file parse error names the file and what
// was expected, never an empty reason after the colon.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/graph_io.h"

namespace graphflow {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;

absl::Status Parse(const std::string& text) {
  return ParseGraphDef(text, "g.pbtxt").status();
}

// The error is InvalidArgument, names the file and gives `reason`.
void ExpectReason(const std::string& text, const std::string& reason) {
  absl::Status s = Parse(text);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("g.pbtxt: "));
  EXPECT_THAT(std::string(s.message()), HasSubstr(reason));
  EXPECT_THAT(std::string(s.message()), Not(EndsWith(": ")));
}

TEST(EmptyReasonTest, NodeWithoutOpIsNamed) {
  ExpectReason(
      "node { name: 'a' op: 'NoOp' } node { name: 'b' op: 'NoOp' } "
      "node { name: 'c' op: 'NoOp' } node { name: 'foo' }",
      "node 3 ('foo') has no op");
}

TEST(EmptyReasonTest, NodeWithoutNameIsNamed) {
  ExpectReason("node { op: 'NoOp' }", "node 0 has no name");
}

TEST(EmptyReasonTest, MetaGraphNodeWithoutOpIsNamed) {
  ExpectReason("graph_def { node { name: 'x' op: 'NoOp' } node { name: 'y' } }",
               "node 1 ('y') has no op");
}

TEST(EmptyReasonTest, SyntaxErrorsNameTheLine) {
  ExpectReason("node { name: 'a' op: }", "line 1:");
}

}  // namespace
}  // namespace graphflow
