// hallcast-latency-probe: runs a receiver pipeline given as a gst-launch description (the
// "peer": what someone would type into gst-launch-1.0) and measures capture-to-render latency
// of the stamped frames its element named "sink" renders, exactly as hallcast-display's
// --measure-latency does (display/src/latency_meter.cpp). A fakesink is observed through its
// handoff signal, which fires after it has waited for the clock (i.e. at render time); any
// other sink through a probe on its sink pad. Prints the summary JSON on stdout.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <string>

#include <gst/gst.h>

#include "hallcast/display/latency_meter.hpp"

namespace {

struct Run {
  GMainLoop* loop = nullptr;
  hallcast::display::LatencyMeter* meter = nullptr;
  int exit_code = 0;
};

void on_handoff(GstElement*, GstBuffer* buffer, GstPad* pad, gpointer data) {
  GstCaps* caps = gst_pad_get_current_caps(pad);
  static_cast<Run*>(data)->meter->frame(buffer, caps);
  if (caps) gst_caps_unref(caps);
}

gboolean on_bus(GstBus*, GstMessage* msg, gpointer data) {
  auto* run = static_cast<Run*>(data);
  if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR || GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS) {
    GError* err = nullptr;
    if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) gst_message_parse_error(msg, &err, nullptr);
    std::fprintf(stderr, "hallcast-latency-probe: %s\n", err ? err->message : "end of stream");
    if (err) g_error_free(err);
    run->exit_code = 1;
    g_main_loop_quit(run->loop);
  }
  return TRUE;
}

gboolean on_timeout(gpointer data) {
  g_main_loop_quit(static_cast<Run*>(data)->loop);
  return G_SOURCE_REMOVE;
}

}  // namespace

int main(int argc, char** argv) {
  std::string description, out = "/dev/null";
  int seconds = 60;
  CLI::App cli{"Capture-to-render latency of a GStreamer receiver pipeline (docs/latency.md)"};
  cli.add_option("--pipeline", description, "Receiver, gst-launch syntax, with a sink named sink")
      ->required();
  cli.add_option("--seconds", seconds, "How long to measure")->check(CLI::Range(1, 3600));
  cli.add_option("--out", out, "JSON lines: one per stamped frame, then the summary");
  CLI11_PARSE(cli, argc, argv);
  gst_init(nullptr, nullptr);
  GError* err = nullptr;
  GstElement* pipeline = gst_parse_launch(description.c_str(), &err);
  if (!pipeline || err) {
    std::fprintf(stderr, "hallcast-latency-probe: %s\n", err ? err->message : "cannot build");
    return 78;
  }
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
  if (!sink) {
    std::fprintf(stderr, "hallcast-latency-probe: no element named sink\n");
    return 78;
  }
  Run run;
  hallcast::display::LatencyMeter meter(out);
  run.meter = &meter;
  run.loop = g_main_loop_new(nullptr, FALSE);
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(sink), "signal-handoffs")) {
    g_object_set(sink, "signal-handoffs", TRUE, nullptr);
    g_signal_connect(sink, "handoff", G_CALLBACK(on_handoff), &run);
  } else {
    meter.attach(sink);
  }
  GstBus* bus = gst_element_get_bus(pipeline);
  gst_bus_add_watch(bus, on_bus, &run);
  gst_object_unref(bus);
  g_timeout_add_seconds(static_cast<guint>(seconds), on_timeout, &run);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  g_main_loop_run(run.loop);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  std::cout << meter.finish().dump() << std::endl;
  gst_object_unref(sink);
  gst_object_unref(pipeline);
  g_main_loop_unref(run.loop);
  return run.exit_code;
}
