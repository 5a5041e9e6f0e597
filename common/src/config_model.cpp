// The config model's small helpers: problem formatting and look-ups.
#include <algorithm>

#include "hallcast/common/config.hpp"

namespace hallcast::config {

namespace {

std::string join_problems(const std::vector<Problem>& problems) {
  std::string out = "invalid configuration";
  for (const Problem& p : problems) out.append("\n").append(p.format());
  return out;
}

template <typename T>
const T* find_by_id(const std::vector<T>& items, const std::string& id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.id == id; });
  return it == items.end() ? nullptr : &*it;
}

}  // namespace

std::string Problem::format() const {
  // Appends, not `":" + std::to_string(...)`: GCC 12 at -O3 reports a false -Wrestrict in the
  // inlined operator+ (GCC bug 105329), which -Werror turns into a failed Release build.
  std::string out = where.file;
  if (where.line > 0) {
    out.append(":").append(std::to_string(where.line));
    if (where.column > 0) out.append(":").append(std::to_string(where.column));
  }
  return out.append(": ").append(message);
}

ConfigError::ConfigError(std::vector<Problem> problems)
    : std::runtime_error(join_problems(problems)), problems_(std::move(problems)) {}

std::string_view to_string(SourceKind kind) {
  switch (kind) {
    case SourceKind::Test:
      return "test";
    case SourceKind::V4l2:
      return "v4l2";
    case SourceKind::Rtsp:
      return "rtsp";
    case SourceKind::Srt:
      return "srt";
    case SourceKind::File:
      return "file";
    case SourceKind::Image:
      return "image";
  }
  return "unknown";
}

const Hall* Config::find_hall(const std::string& id) const {
  return find_by_id(halls, id);
}
const Session* Config::find_session(const std::string& id) const {
  return find_by_id(sessions, id);
}
const Source* Config::find_source(const std::string& id) const {
  return find_by_id(sources, id);
}
const Display* Config::find_display(const std::string& id) const {
  return find_by_id(displays, id);
}

std::vector<const Source*> Config::sources_of_hall(const std::string& hall) const {
  std::vector<const Source*> out;
  for (const Source& s : sources) {
    if (s.hall == hall) out.push_back(&s);
  }
  return out;
}

// In start order.
std::vector<const Session*> Config::sessions_of_hall(const std::string& hall) const {
  std::vector<const Session*> out;
  for (const Session& s : sessions) {
    if (s.hall == hall) out.push_back(&s);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Session* a, const Session* b) { return a->start < b->start; });
  return out;
}

const Session* Config::current_or_next_session(const std::string& hall, TimePoint now) const {
  for (const Session* s : sessions_of_hall(hall)) {
    if (now < s->end) return s;  // on now (start <= now) or the first one still to come
  }
  return nullptr;
}

}  // namespace hallcast::config
