// Internal to config loading: value checks. Each returns an error message, or "" when fine.
#pragma once

#include <string>
#include <vector>

#include "config_reader.hpp"

namespace hallcast::config::detail {

std::string check_id(const std::string& id);
// "HOST:PORT" or "[IPv6]:PORT"; port 0 (the OS chooses) only when allow_port_zero.
std::string check_host_port(const std::string& s, bool allow_port_zero);
// "<scheme>://host[:port][/path]" for one of the schemes; require_port: the port is mandatory.
std::string check_url(const std::string& s, const std::vector<std::string>& schemes,
                      bool require_port, bool allow_empty_host = false);
std::string check_timezone(const std::string& name);
std::string check_language(const std::string& tag);
std::string check_origin(const std::string& origin);

Check<std::string> one_of(std::vector<std::string> allowed);
Check<int> at_least(int min);
Check<int> in_range(int min, int max);
Check<double> in_range(double min, double max);

}  // namespace hallcast::config::detail
