#include "hallcast/testsupport/temp_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace hallcast::testsupport {

TempDir::TempDir(std::string_view prefix) {
  std::string tmpl = (std::filesystem::temp_directory_path() / (std::string(prefix) + ".XXXXXX"));
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed for " + tmpl);
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write_file(const std::string& relative, std::string_view content) const {
  auto p = path_ / relative;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot write " + p.string());
  return p.string();
}

std::string TempDir::read_file(const std::string& relative) const {
  return testsupport::read_file((path_ / relative).string());
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string write_test_config(const TempDir& dir, const TestConfig& options,
                              const std::string& name) {
  std::filesystem::create_directories(dir.path() / "state");
  std::string toml = R"([event]
id = "thanh-hoa-2022-test"
name = "Ngày Chuyển đổi số tỉnh Thanh Hóa 2022"
organiser = "UBND tỉnh Thanh Hóa"
venue = "Trung tâm CNTT, phường Đông Hải, TP Thanh Hóa"
timezone = "Asia/Ho_Chi_Minh"
dev = true

[[halls]]
id = "hoi-truong"
name = "Hội trường hội thảo"

[[halls]]
id = "trien-lam"
name = "Khu triển lãm"

[[sessions]]
id = "hoi-thao-1"
hall = "hoi-truong"
title = "Thúc đẩy chương trình chuyển đổi số tỉnh Thanh Hóa năm 2022"
start = 2022-10-06T08:00:00+07:00
end = 2022-10-06T09:30:00+07:00
speakers = [
  { name = "Ông Mai Xuân Liêm", role = "Phó Chủ tịch UBND tỉnh Thanh Hóa" },
  { name = "Ông Nguyễn Phú Tiến", role = "Phó Cục trưởng Cục Chuyển đổi số quốc gia, Bộ TT-TT" },
]

[[sessions]]
id = "hoi-thao-2"
hall = "hoi-truong"
title = "Chuyển đổi số doanh nghiệp nhỏ và vừa - động lực thúc đẩy phát triển kinh tế số tại tỉnh Thanh Hóa"
start = 2022-10-06T09:45:00+07:00
end = 2022-10-06T11:00:00+07:00
speakers = [
  { name = "Ông Đỗ Hữu Quyết", role = "Giám đốc Sở TT-TT" },
]

[[sessions]]
id = "khai-mac-trien-lam"
hall = "trien-lam"
title = "Khai mạc triển lãm sản phẩm chuyển đổi số"
start = 2022-10-06T07:30:00+07:00
end = 2022-10-06T08:00:00+07:00

[[sources]]
id = "cam-1"
label = "Máy quay 1"
kind = "test"
hall = "hoi-truong"
pattern = "ball"

[[sources]]
id = "slides"
label = "Trình chiếu"
kind = "test"
hall = "hoi-truong"
pattern = "smpte"

[[sources]]
id = "cam-tl"
label = "Máy quay triển lãm"
kind = "test"
hall = "trien-lam"

[relay]
listen = "127.0.0.1:0"
state_dir = ")" + (dir.path() / "state").string() +
                     R"("
)" + options.relay_extra +
                     R"(

[auth.publisher]
token = "pub-secret"

[auth.operator]
token = "op-secret"

[auth.captioner]
token = "cap-secret"

[captions]
languages = ["vi", "en"]
max_length = 200
recent_lines = 5
)" + options.extra;
  return dir.write_file(name, toml);
}

}  // namespace hallcast::testsupport
