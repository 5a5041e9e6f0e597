// Runs bench/run.mjs --smoke against each server (the relay, the Node `ws` peer, the bare-send
// floor) and checks that the benchmark's tools ran end to end: viewers connected, received live
// fragments and captions, late joiners got a decodable start, and the report files were written.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace {

const fs::path kSource = HALLCAST_SOURCE_DIR;
const fs::path kBin = HALLCAST_BIN_DIR;

struct SmokeResult {
  int exit_code = -1;
  nlohmann::json runs;
  std::string log;
};

SmokeResult run_smoke(const std::string& server) {
  fs::path out = fs::temp_directory_path() /
                 ("hallcast-bench-smoke-" + server + "-" + std::to_string(::getpid()));
  fs::remove_all(out);
  fs::create_directories(out);
  fs::path log = out / "run.log";
  std::string cmd = "node '" + (kSource / "bench/run.mjs").string() +
                    "' --smoke --repeats 1 --servers " + server + " --bin-dir '" + kBin.string() +
                    "' --out-dir '" + out.string() + "' > '" + log.string() + "' 2>&1";
  SmokeResult r;
  int status = std::system(cmd.c_str());
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream log_in(log);
  r.log.assign(std::istreambuf_iterator<char>(log_in), {});
  for (const auto& dir : fs::directory_iterator(out)) {
    if (fs::exists(dir.path() / "runs.json")) {
      std::ifstream in(dir.path() / "runs.json");
      r.runs = nlohmann::json::parse(in)["runs"];
      EXPECT_TRUE(fs::exists(dir.path() / "summary.md"));
    }
  }
  fs::remove_all(out);
  return r;
}

void expect_delivery(const SmokeResult& r) {
  ASSERT_EQ(r.exit_code, 0) << r.log;
  ASSERT_EQ(r.runs.size(), 1u) << r.log;
  const auto& run = r.runs[0];
  for (const auto& step : run["ramp"]["steps"]) {
    SCOPED_TRACE("step with " + step["viewers"].dump() + " viewers");
    EXPECT_EQ(step["connect_failures"], 0);
    EXPECT_GT(step["lag"]["count"].get<int>(), 0);
    EXPECT_GT(step["caption_lag"]["count"].get<int>(), 0) << "no caption reached the viewers";
    EXPECT_GE(step["delivered"].get<double>(), 0.9);
    EXPECT_GT(step["server"]["cpu_cores"].get<double>(), 0.0)
        << "the /proc sampler saw no server CPU";
  }
  const auto& join = run["ramp"]["join"];
  EXPECT_EQ(join["count"], join["joiners"]) << "every joiner gets init + keyframe first";
  EXPECT_EQ(join["not_decodable_first"], 0);
  EXPECT_GT(run["slow"]["slow_viewers"].get<int>(), 0);
  EXPECT_GT(run["slow"]["lag"]["count"].get<int>(), 0);
}

}  // namespace

TEST(BenchSmoke, PeerServesTheBenchmark) {
  if (!fs::exists(kSource / "bench/peer/node_modules/ws"))
    GTEST_SKIP() << "bench/peer/node_modules missing: run `npm ci` in bench/peer";
  expect_delivery(run_smoke("peer"));
}

TEST(BenchSmoke, RelayServesTheBenchmark) {
  if (!fs::exists(kBin / "hallcast-relay"))
    GTEST_SKIP() << "hallcast-relay not built (HALLCAST_PARTS)";
  expect_delivery(run_smoke("relay"));
}

// The bare-send floor (bench/floor) speaks enough of the protocol for every part of the run:
// viewers, late joiners (init + GOP), captions and the slow-viewer test.
TEST(BenchSmoke, FloorServesTheBenchmark) {
  expect_delivery(run_smoke("floor"));
}
