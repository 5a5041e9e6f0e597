// Each program reads only the secrets of the roles it uses, and token_file may live in the
// directory systemd's LoadCredential= provides ($CREDENTIALS_DIRECTORY).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "hallcast/common/config.hpp"
#include "test_env.hpp"

namespace hallcast::config {
namespace {

// The reference event, whose three role secrets come from environment variables.
std::string reference() {
  return test::source_dir() + "/config/thanh-hoa-2022.toml";
}

// The 1-based number of the first line of `path` that is exactly `text`, or 0.
int line_of(const std::string& path, const std::string& text) {
  std::ifstream in(path);
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (line == text) return n;
  }
  return 0;
}

std::string problems_of(const std::string& path, const Roles& roles) {
  try {
    load(path, roles);
    return "";
  } catch (const ConfigError& e) {
    std::string all;
    for (const auto& p : e.problems()) all += p.format() + "\n";
    return all;
  }
}

// A minimal valid config whose [auth.*] tables are `auth`.
std::string with_auth(const test::ScratchDir& dir, const std::string& auth) {
  return dir.write("event.toml", R"([event]
id = "cds-thanh-hoa-2022"
name = "Ngày Chuyển đổi số tỉnh Thanh Hóa 2022"

[[halls]]
id = "hoi-truong"
name = "Hội trường 25B"

[[sources]]
id = "cam-1"
hall = "hoi-truong"
kind = "test"

)" + auth);
}

constexpr Roles kDisplay{.publisher = false, .operator_ = false, .captioner = false};
constexpr Roles kStreamer{.operator_ = false, .captioner = false, .viewer = false};

TEST(ConfigRoles, ADisplayNeedsNoRoleSecret) {
  test::ScopedEnv env;  // none of the HALLCAST_*_TOKEN variables
  const Config c = load(reference(), kDisplay);
  EXPECT_EQ(c.auth.publisher_token, "");
  EXPECT_EQ(c.auth.operator_token, "");
  EXPECT_EQ(c.auth.captioner_token, "");
}

TEST(ConfigRoles, AStreamerReadsOnlyThePublisherSecret) {
  test::ScopedEnv env({{"HALLCAST_PUBLISHER_TOKEN", "bi-mat-phat"}});
  const Config c = load(reference(), kStreamer);
  EXPECT_EQ(c.auth.publisher_token, "bi-mat-phat");
  EXPECT_EQ(c.auth.operator_token, "");
  test::ScopedEnv none;
  const int line = line_of(reference(), R"(token_env = "HALLCAST_PUBLISHER_TOKEN")");
  ASSERT_GT(line, 0);
  EXPECT_EQ(problems_of(reference(), kStreamer),
            reference() + ":" + std::to_string(line) +
                ":13: auth.publisher.token_env: environment variable "
                "HALLCAST_PUBLISHER_TOKEN is not set or empty\n");
}

TEST(ConfigRoles, TheRelayReadsEveryRole) {
  test::ScopedEnv env({{"HALLCAST_PUBLISHER_TOKEN", "p"}, {"HALLCAST_CAPTIONER_TOKEN", "c"}});
  const std::string got = problems_of(reference(), Roles{});
  EXPECT_NE(got.find("HALLCAST_OPERATOR_TOKEN is not set"), std::string::npos) << got;
  EXPECT_EQ(got.find("HALLCAST_PUBLISHER_TOKEN"), std::string::npos) << got;
}

TEST(ConfigRoles, UnreadRolesAreStillChecked) {
  test::ScratchDir dir;
  // Two sources for the operator, an inline secret outside a dev config for the captioner.
  const std::string path = with_auth(dir, R"([auth.publisher]
token_env = "P"
[auth.operator]
token_env = "O"
token_file = "operator"
[auth.captioner]
token = "inline"
)");
  test::ScopedEnv env;
  const std::string got = problems_of(path, kDisplay);
  EXPECT_NE(got.find("auth.operator: set exactly one of token_file, token_env or token"),
            std::string::npos)
      << got;
  EXPECT_NE(got.find("auth.captioner.token: inline tokens are only allowed"), std::string::npos)
      << got;
  EXPECT_EQ(got.find("auth.publisher"), std::string::npos) << got;
}

TEST(ConfigRoles, TokenFilesInTheCredentialsDirectory) {
  test::ScratchDir dir;
  dir.write("creds/publisher", "bi-mat-phat\n");
  dir.write("creds/operator", "bi-mat-dieu-khien");
  dir.write("creds/captioner", "bi-mat-phu-de");
  const std::string path = with_auth(dir, R"([auth.publisher]
token_file = "$CREDENTIALS_DIRECTORY/publisher"
[auth.operator]
token_file = "${CREDENTIALS_DIRECTORY}/operator"
[auth.captioner]
token_file = "creds/captioner"
)");
  test::ScopedEnv env;
  setenv("CREDENTIALS_DIRECTORY", (dir.path() / "creds").c_str(), 1);
  const Config c = load(path);
  unsetenv("CREDENTIALS_DIRECTORY");
  EXPECT_EQ(c.auth.publisher_token, "bi-mat-phat");
  EXPECT_EQ(c.auth.operator_token, "bi-mat-dieu-khien");
  EXPECT_EQ(c.auth.captioner_token, "bi-mat-phu-de");  // relative to the config file
}

TEST(ConfigRoles, CredentialsDirectoryNotSet) {
  test::ScratchDir dir;
  const std::string path = with_auth(dir, R"([auth.publisher]
token_file = "$CREDENTIALS_DIRECTORY/publisher"
[auth.operator]
token_env = "HALLCAST_OPERATOR_TOKEN"
[auth.captioner]
token_env = "HALLCAST_CAPTIONER_TOKEN"
)");
  test::ScopedEnv env({{"HALLCAST_OPERATOR_TOKEN", "o"}, {"HALLCAST_CAPTIONER_TOKEN", "c"}});
  unsetenv("CREDENTIALS_DIRECTORY");
  EXPECT_EQ(problems_of(path, Roles{}),
            path +
                ":15:14: auth.publisher.token_file: $CREDENTIALS_DIRECTORY/publisher names "
                "$CREDENTIALS_DIRECTORY, which is not set (systemd sets it for a unit with "
                "LoadCredential=)\n");
  // A display does not read the publisher's file, so it needs no credentials directory.
  EXPECT_EQ(problems_of(path, kDisplay), "");
}

}  // namespace
}  // namespace hallcast::config
