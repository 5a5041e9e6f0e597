// Each binary, run as systemd runs a Type=notify service with WatchdogSec (a test NOTIFY_SOCKET),
// says READY=1 once it really serves, pings the watchdog, reports STATUS= and says STOPPING=1 on
// SIGTERM before exiting 0; on a broken config it exits 78 (RestartPreventExitStatus) unready.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <regex>

#include "hallcast/testsupport/child_process.hpp"
#include "hallcast/testsupport/temp_dir.hpp"
#include "hallcast/testsupport/ws_client.hpp"
#include "notify_lifecycle.hpp"

namespace hallcast::systemd_test {
namespace {

using testsupport::Stream;
using testsupport::TempDir;

#ifdef HALLCAST_HAVE_RELAY
TEST(SystemdNotify, RelayIsReadyWhenServingPingsAndStopsCleanly) {
  TempDir dir("hallcast-notify");
  const auto config = testsupport::write_test_config(dir);
  auto run =
      start_notified(dir.str(), "hallcast-relay", {"--config", config, "--listen", "127.0.0.1:0"});
  check_lifecycle(run, 20s, [&] {
    // READY=1 must mean "serving": the port is bound and /healthz answers.
    static const std::regex listening(R"(^hallcast-relay listening on (\S+):(\d+)$)");
    auto m = run.process->wait_for_match(listening, 2s);
    ASSERT_TRUE(m) << "READY=1 before the relay listened";
    const auto health = testsupport::http_get(std::stoi((*m)[2]), "/healthz");
    EXPECT_EQ(health.status, 200) << health.body;
  });
}

TEST(SystemdNotify, RelayExits78OnBrokenConfigWithoutReady) {
  TempDir dir("hallcast-notify");
  check_config_error_exit(dir.str(), "hallcast-relay", {"--listen", "127.0.0.1:0"});
}
#endif

#ifdef HALLCAST_HAVE_STREAMER
TEST(SystemdNotify, StreamerIsReadyWhenPlayingPingsAndStopsCleanly) {
  TempDir dir("hallcast-notify");
  const auto config = testsupport::write_test_config(dir);
  auto run =
      start_notified(dir.str(), "hallcast-streamer", {"--config", config, "--hall", "hoi-truong"});
  check_lifecycle(run, 30s);
}

TEST(SystemdNotify, StreamerExits78OnBrokenConfigWithoutReady) {
  TempDir dir("hallcast-notify");
  check_config_error_exit(dir.str(), "hallcast-streamer", {"--hall", "hoi-truong"});
}
#endif

#ifdef HALLCAST_HAVE_DISPLAY
// A free port on 127.0.0.1 (UDP for SRT, TCP for the relay) that nobody serves: the display
// shows its standby screen and keeps retrying.
int free_port(int type) {
  const int fd = socket(AF_INET, type, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

// Xvfb on a display number it picks itself (-displayfd), stopped with the object.
struct Xvfb {
  std::unique_ptr<testsupport::ChildProcess> process;
  std::string display;
  Xvfb() {
    testsupport::SpawnOptions o;
    o.args = {"-displayfd", "1", "-screen", "0", "1280x720x24", "-nolisten", "tcp"};
    process = std::make_unique<testsupport::ChildProcess>("/usr/bin/Xvfb", std::move(o));
    auto line = process->wait_for_line("^[0-9]+$", 15s);
    if (!line) throw std::runtime_error("Xvfb did not start: " + process->output());
    display = ":" + *line;
  }
};

TEST(SystemdNotify, DisplayIsReadyWhenShowingPingsAndStopsCleanly) {
  TempDir dir("hallcast-notify");
  Xvfb x;
  testsupport::TestConfig options;
  options.extra =
      "\n[[displays]]\nid = \"san-khau\"\nname = \"Màn hình sân khấu\"\n"
      "hall = \"hoi-truong\"\ninput = \"srt\"\nsrt_url = \"srt://127.0.0.1:" +
      std::to_string(free_port(SOCK_DGRAM)) +
      "\"\nfallback_to_relay = false\nvideo_sink = \"ximagesink\"\n";
  const auto config = testsupport::write_test_config(dir, options);
  auto run = start_notified(
      dir.str(), "hallcast-display", {"--config", config, "--screen", "san-khau"},
      {{"DISPLAY", x.display},
       {"HALLCAST_OUTPUTS_RELAY_URL", "ws://127.0.0.1:" + std::to_string(free_port(SOCK_STREAM))}});
  check_lifecycle(run, 30s, [&] {
    // READY=1 must mean "showing something": a window is on the X screen.
    testsupport::SpawnOptions o;
    o.args = {"-root", "-children"};
    o.env = {{"DISPLAY", x.display}};
    testsupport::ChildProcess xwininfo("/usr/bin/xwininfo", std::move(o));
    ASSERT_TRUE(xwininfo.wait(10s).exited);
    EXPECT_TRUE(xwininfo.wait_for_line(R"(^\s*[1-9][0-9]* child)", 1s))
        << "no window on the screen after READY=1:\n"
        << xwininfo.output(Stream::Stdout);
  });
}

TEST(SystemdNotify, DisplayExits78OnBrokenConfigWithoutReady) {
  TempDir dir("hallcast-notify");
  check_config_error_exit(dir.str(), "hallcast-display", {"--screen", "san-khau"});
}
#endif

}  // namespace
}  // namespace hallcast::systemd_test
