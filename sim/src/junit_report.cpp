// JUnit XML written and read back (see junit_report.hpp).
#include "flashtwin/sim/junit_report.hpp"

#include "number_format.hpp"

#include <charconv>
#include <map>
#include <sstream>
#include <stdexcept>

namespace flashtwin::sim {
namespace {

std::string escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\n':
        out += "&#10;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string unescaped(const std::string& text) {
  static const std::map<std::string, char> kEntities{
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#10;", '\n'}};
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    bool replaced = false;
    if (text[i] == '&') {
      for (const auto& [entity, c] : kEntities) {
        if (text.compare(i, entity.size(), entity) == 0) {
          out += c;
          i += entity.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += text[i++];
  }
  return out;
}

std::size_t failures(const JunitSuite& suite) {
  std::size_t n = 0;
  for (const JunitCase& c : suite.cases)
    n += c.failure ? 1 : 0;
  return n;
}

std::size_t errors(const JunitSuite& suite) {
  std::size_t n = 0;
  for (const JunitCase& c : suite.cases)
    n += c.error ? 1 : 0;
  return n;
}

// One tag's attributes (name="value" pairs), from `tag` = the text between '<' and '>'.
std::map<std::string, std::string> attributes(const std::string& tag) {
  std::map<std::string, std::string> out;
  std::size_t i = tag.find(' ');
  while (i != std::string::npos && i < tag.size()) {
    const std::size_t equals = tag.find("=\"", i);
    if (equals == std::string::npos) break;
    const std::size_t close = tag.find('"', equals + 2);
    if (close == std::string::npos) throw std::invalid_argument("junit: unterminated attribute");
    std::string key = tag.substr(i, equals - i);
    key.erase(0, key.find_first_not_of(' '));
    out[key] = unescaped(tag.substr(equals + 2, close - equals - 2));
    i = close + 1;
  }
  return out;
}

double seconds_of(const std::map<std::string, std::string>& a) {
  const auto time = a.find("time");
  if (time == a.end()) return 0;
  double value = 0;
  std::from_chars(time->second.data(), time->second.data() + time->second.size(), value);
  return value;
}

}  // namespace

std::string junit_xml(const std::string& name, const std::vector<JunitSuite>& suites) {
  std::size_t tests = 0, failed = 0, errored = 0;
  double time_s = 0;
  for (const JunitSuite& s : suites) {
    tests += s.cases.size();
    failed += failures(s);
    errored += errors(s);
    time_s += s.time_s;
  }
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"" << escaped(name) << "\" tests=\"" << tests << "\" failures=\""
      << failed << "\" errors=\"" << errored << "\" time=\"" << format::fixed(time_s, 3) << "\">\n";
  for (const JunitSuite& s : suites) {
    out << "  <testsuite name=\"" << escaped(s.name) << "\" tests=\"" << s.cases.size()
        << "\" failures=\"" << failures(s) << "\" errors=\"" << errors(s) << "\" time=\""
        << format::fixed(s.time_s, 3) << "\">\n";
    for (const JunitCase& c : s.cases) {
      out << "    <testcase classname=\"" << escaped(s.name) << "\" name=\"" << escaped(c.name)
          << "\" time=\"" << format::fixed(c.time_s, 3) << "\"";
      if (!c.failure && !c.error) {
        out << "/>\n";
        continue;
      }
      out << ">\n";
      if (c.failure) out << "      <failure message=\"" << escaped(*c.failure) << "\"/>\n";
      if (c.error) out << "      <error message=\"" << escaped(*c.error) << "\"/>\n";
      out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
  return out.str();
}

std::vector<JunitSuite> read_junit(const std::string& xml) {
  std::vector<JunitSuite> suites;
  std::size_t at = 0;
  bool in_suites = false;
  while ((at = xml.find('<', at)) != std::string::npos) {
    const std::size_t end = xml.find('>', at);
    if (end == std::string::npos) throw std::invalid_argument("junit: unterminated tag");
    std::string tag = xml.substr(at + 1, end - at - 1);
    at = end + 1;
    if (!tag.empty() && tag.back() == '/') tag.pop_back();
    const std::string kind = tag.substr(0, tag.find(' '));
    const auto a = attributes(tag);
    if (kind == "?xml" || kind == "/testcase" || kind == "/testsuite") continue;
    if (kind == "testsuites") {
      in_suites = true;
    } else if (kind == "/testsuites") {
      return suites;
    } else if (kind == "testsuite" && in_suites) {
      suites.push_back({a.count("name") ? a.at("name") : "", seconds_of(a), {}});
    } else if (kind == "testcase" && !suites.empty()) {
      suites.back().cases.push_back({a.count("name") ? a.at("name") : "", seconds_of(a), {}, {}});
    } else if ((kind == "failure" || kind == "error") && !suites.empty() &&
               !suites.back().cases.empty()) {
      const std::string message = a.count("message") ? a.at("message") : "";
      (kind == "failure" ? suites.back().cases.back().failure : suites.back().cases.back().error) =
          message;
    } else {
      throw std::invalid_argument("junit: unexpected <" + kind + ">");
    }
  }
  throw std::invalid_argument("junit: no </testsuites>");
}

}  // namespace flashtwin::sim
