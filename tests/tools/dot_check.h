// A small DOT parser for tests: checks the syntax graphflow's DOT uses
// (statements, attribute lists, quoted and HTML strings, nested subgraphs)
// and that every edge endpoint is a declared node.
#ifndef GRAPHFLOW_TESTS_TOOLS_DOT_CHECK_H_
#define GRAPHFLOW_TESTS_TOOLS_DOT_CHECK_H_

#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "tests/tools/xml_check.h"

namespace graphflow::testing {

struct DotToken {
  enum Kind { kId, kQuoted, kHtml, kPunct } kind;
  std::string text;
};

struct DotSummary {
  std::set<std::string> nodes;
  std::vector<std::pair<std::string, std::string>> edges;
  int subgraphs = 0;
};

inline ::testing::AssertionResult TokenizeDot(absl::string_view dot,
                                              std::vector<DotToken>* out) {
  size_t i = 0;
  while (i < dot.size()) {
    const char c = dot[i];
    if (isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
               (c == '-' && i + 1 < dot.size() &&
                isdigit(static_cast<unsigned char>(dot[i + 1])))) {
      size_t start = i++;
      while (i < dot.size() && (isalnum(static_cast<unsigned char>(dot[i])) ||
                                dot[i] == '_' || dot[i] == '.')) {
        ++i;
      }
      out->push_back(
          {DotToken::kId, std::string(dot.substr(start, i - start))});
    } else if (c == '"') {
      std::string text;
      for (++i;; ++i) {
        if (i >= dot.size()) {
          return ::testing::AssertionFailure() << "unterminated string";
        }
        if (dot[i] == '\\' && i + 1 < dot.size()) {
          text += dot[++i];
          continue;
        }
        if (dot[i] == '"') break;
        if (dot[i] == '\n') {
          return ::testing::AssertionFailure() << "newline in string";
        }
        text += dot[i];
      }
      ++i;
      out->push_back({DotToken::kQuoted, text});
    } else if (c == '<') {
      int depth = 0;
      size_t start = i;
      for (; i < dot.size(); ++i) {
        if (dot[i] == '<') ++depth;
        if (dot[i] == '>' && --depth == 0) break;
      }
      if (i >= dot.size()) {
        return ::testing::AssertionFailure() << "unterminated HTML string";
      }
      std::string html(dot.substr(start + 1, i - start - 1));
      ++i;
      // Its markup must be well-formed XML too.
      ::testing::AssertionResult xml = WellFormedXml("<x>" + html + "</x>");
      if (!xml) return xml << " in HTML label <" << html << ">";
      out->push_back({DotToken::kHtml, html});
    } else if (c == '-' && i + 1 < dot.size() && dot[i + 1] == '>') {
      out->push_back({DotToken::kPunct, "->"});
      i += 2;
    } else if (absl::string_view("{}[];,=").find(c) !=
               absl::string_view::npos) {
      out->push_back({DotToken::kPunct, std::string(1, c)});
      ++i;
    } else {
      return ::testing::AssertionFailure()
             << "unexpected character '" << c << "' at " << i;
    }
  }
  return ::testing::AssertionSuccess();
}

// Parses `dot`; fills `summary` when given.
inline ::testing::AssertionResult ValidDot(absl::string_view dot,
                                           DotSummary* summary = nullptr) {
  std::vector<DotToken> t;
  if (auto r = TokenizeDot(dot, &t); !r) return r;
  DotSummary local;
  DotSummary& s = summary ? *summary : local;
  size_t i = 0;
  auto fail = [&](absl::string_view why) {
    return ::testing::AssertionFailure()
           << why << " at token " << i << " '"
           << (i < t.size() ? t[i].text : "<end>") << "'";
  };
  auto is = [&](absl::string_view p) {
    return i < t.size() && t[i].kind == DotToken::kPunct && t[i].text == p;
  };
  auto is_id = [&] { return i < t.size() && t[i].kind == DotToken::kId; };
  auto is_value = [&] { return i < t.size() && t[i].kind != DotToken::kPunct; };
  // [ a=b, c=d ... ]
  auto attr_list = [&]() -> bool {
    ++i;  // '['
    while (!is("]")) {
      if (!is_id()) return false;
      ++i;
      if (!is("=")) return false;
      ++i;
      if (!is_value()) return false;
      ++i;
      if (is(",") || is(";")) ++i;
    }
    ++i;
    return true;
  };
  if (!is_id() || t[i].text != "digraph") return fail("expected digraph");
  ++i;
  if (is_id() || (i < t.size() && t[i].kind == DotToken::kQuoted)) ++i;
  if (!is("{")) return fail("expected {");
  ++i;
  int depth = 1;
  while (depth > 0) {
    if (i >= t.size()) return fail("unbalanced braces");
    if (is("}")) {
      --depth;
      ++i;
    } else if (is(";")) {
      ++i;
    } else if (is_id() && t[i].text == "subgraph") {
      ++i;
      if (is_id()) ++i;
      if (!is("{")) return fail("expected { after subgraph");
      ++i;
      ++depth;
      ++s.subgraphs;
    } else if (is_id() && (t[i].text == "graph" || t[i].text == "node" ||
                           t[i].text == "edge")) {
      ++i;
      if (!is("[") || !attr_list()) return fail("bad attribute statement");
    } else if (is_id() || (i < t.size() && t[i].kind == DotToken::kQuoted)) {
      std::string id = t[i++].text;
      if (is("=")) {  // a=b inside a (sub)graph.
        ++i;
        if (!is_value()) return fail("bad assignment");
        ++i;
      } else if (is("->")) {
        std::string from = id;
        while (is("->")) {
          ++i;
          if (!is_id() && !(i < t.size() && t[i].kind == DotToken::kQuoted)) {
            return fail("bad edge");
          }
          s.edges.push_back({from, t[i].text});
          from = t[i++].text;
        }
        if (is("[") && !attr_list()) return fail("bad edge attributes");
      } else {
        s.nodes.insert(id);
        if (is("[") && !attr_list()) return fail("bad node attributes");
      }
    } else {
      return fail("unexpected token");
    }
  }
  if (i != t.size()) return fail("trailing tokens");
  for (const auto& [from, to] : s.edges) {
    for (const std::string& end : {from, to}) {
      if (!s.nodes.count(end)) {
        return ::testing::AssertionFailure()
               << "edge endpoint " << end << " is not declared";
      }
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace graphflow::testing

#endif  // GRAPHFLOW_TESTS_TOOLS_DOT_CHECK_H_
