// Hardening: message size (1009 before buffering), UTF-8 (1007), JSON depth, unknown types and
// wrong field types (error, connection kept), markup kept literal, connection caps (1013 / 503),
// dead peers found by ping, header timeout.
#include <poll.h>

#include <chrono>
#include <thread>

#include "relay_fixture.hpp"

namespace hallcast::relay::test {
namespace {

TEST_F(RelayTest, OversizeMessageIsClosedWith1009BeforeBuffering) {
  start();
  WsClient c = connect(kControl);
  receive_json(c, "hello");
  // Declares 2^62 bytes and sends a few: the relay must not wait for (or allocate) the rest.
  c.send_frame_header(opcode::kText, uint64_t(1) << 62);
  c.send_raw(std::string(100, 'x'));
  WsMessage m = c.receive(5s);
  EXPECT_EQ(m.kind, MessageKind::Close);
  EXPECT_EQ(m.close_code, 1009);
  // Just over the control limit (16 KiB by default), sent in full.
  WsClient d = connect(kControl);
  receive_json(d, "hello");
  d.send_text(std::string(16 * 1024 + 1, ' '));
  EXPECT_EQ(d.receive(5s).close_code, 1009);
  // Across continuation frames, too.
  WsClient e = connect(kLive);
  receive_json(e, "hello");
  e.send_frame(opcode::kText, std::string(10000, ' '), false);
  e.send_frame(opcode::kContinuation, std::string(10000, ' '), true);
  EXPECT_EQ(e.receive(5s).close_code, 1009);
}

TEST_F(RelayTest, InvalidUtf8IsClosedWith1007) {
  start();
  WsClient c = connect(kControl);
  receive_json(c, "hello");
  c.send_text("{\"type\":\"caption\",\"text\":\"\xc3\x28\"}");
  WsMessage m = c.receive(5s);
  EXPECT_EQ(m.kind, MessageKind::Close);
  EXPECT_EQ(m.close_code, 1007);
}

TEST_F(RelayTest, DeepJsonWrongTypesAndUnknownTypesGetErrorsAndTheConnectionStays) {
  start();
  WsClient op = controller("op-secret");
  std::string deep =
      "{\"type\":\"caption\",\"x\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  op.send_text(deep.substr(0, 15000));  // under the size limit, still far too deep
  Json e = receive_json(op, "error");
  EXPECT_EQ(e["code"], "bad_request");
  EXPECT_NE(e["message"].get<std::string>().find("deeper"), std::string::npos) << e.dump();
  op.send_text(R"({"type":"teleport","id":"u1"})");
  e = receive_json(op, "error");
  EXPECT_EQ(e["code"], "unknown_type");
  EXPECT_EQ(e["id"], "u1");
  op.send_text(R"({"type":"caption","text":42})");
  EXPECT_EQ(receive_json(op, "error")["code"], "bad_request");
  op.send_text(R"({"type":"switch","source":["cam-1"]})");
  EXPECT_EQ(receive_json(op, "error")["code"], "bad_request");
  op.send_text(R"({"type":"layout","mode":"grid"})");
  EXPECT_EQ(receive_json(op, "error")["code"], "bad_request");
  op.send_text("not json");
  EXPECT_EQ(receive_json(op, "error")["code"], "bad_request");
  op.send_text(R"([1,2,3])");
  EXPECT_EQ(receive_json(op, "error")["code"], "bad_request");
  // Still connected and working.
  op.send_text(R"({"type":"ping","id":"p"})");
  EXPECT_FALSE(receive_json(op, "pong").is_null());
}

TEST_F(RelayTest, CaptionMarkupIsKeptAsLiteralText) {
  start();
  WsClient v = viewer();
  WsClient cap = controller("cap-secret");
  const std::string text = "<b>Chuyển đổi số</b> & <span foreground=\"red\">doanh nghiệp</span>";
  cap.send_text(Json{{"type", "caption"}, {"text", text}, {"lang", "vi"}, {"final", true}}.dump());
  Json c = receive_json(v, "caption");
  EXPECT_EQ(c["text"], text);
}

TEST_F(RelayTest, PerAddressCapClosesWith1013AndHttpGets503) {
  start("max_connections_per_address = 3");
  std::vector<WsClient> clients;
  for (int i = 0; i < 3; ++i) clients.push_back(viewer());
  WsClient extra = connect(kLive);
  WsMessage m = extra.receive_until([](const WsMessage&) { return false; }, 5s);
  EXPECT_EQ(m.kind, MessageKind::Close);
  EXPECT_EQ(m.close_code, 1013);
  EXPECT_EQ(http_get(port_, "/healthz").status, 503);
  clients.pop_back();  // one leaves: room again
  for (int i = 0; i < 100 && http_get(port_, "/healthz").status != 200; ++i)
    std::this_thread::sleep_for(20ms);
  EXPECT_EQ(http_get(port_, "/healthz").status, 200);
  WsClient again = connect(kLive);
  EXPECT_FALSE(receive_json(again, "hello").is_null());
}

TEST_F(RelayTest, TotalCapAppliesToo) {
  start("max_connections = 2");
  WsClient a = viewer(), b = viewer();
  WsClient c = connect(kControl);
  EXPECT_EQ(c.receive_until([](const WsMessage&) { return false; }, 5s).close_code, 1013);
}

TEST_F(RelayTest, DeadPeerIsFoundByPing) {
  start("ping_interval_s = 1");
  WsClient dead = connect(kLive);
  // Never read, so never answer pings: the relay hangs up within a few ping intervals.
  auto t0 = std::chrono::steady_clock::now();
  pollfd p{dead.fd(), POLLRDHUP, 0};
  bool hung_up = false;
  while (std::chrono::steady_clock::now() - t0 < 8s && !hung_up) {
    if (::poll(&p, 1, 100) > 0 && (p.revents & (POLLRDHUP | POLLHUP))) hung_up = true;
  }
  EXPECT_TRUE(hung_up) << "a peer that never answers pings must be dropped";
  // A live peer that answers pings stays.
  WsClient alive = viewer();
  WsMessage m = alive.receive_until([](const WsMessage&) { return false; }, 4s);
  EXPECT_EQ(m.kind, MessageKind::Timeout) << "an answering peer must stay connected";
}

TEST_F(RelayTest, IncompleteHeadersAreTimedOut) {
  start("header_timeout_s = 1");
  auto t0 = std::chrono::steady_clock::now();
  HttpResponse r = http_request(port_, "GET /healthz HTTP/1.1\r\nHost: x\r\n", 6s);
  auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.status, 0);
  EXPECT_LT(waited, 5s) << "the relay must drop a client that never finishes its headers";
}

}  // namespace
}  // namespace hallcast::relay::test
