#include "relay_fixture.hpp"

namespace hallcast::relay::test {

void RelayTest::start(const std::string& relay_extra, const std::string& extra) {
  config_ = write_test_config(dir_, TestConfig{relay_extra, extra});
  auto r = start_relay(config_);
  relay_ = std::move(r.process);
  port_ = r.port;
}

void RelayTest::stop() {
  if (!relay_) return;
  ExitStatus st = relay_->terminate(10s);
  EXPECT_TRUE(st.exited) << "relay did not stop on SIGTERM";
  EXPECT_EQ(st.shell_code(), 0) << relay_->output(Stream::Stderr);
  relay_.reset();
}

void RelayTest::TearDown() {
  stop();
}

WsClient RelayTest::connect(const std::string& protocol, const std::string& path,
                            std::vector<std::pair<std::string, std::string>> headers) {
  WsClient c;
  WsOptions o;
  o.path = path;
  o.subprotocol = protocol;
  o.headers = std::move(headers);
  HttpResponse r = c.connect(port_, o);
  EXPECT_EQ(r.status, 101) << "handshake for " << protocol << " " << path;
  EXPECT_EQ(c.protocol(), protocol);
  return c;
}

WsClient RelayTest::viewer(const std::string& hall, Json* hello) {
  WsClient c = connect(kLive, hall.empty() ? "/" : "/?hall=" + hall);
  Json h = receive_json(c, "hello");
  EXPECT_FALSE(h.is_null()) << "no hello for a viewer";
  if (hello) *hello = h;
  return c;
}

WsClient RelayTest::controller(const std::string& token, const std::string& hall) {
  WsClient c = connect(kControl, hall.empty() ? "/" : "/?hall=" + hall);
  c.send_text(Json{{"type", "auth"}, {"token", token}, {"id", "a1"}}.dump());
  Json ack = receive_json(c, "ack");
  EXPECT_EQ(ack.value("ref", ""), "auth") << ack.dump();
  return c;
}

WsClient RelayTest::publisher(const std::string& hall) {
  return connect(kPublish, hall.empty() ? "/" : "/?hall=" + hall,
                 {{"Authorization", "Bearer pub-secret"}});
}

Json json_of(const WsMessage& m) {
  EXPECT_TRUE(m.is_text()) << "expected a text message, got kind " << static_cast<int>(m.kind);
  if (!m.is_text()) return Json();
  Json j = Json::parse(m.data, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << m.data;
  return j;
}

Json receive_json(WsClient& c, const std::string& type, std::chrono::milliseconds timeout) {
  WsMessage m = c.receive_type(type, timeout);
  if (!m.is_text()) return Json();
  return Json::parse(m.data, nullptr, false);
}

}  // namespace hallcast::relay::test
