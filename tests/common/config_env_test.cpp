// Environment overrides: HALLCAST_<TABLE>_<KEY> replaces a key of a single table.
#include <gtest/gtest.h>

#include <filesystem>

#include "hallcast/common/config.hpp"
#include "test_env.hpp"

namespace hallcast::config {
namespace {

std::string dev_config() {
  return test::source_dir() + "/config/dev.toml";
}

TEST(ConfigEnv, OverridesScalarsOfSingleTables) {
  test::ScopedEnv env({{"HALLCAST_RELAY_LISTEN", "127.0.0.1:0"},
                       {"HALLCAST_OUTPUTS_RELAY_URL", "ws://127.0.0.1:9999"},
                       {"HALLCAST_LOG_LEVEL", "debug"},
                       {"HALLCAST_PROGRAM_BURN_IN", "true"},
                       {"HALLCAST_PROGRAM_VIDEO_BITRATE_KBPS", "1500"},
                       {"HALLCAST_DISPLAY_FONT_SCALE", "2"}});  // not a single table: ignored
  const Config c = load(dev_config());
  EXPECT_EQ(c.relay.listen, "127.0.0.1:0");
  EXPECT_EQ(c.outputs.relay_url, "ws://127.0.0.1:9999");
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_TRUE(c.program.burn_in);
  EXPECT_EQ(c.program.video_bitrate_kbps, 1500);
}

TEST(ConfigEnv, CreatesTablesTheFileDoesNotHave) {
  test::ScopedEnv env({{"HALLCAST_WATCHDOG_TIMEOUT_MS", "1200"},
                       {"HALLCAST_RELAY_ALLOWED_ORIGINS", "http://a.example, https://b.example"}});
  const Config c = load(dev_config());
  EXPECT_EQ(c.watchdog.timeout_ms, 1200);
  EXPECT_EQ(c.relay.allowed_origins,
            (std::vector<std::string>{"http://a.example", "https://b.example"}));
}

TEST(ConfigEnv, RelativePathsFromTheEnvironmentUseTheWorkingDirectory) {
  test::ScopedEnv env({{"HALLCAST_RELAY_STATE_DIR", "state-here"}});
  const Config c = load(dev_config());
  EXPECT_EQ(c.relay.state_dir, (std::filesystem::current_path() / "state-here").string());
}

TEST(ConfigEnv, TokenVariablesAreNotOverrides) {
  // HALLCAST_PUBLISHER_TOKEN names no table: it must not be taken as an unknown key.
  test::ScopedEnv env({{"HALLCAST_PUBLISHER_TOKEN", "x"}, {"HALLCAST_SOURCE_DIR", "/tmp"}});
  EXPECT_NO_THROW(load(dev_config()));
}

TEST(ConfigEnv, BadOverridesAreReportedByVariableName) {
  test::ScopedEnv env(
      {{"HALLCAST_PROGRAM_FRAMERATE", "500"}, {"HALLCAST_WATCHDOG_AUTO_RETURN", "maybe"}});
  try {
    load(dev_config());
    FAIL() << "bad overrides accepted";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.problems().size(), 2u);
    EXPECT_EQ(e.problems()[0].format(),
              "env:HALLCAST_PROGRAM_FRAMERATE: program.framerate: 500 is out of range (1-120)");
    EXPECT_EQ(e.problems()[1].format(),
              "env:HALLCAST_WATCHDOG_AUTO_RETURN: watchdog.auto_return: expected true or false");
  }
}

TEST(ConfigEnv, UrlWithoutHostIsReported) {
  test::ScopedEnv env({{"HALLCAST_OUTPUTS_RELAY_URL", "ws://"}});
  try {
    load(dev_config());
    FAIL() << "a relay URL without a host was accepted";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.problems().size(), 1u);
    EXPECT_EQ(e.problems()[0].format(),
              "env:HALLCAST_OUTPUTS_RELAY_URL: outputs.relay_url: 'ws://' needs a host name or "
              "address");
  }
}

}  // namespace
}  // namespace hallcast::config
