#include "hallcast/streamer/control_server.hpp"

#include <algorithm>
#include <stdexcept>

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#include "hallcast/common/logging.hpp"
#include "hallcast/streamer/command_json.hpp"
#include "hallcast/streamer/streamer_limits.hpp"

namespace hallcast::streamer {
namespace {

auto log() {
  return logging::get("streamer");
}
constexpr size_t kReadChunk = 4096;

}  // namespace

struct ControlServer::Client {
  ControlServer* server = nullptr;
  GSocketConnection* conn = nullptr;
  std::string buffer;  // bytes received, not yet a whole line
  char chunk[kReadChunk];
  bool closed = false;
  ~Client() {
    if (conn) {
      g_io_stream_close(G_IO_STREAM(conn), nullptr, nullptr);
      g_object_unref(conn);
    }
  }
};

ControlServer::ControlServer(std::string spec, Handler handler, StateFn state)
    : handler_(std::move(handler)), state_(std::move(state)) {
  const std::string prefix = "unix:";
  if (spec.rfind(prefix, 0) != 0 || spec.size() == prefix.size())
    throw std::invalid_argument("--control must be unix:PATH, got '" + spec + "'");
  path_ = spec.substr(prefix.size());
}

ControlServer::~ControlServer() {
  stop();
}

void ControlServer::start() {
  g_unlink(path_.c_str());  // a stale socket from a previous run
  service_ = g_socket_service_new();
  cancel_ = g_cancellable_new();
  GSocketAddress* addr = g_unix_socket_address_new(path_.c_str());
  GError* err = nullptr;
  gboolean ok =
      g_socket_listener_add_address(G_SOCKET_LISTENER(service_), addr, G_SOCKET_TYPE_STREAM,
                                    G_SOCKET_PROTOCOL_DEFAULT, nullptr, nullptr, &err);
  g_object_unref(addr);
  if (!ok) {
    std::string msg = err ? err->message : "bind failed";
    if (err) g_error_free(err);
    throw std::runtime_error("control socket " + path_ + ": " + msg);
  }
  g_signal_connect(service_, "incoming", G_CALLBACK(&ControlServer::on_incoming), this);
  g_socket_service_start(service_);
  log()->info("control socket on {}", path_);
}

void ControlServer::stop() {
  if (!service_) return;
  g_cancellable_cancel(cancel_);
  g_socket_service_stop(service_);
  g_socket_listener_close(G_SOCKET_LISTENER(service_));
  for (auto& c : clients_) c->closed = true;
  clients_.clear();  // pending reads hold their own reference and finish as cancelled
  g_object_unref(service_);
  g_object_unref(cancel_);
  service_ = nullptr;
  cancel_ = nullptr;
  g_unlink(path_.c_str());
}

gboolean ControlServer::on_incoming(GSocketService*, GSocketConnection* conn, GObject*,
                                    gpointer self) {
  auto* srv = static_cast<ControlServer*>(self);
  if (srv->clients_.size() >= static_cast<size_t>(limits::kMaxControlClients)) {
    log()->warn("control: too many clients, refusing one");
    return TRUE;  // the connection is closed when its last reference goes
  }
  auto c = std::make_shared<Client>();
  c->server = srv;
  c->conn = G_SOCKET_CONNECTION(g_object_ref(conn));
  srv->clients_.push_back(c);
  srv->send(*c, srv->state_());
  srv->read_more(c);
  return TRUE;
}

void ControlServer::read_more(const std::shared_ptr<Client>& c) {
  GInputStream* in = g_io_stream_get_input_stream(G_IO_STREAM(c->conn));
  g_input_stream_read_async(in, c->chunk, sizeof c->chunk, G_PRIORITY_DEFAULT, cancel_,
                            &ControlServer::on_read, new std::shared_ptr<Client>(c));
}

void ControlServer::on_read(GObject* stream, GAsyncResult* res, gpointer data) {
  std::unique_ptr<std::shared_ptr<Client>> holder(static_cast<std::shared_ptr<Client>*>(data));
  std::shared_ptr<Client> c = *holder;
  GError* err = nullptr;
  gssize n = g_input_stream_read_finish(G_INPUT_STREAM(stream), res, &err);
  if (err) g_error_free(err);
  if (c->closed) return;  // the server stopped
  ControlServer* srv = c->server;
  try {
    if (n <= 0) {
      srv->drop(c);
      return;
    }
    c->buffer.append(c->chunk, static_cast<size_t>(n));
    srv->take_lines(c);
    if (!c->closed) srv->read_more(c);
  } catch (const std::exception& e) {
    log()->error("control: {}", e.what());
    srv->drop(c);
  }
}

void ControlServer::take_lines(const std::shared_ptr<Client>& c) {
  size_t nl;
  while ((nl = c->buffer.find('\n')) != std::string::npos) {
    std::string line = c->buffer.substr(0, nl);
    c->buffer.erase(0, nl + 1);
    if (line.empty() || line == "\r") continue;
    std::string error;
    auto cmd = parse_command(line, limits::kMaxControlLine, error);
    nlohmann::json reply =
        cmd ? handler_(*cmd)
            : nlohmann::json{{"type", "error"}, {"code", "bad_request"}, {"message", error}};
    if (!reply.is_null()) send(*c, reply);
    if (c->closed) return;
  }
  if (c->buffer.size() > limits::kMaxControlLine) {
    send(*c, {{"type", "error"}, {"code", "too_large"}, {"message", "line too long"}});
    drop(c);
  }
}

void ControlServer::send(Client& c, const nlohmann::json& message) {
  if (c.closed) return;
  std::string line = message.dump() + "\n";
  GOutputStream* out = g_io_stream_get_output_stream(G_IO_STREAM(c.conn));
  // Local clients read their replies; a client that does not can only block this local interface.
  if (!g_output_stream_write_all(out, line.data(), line.size(), nullptr, nullptr, nullptr))
    c.closed = true;
}

void ControlServer::broadcast(const nlohmann::json& message) {
  for (auto& c : clients_) send(*c, message);
  std::vector<std::shared_ptr<Client>> dead;
  for (auto& c : clients_)
    if (c->closed) dead.push_back(c);
  for (auto& c : dead) drop(c);
}

void ControlServer::drop(const std::shared_ptr<Client>& c) {
  c->closed = true;
  clients_.erase(std::remove(clients_.begin(), clients_.end(), c), clients_.end());
}

}  // namespace hallcast::streamer
