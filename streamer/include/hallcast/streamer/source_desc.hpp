// Builds the gst-launch description of one source's own pipeline: capture/receive, decode,
// convert to the program format, and end in appsinks named "video" and "audio".
// Pure functions; any thread.
#pragma once

#include <string>

#include "hallcast/common/config.hpp"

namespace hallcast::streamer {

struct ProgramFormat {
  int width = 1280;
  int height = 720;
  int framerate = 30;
};

std::string video_caps(const ProgramFormat& f);  // raw I420 at the program size and rate
std::string audio_caps();                        // raw S16LE 48 kHz stereo

// Whether the source delivers audio (its kind can, and the config did not turn it off).
bool source_has_audio(const config::Source& s);
// Whether the source is live (test, cameras, network) or paced by the appsink clock (file).
bool source_is_live(const config::Source& s);

// The pipeline description for gst_parse_launch. Throws std::invalid_argument when a field the
// kind needs is missing.
std::string source_pipeline_desc(const config::Source& s, const ProgramFormat& f);

// Quotes a value for a gst-launch description ("..." with \ and " escaped).
std::string launch_quote(const std::string& v);

}  // namespace hallcast::streamer
