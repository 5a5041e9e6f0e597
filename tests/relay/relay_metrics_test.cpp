// /metrics as an operator alerts on it: the streamer's health (from its state's "stats"), per
// hall captions with their delay and silence, and the exposition format itself, against a real
// relay with real WebSocket clients (a scripted publisher, a captioner, viewers).
#include <chrono>
#include <cmath>
#include <ctime>
#include <thread>

#include "prometheus_text.hpp"
#include "relay_fixture.hpp"

namespace hallcast::relay::test {
namespace {

namespace prom = hallcast::test::prometheus;

// RFC 3339 UTC time `offset` from now, for a session that is on during the test.
std::string utc_in(std::chrono::hours offset) {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + offset);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A session of the seminar hall running now (yesterday to tomorrow).
std::string session_now() {
  return "\n[[sessions]]\nid = \"hoi-thao-3\"\nhall = \"hoi-truong\"\n"
         "title = \"Chuyển đổi số trong lĩnh vực nông nghiệp hướng đến nông nghiệp công nghệ cao, "
         "nông nghiệp thông minh\"\nstart = " +
         utc_in(std::chrono::hours(-24)) + "\nend = " + utc_in(std::chrono::hours(24)) + "\n";
}

Json stats(uint64_t frames, uint64_t srt_drops) {
  return {
      {"interval_ms", 1000},
      {"frames_encoded", frames},
      {"fps", 29.5},
      {"frames_dropped", 3 + srt_drops},
      {"dropped", {{"program", 1}, {"srt", srt_drops}, {"relay", 2}}},
      {"outputs",
       {{"srt", {{"clients", 2}}},
        {"relay",
         {{"connected", true}, {"connects", 1}, {"queue_fragments", 4}, {"queue_bytes", 9000}}}}}};
}

Json state(const std::string& program, const std::string& health, Json st) {
  return {{"type", "state"},
          {"program", program},
          {"preview", "slides"},
          {"layout", {{"mode", "full"}}},
          {"slate", health == "slate"},
          {"program_health", health},
          {"sources",
           {{{"id", "cam-1"},
             {"label", "Máy quay 1"},
             {"kind", "test"},
             {"health", health == "ok" ? "ok" : "lost"}},
            {{"id", "slides"}, {"label", "Trình chiếu"}, {"kind", "test"}, {"health", "ok"}}}},
          {"stats", std::move(st)}};
}

class RelayMetrics : public RelayTest {
 protected:
  std::string metrics() {
    HttpResponse r = http_get(port_, "/metrics");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type").rfind("text/plain; version=0.0.4", 0), 0u);
    return r.body;
  }
  // Polls /metrics until series has the value (the relay handles messages asynchronously).
  bool wait_value(const std::string& series, double want, std::chrono::milliseconds limit = 5s) {
    auto deadline = std::chrono::steady_clock::now() + scaled(limit);
    while (std::chrono::steady_clock::now() < deadline) {
      if (prom::value(metrics(), series) == want) return true;
      std::this_thread::sleep_for(20ms);  // polling an HTTP endpoint: nothing to wait on
    }
    return false;
  }
};

TEST_F(RelayMetrics, StreamerHealthIsExportedAndStatsStayOffTheClients) {
  start();
  WsClient v = viewer("hoi-truong");
  WsClient pub = publisher("hoi-truong");
  ASSERT_TRUE(pub.send_text(state("cam-1", "ok", stats(300, 5)).dump()));
  Json first = receive_json(v, "state");
  ASSERT_EQ(first.value("program_health", ""), "ok") << first.dump();
  EXPECT_FALSE(first.contains("stats")) << "viewers never get the streamer's counters";

  // Only the counters move: nothing for the clients. Then the program source is held.
  ASSERT_TRUE(pub.send_text(state("cam-1", "ok", stats(330, 5)).dump()));
  ASSERT_TRUE(pub.send_text(state("cam-1", "held", stats(360, 7)).dump()));
  Json next = receive_json(v, "state");
  EXPECT_EQ(next.value("program_health", ""), "held")
      << "a state that differs only in stats is not broadcast: " << next.dump();

  ASSERT_TRUE(wait_value("hallcast_frames_encoded_total{hall=\"hoi-truong\"}", 360));
  std::string m = metrics();
  EXPECT_EQ(prom::value(m, "hallcast_program_healthy{hall=\"hoi-truong\"}"), 0);
  EXPECT_EQ(prom::value(m,
                        "hallcast_program_source_info{hall=\"hoi-truong\",source=\"cam-1\","
                        "state=\"held\"}"),
            1);
  EXPECT_EQ(prom::value(m, "hallcast_source_healthy{hall=\"hoi-truong\",source=\"cam-1\"}"), 0);
  EXPECT_EQ(prom::value(m, "hallcast_source_healthy{hall=\"hoi-truong\",source=\"slides\"}"), 1);
  EXPECT_EQ(prom::value(m, "hallcast_frames_dropped_total{hall=\"hoi-truong\",stage=\"srt\"}"), 7);
  EXPECT_EQ(prom::value(m, "hallcast_frames_dropped_total{hall=\"hoi-truong\",stage=\"relay\"}"),
            2);
  EXPECT_EQ(prom::value(m, "hallcast_encode_fps{hall=\"hoi-truong\"}"), 29.5);
  EXPECT_EQ(prom::value(m, "hallcast_srt_clients{hall=\"hoi-truong\"}"), 2);
  EXPECT_EQ(prom::value(m, "hallcast_publisher_queue_fragments{hall=\"hoi-truong\"}"), 4);
  EXPECT_EQ(prom::value(m, "hallcast_frames_encoded_total{hall=\"trien-lam\"}"), 0);
  EXPECT_EQ(prom::value(m,
                        "hallcast_program_source_info{hall=\"trien-lam\",source=\"\","
                        "state=\"unknown\"}"),
            1);

  Json api = Json::parse(http_get(port_, "/api/state").body);
  Json health = api["halls"][0]["health"];
  EXPECT_EQ(health["program_health"], "held") << api.dump();
  EXPECT_EQ(health["program_healthy"], false);
  EXPECT_EQ(health["stats"]["frames_encoded"], 360);

  // The streamer goes: gauges fall to 0, counters keep their value (never backwards).
  pub.close();
  ASSERT_TRUE(
      wait_value("hallcast_program_source_info{hall=\"hoi-truong\",source=\"\","
                 "state=\"unknown\"}",
                 1));
  m = metrics();
  EXPECT_EQ(prom::value(m, "hallcast_frames_encoded_total{hall=\"hoi-truong\"}"), 360);
  EXPECT_EQ(prom::value(m, "hallcast_encode_fps{hall=\"hoi-truong\"}"), 0);
  EXPECT_EQ(prom::value(m, "hallcast_srt_clients{hall=\"hoi-truong\"}"), 0);
  EXPECT_EQ(prom::value(m, "hallcast_source_healthy{hall=\"hoi-truong\",source=\"slides\"}"), 0);
}

TEST_F(RelayMetrics, CaptionsFromARealCaptionerAreCountedWithTheirDelay) {
  start("", session_now());
  std::string m = metrics();
  EXPECT_EQ(prom::value(m, "hallcast_session_active{hall=\"hoi-truong\"}"), 1) << m;
  EXPECT_EQ(prom::value(m, "hallcast_session_active{hall=\"trien-lam\"}"), 0);
  EXPECT_EQ(prom::value(m, "hallcast_caption_delay_seconds_count{hall=\"hoi-truong\"}"), 0);

  WsClient cap = controller("cap-secret", "hoi-truong");
  const char* lines[] = {"Kính thưa các vị đại biểu", "Chuyển đổi số là điều bắt buộc phải làm",
                         "Xin cảm ơn các vị đại biểu đã lắng nghe"};
  ASSERT_TRUE(cap.send_text(R"({"type":"caption","text":"Kính thưa","final":false})"));
  EXPECT_EQ(receive_json(cap, "ack")["ref"], "caption");
  for (const char* l : lines) {
    ASSERT_TRUE(cap.send_text(Json{{"type", "caption"}, {"text", l}, {"final", true}}.dump()));
    EXPECT_EQ(receive_json(cap, "ack")["ref"], "caption");
  }
  m = metrics();
  EXPECT_EQ(prom::value(m, "hallcast_hall_captions_total{hall=\"hoi-truong\"}"), 3) << m;
  EXPECT_EQ(prom::value(m, "hallcast_hall_captions_total{hall=\"trien-lam\"}"), 0);
  EXPECT_EQ(prom::value(m, "hallcast_captions_total"), 3);
  EXPECT_EQ(prom::value(m, "hallcast_caption_delay_seconds_count{hall=\"hoi-truong\"}"), 3)
      << "final captions only (the partial has no fsync)";
  EXPECT_EQ(
      prom::value(m, "hallcast_caption_delay_seconds_bucket{hall=\"hoi-truong\",le=\"+Inf\"}"), 3);
  double sum =
      prom::value(m, "hallcast_caption_delay_seconds_sum{hall=\"hoi-truong\"}").value_or(-1);
  EXPECT_GT(sum, 0.0) << "the fsync takes time";
  EXPECT_LT(sum, 3 * 2.5);
  auto silence = prom::value(m, "hallcast_caption_silence_seconds{hall=\"hoi-truong\"}");
  ASSERT_TRUE(silence);
  EXPECT_LE(*silence, 5);

  Json api = Json::parse(http_get(port_, "/api/state").body);
  Json health = api["halls"][0]["health"];
  EXPECT_EQ(health["captions"], 3) << api.dump();
  EXPECT_EQ(health["session_active"], true);
  EXPECT_LE(health["caption_silence_s"].get<double>(), 5);

  // After a restart the caption log's last line still counts for the silence.
  stop();
  start("", session_now());
  silence = prom::value(metrics(), "hallcast_caption_silence_seconds{hall=\"hoi-truong\"}");
  ASSERT_TRUE(silence);
  EXPECT_LE(*silence, 30);
}

TEST_F(RelayMetrics, EveryLineIsPrometheusTextAndLabelsAreEscaped) {
  start();
  WsClient v = viewer("trien-lam");
  WsClient cap = controller("cap-secret", "hoi-truong");
  ASSERT_TRUE(cap.send_text(R"({"type":"caption","text":"Kính thưa các vị đại biểu"})"));
  EXPECT_EQ(receive_json(cap, "ack")["ref"], "caption");
  // A source id is the streamer's text: quotes, backslashes and line feeds must be escaped.
  const std::string odd = "cam \"1\"\\A\nB";
  WsClient pub = publisher("hoi-truong");
  ASSERT_TRUE(pub.send_text(state(odd, "ok", stats(42, 0)).dump()));
  ASSERT_TRUE(wait_value("hallcast_frames_encoded_total{hall=\"hoi-truong\"}", 42));

  std::string m = metrics();
  std::vector<prom::Sample> samples;
  auto bad = prom::problems(m, &samples);
  for (const auto& b : bad) ADD_FAILURE() << b;
  EXPECT_GE(samples.size(), 40u);

  bool found = false;
  for (const auto& s : samples)
    if (s.name == "hallcast_program_source_info" && s.label_map.at("hall") == "hoi-truong") {
      EXPECT_EQ(s.label_map.at("source"), odd) << s.labels;
      found = true;
    }
  EXPECT_TRUE(found) << m;
  EXPECT_EQ(prom::value(m, "hallcast_hall_viewers{hall=\"trien-lam\"}"), 1);
  EXPECT_EQ(prom::value(m, "hallcast_hall_viewers{hall=\"hoi-truong\"}"), 0);
  EXPECT_EQ(prom::value(m, "hallcast_hall_lag_disconnects_total{hall=\"hoi-truong\"}"), 0);

  // Histogram buckets are cumulative and end with +Inf == _count, per hall.
  for (const char* hall : {"hoi-truong", "trien-lam"}) {
    double previous = 0;
    size_t buckets = 0;
    for (const auto& s : samples) {
      if (s.name != "hallcast_caption_delay_seconds_bucket" || s.label_map.at("hall") != hall)
        continue;
      EXPECT_GE(s.value, previous) << s.labels;
      previous = s.value;
      ++buckets;
    }
    EXPECT_GE(buckets, 2u);
    EXPECT_EQ(
        prom::value(m, std::string("hallcast_caption_delay_seconds_count{hall=\"") + hall + "\"}"),
        previous);
  }
  EXPECT_EQ(prom::value(m, "hallcast_caption_delay_seconds_count{hall=\"hoi-truong\"}"), 1);
}

}  // namespace
}  // namespace hallcast::relay::test
