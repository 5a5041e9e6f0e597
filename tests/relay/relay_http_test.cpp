// HTTP: health, metrics, state, static pages (MIME, CSP, no escape from web/), Upgrade: foo.
#include "relay_fixture.hpp"

namespace hallcast::relay::test {
namespace {

class RelayHttpTest : public RelayTest {
 protected:
  void SetUp() override {
    dir_.write_file("web/index.html", "<!doctype html><title>viewer</title>");
    dir_.write_file("web/operator.html", "<!doctype html><title>operator</title>");
    dir_.write_file("web/captioner.html", "<!doctype html><title>captioner</title>");
    dir_.write_file("web/display.html", "<!doctype html><title>display</title>");
    dir_.write_file("web/js/app.js", "export const x = 1;");
    dir_.write_file("web/style.css", "body{}");
    dir_.write_file("secret.txt", "TOP-SECRET");
    start("web_root = \"" + (dir_.path() / "web").string() + "\"");
  }
};

TEST_F(RelayHttpTest, HealthMetricsAndState) {
  HttpResponse h = http_get(port_, "/healthz");
  EXPECT_EQ(h.status, 200);
  Json hj = Json::parse(h.body);
  EXPECT_EQ(hj["status"], "ok");
  EXPECT_EQ(hj["publisher_connected"], false);
  EXPECT_TRUE(hj.contains("uptime_s"));
  HttpResponse m = http_get(port_, "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.header("content-type").find("text/plain"), std::string::npos);
  for (const char* name :
       {"hallcast_viewers ", "hallcast_bytes_out_total ", "hallcast_lag_disconnects_total ",
        "hallcast_auth_failures_total ", "hallcast_captions_total ",
        "hallcast_publisher_connected{hall=\"trien-lam\"} 0"})
    EXPECT_NE(m.body.find(name), std::string::npos) << name;
  WsClient v = viewer("trien-lam");
  Json st = Json::parse(http_get(port_, "/api/state").body);
  ASSERT_EQ(st["halls"].size(), 2u);
  EXPECT_EQ(st["halls"][0]["id"], "hoi-truong");
  EXPECT_EQ(st["halls"][0]["stream"], "offline");
  // The schedule per hall, for the operator panel and the standby screens.
  ASSERT_EQ(st["halls"][0]["sessions"].size(), 2u);
  EXPECT_EQ(st["halls"][0]["sessions"][0]["id"], "hoi-thao-1");
  EXPECT_EQ(st["halls"][0]["sessions"][0]["title"],
            "Thúc đẩy chương trình chuyển đổi số tỉnh Thanh Hóa năm 2022");
  EXPECT_FALSE(st["halls"][0]["sessions"][0]["start"].get<std::string>().empty());
  EXPECT_EQ(st["halls"][1]["viewers"], 1);
  EXPECT_EQ(st["event"]["id"], "thanh-hoa-2022-test");
}

TEST_F(RelayHttpTest, PagesWithMimeTypesAndCsp) {
  struct Case {
    const char* path;
    const char* body;
    const char* mime;
  } cases[] = {{"/", "viewer", "text/html"},
               {"/operator", "operator", "text/html"},
               {"/captioner", "captioner", "text/html"},
               {"/display", "display", "text/html"},
               {"/js/app.js", "export", "text/javascript"},
               {"/style.css", "body", "text/css"}};
  for (const auto& c : cases) {
    HttpResponse r = http_get(port_, c.path);
    EXPECT_EQ(r.status, 200) << c.path;
    EXPECT_NE(r.body.find(c.body), std::string::npos) << c.path;
    EXPECT_EQ(r.header("content-type").rfind(c.mime, 0), 0u)
        << c.path << ": " << r.header("content-type");
    EXPECT_NE(r.header("content-security-policy").find("script-src 'self'"), std::string::npos)
        << c.path;
  }
  EXPECT_EQ(http_get(port_, "/nope.html").status, 404);
}

TEST_F(RelayHttpTest, NoPathOutsideWebRootWhateverTheEncoding) {
  for (const char* path : {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
                           "/js/..%2f..%2fsecret.txt", "/js%2f..%2f..%2fsecret.txt",
                           "/..%5csecret.txt", "/%2e%2e%2fsecret.txt", "/js/../../secret.txt",
                           "/.%2e/secret.txt", "/%252e%252e/secret.txt", "/index.html%00.txt"}) {
    HttpResponse r = http_get(port_, path);
    EXPECT_NE(r.status, 200) << path;
    EXPECT_EQ(r.body.find("TOP-SECRET"), std::string::npos) << path;
  }
  // Raw request line, no client-side normalisation at all.
  HttpResponse raw =
      http_request(port_, "GET /../../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(raw.body.find("TOP-SECRET"), std::string::npos);
}

// CVE-2025-11677: an Upgrade that is neither websocket nor h2c must not crash the relay (the
// ASan build of this test catches a use-after-free).
TEST_F(RelayHttpTest, UpgradeFooIsHarmless) {
  for (int i = 0; i < 3; ++i) {
    HttpResponse r = http_request(port_,
                                  "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n"
                                  "Upgrade: foo\r\n\r\n",
                                  3s);
    EXPECT_NE(r.status, 101);
  }
  EXPECT_TRUE(relay_->running());
  EXPECT_EQ(http_get(port_, "/healthz").status, 200);
}

TEST_F(RelayHttpTest, CleanShutdownOnSigterm) {
  WsClient v = viewer();
  WsClient op = controller("op-secret");
  ExitStatus st = relay_->terminate(10s);
  EXPECT_TRUE(st.exited);
  EXPECT_EQ(st.shell_code(), 0) << relay_->output(Stream::Stderr);
  EXPECT_EQ(relay_->output(Stream::Stderr).find("ERROR: AddressSanitizer"), std::string::npos);
  EXPECT_EQ(relay_->output(Stream::Stderr).find("LeakSanitizer"), std::string::npos);
  relay_.reset();
}

}  // namespace
}  // namespace hallcast::relay::test
