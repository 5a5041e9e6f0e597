// hallcast-display end to end: the real binary under Xvfb, fed by a real SRT sender (the real
// streamer, or a gst-launch stand-in), with captions and titles from the real relay. Checks
// what is on the X screen (import) and what the overlays say (the --screenshot hook).
#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hallcast/testsupport/child_process.hpp"
#include "hallcast/testsupport/srt_sender.hpp"
#include "hallcast/testsupport/temp_dir.hpp"
#include "hallcast/testsupport/ws_client.hpp"
#include "screen_probe.hpp"

namespace hallcast::display::test {
namespace {

using namespace std::chrono_literals;
using testsupport::ChildProcess;
using testsupport::SpawnOptions;
using testsupport::TempDir;

constexpr uint32_t kStandbyRgb = 0x0B1F3A;
constexpr Rect kCaptionArea{0.05, 0.70, 0.95, 0.97};
constexpr int kW = 1280, kH = 720;

std::string iso_utc(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));
  return buf;
}

struct Ports {
  int srt = 0;          // the hall's SRT listener
  int relay = 0;        // where the display looks for the relay
  std::string srt_url;  // display.srt_url override ("" = from the hall)
  std::string sink;     // display.video_sink override ("" = auto)
};

std::string write_config(const TempDir& dir, const Ports& p) {
  auto now = std::chrono::system_clock::now();
  std::string toml = R"([log]
level = "info"

[event]
id = "thanh-hoa-2022-test"
name = "Ngày Chuyển đổi số tỉnh Thanh Hóa 2022"
organiser = "UBND tỉnh Thanh Hóa"
venue = "Trung tâm CNTT, phường Đông Hải, TP Thanh Hóa"
timezone = "Asia/Ho_Chi_Minh"
dev = true

[[halls]]
id = "hoi-truong"
name = "Hội trường hội thảo"
srt_listen = "127.0.0.1:)" +
                     std::to_string(p.srt) + R"("

[[sessions]]
id = "hoi-thao-1"
hall = "hoi-truong"
title = "Thúc đẩy chương trình chuyển đổi số tỉnh Thanh Hóa năm 2022"
start = )" + iso_utc(now - std::chrono::minutes(10)) +
                     R"(
end = )" + iso_utc(now + std::chrono::minutes(50)) +
                     R"(
speakers = [{ name = "Ông Mai Xuân Liêm", role = "Phó Chủ tịch UBND tỉnh Thanh Hóa" }]

[[sources]]
id = "cam-1"
label = "Máy quay 1"
kind = "test"
hall = "hoi-truong"
pattern = "smpte"
audio = false

[program]
width = 640
height = 360
framerate = 30
video_bitrate_kbps = 1000
keyframe_interval_ms = 1000

[outputs]
)" + (p.relay != 0 ? "relay_url = \"ws://127.0.0.1:" + std::to_string(p.relay) + "\"\n" : "") +
                     R"(srt_latency_ms = 40

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
overlays = ["captions", "title", "clock", "event"]
)" + (p.srt_url.empty() ? "" : "srt_url = \"" + p.srt_url + "\"\n") +
                     (p.sink.empty() ? "" : "video_sink = \"" + p.sink + "\"\n");
  std::filesystem::create_directories(dir.path() / "state");
  return dir.write_file("event.toml", toml);
}

// Where screenshots are kept for a human to look at.
std::string shot_path(const std::string& name) {
  auto dir = std::filesystem::path(HALLCAST_BIN_DIR) / ".." / "tests" / "display-shots";
  std::filesystem::create_directories(dir);
  return (dir / (name + ".png")).string();
}

// A hall with the real relay and streamer, and a screen whose SRT address nobody listens on,
// started and playing from the relay. sink: display.video_sink ("" = auto).
struct FallbackRig {
  testsupport::RunningRelay relay;
  std::unique_ptr<ChildProcess> streamer, display;
};

class DisplayE2E : public ::testing::Test {
 protected:
  void SetUp() override { x_ = std::make_unique<Xvfb>(kW, kH); }

  std::unique_ptr<ChildProcess> start_display(const std::string& config) {
    SpawnOptions o;
    o.args = {"--config", config, "--screenshot", (dir_.path() / "hook.png").string()};
    o.env = {{"DISPLAY", x_->display()}};
    return std::make_unique<ChildProcess>(testsupport::binary_path("hallcast-display"), o);
  }

  // Starts a FallbackRig; fails the test unless the screen shows the relay's video.
  FallbackRig start_on_relay(const std::string& sink);

  // Waits for a "hallcast-display <what>" line from stdout line `from` on (take the mark
  // before the action whose effect is awaited).
  bool wait_for(ChildProcess& d, const std::string& what, std::chrono::milliseconds timeout,
                size_t from) {
    return d.wait_for_line("^hallcast-display " + what, timeout, testsupport::Stream::Stdout, from)
        .has_value();
  }
  bool wait_for_any(ChildProcess& d, const std::string& what, std::chrono::milliseconds timeout) {
    return d.wait_for_line("^hallcast-display " + what, timeout).has_value();
  }

  // The display's state as of a screenshot (its JSON), or null. A screenshot can fail (no frame
  // in the sink yet, or the conversion timing out on a loaded machine): "screenshot failed" has
  // written no JSON, so it is asked again rather than read.
  nlohmann::json hook(ChildProcess& d) {
    for (int attempt = 0; attempt < 3; ++attempt) {
      size_t from = d.lines().size();
      d.signal(SIGUSR1);
      auto line =
          d.wait_for_line("^hallcast-display screenshot", 10s, testsupport::Stream::Stdout, from);
      if (!line) return {};
      if (line->find("screenshot failed") != std::string::npos) continue;
      std::ifstream in(dir_.path() / "hook.png.json");
      auto j = nlohmann::json::parse(in, nullptr, false);
      return j.is_discarded() ? nlohmann::json{} : j;
    }
    return {};
  }

  // Takes hook snapshots until overlay `name` says `want` (the event travels relay -> display);
  // returns what it said last.
  std::string hook_until(ChildProcess& d, const std::string& name, const std::string& want) {
    std::string got;
    const auto deadline = testsupport::deadline_in(15s);
    for (int i = 0; got != want && (i < 2 || std::chrono::steady_clock::now() < deadline); ++i) {
      if (i > 0) std::this_thread::sleep_for(100ms);  // no event to wait on for a repaint
      auto j = hook(d);
      if (j.is_object() && j["overlays"].contains(name)) got = j["overlays"][name];
    }
    return got;
  }

  // Polls the screen until pred holds (or the deadline); returns the last capture.
  template <typename Pred>
  Capture capture_until(Pred pred, std::chrono::milliseconds timeout, const std::string& png) {
    auto deadline = testsupport::deadline_in(timeout);
    Capture c = capture_screen(*x_);
    while (!pred(c) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(200ms);  // polling a screen: nothing to wait on
      c = capture_screen(*x_);
    }
    capture_screen(*x_, shot_path(png));
    return c;
  }

  TempDir dir_{"hallcast-display-e2e"};
  TempDir screen_dir_{
      "hallcast-display-e2e-screen"};  // a screen's own config, apart from the hall's
  std::unique_ptr<Xvfb> x_;
};

bool is_standby(const Capture& c) {
  return c.fraction_near(kStandbyRgb, 6) > 0.6;
}
bool is_video(const Capture& c) {
  return c.fraction_near(kStandbyRgb, 6) < 0.05;
}

// Live video replaces the standby screen; the standby screen returns when the sender stops and
// video comes back by itself when it restarts. Stand-in sender: gst-launch SRT listener.
TEST_F(DisplayE2E, SrtVideoReplacesStandbyAndComesBackAfterLoss) {
  Ports p{free_port(true), free_port(false), "", ""};
  auto display = start_display(write_config(dir_, p));
  ASSERT_TRUE(wait_for_any(*display, "showing standby", 20s)) << display->output();
  Capture standby = capture_until(is_standby, 5s, "standby");
  EXPECT_TRUE(is_standby(standby)) << standby.fraction_near(kStandbyRgb, 6);
  auto json = hook(*display);
  EXPECT_EQ(json["showing"], "standby");
  EXPECT_EQ(json["overlays"]["standby_event"], "Ngày Chuyển đổi số tỉnh Thanh Hóa 2022");
  EXPECT_NE(json["overlays"]["standby_session"].get<std::string>().find(
                "Thúc đẩy chương trình chuyển đổi số tỉnh Thanh Hóa năm 2022"),
            std::string::npos);

  size_t mark = display->lines().size();
  auto sender = testsupport::start_srt_sender({.port = p.srt});
  ASSERT_TRUE(wait_for(*display, "showing video srt", 20s, mark)) << display->output();
  Capture video = capture_until(is_video, 5s, "srt-video");
  EXPECT_TRUE(is_video(video)) << video.fraction_near(kStandbyRgb, 6);

  mark = display->lines().size();
  sender->terminate(5s);
  ASSERT_TRUE(wait_for(*display, "showing standby", 5s, mark)) << display->output();
  EXPECT_TRUE(is_standby(capture_until(is_standby, 5s, "standby-after-loss")));

  mark = display->lines().size();
  sender = testsupport::start_srt_sender({.port = p.srt});
  ASSERT_TRUE(wait_for(*display, "showing video srt", 30s, mark)) << display->output();
  EXPECT_TRUE(is_video(capture_until(is_video, 5s, "srt-video-again")));

  auto status = display->terminate(10s);
  EXPECT_TRUE(status.exited);
  EXPECT_EQ(status.code, 0);
}

// Sends one control command with the given token and waits for its ack.
void control(int relay_port, const std::string& token, const nlohmann::json& command) {
  testsupport::WsClient ws;
  testsupport::WsOptions o;
  o.path = "/?hall=hoi-truong";
  o.subprotocol = "hallcast.control.v1";
  o.headers = {{"Authorization", "Bearer " + token}};
  auto r = ws.connect(relay_port, o);
  ASSERT_TRUE(ws.open()) << r.status;
  ASSERT_TRUE(ws.send_text(command.dump()));
  auto m = ws.receive_until(
      [](const testsupport::WsMessage& m) {
        return m.is_text() && (m.data.find("\"ack\"") != std::string::npos ||
                               m.data.find("\"error\"") != std::string::npos);
      },
      5s);
  ASSERT_TRUE(m.is_text()) << "no answer to " << command.dump();
  ASSERT_NE(m.data.find("\"ack\""), std::string::npos) << m.data;
  ws.close();
}

// A caption sent by the captioner through the relay appears on the screen; markup in a caption
// is shown as the literal text; the speaker's lower third appears from a title command.
TEST_F(DisplayE2E, CaptionsAndTitlesFromTheRelayAreDrawnAsLiteralText) {
  Ports p{free_port(true), 0, "", ""};
  std::string relay_config = write_config(dir_, p);
  auto relay = testsupport::start_relay(relay_config);
  p.relay = relay.port;
  auto display = start_display(write_config(dir_, p));
  ASSERT_TRUE(wait_for_any(*display, "relay connected", 20s)) << display->output();
  ASSERT_TRUE(wait_for_any(*display, "showing standby", 20s)) << display->output();
  Capture before = capture_until(is_standby, 5s, "caption-before");

  const std::string text = "Chuyển đổi số là điều bắt buộc phải làm";
  control(relay.port, "cap-secret",
          {{"type", "caption"}, {"text", text}, {"lang", "vi"}, {"final", true}});
  ASSERT_EQ(hook_until(*display, "caption", text), text) << display->output();
  auto changed = [&](const Capture& c) {
    return c.fraction_different(before, 40, kCaptionArea) > 0.01;
  };
  Capture with_caption = capture_until(changed, 5s, "caption-vietnamese");
  EXPECT_TRUE(changed(with_caption)) << with_caption.fraction_different(before, 40, kCaptionArea);

  const std::string markup = "<b>Thanh Hóa</b> & <span>";
  control(relay.port, "cap-secret",
          {{"type", "caption"}, {"text", markup}, {"lang", "vi"}, {"final", true}});
  auto markup_shown = [&](const Capture& c) {
    return c.fraction_different(with_caption, 40, kCaptionArea) > 0.005 &&
           c.fraction_near(0xFFFFFF, 30, kCaptionArea) > 0.005;  // text is there, not blanked
  };
  EXPECT_EQ(hook_until(*display, "caption", markup), markup) << display->output();
  Capture literal = capture_until(markup_shown, 5s, "caption-markup-literal");
  EXPECT_TRUE(markup_shown(literal));

  control(relay.port, "op-secret",
          {{"type", "title"},
           {"action", "set"},
           {"text", "Khai mạc"},
           {"name", "Ông Mai Xuân Liêm"},
           {"role", "Phó Chủ tịch UBND tỉnh Thanh Hóa"}});
  const std::string lower = "Ông Mai Xuân Liêm\nPhó Chủ tịch UBND tỉnh Thanh Hóa";
  EXPECT_EQ(hook_until(*display, "lower_third", lower), lower) << display->output();
  EXPECT_EQ(hook(*display)["overlays"]["title"], "Khai mạc");
  capture_screen(*x_, shot_path("title-lower-third"));

  EXPECT_EQ(display->terminate(10s).code, 0);
}

std::unique_ptr<ChildProcess> start_streamer(const std::string& config) {
  SpawnOptions o;
  o.args = {"--config", config, "--hall", "hoi-truong"};
  return std::make_unique<ChildProcess>(testsupport::binary_path("hallcast-streamer"), o);
}

// The real chain: hallcast-streamer's SRT output on the screen; standby when the streamer stops,
// video again when it restarts.
TEST_F(DisplayE2E, RealStreamerVideoStandbyOnStopAndBackOnRestart) {
  Ports p{free_port(true), 0, "", ""};
  auto relay = testsupport::start_relay(write_config(dir_, p));
  p.relay = relay.port;
  const std::string config = write_config(dir_, p);
  auto display = start_display(config);
  ASSERT_TRUE(wait_for_any(*display, "showing standby", 20s)) << display->output();
  size_t mark = display->lines().size();
  auto streamer = start_streamer(config);
  ASSERT_TRUE(wait_for_any(*display, "showing video srt", 30s))
      << display->output() << "\n--- streamer:\n"
      << streamer->output();
  EXPECT_TRUE(is_video(capture_until(is_video, 5s, "streamer-video")));

  mark = display->lines().size();
  streamer->terminate(10s);
  ASSERT_TRUE(wait_for(*display, "showing standby", 10s, mark)) << display->output();
  EXPECT_TRUE(is_standby(capture_until(is_standby, 5s, "streamer-stopped-standby")));

  mark = display->lines().size();
  streamer = start_streamer(config);
  ASSERT_TRUE(wait_for(*display, "showing video srt", 40s, mark)) << display->output();
  EXPECT_TRUE(is_video(capture_until(is_video, 5s, "streamer-video-again")));
  EXPECT_EQ(display->terminate(10s).code, 0);
}

FallbackRig DisplayE2E::start_on_relay(const std::string& sink) {
  FallbackRig rig;
  Ports p{free_port(true), 0, "", ""};
  rig.relay = testsupport::start_relay(write_config(dir_, p));
  p.relay = rig.relay.port;
  rig.streamer = start_streamer(write_config(dir_, p));
  p.srt_url = "srt://127.0.0.1:" + std::to_string(free_port(true));  // nobody listens there
  p.sink = sink;
  rig.display = start_display(write_config(screen_dir_, p));
  EXPECT_TRUE(wait_for_any(*rig.display, "showing video relay", 45s))
      << rig.display->output() << "\n--- streamer:\n"
      << rig.streamer->output();
  return rig;
}

// A screen that cannot reach the streamer's SRT output plays the hall from the relay instead.
TEST_F(DisplayE2E, FallsBackToTheRelayWhenSrtIsUnreachable) {
  FallbackRig rig = start_on_relay("");
  ASSERT_FALSE(HasFailure());
  ChildProcess& display = *rig.display;
  EXPECT_TRUE(is_video(capture_until(is_video, 5s, "relay-fallback-video")));
  EXPECT_EQ(hook(display)["showing"], "video relay") << display.output();
  // SRT's errors are an input's loss (retried with back-off), never the pipeline's: a rebuild
  // would blank the screen.
  EXPECT_EQ(display.count_lines(std::regex("restarting the pipeline"), testsupport::Stream::Stderr),
            0u)
      << display.output();
  EXPECT_EQ(display.terminate(10s).code, 0);
}

// After a pipeline error (here a sink that fails after 8 s of frames) the rebuilt pipeline
// plays from the relay again: the relay's init segment, sent once when the screen joined,
// outlives the pipeline that first received it.
TEST_F(DisplayE2E, RelayFallbackSurvivesAPipelineRebuild) {
  FallbackRig rig = start_on_relay("identity error-after=240 ! ximagesink");
  ASSERT_FALSE(HasFailure());
  ChildProcess& display = *rig.display;
  const size_t mark = display.lines().size();
  ASSERT_TRUE(display.wait_for_line("restarting the pipeline", 30s, testsupport::Stream::Stderr))
      << display.output();
  ASSERT_TRUE(wait_for(display, "showing standby", 10s, mark)) << display.output();
  EXPECT_TRUE(wait_for(display, "showing video relay", 20s, mark)) << display.output();
  EXPECT_EQ(display.terminate(10s).code, 0);
}

}  // namespace
}  // namespace hallcast::display::test
