// The local control interface (`--control unix:PATH`): newline-delimited JSON on a Unix stream
// socket. Each line is a command (docs/protocol.md); each gets one reply line (ack/error), and
// every client receives the state line on connect and after every change. For operators' tools
// on the same machine and for tests; the relay is the remote way in.
//
// Thread ownership: the main-loop thread (GIO async I/O on the thread-default context).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gio/gio.h>
#include <nlohmann/json.hpp>

namespace hallcast::streamer {

class ControlServer {
 public:
  using Handler = std::function<nlohmann::json(const nlohmann::json&)>;
  using StateFn = std::function<nlohmann::json()>;

  // spec: "unix:/run/hallcast/hall.sock". Throws std::invalid_argument for another form.
  ControlServer(std::string spec, Handler handler, StateFn state);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  void start();  // throws std::runtime_error if the socket cannot be bound
  void stop();
  void broadcast(const nlohmann::json& message);
  size_t clients() const { return clients_.size(); }

  struct Client;

 private:
  static gboolean on_incoming(GSocketService*, GSocketConnection* conn, GObject*, gpointer self);
  static void on_read(GObject* stream, GAsyncResult* res, gpointer client);
  void read_more(const std::shared_ptr<Client>& c);
  void take_lines(const std::shared_ptr<Client>& c);
  void send(Client& c, const nlohmann::json& message);
  void drop(const std::shared_ptr<Client>& c);

  std::string path_;
  Handler handler_;
  StateFn state_;
  GSocketService* service_ = nullptr;
  GCancellable* cancel_ = nullptr;
  std::vector<std::shared_ptr<Client>> clients_;
};

}  // namespace hallcast::streamer
