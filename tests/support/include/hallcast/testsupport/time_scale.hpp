// How long tests wait, scaled for slow builds. A sanitizer build runs the same real-time
// pipelines several times slower, so every deadline a test waits on is multiplied by
// HALLCAST_TEST_TIME_SCALE (a number >= 1; default 1; scripts/test.sh --sanitize sets it, and
// CTest passes it to every test of a build configured with -DHALLCAST_TEST_TIME_SCALE).
//
// Scale only how long a test WAITS for something to happen (deadlines, timeouts), never what
// it checks (frame counts, measured latencies, "within N frames") and never turn a deadline
// into a sleep. The helpers in this library (ChildProcess, WsClient, http_request, start_relay)
// already scale the timeouts they are given; tests' own deadline loops call scaled().
// Pure functions; safe from any thread.
#pragma once

#include <chrono>

namespace hallcast::testsupport {

// HALLCAST_TEST_TIME_SCALE read once; 1 when unset, unparsable or below 1.
double time_scale();

// d * time_scale(), rounded up to whole milliseconds.
std::chrono::milliseconds scaled(std::chrono::milliseconds d);

// A steady-clock deadline `d` (scaled) from now.
std::chrono::steady_clock::time_point deadline_in(std::chrono::milliseconds d);

}  // namespace hallcast::testsupport
