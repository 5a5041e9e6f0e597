#include "hallcast/testsupport/srt_sender.hpp"

#include <vector>

namespace hallcast::testsupport {

std::unique_ptr<ChildProcess> start_srt_sender(const SrtSenderOptions& o) {
  auto n = [](int v) { return std::to_string(v); };
  std::vector<std::string> args = {
      "-q", "videotestsrc", "is-live=true", "pattern=" + o.pattern, "!",
      "video/x-raw,format=I420,width=" + n(o.width) + ",height=" + n(o.height) + ",framerate=30/1",
      "!", "x264enc", "tune=zerolatency", "speed-preset=ultrafast",
      "key-int-max=" + n(o.keyframe_interval), "option-string=scenecut=0", "!",
      "video/x-h264,profile=constrained-baseline", "!",
      // alignment=7: srtsink sends whole 7-packet groups (docs: PLATFORM-NOTES).
      "mpegtsmux", "alignment=7", "!", "srtsink",
      "uri=srt://127.0.0.1:" + n(o.port) + "?mode=listener", "latency=" + n(o.latency_ms)};
  if (!o.wait_for_connection) {
    args.push_back("wait-for-connection=false");
    args.push_back("sync=false");
  }
  SpawnOptions spawn;
  spawn.args = std::move(args);
  return std::make_unique<ChildProcess>("/usr/bin/gst-launch-1.0", spawn);
}

}  // namespace hallcast::testsupport
