// Parsing and checking of JSON messages on the control and publish channels: bounded-depth
// parsing, command shapes and roles, ack/error answers, constant-time token comparison.
// Pure functions, any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hallcast/common/config.hpp"

namespace hallcast::relay {

using Json = nlohmann::json;

enum class Role { None, Viewer, Captioner, Operator, Publisher };
std::string_view to_string(Role r);

struct Parsed {
  Json value;
  std::string error;  // empty = ok
};
// Parses a JSON object with at most max_depth nesting; errors name the problem.
Parsed parse_message(std::string_view text, int max_depth);

// Which role a token belongs to (constant-time comparisons against every configured token).
Role role_for_token(const config::Auth& auth, std::string_view token);
bool constant_time_equal(std::string_view a, std::string_view b);

struct CommandError {
  std::string code;
  std::string message;
};
// Checks a control command's role and shape (not its effect). `hall` is the hall it addresses.
std::optional<CommandError> check_command(const Json& cmd, Role role, const config::Config& cfg,
                                          const std::string& hall);
// Whether the command is forwarded to the hall's streamer (switch, preview, layout, slate).
bool is_streamer_command(std::string_view type);

Json make_ack(const Json& cmd, Json extra = Json::object());
Json make_error(const Json& cmd, std::string_view code, std::string_view message);

}  // namespace hallcast::relay
