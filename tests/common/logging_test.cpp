// Log level names (CLI --log-level and [log] level share them).
#include <gtest/gtest.h>

#include "hallcast/common/logging.hpp"

namespace hallcast::logging {
namespace {

TEST(CommonLogging, ParsesEveryLevelName) {
  EXPECT_EQ(parse_level("trace"), spdlog::level::trace);
  EXPECT_EQ(parse_level("debug"), spdlog::level::debug);
  EXPECT_EQ(parse_level("info"), spdlog::level::info);
  EXPECT_EQ(parse_level("warn"), spdlog::level::warn);
  EXPECT_EQ(parse_level("warning"), spdlog::level::warn);
  EXPECT_EQ(parse_level("error"), spdlog::level::err);
  EXPECT_EQ(parse_level("critical"), spdlog::level::critical);
  EXPECT_EQ(parse_level("off"), spdlog::level::off);
}

TEST(CommonLogging, RejectsUnknownLevels) {
  EXPECT_THROW(parse_level("verbose"), std::invalid_argument);
  EXPECT_THROW(parse_level("INFO"), std::invalid_argument);
  EXPECT_THROW(parse_level(""), std::invalid_argument);
}

TEST(CommonLogging, SetupAppliesTheLevelToNamedLoggers) {
  setup("warn");
  auto relay = get("relay");
  EXPECT_EQ(relay->level(), spdlog::level::warn);
  EXPECT_EQ(get("relay"), relay);  // one logger per name
  setup("debug");
  EXPECT_EQ(relay->level(), spdlog::level::debug);
  EXPECT_THROW(setup("loud"), std::invalid_argument);
}

}  // namespace
}  // namespace hallcast::logging
