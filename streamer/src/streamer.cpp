#include "hallcast/streamer/streamer.hpp"

#include <algorithm>
#include <stdexcept>

#include "hallcast/common/logging.hpp"
#include "hallcast/streamer/streamer_limits.hpp"

namespace hallcast::streamer {
namespace {

auto log() {
  return logging::get("streamer");
}

}  // namespace

std::string_view to_string(Health h) {
  switch (h) {
    case Health::Starting:
      return "starting";
    case Health::Ok:
      return "ok";
    case Health::Lost:
      return "lost";
    case Health::Retrying:
      return "retrying";
  }
  return "lost";
}

Streamer::Streamer(const config::Config& cfg, std::string hall, StreamerCallbacks cb)
    : cfg_(cfg), hall_(std::move(hall)), cb_(std::move(cb)) {
  if (!cfg_.find_hall(hall_)) throw std::invalid_argument("unknown hall '" + hall_ + "'");
  for (const config::Source* s : cfg_.sources_of_hall(hall_)) {
    Slot slot;
    slot.cfg = *s;
    slot.retry_ms = cfg_.watchdog.retry_initial_ms;
    slots_.push_back(std::move(slot));
  }
  if (slots_.empty()) throw std::invalid_argument("hall '" + hall_ + "' has no sources");
  format_ = ProgramFormat{cfg_.program.width, cfg_.program.height, cfg_.program.framerate};
  program_ = slots_.front().cfg.id;
  preview_ = slots_.size() > 1 ? slots_[1].cfg.id : program_;
}

Streamer::~Streamer() {
  stop();
}

void Streamer::start() {
  ProgramOptions opts;
  opts.format = format_;
  opts.program = cfg_.program;
  opts.slate_image = cfg_.slate.image;
  opts.srt_listen = cfg_.find_hall(hall_)->srt_listen;
  opts.srt_latency_ms = cfg_.outputs.srt_latency_ms;
  opts.srt_passphrase = cfg_.outputs.srt_passphrase;
  opts.relay_audio = cfg_.outputs.relay_audio_codec == "opus" ? AudioCodec::Opus : AudioCodec::Aac;
  for (const auto& s : slots_) opts.source_audio.push_back(source_has_audio(s.cfg));
  program_pipe_ = std::make_unique<ProgramPipeline>(
      std::move(opts), cb_.on_media,
      [this] {
        log()->info("program playing ({}x{} @ {} fps)", format_.width, format_.height,
                    format_.framerate);
        if (cb_.on_playing) cb_.on_playing();
      },
      [this](const std::string& m) {
        log()->error("program pipeline failed: {}", m);
        if (cb_.on_fatal) cb_.on_fatal(m);
      });
  program_pipe_->start();
  stats_.attach(program_pipe_->pipeline(), format_.framerate);
  ProgramPipeline* pp = program_pipe_.get();
  for (size_t i = 0; i < slots_.size(); ++i) {
    Slot& s = slots_[i];
    s.pipe = std::make_unique<SourcePipeline>(
        s.cfg, format_, SourcePipeline::Sinks{pp->video_input(i), pp->audio_input(i)},
        [pp] { return pp->running_time_now(); },
        [this, i](const std::string& m) { on_source_failure(i, m); });
    start_source(s);
  }
  refresh_slate_text();
  program_pipe_->set_burn_in(burn_title_, burn_caption_);
  apply();
  watchdog_timer_ = g_timeout_add(limits::kWatchdogTickMs, &Streamer::on_watchdog_tick, this);
}

void Streamer::stop() {
  if (watchdog_timer_) g_source_remove(watchdog_timer_);
  if (fade_timer_) g_source_remove(fade_timer_);
  watchdog_timer_ = fade_timer_ = 0;
  for (auto& s : slots_)
    if (s.pipe) s.pipe->stop();
  if (program_pipe_) program_pipe_->stop();
  stats_.detach();  // no streaming thread left to call it
  program_pipe_.reset();
  for (auto& s : slots_) s.pipe.reset();
}

Streamer::Slot* Streamer::find(const std::string& id) {
  for (auto& s : slots_)
    if (s.cfg.id == id) return &s;
  return nullptr;
}

const Streamer::Slot* Streamer::find(const std::string& id) const {
  for (const auto& s : slots_)
    if (s.cfg.id == id) return &s;
  return nullptr;
}

Health Streamer::health(const std::string& source) const {
  const Slot* s = find(source);
  return s ? s->health : Health::Lost;
}

void Streamer::set_source_frozen(const std::string& id, bool frozen) {
  if (Slot* s = find(id); s && s->pipe) s->pipe->set_frozen(frozen);
}

double Streamer::slot_alpha(const Slot& s, bool visible) const {
  return visible && !slate_on_ && !s.hidden && !s.awaiting_operator ? 1.0 : 0.0;
}

// Pushes the current picture (layout, fade, slate, lost sources) into the compositor pads.
void Streamer::apply() {
  if (!program_pipe_) return;
  std::vector<std::string> ids;
  for (const auto& s : slots_) ids.push_back(s.cfg.id);
  auto geo = compute_layout(layout_, program_, ids, format_.width, format_.height);
  bool fading = fade_timer_ != 0 && layout_.mode == LayoutMode::Full;
  double p = 1.0;
  if (fading) {
    double elapsed_ms = (g_get_monotonic_time() - fade_.start_us) / 1000.0;
    p = std::clamp(elapsed_ms / std::max(1, fade_.duration_ms), 0.0, 1.0);
  }
  for (size_t i = 0; i < slots_.size(); ++i) {
    const Slot& s = slots_[i];
    PadGeometry g = geo[s.cfg.id];
    double alpha = slot_alpha(s, g.visible);
    if (fading && s.cfg.id == fade_.from) {
      g = PadGeometry{0, 0, format_.width, format_.height, 2, true};
      alpha = slot_alpha(s, true);
    } else if (fading && s.cfg.id == fade_.to) {
      g.zorder = 3;
      alpha *= p;
    }
    program_pipe_->set_video_pad(i, g, alpha);
  }
  apply_audio(main_source(layout_, program_));
}

void Streamer::apply_audio(const std::string& main) {
  bool follow = cfg_.program.audio == "follow";
  bool fading = follow && fade_timer_ != 0 && layout_.mode == LayoutMode::Full;
  double p = fading ? std::clamp((g_get_monotonic_time() - fade_.start_us) / 1000.0 /
                                     std::max(1, fade_.duration_ms),
                                 0.0, 1.0)
                    : 1.0;
  for (size_t i = 0; i < slots_.size(); ++i) {
    const Slot& s = slots_[i];
    double v = 0.0;
    if (!follow) {
      v = s.cfg.id == cfg_.program.audio ? 1.0 : 0.0;  // the hall mic stays up through everything
    } else if (!slate_on_ && !s.hidden) {
      if (fading && s.cfg.id == fade_.from)
        v = 1.0 - p;
      else if (fading && s.cfg.id == fade_.to)
        v = p;
      else
        v = s.cfg.id == main ? 1.0 : 0.0;
    }
    program_pipe_->set_audio_volume(i, v);
  }
}

void Streamer::start_fade(const std::string& from, const std::string& to, int duration_ms) {
  if (fade_timer_) g_source_remove(fade_timer_);
  fade_ = Fade{from, to, g_get_monotonic_time(), duration_ms};
  fade_timer_ = g_timeout_add(limits::kFadeStepMs, &Streamer::on_fade_tick, this);
}

gboolean Streamer::on_fade_tick(gpointer self) {
  auto* st = static_cast<Streamer*>(self);
  bool done = g_get_monotonic_time() - st->fade_.start_us >= st->fade_.duration_ms * 1000LL;
  if (done) st->fade_timer_ = 0;
  st->apply();
  return done ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

void Streamer::refresh_slate_text() {
  if (!program_pipe_) return;
  std::string text = cfg_.event.name;
  std::string body = slate_on_ && !slate_message_.empty() ? slate_message_ : cfg_.slate.text;
  if (!body.empty()) text += (text.empty() ? "" : "\n") + body;
  if (slate_on_) {
    std::string next = next_session_line();
    if (!next.empty()) text += "\n" + next;
  }
  program_pipe_->set_slate_text(text);
}

void Streamer::changed() {
  if (cb_.on_state) cb_.on_state(state());
}

}  // namespace hallcast::streamer
