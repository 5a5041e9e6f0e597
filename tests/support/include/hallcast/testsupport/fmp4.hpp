// Fragmented MP4 for tests: make one with ffmpeg (real H.264), split it into the init segment
// (ftyp+moov) and fragments (moof+mdat) by walking the top-level boxes, and frame them with the
// 24-byte hallcast media header (common/media_frame.hpp layout, re-implemented here so tests do
// not depend on the code under test). Pure functions except make_test_fmp4.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hallcast::testsupport {

struct Fmp4Fragment {
  std::string bytes;         // moof+mdat (and any boxes between them)
  bool keyframe = false;     // the first sample is a sync sample
  uint64_t decode_time = 0;  // tfdt baseMediaDecodeTime (track timescale)
};

struct Fmp4 {
  std::string init;  // ftyp+moov
  std::vector<Fmp4Fragment> fragments;
};

// Splits a fragmented MP4; throws std::runtime_error when it is not one.
Fmp4 split_fmp4(const std::string& file_bytes);

// Runs ffmpeg (testsrc, libx264 baseline, GOP of gop_frames, fragments of fragment_ms) and
// returns the file's bytes; throws std::runtime_error with ffmpeg's stderr on failure.
std::string make_test_fmp4(const std::string& out_path, double seconds = 4.0, int gop_frames = 30,
                           int fragment_ms = 200, const std::string& size = "320x240");

// The hallcast binary frame: 24-byte header + payload.
std::string media_frame(bool init, bool keyframe, uint64_t media_time_us, uint64_t capture_time_us,
                        uint32_t sequence, const std::string& payload);
// The header's fields back (kind 0 = init, 1 = fragment); false when too short.
struct ParsedFrame {
  int kind = -1;
  bool keyframe = false;
  uint64_t media_time_us = 0;
  uint64_t capture_time_us = 0;
  uint32_t sequence = 0;
  std::string payload;
};
bool parse_media_frame(const std::string& frame, ParsedFrame& out);

// Runs a shell command, returns its exit code and (merged) output.
int run_command(const std::string& command, std::string* output = nullptr);

}  // namespace hallcast::testsupport
