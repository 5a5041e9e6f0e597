// Runs a hallcast binary the way systemd runs a Type=notify service with a watchdog, and checks
// what it tells systemd: READY=1 once serving, STATUS=..., WATCHDOG=1 at half the watchdog
// period, STOPPING=1 on SIGTERM, exit 0. Used from the test's thread.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hallcast/testsupport/child_process.hpp"
#include "notify_socket.hpp"

namespace hallcast::systemd_test {

using namespace std::chrono_literals;

// What the test's "systemd" asks for: WatchdogSec=0.6 s, so the binary must ping every 0.3 s.
inline constexpr std::chrono::milliseconds kWatchdog = 600ms;
// How long the pings are watched after READY=1.
inline constexpr std::chrono::milliseconds kWatchWindow = 2400ms;

struct NotifiedRun {
  std::unique_ptr<NotifySocket> socket;
  std::unique_ptr<testsupport::ChildProcess> process;
  std::vector<NotifyMessage> seen;  // every datagram so far, in order
};

// Binds <dir>/notify.sock and starts <bin dir>/<binary> with NOTIFY_SOCKET, WATCHDOG_USEC and
// WATCHDOG_PID (= the binary's own pid, as systemd sets it) in its environment.
NotifiedRun start_notified(const std::string& dir, const std::string& binary,
                           std::vector<std::string> args,
                           std::map<std::string, std::string> env = {});

// The whole lifecycle, with gtest assertions: READY=1 within ready_timeout (then
// `when_ready` runs, to prove the binary really serves), watchdog pings for kWatchWindow,
// at least one STATUS=, then SIGTERM -> STOPPING=1 -> exit 0. Every datagram must come from
// the main process (NotifyAccess=main).
void check_lifecycle(NotifiedRun& run, std::chrono::milliseconds ready_timeout,
                     const std::function<void()>& when_ready = {});

// Runs the binary on a broken config: it must exit 78 (no restart loop under systemd) and never
// send READY=1.
void check_config_error_exit(const std::string& dir, const std::string& binary,
                             std::vector<std::string> extra_args);

}  // namespace hallcast::systemd_test
