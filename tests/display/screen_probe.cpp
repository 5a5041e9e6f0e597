#include "screen_probe.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace hallcast::display::test {

using namespace std::chrono_literals;
using testsupport::ChildProcess;
using testsupport::SpawnOptions;

Xvfb::Xvfb(int width, int height) : width_(width), height_(height) {
  // -displayfd: Xvfb picks a free display number itself and prints it once it is ready.
  SpawnOptions o;
  o.args = {"-displayfd",
            "1",
            "-screen",
            "0",
            std::to_string(width) + "x" + std::to_string(height) + "x24",
            "-nolisten",
            "tcp",
            "-noreset"};
  process_ = std::make_unique<ChildProcess>("/usr/bin/Xvfb", o);
  auto line = process_->wait_for_line("^[0-9]+$", 15s);
  if (!line) throw std::runtime_error("Xvfb did not start: " + process_->output());
  display_ = ":" + *line;
}

double Capture::fraction_near(uint32_t color, int tol, Rect r) const {
  const int c[3] = {int(color >> 16) & 255, int(color >> 8) & 255, int(color) & 255};
  long hits = 0, total = 0;
  for (int y = int(r.y0 * height); y < int(r.y1 * height); ++y) {
    for (int x = int(r.x0 * width); x < int(r.x1 * width); ++x) {
      const uint8_t* p = &rgb[(size_t(y) * width + x) * 3];
      ++total;
      if (std::abs(p[0] - c[0]) <= tol && std::abs(p[1] - c[1]) <= tol &&
          std::abs(p[2] - c[2]) <= tol)
        ++hits;
    }
  }
  return total ? double(hits) / total : 0.0;
}

double Capture::fraction_different(const Capture& other, int tol, Rect r) const {
  long diff = 0, total = 0;
  for (int y = int(r.y0 * height); y < int(r.y1 * height); ++y) {
    for (int x = int(r.x0 * width); x < int(r.x1 * width); ++x) {
      size_t i = (size_t(y) * width + x) * 3;
      ++total;
      for (int k = 0; k < 3; ++k) {
        if (std::abs(rgb[i + k] - other.rgb[i + k]) > tol) {
          ++diff;
          break;
        }
      }
    }
  }
  return total ? double(diff) / total : 0.0;
}

Capture capture_screen(const Xvfb& x, const std::string& png_path) {
  char tmpl[] = "/tmp/hallcast-capture-XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  close(fd);
  std::string raw = tmpl;
  std::string cmd =
      "timeout 20 /usr/bin/import -display " + x.display() + " -window root -depth 8 rgb:" + raw;
  if (!png_path.empty())
    cmd += " && /usr/bin/convert-im6.q16 -size " + std::to_string(x.width()) + "x" +
           std::to_string(x.height()) + " -depth 8 rgb:" + raw + " " + png_path;
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("screen capture failed: " + cmd);
  std::ifstream in(raw, std::ios::binary);
  Capture c;
  c.width = x.width();
  c.height = x.height();
  c.rgb.assign(std::istreambuf_iterator<char>(in), {});
  std::remove(raw.c_str());
  if (c.rgb.size() != size_t(c.width) * c.height * 3) throw std::runtime_error("short capture");
  return c;
}

int free_port(bool udp) {
  int fd = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    close(fd);
    throw std::runtime_error("no free port");
  }
  close(fd);
  return ntohs(a.sin_port);
}

}  // namespace hallcast::display::test
