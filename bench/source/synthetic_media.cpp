#include "synthetic_media.hpp"

#include <algorithm>
#include <cstring>

namespace hallcast::bench {
namespace {

constexpr size_t kMinFragment = 64;
constexpr size_t kMoofBytes = 40;
constexpr size_t kMoovBytes = 600;  // about the size of a real H.264 + AAC moov

void put32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void box(std::vector<uint8_t>& out, const char* type, size_t total, uint8_t fill) {
  put32(out, static_cast<uint32_t>(total));
  out.insert(out.end(), type, type + 4);
  out.insert(out.end(), total - 8, fill);
}

}  // namespace

std::vector<uint8_t> synthetic_init() {
  std::vector<uint8_t> out;
  put32(out, 24);
  for (const char* s : {"ftyp", "isom", "\0\0\0\1", "isom", "avc1"})
    out.insert(out.end(), s, s + 4);
  box(out, "moov", kMoovBytes, 0);
  return out;
}

std::vector<uint8_t> synthetic_fragment(size_t bytes, uint32_t index) {
  bytes = std::max(bytes, kMinFragment);
  std::vector<uint8_t> out;
  out.reserve(bytes);
  box(out, "moof", kMoofBytes, static_cast<uint8_t>(index));
  box(out, "mdat", bytes - kMoofBytes, static_cast<uint8_t>(index * 7 + 1));
  return out;
}

}  // namespace hallcast::bench
