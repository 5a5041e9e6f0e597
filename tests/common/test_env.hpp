// Test helpers: a scratch directory, config files written into it, and environment control.
#pragma once

#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

namespace hallcast::test {

// A fresh directory under the system temp dir, removed (with its contents) on destruction.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Writes `content` to `name` inside the directory; returns the full path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

// Sets environment variables for one scope and restores the previous values afterwards.
// Also hides every HALLCAST_* variable of the surrounding environment, so tests do not depend on
// the shell they run in.
class ScopedEnv {
 public:
  using Vars = std::vector<std::pair<std::string, std::string>>;
  explicit ScopedEnv(const Vars& vars = {});
  explicit ScopedEnv(std::initializer_list<std::pair<std::string, std::string>> vars)
      : ScopedEnv(Vars(vars)) {}
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::vector<std::pair<std::string, std::string>> saved_;  // HALLCAST_* before, to restore
  std::vector<std::string> set_;
};

std::string source_dir();  // the repository root

}  // namespace hallcast::test
