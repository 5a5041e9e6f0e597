// Media: instant join from the GOP cache (checked with ffprobe), shared fan-out, a viewer that
// never reads, publisher gone and back.
#include <atomic>
#include <chrono>
#include <thread>

#include "hallcast/testsupport/fmp4.hpp"
#include "relay_fixture.hpp"

namespace hallcast::relay::test {
namespace {

// One real fMP4 per test binary (4 s of H.264, GOP 1 s, 200 ms fragments).
const Fmp4& test_video() {
  static TempDir dir("hallcast-fmp4");
  static Fmp4 video = split_fmp4(make_test_fmp4((dir.path() / "src.mp4").string()));
  return video;
}

uint64_t now_us() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

void publish(WsClient& pub, const Fmp4& v, size_t from, size_t to, uint32_t& seq) {
  if (from == 0) {
    ASSERT_TRUE(pub.send_binary(media_frame(true, false, 0, now_us(), seq++, v.init)));
  }
  for (size_t i = from; i < to; ++i) {
    const auto& f = v.fragments[i];
    ASSERT_TRUE(
        pub.send_binary(media_frame(false, f.keyframe, f.decode_time, now_us(), seq++, f.bytes)));
  }
}

TEST(Fmp4Split, TestVideoHasKeyframesAndDeltaFragments) {
  const Fmp4& v = test_video();
  ASSERT_GE(v.fragments.size(), 12u);
  EXPECT_TRUE(v.fragments[0].keyframe);
  size_t keys = 0;
  for (const auto& f : v.fragments) keys += f.keyframe;
  EXPECT_GE(keys, 3u);
  EXPECT_LT(keys, v.fragments.size());
}

TEST_F(RelayTest, LateViewerDecodesFromTheFirstFragmentItGets) {
  start();
  const Fmp4& v = test_video();
  WsClient pub = publisher();
  receive_json(pub, "title");
  // Publish into the middle of the third GOP, so the GOP cache starts at a keyframe > 0.
  size_t key2 = 0, seen = 0;
  for (size_t i = 0; i < v.fragments.size() && seen < 3; ++i)
    if (v.fragments[i].keyframe && ++seen == 3) key2 = i;
  ASSERT_GT(key2, 0u);
  uint32_t seq = 0;
  publish(pub, v, 0, key2 + 2, seq);
  // Wait until the relay has taken every fragment (metrics), then join late.
  const std::string taken = "hallcast_fragments_in_total " + std::to_string(key2 + 2) + "\n";
  for (int i = 0; i < 250 && http_get(port_, "/metrics").body.find(taken) == std::string::npos; ++i)
    std::this_thread::sleep_for(20ms);
  Json hello;
  WsClient late = viewer("", &hello);
  std::string received;
  ParsedFrame pf;
  WsMessage m = late.receive_until([](const WsMessage& x) { return x.is_binary(); }, 5s);
  ASSERT_TRUE(m.is_binary());
  ASSERT_TRUE(parse_media_frame(m.data, pf));
  EXPECT_EQ(pf.kind, 0) << "a joining viewer gets the init segment first";
  received += pf.payload;
  for (int i = 0; i < 2; ++i) {
    m = late.receive_until([](const WsMessage& x) { return x.is_binary(); }, 5s);
    ASSERT_TRUE(m.is_binary());
    ASSERT_TRUE(parse_media_frame(m.data, pf));
    EXPECT_EQ(pf.kind, 1);
    if (i == 0) {
      EXPECT_TRUE(pf.keyframe) << "the GOP cache starts at a keyframe";
    }
    EXPECT_EQ(pf.payload, v.fragments[key2 + static_cast<size_t>(i)].bytes);
    received += pf.payload;
  }
  std::string out = dir_.write_file("late.mp4", received);
  std::string probe;
  int rc = run_command(
      "ffprobe -v error -count_frames -select_streams v:0 -show_entries "
      "stream=codec_name,nb_read_frames -of csv=p=0 '" +
          out + "'",
      &probe);
  EXPECT_EQ(rc, 0) << probe;
  EXPECT_EQ(probe.find("error"), std::string::npos) << probe;
  EXPECT_NE(probe.find("h264,"), std::string::npos) << probe;
  int frames = std::atoi(probe.substr(probe.find(',') + 1).c_str());
  EXPECT_GE(frames, 6) << probe;  // two 200 ms fragments at 30 fps
}

TEST_F(RelayTest, ViewerThatNeverReadsDoesNotHoldUpTheOthers) {
  start("viewer_backlog_ms = 200\nlag_disconnect_ms = 1000");
  WsClient pub = publisher();
  receive_json(pub, "title");
  WsClient stuck;
  WsOptions o;
  o.subprotocol = kLive;
  o.receive_buffer_bytes = 4096;
  ASSERT_EQ(stuck.connect(port_, o).status, 101);
  WsClient good = viewer();
  // Synthetic 256 KB fragments, 25 per second for 2.5 s: far more than the stuck socket holds.
  const std::string payload(256 * 1024, 'x');
  uint32_t seq = 0;
  pub.send_binary(media_frame(true, false, 0, now_us(), seq++, "init-segment"));
  const int kFragments = 60;
  std::atomic<int> got{0};
  std::atomic<bool> in_order{true};
  std::thread reader([&] {
    uint32_t expect = 1;
    while (got < kFragments) {
      WsMessage m = good.receive(5s);
      if (m.kind == MessageKind::Timeout || m.kind == MessageKind::Eof ||
          m.kind == MessageKind::Close)
        break;
      ParsedFrame f;
      if (!m.is_binary() || !parse_media_frame(m.data, f) || f.kind != 1) continue;
      if (f.sequence != expect++) in_order = false;
      ++got;
    }
  });
  for (int i = 0; i < kFragments; ++i) {
    pub.send_binary(media_frame(false, i % 10 == 0, static_cast<uint64_t>(i) * 40000, now_us(),
                                seq++, payload));
    std::this_thread::sleep_for(40ms);  // the publisher's real-time pace
  }
  reader.join();
  EXPECT_EQ(got, kFragments) << "the reading viewer must get every fragment";
  EXPECT_TRUE(in_order);
  // The stuck one was cut and counted.
  std::string metrics;
  for (int i = 0; i < 100; ++i) {
    metrics = http_get(port_, "/metrics").body;
    if (metrics.find("hallcast_lag_disconnects_total 0") == std::string::npos) break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(metrics.find("hallcast_lag_disconnects_total 0"), std::string::npos) << metrics;
  EXPECT_NE(relay_->wait_for_line("disconnected: behind", 1s, Stream::Stderr), std::nullopt);
}

TEST_F(RelayTest, PublisherGoneThenBackViewersStayAndResume) {
  start();
  const Fmp4& v = test_video();
  Json hello;
  WsClient view = viewer("", &hello);
  {
    WsClient pub = publisher();
    receive_json(pub, "title");
    uint32_t seq = 0;
    publish(pub, v, 0, 3, seq);
    EXPECT_EQ(receive_json(view, "state")["stream"], "live");
    pub.close(1000);
    ASSERT_TRUE(pub.wait_closed(5s));
  }
  Json off = receive_json(view, "state");
  EXPECT_EQ(off["stream"], "offline");
  EXPECT_TRUE(view.open());
  WsClient pub2 = publisher();
  receive_json(pub2, "title");
  uint32_t seq = 0;
  publish(pub2, v, 0, 2, seq);
  EXPECT_EQ(receive_json(view, "state")["stream"], "live");
  WsMessage m = view.receive_until(
      [](const WsMessage& x) {
        ParsedFrame f;
        return x.is_binary() && parse_media_frame(x.data, f) && f.kind == 0;
      },
      5s);
  EXPECT_TRUE(m.is_binary()) << "the new init segment reaches the waiting viewer";
}

TEST_F(RelayTest, PublisherBinaryWithoutAuthIsRefused) {
  start();
  WsClient pub = connect(kPublish);
  pub.send_binary(media_frame(true, false, 0, now_us(), 0, "x"));
  EXPECT_EQ(receive_json(pub, "error")["code"], "unauthorized");
  EXPECT_EQ(pub.receive(5s).close_code, 1008);
}

}  // namespace
}  // namespace hallcast::relay::test
