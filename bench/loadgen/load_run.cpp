#include "load_run.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <future>

#include "hallcast/common/media_frame.hpp"
#include "metrics_scrape.hpp"

namespace hallcast::bench {
namespace {

constexpr uint64_t kSettleTimeoutUs = 30'000'000;
constexpr uint64_t kPauseBetweenJoinsUs = 100'000;
constexpr uint64_t kPauseBetweenPhasesUs = 1'000'000;
constexpr double kNominalShare = 0.95;  // of fps x window: the least a working source sends

double ms(uint64_t us) {
  return std::round(static_cast<double>(us) / 10.0) / 100.0;
}

nlohmann::json lag_json(const Histogram& h) {
  return {{"count", h.count()},
          {"p50_ms", ms(h.quantile_us(0.50))},
          {"p90_ms", ms(h.quantile_us(0.90))},
          {"p99_ms", ms(h.quantile_us(0.99))},
          {"p999_ms", ms(h.quantile_us(0.999))},
          {"max_ms", ms(h.max_us())}};
}

void note(const std::string& line) {
  std::fprintf(stderr, "hallcast-bench-load: %s\n", line.c_str());
}

}  // namespace

LoadRun::LoadRun(LoadOptions opts) : opts_(std::move(opts)), pool_(opts_.pool, window_) {}

ProcessSample LoadRun::sample_server() const {
  return opts_.server_pid > 0 ? sample_process(opts_.server_pid) : ProcessSample{};
}

void LoadRun::connect_more(size_t n, size_t slow_every, std::vector<size_t>& into) {
  auto added = pool_.add(n, slow_every);
  into.insert(into.end(), added.begin(), added.end());
  uint64_t deadline = media::wall_clock_us() + kSettleTimeoutUs;
  pool_.pump_until(deadline, [&] { return pool_.settled(); });
}

// One measurement window over `viewers` (their slow flag splits the statistics).
nlohmann::json LoadRun::measure(const std::vector<size_t>& viewers, uint64_t window_ms) {
  WindowSamples ws;
  std::future<FanoutScrape> fanout0, fanout1;  // off the loop's thread
  auto scrape = [this] {
    return std::async(std::launch::async, scrape_fanout, opts_.pool.host, opts_.pool.port,
                      opts_.fanout_hall);
  };
  if (!opts_.fanout_hall.empty()) fanout0 = scrape();
  ws.w0 = media::wall_clock_us();
  ws.w1 = ws.w0 + window_ms * 1000;
  window_.open(ws.w0, ws.w1);
  pool_.reset_window_counts();
  ws.net0 = read_net_counters();
  ws.server0 = sample_server();
  ws.self0 = sample_process(getpid());
  pool_.pump_until(ws.w1);
  if (!opts_.fanout_hall.empty()) fanout1 = scrape();
  ws.server1 = sample_server();
  ws.self1 = sample_process(getpid());
  ws.net1 = read_net_counters();
  pool_.pump_until(ws.w1 + opts_.grace_ms * 1000);
  window_.stop();
  if (fanout0.valid() && fanout1.valid()) ws.relay_fanout = fanout_json(fanout0.get(), fanout1.get());
  return summarize(viewers, ws);
}

nlohmann::json LoadRun::summarize(const std::vector<size_t>& viewers,
                                  const WindowSamples& ws) const {
  double secs = static_cast<double>(ws.w1 - ws.w0) / 1e6;
  // Sequence numbers seen tell how many fragments the source sent in the window; if the server
  // delivered (almost) none of them in time, fall back to the source's nominal rate.
  uint64_t by_rate = static_cast<uint64_t>(opts_.fps * secs * kNominalShare);
  uint64_t expected = std::max(window_.fragments_in_window(), by_rate);
  GroupCounts normal, slow;
  size_t failed = 0;
  for (size_t i : viewers) {
    const Viewer& v = pool_.viewer(i);
    failed += v.failed;
    GroupCounts& g = v.slow ? slow : normal;
    ++g.viewers;
    g.fragments += v.window_msgs;
    g.dropped += v.dropped;
    g.gaps += v.seq_gaps;
  }
  double gbps = static_cast<double>(window_.bytes_in) * 8 / secs / 1e9;
  nlohmann::json j = {
      {"viewers", viewers.size()},
      {"slow_viewers", slow.viewers},
      {"connect_failures", failed},
      {"dropped_by_server", normal.dropped},
      {"fragments_expected", expected},
      {"fragments_seen", window_.fragments_in_window()},
      {"delivered", normal.delivered(expected)},
      {"delivered_gbit_s", std::round(gbps * 1000) / 1000},
      {"lag", lag_json(window_.media_lag)},
      {"caption_lag", lag_json(window_.caption_lag)},
      {"net_moved", moved(ws.net0, ws.net1)},
      {"loadgen_cpu_cores", (ws.self1.cpu_s - ws.self0.cpu_s) / secs},
      {"loadavg_1min", machine_info()["loadavg"][0]},
  };
  if (!ws.relay_fanout.is_null()) j["relay_fanout"] = ws.relay_fanout;
  if (slow.viewers > 0) {
    j["slow"] = {{"delivered", slow.delivered(expected)},
                 {"dropped_by_server", slow.dropped},
                 {"sequence_gaps", slow.gaps},
                 {"lag", lag_json(window_.media_lag_slow)},
                 {"caption_lag", lag_json(window_.caption_lag_slow)}};
  }
  if (ws.server0.ok && ws.server1.ok) {
    double cores = (ws.server1.cpu_s - ws.server0.cpu_s) /
                   (static_cast<double>(ws.server1.at_us - ws.server0.at_us) / 1e6);
    double grown = double(ws.server1.rss_kib) - double(server_baseline_.rss_kib);
    j["server"] = {{"cpu_cores", cores},
                   {"cpu_per_gbit_s", gbps > 0 ? cores / gbps : 0.0},
                   {"rss_kib", ws.server1.rss_kib},
                   {"rss_per_viewer_kib", viewers.empty() ? 0.0 : grown / double(viewers.size())}};
  }
  j["pass"] = j["delivered"].get<double>() >= opts_.min_delivered &&
              j["lag"]["p99_ms"].get<double>() <= opts_.max_p99_ms && failed == 0;
  return j;
}

nlohmann::json LoadRun::ramp() {
  nlohmann::json steps = nlohmann::json::array();
  std::vector<size_t> viewers;
  nlohmann::json join;
  for (size_t target : opts_.steps) {
    if (target > viewers.size()) connect_more(target - viewers.size(), 0, viewers);
    pool_.pump_until(media::wall_clock_us() + opts_.warmup_ms * 1000);
    nlohmann::json step = measure(viewers, opts_.window_ms);
    note("step " + std::to_string(target) + ": delivered " +
         std::to_string(step["delivered"].get<double>()) + ", p99 " +
         std::to_string(step["lag"]["p99_ms"].get<double>()) + " ms");
    bool pass = step["pass"].get<bool>();
    steps.push_back(step);
    if (join.is_null() && (target >= opts_.join_at || opts_.join_at == 0) && opts_.joiners > 0)
      join = join_test();
    bool collapsed = step["delivered"].get<double>() < 0.5;
    if (!pass && (target >= opts_.must_reach || collapsed)) break;
  }
  // The largest step that passed with every smaller step passing too.
  size_t best = 0;
  for (const auto& s : steps) {
    if (!s["pass"].get<bool>()) break;
    best = s["viewers"].get<size_t>();
  }
  pool_.close_all();
  return {{"steps", steps}, {"max_viewers", best}, {"join", join}};
}

nlohmann::json LoadRun::join_test() {
  Histogram h;
  size_t failed = 0, bad_order = 0;
  for (size_t k = 0; k < opts_.joiners; ++k) {
    size_t idx = pool_.add(1).front();
    uint64_t deadline = media::wall_clock_us() + opts_.join_timeout_ms * 1000;
    pool_.pump_until(deadline, [&] {
      const Viewer& v = pool_.viewer(idx);
      return v.decodable_us != 0 || v.state == ViewerState::Closed ||
             (v.saw_fragment && !v.join_order_ok);
    });
    const Viewer& v = pool_.viewer(idx);
    if (v.decodable_us != 0)
      h.add(static_cast<int64_t>(v.decodable_us - v.started_us));
    else if (v.saw_fragment && !v.join_order_ok)
      ++bad_order;
    else
      ++failed;
    pool_.close(idx);
    pool_.pump_until(media::wall_clock_us() + kPauseBetweenJoinsUs);
  }
  nlohmann::json j = lag_json(h);
  j["joiners"] = opts_.joiners;
  j["not_decodable_first"] = bad_order;
  j["failed"] = failed;
  return j;
}

nlohmann::json LoadRun::slow_test() {
  std::vector<size_t> viewers;
  size_t every = static_cast<size_t>(std::lround(1.0 / opts_.slow_fraction));
  connect_more(opts_.slow_viewers, every, viewers);
  pool_.pump_until(media::wall_clock_us() + opts_.warmup_ms * 1000);
  nlohmann::json j = measure(viewers, opts_.slow_window_ms);
  pool_.close_all();
  return j;
}

nlohmann::json LoadRun::run() {
  server_baseline_ = sample_server();
  nlohmann::json out;
  out["machine_before"] = machine_info();
  out["server_baseline_rss_kib"] = server_baseline_.rss_kib;
  // The slow-viewer phase runs first, on a fresh server, so an overloaded last ramp step
  // cannot leak into it.
  if (opts_.slow_viewers > 0) out["slow"] = slow_test();
  pool_.pump_until(media::wall_clock_us() + kPauseBetweenPhasesUs);
  out["ramp"] = ramp();
  out["machine_after"] = machine_info();
  return out;
}

}  // namespace hallcast::bench
