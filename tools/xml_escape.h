// Escaping for XML text and attribute values: the SVG training chart and
// DOT's HTML-like labels (which Graphviz parses as XML).
#ifndef GRAPHFLOW_TOOLS_XML_ESCAPE_H_
#define GRAPHFLOW_TOOLS_XML_ESCAPE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace graphflow::cli {

// Escapes &, <, >, " and '; drops control characters other than tab and
// newline, which XML 1.0 does not allow.
std::string XmlEscape(absl::string_view text);

}  // namespace graphflow::cli

#endif  // GRAPHFLOW_TOOLS_XML_ESCAPE_H_
