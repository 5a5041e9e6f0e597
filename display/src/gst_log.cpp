#include "hallcast/display/gst_log.hpp"

#include "hallcast/gst/log_bridge.hpp"

namespace hallcast::display {

void route_gst_log() {
  // Decoders repeat some warnings per frame after a reconnect ("decreasing timestamp"): the
  // bridge's per-element burst limit keeps that to a few lines and a count.
  gst::route_log();
}

}  // namespace hallcast::display
