// The benchmark's WebSocket client pieces: upgrade answer checks and the streaming frame
// parser fed byte by byte, in odd splits, with fragmented and interleaved control frames.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/ws_wire.hpp"

namespace hallcast::bench {
namespace {

std::vector<uint8_t> server_frame(uint8_t opcode, const std::vector<uint8_t>& payload,
                                  bool fin = true) {
  std::vector<uint8_t> f;
  f.push_back(static_cast<uint8_t>((fin ? 0x80 : 0) | opcode));
  size_t n = payload.size();
  if (n < 126) {
    f.push_back(static_cast<uint8_t>(n));
  } else if (n <= 0xffff) {
    f.push_back(126);
    f.push_back(static_cast<uint8_t>(n >> 8));
    f.push_back(static_cast<uint8_t>(n));
  } else {
    f.push_back(127);
    for (int i = 7; i >= 0; --i) f.push_back(static_cast<uint8_t>(uint64_t(n) >> (8 * i)));
  }
  f.insert(f.end(), payload.begin(), payload.end());
  return f;
}

std::vector<uint8_t> bytes(const std::string& s) {
  return {s.begin(), s.end()};
}

struct Collected {
  std::vector<WsMessage> messages;
  bool ok = true;
};

Collected feed_in_chunks(const std::vector<uint8_t>& wire, size_t chunk) {
  FrameParser parser;
  Collected c;
  for (size_t off = 0; off < wire.size() && c.ok; off += chunk) {
    size_t n = std::min(chunk, wire.size() - off);
    c.ok = parser.feed(wire.data() + off, n, [&](const WsMessage& m) { c.messages.push_back(m); });
  }
  return c;
}

TEST(WsWire, UpgradeAnswerNeedsSwitchingProtocolsAndOurSubprotocol) {
  std::string ok =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
      "sec-websocket-protocol:  hallcast.live.v1\r\n\r\nXY";
  auto a = parse_upgrade_answer(ok, "hallcast.live.v1");
  EXPECT_EQ(a.status, UpgradeAnswer::Accepted);
  EXPECT_EQ(a.header_bytes, ok.size() - 2);
  EXPECT_EQ(parse_upgrade_answer(ok.substr(0, 30), "hallcast.live.v1").status,
            UpgradeAnswer::Incomplete);
  EXPECT_EQ(parse_upgrade_answer(ok, "hallcast.control.v1").status, UpgradeAnswer::Refused);
  auto refused = parse_upgrade_answer("HTTP/1.1 401 Unauthorized\r\n\r\n", "hallcast.publish.v1");
  EXPECT_EQ(refused.status, UpgradeAnswer::Refused);
  EXPECT_EQ(refused.detail, "HTTP/1.1 401 Unauthorized");
}

TEST(WsWire, RequestCarriesSubprotocolAndBearer) {
  std::string r =
      make_upgrade_request("127.0.0.1:8080", "/?hall=hoi-truong", "hallcast.publish.v1", "bí-mật");
  EXPECT_EQ(r.rfind("GET /?hall=hoi-truong HTTP/1.1\r\n", 0), 0u);
  EXPECT_NE(r.find("Sec-WebSocket-Protocol: hallcast.publish.v1\r\n"), std::string::npos);
  EXPECT_NE(r.find("Authorization: Bearer bí-mật\r\n"), std::string::npos);
  EXPECT_EQ(r.substr(r.size() - 4), "\r\n\r\n");
}

TEST(WsWire, ParsesEveryLengthFormInAnySplit) {
  std::vector<uint8_t> big(70000), mid(300);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i);
  std::vector<uint8_t> wire;
  for (const auto& f :
       {server_frame(kText, bytes("{\"type\":\"hello\"}")), server_frame(kBinary, mid),
        server_frame(kBinary, big), server_frame(kBinary, {})}) {
    wire.insert(wire.end(), f.begin(), f.end());
  }
  for (size_t chunk : {size_t(1), size_t(3), size_t(7), size_t(4096), wire.size()}) {
    SCOPED_TRACE(chunk);
    Collected c = feed_in_chunks(wire, chunk);
    ASSERT_TRUE(c.ok);
    ASSERT_EQ(c.messages.size(), 4u);
    EXPECT_EQ(c.messages[0].text, "{\"type\":\"hello\"}");
    EXPECT_EQ(c.messages[1].size, 300u);
    EXPECT_EQ(c.messages[2].size, 70000u);
    EXPECT_EQ(c.messages[2].head_len, kHeadBytes);
    EXPECT_EQ(c.messages[2].head[23], 23);
    EXPECT_EQ(c.messages[3].size, 0u);
  }
}

TEST(WsWire, FragmentedMessageWithPingInTheMiddle) {
  std::vector<uint8_t> wire;
  for (const auto& f : {server_frame(kBinary, {1, 2, 3}, false), server_frame(kPing, bytes("p")),
                        server_frame(kContinuation, {4, 5}, true)}) {
    wire.insert(wire.end(), f.begin(), f.end());
  }
  Collected c = feed_in_chunks(wire, 2);
  ASSERT_TRUE(c.ok);
  ASSERT_EQ(c.messages.size(), 2u);
  EXPECT_EQ(c.messages[0].opcode, kPing);
  EXPECT_EQ(c.messages[0].text, "p");
  EXPECT_EQ(c.messages[1].opcode, kBinary);
  EXPECT_EQ(c.messages[1].size, 5u);
  EXPECT_EQ(c.messages[1].head[4], 5);
}

TEST(WsWire, RejectsMaskedServerFramesAndStrayContinuations) {
  std::vector<uint8_t> masked = {0x82, 0x81, 1, 2, 3, 4, 9};
  EXPECT_FALSE(feed_in_chunks(masked, 64).ok);
  EXPECT_FALSE(feed_in_chunks(server_frame(kContinuation, {1}), 64).ok);
  EXPECT_FALSE(feed_in_chunks(server_frame(kPing, std::vector<uint8_t>(126)), 64).ok);
}

TEST(WsWire, BinaryPayloadBeyondTheHeadCanBeSkippedUnread) {
  std::vector<uint8_t> payload(1000, 7);
  std::vector<uint8_t> wire = server_frame(kBinary, payload);
  FrameParser parser;
  std::vector<WsMessage> got;
  auto collect = [&](const WsMessage& m) { got.push_back(m); };
  ASSERT_TRUE(parser.feed(wire.data(), 4 + 10, collect));  // 4-byte frame header + 10 bytes
  EXPECT_EQ(parser.skippable(), 0u) << "the media header is not complete yet";
  ASSERT_TRUE(parser.feed(wire.data() + 14, 14, collect));
  ASSERT_EQ(parser.skippable(), 1000u - 24u);
  parser.skip(500, collect);
  EXPECT_TRUE(got.empty());
  parser.skip(476, collect);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].size, 1000u);
  EXPECT_EQ(parser.skippable(), 0u);
}

TEST(WsWire, ClientFramesAreMaskedAndRoundTrip) {
  std::vector<uint8_t> payload = bytes("Chuyển đổi số");
  std::vector<uint8_t> out;
  append_client_frame(out, kText, payload, 0xa1b2c3d4);
  ASSERT_EQ(out.size(), 2 + 4 + payload.size());
  EXPECT_EQ(out[0], 0x81);
  EXPECT_EQ(out[1], 0x80 | payload.size());
  for (size_t i = 0; i < payload.size(); ++i) EXPECT_EQ(out[6 + i] ^ out[2 + (i & 3)], payload[i]);
}

}  // namespace
}  // namespace hallcast::bench
