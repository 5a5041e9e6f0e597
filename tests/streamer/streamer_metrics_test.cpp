// The streamer's health reaches the relay's /metrics, end to end: a real hallcast-streamer
// publishing to a real hallcast-relay on 127.0.0.1, the program switched (through the relay, as
// an operator would) to a camera that is a real SRT sender (gst-launch-1.0), which then dies:
// the program-source health goes ok -> held -> slate and back to ok when the camera returns.
// Also in-process: the SRT client count of the streamer's own listener.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <functional>
#include <thread>

#include "../relay/prometheus_text.hpp"
#include "hallcast/testsupport/child_process.hpp"
#include "hallcast/testsupport/srt_sender.hpp"
#include "hallcast/testsupport/temp_dir.hpp"
#include "hallcast/testsupport/ws_client.hpp"
#include "streamer_fixture.hpp"

namespace hallcast::streamer::testing {
namespace {

namespace ts = hallcast::testsupport;
namespace prom = hallcast::test::prometheus;

const std::string kHall = "{hall=\"hoi-truong\"}";

// A camera that serves SRT (an IP camera in listener mode): H.264 in MPEG-TS, 320x180@30.
std::unique_ptr<ts::ChildProcess> srt_camera(int port) {
  return ts::start_srt_sender({.port = port,
                               .pattern = "ball",
                               .width = 320,
                               .height = 180,
                               .keyframe_interval = 15,
                               .wait_for_connection = false});
}

std::string config_extra(int camera_port) {
  return "\n[program]\nwidth = 320\nheight = 180\nvideo_bitrate_kbps = 400\n"
         "\n[slate]\nhold_ms = 1500\n"  // a long enough "held" phase to see it on /metrics
         "\n[watchdog]\nretry_initial_ms = 300\nretry_max_ms = 1000\nsteady_ms = 1000\n"
         "\n[[sources]]\nid = \"cam-srt\"\nlabel = \"Máy quay sân khấu (SRT)\"\nkind = \"srt\"\n"
         "hall = \"hoi-truong\"\nuri = \"srt://127.0.0.1:" +
         std::to_string(camera_port) +
         "\"\nsrt_mode = \"caller\"\nlatency_ms = 40\naudio = false\n";
}

class Metrics {
 public:
  explicit Metrics(int port) : port_(port) {}
  std::string text() {
    auto r = ts::http_get(port_, "/metrics");
    EXPECT_EQ(r.status, 200);
    last_ = r.body;
    return r.body;
  }
  double get(const std::string& series) { return prom::value(text(), series).value_or(-1); }
  // Polls /metrics (an HTTP endpoint: there is nothing to wait on) until pred(text) or deadline.
  bool until(const std::function<bool(const std::string&)>& pred, std::chrono::milliseconds t) {
    auto deadline = ts::deadline_in(t);
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred(text())) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
  bool until_value(const std::string& series, double want, std::chrono::milliseconds t) {
    return until([&](const std::string& m) { return prom::value(m, series) == want; }, t);
  }
  const std::string& last() const { return last_; }

 private:
  int port_;
  std::string last_;
};

std::string info(const std::string& source, const std::string& state) {
  return "hallcast_program_source_info{hall=\"hoi-truong\",source=\"" + source + "\",state=\"" +
         state + "\"}";
}

TEST(StreamerMetrics, ProgramHealthAndFramesReachTheRelayMetrics) {
  if (!std::filesystem::exists(ts::binary_path("hallcast-relay")))
    GTEST_SKIP() << "hallcast-relay not built";
  ts::TempDir dir("hallcast-streamer-metrics");
  int camera_port = free_port(true);
  auto camera = srt_camera(camera_port);
  std::string config = ts::write_test_config(dir, {"", config_extra(camera_port)});
  auto relay = ts::start_relay(config);
  ts::ChildProcess streamer(
      ts::binary_path("hallcast-streamer"),
      {{"--config", config, "--hall", "hoi-truong"},
       {{"HALLCAST_OUTPUTS_RELAY_URL", "ws://127.0.0.1:" + std::to_string(relay.port)}},
       {},
       ""});
  Metrics m(relay.port);

  // Connected, healthy, encoding; the SRT camera delivers too.
  ASSERT_TRUE(m.until_value("hallcast_publisher_connected" + kHall, 1, 20s)) << streamer.output();
  ASSERT_TRUE(m.until_value(info("cam-1", "ok"), 1, 10s)) << m.last();
  EXPECT_EQ(m.get("hallcast_program_healthy" + kHall), 1);
  ASSERT_TRUE(
      m.until_value("hallcast_source_healthy{hall=\"hoi-truong\",source=\"cam-srt\"}", 1, 20s))
      << m.last() << streamer.output();
  double frames = m.get("hallcast_frames_encoded_total" + kHall);
  EXPECT_GT(frames, 0) << m.last();
  ASSERT_TRUE(m.until(
      [&](const std::string& t) {
        return prom::value(t, "hallcast_frames_encoded_total" + kHall).value_or(0) >= frames + 30;
      },
      10s))
      << "frames encoded must keep increasing: " << m.last();
  EXPECT_TRUE(m.until(
      [&](const std::string& t) {
        return prom::value(t, "hallcast_encode_fps" + kHall).value_or(0) > 10;
      },
      5s))
      << m.last();
  for (const char* stage : {"program", "srt", "relay"})
    EXPECT_GE(m.get(std::string("hallcast_frames_dropped_total{hall=\"hoi-truong\",stage=\"") +
                    stage + "\"}"),
              0)
        << stage;
  for (const auto& p : prom::problems(m.text())) ADD_FAILURE() << p;

  // The operator cuts to the SRT camera through the relay.
  ts::WsClient op;
  ts::WsOptions o{
      "/?hall=hoi-truong", "hallcast.control.v1", {{"Authorization", "Bearer op-secret"}}};
  ASSERT_EQ(op.connect(relay.port, o).status, 101);
  ASSERT_TRUE(op.send_text(R"({"type":"switch","source":"cam-srt","id":"cut-1"})"));
  auto ack = op.receive_until(
      [](const ts::WsMessage& x) {
        return x.is_text() && x.data.find("cut-1") != std::string::npos;
      },
      10s);
  ASSERT_NE(ack.data.find("\"ack\""), std::string::npos) << ack.data;
  ASSERT_TRUE(m.until_value(info("cam-srt", "ok"), 1, 5s)) << m.last();

  // The camera dies: its last frame holds, then the slate; the health gauge says so.
  camera->signal(SIGKILL);
  camera->wait(5s);
  bool held_seen = false;
  ASSERT_TRUE(m.until(
      [&](const std::string& t) {
        held_seen |= prom::value(t, info("cam-srt", "held")) == 1;
        return prom::value(t, info("cam-srt", "slate")) == 1;
      },
      10s))
      << m.last() << streamer.output();
  EXPECT_TRUE(held_seen) << "held for slate.hold_ms before the slate";
  EXPECT_EQ(m.get("hallcast_program_healthy" + kHall), 0);
  EXPECT_EQ(m.get("hallcast_source_healthy{hall=\"hoi-truong\",source=\"cam-srt\"}"), 0);
  EXPECT_EQ(m.get("hallcast_publisher_connected" + kHall), 1) << "the stream itself goes on";
  auto api = nlohmann::json::parse(ts::http_get(relay.port, "/api/state").body);
  EXPECT_EQ(api["halls"][0]["health"]["program_health"], "slate") << api.dump();
  EXPECT_GT(api["halls"][0]["health"]["stats"]["frames_encoded"].get<double>(), frames);

  // The camera comes back: steady for watchdog.steady_ms, back on air by itself.
  camera = srt_camera(camera_port);
  EXPECT_TRUE(m.until_value(info("cam-srt", "ok"), 1, 20s)) << m.last() << streamer.output();
  EXPECT_EQ(m.get("hallcast_program_healthy" + kHall), 1);

  EXPECT_EQ(streamer.terminate(10s).shell_code(), 0);
  EXPECT_TRUE(m.until_value("hallcast_publisher_connected" + kHall, 0, 5s));
  EXPECT_EQ(m.get(info("", "unknown")), 1) << m.last();
  EXPECT_EQ(m.get("hallcast_encode_fps" + kHall), 0);
  EXPECT_GT(m.get("hallcast_frames_encoded_total" + kHall), frames)
      << "counters keep their last value";
}

// The streamer's SRT listener counts its callers (hall displays): one comes, then goes.
TEST(StreamerMetrics, SrtClientsAreCounted) {
  auto cfg = small_config({{"cam-1", "ball"}});
  int port = free_port(true);
  cfg.halls[0].srt_listen = "127.0.0.1:" + std::to_string(port);
  Harness h(cfg);
  h.start(5);
  EXPECT_EQ(h.streamer->program_stats().srt_clients(), 0);
  GError* err = nullptr;
  std::string desc = "srtsrc uri=srt://127.0.0.1:" + std::to_string(port) +
                     "?mode=caller latency=40 ! fakesink sync=false";
  GstElement* display = gst_parse_launch(desc.c_str(), &err);
  ASSERT_TRUE(display) << (err ? err->message : "");
  gst_element_set_state(display, GST_STATE_PLAYING);
  EXPECT_TRUE(run_until([&] { return h.streamer->program_stats().srt_clients() == 1; }, 10s));
  gst_element_set_state(display, GST_STATE_NULL);
  gst_object_unref(display);
  EXPECT_TRUE(run_until([&] { return h.streamer->program_stats().srt_clients() == 0; }, 10s))
      << "a caller that leaves is no longer counted";
  EXPECT_TRUE(run_until([&] { return h.streamer->program_health() == "ok"; }, 10s))
      << "the program is unharmed: " << h.streamer->program_health();
}

}  // namespace
}  // namespace hallcast::streamer::testing
