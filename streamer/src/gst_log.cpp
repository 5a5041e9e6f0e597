#include "hallcast/streamer/gst_log.hpp"

#include "hallcast/gst/log_bridge.hpp"

namespace hallcast::streamer {

void route_gst_log() {
  gst::LogBridgeOptions options;
  // A program input dropping its oldest buffer is the designed bounded-queue behaviour under
  // load, and appsrc warns once per buffer: never per frame in the log.
  options.quiet.push_back({"appsrc", GST_LEVEL_ERROR});
  // At start the mixers ask their inputs for latency before the live test sources behind them
  // (slate, silence) have negotiated caps, which is when those answer; they ask again once
  // configured (9 such lines at every start otherwise).
  options.demoted.push_back({"aggregator", "Latency query failed"});
  // The resampler in a source's audio chain interpolates its filter for some rate ratios: fine.
  options.demoted.push_back({"audio-resampler", "can't find exact taps"});
  // The AAC encoder lost track of a flushed input buffer (a switch, a stop): its output is
  // unaffected.
  options.demoted.push_back({"audioencoder", "Can't copy metadata"});
  // libsrt, when srtsink closes its listener at stop: the epoll set was already released.
  options.demoted.push_back({"srtlib", ": EID:"});
  gst::route_log(options);
}

}  // namespace hallcast::streamer
