// A tiny XML well-formedness checker for tests: balanced, properly nested
// tags, quoted attributes, one root element, no stray '<' or bare '&'.
#ifndef GRAPHFLOW_TESTS_TOOLS_XML_CHECK_H_
#define GRAPHFLOW_TESTS_TOOLS_XML_CHECK_H_

#include <cctype>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace graphflow::testing {

// Text or attribute value: every '&' starts a known or numeric entity.
inline bool EntitiesOk(absl::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<') return false;
    if (text[i] != '&') continue;
    size_t semi = text.find(';', i);
    if (semi == absl::string_view::npos) return false;
    absl::string_view ent = text.substr(i + 1, semi - i - 1);
    if (ent != "amp" && ent != "lt" && ent != "gt" && ent != "quot" &&
        ent != "apos" && (ent.empty() || ent[0] != '#')) {
      return false;
    }
  }
  return true;
}

inline ::testing::AssertionResult WellFormedXml(absl::string_view xml) {
  std::vector<std::string> stack;
  int roots = 0;
  size_t i = 0;
  auto fail = [&](absl::string_view why) {
    return ::testing::AssertionFailure() << why << " at offset " << i << ": "
                                         << xml.substr(i > 40 ? i - 40 : 0, 80);
  };
  if (xml.substr(0, 5) == "<?xml") {
    i = xml.find("?>");
    if (i == absl::string_view::npos) return fail("unterminated <?xml");
    i += 2;
  }
  while (i < xml.size()) {
    size_t lt = xml.find('<', i);
    absl::string_view text = xml.substr(
        i, lt == absl::string_view::npos ? absl::string_view::npos : lt - i);
    if (!EntitiesOk(text)) return fail("bad text");
    if (stack.empty()) {
      for (char c : text) {
        if (!isspace(static_cast<unsigned char>(c))) {
          return fail("text outside the root");
        }
      }
    }
    if (lt == absl::string_view::npos) break;
    i = lt + 1;
    if (xml.substr(i, 3) == "!--") {
      size_t end = xml.find("-->", i);
      if (end == absl::string_view::npos) return fail("unterminated comment");
      i = end + 3;
      continue;
    }
    const bool closing = i < xml.size() && xml[i] == '/';
    if (closing) ++i;
    size_t name_start = i;
    while (i < xml.size() &&
           (isalnum(static_cast<unsigned char>(xml[i])) || xml[i] == '-' ||
            xml[i] == ':' || xml[i] == '_')) {
      ++i;
    }
    std::string name(xml.substr(name_start, i - name_start));
    if (name.empty()) return fail("empty tag name");
    bool self_closing = false;
    // Attributes: name="value" pairs.
    while (true) {
      while (i < xml.size() && isspace(static_cast<unsigned char>(xml[i]))) {
        ++i;
      }
      if (i >= xml.size()) return fail("unterminated tag");
      if (xml[i] == '>') {
        ++i;
        break;
      }
      if (xml.substr(i, 2) == "/>") {
        if (closing) return fail("bad closing tag");
        self_closing = true;
        i += 2;
        break;
      }
      if (closing) return fail("attribute in closing tag");
      size_t eq = xml.find('=', i);
      if (eq == absl::string_view::npos || eq + 1 >= xml.size() ||
          (xml[eq + 1] != '"' && xml[eq + 1] != '\'')) {
        return fail("attribute without quoted value");
      }
      for (size_t k = i; k < eq; ++k) {
        if (isspace(static_cast<unsigned char>(xml[k])) || xml[k] == '>') {
          return fail("bad attribute name");
        }
      }
      const char quote = xml[eq + 1];
      size_t end = xml.find(quote, eq + 2);
      if (end == absl::string_view::npos) return fail("unterminated value");
      if (!EntitiesOk(xml.substr(eq + 2, end - eq - 2))) {
        return fail("bad attribute value");
      }
      i = end + 1;
    }
    if (closing) {
      if (stack.empty() || stack.back() != name) {
        return fail(absl::StrCat("mismatched </", name, ">"));
      }
      stack.pop_back();
    } else {
      if (stack.empty()) ++roots;
      if (!self_closing) stack.push_back(name);
    }
  }
  if (!stack.empty()) {
    return ::testing::AssertionFailure() << "unclosed <" << stack.back() << ">";
  }
  if (roots != 1) {
    return ::testing::AssertionFailure() << roots << " root elements";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace graphflow::testing

#endif  // GRAPHFLOW_TESTS_TOOLS_XML_CHECK_H_
