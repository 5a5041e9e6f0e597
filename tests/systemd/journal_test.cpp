// Under journald (stderr is the journal stream JOURNAL_STREAM names) every log line of a real
// binary starts with its syslog priority "<N>", so `journalctl -p err` finds the errors; with
// the variable inherited but stderr elsewhere, lines stay as on a terminal.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "hallcast/testsupport/child_process.hpp"
#include "hallcast/testsupport/temp_dir.hpp"

namespace hallcast::systemd_test {
namespace {

using namespace std::chrono_literals;
using testsupport::ChildProcess;
using testsupport::SpawnOptions;
using testsupport::Stream;

// Runs the relay with JOURNAL_STREAM naming its own stderr (as systemd sets it for
// StandardError=journal), or `stream` when given.
std::unique_ptr<ChildProcess> start_relay(const std::string& config, const std::string& stream) {
  SpawnOptions o;
  const std::string set = stream.empty() ? "$(stat -L -c %d:%i /proc/self/fd/2)" : stream;
  o.args = {"-c",
            "JOURNAL_STREAM=" + set + " exec \"$0\" \"$@\"",
            testsupport::binary_path("hallcast-relay"),
            "--config",
            config,
            "--listen",
            "127.0.0.1:0"};
  return std::make_unique<ChildProcess>("/bin/sh", o);
}

int port_of(ChildProcess& relay) {
  static const std::regex listening(R"(^hallcast-relay listening on (\S+):(\d+)$)");
  auto m = relay.wait_for_match(listening, 20s);
  return m ? std::stoi((*m)[2]) : 0;
}

TEST(SystemdJournal, RelayLinesCarryTheirSyslogPriority) {
  testsupport::TempDir dir("hallcast-journal");
  auto relay = start_relay(testsupport::write_test_config(dir), "");
  ASSERT_GT(port_of(*relay), 0) << relay->output();
  EXPECT_EQ(relay->terminate(10s).shell_code(), 0);

  const auto lines = relay->lines(Stream::Stderr);
  ASSERT_FALSE(lines.empty());
  static const std::regex prefixed(R"(^<[2-7]>(critical|error|warning|info |debug|trace) \[)");
  for (const auto& l : lines) EXPECT_TRUE(std::regex_search(l, prefixed)) << l;
  EXPECT_GT(relay->count_lines(std::regex(R"(^<6>info  \[relay\])"), Stream::Stderr), 0u)
      << relay->output();
}

TEST(SystemdJournal, NoPrefixWhenStderrIsNotTheJournal) {
  testsupport::TempDir dir("hallcast-journal");
  auto relay = start_relay(testsupport::write_test_config(dir), "1:1");
  ASSERT_GT(port_of(*relay), 0) << relay->output();
  EXPECT_EQ(relay->terminate(10s).shell_code(), 0);
  EXPECT_EQ(relay->count_lines(std::regex("^<[0-7]>"), Stream::Stderr), 0u) << relay->output();
  EXPECT_GT(
      relay->count_lines(std::regex(R"(^\d{4}-\d\d-\d\d .*info .*\[relay\])"), Stream::Stderr), 0u)
      << relay->output();
}

}  // namespace
}  // namespace hallcast::systemd_test
