#include "hallcast/testsupport/fmp4.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <stdexcept>

#include "hallcast/testsupport/temp_dir.hpp"

namespace hallcast::testsupport {
namespace {

uint64_t be(const std::string& s, size_t pos, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v = (v << 8) | static_cast<uint8_t>(s[pos + static_cast<size_t>(i)]);
  return v;
}

struct Box {
  std::string type;
  size_t start, size, header;
};

std::vector<Box> boxes(const std::string& s, size_t begin, size_t end) {
  std::vector<Box> out;
  size_t pos = begin;
  while (pos + 8 <= end) {
    uint64_t size = be(s, pos, 4);
    size_t header = 8;
    if (size == 1) {
      size = be(s, pos + 8, 8);
      header = 16;
    } else if (size == 0) {
      size = end - pos;
    }
    if (size < header || pos + size > end) throw std::runtime_error("truncated MP4 box");
    out.push_back({s.substr(pos + 4, 4), pos, static_cast<size_t>(size), header});
    pos += size;
  }
  return out;
}

// Sync flag and decode time of a moof's first track fragment.
void inspect_moof(const std::string& s, const Box& moof, Fmp4Fragment& f) {
  for (const Box& traf : boxes(s, moof.start + moof.header, moof.start + moof.size)) {
    if (traf.type != "traf") continue;
    uint32_t sample_flags = 0x00010000;  // non-sync unless told otherwise
    for (const Box& b : boxes(s, traf.start + traf.header, traf.start + traf.size)) {
      size_t p = b.start + b.header;
      uint32_t flags = static_cast<uint32_t>(be(s, p, 4)) & 0xffffff;
      if (b.type == "tfhd") {
        size_t q = p + 8;  // version/flags + track_ID
        if (flags & 0x01) q += 8;
        if (flags & 0x02) q += 4;
        if (flags & 0x08) q += 4;
        if (flags & 0x10) q += 4;
        if (flags & 0x20) sample_flags = static_cast<uint32_t>(be(s, q, 4));
      } else if (b.type == "tfdt") {
        f.decode_time = (s[p] == 1) ? be(s, p + 4, 8) : be(s, p + 4, 4);
      } else if (b.type == "trun" && (flags & 0x04)) {
        size_t q = p + 8;  // version/flags + sample_count
        if (flags & 0x01) q += 4;
        sample_flags = static_cast<uint32_t>(be(s, q, 4));
      }
    }
    f.keyframe = !(sample_flags & 0x00010000);
    return;
  }
}

}  // namespace

Fmp4 split_fmp4(const std::string& s) {
  Fmp4 out;
  Fmp4Fragment* current = nullptr;
  for (const Box& b : boxes(s, 0, s.size())) {
    std::string bytes = s.substr(b.start, b.size);
    if (b.type == "ftyp" || b.type == "moov") {
      out.init += bytes;
    } else if (b.type == "moof") {
      out.fragments.push_back({bytes, false, 0});
      current = &out.fragments.back();
      inspect_moof(s, b, *current);
    } else if (current) {
      current->bytes += bytes;  // mdat (and anything else) belongs to the open fragment
    }
  }
  if (out.init.empty() || out.fragments.empty()) throw std::runtime_error("not a fragmented MP4");
  return out;
}

int run_command(const std::string& command, std::string* output) {
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  size_t n;
  std::string out;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  if (output) *output = out;
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string make_test_fmp4(const std::string& out_path, double seconds, int gop_frames,
                           int fragment_ms, const std::string& size) {
  std::string cmd =
      "ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i testsrc=size=" + size +
      ":rate=30 -t " + std::to_string(seconds) +
      " -c:v libx264 -preset ultrafast -profile:v baseline -pix_fmt yuv420p -g " +
      std::to_string(gop_frames) + " -keyint_min " + std::to_string(gop_frames) +
      " -sc_threshold 0 -movflags frag_keyframe+empty_moov+default_base_moof"
      " -frag_duration " +
      std::to_string(fragment_ms * 1000) + " -f mp4 '" + out_path + "'";
  std::string log;
  if (run_command(cmd, &log) != 0) throw std::runtime_error("ffmpeg failed: " + log);
  return read_file(out_path);
}

std::string media_frame(bool init, bool keyframe, uint64_t media_time_us, uint64_t capture_time_us,
                        uint32_t sequence, const std::string& payload) {
  std::string h(24, '\0');
  h[0] = 1;
  h[1] = init ? 0 : 1;
  h[2] = keyframe ? 1 : 0;
  h[3] = 24;
  for (int i = 0; i < 8; ++i) h[4 + i] = static_cast<char>(media_time_us >> (56 - 8 * i));
  for (int i = 0; i < 8; ++i) h[12 + i] = static_cast<char>(capture_time_us >> (56 - 8 * i));
  for (int i = 0; i < 4; ++i) h[20 + i] = static_cast<char>(sequence >> (24 - 8 * i));
  return h + payload;
}

bool parse_media_frame(const std::string& f, ParsedFrame& out) {
  if (f.size() < 24 || f[0] != 1 || static_cast<uint8_t>(f[3]) < 24) return false;
  out.kind = f[1];
  out.keyframe = f[2] & 1;
  out.media_time_us = be(f, 4, 8);
  out.capture_time_us = be(f, 12, 8);
  out.sequence = static_cast<uint32_t>(be(f, 20, 4));
  out.payload = f.substr(static_cast<uint8_t>(f[3]));
  return true;
}

}  // namespace hallcast::testsupport
