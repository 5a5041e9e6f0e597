// The event configuration: one TOML file describes an event (see docs/config.md).
// Plain value types: loaded once at start-up on the main thread, then read-only.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace hallcast::config {

// A point in a config file, for error messages (1-based; 0 = unknown).
struct Location {
  std::string file;
  int line = 0;
  int column = 0;
};

struct Problem {
  Location where;
  std::string message;
  std::string format() const;  // "FILE:LINE:COLUMN: message"
};

// Thrown by load() with every problem found; main() prints them and exits 78.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<Problem> problems);
  const std::vector<Problem>& problems() const { return problems_; }

 private:
  std::vector<Problem> problems_;
};

using TimePoint = std::chrono::system_clock::time_point;

struct Event {
  std::string id;
  std::string name;
  std::string organiser;
  std::string venue;
  std::string timezone = "UTC";  // IANA name, e.g. "Asia/Ho_Chi_Minh"
  bool dev = false;              // dev configs may hold tokens inline
};

struct Hall {
  std::string id;
  std::string name;
  std::string srt_listen;  // "HOST:PORT" of the hall streamer's SRT listener; empty = none
  Location where;
};

struct Speaker {
  std::string name;
  std::string role;
};

struct Session {
  std::string id;
  std::string title;
  std::string hall;
  TimePoint start;
  TimePoint end;
  std::string start_text;  // as written in the file (ISO 8601 with offset), for display
  std::string end_text;
  std::vector<Speaker> speakers;
  Location where;
};

enum class SourceKind { Test, V4l2, Rtsp, Srt, File, Image };

struct Source {
  std::string id;
  std::string label;
  SourceKind kind = SourceKind::Test;
  std::string hall;                 // the hall whose streamer owns this source
  std::string pattern;              // test: videotestsrc pattern name ("smpte", "ball", ...)
  std::string device;               // v4l2: "/dev/video0"
  std::string uri;                  // rtsp: "rtsp://..."; srt: "srt://host:port"
  std::string srt_mode = "caller";  // srt: caller | listener
  std::string path;                 // file / image
  int latency_ms = 200;             // rtsp / srt receive latency
  bool audio = true;                // the source carries audio (test: a tone)
  double audio_freq = 440.0;        // test tone frequency
  Location where;
};

struct Program {
  int width = 1280;
  int height = 720;
  int framerate = 30;
  int video_bitrate_kbps = 3000;
  int audio_bitrate_kbps = 128;
  int keyframe_interval_ms = 2000;
  std::string audio = "follow";  // "follow" the program source, or a source id (hall mic)
  bool burn_in = false;          // burn titles and captions into the encoded picture
};

struct Slate {
  std::string text;   // e.g. "Chương trình sẽ tiếp tục trong giây lát"
  std::string image;  // optional image path, drawn under the text
  int hold_ms = 500;  // hold a lost source's last frame this long before the slate
};

struct Watchdog {
  int timeout_ms = 800;        // a source silent this long is lost
  bool auto_return = true;     // return to a recovered on-air source by itself
  int steady_ms = 2000;        // delivering steadily this long = recovered
  int retry_initial_ms = 500;  // back-off for restarting a lost source
  int retry_max_ms = 10000;
};

struct Outputs {
  std::string relay_url;       // "ws://host:port" of the relay; empty = do not publish
  int srt_latency_ms = 20;     // a wired hall LAN; see docs/latency.md
  std::string srt_passphrase;  // empty = unencrypted
  // The relay's (browsers') audio: "aac", which every MediaSource plays, or "opus", about 25 ms
  // closer to live (docs/latency.md) but not in every Safari. The SRT output is always AAC.
  std::string relay_audio_codec = "aac";
};

struct Relay {
  std::string listen = "127.0.0.1:8080";
  std::string tls_cert;
  std::string tls_key;
  std::vector<std::string> allowed_origins;     // for control and publish; empty = same host only
  std::string web_root;                         // empty = installed or source-tree web/
  std::string state_dir = "/var/lib/hallcast";  // caption logs
  int max_connections = 10000;
  int max_connections_per_address = 64;
  int max_control_message_bytes = 16 * 1024;
  int max_media_message_bytes = 8 * 1024 * 1024;
  int viewer_backlog_ms = 2000;   // a viewer further behind skips to the next keyframe
  int lag_disconnect_ms = 15000;  // behind this long in total: disconnected
  int ping_interval_s = 10;
  int header_timeout_s = 5;
  int fanout_threads = 0;  // threads sending a fragment to the viewers; 0 = one per core (max 4)
  std::string publisher_policy = "reject";  // reject | takeover
  bool viewer_token_required = false;
};

// One role's secret. Exactly one of the three is set in a valid config.
struct TokenSource {
  std::string file;          // path to a file holding the token
  std::string env;           // name of an environment variable holding it
  std::string inline_value;  // only when event.dev = true
};

struct Auth {
  TokenSource publisher;
  TokenSource operator_;
  TokenSource captioner;
  TokenSource viewer;  // only used with relay.viewer_token_required
  // Resolved at load time (never logged).
  std::string publisher_token;
  std::string operator_token;
  std::string captioner_token;
  std::string viewer_token;
};

struct Display {
  std::string id;
  std::string name;
  std::string hall;
  std::string input = "srt";  // srt | relay
  std::string srt_url;        // default: srt://<hall srt_listen>
  bool fallback_to_relay = true;
  std::vector<std::string> overlays = {"captions", "title"};  // + "clock", "event"
  double font_scale = 1.0;
  double safe_area = 0.05;          // fraction of width/height kept clear at each edge
  std::string video_sink = "auto";  // auto | ximagesink | glimagesink | kmssink | ...
  Location where;
};

struct Captions {
  std::vector<std::string> languages = {"vi"};
  int max_length = 500;   // characters (code points) per caption
  int recent_lines = 20;  // kept for joining clients
};

struct Config {
  std::string path;  // the file it came from
  Event event;
  std::vector<Hall> halls;
  std::vector<Session> sessions;
  std::vector<Source> sources;
  Program program;
  Slate slate;
  Watchdog watchdog;
  Outputs outputs;
  Relay relay;
  Auth auth;
  std::vector<Display> displays;
  Captions captions;
  std::string log_level = "info";

  const Hall* find_hall(const std::string& id) const;
  const Session* find_session(const std::string& id) const;
  const Source* find_source(const std::string& id) const;
  const Display* find_display(const std::string& id) const;
  std::vector<const Source*> sources_of_hall(const std::string& hall) const;
  std::vector<const Session*> sessions_of_hall(const std::string& hall) const;
  // The session on now in a hall, else the next one to start; nullptr if none.
  const Session* current_or_next_session(const std::string& hall, TimePoint now) const;
};

// Which roles' secrets a program reads at load time: the relay all of them, a streamer its
// publisher token, a display at most the viewer token. Every [auth.*] table is still checked
// (exactly one of token_file, token_env, token; inline only in dev configs) but only these are
// read from their file or variable, so a box needs only the secrets of the program it runs.
struct Roles {
  bool publisher = true;
  bool operator_ = true;
  bool captioner = true;
  bool viewer = true;  // read only when relay.viewer_token_required or [auth.viewer] is set
};

// Defaults, then the file, then environment overrides (see docs/config.md), then validation.
// Throws ConfigError listing every problem found. Reads every role's secret.
Config load(const std::string& path);
// The same, reading only the secrets of `roles` (the others' tokens stay empty).
Config load(const std::string& path, const Roles& roles);

std::string_view to_string(SourceKind kind);

}  // namespace hallcast::config
