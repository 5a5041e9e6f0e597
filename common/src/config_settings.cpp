// Reading the single tables of settings: program, slate, watchdog, outputs, relay, auth,
// captions, log.
#include "config_checks.hpp"
#include "config_sections.hpp"

namespace hallcast::config::detail {

const std::vector<std::string>& single_tables() {
  static const std::vector<std::string> names = {"event",   "program", "slate",    "watchdog",
                                                 "outputs", "relay",   "captions", "log"};
  return names;
}

void read_program(TableReader& root, Program& out) {
  with_table(root, "program", [&](TableReader& r) {
    auto even = [](int lo, int hi) {
      return [lo, hi](const int& v) -> std::string {
        if (std::string e = in_range(lo, hi)(v); !e.empty()) return e;
        return v % 2 == 0 ? "" : std::to_string(v) + " must be even";
      };
    };
    r.integer("width", out.width, false, even(160, 7680));
    r.integer("height", out.height, false, even(120, 4320));
    r.integer("framerate", out.framerate, false, in_range(1, 120));
    r.integer("video_bitrate_kbps", out.video_bitrate_kbps, false, in_range(100, 100000));
    r.integer("audio_bitrate_kbps", out.audio_bitrate_kbps, false, in_range(16, 512));
    r.integer("keyframe_interval_ms", out.keyframe_interval_ms, false, in_range(100, 10000));
    r.str("audio", out.audio);
    r.boolean("burn_in", out.burn_in);
  });
}

void read_slate(TableReader& root, Slate& out) {
  with_table(root, "slate", [&](TableReader& r) {
    r.str("text", out.text);
    r.file_path("image", out.image);
    r.integer("hold_ms", out.hold_ms, false, in_range(0, 60000));
  });
}

void read_watchdog(TableReader& root, Watchdog& out) {
  with_table(root, "watchdog", [&](TableReader& r) {
    r.integer("timeout_ms", out.timeout_ms, false, in_range(50, 60000));
    r.boolean("auto_return", out.auto_return);
    r.integer("steady_ms", out.steady_ms, false, in_range(0, 600000));
    r.integer("retry_initial_ms", out.retry_initial_ms, false, in_range(10, 600000));
    r.integer("retry_max_ms", out.retry_max_ms, false, in_range(10, 3600000));
    if (out.retry_max_ms < out.retry_initial_ms) {
      r.problem("retry_max_ms", "must not be less than retry_initial_ms (" +
                                    std::to_string(out.retry_initial_ms) + ")");
    }
  });
}

void read_outputs(TableReader& root, Outputs& out) {
  with_table(root, "outputs", [&](TableReader& r) {
    r.str("relay_url", out.relay_url, false, [](const std::string& v) {
      return check_url(v, {"ws", "wss"}, false);
    });
    r.integer("srt_latency_ms", out.srt_latency_ms, false, in_range(0, 10000));
    // libsrt accepts passphrases of 10 to 79 characters.
    r.str("srt_passphrase", out.srt_passphrase, false, [](const std::string& v) -> std::string {
      if (v.empty() || (v.size() >= 10 && v.size() <= 79)) return "";
      return "an SRT passphrase has 10 to 79 characters";
    });
    r.str("relay_audio_codec", out.relay_audio_codec, false, one_of({"aac", "opus"}));
  });
}

void read_relay(TableReader& root, Relay& out) {
  with_table(root, "relay", [&](TableReader& r) {
    r.str("listen", out.listen, false,
          [](const std::string& v) { return check_host_port(v, true); });
    r.file_path("tls_cert", out.tls_cert);
    r.file_path("tls_key", out.tls_key);
    if (out.tls_cert.empty() != out.tls_key.empty()) {
      r.problem(out.tls_cert.empty() ? "tls_key" : "tls_cert",
                "tls_cert and tls_key must be set together");
    }
    r.str_list("allowed_origins", out.allowed_origins, check_origin);
    r.file_path("web_root", out.web_root);
    r.file_path("state_dir", out.state_dir);
    r.integer("max_connections", out.max_connections, false, in_range(1, 1000000));
    r.integer("max_connections_per_address", out.max_connections_per_address, false,
              in_range(1, 1000000));
    r.integer("max_control_message_bytes", out.max_control_message_bytes, false,
              in_range(256, 1 << 20));
    r.integer("max_media_message_bytes", out.max_media_message_bytes, false,
              in_range(64 * 1024, 64 << 20));
    r.integer("viewer_backlog_ms", out.viewer_backlog_ms, false, in_range(100, 60000));
    r.integer("lag_disconnect_ms", out.lag_disconnect_ms, false, in_range(1000, 600000));
    r.integer("ping_interval_s", out.ping_interval_s, false, in_range(1, 300));
    r.integer("header_timeout_s", out.header_timeout_s, false, in_range(1, 60));
    r.integer("fanout_threads", out.fanout_threads, false, in_range(0, 16));
    r.str("publisher_policy", out.publisher_policy, false, one_of({"reject", "takeover"}));
    r.boolean("viewer_token_required", out.viewer_token_required);
  });
}

void read_auth(TableReader& root, Auth& out) {
  auto role = [&](TableReader& auth, const std::string& name, TokenSource& ts) {
    with_table(auth, name, [&](TableReader& r) {
      r.file_path("token_file", ts.file, /*credentials=*/true);
      r.str("token_env", ts.env, false, [](const std::string& v) -> std::string {
        static const std::string ok =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";
        if (!v.empty() && v.find_first_not_of(ok) == std::string::npos) return "";
        return "'" + v + "' is not an environment variable name";
      });
      r.str("token", ts.inline_value);
    });
  };
  with_table(root, "auth", [&](TableReader& r) {
    role(r, "publisher", out.publisher);
    role(r, "operator", out.operator_);
    role(r, "captioner", out.captioner);
    role(r, "viewer", out.viewer);
  });
}

void read_captions(TableReader& root, Captions& out) {
  with_table(root, "captions", [&](TableReader& r) {
    r.str_list("languages", out.languages, check_language);
    if (r.has("languages") && out.languages.empty())
      r.problem("languages", "needs at least one language");
    r.integer("max_length", out.max_length, false, in_range(1, 10000));
    r.integer("recent_lines", out.recent_lines, false, in_range(0, 1000));
  });
}

void read_log(TableReader& root, std::string& level) {
  with_table(root, "log", [&](TableReader& r) {
    r.str("level", level, false,
          one_of({"trace", "debug", "info", "warn", "warning", "error", "critical", "off"}));
  });
}

}  // namespace hallcast::config::detail
