// hallcast-bench-floor: the least a server can do for the benchmark's load, to show where the
// floor of "CPU per delivered Gbit/s" is on this machine (docs/performance.md, "The floor").
//
// It speaks the subset of the relay's protocol the benchmark uses (docs/protocol.md): a
// publisher on hallcast.publish.v1, viewers on hallcast.live.v1 (hello, init, the GOP so far,
// then every fragment), a captioner on hallcast.control.v1 (auth, caption). One thread, one
// epoll loop, each fragment framed once and written with one send() per viewer; a viewer whose
// socket is full gets a queue bounded in bytes and skips to the next keyframe past it (like the
// Node peer). No config, no metrics, no TLS, no validation beyond the frame header: a tool for
// the benchmark, never a server for an event.
//
//   hallcast-bench-floor --listen 127.0.0.1:0 [--hall hoi-truong] [--backlog-bytes N]
//   tokens: HALLCAST_BENCH_PUBLISHER_TOKEN, HALLCAST_BENCH_CAPTIONER_TOKEN (environment)
//
// Prints "hallcast-bench-floor listening on HOST:PORT" once serving; exits on SIGTERM/SIGINT.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include <CLI/CLI.hpp>

#include "floor_server.hpp"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) {
  g_stop = 1;
}

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

int main(int argc, char** argv) {
  hallcast::bench::FloorOptions o;
  std::string listen = "127.0.0.1:0";
  CLI::App app{"hallcast-bench-floor: the bare-send floor for the fan-out benchmark"};
  app.add_option("--listen", listen, "HOST:PORT (IPv4; port 0 picks one)");
  app.add_option("--hall", o.hall, "The hall id viewers are told");
  app.add_option("--backlog-bytes", o.backlog_bytes,
                 "Per-viewer queue bound; over it a viewer skips to the next keyframe");
  CLI11_PARSE(app, argc, argv);
  o.publisher_token = env_or_empty("HALLCAST_BENCH_PUBLISHER_TOKEN");
  o.captioner_token = env_or_empty("HALLCAST_BENCH_CAPTIONER_TOKEN");
  if (o.publisher_token.empty()) {
    std::fprintf(stderr, "hallcast-bench-floor: HALLCAST_BENCH_PUBLISHER_TOKEN is not set\n");
    return 78;
  }
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "hallcast-bench-floor: --listen needs HOST:PORT, got '%s'\n",
                 listen.c_str());
    return 64;
  }
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  try {
    hallcast::bench::FloorServer server(o, listen.substr(0, colon),
                                        std::atoi(listen.c_str() + colon + 1));
    std::printf("hallcast-bench-floor listening on %s:%d\n", server.host().c_str(), server.port());
    std::fflush(stdout);
    while (!g_stop) server.run_once(200);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hallcast-bench-floor: %s\n", e.what());
    return 1;
  }
  return 0;
}
