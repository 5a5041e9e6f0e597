// Checks across the parts of a config (ids, references, the schedule).
#include <algorithm>
#include <map>

#include "config_sections.hpp"

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

}  // namespace

void validate(Context& ctx, Config& cfg) {
  check_unique(ctx, cfg.halls, "halls", "hall");
  check_unique(ctx, cfg.sessions, "sessions", "session");
  check_unique(ctx, cfg.sources, "sources", "source");
  check_unique(ctx, cfg.displays, "displays", "display");
  check_schedule(ctx, cfg);
  check_sources_and_displays(ctx, cfg);
}

}  // namespace hallcast::config::detail
