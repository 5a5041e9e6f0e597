// systemd notification: READY once serving, STATUS with viewers per hall and which are live,
// WATCHDOG from the service loop, STOPPING on SIGTERM (a test NOTIFY_SOCKET stands in for systemd).
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "hallcast/testsupport/fmp4.hpp"
#include "relay_fixture.hpp"

namespace hallcast::relay::test {
namespace {

class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  }
  ~NotifySocket() { ::close(fd_); }
  // Waits for a datagram containing `what`; returns it ("" on timeout).
  std::string wait_for(const std::string& what, std::chrono::milliseconds timeout) {
    auto deadline = testsupport::deadline_in(timeout);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) continue;
      std::string msg(buf, static_cast<size_t>(n));
      if (msg.find(what) != std::string::npos) return msg;
    }
    return {};
  }

 private:
  std::string path_;
  int fd_ = -1;
};

TEST_F(RelayTest, TellsSystemdReadyStatusWatchdogAndStopping) {
  NotifySocket sock((dir_.path() / "notify.sock").string());
  config_ = write_test_config(dir_);
  SpawnOptions o;
  o.env["NOTIFY_SOCKET"] = (dir_.path() / "notify.sock").string();
  o.env["WATCHDOG_USEC"] = "1000000";
  o.unset_env = {"WATCHDOG_PID"};
  auto r = start_relay(config_, o);
  relay_ = std::move(r.process);
  port_ = r.port;
  EXPECT_NE(sock.wait_for("READY=1", 5s), "");
  EXPECT_NE(sock.wait_for("STATUS=0 viewers; hoi-truong off air 0, trien-lam off air 0", 5s), "");
  EXPECT_NE(sock.wait_for("WATCHDOG=1", 3s), "");
  WsClient in_hall = viewer("hoi-truong");
  WsClient in_expo = viewer("trien-lam");
  WsClient pub = publisher("trien-lam");
  ASSERT_TRUE(pub.send_binary(media_frame(true, false, 0, 0, 0, "init-segment")));
  // STATUS is refreshed every 10 ticks (5 s at this watchdog interval).
  EXPECT_NE(sock.wait_for("STATUS=2 viewers; hoi-truong off air 1, trien-lam live 1", 15s), "");
  relay_->signal(SIGTERM);
  EXPECT_NE(sock.wait_for("STOPPING=1", 5s), "");
  EXPECT_EQ(relay_->wait(10s).shell_code(), 0);
  relay_.reset();
}

}  // namespace
}  // namespace hallcast::relay::test
