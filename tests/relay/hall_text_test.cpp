// HallText: caption validation (NFC, length, language), partial/final/corrections, titles.
#include "hallcast/relay/hall_text.hpp"

#include <gtest/gtest.h>

namespace hallcast::relay {
namespace {

config::Config make_config() {
  config::Config c;
  c.halls = {{"hoi-truong", "Hội trường", "", {}}};
  config::Session s;
  s.id = "hoi-thao-1";
  s.hall = "hoi-truong";
  s.title = "Thúc đẩy chương trình chuyển đổi số tỉnh Thanh Hóa năm 2022";
  s.speakers = {{"Ông Mai Xuân Liêm", "Phó Chủ tịch UBND tỉnh Thanh Hóa"},
                {"Ông Đỗ Hữu Quyết", "Giám đốc Sở TT-TT"}};
  c.sessions = {s};
  c.captions.languages = {"vi", "en"};
  c.captions.max_length = 20;
  c.captions.recent_lines = 2;
  return c;
}

Json cap(const std::string& text, bool final = true) {
  return Json{{"type", "caption"}, {"text", text}, {"final", final}};
}

TEST(HallText, CaptionIsNormalisedToNfcOnOneLine) {
  auto cfg = make_config();
  HallText t(cfg, "hoi-truong");
  auto r = t.caption(cap("Chuye\xcc\x82\xcc\x89n\n đổi"), 1000);
  ASSERT_TRUE(r.event) << r.error_message;
  EXPECT_EQ((*r.event)["text"], "Chuyển  đổi");
  EXPECT_EQ((*r.event)["lang"], "vi");
  EXPECT_TRUE(r.persist);
}

TEST(HallText, LengthIsCountedInCharactersNotBytes) {
  auto cfg = make_config();
  HallText t(cfg, "hoi-truong");
  EXPECT_TRUE(t.caption(cap("ễễễễễễễễễễễễễễễễễễễễ"), 1).event);  // 20 characters, 60 bytes
  EXPECT_EQ(t.caption(cap("ễễễễễễễễễễễễễễễễễễễễễ"), 2).error_code, "too_long");
}

TEST(HallText, LanguageAndTypes) {
  auto cfg = make_config();
  HallText t(cfg, "hoi-truong");
  EXPECT_EQ(t.caption(Json{{"text", "x"}, {"lang", "fr"}}, 1).error_code, "bad_language");
  EXPECT_EQ(t.caption(Json{{"text", "x"}, {"lang", 5}}, 1).error_code, "bad_request");
  EXPECT_EQ(t.caption(Json{{"text", "x"}, {"final", "yes"}}, 1).error_code, "bad_request");
  EXPECT_EQ(t.caption(Json{{"text", Json::array()}}, 1).error_code, "bad_request");
  EXPECT_EQ(t.caption(cap("  "), 1).error_code, "bad_request");
  EXPECT_TRUE(t.caption(Json{{"text", "hello"}, {"lang", "en"}}, 1).event);
}

TEST(HallText, PartialsShareTheIdOfTheirFinalAndAreNotKept) {
  auto cfg = make_config();
  HallText t(cfg, "hoi-truong");
  auto p = t.caption(cap("Chuyển", false), 1);
  EXPECT_FALSE(p.persist);
  auto f = t.caption(cap("Chuyển đổi"), 2);
  EXPECT_EQ((*p.event)["id"], (*f.event)["id"]);
  EXPECT_EQ(t.recent_json().size(), 1u);
  EXPECT_EQ((*t.caption(cap("x", false), 3).event)["id"], "c-2");
}

TEST(HallText, CorrectionReplacesTheLastFinalLineOnly) {
  auto cfg = make_config();
  HallText t(cfg, "hoi-truong");
  t.caption(cap("một"), 1);
  t.caption(cap("hai"), 2);
  auto bad = t.caption(Json{{"text", "1"}, {"corrects", "c-1"}}, 3);
  EXPECT_EQ(bad.error_code, "bad_correction");
  auto ok = t.caption(Json{{"text", "hai!"}, {"corrects", "c-2"}}, 3);
  ASSERT_TRUE(ok.event);
  const auto* lines = t.session_captions(t.current_session(3));
  ASSERT_TRUE(lines);
  ASSERT_EQ(lines->size(), 2u);
  EXPECT_EQ((*lines)[1].text, "hai!");
  EXPECT_EQ(t.recent_json().size(), 2u) << "recent_lines bounds what joiners get";
}

TEST(HallText, TitlesFromTheScheduleStepThroughSpeakers) {
  auto cfg = make_config();
  HallText t(cfg, "hoi-truong");
  auto n1 = t.title(Json{{"action", "next"}}, 1);
  ASSERT_TRUE(n1.event);
  EXPECT_FALSE(n1.event->contains("speaker"));
  EXPECT_EQ((*t.title(Json{{"action", "next"}}, 2).event)["speaker"]["name"], "Ông Mai Xuân Liêm");
  EXPECT_EQ((*t.title(Json{{"action", "next"}}, 3).event)["speaker"]["name"], "Ông Đỗ Hữu Quyết");
  EXPECT_EQ(t.title(Json{{"action", "next"}}, 4).error_code, "end_of_schedule");
  EXPECT_EQ(t.title(Json{{"session", "hoi-thao-1"}, {"speaker", 2}}, 5).error_code, "bad_request");
  EXPECT_EQ(t.title(Json{{"action", "jump"}}, 5).error_code, "bad_request");
  EXPECT_EQ((*t.title(Json{{"action", "clear"}}, 6).event)["cleared"], true);
  EXPECT_EQ(t.current_session(6), "hoi-truong")
      << "outside the schedule, captions file under the hall";
}

TEST(HallText, ReplayRestoresTitleCaptionsAndIds) {
  auto cfg = make_config();
  HallText a(cfg, "hoi-truong");
  std::vector<Json> log;
  log.push_back(*a.title(Json{{"session", "hoi-thao-1"}, {"speaker", 1}}, 1).event);
  log.push_back(*a.caption(cap("một"), 2).event);
  log.push_back(*a.caption(cap("hai"), 3).event);
  HallText b(cfg, "hoi-truong");
  for (const auto& j : log) b.replay(j);
  EXPECT_EQ(b.title_json()["speaker"]["name"], "Ông Đỗ Hữu Quyết");
  EXPECT_EQ(b.recent_json().size(), 2u);
  EXPECT_EQ((*b.caption(cap("ba"), 4).event)["id"], "c-3");
}

}  // namespace
}  // namespace hallcast::relay
