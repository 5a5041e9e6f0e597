#include "hallcast/relay/static_files.hpp"

#include <map>

#include "hallcast/common/version.hpp"

namespace hallcast::relay {

namespace fs = std::filesystem;

std::optional<std::string> decode_url_path(std::string_view path) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '%') {
      if (i + 2 >= path.size()) return std::nullopt;
      int hi = hex(path[i + 1]), lo = hex(path[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      if (c == '/' || c == '\\') return std::nullopt;  // an encoded separator is never a name
      i += 2;
    }
    if (c == '\0' || c == '\\') return std::nullopt;
    out += c;
  }
  return out;
}

std::optional<fs::path> resolve_static(const fs::path& root, std::string_view url_path) {
  static const std::map<std::string, std::string, std::less<>> pages = {
      {"/", "index.html"},
      {"/operator", "operator.html"},
      {"/captioner", "captioner.html"},
      {"/display", "display.html"}};
  auto q = url_path.find_first_of("?#");
  if (q != std::string_view::npos) url_path = url_path.substr(0, q);
  auto decoded = decode_url_path(url_path);
  if (!decoded || decoded->empty() || (*decoded)[0] != '/') return std::nullopt;
  std::string rel;
  if (auto it = pages.find(*decoded); it != pages.end()) {
    rel = it->second;
  } else {
    // Every segment must be a plain name: no "..", no ".", no hidden files.
    size_t pos = 1;
    while (pos <= decoded->size()) {
      size_t end = decoded->find('/', pos);
      if (end == std::string::npos) end = decoded->size();
      std::string seg = decoded->substr(pos, end - pos);
      if (seg.empty() || seg[0] == '.') return std::nullopt;
      rel += (rel.empty() ? "" : "/") + seg;
      pos = end + 1;
    }
  }
  std::error_code ec;
  fs::path canon_root = fs::canonical(root, ec);
  if (ec) return std::nullopt;
  fs::path file = fs::canonical(canon_root / rel, ec);
  if (ec || !fs::is_regular_file(file, ec)) return std::nullopt;
  auto [r, f] = std::mismatch(canon_root.begin(), canon_root.end(), file.begin(), file.end());
  if (r != canon_root.end()) return std::nullopt;  // a symlink led outside the root
  return file;
}

std::string_view mime_type(const fs::path& file) {
  static const std::map<std::string, std::string_view, std::less<>> types = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".webp", "image/webp"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".vtt", "text/vtt; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
  };
  auto it = types.find(file.extension().string());
  return it == types.end() ? std::string_view("application/octet-stream") : it->second;
}

fs::path find_web_root(const config::Config& cfg) {
  if (!cfg.relay.web_root.empty()) return cfg.relay.web_root;
  std::error_code ec;
  fs::path src = fs::path(std::string(kSourceDir)) / "web";
  if (fs::is_directory(src, ec)) return src;
  return fs::path(std::string(kDataDir)) / "web";
}

}  // namespace hallcast::relay
