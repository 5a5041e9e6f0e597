// A strict reader of the Prometheus text exposition format (version 0.0.4) for tests: checks
// every line and returns each problem found, and looks sample values up. Header-only; pure.
#pragma once

#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace hallcast::test::prometheus {

struct Sample {
  std::string name;                              // as written (with _bucket, _sum, _count)
  std::string labels;                            // the raw text between the braces ("" when none)
  std::map<std::string, std::string> label_map;  // unescaped values
  double value = 0.0;
};

inline std::optional<double> parse_value(const std::string& v) {
  if (v == "+Inf") return std::numeric_limits<double>::infinity();
  if (v == "-Inf") return -std::numeric_limits<double>::infinity();
  if (v == "NaN") return std::numeric_limits<double>::quiet_NaN();
  static const std::regex number(R"([-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)");
  if (!std::regex_match(v, number)) return std::nullopt;
  return std::strtod(v.c_str(), nullptr);
}

// Parses `k="v",k2="v2"`: only \\, \" and \n escapes are allowed inside values.
inline bool parse_labels(const std::string& text, std::map<std::string, std::string>& out) {
  size_t i = 0;
  static const std::regex name(R"([a-zA-Z_][a-zA-Z0-9_]*)");
  while (i < text.size()) {
    size_t eq = text.find('=', i);
    if (eq == std::string::npos || !std::regex_match(text.substr(i, eq - i), name)) return false;
    std::string key = text.substr(i, eq - i);
    if (out.count(key) || eq + 1 >= text.size() || text[eq + 1] != '"') return false;
    std::string value;
    size_t j = eq + 2;
    for (; j < text.size() && text[j] != '"'; ++j) {
      if (text[j] == '\n') return false;
      if (text[j] != '\\') {
        value += text[j];
        continue;
      }
      if (++j >= text.size()) return false;
      if (text[j] == 'n')
        value += '\n';
      else if (text[j] == '\\' || text[j] == '"')
        value += text[j];
      else
        return false;
    }
    if (j >= text.size()) return false;  // unterminated value
    out[key] = value;
    i = j + 1;
    if (i < text.size()) {
      if (text[i] != ',') return false;
      ++i;
    }
  }
  return true;
}

// Every problem in an exposition ("" lines are not allowed either): empty = valid.
inline std::vector<std::string> problems(const std::string& text,
                                         std::vector<Sample>* samples_out = nullptr) {
  std::vector<std::string> bad;
  if (text.empty() || text.back() != '\n') bad.push_back("the text must end with a line feed");
  static const std::regex help(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \S.*)");
  static const std::regex type(
      R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
  static const std::regex sample(R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?)");
  std::map<std::string, std::string> types;  // family -> type
  std::set<std::string> helped, closed;      // families seen; families whose block ended
  std::string current;                       // the family of the block being read
  std::istringstream in(text);
  std::string line;
  int n = 0;
  auto family_of = [&](const std::string& name) {
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      std::string s = suffix;
      if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
        std::string base = name.substr(0, name.size() - s.size());
        if (types.count(base) && types[base] == "histogram") return base;
      }
    }
    return name;
  };
  auto enter = [&](const std::string& family) {
    if (family == current) return true;
    if (!current.empty()) closed.insert(current);
    current = family;
    return !closed.count(family);
  };
  while (std::getline(in, line)) {
    ++n;
    std::string at = "line " + std::to_string(n) + " (" + line + "): ";
    std::smatch m;
    if (std::regex_match(line, m, help)) {
      if (!enter(m[1]) || helped.count(m[1])) bad.push_back(at + "HELP out of its block");
      helped.insert(m[1]);
    } else if (std::regex_match(line, m, type)) {
      if (!enter(m[1]) || types.count(m[1])) bad.push_back(at + "TYPE repeated or late");
      types[m[1]] = m[2];
    } else if (!line.empty() && line[0] == '#') {
      bad.push_back(at + "a comment that is neither HELP nor TYPE");
    } else if (std::regex_match(line, m, sample)) {
      Sample s{m[1], m[3], {}, 0.0};
      auto v = parse_value(m[4]);
      if (!v) bad.push_back(at + "value is not a number");
      s.value = v.value_or(0.0);
      if (m[2].matched && !parse_labels(s.labels, s.label_map)) bad.push_back(at + "bad labels");
      std::string family = family_of(s.name);
      if (!types.count(family)) bad.push_back(at + "sample before its TYPE");
      if (!enter(family)) bad.push_back(at + "family split in two blocks");
      if (types[family] == "counter" && s.name.size() > 6 &&
          s.name.compare(s.name.size() - 6, 6, "_total") != 0)
        bad.push_back(at + "a counter's name should end in _total");
      if (types[family] == "counter" && s.value < 0) bad.push_back(at + "negative counter");
      if (samples_out) samples_out->push_back(s);
    } else {
      bad.push_back(at + "not a sample, HELP or TYPE line");
    }
  }
  return bad;
}

// The value of the sample written exactly as `series` (e.g. `x_total{hall="a"}`), if present.
inline std::optional<double> value(const std::string& text, const std::string& series) {
  std::string key = "\n" + series + " ";
  std::string padded = "\n" + text;
  size_t at = padded.find(key);
  if (at == std::string::npos) return std::nullopt;
  size_t start = at + key.size();
  size_t end = padded.find('\n', start);
  return parse_value(padded.substr(start, end - start));
}

}  // namespace hallcast::test::prometheus
