#include "hallcast/common/frame_stamp.hpp"

namespace hallcast::stamp {
namespace {

constexpr uint64_t kDataMask = (uint64_t{1} << kDataBits) - 1;

struct Grid {
  int cell = 0, x0 = 0, y0 = 0;
};

std::optional<Grid> grid(int width, int height) {
  Grid g;
  g.cell = (width / kWidthDivisor) & ~1;  // even: whole chroma samples in 4:2:0
  if (g.cell < 4 || height < g.cell * (kRows + 2)) return std::nullopt;
  g.x0 = g.cell;
  g.y0 = (height / 2 - g.cell) & ~1;
  return g;
}

Cell cell_at(const Grid& g, int index) {
  return Cell{g.x0 + (index % kCellsPerRow) * g.cell, g.y0 + (index / kCellsPerRow) * g.cell,
              g.cell, false};
}

}  // namespace

uint8_t crc8(uint64_t value, int bits) {
  uint8_t crc = 0;
  for (int i = bits - 1; i >= 0; --i) {
    bool bit = ((value >> i) & 1) != 0;
    bool top = (crc & 0x80) != 0;
    crc = static_cast<uint8_t>(crc << 1);
    if (bit != top) crc ^= 0x07;
  }
  return crc;
}

std::vector<Cell> encode(uint64_t wall_us, int width, int height) {
  auto g = grid(width, height);
  if (!g) return {};
  uint64_t data = wall_us & kDataMask;
  uint64_t word = (data << kCheckBits) | crc8(data, kDataBits);
  std::vector<Cell> cells;
  cells.reserve(kCellsPerRow * kRows);
  Cell white = cell_at(*g, 0), black = cell_at(*g, 1);
  white.white = true;
  cells.push_back(white);
  cells.push_back(black);
  constexpr int kBits = kDataBits + kCheckBits;
  for (int i = 0; i < kBits; ++i) {
    Cell c = cell_at(*g, 2 + i);
    c.white = ((word >> (kBits - 1 - i)) & 1) != 0;
    cells.push_back(c);
  }
  return cells;
}

std::optional<uint64_t> decode(const Sampler& sample, int width, int height, uint64_t now_us) {
  auto g = grid(width, height);
  if (!g) return std::nullopt;
  // Sample the middle half of each cell: edges blur under compression and scaling.
  auto level = [&](int index) {
    Cell c = cell_at(*g, index);
    int q = c.size / 4;
    return sample(c.x + q, c.y + q, c.size / 2);
  };
  int hi = level(0), lo = level(1);
  if (hi - lo < kMinContrast) return std::nullopt;
  int threshold = (hi + lo) / 2;
  constexpr int kBits = kDataBits + kCheckBits;
  uint64_t word = 0;
  for (int i = 0; i < kBits; ++i) word = (word << 1) | (level(2 + i) > threshold ? 1 : 0);
  uint64_t data = word >> kCheckBits;
  if (crc8(data, kDataBits) != static_cast<uint8_t>(word & 0xff)) return std::nullopt;
  // The capture time nearest to now with these low 40 bits.
  int64_t diff = static_cast<int64_t>((now_us - data) & kDataMask);
  if (diff > static_cast<int64_t>(kDataMask / 2)) diff -= static_cast<int64_t>(kDataMask + 1);
  return now_us - static_cast<uint64_t>(diff);
}

}  // namespace hallcast::stamp
