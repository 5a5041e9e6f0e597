#include "hallcast/relay/caption_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "hallcast/common/limits.hpp"
#include "hallcast/common/logging.hpp"

namespace hallcast::relay {

CaptionLog::CaptionLog(const std::string& state_dir, const std::string& hall)
    : path_((std::filesystem::path(state_dir) / (hall + ".captions.jsonl")).string()) {
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd_ < 0)
    throw std::runtime_error("cannot open caption log " + path_ + ": " + strerror(errno));
}

CaptionLog::~CaptionLog() {
  if (fd_ >= 0) ::close(fd_);
}

std::vector<Json> CaptionLog::read_all() const {
  std::vector<Json> out;
  std::ifstream in(path_);
  std::string line;
  size_t bad = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    int depth = 0;
    auto bounded = [&depth](int, Json::parse_event_t ev, Json&) {
      if (ev == Json::parse_event_t::object_start || ev == Json::parse_event_t::array_start)
        ++depth;
      else if (ev == Json::parse_event_t::object_end || ev == Json::parse_event_t::array_end)
        --depth;
      if (depth > limits::kMaxJsonDepth) throw std::runtime_error("too deep");
      return true;
    };
    try {
      Json j = Json::parse(line, bounded);
      if (j.is_object()) out.push_back(std::move(j));
    } catch (const std::exception&) {
      ++bad;  // a torn line (crash mid-write) or foreign content: skip it
    }
  }
  if (bad) logging::get("relay")->warn("caption log {}: skipped {} unreadable lines", path_, bad);
  return out;
}

bool CaptionLog::append(const Json& record) {
  std::string line = record.dump() + "\n";
  const char* p = line.data();
  size_t left = line.size();
  while (left) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      logging::get("relay")->error("caption log {}: write failed: {}", path_, strerror(errno));
      return false;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fdatasync(fd_) != 0) {
    logging::get("relay")->error("caption log {}: fsync failed: {}", path_, strerror(errno));
    return false;
  }
  return true;
}

std::string vtt_timestamp(int64_t ms) {
  if (ms < 0) ms = 0;
  char buf[32];
  snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%03lld", static_cast<long long>(ms / 3600000),
           static_cast<long long>(ms / 60000 % 60), static_cast<long long>(ms / 1000 % 60),
           static_cast<long long>(ms % 1000));
  return buf;
}

namespace {
std::string vtt_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out += c;
  }
  return out;
}
}  // namespace

std::string to_webvtt(const std::vector<FinalCaption>& captions, int64_t origin_ms) {
  constexpr int64_t kMinCueMs = 1000, kMaxCueMs = 7000;  // how long a line stays up
  std::string out = "WEBVTT\n\n";
  for (size_t i = 0; i < captions.size(); ++i) {
    const auto& c = captions[i];
    int64_t start = c.t - origin_ms;
    int64_t end = start + kMaxCueMs;
    if (i + 1 < captions.size()) end = std::min(end, captions[i + 1].t - origin_ms);
    end = std::max(end, start + kMinCueMs);
    out += c.id + "\n" + vtt_timestamp(start) + " --> " + vtt_timestamp(end) + "\n" +
           vtt_escape(c.text) + "\n\n";
  }
  return out;
}

}  // namespace hallcast::relay
