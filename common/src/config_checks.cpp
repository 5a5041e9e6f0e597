// Value checks used while reading a config file.
#include "config_checks.hpp"

#include <glib.h>

#include <algorithm>
#include <cctype>
#include <regex>

namespace hallcast::config::detail {

namespace {

bool is_host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_';
}

// Splits "host:port" / "[v6]:port"; returns false when there is no ':' before the port.
bool split_host_port(const std::string& s, std::string& host, std::string& port) {
  if (!s.empty() && s.front() == '[') {
    const auto close = s.find(']');
    if (close == std::string::npos || close + 1 >= s.size() || s[close + 1] != ':') return false;
    host = s.substr(1, close - 1);
    port = s.substr(close + 2);
    return true;
  }
  const auto colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  host = s.substr(0, colon);
  port = s.substr(colon + 1);
  return host.find(':') == std::string::npos;
}

std::string check_host(const std::string& host, bool bracketed_v6) {
  if (host.empty()) return "needs a host name or address";
  for (char c : host) {
    if (!is_host_char(c) && !(bracketed_v6 && c == ':')) return "invalid host '" + host + "'";
  }
  return "";
}

std::string check_port(const std::string& port, bool allow_zero) {
  if (port.empty() || port.size() > 6 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return "invalid port '" + port + "'";
  }
  const int p = std::stoi(port);
  const int min = allow_zero ? 0 : 1;
  if (p < min || p > 65535) {
    return "port " + port + " is out of range (" + std::to_string(min) + "-65535)";
  }
  return "";
}

}  // namespace

std::string check_id(const std::string& id) {
  static const std::regex re("[a-z0-9][a-z0-9_-]*");
  if (id.size() > 64 || !std::regex_match(id, re)) {
    return "'" + id + "' is not a valid id (lowercase ASCII letters, digits, '-' and '_')";
  }
  return "";
}

std::string check_host_port(const std::string& s, bool allow_port_zero) {
  std::string host, port;
  if (!split_host_port(s, host, port)) return "'" + s + "' is not HOST:PORT";
  if (std::string e = check_host(host, s.front() == '['); !e.empty()) return "'" + s + "' " + e;
  return check_port(port, allow_port_zero);
}

std::string check_url(const std::string& s, const std::vector<std::string>& schemes,
                      bool require_port, bool allow_empty_host) {
  const auto sep = s.find("://");
  const std::string scheme = sep == std::string::npos ? "" : s.substr(0, sep);
  if (std::find(schemes.begin(), schemes.end(), scheme) == schemes.end()) {
    std::string list;
    for (const auto& sc : schemes) list += (list.empty() ? "" : " or ") + sc + "://";
    return "'" + s + "' must start with " + list;
  }
  const std::string rest = s.substr(sep + 3);
  const std::string authority = rest.substr(0, rest.find_first_of("/?"));
  std::string host = authority, port;
  const bool has_port = split_host_port(authority, host, port);
  if (!has_port && require_port) return "'" + s + "' needs a port (" + scheme + "://HOST:PORT)";
  if (!has_port && !authority.empty() && authority.front() == '[') {
    host = authority.substr(1, authority.size() - 2);
  }
  if (!(allow_empty_host && host.empty())) {
    if (std::string e = check_host(host, authority.starts_with('[')); !e.empty()) {
      return "'" + s + "' " + e;
    }
  }
  return has_port ? check_port(port, false) : "";
}

std::string check_timezone(const std::string& name) {
  // GLib falls back to UTC for unknown names in g_time_zone_new(); the _identifier variant
  // returns NULL instead, which is what makes it usable for validation.
  GTimeZone* tz = g_time_zone_new_identifier(name.c_str());
  if (tz == nullptr)
    return "unknown time zone '" + name + "' (an IANA name such as Asia/Ho_Chi_Minh)";
  g_time_zone_unref(tz);
  return "";
}

std::string check_language(const std::string& tag) {
  // BCP 47 in practice: a 2-3 letter language, then optional script/region/variant subtags.
  static const std::regex re("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*");
  if (!std::regex_match(tag, re)) return "'" + tag + "' is not a language tag such as vi or en-GB";
  return "";
}

std::string check_origin(const std::string& origin) {
  if (origin == "*") return "";
  return check_url(origin, {"http", "https"}, false);
}

Check<std::string> one_of(std::vector<std::string> allowed) {
  return [allowed = std::move(allowed)](const std::string& v) -> std::string {
    if (std::find(allowed.begin(), allowed.end(), v) != allowed.end()) return "";
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    std::string h = hint(v, allowed);
    return "'" + v + "' is not one of " + list + h;
  };
}

Check<int> at_least(int min) {
  return [min](const int& v) -> std::string {
    if (v >= min) return "";
    return std::to_string(v) + " is too small (minimum " + std::to_string(min) + ")";
  };
}

Check<int> in_range(int min, int max) {
  return [min, max](const int& v) -> std::string {
    if (v >= min && v <= max) return "";
    return std::to_string(v) + " is out of range (" + std::to_string(min) + "-" +
           std::to_string(max) + ")";
  };
}

Check<double> in_range(double min, double max) {
  return [min, max](const double& v) -> std::string {
    if (v >= min && v <= max) return "";
    char buf[96];
    std::snprintf(buf, sizeof buf, "%g is out of range (%g-%g)", v, min, max);
    return buf;
  };
}

}  // namespace hallcast::config::detail
