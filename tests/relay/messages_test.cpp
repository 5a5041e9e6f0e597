// Message parsing and command checks.
#include "hallcast/relay/messages.hpp"

#include <gtest/gtest.h>

namespace hallcast::relay {
namespace {

config::Config make_config() {
  config::Config c;
  c.halls = {{"hoi-truong", "Hội trường", "", {}}, {"trien-lam", "Triển lãm", "", {}}};
  c.sources = {config::Source{}, config::Source{}};
  c.sources[0].id = "cam-1";
  c.sources[0].hall = "hoi-truong";
  c.sources[1].id = "cam-tl";
  c.sources[1].hall = "trien-lam";
  c.auth.operator_token = "op";
  c.auth.captioner_token = "cap";
  c.auth.publisher_token = "pub";
  return c;
}

TEST(Messages, DepthIsBoundedWithoutBuildingTheDeepValue) {
  std::string deep =
      "{\"type\":\"x\",\"a\":" + std::string(200000, '[') + std::string(200000, ']') + "}";
  Parsed p = parse_message(deep, 16);
  EXPECT_NE(p.error.find("deeper than 16"), std::string::npos);
  std::string ok = "{\"type\":\"x\",\"a\":" + std::string(14, '[') + std::string(14, ']') + "}";
  EXPECT_EQ(parse_message(ok, 16).error, "");
}

TEST(Messages, ShapeErrors) {
  EXPECT_EQ(parse_message("nope", 16).error, "malformed JSON");
  EXPECT_EQ(parse_message("[]", 16).error, "a message must be a JSON object");
  EXPECT_NE(parse_message(R"({"type":1})", 16).error, "");
  EXPECT_NE(parse_message(R"({"type":"x","id":7})", 16).error, "");
  EXPECT_NE(parse_message("{\"type\":\"x\",\"id\":\"" + std::string(65, 'a') + "\"}", 16).error,
            "");
}

TEST(Messages, ConstantTimeCompareAndRoles) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_FALSE(constant_time_equal("", "a"));
  auto cfg = make_config();
  EXPECT_EQ(role_for_token(cfg.auth, "op"), Role::Operator);
  EXPECT_EQ(role_for_token(cfg.auth, "cap"), Role::Captioner);
  EXPECT_EQ(role_for_token(cfg.auth, "pub"), Role::Publisher);
  EXPECT_EQ(role_for_token(cfg.auth, ""), Role::None) << "an unset viewer token matches nothing";
  EXPECT_EQ(role_for_token(cfg.auth, "opx"), Role::None);
}

TEST(Messages, CommandChecks) {
  auto cfg = make_config();
  auto check = [&](const char* json, Role r) {
    auto e = check_command(nlohmann::json::parse(json), r, cfg, "hoi-truong");
    return e ? e->code : std::string("ok");
  };
  EXPECT_EQ(check(R"({"type":"switch","source":"cam-1"})", Role::Operator), "ok");
  EXPECT_EQ(check(R"({"type":"switch","source":"cam-1"})", Role::Captioner), "forbidden");
  EXPECT_EQ(check(R"({"type":"switch","source":"cam-1"})", Role::None), "unauthorized");
  EXPECT_EQ(check(R"({"type":"switch","source":"cam-tl"})", Role::Operator), "unknown_source");
  EXPECT_EQ(check(R"({"type":"switch","source":"cam-1","transition":"wipe"})", Role::Operator),
            "bad_request");
  EXPECT_EQ(check(R"({"type":"switch","source":"cam-1","duration_ms":"5"})", Role::Operator),
            "bad_request");
  EXPECT_EQ(check(R"({"type":"layout","mode":"sbs","sources":["cam-1","cam-1"]})", Role::Operator),
            "ok");
  EXPECT_EQ(check(R"({"type":"layout","mode":"sbs","sources":"cam-1"})", Role::Operator),
            "bad_request");
  EXPECT_EQ(check(R"({"type":"slate","on":"yes"})", Role::Operator), "bad_request");
  EXPECT_EQ(check(R"({"type":"slate","on":true,"message":"Giải lao"})", Role::Operator), "ok");
  EXPECT_EQ(check(R"({"type":"caption","text":"x"})", Role::Captioner), "ok");
  EXPECT_EQ(check(R"({"type":"title","action":"next"})", Role::Captioner), "forbidden");
  EXPECT_EQ(check(R"({"type":"dance"})", Role::Operator), "unknown_type");
}

TEST(Messages, AckAndErrorEchoTheId) {
  auto cmd = nlohmann::json::parse(R"({"type":"switch","id":"op-1"})");
  EXPECT_EQ(make_ack(cmd)["id"], "op-1");
  EXPECT_EQ(make_ack(cmd)["ref"], "switch");
  auto e = make_error(cmd, "no_streamer", "none");
  EXPECT_EQ(e["id"], "op-1");
  EXPECT_EQ(e["code"], "no_streamer");
}

}  // namespace
}  // namespace hallcast::relay
