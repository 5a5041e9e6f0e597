// fMP4-shaped payloads of a chosen size: an init segment (ftyp + moov boxes) and fragments
// (moof + mdat boxes). The box structure is valid; the contents are filler, not decodable video.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hallcast::bench {

std::vector<uint8_t> synthetic_init();
// A fragment of exactly `bytes` bytes (at least 64) for fragment number `index`.
std::vector<uint8_t> synthetic_fragment(size_t bytes, uint32_t index);

}  // namespace hallcast::bench
