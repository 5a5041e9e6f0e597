// A temporary directory removed (with its contents) when the object goes away, and helpers to
// write config files into it. Owned by the test's thread.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace hallcast::testsupport {

class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "hallcast-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }
  // Writes content to <dir>/<relative> (creating parent folders); returns the full path.
  std::string write_file(const std::string& relative, std::string_view content) const;
  std::string read_file(const std::string& relative) const;  // "" if missing

 private:
  std::filesystem::path path_;
};

// Reads a whole file (binary-safe); "" if it cannot be read.
std::string read_file(const std::string& path);

// A small valid dev event config with two halls ("hoi-truong", the seminar hall, first; and
// "trien-lam", the exhibition), sessions from the Thanh Hóa 2022 programme, test sources, inline
// dev tokens ("pub-secret", "op-secret", "cap-secret") and relay.state_dir = <dir>/state.
// `extra` is appended verbatim (e.g. more [relay] keys go in relay_extra instead).
struct TestConfig {
  std::string relay_extra;  // lines added inside [relay], e.g. "max_connections_per_address = 3"
  std::string extra;        // appended at the end of the file
};
std::string write_test_config(const TempDir& dir, const TestConfig& options = {},
                              const std::string& name = "event.toml");

}  // namespace hallcast::testsupport
