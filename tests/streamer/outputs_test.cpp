// Outputs and the process: the SRT listener decodes in ffprobe; the binary takes commands on its
// control socket, reports state and stops cleanly on SIGTERM; end to end with the real relay.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <future>

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
          body.append(payload.begin(), payload.end()), ++fragments;
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
