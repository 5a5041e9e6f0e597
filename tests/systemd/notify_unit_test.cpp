// hallcast::notify (common/src/notify.cpp) against a test NOTIFY_SOCKET in this process.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include "hallcast/common/notify.hpp"
#include "hallcast/testsupport/temp_dir.hpp"
#include "notify_socket.hpp"

namespace hallcast::systemd_test {
namespace {

using namespace std::chrono_literals;

class NotifyInProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    socket_ = std::make_unique<NotifySocket>(dir_.str() + "/notify.sock");
    setenv("NOTIFY_SOCKET", socket_->path().c_str(), 1);
  }
  void TearDown() override {
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
  }
  testsupport::TempDir dir_{"hallcast-notify"};
  std::unique_ptr<NotifySocket> socket_;
};

TEST_F(NotifyInProcess, SendsEachMessageAsOneDatagram) {
  notify::ready();
  notify::status("phát sóng: cam-1, 12 người xem");
  notify::watchdog();
  notify::stopping();
  const char* expected[] = {"READY=1", "STATUS=phát sóng: cam-1, 12 người xem", "WATCHDOG=1",
                            "STOPPING=1"};
  for (const char* e : expected) {
    auto m = socket_->receive(2s);
    ASSERT_TRUE(m) << "nothing for " << e;
    ASSERT_EQ(m->assignments.size(), 1u);
    EXPECT_EQ(m->assignments[0], e);
    EXPECT_EQ(m->sender, getpid());
  }
}

TEST_F(NotifyInProcess, StatusTextCannotInjectOtherAssignments) {
  notify::status("Hội thảo 1\nREADY=1\r\nWATCHDOG=trigger");
  auto m = socket_->receive(2s);
  ASSERT_TRUE(m);
  ASSERT_EQ(m->assignments.size(), 1u);
  EXPECT_EQ(m->assignments[0], "STATUS=Hội thảo 1 READY=1  WATCHDOG=trigger");
  EXPECT_FALSE(m->has("READY=1"));
}

TEST_F(NotifyInProcess, WatchdogIntervalIsHalfOfWatchdogUsec) {
  EXPECT_EQ(notify::watchdog_interval(), 0ms) << "no WATCHDOG_USEC: no watchdog";
  setenv("WATCHDOG_USEC", "400000", 1);
  setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  EXPECT_EQ(notify::watchdog_interval(), 200ms);
  setenv("WATCHDOG_PID", std::to_string(getpid() + 1).c_str(), 1);
  EXPECT_EQ(notify::watchdog_interval(), 0ms) << "the watchdog is another process's";
}

TEST(NotifyWithoutSystemd, IsANoOp) {
  unsetenv("NOTIFY_SOCKET");
  notify::ready();
  notify::status("x");
  notify::watchdog();
  notify::stopping();
  SUCCEED();
}

}  // namespace
}  // namespace hallcast::systemd_test
