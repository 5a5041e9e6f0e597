// hallcast-relay: the hub every viewer, captioner, operator and streamer connects to.
#include "hallcast/common/app.hpp"
#include "hallcast/relay/relay_server.hpp"

int main(int argc, char** argv) {
  std::string listen;
  hallcast::app::Program program{
      "hallcast-relay", "hallcast relay: live media fan-out, captions and titles, operator control",
      [&](CLI::App& cli) {
        cli.add_option("--listen", listen,
                       "HOST:PORT to listen on (overrides relay.listen; port 0 = any)");
      },
      [&](const hallcast::config::Config& cfg) {
        hallcast::relay::RelayServer server(cfg, listen);
        return server.run();
      }};
  return hallcast::app::main(argc, argv, program);
}
