#include "streamer_fixture.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <glib.h>
#include <gst/gst.h>

#include "hallcast/common/logging.hpp"
#include "hallcast/streamer/gst_log.hpp"
#include "hallcast/testsupport/temp_dir.hpp"
#include "hallcast/testsupport/time_scale.hpp"

namespace hallcast::streamer::testing {

config::Config small_config(const std::vector<std::pair<std::string, std::string>>& sources) {
  config::Config c;
  c.path = "test.toml";
  c.event.id = "test";
  c.event.name = "Ngày Chuyển đổi số tỉnh Thanh Hóa 2022";
  c.halls.push_back({"hoi-truong", "Hội trường", "", {}});
  double freq = 440;
  for (const auto& [id, pattern] : sources) {
    config::Source s;
    s.id = id;
    s.label = "Camera " + id;
    s.kind = config::SourceKind::Test;
    s.hall = "hoi-truong";
    s.pattern = pattern;
    s.audio_freq = freq;
    freq += 220;
    c.sources.push_back(s);
  }
  c.program.width = 320;
  c.program.height = 180;
  c.program.framerate = 30;
  c.program.video_bitrate_kbps = 500;
  c.program.keyframe_interval_ms = 1000;
  c.slate.text = "Chương trình sẽ tiếp tục trong giây lát";
  return c;
}

bool run_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = testsupport::deadline_in(timeout);  // HALLCAST_TEST_TIME_SCALE
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    // Wake at least every 10 ms so the deadline is honoured without busy-waiting.
    GSource* tick = g_timeout_source_new(10);
    g_source_set_callback(
        tick, [](gpointer) { return G_SOURCE_REMOVE; }, nullptr, nullptr);
    g_source_attach(tick, nullptr);
    g_main_context_iteration(nullptr, TRUE);
    g_source_destroy(tick);
    g_source_unref(tick);
  }
  return true;
}

void Collector::add(const media::FrameHeader& h, std::vector<uint8_t>&& b) {
  std::lock_guard lock(mu_);
  if (h.kind == media::FrameKind::Init)
    init_ = std::move(b);
  else
    frags_.push_back(
        Fragment{h, std::move(b), std::chrono::steady_clock::now(), media::wall_clock_us()});
}

std::vector<uint8_t> Collector::init() const {
  std::lock_guard lock(mu_);
  return init_;
}

std::vector<Fragment> Collector::fragments() const {
  std::lock_guard lock(mu_);
  return frags_;
}

size_t Collector::count() const {
  std::lock_guard lock(mu_);
  return frags_.size();
}

std::vector<Fragment> Collector::video_fragments() const {
  std::lock_guard lock(mu_);
  std::vector<Fragment> video;
  for (const auto& f : frags_)
    if (!f.header.audio_only) video.push_back(f);
  return video;
}

size_t Collector::video_count() const {
  std::lock_guard lock(mu_);
  return static_cast<size_t>(std::count_if(frags_.begin(), frags_.end(),
                                           [](const Fragment& f) { return !f.header.audio_only; }));
}

Harness::Harness(config::Config c, std::string hall) : cfg(std::move(c)) {
  static bool once = [] {
    gst_init(nullptr, nullptr);
    logging::setup(std::getenv("HALLCAST_TEST_LOG") ? std::getenv("HALLCAST_TEST_LOG") : "warn");
    route_gst_log();
    return true;
  }();
  (void)once;
  StreamerCallbacks cb;
  cb.on_media = [this](const media::FrameHeader& h, std::vector<uint8_t>&& b) {
    media.add(h, std::move(b));
  };
  cb.on_state = [this](const nlohmann::json& s) { states.push_back(s); };
  cb.on_fatal = [this](const std::string& m) { fatal = m; };
  streamer.emplace(cfg, hall, std::move(cb));
}

Harness::~Harness() {
  if (streamer) streamer->stop();
}

void Harness::start(size_t frames) {
  streamer->start();
  if (!run_until([&] { return media.video_count() >= frames || !fatal.empty(); }, 15s))
    throw std::runtime_error("no media from the streamer within 15 s");
  if (!fatal.empty()) throw std::runtime_error("streamer failed: " + fatal);
}

nlohmann::json Harness::command(const nlohmann::json& c) {
  return streamer->handle(c);
}

std::string Harness::health(const std::string& source) const {
  return std::string(to_string(streamer->health(source)));
}

Look classify(const Rgb& c) {
  struct Ref {
    Look look;
    Rgb rgb;
  };
  static const Ref refs[] = {{Look::Red, {255, 0, 0}},
                             {Look::Green, {0, 255, 0}},
                             {Look::Blue, {0, 0, 255}},
                             {Look::Slate, {27, 42, 74}},
                             {Look::Black, {0, 0, 0}}};
  Look best = Look::Other;
  int best_d = 60 * 60 * 3;  // farther than this from every reference: a mix (fade) or other
  for (const auto& r : refs) {
    int d = (c.r - r.rgb.r) * (c.r - r.rgb.r) + (c.g - r.rgb.g) * (c.g - r.rgb.g) +
            (c.b - r.rgb.b) * (c.b - r.rgb.b);
    if (d < best_d) best_d = d, best = r.look;
  }
  return best;
}

const char* to_string(Look l) {
  switch (l) {
    case Look::Red:
      return "red";
    case Look::Green:
      return "green";
    case Look::Blue:
      return "blue";
    case Look::Slate:
      return "slate";
    case Look::Black:
      return "black";
    default:
      return "other";
  }
}

std::string temp_dir() {
  // One directory per test process, removed with its recordings when the process exits.
  static const testsupport::TempDir dir("hallcast-streamer-test");
  return dir.str();
}

std::string write_mp4(const std::vector<uint8_t>& init, const std::vector<Fragment>& frags,
                      size_t from, size_t to, const std::string& name) {
  std::string path = temp_dir() + "/" + name;
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(init.data()), static_cast<std::streamsize>(init.size()));
  for (size_t i = from; i < to && i < frags.size(); ++i)
    out.write(reinterpret_cast<const char*>(frags[i].bytes.data()),
              static_cast<std::streamsize>(frags[i].bytes.size()));
  return path;
}

std::string sh(const std::string& cmd, int* rc) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("popen failed");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = pclose(p);
  if (rc) *rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

std::vector<Rgb> centre_pixels(const std::string& path) {
  constexpr int kW = 32, kH = 18;
  std::string raw = sh("ffmpeg -v error -i '" + path +
                       "' -map 0:v -fps_mode passthrough -vf scale=" + std::to_string(kW) + ":" +
                       std::to_string(kH) + " -f rawvideo -pix_fmt rgb24 - 2>/dev/null");
  std::vector<Rgb> out;
  size_t frame = kW * kH * 3;
  for (size_t off = 0; off + frame <= raw.size(); off += frame) {
    size_t px = off + ((kH / 2) * kW + kW / 2) * 3;
    out.push_back({static_cast<uint8_t>(raw[px]), static_cast<uint8_t>(raw[px + 1]),
                   static_cast<uint8_t>(raw[px + 2])});
  }
  return out;
}

int free_port(bool udp) {
  int fd = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

}  // namespace hallcast::streamer::testing
