// hallcast-bench-source: publishes synthetic fMP4 at a chosen bitrate and fragment rate on
// hallcast.publish.v1 (send time in the capture-time field) and sends captions on
// hallcast.control.v1 carrying their send time ("bench-t=<µs>"). Runs until SIGTERM/SIGINT.
#include <poll.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "blocking_ws.hpp"
#include "hallcast/common/media_frame.hpp"
#include "synthetic_media.hpp"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) {
  g_stop = 1;
}

struct SourceOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string hall = "hoi-truong";
  std::string publisher_token;
  std::string captioner_token;
  double bitrate_kbps = 3000;
  double fps = 30;
  int gop = 60;                // fragments per keyframe interval
  double keyframe_weight = 4;  // a keyframe fragment is this many times a delta fragment
  double captions_per_s = 1;
  double duration_s = 0;  // 0 = until a signal
};

std::string caption_json(uint64_t n) {
  std::string text = "Chuyển đổi số là điều bắt buộc phải làm — câu " + std::to_string(n) +
                     " bench-t=" + std::to_string(hallcast::media::wall_clock_us());
  nlohmann::json j = {{"type", "caption"},
                      {"id", "b-" + std::to_string(n)},
                      {"text", text},
                      {"lang", "vi"},
                      {"final", n % 5 == 4}};
  return j.dump();
}

int run(const SourceOptions& o) {
  using namespace hallcast;
  std::string path = "/?hall=" + o.hall;
  bench::BlockingWs pub(o.host, o.port, path, "hallcast.publish.v1", o.publisher_token);
  std::unique_ptr<bench::BlockingWs> ctl;
  if (o.captions_per_s > 0) {
    ctl = std::make_unique<bench::BlockingWs>(o.host, o.port, path, "hallcast.control.v1", "");
    ctl->send_text(nlohmann::json{{"type", "auth"}, {"token", o.captioner_token}}.dump());
  }
  std::printf("hallcast-bench-source publishing to %s:%d\n", o.host.c_str(), o.port);
  std::fflush(stdout);

  double avg = o.bitrate_kbps * 1000 / 8 / o.fps;
  size_t delta_bytes = static_cast<size_t>(avg * o.gop / (o.gop - 1 + o.keyframe_weight));
  size_t key_bytes = static_cast<size_t>(static_cast<double>(delta_bytes) * o.keyframe_weight);
  uint64_t period_us = static_cast<uint64_t>(1e6 / o.fps);
  uint64_t caption_period_us =
      o.captions_per_s > 0 ? static_cast<uint64_t>(1e6 / o.captions_per_s) : 0;
  uint64_t start = media::wall_clock_us();
  uint64_t next_frame = start, next_caption = start + caption_period_us;
  uint32_t seq = 0;
  uint64_t captions = 0, errors = 0;
  auto on_text = [&](const std::string& t) {
    if (t.find("\"error\"") != std::string::npos && errors++ == 0)
      std::fprintf(stderr, "hallcast-bench-source: server error: %s\n", t.c_str());
  };
  media::FrameHeader h;
  h.kind = media::FrameKind::Init;
  h.capture_time_us = start;
  pub.send(bench::kBinary, media::encode_frame(h, bench::synthetic_init()));
  for (uint64_t n = 0; !g_stop; ++n) {
    if (o.duration_s > 0 && next_frame - start > o.duration_s * 1e6) break;
    for (;;) {
      uint64_t now = media::wall_clock_us();
      uint64_t due = ctl ? std::min(next_frame, next_caption) : next_frame;
      if (now >= due || g_stop) break;
      pollfd fds[2] = {{pub.fd(), POLLIN, 0}, {ctl ? ctl->fd() : -1, POLLIN, 0}};
      poll(fds, 2, static_cast<int>((due - now) / 1000));
      if (!pub.drain(on_text)) throw std::runtime_error("the server closed the publish connection");
      if (ctl && !ctl->drain(on_text))
        throw std::runtime_error("the server closed the control connection");
    }
    uint64_t now = media::wall_clock_us();
    if (ctl && now >= next_caption) {
      ctl->send_text(caption_json(captions++));
      next_caption += caption_period_us;
    }
    if (now < next_frame) continue;
    h.kind = media::FrameKind::Fragment;
    h.keyframe = seq % o.gop == 0;
    h.sequence = ++seq;
    h.media_time_us = (seq - 1) * period_us;
    h.capture_time_us = media::wall_clock_us();
    pub.send(bench::kBinary,
             media::encode_frame(
                 h, bench::synthetic_fragment(h.keyframe ? key_bytes : delta_bytes, seq)));
    next_frame += period_us;
  }
  std::fprintf(stderr, "hallcast-bench-source: sent %u fragments, %llu captions, %llu errors\n",
               seq, static_cast<unsigned long long>(captions),
               static_cast<unsigned long long>(errors));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  SourceOptions o;
  CLI::App app{"hallcast benchmark media source: synthetic fMP4 publisher and captioner"};
  app.add_option("--host", o.host);
  app.add_option("--port", o.port)->required();
  app.add_option("--hall", o.hall);
  app.add_option("--publisher-token", o.publisher_token)
      ->envname("HALLCAST_BENCH_PUBLISHER_TOKEN")
      ->required();
  app.add_option("--captioner-token", o.captioner_token)->envname("HALLCAST_BENCH_CAPTIONER_TOKEN");
  app.add_option("--bitrate-kbps", o.bitrate_kbps)->check(CLI::Range(10.0, 1e6));
  app.add_option("--fps", o.fps, "fragments per second")->check(CLI::Range(1.0, 1000.0));
  app.add_option("--gop", o.gop, "fragments per keyframe")->check(CLI::Range(1, 100000));
  app.add_option("--captions-per-s", o.captions_per_s);
  app.add_option("--duration-s", o.duration_s);
  CLI11_PARSE(app, argc, argv);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hallcast-bench-source: %s\n", e.what());
    return 1;
  }
}
