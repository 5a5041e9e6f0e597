#include "test_env.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

extern char** environ;

namespace hallcast::test {

ScratchDir::ScratchDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "hallcast-test.XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ScratchDir::write(const std::string& name, const std::string& content) const {
  const auto p = path_ / name;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << content;
  return p.string();
}

ScopedEnv::ScopedEnv(const Vars& vars) {
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (entry.rfind("HALLCAST_", 0) == 0 && eq != std::string::npos) {
      saved_.emplace_back(entry.substr(0, eq), entry.substr(eq + 1));
    }
  }
  for (const auto& [name, value] : saved_) unsetenv(name.c_str());
  for (const auto& [name, value] : vars) {
    setenv(name.c_str(), value.c_str(), 1);
    set_.push_back(name);
  }
}

ScopedEnv::~ScopedEnv() {
  for (const auto& name : set_) unsetenv(name.c_str());
  for (const auto& [name, value] : saved_) setenv(name.c_str(), value.c_str(), 1);
}

std::string source_dir() {
  return HALLCAST_SOURCE_DIR;
}

}  // namespace hallcast::test
