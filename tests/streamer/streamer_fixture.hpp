// Test helpers for the streamer: small configs built in code, a main-loop driver with
// deadlines, an in-process media collector, and ffmpeg/ffprobe checks on what was published.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "hallcast/common/config.hpp"
#include "hallcast/common/media_frame.hpp"
#include "hallcast/streamer/streamer.hpp"

namespace hallcast::streamer::testing {

using namespace std::chrono_literals;

// One hall "hoi-truong" at 320x180@30 with test sources {id, pattern}.
config::Config small_config(const std::vector<std::pair<std::string, std::string>>& sources);

// Iterates the default main context until pred() or the deadline; returns pred().
bool run_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

struct Fragment {
  media::FrameHeader header;
  std::vector<uint8_t> bytes;
  std::chrono::steady_clock::time_point at;
  uint64_t arrived_wall_us = 0;  // wall clock when the fragment left the muxer
};

// Collects what the streamer publishes (called from a streaming thread).
class Collector {
 public:
  void add(const media::FrameHeader& h, std::vector<uint8_t>&& b);
  std::vector<uint8_t> init() const;
  // Every fragment in the order it left the muxer: one per video frame and one per audio frame
  // (audio-only, sent without waiting for the next video frame).
  std::vector<Fragment> fragments() const;
  size_t count() const;
  // Only the video fragments (one per frame), in order.
  std::vector<Fragment> video_fragments() const;
  size_t video_count() const;

 private:
  mutable std::mutex mu_;
  std::vector<uint8_t> init_;
  std::vector<Fragment> frags_;
};

// A Streamer on the test's main loop, collecting media and states.
struct Harness {
  explicit Harness(config::Config c, std::string hall = "hoi-truong");
  ~Harness();
  // Starts and waits until `frames` video fragments were published.
  void start(size_t frames = 10);
  nlohmann::json command(const nlohmann::json& c);
  std::string health(const std::string& source) const;

  config::Config cfg;
  Collector media;
  std::vector<nlohmann::json> states;
  std::optional<Streamer> streamer;
  std::string fatal;
};

struct Rgb {
  int r = 0, g = 0, b = 0;
};
enum class Look { Red, Green, Blue, Slate, Black, Other };
Look classify(const Rgb& c);
const char* to_string(Look l);

std::string temp_dir();
// init + fragments[from, to) written as one MP4 file; returns its path.
std::string write_mp4(const std::vector<uint8_t>& init, const std::vector<Fragment>& frags,
                      size_t from, size_t to, const std::string& name);
// Runs a shell command; returns stdout, sets *rc.
std::string sh(const std::string& cmd, int* rc = nullptr);
// The centre pixel of every decoded video frame of a file (ffmpeg), in order.
std::vector<Rgb> centre_pixels(const std::string& path);
// A UDP/TCP port that was free a moment ago.
int free_port(bool udp);

}  // namespace hallcast::streamer::testing
