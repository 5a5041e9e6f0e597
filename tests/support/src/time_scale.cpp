#include "hallcast/testsupport/time_scale.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

namespace hallcast::testsupport {

namespace {

double read_scale() {
  const char* v = std::getenv("HALLCAST_TEST_TIME_SCALE");
  if (!v || !*v) return 1.0;
  char* end = nullptr;
  double s = std::strtod(v, &end);
  if (end == v || *end != '\0' || !std::isfinite(s) || s < 1.0) return 1.0;
  return s;
}

}  // namespace

double time_scale() {
  static const double scale = read_scale();
  return scale;
}

std::chrono::milliseconds scaled(std::chrono::milliseconds d) {
  if (d <= std::chrono::milliseconds(0)) return d;
  return std::chrono::milliseconds(
      static_cast<std::chrono::milliseconds::rep>(std::ceil(double(d.count()) * time_scale())));
}

std::chrono::steady_clock::time_point deadline_in(std::chrono::milliseconds d) {
  return std::chrono::steady_clock::now() + scaled(d);
}

}  // namespace hallcast::testsupport
