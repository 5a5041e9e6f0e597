// Internal to config loading: typed, problem-collecting reads from a parsed TOML document.
// Used only inside load(), on the calling thread.
#pragma once

#include <toml++/toml.h>

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hallcast/common/config.hpp"

namespace hallcast::config::detail {

// Everything one load() call accumulates: where values came from, and what is wrong.
struct Context {
  std::string file;      // the config file's path as given
  std::string base_dir;  // its directory; relative paths in the file resolve against it
  std::vector<Problem> problems;
  std::map<const toml::node*, std::string> env_origin;  // node -> "HALLCAST_X" it came from
  std::map<std::string, Location> locations;            // "sessions[2].hall" -> where

  Location where(const toml::node& n) const;
  Location where(const toml::key& k, const toml::node& n) const;
  void add(Location at, std::string message);
  const Location& at(const std::string& path) const;  // recorded location, or file:1:1
};

// Validates a value that was read; returns an error message, or "" when fine.
template <typename T>
using Check = std::function<std::string(const T&)>;

// Reads the keys of one TOML table. Each read marks the key as known; finish() reports every key
// that was not read as unknown, with a "did you mean" hint.
class TableReader {
 public:
  // `path` names the table in messages: "relay", "halls[1]", "" for the document root.
  TableReader(Context& ctx, const toml::table& table, std::string path);

  bool has(const std::string& key) const;
  void str(const std::string& key, std::string& out, bool required = false,
           const Check<std::string>& check = {});
  void integer(const std::string& key, int& out, bool required = false,
               const Check<int>& check = {});
  void real(const std::string& key, double& out, const Check<double>& check = {});
  void boolean(const std::string& key, bool& out);
  void str_list(const std::string& key, std::vector<std::string>& out,
                const Check<std::string>& check = {});
  // A file path: relative paths resolve against the config file's directory (or, for values
  // from the environment, the working directory). With `credentials`, a path starting with
  // $CREDENTIALS_DIRECTORY/ is kept as written, to be expanded when the file is read.
  void file_path(const std::string& key, std::string& out, bool credentials = false);
  // An offset date-time; sets `text` to its ISO 8601 form.
  void time(const std::string& key, TimePoint& out, std::string& text);

  const toml::table* table(const std::string& key);  // a sub-table, or nullptr (+ problem)
  const toml::array* array(const std::string& key);  // an array, or nullptr (+ problem)
  void ignore(const std::string& key) { known_.insert(key); }

  // Location of the key's value (or of this table, when the key is absent).
  Location where(const std::string& key) const;
  Location where_table() const { return ctx_.where(table_); }
  const std::string& path() const { return path_; }
  std::string key_path(const std::string& key) const;
  void problem(const std::string& key, const std::string& message);
  void finish();
  Context& context() { return ctx_; }

 private:
  const toml::node* fetch(const std::string& key, bool required, const char* what);
  void type_problem(const std::string& key, const toml::node& n, const char* expected);
  bool from_env(const toml::node& n) const { return ctx_.env_origin.count(&n) != 0; }

  Context& ctx_;
  const toml::table& table_;
  std::string path_;
  std::set<std::string> known_;
};

std::string type_name(const toml::node& n);

// Reads the single table `key` (if present) with f(TableReader&), then reports its unknown keys.
template <typename F>
void with_table(TableReader& parent, const std::string& key, F&& f) {
  if (const toml::table* t = parent.table(key)) {
    TableReader r(parent.context(), *t, parent.key_path(key));
    f(r);
    r.finish();
  }
}

// Reads each table of the array `key` with f(TableReader&, index).
template <typename F>
void for_each_table(TableReader& parent, const std::string& key, F&& f) {
  const toml::array* arr = parent.array(key);
  if (arr == nullptr) return;
  for (size_t i = 0; i < arr->size(); ++i) {
    const toml::node& n = *arr->get(i);
    const std::string path = parent.key_path(key) + "[" + std::to_string(i) + "]";
    if (const toml::table* t = n.as_table()) {
      TableReader r(parent.context(), *t, path);
      f(r, i);
      r.finish();
    } else {
      parent.context().add(parent.context().where(n),
                           path + ": expected a table, found " + type_name(n));
    }
  }
}
// "did you mean 'x'?" suffix (with leading "; "), or "" when nothing is close.
std::string hint(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace hallcast::config::detail
