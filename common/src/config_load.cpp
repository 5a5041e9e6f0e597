// load(): defaults, then the file, then environment overrides, then validation.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "config_sections.hpp"
#include "hallcast/common/limits.hpp"

extern char** environ;

namespace hallcast::config {

namespace {

using detail::Context;

[[noreturn]] void fail(Context& ctx) {
  std::stable_sort(
      ctx.problems.begin(), ctx.problems.end(), [&](const Problem& a, const Problem& b) {
        const bool a_env = a.where.file != ctx.file;
        const bool b_env = b.where.file != ctx.file;
        if (a_env != b_env) return b_env;
        if (a_env) return a.where.file < b.where.file;
        return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
      });
  throw ConfigError(std::move(ctx.problems));
}

std::string read_file(Context& ctx) {
  std::ifstream in(ctx.file, std::ios::binary);
  if (!in) {
    ctx.add({ctx.file, 0, 0}, std::string("cannot read the file: ") + std::strerror(errno));
    fail(ctx);
  }
  std::string data(limits::kMaxConfigBytes + 1, '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<size_t>(in.gcount()));
  if (in.bad()) {
    ctx.add({ctx.file, 0, 0}, "cannot read the file");
    fail(ctx);
  }
  if (data.size() > limits::kMaxConfigBytes) {
    ctx.add({ctx.file, 0, 0},
            "the file is larger than " + std::to_string(limits::kMaxConfigBytes) + " bytes");
    fail(ctx);
  }
  return data;
}

// Length of the valid UTF-8 sequence at s[i], or 0 if the bytes there are not one.
size_t utf8_sequence(const std::string& s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t len = 0;
  uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
  } else
    return 0;
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
  return overlong || surrogate || cp > 0x10FFFF ? 0 : len;
}

// Reports every invalid UTF-8 byte sequence with its line and column (in characters).
void check_utf8(Context& ctx, const std::string& data) {
  int line = 1;
  int column = 1;
  for (size_t i = 0; i < data.size();) {
    const size_t len = utf8_sequence(data, i);
    if (len == 0) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(data[i]));
      ctx.add({ctx.file, line, column}, std::string("invalid UTF-8 (byte ") + hex + ")");
      // Skip the rest of this line: one report per line is enough.
      while (i < data.size() && data[i] != '\n') ++i;
      continue;
    }
    if (data[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += len;
  }
}

// HALLCAST_<TABLE>_<KEY>=value for the single tables: put each into the document as a string
// node, remembered as coming from the environment (the readers convert it to the key's type).
void apply_env(Context& ctx, toml::table& doc) {
  const std::string prefix = "HALLCAST_";
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq == std::string::npos || entry.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string name = entry.substr(0, eq);
    std::string rest = name.substr(prefix.size());
    std::transform(rest.begin(), rest.end(), rest.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const std::string& table : detail::single_tables()) {
      if (rest.size() <= table.size() + 1 || rest.compare(0, table.size() + 1, table + "_") != 0) {
        continue;
      }
      if (!doc.contains(table)) doc.insert(table, toml::table{});
      toml::table* t = doc.get_as<toml::table>(table);
      if (t == nullptr) break;  // reported as a type problem by the reader
      const std::string key = rest.substr(table.size() + 1);
      t->insert_or_assign(key, entry.substr(eq + 1));
      ctx.env_origin[t->get(key)] = name;
      break;
    }
  }
}

void read_document(Context& ctx, const toml::table& doc, Config& cfg) {
  detail::TableReader root(ctx, doc, "");
  detail::read_event(root, cfg.event);
  detail::read_halls(root, cfg.halls);
  detail::read_sessions(root, cfg.sessions);
  detail::read_sources(root, cfg.sources);
  detail::read_program(root, cfg.program);
  detail::read_slate(root, cfg.slate);
  detail::read_watchdog(root, cfg.watchdog);
  detail::read_outputs(root, cfg.outputs);
  detail::read_relay(root, cfg.relay);
  detail::read_auth(root, cfg.auth);
  detail::read_displays(root, cfg.displays);
  detail::read_captions(root, cfg.captions);
  detail::read_log(root, cfg.log_level);
  root.finish();
}

}  // namespace

Config load(const std::string& path) {
  return load(path, Roles{});
}

Config load(const std::string& path, const Roles& roles) {
  Context ctx;
  ctx.file = path;
  ctx.base_dir = std::filesystem::absolute(path).parent_path().string();
  const std::string data = read_file(ctx);
  check_utf8(ctx, data);
  if (!ctx.problems.empty()) fail(ctx);

  toml::table doc;
  try {
    doc = toml::parse(data, path);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    ctx.add({path, static_cast<int>(b.line), static_cast<int>(b.column)},
            "TOML syntax error: " + std::string(e.description()));
    fail(ctx);
  }
  apply_env(ctx, doc);

  Config cfg;
  cfg.path = path;
  read_document(ctx, doc, cfg);
  detail::validate(ctx, cfg);
  detail::resolve_tokens(ctx, cfg, roles);
  if (!ctx.problems.empty()) fail(ctx);
  return cfg;
}

}  // namespace hallcast::config
