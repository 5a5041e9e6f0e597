// Checks across the parts of a config (ids, references, the schedule) and token resolution.
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "config_sections.hpp"
#include "hallcast/common/limits.hpp"

namespace hallcast::config::detail {

namespace {

std::string line_of(const Location& l) {
  return l.line > 0 ? " (line " + std::to_string(l.line) + ")" : "";
}

template <typename T>
void check_unique(Context& ctx, const std::vector<T>& items, const std::string& list,
                  const char* what) {
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].id.empty()) continue;
    auto [it, fresh] = seen.emplace(items[i].id, i);
    if (fresh) continue;
    const std::string first = list + "[" + std::to_string(it->second) + "].id";
    const std::string here = list + "[" + std::to_string(i) + "].id";
    ctx.add(ctx.at(here), here + ": duplicate " + what + " id '" + items[i].id +
                              "', first defined at " + first + line_of(ctx.at(first)));
  }
}

template <typename T>
std::vector<std::string> ids_of(const std::vector<T>& items) {
  std::vector<std::string> ids;
  for (const T& x : items) ids.push_back(x.id);
  return ids;
}

// `path` names a key holding a hall id (e.g. "sessions[2].hall").
void check_hall_ref(Context& ctx, const Config& cfg, const std::string& path,
                    const std::string& hall) {
  if (hall.empty() || cfg.find_hall(hall) != nullptr) return;
  ctx.add(ctx.at(path), path + ": unknown hall '" + hall + "'" + hint(hall, ids_of(cfg.halls)));
}

void check_schedule(Context& ctx, const Config& cfg) {
  std::map<std::string, std::vector<size_t>> by_hall;
  for (size_t i = 0; i < cfg.sessions.size(); ++i) {
    const Session& s = cfg.sessions[i];
    const std::string path = "sessions[" + std::to_string(i) + "]";
    check_hall_ref(ctx, cfg, path + ".hall", s.hall);
    if (s.start_text.empty() || s.end_text.empty()) continue;
    if (s.end <= s.start) {
      ctx.add(ctx.at(path + ".end"), path + ".end: session '" + s.id + "' ends (" + s.end_text +
                                         ") before it starts (" + s.start_text + ")");
      continue;
    }
    by_hall[s.hall].push_back(i);
  }
  for (auto& [hall, idx] : by_hall) {
    std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
      return cfg.sessions[a].start < cfg.sessions[b].start;
    });
    for (size_t k = 1; k < idx.size(); ++k) {
      const Session& prev = cfg.sessions[idx[k - 1]];
      const Session& cur = cfg.sessions[idx[k]];
      if (cur.start >= prev.end) continue;
      const std::string path = "sessions[" + std::to_string(idx[k]) + "].start";
      ctx.add(ctx.at(path), path + ": session '" + cur.id + "' overlaps session '" + prev.id +
                                "' in hall '" + hall + "' (which ends " + prev.end_text + ")");
    }
  }
}

void check_sources_and_displays(Context& ctx, const Config& cfg) {
  for (size_t i = 0; i < cfg.sources.size(); ++i) {
    check_hall_ref(ctx, cfg, "sources[" + std::to_string(i) + "].hall", cfg.sources[i].hall);
  }
  for (size_t i = 0; i < cfg.displays.size(); ++i) {
    const Display& d = cfg.displays[i];
    const std::string path = "displays[" + std::to_string(i) + "]";
    check_hall_ref(ctx, cfg, path + ".hall", d.hall);
    const Hall* h = cfg.find_hall(d.hall);
    const bool url_given = ctx.locations.count(path + ".srt_url") != 0;  // even if invalid
    if (h != nullptr && d.input == "srt" && !url_given && h->srt_listen.empty()) {
      ctx.add(ctx.at(path + ".hall"), path +
                                          ": input 'srt' needs an srt_url, or an srt_listen "
                                          "address on hall '" +
                                          d.hall + "'");
    }
  }
  const std::string& audio = cfg.program.audio;
  if (audio != "follow" && cfg.find_source(audio) == nullptr) {
    ctx.add(ctx.at("program.audio"), "program.audio: '" + audio +
                                         "' is neither 'follow' nor a source id" +
                                         hint(audio, ids_of(cfg.sources)));
  }
  std::map<std::string, size_t> ports;
  for (size_t i = 0; i < cfg.halls.size(); ++i) {
    const std::string& listen = cfg.halls[i].srt_listen;
    if (listen.empty() || listen.ends_with(":0")) continue;
    auto [it, fresh] = ports.emplace(listen, i);
    if (!fresh) {
      const std::string path = "halls[" + std::to_string(i) + "].srt_listen";
      ctx.add(ctx.at(path), path + ": '" + listen + "' is already used by hall '" +
                                cfg.halls[it->second].id + "'");
    }
  }
}

// One role's token: returns it, or "" after recording why not.
std::string read_token(Context& ctx, const Event& event, const std::string& role,
                       const TokenSource& ts) {
  const std::string path = "auth." + role;
  const int set = !ts.file.empty() + !ts.env.empty() + !ts.inline_value.empty();
  if (set != 1) {
    Location at = ctx.at(path);
    if (at.line == 0) at = Location{ctx.file, 1, 1};
    ctx.add(at, path + ": set exactly one of token_file, token_env or token");
    return "";
  }
  if (!ts.inline_value.empty()) {
    if (!event.dev) {
      ctx.add(ctx.at(path + ".token"), path +
                                           ".token: inline tokens are only allowed when "
                                           "event.dev = true; use token_file or token_env");
      return "";
    }
    return ts.inline_value;
  }
  if (!ts.env.empty()) {
    const char* v = std::getenv(ts.env.c_str());
    if (v == nullptr || *v == '\0') {
      ctx.add(ctx.at(path + ".token_env"),
              path + ".token_env: environment variable " + ts.env + " is not set or empty");
      return "";
    }
    return v;
  }
  const Location& at = ctx.at(path + ".token_file");
  std::error_code ec;
  const bool regular = std::filesystem::is_regular_file(ts.file, ec);
  std::ifstream in(ts.file, std::ios::binary);
  if (!regular || !in) {
    const std::string why = ec        ? ec.message()
                            : regular ? std::strerror(errno)
                                      : "not a regular file";
    ctx.add(at, path + ".token_file: cannot read " + ts.file + ": " + why);
    return "";
  }
  // Read one byte past the limit, to tell "too large" without reading a huge file.
  std::string token(limits::kMaxTokenBytes + 1, '\0');
  in.read(token.data(), static_cast<std::streamsize>(token.size()));
  token.resize(static_cast<size_t>(in.gcount()));
  if (token.size() > limits::kMaxTokenBytes) {
    ctx.add(at, path + ".token_file: " + ts.file + " is larger than " +
                    std::to_string(limits::kMaxTokenBytes) + " bytes");
    return "";
  }
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  if (token.empty()) ctx.add(at, path + ".token_file: " + ts.file + " is empty");
  return token;
}

}  // namespace

void validate(Context& ctx, Config& cfg) {
  check_unique(ctx, cfg.halls, "halls", "hall");
  check_unique(ctx, cfg.sessions, "sessions", "session");
  check_unique(ctx, cfg.sources, "sources", "source");
  check_unique(ctx, cfg.displays, "displays", "display");
  check_schedule(ctx, cfg);
  check_sources_and_displays(ctx, cfg);
}

void resolve_tokens(Context& ctx, Config& cfg) {
  Auth& auth = cfg.auth;
  auth.publisher_token = read_token(ctx, cfg.event, "publisher", auth.publisher);
  auth.operator_token = read_token(ctx, cfg.event, "operator", auth.operator_);
  auth.captioner_token = read_token(ctx, cfg.event, "captioner", auth.captioner);
  const TokenSource& v = auth.viewer;
  const bool viewer_set = !v.file.empty() || !v.env.empty() || !v.inline_value.empty();
  if (cfg.relay.viewer_token_required || viewer_set) {
    auth.viewer_token = read_token(ctx, cfg.event, "viewer", auth.viewer);
  }
}

}  // namespace hallcast::config::detail
