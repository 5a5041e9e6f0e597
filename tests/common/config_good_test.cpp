// The shipped configs load and hold what the reference event says; defaults, relative paths,
// NFC normalisation and schedule look-ups.
#include <gtest/gtest.h>

#include <filesystem>

#include "hallcast/common/config.hpp"
#include "test_env.hpp"

namespace hallcast::config {
namespace {

using namespace std::chrono;

const std::vector<std::pair<std::string, std::string>> kTokens = {
    {"HALLCAST_PUBLISHER_TOKEN", "pub-secret"},
    {"HALLCAST_OPERATOR_TOKEN", "op-secret"},
    {"HALLCAST_CAPTIONER_TOKEN", "cap-secret"}};

std::string config_file(const std::string& name) {
  return test::source_dir() + "/config/" + name;
}

TimePoint at(int hour, int minute) {  // 2022-10-06 HH:MM +07:00
  return sys_days{year{2022} / October / 6} + hours{hour - 7} + minutes{minute};
}

TEST(ConfigReference, LoadsWithItsHallsAndSchedule) {
  test::ScopedEnv env(kTokens);
  const Config c = load(config_file("thanh-hoa-2022.toml"));
  EXPECT_EQ(c.event.id, "thanh-hoa-2022");
  EXPECT_EQ(c.event.timezone, "Asia/Ho_Chi_Minh");
  EXPECT_FALSE(c.event.dev);
  ASSERT_EQ(c.halls.size(), 2u);
  EXPECT_EQ(c.halls[0].id, "hoi-truong");
  EXPECT_EQ(c.halls[1].id, "trien-lam");
  ASSERT_NE(c.find_session("hoi-thao-1"), nullptr);
  EXPECT_EQ(c.find_session("hoi-thao-1")->title,
            "Thúc đẩy chương trình chuyển đổi số tỉnh Thanh Hóa năm 2022");
  EXPECT_EQ(c.find_session("hoi-thao-2")->title,
            "Chuyển đổi số doanh nghiệp nhỏ và vừa - động lực thúc đẩy phát triển kinh tế số tại "
            "tỉnh Thanh Hóa");
  EXPECT_EQ(c.find_session("hoi-thao-3")->title,
            "Chuyển đổi số trong lĩnh vực nông nghiệp hướng đến nông nghiệp công nghệ cao, nông "
            "nghiệp thông minh");
  EXPECT_EQ(c.find_session("khai-mac-trien-lam")->hall, "trien-lam");
  EXPECT_EQ(c.sessions_of_hall("hoi-truong").size(), 3u);
}

TEST(ConfigReference, SpeakersHaveTheirRealRoles) {
  test::ScopedEnv env(kTokens);
  const Config c = load(config_file("thanh-hoa-2022.toml"));
  const Session* s = c.find_session("hoi-thao-1");
  ASSERT_NE(s, nullptr);
  ASSERT_EQ(s->speakers.size(), 2u);
  EXPECT_EQ(s->speakers[0].name, "Ông Mai Xuân Liêm");
  EXPECT_EQ(s->speakers[0].role,
            "Phó Chủ tịch UBND tỉnh Thanh Hóa, Phó trưởng ban Chuyển đổi số tỉnh Thanh Hóa");
  EXPECT_EQ(s->speakers[1].name, "Ông Nguyễn Phú Tiến");
  EXPECT_EQ(s->speakers[1].role, "Phó Cục trưởng Cục Chuyển đổi số quốc gia, Bộ TT-TT");
  EXPECT_EQ(c.find_session("hoi-thao-2")->speakers.at(0).role,
            "Giám đốc Sở TT-TT, Phó trưởng ban chỉ đạo Chuyển đổi số tỉnh Thanh Hóa");
}

TEST(ConfigReference, SourcesDisplaysOutputsAndTokens) {
  test::ScopedEnv env(kTokens);
  const Config c = load(config_file("thanh-hoa-2022.toml"));
  const auto hall_sources = c.sources_of_hall("hoi-truong");
  ASSERT_EQ(hall_sources.size(), 3u);
  EXPECT_EQ(hall_sources[0]->label, "Camera 1 — Toàn cảnh hội trường");
  EXPECT_EQ(c.find_source("slides")->label, "Máy tính trình chiếu");
  for (const Source& s : c.sources) EXPECT_EQ(s.kind, SourceKind::Test) << s.id;
  EXPECT_EQ(c.sources_of_hall("trien-lam").size(), 2u);
  EXPECT_NE(c.halls[0].srt_listen, c.halls[1].srt_listen);
  EXPECT_EQ(c.outputs.relay_url, "ws://127.0.0.1:8080");
  EXPECT_EQ(c.slate.text, "Chương trình sẽ tiếp tục trong giây lát");
  EXPECT_EQ(c.captions.languages, (std::vector<std::string>{"vi", "en"}));
  EXPECT_EQ(c.find_display("may-chieu-hoi-truong")->hall, "hoi-truong");
  EXPECT_EQ(c.find_display("tv-trien-lam")->hall, "trien-lam");
  EXPECT_EQ(c.auth.publisher_token, "pub-secret");
  EXPECT_EQ(c.auth.operator_token, "op-secret");
  EXPECT_EQ(c.auth.captioner_token, "cap-secret");
  EXPECT_TRUE(c.auth.viewer_token.empty());
}

TEST(ConfigReference, SessionTimesAreInstantsWithTheirText) {
  test::ScopedEnv env(kTokens);
  const Config c = load(config_file("thanh-hoa-2022.toml"));
  const Session* s = c.find_session("hoi-thao-1");
  EXPECT_EQ(s->start, at(8, 30));
  EXPECT_EQ(s->end, at(10, 0));
  EXPECT_EQ(s->start_text, "2022-10-06T08:30:00+07:00");
  EXPECT_EQ(c.current_or_next_session("hoi-truong", at(7, 0))->id, "hoi-thao-1");   // next
  EXPECT_EQ(c.current_or_next_session("hoi-truong", at(9, 59))->id, "hoi-thao-1");  // on now
  EXPECT_EQ(c.current_or_next_session("hoi-truong", at(10, 0))->id, "hoi-thao-2");  // ended
  EXPECT_EQ(c.current_or_next_session("hoi-truong", at(12, 0))->id, "hoi-thao-3");
  EXPECT_EQ(c.current_or_next_session("hoi-truong", at(16, 0)), nullptr);
  EXPECT_EQ(c.current_or_next_session("nowhere", at(9, 0)), nullptr);
}

TEST(ConfigReference, NeedsItsTokensFromTheEnvironment) {
  test::ScopedEnv env;  // none set
  try {
    load(config_file("thanh-hoa-2022.toml"));
    FAIL() << "loaded without tokens";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.problems().size(), 3u);
    EXPECT_NE(e.problems()[0].message.find("HALLCAST_PUBLISHER_TOKEN is not set"),
              std::string::npos);
  }
}

TEST(ConfigDev, LoadsWithInlineTokensAndThreeTestSources) {
  test::ScopedEnv env;
  const Config c = load(config_file("dev.toml"));
  EXPECT_TRUE(c.event.dev);
  ASSERT_EQ(c.halls.size(), 1u);
  EXPECT_EQ(c.halls[0].id, "hoi-truong");
  EXPECT_EQ(c.relay.listen, "127.0.0.1:8080");
  ASSERT_EQ(c.sources.size(), 3u);
  EXPECT_EQ(c.sources[0].id, "cam-1");
  EXPECT_EQ(c.sources[1].id, "cam-2");
  EXPECT_EQ(c.sources[2].id, "slides");
  EXPECT_NE(c.sources[0].pattern, c.sources[1].pattern);
  EXPECT_NE(c.sources[1].pattern, c.sources[2].pattern);
  EXPECT_FALSE(c.auth.publisher_token.empty());
  EXPECT_FALSE(c.auth.operator_token.empty());
  EXPECT_FALSE(c.auth.captioner_token.empty());
}

TEST(ConfigExample, VenueHardwareValidatesWithoutTheHardware) {
  test::ScopedEnv env;
  const std::string dir = test::source_dir() + "/config/examples";
  const Config c = load(dir + "/venue-hardware.toml");
  EXPECT_EQ(c.find_source("cam-1")->kind, SourceKind::V4l2);
  EXPECT_EQ(c.find_source("cam-2")->kind, SourceKind::Rtsp);
  EXPECT_EQ(c.find_source("cam-di-dong")->srt_mode, "listener");
  EXPECT_EQ(c.find_source("banner")->kind, SourceKind::Image);
  // Relative paths resolve against the config file's directory.
  EXPECT_EQ(c.find_source("phim-gioi-thieu")->path, dir + "/media/gioi-thieu.mp4");
  EXPECT_EQ(c.slate.image, dir + "/media/slate.png");
  EXPECT_EQ(c.auth.publisher.file, dir + "/tokens/publisher");
  EXPECT_EQ(c.auth.publisher_token, "example-publisher-token-change-me");  // newline trimmed
  // [[sessions.speakers]] tables are the same as an inline array.
  EXPECT_EQ(c.find_session("hoi-thao-1")->speakers.size(), 2u);
  EXPECT_EQ(c.program.audio, "cam-1");
}

TEST(ConfigShipped, EveryFileUnderConfigValidates) {
  test::ScopedEnv env(kTokens);
  int count = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(test::source_dir() + "/config")) {
    if (entry.path().extension() != ".toml") continue;
    ++count;
    try {
      load(entry.path().string());
    } catch (const ConfigError& e) {
      ADD_FAILURE() << e.what();
    }
  }
  EXPECT_GE(count, 3);
}

const char* kMinimal = R"([event]
id = "e"
name = "Sự kiện"
dev = true
[[halls]]
id = "hoi-truong"
name = "Hội trường"
[auth.publisher]
token = "p"
[auth.operator]
token = "o"
[auth.captioner]
token = "c"
)";

TEST(ConfigDefaults, UnsetKeysKeepTheirDefaults) {
  test::ScopedEnv env;
  test::ScratchDir dir;
  const Config c = load(dir.write("min.toml", kMinimal));
  const Config defaults;
  EXPECT_EQ(c.event.timezone, "UTC");
  EXPECT_EQ(c.program.width, defaults.program.width);
  EXPECT_EQ(c.program.video_bitrate_kbps, defaults.program.video_bitrate_kbps);
  EXPECT_EQ(c.relay.listen, defaults.relay.listen);
  EXPECT_EQ(c.relay.state_dir, defaults.relay.state_dir);
  EXPECT_EQ(c.watchdog.timeout_ms, defaults.watchdog.timeout_ms);
  EXPECT_EQ(c.captions.languages, defaults.captions.languages);
  EXPECT_EQ(c.log_level, "info");
  EXPECT_TRUE(c.sessions.empty());
}

TEST(ConfigText, DecomposedTextIsStoredComposed) {
  test::ScopedEnv env;
  test::ScratchDir dir;
  // "Thanh Hóa" typed on a keyboard that sends o + U+0301.
  std::string text = kMinimal;
  text +=
      "[[sessions]]\nid = \"s\"\ntitle = \"Thanh Ho\xCC\x81"
      "a\"\nhall = \"hoi-truong\"\n"
      "start = 2022-10-06T08:00:00+07:00\nend = 2022-10-06T09:00:00+07:00\n";
  const Config c = load(dir.write("nfd.toml", text));
  EXPECT_EQ(c.sessions.at(0).title,
            "Thanh H\xC3\xB3"
            "a");
}

TEST(ConfigText, TokenFileIsReadAndTrimmed) {
  test::ScopedEnv env;
  test::ScratchDir dir;
  dir.write("secrets/publisher", "s3cret\n");
  std::string text = kMinimal;
  text.replace(text.find("token = \"p\""), 11, "token_file = \"secrets/publisher\"");
  const Config c = load(dir.write("cfg.toml", text));
  EXPECT_EQ(c.auth.publisher_token, "s3cret");
  EXPECT_EQ(c.auth.publisher.file, (dir.path() / "secrets/publisher").string());
}

}  // namespace
}  // namespace hallcast::config
