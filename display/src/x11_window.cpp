#include "hallcast/display/x11_window.hpp"

#include <X11/Xlib.h>
#include <X11/Xutil.h>

namespace hallcast::display {
namespace {

void hide_cursor(Display* dpy, Window win) {
  static char empty[8] = {0};
  Pixmap blank = XCreateBitmapFromData(dpy, win, empty, 8, 8);
  XColor black{};
  Cursor cursor = XCreatePixmapCursor(dpy, blank, blank, &black, &black, 0, 0);
  XDefineCursor(dpy, win, cursor);
  XFreeCursor(dpy, cursor);
  XFreePixmap(dpy, blank);
}

}  // namespace

std::unique_ptr<X11Window> X11Window::open(uint32_t background_rgb) {
  Display* dpy = XOpenDisplay(nullptr);
  if (dpy == nullptr) return nullptr;
  std::unique_ptr<X11Window> w(new X11Window());
  w->display_ = dpy;
  w->name_ = DisplayString(dpy);
  int screen = DefaultScreen(dpy);
  w->width_ = DisplayWidth(dpy, screen);
  w->height_ = DisplayHeight(dpy, screen);
  XSetWindowAttributes attrs{};
  attrs.override_redirect = True;  // no window manager decorations: the whole screen is ours
  attrs.background_pixel = background_rgb;  // TrueColor visuals take 0xRRGGBB as the pixel
  Window win =
      XCreateWindow(dpy, RootWindow(dpy, screen), 0, 0, w->width_, w->height_, 0, CopyFromParent,
                    InputOutput, CopyFromParent, CWOverrideRedirect | CWBackPixel, &attrs);
  XStoreName(dpy, win, "hallcast-display");
  hide_cursor(dpy, win);
  XMapRaised(dpy, win);
  XSync(dpy, False);
  w->window_ = win;
  return w;
}

X11Window::~X11Window() {
  auto* dpy = static_cast<Display*>(display_);
  if (dpy == nullptr) return;
  if (window_ != 0) XDestroyWindow(dpy, static_cast<Window>(window_));
  XCloseDisplay(dpy);
}

}  // namespace hallcast::display
