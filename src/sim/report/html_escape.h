// Text from scenario files and policies (names, reasons, messages) goes into report.html as
// element text and quoted attribute values; escaping it keeps a hostile or merely unlucky
// string from opening a tag or ending an attribute.
#ifndef LIMIAR_SIM_REPORT_HTML_ESCAPE_H_
#define LIMIAR_SIM_REPORT_HTML_ESCAPE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace limiar::sim {

// Appends `text` escaped for element text and for double- or single-quoted attribute
// values: & < > " ' become character references. Control characters other than tab, line
// feed and carriage return, and bytes that are not valid UTF-8, become U+FFFD, so the page
// stays valid UTF-8 HTML whatever the input.
void AppendHtmlEscaped(std::string& out, absl::string_view text);

std::string HtmlEscape(absl::string_view text);

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_REPORT_HTML_ESCAPE_H_
