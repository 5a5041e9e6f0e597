#include "hallcast/common/logging.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace hallcast::logging {
namespace {

std::mutex g_mutex;
spdlog::level::level_enum g_level = spdlog::level::info;
constexpr const char* kTerminalPattern = "%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v";
// journald adds its own timestamps; it takes the priority from the "<N>" prefix.
constexpr const char* kJournalPattern = "%*%-5l [%n] %v";
std::string g_pattern = kTerminalPattern;

// "%*": the "<N>" syslog priority prefix journald strips and files the line under.
class PriorityFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const char prefix[] = {'<', static_cast<char>('0' + syslog_priority(msg.level)), '>'};
    dest.append(prefix, prefix + sizeof prefix);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<PriorityFlag>();
  }
};

// Called with g_mutex held.
std::unique_ptr<spdlog::formatter> make_formatter() {
  auto f = std::make_unique<spdlog::pattern_formatter>();
  f->add_flag<PriorityFlag>('*').set_pattern(g_pattern);
  return f;
}

}  // namespace

spdlog::level::level_enum parse_level(std::string_view level) {
  static constexpr std::pair<std::string_view, spdlog::level::level_enum> kLevels[] = {
      {"trace", spdlog::level::trace},       {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},         {"warn", spdlog::level::warn},
      {"warning", spdlog::level::warn},      {"error", spdlog::level::err},
      {"critical", spdlog::level::critical}, {"off", spdlog::level::off}};
  for (const auto& [name, value] : kLevels) {
    if (name == level) return value;
  }
  throw std::invalid_argument("unknown log level '" + std::string(level) +
                              "' (trace, debug, info, warn, error, critical, off)");
}

int syslog_priority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::critical:
      return 2;  // LOG_CRIT
    case spdlog::level::err:
      return 3;  // LOG_ERR
    case spdlog::level::warn:
      return 4;  // LOG_WARNING
    case spdlog::level::info:
      return 6;  // LOG_INFO
    default:
      return 7;  // LOG_DEBUG (debug, trace)
  }
}

bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
  struct stat st {};
  if (fstat(STDERR_FILENO, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == dev &&
         static_cast<unsigned long long>(st.st_ino) == ino;
}

void setup(std::string_view level) {
  std::lock_guard lock(g_mutex);
  g_level = parse_level(level);
  g_pattern = stderr_is_journal() ? kJournalPattern : kTerminalPattern;
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) {
    l->set_level(g_level);
    l->set_formatter(make_formatter());
  });
  spdlog::set_level(g_level);
}

std::shared_ptr<spdlog::logger> get(const std::string& name) {
  std::lock_guard lock(g_mutex);
  if (auto existing = spdlog::get(name)) return existing;
  auto logger = spdlog::stderr_color_mt(name);
  logger->set_level(g_level);
  logger->set_formatter(make_formatter());
  logger->flush_on(spdlog::level::info);
  return logger;
}

}  // namespace hallcast::logging
