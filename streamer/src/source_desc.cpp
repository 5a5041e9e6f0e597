#include "hallcast/streamer/source_desc.hpp"

#include <stdexcept>

#include "hallcast/streamer/streamer_limits.hpp"

namespace hallcast::streamer {
namespace {

using config::SourceKind;

// The end of every source pipeline: the program format, into appsinks the program reads.
// A live source (camera, network) must never be held back: its queues leak and its appsinks
// drop, keeping only the newest frames. A file is the opposite: nothing paces its demuxer but
// back-pressure from the clock-synchronised appsinks, so a leaky queue there would let the
// decoder race through the file and drop almost every frame; a paced tail blocks instead.
std::string video_tail(const ProgramFormat& f, bool paced = false) {
  return std::string(" ! queue max-size-buffers=3") + (paced ? "" : " leaky=downstream") +
         " ! videoconvert ! videoscale add-borders=true ! videorate ! " + video_caps(f) +
         " ! appsink name=video max-buffers=2" + (paced ? " sync=true" : " sync=false drop=true");
}

std::string audio_tail(bool paced) {
  return std::string(" ! queue max-size-time=200000000") + (paced ? "" : " leaky=downstream") +
         " ! audioconvert ! audioresample ! " + audio_caps() +
         " ! appsink name=audio max-buffers=8" + (paced ? " sync=true" : " sync=false drop=true");
}

void require(const std::string& value, const config::Source& s, const char* field) {
  if (value.empty())
    throw std::invalid_argument("source '" + s.id + "' (" + std::string(config::to_string(s.kind)) +
                                ") needs '" + field + "'");
}

std::string test_desc(const config::Source& s, const ProgramFormat& f) {
  std::string pattern = s.pattern.empty() ? "smpte" : s.pattern;
  std::string d = "videotestsrc is-live=true pattern=" + launch_quote(pattern) +
                  " ! video/x-raw,width=" + std::to_string(f.width) +
                  ",height=" + std::to_string(f.height) +
                  ",framerate=" + std::to_string(f.framerate) + "/1" +
                  " ! textoverlay name=label valignment=top halignment=left shaded-background=true"
                  " ! clockoverlay valignment=bottom halignment=right shaded-background=true"
                  " time-format=\"%H:%M:%S\"" +
                  video_tail(f);
  if (source_has_audio(s))
    d += " audiotestsrc is-live=true wave=sine volume=0.2 freq=" + std::to_string(s.audio_freq) +
         " ! audio/x-raw,rate=" + std::to_string(limits::kAudioRate) + audio_tail(false);
  return d;
}

// Demuxed/decoded sources: "d." is a decodebin-like element with dynamic pads.
std::string decoded_branches(const config::Source& s, const ProgramFormat& f, bool paced) {
  std::string d = " d. ! video/x-raw" + video_tail(f, paced);
  if (source_has_audio(s)) d += " d. ! audio/x-raw" + audio_tail(paced);
  return d;
}

}  // namespace

std::string video_caps(const ProgramFormat& f) {
  return "video/x-raw,format=I420,width=" + std::to_string(f.width) +
         ",height=" + std::to_string(f.height) + ",framerate=" + std::to_string(f.framerate) +
         "/1,pixel-aspect-ratio=1/1";
}

std::string audio_caps() {
  return "audio/x-raw,format=S16LE,layout=interleaved,rate=" + std::to_string(limits::kAudioRate) +
         ",channels=" + std::to_string(limits::kAudioChannels);
}

bool source_has_audio(const config::Source& s) {
  switch (s.kind) {
    case SourceKind::V4l2:
    case SourceKind::Image:
      return false;  // v4l2 carries no audio; a hall mic is its own (ALSA) source later
    default:
      return s.audio;
  }
}

bool source_is_live(const config::Source& s) {
  return s.kind != SourceKind::File;
}

std::string launch_quote(const std::string& v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string source_pipeline_desc(const config::Source& s, const ProgramFormat& f) {
  switch (s.kind) {
    case SourceKind::Test:
      return test_desc(s, f);
    case SourceKind::V4l2:
      require(s.device, s, "device");
      return "v4l2src device=" + launch_quote(s.device) + " ! decodebin name=d" +
             decoded_branches(s, f, false);
    case SourceKind::Rtsp:
      require(s.uri, s, "uri");
      // rtspsrc's latency is set from the source-setup signal (see SourcePipeline).
      return "uridecodebin name=d uri=" + launch_quote(s.uri) + decoded_branches(s, f, false);
    case SourceKind::Srt: {
      require(s.uri, s, "uri");
      std::string uri =
          s.uri + (s.uri.find('?') == std::string::npos ? "?" : "&") + "mode=" + s.srt_mode;
      // tsdemux latency=0: its 700 ms default is pure added delay (PLATFORM-NOTES).
      std::string d =
          "srtsrc uri=" + launch_quote(uri) + " latency=" + std::to_string(s.latency_ms) +
          " ! tsdemux name=t latency=0"
          " t. ! video/x-h264 ! queue ! h264parse ! avdec_h264 name=vdec ! video/x-raw" +
          video_tail(f);
      if (source_has_audio(s))
        d += " t. ! audio/mpeg ! queue ! aacparse ! avdec_aac ! audio/x-raw" + audio_tail(false);
      return d;
    }
    case SourceKind::File:
      require(s.path, s, "path");
      return "filesrc location=" + launch_quote(s.path) + " ! decodebin name=d" +
             decoded_branches(s, f, true);
    case SourceKind::Image:
      require(s.path, s, "path");
      return "filesrc location=" + launch_quote(s.path) +
             " ! decodebin ! videoconvert ! videoscale add-borders=true ! imagefreeze "
             "is-live=true" +
             video_tail(f);
  }
  throw std::invalid_argument("unknown source kind");
}

}  // namespace hallcast::streamer
