#include "hallcast/display/screen_config.hpp"

#include <gtest/gtest.h>

namespace hallcast::display {
namespace {

config::Config two_screens() {
  config::Config c;
  c.path = "event.toml";
  c.halls = {{"hoi-truong", "Hội trường", "0.0.0.0:9711", {}},
             {"trien-lam", "Khu triển lãm", "", {}}};
  config::Display a;
  a.id = "may-chieu";
  a.hall = "hoi-truong";
  config::Display b;
  b.id = "tv-trien-lam";
  b.hall = "trien-lam";
  b.overlays = {"captions", "clock"};
  c.displays = {a, b};
  c.relay.listen = "0.0.0.0:8080";
  return c;
}

TEST(ScreenConfig, PicksTheScreenAndDerivesItsInputs) {
  auto s = resolve_screen(two_screens(), "may-chieu");
  EXPECT_EQ(s.display.hall, "hoi-truong");
  EXPECT_EQ(s.srt_url, "srt://127.0.0.1:9711");
  ASSERT_TRUE(s.relay.has_value());
  EXPECT_EQ(s.relay->host, "127.0.0.1");
  EXPECT_EQ(s.relay->port, 8080);
  EXPECT_EQ(s.relay->path, "/?hall=hoi-truong");
  EXPECT_TRUE(s.play_srt);
  EXPECT_TRUE(s.play_relay);  // fallback_to_relay defaults to true
}

TEST(ScreenConfig, AHallWithoutSrtPlaysFromTheRelay) {
  auto c = two_screens();
  c.outputs.relay_url = "wss://relay.example.vn/live";
  auto s = resolve_screen(c, "tv-trien-lam");
  EXPECT_FALSE(s.play_srt);
  EXPECT_TRUE(s.play_relay);
  EXPECT_TRUE(s.relay->tls);
  EXPECT_EQ(s.relay->port, 443);
  EXPECT_EQ(s.relay->path, "/live?hall=trien-lam");
  EXPECT_TRUE(s.has_overlay("clock"));
  EXPECT_FALSE(s.has_overlay("title"));
}

TEST(ScreenConfig, NoFallbackMeansSrtOnly) {
  auto c = two_screens();
  c.displays[0].fallback_to_relay = false;
  auto s = resolve_screen(c, "may-chieu");
  EXPECT_TRUE(s.play_srt);
  EXPECT_FALSE(s.play_relay);
}

TEST(ScreenConfig, UnknownOrAmbiguousScreenIsAConfigError) {
  try {
    resolve_screen(two_screens(), "");
    FAIL() << "expected an error";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(e.problems().at(0).message.find("--screen"), std::string::npos);
  }
  try {
    resolve_screen(two_screens(), "may-chieu-2");
    FAIL() << "expected an error";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(e.problems().at(0).message.find("may-chieu, tv-trien-lam"), std::string::npos);
  }
}

TEST(ScreenConfig, ParsesWebSocketUrls) {
  auto ep = parse_ws_url("ws://10.0.0.5:9000", "hội trường");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->host, "10.0.0.5");
  EXPECT_EQ(ep->port, 9000);
  EXPECT_EQ(ep->path, "/?hall=h%E1%BB%99i%20tr%C6%B0%E1%BB%9Dng");
  EXPECT_FALSE(parse_ws_url("http://x:1", "a"));
  EXPECT_FALSE(parse_ws_url("ws://:80", "a"));
  EXPECT_FALSE(parse_ws_url("ws://x:99999", "a"));
  EXPECT_FALSE(parse_ws_url("ws://x:80/?hall=b", "a"));
}

}  // namespace
}  // namespace hallcast::display
