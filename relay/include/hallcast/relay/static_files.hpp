// Static files under web/: URL path -> file, never outside the root whatever the encoding
// (%2e%2e, encoded slashes and backslashes, NUL, symlinks out of the root are all refused).
// Pure functions, any thread.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "hallcast/common/config.hpp"

namespace hallcast::relay {

// Percent-decodes a URL path; nullopt for a malformed escape, NUL, or an encoded '/' or '\'.
std::optional<std::string> decode_url_path(std::string_view path);
// The file a URL path names under root ("/" -> index.html, "/operator" -> operator.html, ...),
// nullopt when it is not a regular file inside root.
std::optional<std::filesystem::path> resolve_static(const std::filesystem::path& root,
                                                    std::string_view url_path);
// MIME type from the extension (with charset for text); "application/octet-stream" otherwise.
std::string_view mime_type(const std::filesystem::path& file);
// relay.web_root, else <source dir>/web, else the installed data dir's web/.
std::filesystem::path find_web_root(const config::Config& cfg);

}  // namespace hallcast::relay
