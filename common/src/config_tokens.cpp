// The [auth.*] secrets: each role's source is checked, and the roles a program uses are read
// (from a file, which may live in systemd's $CREDENTIALS_DIRECTORY, or an environment variable).
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "config_sections.hpp"
#include "hallcast/common/limits.hpp"

namespace hallcast::config::detail {

namespace {

// "$CREDENTIALS_DIRECTORY/x" (or "${CREDENTIALS_DIRECTORY}/x") with the directory systemd gives a
// unit with LoadCredential=; other paths unchanged. "" after recording a problem when the path
// names the directory but the variable is not set.
std::string expand_credentials(Context& ctx, const std::string& key_path, const std::string& file) {
  std::string rest;
  for (const char* prefix : {"$CREDENTIALS_DIRECTORY/", "${CREDENTIALS_DIRECTORY}/"}) {
    if (file.starts_with(prefix)) rest = file.substr(std::strlen(prefix));
  }
  if (rest.empty()) return file;
  const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
  if (dir == nullptr || *dir == '\0') {
    ctx.add(ctx.at(key_path), key_path + ": " + file +
                                  " names $CREDENTIALS_DIRECTORY, which is not set (systemd sets "
                                  "it for a unit with LoadCredential=)");
    return "";
  }
  return (std::filesystem::path(dir) / rest).lexically_normal().string();
}

std::string read_token_file(Context& ctx, const std::string& key_path, const std::string& file) {
  const Location& at = ctx.at(key_path);
  std::error_code ec;
  const bool regular = std::filesystem::is_regular_file(file, ec);
  std::ifstream in(file, std::ios::binary);
  if (!regular || !in) {
    const std::string why = ec        ? ec.message()
                            : regular ? std::strerror(errno)
                                      : "not a regular file";
    ctx.add(at, key_path + ": cannot read " + file + ": " + why);
    return "";
  }
  // Read one byte past the limit, to tell "too large" without reading a huge file.
  std::string token(limits::kMaxTokenBytes + 1, '\0');
  in.read(token.data(), static_cast<std::streamsize>(token.size()));
  token.resize(static_cast<size_t>(in.gcount()));
  if (token.size() > limits::kMaxTokenBytes) {
    ctx.add(at, key_path + ": " + file + " is larger than " +
                    std::to_string(limits::kMaxTokenBytes) + " bytes");
    return "";
  }
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  if (token.empty()) ctx.add(at, key_path + ": " + file + " is empty");
  return token;
}

// Checks one role's source; when `read`, returns its token (or "" after recording why not).
std::string resolve(Context& ctx, const Event& event, const std::string& role,
                    const TokenSource& ts, bool read) {
  const std::string path = "auth." + role;
  const int set = !ts.file.empty() + !ts.env.empty() + !ts.inline_value.empty();
  if (set != 1) {
    Location at = ctx.at(path);
    if (at.line == 0) at = Location{ctx.file, 1, 1};
    ctx.add(at, path + ": set exactly one of token_file, token_env or token");
    return "";
  }
  if (!ts.inline_value.empty()) {
    if (!event.dev) {
      ctx.add(ctx.at(path + ".token"), path +
                                           ".token: inline tokens are only allowed when "
                                           "event.dev = true; use token_file or token_env");
      return "";
    }
    return read ? ts.inline_value : "";
  }
  if (!read) return "";
  if (!ts.env.empty()) {
    const char* v = std::getenv(ts.env.c_str());
    if (v == nullptr || *v == '\0') {
      ctx.add(ctx.at(path + ".token_env"),
              path + ".token_env: environment variable " + ts.env + " is not set or empty");
      return "";
    }
    return v;
  }
  const std::string key_path = path + ".token_file";
  const std::string file = expand_credentials(ctx, key_path, ts.file);
  return file.empty() ? "" : read_token_file(ctx, key_path, file);
}

}  // namespace

void resolve_tokens(Context& ctx, Config& cfg, const Roles& roles) {
  Auth& auth = cfg.auth;
  auth.publisher_token = resolve(ctx, cfg.event, "publisher", auth.publisher, roles.publisher);
  auth.operator_token = resolve(ctx, cfg.event, "operator", auth.operator_, roles.operator_);
  auth.captioner_token = resolve(ctx, cfg.event, "captioner", auth.captioner, roles.captioner);
  const TokenSource& v = auth.viewer;
  const bool viewer_set = !v.file.empty() || !v.env.empty() || !v.inline_value.empty();
  if (cfg.relay.viewer_token_required || viewer_set) {
    auth.viewer_token = resolve(ctx, cfg.event, "viewer", auth.viewer, roles.viewer);
  }
}

}  // namespace hallcast::config::detail
