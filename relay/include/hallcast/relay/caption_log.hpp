// The durable record of a hall's final captions and title changes: one JSON object per line in
// <state_dir>/<hall>.captions.jsonl, each append fsync'ed before the command is acknowledged,
// read back at start-up (a torn last line from a crash is skipped). Owned by the service thread.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hallcast/relay/hall_text.hpp"

namespace hallcast::relay {

class CaptionLog {
 public:
  // Opens (creating the directory and file if needed); throws std::runtime_error on failure.
  CaptionLog(const std::string& state_dir, const std::string& hall);
  ~CaptionLog();
  CaptionLog(const CaptionLog&) = delete;
  CaptionLog& operator=(const CaptionLog&) = delete;

  // Every valid record in the file, oldest first.
  std::vector<Json> read_all() const;
  // Appends one record and fsyncs; false (and logs) when the disk refused it.
  bool append(const Json& record);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

// A WebVTT document of final captions (corrections applied). `origin_ms` is the wall-clock time
// of 00:00:00.000 (the session's start, or the first caption's time when that is earlier).
std::string to_webvtt(const std::vector<FinalCaption>& captions, int64_t origin_ms);
// "HH:MM:SS.mmm"
std::string vtt_timestamp(int64_t ms);

}  // namespace hallcast::relay
