// WebSocket channels: hello, halls, auth, roles, origins, command routing.
#include <chrono>

#include "relay_fixture.hpp"

namespace hallcast::relay::test {
namespace {

TEST_F(RelayTest, ViewerGetsHelloForTheFirstHallByDefault) {
  start();
  Json hello;
  WsClient v = viewer("", &hello);
  EXPECT_EQ(hello["protocol"], 1);
  EXPECT_EQ(hello["hall"], "hoi-truong");
  ASSERT_EQ(hello["halls"].size(), 2u);
  EXPECT_EQ(hello["halls"][1]["id"], "trien-lam");
  EXPECT_EQ(hello["event"]["name"], "Ngày Chuyển đổi số tỉnh Thanh Hóa 2022");
  EXPECT_EQ(hello["state"]["stream"], "offline");
  EXPECT_TRUE(hello["captions"].is_array());
}

TEST_F(RelayTest, ClientWithoutSubprotocolGetsTheLiveChannel) {
  start();
  WsClient c;
  ASSERT_EQ(c.connect(port_, WsOptions{}).status, 101);
  EXPECT_FALSE(receive_json(c, "hello").is_null());
}

TEST_F(RelayTest, HallIsChosenByQueryAndUnknownHallIsRefused) {
  start();
  Json hello;
  WsClient v = viewer("trien-lam", &hello);
  EXPECT_EQ(hello["hall"], "trien-lam");
  WsClient bad;
  WsOptions o;
  o.path = "/?hall=khong-co";
  o.subprotocol = kLive;
  HttpResponse r = bad.connect(port_, o);
  EXPECT_NE(r.status, 101);
  EXPECT_FALSE(bad.open());
  // A live client may move to another hall.
  v.send_text(R"({"type":"join","hall":"hoi-truong"})");
  EXPECT_EQ(receive_json(v, "hello")["hall"], "hoi-truong");
}

TEST_F(RelayTest, WrongTokenIsAnsweredLateAndClosed) {
  start();
  WsClient c = connect(kControl);
  receive_json(c, "hello");
  auto t0 = std::chrono::steady_clock::now();
  c.send_text(R"({"type":"auth","token":"op-secreT"})");
  Json err = receive_json(c, "error");
  auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(err["code"], "auth_failed");
  EXPECT_GE(waited, 500ms) << "a failed attempt must be delayed";
  WsMessage close = c.receive(5s);
  EXPECT_EQ(close.kind, MessageKind::Close);
  EXPECT_EQ(close.close_code, 1008);
  auto m = http_get(port_, "/metrics");
  EXPECT_NE(m.body.find("hallcast_auth_failures_total 1"), std::string::npos) << m.body;
  // The token is never logged.
  relay_->terminate();
  EXPECT_EQ(relay_->output(Stream::Stderr).find("op-secreT"), std::string::npos);
  relay_.reset();
}

TEST_F(RelayTest, BadBearerHeaderFailsAndGoodOneAuthenticates) {
  start();
  WsClient bad = connect(kPublish, "/", {{"Authorization", "Bearer nope"}});
  EXPECT_EQ(receive_json(bad, "error")["code"], "auth_failed");
  EXPECT_EQ(bad.receive(5s).close_code, 1008);
  WsClient op = connect(kControl, "/", {{"Authorization", "Bearer op-secret"}});
  Json hello = receive_json(op, "hello");
  EXPECT_EQ(hello["role"], "operator");
}

TEST_F(RelayTest, CommandsNeedAuthAndTheRightRole) {
  start();
  WsClient anon = connect(kControl);
  receive_json(anon, "hello");
  anon.send_text(R"({"type":"switch","source":"cam-1","id":"x1"})");
  Json e = receive_json(anon, "error");
  EXPECT_EQ(e["code"], "unauthorized");
  EXPECT_EQ(e["id"], "x1");
  WsClient cap = controller("cap-secret");
  cap.send_text(R"({"type":"switch","source":"cam-1","id":"x2"})");
  EXPECT_EQ(receive_json(cap, "error")["code"], "forbidden");
  // A captioner may caption.
  cap.send_text(R"({"type":"caption","text":"Xin chào","lang":"vi","final":true,"id":"x3"})");
  Json ack = receive_json(cap, "ack");
  EXPECT_EQ(ack["id"], "x3");
  EXPECT_EQ(ack["caption_id"], "c-1");
}

TEST_F(RelayTest, StreamerCommandsWithoutStreamerGetAClearError) {
  start();
  WsClient op = controller("op-secret");
  op.send_text(
      R"({"type":"switch","source":"cam-1","transition":"fade","duration_ms":500,"id":"s1"})");
  Json e = receive_json(op, "error");
  EXPECT_EQ(e["code"], "no_streamer");
  EXPECT_EQ(e["id"], "s1");
  op.send_text(R"({"type":"switch","source":"cam-tl","id":"s2"})");  // another hall's source
  EXPECT_EQ(receive_json(op, "error")["code"], "unknown_source");
  op.send_text(R"({"type":"layout","mode":"pip","sources":["slides","cam-1"],"hall":"trien-lam"})");
  EXPECT_EQ(receive_json(op, "error")["code"], "unknown_source");
}

TEST_F(RelayTest, CommandsAreForwardedToTheStreamerAndAnswersRoutedBack) {
  start();
  WsClient pub = publisher();
  receive_json(pub, "title");  // the current title, for burn-in
  WsClient op = controller("op-secret");
  WsClient watcher = controller("op-secret");
  op.send_text(R"({"type":"switch","source":"cam-1","transition":"cut","id":"op-7"})");
  Json fwd = receive_json(pub, "switch");
  ASSERT_TRUE(fwd.is_object());
  EXPECT_EQ(fwd["source"], "cam-1");
  EXPECT_EQ(fwd["hall"], "hoi-truong");
  std::string rid = fwd["id"];
  EXPECT_NE(rid, "op-7") << "the relay assigns its own ids";
  pub.send_text(Json{{"type", "ack"}, {"id", rid}}.dump());
  Json ack = receive_json(op, "ack");
  EXPECT_EQ(ack["id"], "op-7");
  EXPECT_EQ(ack["ref"], "switch");
  // The streamer's new state goes to everyone (tally).
  pub.send_text(
      R"({"type":"state","program":"cam-1","preview":"slides","layout":{"mode":"full"}})");
  Json st = receive_json(watcher, "state");
  EXPECT_EQ(st["program"], "cam-1");
  EXPECT_EQ(st["hall"], "hoi-truong");
  // An error from the streamer reaches the operator too.
  op.send_text(R"({"type":"slate","on":true,"message":"Giải lao","id":"op-8"})");
  Json fwd2 = receive_json(pub, "slate");
  pub.send_text(
      Json{{"type", "error"}, {"id", fwd2["id"]}, {"code", "failed"}, {"message", "x"}}.dump());
  EXPECT_EQ(receive_json(op, "error")["id"], "op-8");
}

TEST_F(RelayTest, OriginAllowListAppliesToControlAndPublish) {
  start("allowed_origins = [\"https://hallcast.example\"]");
  WsClient bad;
  WsOptions o;
  o.subprotocol = kControl;
  o.headers = {{"Origin", "https://evil.example"}};
  EXPECT_NE(bad.connect(port_, o).status, 101);
  WsClient good = connect(kControl, "/", {{"Origin", "https://hallcast.example"}});
  EXPECT_FALSE(receive_json(good, "hello").is_null());
  // Viewers may come from anywhere.
  WsClient v = connect(kLive, "/", {{"Origin", "https://evil.example"}});
  EXPECT_FALSE(receive_json(v, "hello").is_null());
}

TEST_F(RelayTest, SecondPublisherIsRejectedByDefault) {
  start();
  WsClient first = publisher();
  receive_json(first, "title");
  WsClient second = publisher();
  Json e = receive_json(second, "error");
  EXPECT_EQ(e["code"], "hall_busy");
  EXPECT_EQ(second.receive(5s).close_code, 1008);
  // The first one still works.
  first.send_text(R"({"type":"state","program":"slides"})");
  WsClient v = viewer();
  EXPECT_TRUE(v.open());
}

TEST_F(RelayTest, TakeoverPolicyReplacesThePublisher) {
  start("publisher_policy = \"takeover\"");
  WsClient first = publisher();
  receive_json(first, "title");
  WsClient second = publisher();
  receive_json(second, "title");
  EXPECT_EQ(receive_json(first, "error")["code"], "taken_over");
  EXPECT_TRUE(first.wait_closed(5s));
}

}  // namespace
}  // namespace hallcast::relay::test
