// docs/operations.md stays honest about the relay's health endpoints: every metric a real relay
// exposes on /metrics, and every field of /healthz, is documented there.
#include <gtest/gtest.h>

#include <regex>

#include "hallcast/testsupport/child_process.hpp"
#include "hallcast/testsupport/temp_dir.hpp"
#include "hallcast/testsupport/ws_client.hpp"

namespace hallcast::systemd_test {
namespace {

using namespace std::chrono_literals;

TEST(OperationsDocs, EveryRelayMetricIsDocumented) {
  testsupport::TempDir dir("hallcast-docs");
  auto relay = testsupport::start_relay(testsupport::write_test_config(dir));
  const auto metrics = testsupport::http_get(relay.port, "/metrics");
  ASSERT_EQ(metrics.status, 200);
  const std::string docs = testsupport::read_file(testsupport::source_path("docs/operations.md"));
  ASSERT_FALSE(docs.empty());

  const std::regex type_line(R"(# TYPE (\S+) )");
  size_t count = 0;
  for (std::sregex_iterator it(metrics.body.begin(), metrics.body.end(), type_line), end; it != end;
       ++it, ++count) {
    const std::string name = (*it)[1];
    EXPECT_NE(docs.find("`" + name), std::string::npos) << name << " is not in docs/operations.md";
  }
  EXPECT_GE(count, 5u) << metrics.body;
}

TEST(OperationsDocs, EveryHealthzFieldIsDocumented) {
  testsupport::TempDir dir("hallcast-docs");
  auto relay = testsupport::start_relay(testsupport::write_test_config(dir));
  const auto health = testsupport::http_get(relay.port, "/healthz");
  ASSERT_EQ(health.status, 200);
  const std::string docs = testsupport::read_file(testsupport::source_path("docs/operations.md"));
  const std::regex key(R"re("([a-z_]+)":)re");
  for (std::sregex_iterator it(health.body.begin(), health.body.end(), key), end; it != end; ++it) {
    const std::string field = "\"" + (*it)[1].str() + "\"";
    EXPECT_NE(docs.find(field), std::string::npos) << field << " of /healthz is not documented";
  }
}

}  // namespace
}  // namespace hallcast::systemd_test
