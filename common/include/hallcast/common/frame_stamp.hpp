// A capture wall-clock time written into the picture as a block code, for measuring
// glass-to-glass latency through any encoder, transport and player (docs/latency.md).
//
// Layout, relative to the frame size so it survives scaling: square cells of width/40 pixels,
// two rows of 25, left-aligned one cell in from the left edge and centred vertically (where no
// overlay of the display or the viewer draws). Cell 0 is white and cell 1 black (the reader's
// reference levels); then 40 data bits (the time in µs modulo 2^40, most significant first)
// and a CRC-8 of them, white = 1. web/js/viewer-stamp.js reads the same layout.
//
// Pure functions, no GStreamer: any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace hallcast::stamp {

inline constexpr int kCellsPerRow = 25;
inline constexpr int kRows = 2;
inline constexpr int kWidthDivisor = 40;  // cell = width / 40
inline constexpr int kDataBits = 40;
inline constexpr int kCheckBits = 8;
// Reference cells closer than this (0..255 levels) mean "no stamp in this picture".
inline constexpr int kMinContrast = 64;

struct Cell {
  int x = 0, y = 0, size = 0;  // top-left and side, in pixels
  bool white = false;
};

// The cells to paint for `wall_us` in a width x height picture (empty if it is too small).
std::vector<Cell> encode(uint64_t wall_us, int width, int height);

// Mean level (0..255, white high) of the square [x, x+size) x [y, y+size) of the picture.
using Sampler = std::function<int(int x, int y, int size)>;

// Reads the stamp back; `now_us` resolves the 2^40 µs wrap (the capture time nearest to it).
// nullopt if there is no stamp or it does not check.
std::optional<uint64_t> decode(const Sampler& sample, int width, int height, uint64_t now_us);

uint8_t crc8(uint64_t value, int bits);

}  // namespace hallcast::stamp
