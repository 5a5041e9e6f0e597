#include "notify_lifecycle.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <fstream>

namespace hallcast::systemd_test {
namespace {

using testsupport::Stream;

std::string describe(const std::vector<NotifyMessage>& seen) {
  std::string out;
  for (const auto& m : seen) {
    for (const auto& a : m.assignments) out += a + " | ";
    out += "\n";
  }
  return out.empty() ? "(nothing)\n" : out;
}

// Receives for `window` after `since`, returning the arrival times of the WATCHDOG=1 pings.
std::vector<Clock::time_point> watch_pings(NotifiedRun& run, Clock::time_point since,
                                           std::chrono::milliseconds window) {
  std::vector<Clock::time_point> pings{since};
  const auto deadline = since + window;
  while (Clock::now() < deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto m = run.socket->receive(std::max(left, 1ms));
    if (!m) continue;
    run.seen.push_back(*m);
    if (m->has("WATCHDOG=1")) pings.push_back(m->at);
  }
  return pings;
}

// Receives until READY=1, the deadline, or the process exiting (no point waiting then).
std::optional<NotifyMessage> wait_ready(NotifiedRun& run, std::chrono::milliseconds timeout) {
  const auto deadline = testsupport::deadline_in(timeout);
  while (Clock::now() < deadline) {
    if (auto m = run.socket->wait_for("READY=1", 100ms, run.seen)) return m;
    if (!run.process->running()) return run.socket->wait_for("READY=1", 100ms, run.seen);
  }
  return std::nullopt;
}

}  // namespace

NotifiedRun start_notified(const std::string& dir, const std::string& binary,
                           std::vector<std::string> args, std::map<std::string, std::string> env) {
  NotifiedRun run;
  run.socket = std::make_unique<NotifySocket>(dir + "/notify.sock");
  env["NOTIFY_SOCKET"] = run.socket->path();
  env["WATCHDOG_USEC"] = std::to_string(std::chrono::microseconds(kWatchdog).count());
  testsupport::SpawnOptions o;
  o.env = std::move(env);
  o.unset_env = {"WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID"};
  // The shell's pid becomes the binary's pid with exec, which is what WATCHDOG_PID must name.
  o.args = {"-c", "export WATCHDOG_PID=$$; exec \"$0\" \"$@\"", testsupport::binary_path(binary)};
  o.args.insert(o.args.end(), args.begin(), args.end());
  run.process = std::make_unique<testsupport::ChildProcess>("/bin/sh", std::move(o));
  return run;
}

void check_lifecycle(NotifiedRun& run, std::chrono::milliseconds ready_timeout,
                     const std::function<void()>& when_ready) {
  auto& child = *run.process;
  auto ready = wait_ready(run, ready_timeout);
  ASSERT_TRUE(ready) << "no READY=1 within " << ready_timeout.count()
                     << " ms (or it exited); received:\n"
                     << describe(run.seen) << "stderr:\n"
                     << child.output(Stream::Stderr);
  if (when_ready) when_ready();
  if (::testing::Test::HasFatalFailure()) return;

  const auto pings = watch_pings(run, ready->at, kWatchWindow);
  std::chrono::milliseconds longest{0};
  for (size_t i = 1; i < pings.size(); ++i)
    longest = std::max(
        longest, std::chrono::duration_cast<std::chrono::milliseconds>(pings[i] - pings[i - 1]));
  const size_t count = pings.size() - 1;
  const size_t expected = kWatchWindow / (kWatchdog / 2);  // one every WatchdogSec/2
  EXPECT_GE(count, expected / 2) << "too few WATCHDOG=1; received:\n" << describe(run.seen);
  EXPECT_LE(count, expected * 3) << "WATCHDOG=1 far more often than asked";
  EXPECT_LE(longest, kWatchdog) << "systemd would have killed it: no WATCHDOG=1 for "
                                << longest.count() << " ms";

  const bool has_status = std::any_of(run.seen.begin(), run.seen.end(), [](const auto& m) {
    auto s = m.value("STATUS");
    return s && !s->empty();
  });
  EXPECT_TRUE(has_status) << "no STATUS= with a summary; received:\n" << describe(run.seen);

  child.signal(SIGTERM);
  auto stopping = run.socket->wait_for("STOPPING=1", 10s, run.seen);
  EXPECT_TRUE(stopping) << "no STOPPING=1 after SIGTERM; received:\n" << describe(run.seen);
  const auto status = child.wait(15s);
  ASSERT_TRUE(status.exited) << "did not exit within 15 s of SIGTERM";
  EXPECT_EQ(status.shell_code(), 0) << child.output(Stream::Stderr);

  const auto readies = std::count_if(run.seen.begin(), run.seen.end(),
                                     [](const auto& m) { return m.has("READY=1"); });
  EXPECT_EQ(readies, 1) << describe(run.seen);
  for (const auto& m : run.seen)
    EXPECT_EQ(m.sender, child.pid()) << "sent by another process (NotifyAccess=main drops it)";
}

void check_config_error_exit(const std::string& dir, const std::string& binary,
                             std::vector<std::string> extra_args) {
  const std::string bad = dir + "/broken.toml";
  std::ofstream(bad) << "[event]\nid = \"x\"\nname = 12\nno_such_key = true\n";
  std::vector<std::string> args{"--config", bad};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  auto run = start_notified(dir, binary, args);
  const auto status = run.process->wait(20s);
  ASSERT_TRUE(status.exited);
  EXPECT_EQ(status.shell_code(), 78) << run.process->output(Stream::Stderr);
  while (auto m = run.socket->receive(0ms)) run.seen.push_back(*m);
  for (const auto& m : run.seen) EXPECT_FALSE(m.has("READY=1"));
}

}  // namespace hallcast::systemd_test
