// The install and the systemd units: `cmake --install` into a temporary prefix lays files out
// where the installed units point; `systemd-analyze verify` accepts every unit; the exposure
// score of `systemd-analyze security --offline=yes` stays at or below the one recorded in
// docs/operations.md, so a hardening regression fails here.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "hallcast/testsupport/child_process.hpp"
#include "hallcast/testsupport/temp_dir.hpp"

namespace hallcast::systemd_test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testsupport::Stream;

struct Unit {
  std::string file;      // as installed
  std::string instance;  // name to verify (an instance for templates)
  bool user = false;     // a user unit (systemd --user)
  double max_exposure;   // the score recorded in docs/operations.md
  std::string binary;    // what ExecStart= must run ("" for targets)
};

std::vector<Unit> expected_units() {
  std::vector<Unit> u;
#ifdef HALLCAST_HAVE_RELAY
  u.push_back({"hallcast-relay.service", "hallcast-relay.service", false, 1.1, "hallcast-relay"});
#endif
#ifdef HALLCAST_HAVE_STREAMER
  u.push_back({"hallcast-streamer@.service", "hallcast-streamer@hoi-truong.service", false, 1.5,
               "hallcast-streamer"});
#endif
#ifdef HALLCAST_HAVE_DISPLAY
  u.push_back({"hallcast-display@.service", "hallcast-display@san-khau.service", false, 1.5,
               "hallcast-display"});
  u.push_back({"hallcast-displays.target", "hallcast-displays.target", false, 10.0, ""});
  u.push_back({"hallcast-display@.service", "hallcast-display@san-khau.service", true, 7.4,
               "hallcast-display"});
#endif
  return u;
}

struct Result {
  int code = -1;
  std::string out;
};

Result run(const std::string& binary, std::vector<std::string> args,
           std::map<std::string, std::string> env = {}) {
  testsupport::SpawnOptions o;
  o.args = std::move(args);
  o.env = std::move(env);
  testsupport::ChildProcess p(binary, std::move(o));
  const auto status = p.wait(120s);
  static const std::regex never("(?!)");  // waits until both streams are closed (all read)
  p.wait_for_match(never, 5s, Stream::Stdout);
  p.wait_for_match(never, 5s, Stream::Stderr);
  Result r;
  r.code = status.exited ? status.shell_code() : -1;
  for (const auto& l : p.lines(Stream::Stdout)) r.out += l + "\n";
  for (const auto& l : p.lines(Stream::Stderr)) r.out += l + "\n";
  return r;
}

// One install per test process (ctest runs each test in its own process).
class InstalledTree : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    prefix_ = new testsupport::TempDir("hallcast-install");
    fs::create_directories(prefix_->path() / "xdg-runtime");
    fs::permissions(prefix_->path() / "xdg-runtime", fs::perms::owner_all);
    install_ =
        run(HALLCAST_CMAKE_COMMAND, {"--install", HALLCAST_BUILD_DIR, "--prefix", prefix_->str()});
  }
  static void TearDownTestSuite() {
    delete prefix_;
    prefix_ = nullptr;
  }
  void SetUp() override { ASSERT_EQ(install_.code, 0) << install_.out; }

  static fs::path prefix() { return prefix_->path(); }
  static fs::path unit_path(const Unit& u) {
    return prefix() / "lib/systemd" / (u.user ? "user" : "system") / u.file;
  }
  static fs::path instance_path(const Unit& u) { return unit_path(u).parent_path() / u.instance; }
  static std::map<std::string, std::string> analyze_env() {
    return {{"XDG_RUNTIME_DIR", (prefix() / "xdg-runtime").string()},
            {"SYSTEMD_PAGER", ""},
            {"SYSTEMD_COLORS", "0"}};
  }

  static testsupport::TempDir* prefix_;
  static Result install_;
};
testsupport::TempDir* InstalledTree::prefix_ = nullptr;
Result InstalledTree::install_;

// Relative paths of the regular files under dir (skipping node_modules).
std::set<std::string> files_under(const fs::path& dir) {
  std::set<std::string> out;
  if (!fs::exists(dir)) return out;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    if (it->is_directory() && it->path().filename() == "node_modules") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) out.insert(fs::relative(it->path(), dir).string());
  }
  return out;
}

TEST_F(InstalledTree, UnitsPointAtInstalledFiles) {
  const std::regex exec(R"(^ExecStart=(\S+))");
  const std::regex web_root(R"(^Environment=HALLCAST_RELAY_WEB_ROOT=(\S+))");
  const std::regex placeholder(R"(@[A-Z_]+@)");
  for (const auto& u : expected_units()) {
    SCOPED_TRACE(unit_path(u).string());
    ASSERT_TRUE(fs::exists(unit_path(u)));
    std::ifstream in(unit_path(u));
    bool saw_exec = false;
    for (std::string line; std::getline(in, line);) {
      EXPECT_FALSE(std::regex_search(line, placeholder)) << line;
      std::smatch m;
      if (std::regex_search(line, m, exec)) {
        saw_exec = true;
        EXPECT_EQ(fs::path(m[1].str()), prefix() / "bin" / u.binary);
        EXPECT_EQ(access(m[1].str().c_str(), X_OK), 0) << m[1] << " is not executable";
      }
      if (std::regex_search(line, m, web_root)) {
        EXPECT_EQ(files_under(m[1].str()), files_under(HALLCAST_SOURCE_DIR "/web"))
            << "web pages not installed where the relay unit points";
      }
    }
    EXPECT_EQ(saw_exec, !u.binary.empty());
  }
}

TEST_F(InstalledTree, ExampleConfigsAndDocsInstalled) {
  const fs::path share = prefix() / "share";
  for (const auto& f : files_under(HALLCAST_SOURCE_DIR "/config")) {
    if (fs::path(f).extension() != ".toml") continue;
    EXPECT_TRUE(fs::exists(share / "hallcast/config" / f)) << f;
  }
  EXPECT_TRUE(fs::exists(share / "doc/hallcast/operations.md"));
  EXPECT_TRUE(fs::exists(share / "doc/hallcast/README.md"));
}

TEST_F(InstalledTree, SystemdAnalyzeVerifyAcceptsEveryUnit) {
  for (const auto& u : expected_units()) {
    std::vector<std::string> args;
    if (u.user) args.push_back("--user");
    args.insert(args.end(), {"verify", instance_path(u).string()});
    const auto r = run(HALLCAST_SYSTEMD_ANALYZE, args, analyze_env());
    EXPECT_EQ(r.code, 0) << u.instance << ":\n" << r.out;
    EXPECT_EQ(r.out, "") << u.instance << ": warnings";
  }
}

TEST_F(InstalledTree, SecurityExposureAtOrBelowRecorded) {
  const std::regex overall(R"(Overall exposure level for \S+: ([0-9.]+))");
  for (const auto& u : expected_units()) {
    if (u.binary.empty()) continue;  // targets run nothing
    std::vector<std::string> args;
    if (u.user) args.push_back("--user");
    args.insert(args.end(), {"security", "--offline=yes", "--no-pager", instance_path(u).string()});
    const auto r = run(HALLCAST_SYSTEMD_ANALYZE, args, analyze_env());
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.out, m, overall)) << r.out;
    const double score = std::stod(m[1].str());
    EXPECT_LE(score, u.max_exposure)
        << (u.user ? "user " : "") << u.instance << " got less hardened:\n"
        << r.out;
    std::printf("exposure %s%s: %.1f\n", u.user ? "(user) " : "", u.instance.c_str(), score);
  }
}

}  // namespace
}  // namespace hallcast::systemd_test
