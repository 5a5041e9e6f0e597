#include "hallcast/display/relay_events.hpp"

#include <gtest/gtest.h>

namespace hallcast::display {
namespace {

TEST(RelayEvents, CaptionKeepsMarkupAsTextAndNormalisesToNfc) {
  std::string err;
  // "Hóa" written decomposed (o + U+0301) arrives composed.
  auto e = parse_relay_event(
      R"({"type":"caption","id":"c-1","text":"<b>Thanh Ho\u0301a</b> & <span>","final":true,"t":1665021600000})",
      &err);
  ASSERT_TRUE(e) << err;
  auto* c = std::get_if<CaptionEvent>(&*e);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->text, "<b>Thanh Hóa</b> & <span>");
  EXPECT_TRUE(c->final);
  EXPECT_EQ(c->t_ms, 1665021600000);
}

TEST(RelayEvents, TitleWithSpeakerAndCleared) {
  auto e = parse_relay_event(
      R"({"type":"title","session":"hoi-thao-1","text":"Thúc đẩy chương trình chuyển đổi số","speaker":{"name":"Ông Mai Xuân Liêm","role":"Phó Chủ tịch UBND tỉnh Thanh Hóa"}})",
      nullptr);
  ASSERT_TRUE(e);
  auto* t = std::get_if<TitleEvent>(&*e);
  ASSERT_NE(t, nullptr);
  EXPECT_FALSE(t->cleared);
  EXPECT_EQ(t->name, "Ông Mai Xuân Liêm");
  EXPECT_EQ(t->role, "Phó Chủ tịch UBND tỉnh Thanh Hóa");
  auto cleared = parse_relay_event(R"({"type":"title","cleared":true})", nullptr);
  ASSERT_TRUE(cleared);
  EXPECT_TRUE(std::get<TitleEvent>(*cleared).cleared);
}

TEST(RelayEvents, HelloCarriesTitleStateAndRecentCaptions) {
  auto e = parse_relay_event(
      R"({"type":"hello","protocol":1,"state":{"stream":"offline"},"title":{"text":"Khai mạc"},
          "captions":[{"id":"c-1","text":"một","final":true},{"id":"c-2","text":"hai","final":true}]})",
      nullptr);
  ASSERT_TRUE(e);
  auto& h = std::get<HelloEvent>(*e);
  EXPECT_EQ(h.title.text, "Khai mạc");
  ASSERT_EQ(h.captions.size(), 2u);
  EXPECT_EQ(h.captions[1].text, "hai");
  ASSERT_TRUE(h.state.live.has_value());
  EXPECT_FALSE(*h.state.live);
}

TEST(RelayEvents, RejectsBadInputWithAReason) {
  std::string err;
  EXPECT_FALSE(parse_relay_event("not json", &err));
  EXPECT_EQ(err, "not a JSON object");
  EXPECT_FALSE(parse_relay_event(R"({"text":"x"})", &err));
  EXPECT_FALSE(parse_relay_event("{\"type\":\"caption\",\"text\":\"\xff\"}", &err));
  EXPECT_EQ(err, "not valid UTF-8");
  std::string deep(100, '[');
  EXPECT_FALSE(parse_relay_event(R"({"type":"x","a":)" + deep, &err));
  auto other = parse_relay_event(R"({"type":"viewers","count":3})", &err);
  ASSERT_TRUE(other);
  EXPECT_EQ(std::get<IgnoredEvent>(*other).type, "viewers");
}

}  // namespace
}  // namespace hallcast::display
