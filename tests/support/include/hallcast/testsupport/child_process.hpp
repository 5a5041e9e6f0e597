// A child process for tests: spawn a binary, wait for lines on its stdout/stderr with a deadline,
// stop it with SIGTERM and read its exit status. Reader threads collect output; every public
// method may be called from the test's thread. Every timeout given here is scaled by
// HALLCAST_TEST_TIME_SCALE (time_scale.hpp).
#pragma once

#include "hallcast/testsupport/time_scale.hpp"

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>

namespace hallcast::testsupport {

using namespace std::chrono_literals;

enum class Stream { Stdout, Stderr };

struct SpawnOptions {
  std::vector<std::string> args;           // argv[1..]
  std::map<std::string, std::string> env;  // added to (or replacing in) the test's environment
  std::vector<std::string> unset_env;      // removed from the environment
  std::string cwd;                         // empty = the test's cwd
};

// Exit status as the shell sees it: exit code, or 128 + signal number.
struct ExitStatus {
  bool exited = false;  // false: still running (timed out)
  int code = -1;        // exit code when it exited normally
  int signal = 0;       // signal that killed it, else 0
  int shell_code() const { return signal ? 128 + signal : code; }
};

class ChildProcess {
 public:
  // Throws std::runtime_error when the binary cannot be started.
  ChildProcess(const std::string& binary, SpawnOptions options);
  ~ChildProcess();  // SIGKILL + reap if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // First line (from line index `from`) matching re on that stream, waiting up to timeout;
  // returns the groups ([0] = whole match) and, as the last element, the whole line.
  // nullopt on timeout or when the stream closed first.
  std::optional<std::vector<std::string>> wait_for_match(const std::regex& re,
                                                         std::chrono::milliseconds timeout,
                                                         Stream stream = Stream::Stdout,
                                                         size_t from = 0);
  // Same, with an ECMAScript pattern; returns the whole matching line.
  std::optional<std::string> wait_for_line(const std::string& re, std::chrono::milliseconds timeout,
                                           Stream stream = Stream::Stdout, size_t from = 0);
  // How many lines so far match re.
  size_t count_lines(const std::regex& re, Stream stream = Stream::Stdout);
  std::vector<std::string> lines(Stream stream = Stream::Stdout);
  std::string output(Stream stream = Stream::Stderr);  // all lines joined, for failure messages

  void signal(int sig);
  // Sends SIGTERM and waits; on timeout sends SIGKILL and reports exited = false.
  ExitStatus terminate(std::chrono::milliseconds timeout = 10s);
  // Waits for the process to exit on its own.
  ExitStatus wait(std::chrono::milliseconds timeout);
  bool running();

 private:
  void read_loop(int fd, Stream stream);
  std::optional<ExitStatus> try_reap();

  pid_t pid_ = -1;
  std::optional<ExitStatus> status_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_[2];
  bool closed_[2] = {false, false};
  std::thread readers_[2];
};

// "hallcast-relay" -> "<build>/bin/hallcast-relay" (HALLCAST_BIN_DIR, or the directory in the
// environment variable HALLCAST_TEST_BIN_DIR when set).
std::string binary_path(const std::string& name);
// Path of a file in the source tree (HALLCAST_SOURCE_DIR).
std::string source_path(const std::string& relative);

// Starts a relay and waits for its "hallcast-relay listening on HOST:PORT" line.
// Throws std::runtime_error (with the relay's stderr) when it does not come up in time.
struct RunningRelay {
  std::unique_ptr<ChildProcess> process;
  std::string host;
  int port = 0;
};
RunningRelay start_relay(const std::string& config_path, SpawnOptions extra = {},
                         std::chrono::milliseconds timeout = 20s);

}  // namespace hallcast::testsupport
