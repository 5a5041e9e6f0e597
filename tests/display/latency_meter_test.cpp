// --measure-latency end to end: the real streamer paints capture times into its picture
// (--stamp-capture-time), the real display plays its SRT output under Xvfb and writes one
// sample per rendered frame, then a summary when it stops. Bounds are sanity bounds, not
// targets: timing is measured by bench/latency, never asserted here.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hallcast/testsupport/child_process.hpp"
#include "hallcast/testsupport/temp_dir.hpp"
#include "screen_probe.hpp"

namespace hallcast::display::test {
namespace {

using namespace std::chrono_literals;
using testsupport::ChildProcess;
using testsupport::SpawnOptions;
using testsupport::TempDir;

// No relay runs: the display's relay client just keeps retrying relay_port (nothing listens).
std::string config(const TempDir& dir, int srt_port, int relay_port) {
  return dir.write_file("event.toml", R"([event]
id = "latency-test"
name = "Ngày Chuyển đổi số tỉnh Thanh Hóa 2022"
organiser = "UBND tỉnh Thanh Hóa"
venue = "Thanh Hóa"
timezone = "Asia/Ho_Chi_Minh"
dev = true

[[halls]]
id = "hoi-truong"
name = "Hội trường"
srt_listen = "127.0.0.1:)" + std::to_string(srt_port) +
                                          R"("

[[sources]]
id = "cam-1"
label = "Máy quay 1"
kind = "test"
hall = "hoi-truong"
pattern = "ball"
audio = false

[program]
width = 640
height = 360
framerate = 30
video_bitrate_kbps = 1000

[outputs]
relay_url = "ws://127.0.0.1:)" + std::to_string(relay_port) +
                                          R"("

[relay]
listen = "127.0.0.1:0"
state_dir = ")" + (dir.path() / "state").string() +
                                          R"("

[auth.publisher]
token = "pub-secret"
[auth.operator]
token = "op-secret"
[auth.captioner]
token = "cap-secret"

[[displays]]
id = "may-chieu"
name = "Máy chiếu hội trường"
hall = "hoi-truong"
)");
}

size_t sample_lines(const std::string& path) {
  std::ifstream in(path);
  size_t n = 0;
  for (std::string line; std::getline(in, line);) n += line.rfind("{\"capture_us\"", 0) == 0;
  return n;
}

TEST(DisplayLatency, MeasureOptionWritesSamplesOfStampedSrtFrames) {
  std::string streamer_bin = testsupport::binary_path("hallcast-streamer");
  if (!std::filesystem::exists(streamer_bin)) GTEST_SKIP() << "the streamer is not built";
  TempDir dir("hallcast-display-latency");
  std::filesystem::create_directories(dir.path() / "state");
  std::string cfg = config(dir, free_port(true), free_port(false));
  std::string out = (dir.path() / "latency.jsonl").string();
  Xvfb x(640, 360);

  SpawnOptions so;
  so.args = {"--config", cfg, "--stamp-capture-time"};
  ChildProcess streamer(streamer_bin, so);
  ASSERT_TRUE(streamer.wait_for_line("program playing", 30s, testsupport::Stream::Stderr))
      << streamer.output();
  SpawnOptions d;
  d.args = {"--config", cfg, "--measure-latency", out};
  d.env = {{"DISPLAY", x.display()}};
  ChildProcess display(testsupport::binary_path("hallcast-display"), d);
  ASSERT_TRUE(display.wait_for_line("^hallcast-display showing video srt", 30s))
      << display.output();
  // The file grows with every rendered frame; nothing to wait on but the file itself.
  auto deadline = std::chrono::steady_clock::now() + testsupport::scaled(20s);
  while (sample_lines(out) < 30 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(100ms);
  auto status = display.terminate();
  EXPECT_EQ(status.shell_code(), 0) << display.output();

  std::ifstream in(out);
  std::string line, last;
  size_t samples = 0;
  while (std::getline(in, line)) {
    if (line.rfind("{\"capture_us\"", 0) == 0) {
      auto j = nlohmann::json::parse(line);
      double ms = j["latency_ms"];
      EXPECT_GT(ms, 0.0) << line;
      EXPECT_LT(ms, 5000.0) << line;
      ++samples;
    }
    last = line;
  }
  ASSERT_GE(samples, 30u) << "stamped frames rendered";
  auto summary = nlohmann::json::parse(last)["summary"];
  EXPECT_EQ(summary["frames"], samples);
  EXPECT_GE(summary["by_input"]["srt"]["frames"].get<size_t>(), 1u) << last;
  EXPECT_LE(summary["p50_ms"].get<double>(), summary["p95_ms"].get<double>());
  EXPECT_LE(summary["p95_ms"].get<double>(), summary["max_ms"].get<double>());
}

}  // namespace
}  // namespace hallcast::display::test
