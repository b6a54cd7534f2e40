#include "case_api/run.hpp"

#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>

#include "case_api/event_gate.hpp"
#include "case_api/shared_mutex.hpp"

namespace lockedges {

namespace {

using Clock = std::chrono::steady_clock;

// How long every thread must sit in the same lock wait before the run counts
// as deadlocked, and how often the watchdog looks.
constexpr auto kDeadlockAfter = std::chrono::milliseconds(300);
constexpr auto kDeadlockPoll = std::chrono::milliseconds(10);

void (*g_thread_hook)() = nullptr;  // set before any run thread starts

}  // namespace

// One slot per thread the run knows. `events` and `last_wait` are written
// only by the slot's own thread and read after it has joined; the atomics
// are read by other threads (relaxed) to see who is blocked on what.
struct Run::ThreadTrack {
  std::string name;                              // set before the thread starts
  std::vector<Event> events;
  std::atomic<const void*> waiting_on{nullptr};  // the lock it is blocked on
  std::atomic<const std::string*> waiting_name{nullptr};
  std::atomic<std::uint64_t> wait_seq{0};        // bumped at every wait
  std::atomic<bool> running{false};
};

namespace {
thread_local Run::ThreadTrack* t_track = nullptr;
}  // namespace

std::string_view to_string(Mode mode) { return mode == Mode::kForced ? "forced" : "stress"; }

// Stress mode: a thread that sleeps until the deadline and then raises
// stopping_, so keep_going reads a flag, not the clock. It shares nothing
// with the case's threads but that relaxed flag, so it orders nothing between
// them; the run's destructor wakes and joins it.
struct Run::DeadlineTimer {
  std::mutex mu;
  std::condition_variable_any woken;
  std::jthread thread;  // last: it stops and joins before mu and woken go

  explicit DeadlineTimer(Clock::time_point deadline)
      : thread([this, deadline](std::stop_token stop) {
          std::unique_lock lock(mu);
          woken.wait_until(lock, stop, deadline, [] { return false; });
          stopping_.store(true, std::memory_order_relaxed);
        }) {}
};

Run::Run(Mode mode, Limits limits)
    : mode_(mode),
      limits_(limits),
      start_(Clock::now()),
      iteration_bound_(limits.stress_iterations != 0 ? limits.stress_iterations : UINT64_MAX),
      tracks_(new ThreadTrack[kMaxThreads]) {
  stopping_.store(stop_requested_.load(std::memory_order_relaxed) || (forced() || limits_.stress_seconds <= 0),
                  std::memory_order_relaxed);
  if (!forced() && limits_.stress_seconds > 0)
    deadline_timer_ = std::make_unique<DeadlineTimer>(
        start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(limits_.stress_seconds)));
  enter_thread(reserve_thread("main"));
  current_ = this;
  forced_current_ = forced();
}

Run::~Run() {
  if (current_ == this) {
    current_ = nullptr;
    forced_current_ = false;
  }
  leave_thread();
}


double Run::elapsed_seconds() const {
  return std::chrono::duration<double>(Clock::now() - start_).count();
}

int Run::reserve_thread(std::string name) {
  const int index = track_count_.load(std::memory_order_relaxed);
  if (index >= kMaxThreads) throw std::length_error("a run has at most 32 threads");
  tracks_[index].name = name;
  thread_names_.push_back(std::move(name));
  track_count_.store(index + 1, std::memory_order_relaxed);
  return index;
}

void Run::set_thread_hook(void (*hook)()) { g_thread_hook = hook; }

void Run::enter_thread(int index) {
  if (g_thread_hook != nullptr && index != 0) g_thread_hook();
  t_track = &tracks_[index];
  t_current_thread_ = index;
  detail::t_lock_waits = {};
  t_track->running.store(true, std::memory_order_relaxed);
}

void Run::leave_thread() {
  if (t_track != nullptr) t_track->running.store(false, std::memory_order_relaxed);
  t_track = nullptr;
  t_current_thread_ = -1;
}

void Run::mark_waiting(const void* lock, const std::string* name) {
  if (t_track == nullptr) return;
  if (lock != nullptr) t_track->wait_seq.fetch_add(1, std::memory_order_relaxed);
  t_track->waiting_name.store(name, std::memory_order_relaxed);
  t_track->waiting_on.store(lock, std::memory_order_relaxed);
}

void Run::record(std::string_view kind, std::string_view what) { record_event(kind, what, -1); }

void Run::record_event(std::string_view kind, std::string_view what, int peer) {
  if (!forced() || t_track == nullptr) return;  // stress runs would fill memory for nothing
  Event e;
  e.seq = seq_.fetch_add(1, std::memory_order_relaxed);
  e.t_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start_).count();
  e.thread = t_current_thread_;
  e.kind = kind;
  e.what = what;
  e.peer = peer;
  const std::uint64_t seq = e.seq;
  t_track->events.push_back(std::move(e));
  // The thread's own name was set before it started, so reading it is safe.
  if (gate_ != nullptr) gate_->pass(t_current_thread_, seq, t_track->name, kind, what, peer);
}

void Run::post_text(int step, std::string_view what) {
  record("step", what);
  posted_.fetch_or(std::uint64_t{1} << (step & 63), std::memory_order_relaxed);
}

bool Run::await_posted(int step) {
  auto start = Clock::now();
  const auto timeout = std::chrono::duration<double>(limits_.await_timeout_seconds);
  unsigned nap_us = 0;
  for (;;) {
    if (posted_.load(std::memory_order_relaxed) & (std::uint64_t{1} << (step & 63))) return true;
    if (gate_ != nullptr && gate_->holding()) {
      // A person is reading an event: the time does not count, and the
      // thread sleeps rather than spins (see EventGate::nap).
      start = Clock::now();
      nap_us = EventGate::nap(nap_us);
      continue;
    }
    nap_us = 0;
    const int count = track_count_.load(std::memory_order_relaxed);
    for (int i = 0; i < count; ++i) {
      if (&tracks_[i] == t_track) continue;
      if (tracks_[i].waiting_on.load(std::memory_order_relaxed) != nullptr) {
        // Only atomics may be read here; events() names the thread later.
        record_event("schedule", "", i);
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
  for (auto& named : bodies) indices.push_back(reserve_thread(named.first));
  worker_threads_ += static_cast<int>(bodies.size());
  std::vector<std::thread> running;
  running.reserve(bodies.size());
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    tracks_[indices[i]].running.store(true, std::memory_order_relaxed);
    running.emplace_back([this, index = indices[i], body = std::move(bodies[i].second)] {
      enter_thread(index);
      body();
      leave_thread();
    });
  }
  std::thread watchdog;
  if (!forced() && deadlock_handler_ && !watching_.exchange(true, std::memory_order_relaxed))
    watchdog = std::thread([this] { watch_for_deadlock(); });
  for (auto& t : running) t.join();
  if (watchdog.joinable()) {
    watching_.store(false, std::memory_order_relaxed);
    watchdog.join();
  }
}

void Run::on_deadlock(std::function<void(const std::string&)> handler) {
  deadlock_handler_ = std::move(handler);
}

// Polls the slots: a deadlock is every running thread blocked on a lock,
// each still in the same wait (same wait_seq) for kDeadlockAfter.
void Run::watch_for_deadlock() {
  std::vector<std::uint64_t> before;
  auto stuck_since = Clock::now();
  while (watching_.load(std::memory_order_relaxed)) {
    std::this_thread::sleep_for(kDeadlockPoll);
    std::vector<std::uint64_t> waits;  // wait_seq of each running thread; empty if one runs free
    const int count = track_count_.load(std::memory_order_relaxed);
    for (int i = 1; i < count; ++i) {  // slot 0 is the variant's thread, waiting in join
      if (!tracks_[i].running.load(std::memory_order_relaxed)) continue;
      if (tracks_[i].waiting_on.load(std::memory_order_relaxed) == nullptr) {
        waits.clear();
        break;
      }
      waits.push_back(tracks_[i].wait_seq.load(std::memory_order_relaxed));
    }
    if (waits.empty() || waits != before) {
      before = std::move(waits);
      stuck_since = Clock::now();
      continue;
    }
    if (Clock::now() - stuck_since >= kDeadlockAfter) {
      deadlock_handler_(describe_deadlock());
      return;
    }
  }
}

// Called only once every thread is stuck for good, so nothing it reads is
// changing any more.
std::string Run::describe_deadlock() const {
  std::string text;
  const int count = track_count_.load(std::memory_order_relaxed);
  for (int i = 1; i < count; ++i) {
    if (!tracks_[i].running.load(std::memory_order_relaxed)) continue;
    const void* lock = tracks_[i].waiting_on.load(std::memory_order_relaxed);
    const std::string* name = tracks_[i].waiting_name.load(std::memory_order_relaxed);
    if (!text.empty()) text += "; ";
    text += tracks_[i].name + " waits for " + (name ? *name : std::string("a lock"));
    if (const auto* mutex = static_cast<const SharedMutex*>(lock)) {
      const int owner = mutex->exclusive_owner();
      if (owner >= 0 && owner < count) text += " held by " + tracks_[owner].name;
    }
  }
  return text;
}

void Run::request_stop() {
  stop_requested_.store(true, std::memory_order_relaxed);
  stopping_.store(true, std::memory_order_relaxed);
}

void describe_schedule_events(std::vector<Event>& events, const std::vector<std::string>& thread_names) {
  for (auto& e : events) {
    if (e.peer < 0) continue;
    // The blocked thread's own last "wait" before this moment names the lock.
    std::string lock = "a lock";
    for (const auto& w : events)
      if (w.thread == e.peer && w.kind == "wait" && w.seq < e.seq) lock = w.what.substr(w.what.rfind(' ') + 1);
    const std::string peer = e.peer < static_cast<int>(thread_names.size()) ? thread_names[e.peer]
                                                                            : "thread " + std::to_string(e.peer);
    e.what = "goes on: " + peer + " is blocked on " + lock + ", so the step awaited cannot happen yet";
  }
}

std::vector<Event> Run::events() const {
  std::vector<Event> all;
  const int count = track_count_.load(std::memory_order_relaxed);
  for (int i = 0; i < count; ++i) all.insert(all.end(), tracks_[i].events.begin(), tracks_[i].events.end());
  std::sort(all.begin(), all.end(), [](const Event& a, const Event& b) { return a.seq < b.seq; });
  describe_schedule_events(all, thread_names_);
  return all;
}

unsigned EventGate::nap(unsigned us) {
  constexpr unsigned kFirstNapUs = 50;
  constexpr unsigned kLongestNapUs = 50'000;
  us = us == 0 ? kFirstNapUs : std::min(2 * us, kLongestNapUs);
  ::usleep(us);
  return us;
}

void Run::lock_retired(const LockStats& stats) {
  // A lock nobody took says nothing, and a striped store's untouched shards
  // (a forced run takes one of 512) would only fill the result.
  if (stats.exclusive_acquisitions + stats.shared_acquisitions > 0) locks_.push_back(stats);
}

}  // namespace lockedges
