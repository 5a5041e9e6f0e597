#include "proc_stats.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "hallcast/common/media_frame.hpp"

namespace hallcast::bench {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// /proc/net/snmp and /proc/net/netstat: pairs of lines "Prefix: names..." / "Prefix: values...".
void read_pairs(const std::string& path,
                const std::map<std::string, std::vector<std::string>>& want, NetCounters& out) {
  std::istringstream in(slurp(path));
  std::string names, values;
  while (std::getline(in, names) && std::getline(in, values)) {
    std::istringstream n(names), v(values);
    std::string prefix, vprefix, name, value;
    n >> prefix;
    v >> vprefix;
    auto it = want.find(prefix);
    if (it == want.end()) continue;
    while (n >> name && v >> value) {
      for (const auto& w : it->second)
        if (w == name) out[prefix + name] = std::stoull(value);
    }
  }
}

}  // namespace

ProcessSample sample_process(pid_t pid) {
  ProcessSample s;
  s.at_us = media::wall_clock_us();
  std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  size_t close_paren = stat.rfind(')');
  if (close_paren == std::string::npos) return s;
  std::istringstream fields(stat.substr(close_paren + 2));
  std::string f;
  uint64_t utime = 0, stime = 0;
  // Fields after "(comm)": state is field 3; utime is 14, stime 15.
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14) utime = std::stoull(f);
    if (i == 15) stime = std::stoull(f);
  }
  double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  s.cpu_s = static_cast<double>(utime + stime) / hz;
  std::istringstream status(slurp("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) s.rss_kib = std::stoull(line.substr(6));
  }
  s.ok = true;
  return s;
}

NetCounters read_net_counters() {
  NetCounters c;
  read_pairs("/proc/net/snmp", {{"Tcp:", {"RetransSegs", "InErrs", "OutRsts"}}}, c);
  read_pairs(
      "/proc/net/netstat",
      {{"TcpExt:",
        {"TCPBacklogDrop", "ListenOverflows", "ListenDrops", "TCPRcvQDrop", "TCPZeroWindowDrop",
         "TCPLostRetransmit", "TCPTimeouts", "PruneCalled", "RcvPruned", "TCPOFODrop"}}},
      c);
  std::istringstream softnet(slurp("/proc/net/softnet_stat"));
  std::string line;
  uint64_t dropped = 0;
  while (std::getline(softnet, line)) {
    std::istringstream f(line);
    std::string processed, drop;
    if (f >> processed >> drop) dropped += std::stoull(drop, nullptr, 16);
  }
  c["softnet:dropped"] = dropped;
  std::istringstream dev(slurp("/proc/net/dev"));
  while (std::getline(dev, line)) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::istringstream name_in(line.substr(0, colon));
    std::string name;
    name_in >> name;
    if (name != "lo") continue;
    std::istringstream f(line.substr(colon + 1));
    std::vector<uint64_t> v;
    uint64_t x;
    while (f >> x) v.push_back(x);
    if (v.size() >= 12) {
      c["lo:rx_drop"] = v[3];
      c["lo:tx_drop"] = v[11];
    }
  }
  return c;
}

NetCounters moved(const NetCounters& before, const NetCounters& after) {
  NetCounters d;
  for (const auto& [k, v] : after) {
    auto it = before.find(k);
    uint64_t b = it == before.end() ? 0 : it->second;
    if (v > b) d[k] = v - b;
  }
  return d;
}

nlohmann::json machine_info() {
  nlohmann::json m;
  std::istringstream cpuinfo(slurp("/proc/cpuinfo"));
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      m["cpu"] = line.substr(line.find(':') + 2);
      break;
    }
  }
  m["cores"] = std::thread::hardware_concurrency();
  utsname u{};
  if (uname(&u) == 0) m["kernel"] = std::string(u.sysname) + " " + u.release;
  std::istringstream load(slurp("/proc/loadavg"));
  double l1 = 0, l5 = 0, l15 = 0;
  load >> l1 >> l5 >> l15;
  m["loadavg"] = {l1, l5, l15};
  std::istringstream meminfo(slurp("/proc/meminfo"));
  while (std::getline(meminfo, line)) {
    if (line.rfind("MemTotal:", 0) == 0) m["mem_total_kib"] = std::stoull(line.substr(9));
  }
  return m;
}

}  // namespace hallcast::bench
