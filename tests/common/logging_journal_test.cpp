// Under journald (JOURNAL_STREAM names stderr) every line starts with its syslog priority
// "<N>", so `journalctl -p err` finds the errors; elsewhere lines keep their timestamp.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "hallcast/common/logging.hpp"

namespace hallcast::logging {
namespace {

std::string dev_ino(int fd) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return "";
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
}

// Points stderr at a file for the test's lifetime (and back afterwards).
class StderrToFile {
 public:
  StderrToFile() {
    char name[] = "/tmp/hallcast-journal-XXXXXX";
    const int fd = mkstemp(name);
    path_ = name;
    std::fflush(stderr);
    saved_ = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
  }
  ~StderrToFile() {
    restore();
    std::remove(path_.c_str());
  }
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    saved_ = -1;
  }
  std::string text() const {
    std::ifstream in(path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  std::string path_;
  int saved_ = -1;
};

TEST(CommonLoggingJournal, LevelsMapToSyslogPriorities) {
  EXPECT_EQ(syslog_priority(spdlog::level::critical), 2);
  EXPECT_EQ(syslog_priority(spdlog::level::err), 3);
  EXPECT_EQ(syslog_priority(spdlog::level::warn), 4);
  EXPECT_EQ(syslog_priority(spdlog::level::info), 6);
  EXPECT_EQ(syslog_priority(spdlog::level::debug), 7);
  EXPECT_EQ(syslog_priority(spdlog::level::trace), 7);
}

TEST(CommonLoggingJournal, JournalOnlyWhenTheStreamIsStderr) {
  unsetenv("JOURNAL_STREAM");
  EXPECT_FALSE(stderr_is_journal());
  setenv("JOURNAL_STREAM", "garbage", 1);
  EXPECT_FALSE(stderr_is_journal());
  setenv("JOURNAL_STREAM", "1:1", 1);
  EXPECT_FALSE(stderr_is_journal()) << "inherited by a child whose stderr goes elsewhere";
  setenv("JOURNAL_STREAM", dev_ino(STDERR_FILENO).c_str(), 1);
  EXPECT_TRUE(stderr_is_journal());
  unsetenv("JOURNAL_STREAM");
}

TEST(CommonLoggingJournal, LinesCarryThePriorityPrefixUnderJournald) {
  auto early = get("relay");  // created before setup(): setup() re-formats it too
  StderrToFile capture;
  setenv("JOURNAL_STREAM", dev_ino(STDERR_FILENO).c_str(), 1);
  setup("debug");
  unsetenv("JOURNAL_STREAM");
  early->error("không mở được cổng 8080");
  get("streamer")->warn("nguồn cam-1 mất tín hiệu");
  get("display")->info("hiển thị màn chờ");
  get("gst")->debug("chi tiết");
  get("config")->critical("dừng");
  get("lws")->trace("bỏ qua");  // below the level: not written
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->flush(); });
  capture.restore();
  const std::string out = capture.text();
  EXPECT_EQ(out,
            "<3>error [relay] không mở được cổng 8080\n"
            "<4>warning [streamer] nguồn cam-1 mất tín hiệu\n"
            "<6>info  [display] hiển thị màn chờ\n"
            "<7>debug [gst] chi tiết\n"
            "<2>critical [config] dừng\n");
}

TEST(CommonLoggingJournal, NoPrefixOnATerminalOrFile) {
  StderrToFile capture;
  // Set up once under journald, then again without it (a process that re-reads its settings
  // after its stderr moved): the second setup() must drop the prefix again.
  setenv("JOURNAL_STREAM", dev_ino(STDERR_FILENO).c_str(), 1);
  setup("info");
  unsetenv("JOURNAL_STREAM");
  setup("info");
  get("relay")->error("lỗi");
  get("relay")->flush();
  capture.restore();
  const std::string out = capture.text();
  EXPECT_EQ(out.find('<'), std::string::npos) << out;
  EXPECT_NE(out.find("error [relay] lỗi"), std::string::npos) << out;
}

}  // namespace
}  // namespace hallcast::logging
