// A real SRT camera for tests: gst-launch-1.0 encoding a live test pattern to H.264 in MPEG-TS
// and serving it as an SRT listener (an IP camera in listener mode, or the streamer's hall
// output as a display sees it). Dies with the ChildProcess that runs it.
#pragma once

#include <memory>
#include <string>

#include "hallcast/testsupport/child_process.hpp"

namespace hallcast::testsupport {

struct SrtSenderOptions {
  int port = 0;                     // listener port on 127.0.0.1
  std::string pattern = "smpte";    // videotestsrc pattern
  int width = 640, height = 360;    // 30 frames/s
  int keyframe_interval = 30;       // frames
  int latency_ms = 40;              // SRT latency window
  bool wait_for_connection = true;  // false: encode and drop while no caller is connected
};

std::unique_ptr<ChildProcess> start_srt_sender(const SrtSenderOptions& options);

}  // namespace hallcast::testsupport
