// Static file resolution: aliases, MIME types, no escape from the root.
#include "hallcast/relay/static_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "hallcast/testsupport/temp_dir.hpp"

namespace hallcast::relay {
namespace {

using testsupport::TempDir;

TEST(StaticFiles, DecodeRefusesEncodedSeparatorsAndNul) {
  EXPECT_EQ(decode_url_path("/a%20b"), "/a b");
  EXPECT_EQ(decode_url_path("/%2e%2e/x"), "/../x");
  EXPECT_EQ(decode_url_path("/a%2fb"), std::nullopt);
  EXPECT_EQ(decode_url_path("/a%5Cb"), std::nullopt);
  EXPECT_EQ(decode_url_path("/a%00"), std::nullopt);
  EXPECT_EQ(decode_url_path("/a%zz"), std::nullopt);
  EXPECT_EQ(decode_url_path("/a%2"), std::nullopt);
}

TEST(StaticFiles, ResolvesPagesAndRefusesEscapes) {
  TempDir d;
  d.write_file("web/index.html", "i");
  d.write_file("web/operator.html", "o");
  d.write_file("web/js/app.js", "a");
  d.write_file("web/.hidden", "h");
  d.write_file("outside.txt", "s");
  std::filesystem::create_symlink(d.path() / "outside.txt", d.path() / "web" / "link.txt");
  auto root = d.path() / "web";
  EXPECT_EQ(resolve_static(root, "/")->filename(), "index.html");
  EXPECT_EQ(resolve_static(root, "/operator")->filename(), "operator.html");
  EXPECT_EQ(resolve_static(root, "/js/app.js?v=2")->filename(), "app.js");
  for (const char* bad :
       {"/../outside.txt", "/%2e%2e/outside.txt", "/js/../../outside.txt", "/.hidden", "/link.txt",
        "/js", "/js/", "//etc/passwd", "/missing.html", "relative"})
    EXPECT_EQ(resolve_static(root, bad), std::nullopt) << bad;
}

TEST(StaticFiles, MimeTypes) {
  EXPECT_EQ(mime_type("a.html"), "text/html; charset=utf-8");
  EXPECT_EQ(mime_type("a.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(mime_type("a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(mime_type("a.svg"), "image/svg+xml");
  EXPECT_EQ(mime_type("a.woff2"), "font/woff2");
  EXPECT_EQ(mime_type("a.bin"), "application/octet-stream");
}

}  // namespace
}  // namespace hallcast::relay
