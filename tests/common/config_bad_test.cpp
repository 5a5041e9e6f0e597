// The corpus of broken configs in bad-configs/: every problem in each file is reported, each
// at its exact file, line and column, with its message.
#include <gtest/gtest.h>

#include "hallcast/common/config.hpp"
#include "test_env.hpp"

namespace hallcast::config {
namespace {

struct Expected {
  int line;  // 0 = an environment variable (file is "env:<env>")
  int column;
  std::string text;  // a substring of the message
  std::string env = {};
};

struct Case {
  std::string file;
  std::vector<Expected> problems;
  std::vector<std::pair<std::string, std::string>> env = {};
};

const std::vector<Case>& corpus() {
  static const std::vector<Case> cases = {
      {"syntax-error.toml", {{9, 25, "TOML syntax error: Error while parsing string"}}},
      {"invalid-utf8.toml",
       {{10, 17, "invalid UTF-8 (byte 0xF3)"}, {12, 3, "invalid UTF-8 (byte 0x80)"}}},
      {"missing-tables.toml",
       {{1, 1, "missing required table [event]"},
        {1, 1, "missing required array [[halls]]"},
        {1, 1, "auth.publisher: set exactly one of token_file, token_env or token"},
        {1, 1, "auth.operator: set exactly one of"},
        {1, 1, "auth.captioner: set exactly one of"}}},
      {"missing-required.toml",
       {{1, 1, "missing required key 'event.name'"},
        {4, 1, "missing required key 'halls[0].id'"},
        {6, 1, "missing required key 'sessions[0].title'"},
        {6, 1, "missing required key 'sessions[0].start'"},
        {8, 8, "sessions[0].hall: unknown hall 'hoi-truong'"},
        {10, 1, "missing required key 'sources[0].kind'"},
        {12, 8, "sources[0].hall: unknown hall 'hoi-truong'"},
        {15, 1, "auth.operator: set exactly one of token_file, token_env or token"}}},
      {"unknown-keys.toml",
       {{8, 1, "unknown key 'nmae' in [halls[0]]; did you mean 'name'?"},
        {9, 2, "unknown key 'reley' at the top level; did you mean 'relay'?"},
        {12, 1, "unknown key 'listn' in [relay]; did you mean 'listen'?"},
        {13, 1, "unknown key 'zzzzzzzz' in [relay]"}}},
      {"wrong-types.toml",
       {{9, 9, "program.width: expected an integer, found a string"},
        {10, 13, "program.framerate: expected an integer, found a float"},
        {11, 11, "program.burn_in: expected a boolean, found a string"},
        {13, 19, "relay.allowed_origins: expected an array of strings, found a string"},
        {15, 20, "captions.languages: expected a list of strings, found an integer"}}},
      {"duplicate-ids.toml",
       {{9, 6,
         "halls[1].id: duplicate hall id 'hoi-truong', first defined at halls[0].id (line 6)"},
        {18, 6,
         "sessions[1].id: duplicate session id 's1', first defined at sessions[0].id (line 12)"},
        {28, 6,
         "sources[1].id: duplicate source id 'cam-1', first defined at sources[0].id (line 24)"}}},
      {"unknown-references.toml",
       {{12, 8, "sessions[0].hall: unknown hall 'hoi-truongg'; did you mean 'hoi-truong'?"},
        {18, 8, "sources[0].hall: unknown hall 'trien-lam'"},
        {21, 8, "displays[0].hall: unknown hall 'nowhere'"},
        {23, 9,
         "program.audio: 'cam-2' is neither 'follow' nor a source id; did you mean 'cam-1'?"}}},
      {"bad-schedule.toml",
       {{13, 7,
         "sessions[0].end: session 'backwards' ends (2022-10-06T09:00:00+07:00) before it "
         "starts (2022-10-06T10:00:00+07:00)"},
        {24, 9, "sessions[2].start: session 'b' overlaps session 'a' in hall 'hoi-truong'"},
        {30, 9, "sessions[3].start: the date-time needs a UTC offset"},
        {31, 7, "sessions[3].end: expected an offset date-time"}}},
      {"bad-addresses.toml",
       {{8, 14, "halls[0].srt_listen: port 70000 is out of range (0-65535)"},
        {12, 14, "halls[1].srt_listen: 'no-port' is not HOST:PORT"},
        {14, 13, "outputs.relay_url: 'http://127.0.0.1:8080' must start with ws:// or wss://"},
        {16, 10, "relay.listen: ':8080' needs a host name or address"},
        {17, 20, "relay.allowed_origins: 'localhost:8080' must start with http:// or https://"},
        {21, 11, "displays[0].srt_url: 'srt://127.0.0.1' needs a port"}}},
      {"bad-numbers.toml",
       {{9, 9, "program.width: 1281 must be even"},
        {10, 22, "program.video_bitrate_kbps: -5 is out of range (100-100000)"},
        {11, 22, "program.audio_bitrate_kbps: 0 is out of range"},
        {12, 13, "program.framerate: 0 is out of range (1-120)"},
        {15, 16, "watchdog.retry_max_ms: must not be less than retry_initial_ms (5000)"},
        {20, 14, "displays[0].font_scale: 10 is out of range (0.25-4)"},
        {22, 14, "captions.max_length: 0 is out of range"}}},
      {"bad-sources.toml",
       {{10, 8,
         "sources[0].kind: 'v4l' is not one of test, v4l2, rtsp, srt, file, image; did you "
         "mean 'v4l2'?"},
        {12, 1, "sources[1].device: a v4l2 source needs a device"},
        {20, 7, "sources[2].uri: 'http://192.168.1.64/stream' must start with rtsp://"},
        {25, 7, "sources[3].uri: 'srt://192.168.1.20' needs a port"},
        {26, 1, "sources[4].path: a file source needs a path"},
        {34, 11, "did you mean 'smpte'?"}}},
      {"bad-text.toml",
       {{2, 6, "event.id: 'Sự Kiện' is not a valid id"},
        {4, 12, "event.timezone: unknown time zone 'Asia/Hanoi'"},
        {10, 20, "captions.languages: 'english' is not a language tag"},
        {10, 31, "captions.languages: 'en_US' is not a language tag"},
        {12, 9, "log.level: 'verbose' is not one of"},
        {20, 21, "outputs.relay_audio_codec: 'mp3' is not one of aac, opus"}}},
      {"bad-tokens.toml",
       {{10, 9, "auth.publisher.token: inline tokens are only allowed when event.dev = true"},
        {12, 14, "tokens/missing: No such file or directory"},
        {14, 14, "tokens/empty is empty"},
        {16, 13, "environment variable HALLCAST_TEST_UNSET_TOKEN is not set or empty"}}},
      {"bad-tokens-2.toml",
       {{9, 14, "tokens/too-large is larger than 4096 bytes"},
        {10, 1, "auth.operator: set exactly one of token_file, token_env or token"},
        {14, 14, "tokens: not a regular file"}}},
      {"bad-env.toml",
       {{0, 0, "captions.languages: 'x!' is not a language tag", "HALLCAST_CAPTIONS_LANGUAGES"},
        {0, 0, "unknown key 'levl' in [log]; did you mean 'level'?", "HALLCAST_LOG_LEVL"},
        {0, 0, "relay.listen: 'nohost' is not HOST:PORT", "HALLCAST_RELAY_LISTEN"},
        {0, 0, "relay.ping_interval_s: expected an integer", "HALLCAST_RELAY_PING_INTERVAL_S"}},
       {{"HALLCAST_CAPTIONS_LANGUAGES", "vi, x!"},
        {"HALLCAST_LOG_LEVL", "debug"},
        {"HALLCAST_RELAY_LISTEN", "nohost"},
        {"HALLCAST_RELAY_PING_INTERVAL_S", "ten"}}},
  };
  return cases;
}

// Names the case in gtest's output instead of dumping its bytes.
void PrintTo(const Case& c, std::ostream* os) {
  *os << c.file;
}

class BadConfig : public testing::TestWithParam<Case> {};

TEST_P(BadConfig, ReportsEveryProblemAtItsPlace) {
  const Case& c = GetParam();
  const std::string path = test::source_dir() + "/tests/common/bad-configs/" + c.file;
  test::ScopedEnv env(c.env);
  std::vector<Problem> problems;
  try {
    load(path);
    FAIL() << c.file << " loaded without error";
  } catch (const ConfigError& e) {
    problems = e.problems();
  }
  std::string all;
  for (const Problem& p : problems) all += "\n  " + p.format();
  ASSERT_EQ(problems.size(), c.problems.size()) << "reported:" << all;
  for (size_t i = 0; i < problems.size(); ++i) {
    const Expected& want = c.problems[i];
    const Problem& got = problems[i];
    const std::string file = want.env.empty() ? path : "env:" + want.env;
    EXPECT_EQ(got.where.file, file) << got.format();
    EXPECT_EQ(got.where.line, want.line) << got.format();
    EXPECT_EQ(got.where.column, want.column) << got.format();
    EXPECT_NE(got.message.find(want.text), std::string::npos)
        << "expected '" << want.text << "' in: " << got.format();
  }
}

std::string case_name(const testing::TestParamInfo<Case>& info) {
  std::string name = info.param.file.substr(0, info.param.file.find('.'));
  for (char& ch : name) {
    if (ch == '-') ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadConfig, testing::ValuesIn(corpus()), case_name);

TEST(ConfigErrors, FormatIsFileLineColumnMessage) {
  // Members set one by one: GCC 12 at -O3 takes a nested brace-initialised std::string for
  // "maybe uninitialized" (a false positive that -Werror turns into a failed Release build).
  auto problem = [](const char* file, int line, int column, const char* message = "bad") {
    Problem p;
    p.where.file = file;
    p.where.line = line;
    p.where.column = column;
    p.message = message;
    return p;
  };
  const Problem in_file = problem("a.toml", 3, 7);
  const Problem in_env = problem("env:HALLCAST_LOG_LEVEL", 0, 0);
  EXPECT_EQ(in_file.format(), "a.toml:3:7: bad");
  EXPECT_EQ(in_env.format(), "env:HALLCAST_LOG_LEVEL: bad");
  std::vector<Problem> two;
  two.push_back(problem("a.toml", 1, 2, "one"));
  two.push_back(problem("a.toml", 5, 1, "two"));
  const ConfigError e(std::move(two));
  EXPECT_EQ(e.problems().size(), 2u);
  EXPECT_NE(std::string(e.what()).find("a.toml:5:1: two"), std::string::npos);
}

TEST(ConfigErrors, UnreadableFile) {
  test::ScopedEnv env;
  try {
    load("/nonexistent/hallcast.toml");
    FAIL() << "loaded a file that does not exist";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.problems().size(), 1u);
    EXPECT_EQ(e.problems()[0].format(),
              "/nonexistent/hallcast.toml: cannot read the file: No such file or directory");
  }
}

}  // namespace
}  // namespace hallcast::config
