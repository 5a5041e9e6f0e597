// Test helpers for the display's e2e tests: an Xvfb server on a free display number, screen
// captures (raw RGB via ImageMagick's import), pixel statistics, free ports and stand-in senders.
// Owned by the test's thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hallcast/testsupport/child_process.hpp"

namespace hallcast::display::test {

class Xvfb {
 public:
  Xvfb(int width, int height);  // throws if it does not start
  const std::string& display() const { return display_; }
  int width() const { return width_; }
  int height() const { return height_; }

 private:
  std::unique_ptr<testsupport::ChildProcess> process_;
  std::string display_;
  int width_, height_;
};

struct Rect {
  double x0, y0, x1, y1;  // fractions of the screen
};

struct Capture {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;
  // Fraction of pixels in r whose colour is within tol of rgb (0xRRGGBB).
  double fraction_near(uint32_t color, int tol, Rect r = {0, 0, 1, 1}) const;
  // Fraction of pixels in r that differ from other's by more than tol on any channel.
  double fraction_different(const Capture& other, int tol, Rect r) const;
};

// Captures the root window (and keeps a PNG copy at png_path when not empty).
Capture capture_screen(const Xvfb& x, const std::string& png_path = "");

// A UDP/TCP port that was free a moment ago.
int free_port(bool udp);

}  // namespace hallcast::display::test
