// Typed reads from TOML tables that record every problem instead of stopping at the first.
#include "config_reader.hpp"

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "hallcast/common/text.hpp"
#include "text_match.hpp"

namespace hallcast::config::detail {

namespace fs = std::filesystem;

Location Context::where(const toml::node& n) const {
  if (auto it = env_origin.find(&n); it != env_origin.end()) return {"env:" + it->second, 0, 0};
  const auto& b = n.source().begin;
  return {file, static_cast<int>(b.line), static_cast<int>(b.column)};
}

Location Context::where(const toml::key& k, const toml::node& n) const {
  if (env_origin.count(&n) != 0) return where(n);
  const auto& b = k.source().begin;
  return {file, static_cast<int>(b.line), static_cast<int>(b.column)};
}

void Context::add(Location at, std::string message) {
  problems.push_back(Problem{std::move(at), std::move(message)});
}

const Location& Context::at(const std::string& path) const {
  static const Location none;
  auto it = locations.find(path);
  return it == locations.end() ? none : it->second;
}

std::string type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}

std::string hint(const std::string& word, const std::vector<std::string>& candidates) {
  std::vector<std::string_view> views(candidates.begin(), candidates.end());
  auto best = text::detail::closest(word, views);
  return best ? "; did you mean '" + *best + "'?" : "";
}

TableReader::TableReader(Context& ctx, const toml::table& table, std::string path)
    : ctx_(ctx), table_(table), path_(std::move(path)) {}

bool TableReader::has(const std::string& key) const {
  return table_.contains(key);
}

std::string TableReader::key_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

Location TableReader::where(const std::string& key) const {
  const toml::node* n = table_.get(key);
  return n != nullptr ? ctx_.where(*n) : where_table();
}

void TableReader::problem(const std::string& key, const std::string& message) {
  ctx_.add(where(key), key_path(key) + ": " + message);
}

const toml::node* TableReader::fetch(const std::string& key, bool required, const char* what) {
  known_.insert(key);
  const toml::node* n = table_.get(key);
  if (n == nullptr) {
    if (required)
      ctx_.add(where_table(), "missing required " + std::string(what) + " '" + key_path(key) + "'");
    return nullptr;
  }
  ctx_.locations[key_path(key)] = ctx_.where(*n);
  return n;
}

void TableReader::type_problem(const std::string& key, const toml::node& n, const char* expected) {
  problem(key, std::string("expected ") + expected + ", found " + type_name(n));
}

void TableReader::str(const std::string& key, std::string& out, bool required,
                      const Check<std::string>& check) {
  const toml::node* n = fetch(key, required, "key");
  if (n == nullptr) return;
  const auto* s = n->as_string();
  if (s == nullptr) return type_problem(key, *n, "a string");
  auto nfc = text::normalize_nfc(s->get());
  if (!nfc) return problem(key, "not valid UTF-8");
  if (required && nfc->empty()) return problem(key, "must not be empty");
  if (check) {
    if (std::string err = check(*nfc); !err.empty()) return problem(key, err);
  }
  out = std::move(*nfc);
}

namespace {

template <typename T>
bool parse_number(const std::string& s, T& out) {
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc() && ptr == end && !s.empty();
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

void TableReader::integer(const std::string& key, int& out, bool required,
                          const Check<int>& check) {
  const toml::node* n = fetch(key, required, "key");
  if (n == nullptr) return;
  int64_t v = 0;
  if (from_env(*n)) {
    if (!parse_number(trim(n->as_string()->get()), v)) return problem(key, "expected an integer");
  } else if (const auto* i = n->as_integer()) {
    v = i->get();
  } else {
    return type_problem(key, *n, "an integer");
  }
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
    return problem(key, std::to_string(v) + " is out of range");
  }
  if (check) {
    if (std::string err = check(static_cast<int>(v)); !err.empty()) return problem(key, err);
  }
  out = static_cast<int>(v);
}

void TableReader::real(const std::string& key, double& out, const Check<double>& check) {
  const toml::node* n = fetch(key, false, "key");
  if (n == nullptr) return;
  double v = 0;
  if (from_env(*n)) {
    const std::string s = trim(n->as_string()->get());
    char* end = nullptr;
    v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size()) return problem(key, "expected a number");
  } else if (const auto* f = n->as_floating_point()) {
    v = f->get();
  } else if (const auto* i = n->as_integer()) {
    v = static_cast<double>(i->get());
  } else {
    return type_problem(key, *n, "a number");
  }
  if (check) {
    if (std::string err = check(v); !err.empty()) return problem(key, err);
  }
  out = v;
}

void TableReader::boolean(const std::string& key, bool& out) {
  const toml::node* n = fetch(key, false, "key");
  if (n == nullptr) return;
  if (from_env(*n)) {
    const std::string s = trim(n->as_string()->get());
    if (s == "true" || s == "1" || s == "yes")
      out = true;
    else if (s == "false" || s == "0" || s == "no")
      out = false;
    else
      problem(key, "expected true or false");
    return;
  }
  const auto* b = n->as_boolean();
  if (b == nullptr) return type_problem(key, *n, "a boolean");
  out = b->get();
}

void TableReader::str_list(const std::string& key, std::vector<std::string>& out,
                           const Check<std::string>& check) {
  const toml::node* n = fetch(key, false, "key");
  if (n == nullptr) return;
  std::vector<std::pair<std::string, Location>> items;
  if (from_env(*n)) {  // comma-separated
    const std::string s = n->as_string()->get();
    size_t pos = 0;
    while (pos <= s.size()) {
      size_t comma = s.find(',', pos);
      if (comma == std::string::npos) comma = s.size();
      std::string item = trim(std::string_view(s).substr(pos, comma - pos));
      if (!item.empty()) items.emplace_back(item, ctx_.where(*n));
      pos = comma + 1;
    }
  } else if (const auto* arr = n->as_array()) {
    for (const toml::node& e : *arr) {
      const auto* s = e.as_string();
      if (s == nullptr) {
        ctx_.add(ctx_.where(e),
                 key_path(key) + ": expected a list of strings, found " + type_name(e));
        return;
      }
      items.emplace_back(s->get(), ctx_.where(e));
    }
  } else {
    return type_problem(key, *n, "an array of strings");
  }
  std::vector<std::string> result;
  bool ok = true;
  for (auto& [value, at] : items) {
    auto nfc = text::normalize_nfc(value);
    std::string err = !nfc ? "not valid UTF-8" : check ? check(*nfc) : "";
    if (!err.empty()) {
      ctx_.add(at, key_path(key) + ": " + err);
      ok = false;
    } else {
      result.push_back(std::move(*nfc));
    }
  }
  if (ok) out = std::move(result);
}

void TableReader::file_path(const std::string& key, std::string& out, bool credentials) {
  std::string value;
  str(key, value);
  const toml::node* n = table_.get(key);
  if (n == nullptr || value.empty()) return;
  if (credentials && (value.starts_with("$CREDENTIALS_DIRECTORY/") ||
                      value.starts_with("${CREDENTIALS_DIRECTORY}/"))) {
    out = value;
    return;
  }
  fs::path p(value);
  if (p.is_relative()) {
    const fs::path base = from_env(*n) ? fs::current_path() : fs::path(ctx_.base_dir);
    p = (base / p).lexically_normal();
  }
  out = p.string();
}

void TableReader::time(const std::string& key, TimePoint& out, std::string& text) {
  const toml::node* n = fetch(key, true, "key");
  if (n == nullptr) return;
  const auto* v = n->as_date_time();
  if (v == nullptr) {
    return problem(key, "expected an offset date-time such as 2022-10-06T08:00:00+07:00, found " +
                            type_name(*n));
  }
  const toml::date_time& dt = v->get();
  if (!dt.offset) return problem(key, "the date-time needs a UTC offset, e.g. +07:00");
  using namespace std::chrono;
  const year_month_day ymd{year{dt.date.year}, month{dt.date.month}, day{dt.date.day}};
  const auto local = sys_days{ymd} + hours{dt.time.hour} + minutes{dt.time.minute} +
                     seconds{dt.time.second} + nanoseconds{dt.time.nanosecond};
  out = time_point_cast<system_clock::duration>(local - minutes{dt.offset->minutes});
  const int off = dt.offset->minutes;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", dt.date.year,
                dt.date.month, dt.date.day, dt.time.hour, dt.time.minute, dt.time.second,
                off < 0 ? '-' : '+', std::abs(off) / 60, std::abs(off) % 60);
  text = buf;
}

const toml::table* TableReader::table(const std::string& key) {
  const toml::node* n = fetch(key, false, "table");
  if (n == nullptr) return nullptr;
  const auto* t = n->as_table();
  if (t == nullptr) type_problem(key, *n, "a table");
  return t;
}

const toml::array* TableReader::array(const std::string& key) {
  const toml::node* n = fetch(key, false, "array");
  if (n == nullptr) return nullptr;
  const auto* a = n->as_array();
  if (a == nullptr) type_problem(key, *n, "an array of tables");
  return a;
}

void TableReader::finish() {
  std::vector<std::string> candidates(known_.begin(), known_.end());
  for (const auto& [k, v] : table_) {
    const std::string name(k.str());
    if (known_.count(name) != 0) continue;
    const std::string in = path_.empty() ? "at the top level" : "in [" + path_ + "]";
    ctx_.add(ctx_.where(k, v), "unknown key '" + name + "' " + in + hint(name, candidates));
  }
}

}  // namespace hallcast::config::detail
