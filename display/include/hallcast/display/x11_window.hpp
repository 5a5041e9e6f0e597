// A borderless window covering the whole X screen (kiosk): no decorations, no cursor, painted
// in the standby colour until video arrives. Owned by the main loop thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace hallcast::display {

class X11Window {
 public:
  // nullptr when no X display can be opened (e.g. a bare console: use KMS).
  static std::unique_ptr<X11Window> open(uint32_t background_rgb);
  ~X11Window();
  X11Window(const X11Window&) = delete;
  X11Window& operator=(const X11Window&) = delete;

  uintptr_t handle() const { return window_; }
  int width() const { return width_; }
  int height() const { return height_; }
  const std::string& name() const { return name_; }

 private:
  X11Window() = default;
  void* display_ = nullptr;  // Display*
  uintptr_t window_ = 0;
  int width_ = 0;
  int height_ = 0;
  std::string name_;
};

}  // namespace hallcast::display
