// Reads the relay's own fan-out histogram (hallcast_fanout_seconds, docs/operations.md) from its
// /metrics at the edges of a measurement window, and turns the difference into quantiles.
// Header-only; a scrape runs on a helper thread (std::async) so the viewers' loop never waits.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace hallcast::bench {

// le (seconds) -> cumulative count, for one hall and viewer label ("last" or "median").
using Buckets = std::map<double, double>;
struct FanoutScrape {
  bool ok = false;
  Buckets last, median;
};

// GET /metrics from host:port (HTTP/1.0, the server closes); "" on any failure.
inline std::string http_get_metrics(const std::string& host, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, host.c_str(), &a.sin_addr);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    std::string req = "GET /metrics HTTP/1.0\r\nHost: " + host + "\r\n\r\n";
    if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
      char buf[16384];
      for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, size_t(n));
    }
  }
  ::close(fd);
  return out;
}

inline FanoutScrape scrape_fanout(const std::string& host, int port, const std::string& hall) {
  FanoutScrape s;
  std::string text = http_get_metrics(host, port);
  const std::string prefix = "hallcast_fanout_seconds_bucket{hall=\"" + hall + "\",viewer=\"";
  for (size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
    size_t v = at + prefix.size(), q = text.find('"', v);
    size_t le = text.find("le=\"", q), le_end = text.find('"', le + 4);
    size_t sp = text.find("} ", le_end), eol = text.find('\n', sp);
    if (q == std::string::npos || le == std::string::npos || sp == std::string::npos) break;
    std::string le_text = text.substr(le + 4, le_end - le - 4);
    double bound = le_text == "+Inf" ? INFINITY : std::strtod(le_text.c_str(), nullptr);
    double count = std::strtod(text.substr(sp + 2, eol - sp - 2).c_str(), nullptr);
    (text.compare(v, q - v, "last") == 0 ? s.last : s.median)[bound] = count;
    s.ok = true;
  }
  return s;
}

// Quantile q of the observations between two scrapes, by linear interpolation inside a bucket.
inline double bucket_quantile_ms(const Buckets& b0, const Buckets& b1, double q, double& total) {
  total = b1.count(INFINITY) ? b1.at(INFINITY) - (b0.count(INFINITY) ? b0.at(INFINITY) : 0) : 0;
  if (total <= 0) return 0;
  double rank = q * total, lower = 0, below = 0;
  for (const auto& [le, c1] : b1) {
    double n = c1 - (b0.count(le) ? b0.at(le) : 0);
    if (n >= rank) {
      if (std::isinf(le)) return lower * 1e3;
      double inside = n - below;
      double share = inside > 0 ? (rank - below) / inside : 1.0;
      return (lower + (le - lower) * share) * 1e3;
    }
    lower = le;
    below = n;
  }
  return lower * 1e3;
}

inline nlohmann::json fanout_json(const FanoutScrape& a, const FanoutScrape& b) {
  if (!a.ok || !b.ok) return nullptr;
  nlohmann::json j;
  for (const char* which : {"median", "last"}) {
    const Buckets& b0 = std::string(which) == "last" ? a.last : a.median;
    const Buckets& b1 = std::string(which) == "last" ? b.last : b.median;
    double n = 0;
    double p50 = bucket_quantile_ms(b0, b1, 0.50, n);
    double p99 = bucket_quantile_ms(b0, b1, 0.99, n);
    j[which] = {{"count", n},
                {"p50_ms", std::round(p50 * 100) / 100},
                {"p99_ms", std::round(p99 * 100) / 100}};
  }
  return j;
}

}  // namespace hallcast::bench
