#include "hallcast/testsupport/child_process.hpp"
#include "hallcast/testsupport/time_scale.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace hallcast::testsupport {
namespace {

std::vector<std::string> build_env(const SpawnOptions& o) {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& k : o.unset_env) env.erase(k);
  for (const auto& [k, v] : o.env) env[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

ExitStatus to_status(int wstatus) {
  ExitStatus s;
  s.exited = true;
  if (WIFEXITED(wstatus)) s.code = WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) s.signal = WTERMSIG(wstatus);
  return s;
}

}  // namespace

ChildProcess::ChildProcess(const std::string& binary, SpawnOptions options) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe: " + std::string(strerror(errno)));
  std::vector<std::string> argv_s{binary};
  argv_s.insert(argv_s.end(), options.args.begin(), options.args.end());
  std::vector<std::string> env_s = build_env(options);
  auto argv = c_strings(argv_s);
  auto envp = c_strings(env_s);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork: " + std::string(strerror(errno)));
  if (pid_ == 0) {
    dup2(out[1], 1);
    dup2(err[1], 2);
    if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) _exit(127);
    execve(binary.c_str(), argv.data(), envp.data());
    dprintf(2, "exec %s: %s\n", binary.c_str(), strerror(errno));
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  readers_[0] = std::thread([this, fd = out[0]] { read_loop(fd, Stream::Stdout); });
  readers_[1] = std::thread([this, fd = err[0]] { read_loop(fd, Stream::Stderr); });
}

ChildProcess::~ChildProcess() {
  if (!status_) {
    ::kill(pid_, SIGKILL);
    int ws = 0;
    waitpid(pid_, &ws, 0);
  }
  for (auto& t : readers_)
    if (t.joinable()) t.join();
}

void ChildProcess::read_loop(int fd, Stream stream) {
  std::string pending;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      std::lock_guard lock(mutex_);
      lines_[static_cast<int>(stream)].push_back(pending.substr(0, nl));
      pending.erase(0, nl + 1);
      changed_.notify_all();
    }
  }
  std::lock_guard lock(mutex_);
  if (!pending.empty()) lines_[static_cast<int>(stream)].push_back(pending);
  closed_[static_cast<int>(stream)] = true;
  changed_.notify_all();
  ::close(fd);
}

std::optional<std::vector<std::string>> ChildProcess::wait_for_match(
    const std::regex& re, std::chrono::milliseconds timeout, Stream stream, size_t from) {
  auto deadline = deadline_in(timeout);
  const int i = static_cast<int>(stream);
  std::unique_lock lock(mutex_);
  size_t checked = from;
  for (;;) {
    for (; checked < lines_[i].size(); ++checked) {
      std::smatch m;
      const std::string& line = lines_[i][checked];
      if (std::regex_search(line, m, re)) {
        std::vector<std::string> groups;
        for (const auto& g : m) groups.push_back(g.str());
        groups.push_back(line);  // last element: the whole line
        return groups;
      }
    }
    if (closed_[i]) return std::nullopt;
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout &&
        checked == lines_[i].size())
      return std::nullopt;
  }
}

std::optional<std::string> ChildProcess::wait_for_line(const std::string& re,
                                                       std::chrono::milliseconds timeout,
                                                       Stream stream, size_t from) {
  auto m = wait_for_match(std::regex(re), timeout, stream, from);
  if (!m) return std::nullopt;
  return m->back();
}

size_t ChildProcess::count_lines(const std::regex& re, Stream stream) {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& l : lines_[static_cast<int>(stream)])
    if (std::regex_search(l, re)) ++n;
  return n;
}

std::vector<std::string> ChildProcess::lines(Stream stream) {
  std::lock_guard lock(mutex_);
  return lines_[static_cast<int>(stream)];
}

std::string ChildProcess::output(Stream stream) {
  std::string out;
  for (const auto& l : lines(stream)) out += l + "\n";
  return out;
}

void ChildProcess::signal(int sig) {
  if (!status_) ::kill(pid_, sig);
}

std::optional<ExitStatus> ChildProcess::try_reap() {
  if (status_) return status_;
  int ws = 0;
  pid_t r = waitpid(pid_, &ws, WNOHANG);
  if (r == pid_) status_ = to_status(ws);
  return status_;
}

ExitStatus ChildProcess::wait(std::chrono::milliseconds timeout) {
  auto deadline = deadline_in(timeout);
  for (;;) {
    if (auto s = try_reap()) return *s;
    if (std::chrono::steady_clock::now() >= deadline) return ExitStatus{};
    std::this_thread::sleep_for(5ms);  // no child-exit event to wait on portably
  }
}

ExitStatus ChildProcess::terminate(std::chrono::milliseconds timeout) {
  signal(SIGTERM);
  ExitStatus s = wait(timeout);
  if (!s.exited) {
    ::kill(pid_, SIGKILL);
    wait(5s);
    return ExitStatus{};
  }
  return s;
}

bool ChildProcess::running() {
  return !try_reap().has_value();
}

std::string binary_path(const std::string& name) {
  // HALLCAST_TEST_BIN_DIR runs the same tests against another build (e.g. the ASan relay).
  const char* dir = std::getenv("HALLCAST_TEST_BIN_DIR");
  return std::string(dir && *dir ? dir : HALLCAST_BIN_DIR) + "/" + name;
}

std::string source_path(const std::string& relative) {
  return std::string(HALLCAST_SOURCE_DIR) + "/" + relative;
}

RunningRelay start_relay(const std::string& config_path, SpawnOptions extra,
                         std::chrono::milliseconds timeout) {
  SpawnOptions o = std::move(extra);
  bool has_listen = false;
  for (const auto& a : o.args) has_listen |= (a == "--listen");
  std::vector<std::string> args{"--config", config_path};
  if (!has_listen) args.insert(args.end(), {"--listen", "127.0.0.1:0"});
  o.args.insert(o.args.begin(), args.begin(), args.end());
  RunningRelay r;
  r.process = std::make_unique<ChildProcess>(binary_path("hallcast-relay"), std::move(o));
  static const std::regex listening(R"(^hallcast-relay listening on (\S+):(\d+)$)");
  auto m = r.process->wait_for_match(listening, timeout);
  if (!m) {
    r.process->terminate(2s);
    throw std::runtime_error("relay did not start:\n" + r.process->output(Stream::Stderr));
  }
  r.host = (*m)[1];
  r.port = std::stoi((*m)[2]);
  return r;
}

}  // namespace hallcast::testsupport
