// Readings from /proc: a process's CPU time and memory, the kernel's network drop and
// retransmit counters, and what machine this is. Plain functions, callable from any thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace hallcast::bench {

struct ProcessSample {
  bool ok = false;
  double cpu_s = 0;      // utime + stime
  uint64_t rss_kib = 0;  // VmRSS
  uint64_t at_us = 0;    // wall clock of the reading
};
ProcessSample sample_process(pid_t pid);

// Counters that reveal lost packets: Tcp RetransSegs (/proc/net/snmp), TcpExt drops and
// overflows (/proc/net/netstat), softnet drops (/proc/net/softnet_stat), lo rx/tx drops.
using NetCounters = std::map<std::string, uint64_t>;
NetCounters read_net_counters();
// after - before, keeping only counters that moved.
NetCounters moved(const NetCounters& before, const NetCounters& after);

// Model, cores, kernel, load averages.
nlohmann::json machine_info();

}  // namespace hallcast::bench
