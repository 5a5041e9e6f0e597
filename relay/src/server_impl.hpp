// Internals of RelayServer shared by its source files (server.cpp, callbacks.cpp, http.cpp).
// Owned by the service thread.
#pragma once

#include <libwebsockets.h>

#include <filesystem>
#include <string>

#include "hallcast/relay/relay_server.hpp"
#include "hub.hpp"

namespace hallcast::relay {

struct TickTimer {  // standard layout, sul first (see SessionTimer)
  lws_sorted_usec_list_t sul;
  RelayServer::Impl* impl;
};

struct RelayServer::Impl {
  Impl(const config::Config& c, std::string l) : cfg(c), listen(std::move(l)), hub(c) {}
  const config::Config& cfg;
  std::string listen;
  Hub hub;
  std::filesystem::path web_root;
  lws_context* context = nullptr;
  TickTimer tick{};
  int ticks = 0;
};

// The one lws callback for every protocol (and HTTP); never throws.
int lws_callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len);
// HTTP: /healthz /metrics /api/state /captions/<id>.vtt and static files.
int http_request(RelayServer::Impl& impl, lws* wsi, PerSession* pss, const char* uri);
int http_writeable(lws* wsi, PerSession* pss);
// Copies a request header ("" if absent or longer than the limit).
std::string header(lws* wsi, lws_token_indexes token);
std::string peer_address(lws* wsi);
// Prometheus text exposition of the hub's counters.
std::string metrics_text(Hub& hub);

}  // namespace hallcast::relay
