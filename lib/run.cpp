#include "run.hpp"

#include <algorithm>
#include <thread>

#include "shared_mutex.hpp"

namespace lockedges {

namespace {

Run* g_current = nullptr;  // set and cleared on the variant's own thread, before and after its threads

using Clock = std::chrono::steady_clock;

}  // namespace

// One per thread the run knows. `events` is written only by its own thread
// and read after that thread has joined; `waiting_on` is read by the others
// (relaxed) to see who is blocked on which lock.
struct Run::ThreadTrack {
  std::string name;
  std::vector<Event> events;
  std::atomic<const std::string*> waiting_on{nullptr};
};

namespace {
thread_local Run::ThreadTrack* t_track = nullptr;
thread_local int t_index = -1;
}  // namespace

std::string_view to_string(Mode mode) { return mode == Mode::kForced ? "forced" : "stress"; }

Run::Run(Mode mode, Limits limits) : mode_(mode), limits_(limits), start_(Clock::now()) {
  deadline_ = start_ + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(limits_.stress_seconds));
  tracks_.push_back(std::make_unique<ThreadTrack>());
  tracks_[0]->name = "main";
  thread_names_.push_back("main");
  t_track = tracks_[0].get();
  t_index = 0;
  g_current = this;
}

Run::~Run() {
  if (g_current == this) g_current = nullptr;
  t_track = nullptr;
  t_index = -1;
}

Run* Run::current() { return g_current; }

double Run::elapsed_seconds() const {
  return std::chrono::duration<double>(Clock::now() - start_).count();
}

void Run::record(std::string_view kind, std::string_view what) {
  if (!forced() || t_track == nullptr) return;  // stress runs would fill memory for nothing
  Event e;
  e.seq = seq_.fetch_add(1, std::memory_order_relaxed);
  e.t_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start_).count();
  e.thread = t_index;
  e.kind = kind;
  e.what = what;
  t_track->events.push_back(std::move(e));
}

std::string Run::current_thread_name() const {
  return t_track != nullptr ? t_track->name : std::string("unknown");
}

void Run::post_text(int step, std::string_view what) {
  record("step", what);
  posted_.fetch_or(std::uint64_t{1} << (step & 63), std::memory_order_relaxed);
}

bool Run::await(int step) {
  if (!forced()) return true;
  const auto start = Clock::now();
  const auto timeout = std::chrono::duration<double>(limits_.await_timeout_seconds);
  for (;;) {
    if (posted_.load(std::memory_order_relaxed) & (std::uint64_t{1} << (step & 63))) return true;
    for (const auto& other : tracks_) {
      if (other.get() == t_track) continue;
      if (const std::string* lock = other->waiting_on.load(std::memory_order_relaxed)) {
        record("schedule", "goes on: " + other->name + " is blocked on " + *lock +
                               ", so the racing step cannot happen now");
        return false;
      }
    }
    if (Clock::now() - start > timeout) {
      schedule_timed_out_.store(true, std::memory_order_relaxed);
      record("schedule", "schedule point timed out waiting for step " + std::to_string(step));
      return false;
    }
    std::this_thread::yield();
  }
}

void Run::threads(std::vector<std::pair<std::string, Body>> bodies) {
  std::vector<int> indices;
  for (auto& [name, body] : bodies) {
    tracks_.push_back(std::make_unique<ThreadTrack>());
    tracks_.back()->name = name;
    thread_names_.push_back(name);
    indices.push_back(static_cast<int>(tracks_.size()) - 1);
  }
  std::vector<std::thread> running;
  running.reserve(bodies.size());
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    ThreadTrack* track = tracks_[indices[i]].get();
    running.emplace_back([track, index = indices[i], body = std::move(bodies[i].second)] {
      t_track = track;
      t_index = index;
      body();
      t_track = nullptr;
      t_index = -1;
    });
  }
  for (auto& t : running) t.join();
}

bool Run::keep_going(std::uint64_t iteration) const {
  if (limits_.stress_iterations != 0 && iteration >= limits_.stress_iterations) return false;
  return Clock::now() < deadline_;
}

std::vector<Event> Run::events() const {
  std::vector<Event> all;
  for (const auto& track : tracks_) all.insert(all.end(), track->events.begin(), track->events.end());
  std::sort(all.begin(), all.end(), [](const Event& a, const Event& b) { return a.seq < b.seq; });
  return all;
}

void Run::lock_retired(const LockStats& stats) { locks_.push_back(stats); }

// Used by SharedMutex: marks this thread as blocked on `lock` (or not).
void mark_waiting(const std::string* lock) {
  if (t_track != nullptr) t_track->waiting_on.store(lock, std::memory_order_relaxed);
}

}  // namespace lockedges
