// Outputs and the process: the SRT listener decodes in ffprobe; the binary takes commands on its
// control socket, reports state and stops cleanly on SIGTERM; end to end with the real relay.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <future>
#include <sstream>

#include "hallcast/testsupport/child_process.hpp"
#include "hallcast/testsupport/temp_dir.hpp"
#include "hallcast/testsupport/ws_client.hpp"
#include "streamer_fixture.hpp"

namespace hallcast::streamer::testing {
namespace {

namespace ts = hallcast::testsupport;

TEST(StreamerOutputs, SrtListenerDecodesInFfprobe) {
  auto cfg = small_config({{"cam-1", "ball"}});
  int port = free_port(true);
  cfg.halls[0].srt_listen = "127.0.0.1:" + std::to_string(port);
  Harness h(cfg);
  h.start(5);
  auto probe = std::async(std::launch::async, [port] {
    return sh(
        "timeout 15 ffprobe -v error -show_entries stream=codec_name,profile -of json "
        "'srt://127.0.0.1:" +
        std::to_string(port) + "?mode=caller' 2>/dev/null");
  });
  ASSERT_TRUE(run_until([&] { return probe.wait_for(0s) == std::future_status::ready; }, 20s));
  auto j = nlohmann::json::parse(probe.get());
  ASSERT_EQ(j["streams"].size(), 2u) << j.dump();
  EXPECT_EQ(j["streams"][0]["codec_name"], "h264");
  EXPECT_EQ(j["streams"][1]["codec_name"], "aac");
}

// A file source plays at its own pace on both outputs. The test file flashes white and beeps
// at the same instant once a second; the SRT transport stream and the relay's fMP4 must each
// show a flash and a beep every second (a file is paced only by back-pressure: a leaky queue in
// its pipeline once let the decoder race through it, and nothing but the slate went on air).
// Each beep must also start with its flash (lip sync) on both outputs.
struct AvOnsets {
  std::vector<double> video, audio;  // seconds, on the file's own time line
};

// The instants a flash (luma average over 128) and a beep (peak over -20 dBFS, 5 ms windows)
// begin in `path`.
AvOnsets av_onsets(const std::string& path) {
  auto onsets = [](const std::string& out, const std::string& key, auto is_on) {
    std::vector<double> at;
    double t = 0;
    bool on = false;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
      if (auto p = line.find("pts_time:"); p != std::string::npos) {
        t = std::stod(line.substr(p + 9));
      } else if (auto k = line.find(key + "="); k != std::string::npos) {
        bool now = is_on(line.substr(k + key.size() + 1));
        if (now && !on) at.push_back(t);
        on = now;
      }
    }
    return at;
  };
  // -copyts and passthrough frame timing: by default ffmpeg re-times decoded video to a constant
  // rate from the output's start, which moves it against the audio by up to 300 ms.
  AvOnsets o;
  o.video =
      onsets(sh("ffmpeg -v error -copyts -i '" + path +
                "' -fps_mode passthrough -an -vf "
                "signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=- "
                "-f null - 2>/dev/null"),
             "lavfi.signalstats.YAVG", [](const std::string& v) { return std::stod(v) > 128; });
  o.audio =
      onsets(sh("ffmpeg -v error -copyts -i '" + path +
                "' -vn -af asetnsamples=n=240,astats=metadata=1:reset=1,"
                "ametadata=print:key=lavfi.astats.Overall.Peak_level:file=- -f null - 2>/dev/null"),
             "lavfi.astats.Overall.Peak_level", [](const std::string& v) {
               return v.find("inf") == std::string::npos && std::stod(v) > -20;
             });
  return o;
}

// Audio onset minus video onset for each flash that has a beep within 300 ms, in ms.
std::vector<double> av_offsets_ms(const AvOnsets& o) {
  std::vector<double> out;
  for (double v : o.video) {
    for (double a : o.audio)
      if (std::abs(a - v) < 0.3) {
        out.push_back((a - v) * 1000);
        break;
      }
  }
  return out;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Every gap between consecutive onsets is one second (within a frame and a half).
void expect_once_a_second(const std::vector<double>& at, const char* what, const char* output) {
  ASSERT_GE(at.size(), 4u) << what << " in the " << output << " output";
  for (size_t i = 1; i < at.size(); ++i)
    EXPECT_NEAR(at[i] - at[i - 1], 1.0, 0.05)
        << output << ": " << what << " " << i << " at " << at[i] << " s, previous " << at[i - 1];
}

// Run with each audio codec the relay output can carry (outputs.relay_audio_codec); the SRT
// output is AAC either way.
class FileSourceOnBothOutputs : public ::testing::TestWithParam<std::string> {};

TEST_P(FileSourceOnBothOutputs, PlaysAtItsOwnPaceInLipSync) {
  std::string clip = temp_dir() + "/flash-beep.mp4";
  int rc = -1;
  sh("ffmpeg -v error -y -f lavfi -i color=c=black:s=320x180:r=30:d=12 "
     "-f lavfi -i sine=f=1000:r=48000:d=12 "
     "-vf \"drawbox=c=white:t=fill:enable='between(mod(t,1),0.5,0.6)'\" "
     "-af \"volume=0:enable='not(between(mod(t,1),0.5,0.6))'\" "
     "-c:v libx264 -preset ultrafast -g 30 -c:a aac -shortest '" +
         clip + "' 2>&1",
     &rc);
  ASSERT_EQ(rc, 0) << "ffmpeg could not make the test clip";
  auto source = av_onsets(clip);
  expect_once_a_second(source.video, "flashes", "source file");

  config::Config cfg = small_config({});
  config::Source file;
  file.id = "clip";
  file.label = "Flash and beep";
  file.kind = config::SourceKind::File;
  file.hall = "hoi-truong";
  file.path = clip;
  cfg.sources.push_back(file);
  int port = free_port(true);
  cfg.halls[0].srt_listen = "127.0.0.1:" + std::to_string(port);
  cfg.outputs.relay_audio_codec = GetParam();
  Harness h(cfg);
  h.start(5);
  size_t first = h.media.count();
  std::string ts_path = temp_dir() + "/file-source.ts";
  // Timestamps as sent (no -copyts: the muxer's time line starts at one hour, and -t counts
  // output time; both streams are shifted alike).
  auto capture = std::async(std::launch::async, [&] {
    int code = -1;
    sh("timeout 20 ffmpeg -v error -y -i 'srt://127.0.0.1:" + std::to_string(port) +
           "?mode=caller' -map 0 -c copy -t 6 -f mpegts '" + ts_path + "' 2>&1",
       &code);
    return code;
  });
  ASSERT_TRUE(run_until([&] { return capture.wait_for(0s) == std::future_status::ready; }, 30s));
  ASSERT_EQ(capture.get(), 0) << "no transport stream from the SRT listener";
  auto frags = h.media.fragments();
  std::string mp4 = write_mp4(h.media.init(), frags, first, frags.size(), "file-source.mp4");

  auto codecs = nlohmann::json::parse(
      sh("ffprobe -v error -show_entries stream=codec_name -of json '" + mp4 + "'"))["streams"];
  ASSERT_EQ(codecs.size(), 2u);
  EXPECT_EQ(codecs[1]["codec_name"], GetParam()) << "the relay output's audio";
  auto srt = av_onsets(ts_path);
  auto relay = av_onsets(mp4);
  expect_once_a_second(srt.video, "flashes", "SRT");
  expect_once_a_second(srt.audio, "beeps", "SRT");
  expect_once_a_second(relay.video, "flashes", "relay");
  expect_once_a_second(relay.audio, "beeps", "relay");
  // Lip sync: both outputs carry the same encoded video and the same mixed audio, so they agree
  // to well within a video frame. Against the file, the audio may come later by the AAC encoder's
  // priming frame (21 ms, which decoders play) plus up to two video frames of placement, far inside
  // the 125 ms of lag that viewers begin to notice (ITU-R BT.1359); it may never come earlier by
  // more than a frame.
  double in = median(av_offsets_ms(source)), s = median(av_offsets_ms(srt)),
         r = median(av_offsets_ms(relay));
  std::printf("audio after video (median ms): source %.0f, SRT %.0f, relay %.0f\n", in, s, r);
  // With Opus on the relay, the SRT's AAC plays its encoder priming (1024 samples) and the relay
  // does not (Opus's pre-skip is declared and dropped by decoders).
  const double priming_ms = GetParam() == "opus" ? 1024.0 * 1000 / 48000 : 0;
  EXPECT_NEAR(s - r, priming_ms, 20) << "SRT and relay disagree on lip sync";
  for (auto [out, name] : {std::pair{s, "SRT"}, std::pair{r, "relay"}}) {
    EXPECT_LE(out - in, 90) << name << ": audio " << out << " ms after video, source " << in;
    EXPECT_GE(out - in, -34) << name << ": audio " << -out << " ms ahead, source " << in;
  }
}

INSTANTIATE_TEST_SUITE_P(StreamerOutputs, FileSourceOnBothOutputs, ::testing::Values("aac", "opus"),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

// A line-oriented client of the control socket.
class ControlClient {
 public:
  explicit ControlClient(const std::string& path) {
    fd_ = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
    ok_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~ControlClient() { close(fd_); }
  bool ok() const { return ok_; }
  void send(const nlohmann::json& j) {
    std::string line = j.dump() + "\n";
    ASSERT_EQ(write(fd_, line.data(), line.size()), static_cast<ssize_t>(line.size()));
  }
  // The next line whose "type" is `type`, or null at the deadline.
  nlohmann::json next(const std::string& type, std::chrono::milliseconds timeout = 5s) {
    auto deadline = ts::deadline_in(timeout);
    while (std::chrono::steady_clock::now() < deadline) {
      size_t nl = buf_.find('\n');
      if (nl != std::string::npos) {
        auto j = nlohmann::json::parse(buf_.substr(0, nl));
        buf_.erase(0, nl + 1);
        if (j.value("type", "") == type) return j;
        continue;
      }
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char chunk[4096];
      ssize_t n = read(fd_, chunk, sizeof chunk);
      if (n <= 0) return nullptr;
      buf_.append(chunk, static_cast<size_t>(n));
    }
    return nullptr;
  }

 private:
  int fd_ = -1;
  bool ok_ = false;
  std::string buf_;
};

const char* kSmallProgram = "\n[program]\nwidth = 320\nheight = 180\nvideo_bitrate_kbps = 400\n";

TEST(StreamerProcess, ControlSocketSwitchesAndSigtermStopsCleanly) {
  ts::TempDir dir("hallcast-streamer");
  std::string config = ts::write_test_config(dir, {"", kSmallProgram});
  std::string sock = dir.str() + "/control.sock";
  ts::ChildProcess p(
      ts::binary_path("hallcast-streamer"),
      {{"--config", config, "--hall", "hoi-truong", "--control", "unix:" + sock}, {}, {}, ""});
  ASSERT_TRUE(p.wait_for_line("program playing", 20s, ts::Stream::Stderr)) << p.output();
  ControlClient c(sock);
  ASSERT_TRUE(c.ok());
  auto state = c.next("state");
  ASSERT_FALSE(state.is_null());
  EXPECT_EQ(state["program"], "cam-1");
  EXPECT_EQ(state["sources"].size(), 2u) << "only this hall's sources";
  c.send({{"type", "switch"}, {"source", "slides"}, {"id", "op-7"}});
  auto ack = c.next("ack");
  ASSERT_FALSE(ack.is_null());
  EXPECT_EQ(ack["id"], "op-7");
  c.send({{"type", "slate"}, {"on", true}, {"message", "Giải lao — <b>tiếp tục</b> lúc 10:15"}});
  EXPECT_FALSE(c.next("ack").is_null());
  c.send({{"type", "switch"}, {"source", "nope"}});
  EXPECT_EQ(c.next("error")["code"], "unknown_source");
  auto st = p.terminate(10s);
  EXPECT_TRUE(st.exited);
  EXPECT_EQ(st.shell_code(), 0) << p.output();
  EXPECT_FALSE(std::filesystem::exists(sock)) << "the socket is removed on exit";
}

TEST(StreamerProcess, UnknownHallIsAConfigurationError) {
  ts::TempDir dir("hallcast-streamer");
  std::string config = ts::write_test_config(dir, {"", kSmallProgram});
  ts::ChildProcess p(ts::binary_path("hallcast-streamer"),
                     {{"--config", config, "--hall", "khong-co"}, {}, {}, ""});
  auto st = p.wait(10s);
  EXPECT_EQ(st.shell_code(), 78) << p.output();
}

TEST(StreamerRelay, PublishesToTheRealRelayAndTakesCommandsThroughIt) {
  if (!std::filesystem::exists(ts::binary_path("hallcast-relay")))
    GTEST_SKIP() << "hallcast-relay not built";
  ts::TempDir dir("hallcast-streamer-relay");
  std::string config = ts::write_test_config(dir, {"", kSmallProgram});
  auto relay = ts::start_relay(config);
  ts::ChildProcess streamer(
      ts::binary_path("hallcast-streamer"),
      {{"--config", config, "--hall", "hoi-truong"},
       {{"HALLCAST_OUTPUTS_RELAY_URL", "ws://127.0.0.1:" + std::to_string(relay.port)}},
       {},
       ""});
  ASSERT_TRUE(streamer.wait_for_line("relay connected", 20s, ts::Stream::Stderr))
      << streamer.output();

  ts::WsClient live;
  ts::WsOptions live_options;
  live_options.path = "/?hall=hoi-truong";
  live_options.subprotocol = "hallcast.live.v1";
  ASSERT_EQ(live.connect(relay.port, live_options).status, 101);
  std::string init, body;
  int fragments = 0;
  auto got = live.receive_until(
      [&](const ts::WsMessage& m) {
        if (!m.is_binary()) return false;
        std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(m.data.data()),
                                       m.data.size());
        auto h = media::decode_header(bytes);
        if (!h) return false;
        auto payload = media::payload(bytes);
        if (h->kind == media::FrameKind::Init)
          init.assign(payload.begin(), payload.end());
        else if (!init.empty() && (fragments > 0 || h->keyframe))
          body.append(payload.begin(), payload.end()),
              fragments += h->audio_only ? 0 : 1;  // video frames; audio has fragments of its own
        return fragments >= 45;
      },
      20s);
  ASSERT_EQ(fragments, 45) << streamer.output();
  std::string file = dir.write_file("live.mp4", init + body);
  auto j = nlohmann::json::parse(
      sh("ffprobe -v error -count_frames -show_entries stream=codec_name,nb_read_frames "
         "-of json '" +
         file + "'"));
  ASSERT_EQ(j["streams"].size(), 2u);
  EXPECT_EQ(j["streams"][0]["codec_name"], "h264");
  EXPECT_EQ(j["streams"][0]["nb_read_frames"], "45");
  EXPECT_EQ(j["streams"][1]["codec_name"], "aac");

  ts::WsClient op;
  ts::WsOptions o{
      "/?hall=hoi-truong", "hallcast.control.v1", {{"Authorization", "Bearer op-secret"}}};
  ASSERT_EQ(op.connect(relay.port, o).status, 101);
  ASSERT_TRUE(op.send_text(R"({"type":"switch","source":"slides","id":"e2e-1"})"));
  auto ack = op.receive_until(
      [](const ts::WsMessage& m) {
        return m.is_text() && m.data.find("e2e-1") != std::string::npos;
      },
      10s);
  ASSERT_TRUE(ack.is_text()) << streamer.output();
  EXPECT_NE(ack.data.find("\"ack\""), std::string::npos) << ack.data;
  EXPECT_TRUE(streamer.wait_for_line("switch to slides", 5s, ts::Stream::Stderr));
  EXPECT_EQ(streamer.terminate(10s).shell_code(), 0);
}

}  // namespace
}  // namespace hallcast::streamer::testing
