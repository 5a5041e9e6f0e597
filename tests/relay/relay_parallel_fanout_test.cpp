// The parallel fan-out (relay.fanout_threads > 1): a fragment for many viewers at the live edge is
// sent on several threads. Real viewers check that each gets every fragment whole and in order,
// with frame headers of every length class, and that a send the socket takes only part of is
// finished by lws without corrupting the stream.
#include <sys/socket.h>

#include <chrono>
#include <string>
#include <vector>

#include "hallcast/testsupport/fmp4.hpp"
#include "prometheus_text.hpp"
#include "relay_fixture.hpp"

namespace hallcast::relay::test {
namespace {

namespace prom = hallcast::test::prometheus;

uint64_t now_us() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

constexpr int kViewers = 48;  // above the relay's minimum for a parallel fan-out (32)
const std::string kSettings =
    "fanout_threads = 3\n"
    "max_connections_per_address = 200\n"
    "viewer_backlog_ms = 60000\n"
    "lag_disconnect_ms = 600000\n"
    "ping_interval_s = 300\n";  // viewers that wait their turn to read are not hung up on

class RelayParallelFanout : public RelayTest {
 protected:
  double metric(const std::string& name) {
    HttpResponse r = http_get(port_, "/metrics");
    EXPECT_EQ(r.status, 200);
    return prom::value(r.body, name).value_or(-1);
  }
  // The next binary message (text such as viewer counts is skipped), parsed; fails the test when
  // there is none or it is not a media frame.
  static ParsedFrame next_media(WsClient& v) {
    ParsedFrame pf;
    WsMessage m = v.receive_until([](const WsMessage& x) { return x.is_binary(); }, 10s);
    EXPECT_TRUE(m.is_binary()) << "no media message (kind " << static_cast<int>(m.kind) << ", "
                               << m.data.size() << " bytes, close " << m.close_code << ")";
    if (m.is_binary()) {
      EXPECT_TRUE(parse_media_frame(m.data, pf));
    }
    return pf;
  }
  // A payload whose every byte depends on the sequence number and position.
  static std::string payload(uint32_t seq, size_t size) {
    std::string p(size, '\0');
    for (size_t i = 0; i < size; ++i) p[i] = static_cast<char>((i * 31 + seq * 7) & 0xff);
    return p;
  }
  std::vector<WsClient> viewers_;
};

// Published one at a time, every fragment reaches every viewer at the live edge: each is a
// parallel fan-out, whose sends every viewer gets whole, in order, nothing missing or repeated.
TEST_F(RelayParallelFanout, EveryViewerGetsEveryFragmentInOrder) {
  start(kSettings);
  EXPECT_EQ(metric("hallcast_fanout_threads"), 3);
  for (int i = 0; i < kViewers; ++i) viewers_.push_back(viewer());
  WsClient pub = publisher();
  ASSERT_TRUE(pub.send_binary(media_frame(true, false, 0, now_us(), 0, "init-segment")));
  for (auto& v : viewers_) ASSERT_EQ(next_media(v).kind, 0);

  // Frame header length classes: < 126, < 65536 and 64-bit lengths.
  const size_t sizes[] = {60, 3000, 70000, 100, 65600, 20000};
  const uint32_t kFragments = 36;
  for (uint32_t seq = 1; seq <= kFragments; ++seq) {
    std::string p = payload(seq, sizes[seq % std::size(sizes)]);
    ASSERT_TRUE(pub.send_binary(media_frame(false, seq % 12 == 1, seq * 33000, now_us(), seq, p)));
    for (size_t i = 0; i < viewers_.size(); ++i) {
      ParsedFrame pf = next_media(viewers_[i]);
      ASSERT_EQ(pf.kind, 1) << "viewer " << i << " fragment " << seq;
      ASSERT_EQ(pf.sequence, seq) << "viewer " << i;
      ASSERT_TRUE(pf.payload == p) << "viewer " << i << " fragment " << seq << ": payload differs";
    }
  }
  // Every fragment after the first keyframe found all viewers at the live edge.
  EXPECT_GE(metric("hallcast_fanout_parallel_total"), kFragments - 1);
  EXPECT_EQ(metric("hallcast_lag_disconnects_total"), 0);
}

// A fragment larger than the sockets take at once: the parallel send is partial, lws sends the
// rest, and the fragments after it follow intact once the viewers read again.
TEST_F(RelayParallelFanout, PartialSendIsCompletedIntact) {
  start(kSettings);
  for (int i = 0; i < kViewers; ++i) {
    viewers_.push_back(viewer());
    // A small receive buffer: what the kernel holds for a viewer that does not read is bounded
    // by the relay's send buffer (at most 4 MiB by default) plus this.
    int rcvbuf = 64 * 1024;
    ASSERT_EQ(setsockopt(viewers_.back().fd(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf), 0);
  }
  // The viewers count is the last text the viewers get: queued text would send a fragment
  // through the WRITEABLE path instead of the parallel one.
  for (auto& v : viewers_) {
    WsMessage m = v.receive_until(
        [](const WsMessage& x) {
          return x.is_text() && json_of(x).value("type", "") == "viewers" &&
                 json_of(x).value("count", 0) == kViewers;
        },
        10s);
    ASSERT_TRUE(m.is_text()) << "no viewers count of " << kViewers;
  }
  WsClient pub = publisher();
  ASSERT_TRUE(pub.send_binary(media_frame(true, false, 0, now_us(), 0, "init-segment")));
  std::string first = payload(1, 500);
  ASSERT_TRUE(pub.send_binary(media_frame(false, true, 0, now_us(), 1, first)));
  for (auto& v : viewers_) {
    ASSERT_EQ(next_media(v).kind, 0);
    ASSERT_EQ(next_media(v).sequence, 1u);
  }
  // The viewers are at the live edge and stop reading: the first 3 MB may still fit in the socket
  // pair's buffers, the second cannot (the kernel takes part of it, or none when full).
  std::vector<std::string> sent;
  sent.push_back(payload(2, 3 << 20));
  sent.push_back(payload(3, 3 << 20));
  for (uint32_t seq = 4; seq <= 7; ++seq) sent.push_back(payload(seq, 40000));
  for (uint32_t i = 0; i < sent.size(); ++i)
    ASSERT_TRUE(pub.send_binary(media_frame(false, false, 0, now_us(), i + 2, sent[i])));
  for (size_t v = 0; v < viewers_.size(); ++v) {
    for (uint32_t i = 0; i < sent.size(); ++i) {
      ParsedFrame pf = next_media(viewers_[v]);
      EXPECT_EQ(pf.sequence, i + 2) << "viewer " << v << " fragment " << i + 2;
      if (pf.sequence != i + 2) break;
      ASSERT_TRUE(pf.payload == sent[i]) << "viewer " << v << " fragment " << i + 2;
    }
  }
  EXPECT_GE(metric("hallcast_fanout_parallel_total"), 1);
  EXPECT_GE(metric("hallcast_fanout_partial_writes_total"), 1)
      << "the 3 MB fragments fit in the sockets whole: the test no longer covers partial sends ("
      << metric("hallcast_fanout_parallel_total") << " parallel fan-outs)";
  EXPECT_EQ(metric("hallcast_lag_disconnects_total"), 0);
  if (HasFailure()) ADD_FAILURE() << "relay log:\n" << relay_->output(Stream::Stderr);
}

// One thread: the parallel path is off, everything else the same.
TEST_F(RelayParallelFanout, OneThreadSendsOnTheServiceThread) {
  start("fanout_threads = 1\nmax_connections_per_address = 200\n");
  EXPECT_EQ(metric("hallcast_fanout_threads"), 1);
  for (int i = 0; i < kViewers; ++i) viewers_.push_back(viewer());
  WsClient pub = publisher();
  ASSERT_TRUE(pub.send_binary(media_frame(true, false, 0, now_us(), 0, "init-segment")));
  std::string p = payload(1, 1000);
  ASSERT_TRUE(pub.send_binary(media_frame(false, true, 0, now_us(), 1, p)));
  for (auto& v : viewers_) {
    ASSERT_EQ(next_media(v).kind, 0);
    ParsedFrame pf = next_media(v);
    ASSERT_EQ(pf.sequence, 1u);
    ASSERT_TRUE(pf.payload == p);
  }
  EXPECT_EQ(metric("hallcast_fanout_parallel_total"), 0);
}

}  // namespace
}  // namespace hallcast::relay::test
