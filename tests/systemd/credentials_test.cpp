// Each system unit hands its program exactly the role secrets the program reads (config::Roles
// in its main.cpp): the relay all four, a streamer the publisher's, a display the viewer's. A
// unit loading more would put secrets on boxes that need none (docs/operations.md).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace hallcast::systemd_test {
namespace {

std::set<std::string> credentials_of(const std::string& unit) {
  std::ifstream in(std::string(HALLCAST_SOURCE_DIR) + "/systemd/" + unit);
  EXPECT_TRUE(in) << unit;
  std::set<std::string> ids;
  static const std::regex load(R"(^LoadCredential=([A-Za-z0-9_.-]+)\s*$)");
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, load)) ids.insert(m[1]);
  }
  return ids;
}

TEST(SystemdCredentials, EachUnitLoadsOnlyItsProgramsSecrets) {
  EXPECT_EQ(credentials_of("hallcast-relay.service.in"),
            (std::set<std::string>{"hallcast-publisher", "hallcast-operator", "hallcast-captioner",
                                   "hallcast-viewer"}));
  EXPECT_EQ(credentials_of("hallcast-streamer@.service.in"),
            (std::set<std::string>{"hallcast-publisher"}));
  EXPECT_EQ(credentials_of("hallcast-display@.service.in"),
            (std::set<std::string>{"hallcast-viewer"}));
}

TEST(SystemdCredentials, OperationsGuideNamesTheSameCredentials) {
  std::ifstream in(std::string(HALLCAST_SOURCE_DIR) + "/docs/operations.md");
  std::stringstream doc;
  doc << in.rdbuf();
  for (const char* text : {"LoadCredential=hallcast-publisher",
                           "token_file = \"$CREDENTIALS_DIRECTORY/hallcast-publisher\"",
                           "/etc/credstore/hallcast-publisher"}) {
    EXPECT_NE(doc.str().find(text), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace hallcast::systemd_test
