// hallcast_fanout_seconds on a real relay: every fragment published to viewers that keep up is
// timed exactly once (median and last viewer), on the direct-write path and, for a viewer whose
// socket is full, on the WRITEABLE path until that viewer leaves.
#include <chrono>
#include <thread>

#include "hallcast/testsupport/fmp4.hpp"
#include "prometheus_text.hpp"
#include "relay_fixture.hpp"

namespace hallcast::relay::test {
namespace {

namespace prom = hallcast::test::prometheus;

const std::string kHall = "hoi-truong";
std::string series(const std::string& suffix, const std::string& viewer) {
  return "hallcast_fanout_seconds_" + suffix + "{hall=\"" + kHall + "\",viewer=\"" + viewer + "\"}";
}

class RelayFanout : public RelayTest {
 protected:
  std::string metrics() {
    HttpResponse r = http_get(port_, "/metrics");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(prom::problems(r.body).empty()) << r.body;
    return r.body;
  }
  // Waits (with a deadline) until the viewer has the fragment with this sequence number.
  static bool got(WsClient& v, uint32_t seq) {
    ParsedFrame pf;
    WsMessage m = v.receive_until(
        [&](const WsMessage& x) {
          return x.is_binary() && parse_media_frame(x.data, pf) && pf.sequence == seq;
        },
        5s);
    return m.is_binary();
  }
  // The fan-out count for `viewer` reaches `n` before the deadline.
  bool count_reaches(const std::string& viewer, double n) {
    for (int i = 0; i < 250; ++i) {
      if (prom::value(metrics(), series("count", viewer)) == n) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
};

// Cumulative buckets, +Inf equal to the count, a positive sum.
void expect_consistent(const std::string& text, const std::string& viewer, double count) {
  std::vector<prom::Sample> samples;
  ASSERT_TRUE(prom::problems(text, &samples).empty());
  double previous = 0;
  size_t buckets = 0;
  for (const auto& s : samples) {
    if (s.name != "hallcast_fanout_seconds_bucket" || s.label_map.at("hall") != kHall ||
        s.label_map.at("viewer") != viewer)
      continue;
    EXPECT_GE(s.value, previous) << s.labels;
    previous = s.value;
    ++buckets;
    if (s.label_map.at("le") == "+Inf") {
      EXPECT_EQ(s.value, count);
    }
  }
  EXPECT_GE(buckets, 10u);
  EXPECT_EQ(prom::value(text, series("count", viewer)), count);
  EXPECT_GT(prom::value(text, series("sum", viewer)).value_or(0), 0.0);
  const std::string le1 = "hallcast_fanout_seconds_bucket{hall=\"" + kHall + "\",viewer=\"" +
                          viewer + "\",le=\"1\"}";
  EXPECT_EQ(prom::value(text, le1), count)
      << "a fan-out on loopback to a few viewers takes far less than a second";
}

TEST_F(RelayFanout, EveryFragmentIsTimedOnceForItsMedianAndLastViewer) {
  start();
  std::vector<WsClient> viewers;
  for (int i = 0; i < 6; ++i) viewers.push_back(viewer());
  std::string m0 = metrics();
  EXPECT_EQ(prom::value(m0, series("count", "last")), 0);
  EXPECT_EQ(prom::value(m0, series("count", "median")), 0);

  WsClient pub = publisher();
  receive_json(pub, "title");
  uint32_t seq = 0;
  ASSERT_TRUE(pub.send_binary(media_frame(true, false, 0, 0, seq, std::string(900, 'i'))));
  for (auto& v : viewers) ASSERT_TRUE(got(v, seq));
  // One fragment at a time, each read by every viewer before the next: all six are up to date
  // (targets) for every fragment.
  constexpr int kFragments = 20;
  for (int i = 0; i < kFragments; ++i) {
    ++seq;
    std::string payload(6000 + 700 * i, static_cast<char>('a' + i % 26));
    ASSERT_TRUE(pub.send_binary(media_frame(false, i % 10 == 0, 40000u * i, 0, seq, payload)));
    for (auto& v : viewers) ASSERT_TRUE(got(v, seq)) << "fragment " << seq;
  }
  ASSERT_TRUE(count_reaches("last", kFragments));
  std::string text = metrics();
  EXPECT_EQ(prom::value(text, "hallcast_fragments_in_total"), kFragments);
  expect_consistent(text, "last", kFragments);
  expect_consistent(text, "median", kFragments);
  EXPECT_LE(prom::value(text, series("sum", "median")), prom::value(text, series("sum", "last")))
      << "the median viewer never gets a fragment after the last one";
}

// A viewer that stops reading fills its socket, then waits on the WRITEABLE path: the fragment
// it was up to date for stays open until it leaves, and is then timed by the others.
TEST_F(RelayFanout, AViewerThatStopsReadingHoldsItsFragmentUntilItLeaves) {
  start();
  WsClient reader = viewer();
  WsClient stuck;
  WsOptions o;
  o.subprotocol = kLive;
  o.receive_buffer_bytes = 4096;
  ASSERT_EQ(stuck.connect(port_, o).status, 101);
  WsClient pub = publisher();
  receive_json(pub, "title");
  uint32_t seq = 0;
  ASSERT_TRUE(pub.send_binary(media_frame(true, false, 0, 0, seq, std::string(900, 'i'))));
  ASSERT_TRUE(got(reader, seq));
  ASSERT_TRUE(got(stuck, seq));
  // 512 KiB fragments: 12 MiB in all, more than its socket and the kernel's largest send
  // buffer (tcp_wmem, 4 MiB) hold.
  constexpr int kFragments = 24;
  for (int i = 0; i < kFragments; ++i) {
    ++seq;
    ASSERT_TRUE(pub.send_binary(
        media_frame(false, i == 0, 40000u * i, 0, seq, std::string(512 * 1024, 'f'))));
    ASSERT_TRUE(got(reader, seq)) << "fragment " << seq;
  }
  std::this_thread::sleep_for(100ms);  // nothing to await: the relay has sent what it could
  double before = prom::value(metrics(), series("count", "last")).value_or(-1);
  EXPECT_LT(before, kFragments) << "a fragment waits for the stuck viewer";
  EXPECT_GE(before, kFragments - 2);
  stuck.close();
  ASSERT_TRUE(count_reaches("last", kFragments)) << "the fragment is timed once it left";
  std::string text = metrics();
  expect_consistent(text, "last", kFragments);
  expect_consistent(text, "median", kFragments);
}

}  // namespace
}  // namespace hallcast::relay::test
