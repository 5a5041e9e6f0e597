// Internal to config loading: one reader per part of the file, and the checks across parts.
#pragma once

#include "config_reader.hpp"

namespace hallcast::config::detail {

// Lists of things with ids: [event], [[halls]], [[sessions]], [[sources]], [[displays]].
void read_event(TableReader& root, Event& out);
void read_halls(TableReader& root, std::vector<Hall>& out);
void read_sessions(TableReader& root, std::vector<Session>& out);
void read_sources(TableReader& root, std::vector<Source>& out);
void read_displays(TableReader& root, std::vector<Display>& out);

// Single tables of settings.
void read_program(TableReader& root, Program& out);
void read_slate(TableReader& root, Slate& out);
void read_watchdog(TableReader& root, Watchdog& out);
void read_outputs(TableReader& root, Outputs& out);
void read_relay(TableReader& root, Relay& out);
void read_auth(TableReader& root, Auth& out);
void read_captions(TableReader& root, Captions& out);
void read_log(TableReader& root, std::string& level);

// The names of the single tables, as used by environment overrides (HALLCAST_<TABLE>_<KEY>).
const std::vector<std::string>& single_tables();

// Checks across parts: duplicate ids, references, schedule overlaps; then reads the tokens.
void validate(Context& ctx, Config& cfg);
void resolve_tokens(Context& ctx, Config& cfg, const Roles& roles);

}  // namespace hallcast::config::detail
