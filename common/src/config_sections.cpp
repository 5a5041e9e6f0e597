// Reading the parts of the file that hold lists of things with ids: event, halls, sessions,
// sources, displays.
#include "config_sections.hpp"
#include "config_checks.hpp"

namespace hallcast::config::detail {

namespace {

// videotestsrc's pattern nicknames.
const std::vector<std::string> kTestPatterns = {"smpte",
                                                "snow",
                                                "black",
                                                "white",
                                                "red",
                                                "green",
                                                "blue",
                                                "checkers-1",
                                                "checkers-2",
                                                "checkers-4",
                                                "checkers-8",
                                                "circular",
                                                "blink",
                                                "smpte75",
                                                "zone-plate",
                                                "gamut",
                                                "chroma-zone-plate",
                                                "solid-color",
                                                "ball",
                                                "smpte100",
                                                "bar",
                                                "pinwheel",
                                                "spokes",
                                                "gradient",
                                                "colors",
                                                "smpte-rp-219"};

const std::vector<std::string> kSourceKinds = {"test", "v4l2", "rtsp", "srt", "file", "image"};

SourceKind kind_from(const std::string& s) {
  if (s == "v4l2") return SourceKind::V4l2;
  if (s == "rtsp") return SourceKind::Rtsp;
  if (s == "srt") return SourceKind::Srt;
  if (s == "file") return SourceKind::File;
  if (s == "image") return SourceKind::Image;
  return SourceKind::Test;
}

// Parameters a source of its kind cannot do without.
void check_source_params(TableReader& r, const Source& s) {
  switch (s.kind) {
    case SourceKind::Test:
      break;
    case SourceKind::V4l2:
      if (s.device.empty()) r.problem("device", "a v4l2 source needs a device, e.g. /dev/video0");
      break;
    case SourceKind::Rtsp:
      if (s.uri.empty())
        r.problem("uri", "an rtsp source needs a uri (rtsp://HOST[:PORT]/PATH)");
      else if (auto e = check_url(s.uri, {"rtsp", "rtsps"}, false); !e.empty())
        r.problem("uri", e);
      break;
    case SourceKind::Srt:
      if (s.uri.empty()) {
        r.problem("uri", "an srt source needs a uri (srt://HOST:PORT)");
      } else if (auto e = check_url(s.uri, {"srt"}, true, s.srt_mode == "listener"); !e.empty()) {
        r.problem("uri", e);
      }
      break;
    case SourceKind::File:
    case SourceKind::Image:
      if (s.path.empty()) {
        r.problem("path", "a " + std::string(to_string(s.kind)) + " source needs a path");
      }
      break;
  }
}

}  // namespace

void read_event(TableReader& root, Event& out) {
  if (!root.has("event")) {
    root.context().add(root.where_table(), "missing required table [event]");
  }
  with_table(root, "event", [&](TableReader& r) {
    r.str("id", out.id, true, check_id);
    r.str("name", out.name, true);
    r.str("organiser", out.organiser);
    r.str("venue", out.venue);
    r.str("timezone", out.timezone, false, check_timezone);
    r.boolean("dev", out.dev);
  });
}

void read_halls(TableReader& root, std::vector<Hall>& out) {
  if (!root.has("halls")) {
    root.context().add(root.where_table(), "missing required array [[halls]] (at least one hall)");
  }
  for_each_table(root, "halls", [&](TableReader& r, size_t) {
    Hall h;
    h.where = r.where_table();
    r.str("id", h.id, true, check_id);
    r.str("name", h.name, true);
    r.str("srt_listen", h.srt_listen, false,
          [](const std::string& v) { return check_host_port(v, true); });
    out.push_back(std::move(h));
  });
}

void read_sessions(TableReader& root, std::vector<Session>& out) {
  for_each_table(root, "sessions", [&](TableReader& r, size_t) {
    Session s;
    s.where = r.where_table();
    r.str("id", s.id, true, check_id);
    r.str("title", s.title, true);
    r.str("hall", s.hall, true);
    r.time("start", s.start, s.start_text);
    r.time("end", s.end, s.end_text);
    for_each_table(r, "speakers", [&](TableReader& sr, size_t) {
      Speaker sp;
      sr.str("name", sp.name, true);
      sr.str("role", sp.role);
      s.speakers.push_back(std::move(sp));
    });
    out.push_back(std::move(s));
  });
}

void read_sources(TableReader& root, std::vector<Source>& out) {
  for_each_table(root, "sources", [&](TableReader& r, size_t) {
    Source s;
    s.where = r.where_table();
    std::string kind;
    r.str("id", s.id, true, check_id);
    r.str("label", s.label);
    r.str("kind", kind, true, one_of(kSourceKinds));
    s.kind = kind_from(kind);
    r.str("hall", s.hall, true);
    r.str("pattern", s.pattern, false, one_of(kTestPatterns));
    r.str("device", s.device);
    r.str("uri", s.uri);
    r.str("srt_mode", s.srt_mode, false, one_of({"caller", "listener"}));
    r.file_path("path", s.path);
    r.integer("latency_ms", s.latency_ms, false, in_range(0, 10000));
    r.boolean("audio", s.audio);
    r.real("audio_freq", s.audio_freq, in_range(20.0, 20000.0));
    if (s.label.empty()) s.label = s.id;
    if (s.kind == SourceKind::Test && s.pattern.empty()) s.pattern = "smpte";
    if (!kind.empty() && r.has("kind")) check_source_params(r, s);
    out.push_back(std::move(s));
  });
}

void read_displays(TableReader& root, std::vector<Display>& out) {
  for_each_table(root, "displays", [&](TableReader& r, size_t) {
    Display d;
    d.where = r.where_table();
    r.str("id", d.id, true, check_id);
    r.str("name", d.name);
    r.str("hall", d.hall, true);
    r.str("input", d.input, false, one_of({"srt", "relay"}));
    r.str("srt_url", d.srt_url, false,
          [](const std::string& v) { return check_url(v, {"srt"}, true); });
    r.boolean("fallback_to_relay", d.fallback_to_relay);
    r.str_list("overlays", d.overlays, one_of({"captions", "title", "clock", "event"}));
    r.real("font_scale", d.font_scale, in_range(0.25, 4.0));
    r.real("safe_area", d.safe_area, in_range(0.0, 0.25));
    r.str("video_sink", d.video_sink);
    if (d.name.empty()) d.name = d.id;
    out.push_back(std::move(d));
  });
}

}  // namespace hallcast::config::detail
