// lockedges — the case API: what a variant sees while it runs.
//
// A variant is driven in one of two modes:
//
//   Mode::kForced   one pass through the bad interleaving. Schedule points
//                   (`lockedges::post` / `lockedges::await`, on the run in
//                   progress) order the threads so the race happens on the
//                   first iteration, every time.
//   Mode::kStress   free-running threads until `Run::keep_going()` says stop;
//                   schedule points are no-ops. The variant counts what a
//                   user would see (`Run::symptom`).
//
// Schedule points must not synchronise in ThreadSanitizer's eyes: a mutex,
// condition variable or std::barrier between the two racing accesses creates
// happens-before and hides the race. They are built on relaxed atomics, which
// TSan does not treat as synchronisation, and a spin loop that yields.
//
// Every event (a step posted, a lock taken or released, a note) is recorded
// per thread without locks, so recording does not synchronise either; the
// per-thread logs are merged after the threads have joined.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace lockedges {

class SharedMutex;
class EventGate;
struct LockStats;

enum class Mode { kForced, kStress };

std::string_view to_string(Mode mode);

// Event — one line of the recorded interleaving.
struct Event {
  std::uint64_t seq = 0;   // global order (relaxed counter: order, not synchronisation)
  std::int64_t t_ns = 0;   // since the run started
  int thread = 0;          // index into Run::thread_names(); 0 is the variant's own thread
  std::string kind;        // "step", "lock", "unlock", "wait", "note", "schedule"
  std::string what;
  int peer = -1;           // "schedule" events: the thread found blocked (text filled in by events())
};

// describe_schedule_events — fills in the text of the "schedule" events of
// `events` (in seq order) from their peer: the blocked thread's own last
// "wait" before that moment names the lock. Run::events() uses it, and so
// does step mode, which receives the events one by one.
void describe_schedule_events(std::vector<Event>& events, const std::vector<std::string>& thread_names);

// Run::Limits — how long a run may go on.
struct Limits {
  double stress_seconds = 0.5;          // stress: stop after this long
  std::uint64_t stress_iterations = 0;  // stress: or after this many iterations (0 = no bound)
  double await_timeout_seconds = 2.0;   // forced: a schedule point gives up after this long
};

class Run {
 public:
  struct ThreadTrack;  // per-thread event log and lock-wait state (run.cpp)

  Run(Mode mode, Limits limits);
  ~Run();
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  // The run in progress on this process, or null. Instrumented locks and
  // the free schedule points below report to it; there is one at a time.
  static Run* current() { return current_; }
  // Run::current() && Run::current()->forced(), in one load: every lock
  // operation of an instrumented lock asks.
  static bool forced_in_progress() { return forced_current_; }

  Mode mode() const { return mode_; }
  bool forced() const { return mode_ == Mode::kForced; }

  // ---------------------------------------------------------------------
  // Schedule points (forced mode; no-ops in stress mode)
  // ---------------------------------------------------------------------

  // Run::post — this thread has done `step`; records `what` (a fmt format
  // string, formatted only in forced mode) as the step's event. Steps are
  // small positive integers (1..63), each posted once, in any order.
  template <typename... Args>
  void post(int step, fmt::format_string<Args...> what, Args&&... args) {
    if (forced()) post_text(step, fmt::format(what, std::forward<Args>(args)...));
  }

  // Run::await — blocks until `step` has been posted. Returns true then.
  // Returns false, and records why, when another thread is blocked on an
  // instrumented lock (a fixed variant's lock is keeping the bad interleaving
  // from happening, so waiting longer would deadlock the schedule) or when
  // the await timeout passes (a broken schedule: the run is marked so).
  bool await(int step) { return !forced() || await_posted(step); }  // inline: free in stress mode

  // Run::note — records an event without ordering anything.
  template <typename... Args>
  void note(fmt::format_string<Args...> what, Args&&... args) {
    if (forced()) record("note", fmt::format(what, std::forward<Args>(args)...));
  }

  // ---------------------------------------------------------------------
  // Threads
  // ---------------------------------------------------------------------

  using Body = std::function<void()>;
  // Run::threads — starts one thread per (name, body), then joins them all.
  // Thread names label the recorded interleaving and the lock report. Call
  // it from the variant's own thread.
  void threads(std::vector<std::pair<std::string, Body>> bodies);

  // Run::reserve_thread / Run::enter_thread — for a thread the harness starts
  // itself (a timer thread): reserve its slot on the variant's own thread
  // before starting it, then enter the slot from the new thread. At most
  // kMaxThreads threads in a run.
  static constexpr int kMaxThreads = 32;
  // Run::set_thread_hook — called first thing on every thread the run starts
  // (and on timer threads): the worker uses it to register each thread with
  // the CPU profiler. Set before the variant runs.
  static void set_thread_hook(void (*hook)());
  int reserve_thread(std::string name);
  void enter_thread(int index);
  void leave_thread();

  // Run::on_deadlock — stress mode: when every running thread of the run has
  // been blocked on an instrumented lock, in the same wait, for a while, the
  // run is deadlocked: `handler` gets a description (who waits for which
  // lock, held by whom) on the watchdog's thread and must end the process.
  void on_deadlock(std::function<void(const std::string&)> handler);

  // Run::step_through — forced mode: every event recorded from now on
  // passes `gate` (event_gate.hpp) before its thread goes on, and a
  // schedule point does not count the time an event waits there. Set
  // before the variant runs; the gate must outlive the run's threads.
  void step_through(EventGate* gate) { gate_ = gate; }

  // ---------------------------------------------------------------------
  // Stress mode
  // ---------------------------------------------------------------------

  // Run::keep_going — true until the stress bound is reached, or a stop was
  // requested. Safe to call from any thread; `iteration` is the caller's own
  // loop counter. Inline, and it reads no clock: a timer thread of the run's
  // own raises a flag at the deadline. A clock read costs about as much as a
  // whole iteration of the cheapest workloads, and a call and a clock read per
  // iteration led their CPU profiles.
  bool keep_going(std::uint64_t iteration = 0) const {
    return !stopping_.load(std::memory_order_relaxed) && iteration < iteration_bound_;
  }

  // Run::request_stop — ends every stress loop early (async-signal-safe: the
  // worker calls it from its SIGTERM handler); stop_was_requested says so
  // afterwards, to a loop over runs.
  static void request_stop();
  static bool stop_was_requested() { return stop_requested_.load(std::memory_order_relaxed); }

  // Run::ops / Run::symptom — set by the variant's own thread after its
  // threads have joined (not thread-safe by design: nothing here may
  // synchronise the racing threads).
  void ops(std::uint64_t n) { ops_ = n; }
  void symptom(std::string name, std::int64_t count) { symptoms_[std::move(name)] = count; }

  // ---------------------------------------------------------------------
  // Results, read after the variant returns
  // ---------------------------------------------------------------------
  std::vector<Event> events() const;
  const std::vector<std::string>& thread_names() const { return thread_names_; }
  const std::map<std::string, std::int64_t>& symptoms() const { return symptoms_; }
  std::uint64_t ops() const { return ops_; }
  // Threads started by threads() (not the variant's own, not timer threads).
  int worker_threads() const { return worker_threads_; }
  bool schedule_completed() const { return !schedule_timed_out_.load(std::memory_order_relaxed); }
  double elapsed_seconds() const;
  // The instrumented locks taken in this run, as each was destroyed.
  const std::vector<LockStats>& locks() const { return locks_; }

  // Called by instrumented locks (lib/), never by a case.
  void record(std::string_view kind, std::string_view what);
  void lock_retired(const LockStats& stats);
  // This thread's slot, or -1 for a thread the run does not know (inline:
  // every exclusive acquisition asks).
  static int current_thread() { return t_current_thread_; }
  // Marks this thread as blocked on `lock` (named `name`), or not (null).
  static void mark_waiting(const void* lock, const std::string* name);

 private:
  bool await_posted(int step);
  void post_text(int step, std::string_view what);
  void record_event(std::string_view kind, std::string_view what, int peer);
  void watch_for_deadlock();
  std::string describe_deadlock() const;

  Mode mode_;
  Limits limits_;
  std::chrono::steady_clock::time_point start_;
  std::uint64_t iteration_bound_;  // limits_.stress_iterations, or no bound
  struct DeadlineTimer;                     // run.cpp
  std::unique_ptr<DeadlineTimer> deadline_timer_;
  std::atomic<std::uint64_t> posted_{0};  // bit n set: step n posted (relaxed only)
  std::atomic<std::uint64_t> seq_{0};     // event order (relaxed only)
  std::atomic<bool> schedule_timed_out_{false};
  // Slots are fixed so that other threads may read a slot's atomics while
  // the variant's thread fills the next one; only atomics are shared.
  std::unique_ptr<ThreadTrack[]> tracks_;  // [0] = the variant's thread
  std::atomic<int> track_count_{0};
  std::vector<std::string> thread_names_;  // variant's thread only
  std::map<std::string, std::int64_t> symptoms_;
  std::uint64_t ops_ = 0;
  int worker_threads_ = 0;
  std::vector<LockStats> locks_;
  std::function<void(const std::string&)> deadlock_handler_;
  std::atomic<bool> watching_{false};
  EventGate* gate_ = nullptr;  // step mode only
  // Set and cleared on the variant's own thread, before and after its threads.
  static inline Run* current_ = nullptr;
  static inline bool forced_current_ = false;
  static inline thread_local int t_current_thread_ = -1;
  // keep_going's one flag: raised at the run's deadline (by deadline_timer_)
  // or by request_stop, and lowered when a run starts unless a stop was
  // requested. Both are set from a signal handler: lock-free by requirement.
  static inline std::atomic<bool> stopping_{false};
  static inline std::atomic<bool> stop_requested_{false};
  static_assert(std::atomic<bool>::is_always_lock_free);
};

// ---------------------------------------------------------------------------
// Schedule points on the run in progress
// ---------------------------------------------------------------------------
// lockedges::post / lockedges::await / lockedges::note — Run::post,
// Run::await and Run::note on Run::current(), so that a case's domain code
// (a store's method, a timer callback) places itself in the schedule without
// a Run& among its parameters. With no run in progress they do nothing and
// await returns true, as the members do in stress mode.
// In stress mode each is one load and a branch.
template <typename... Args>
void post(int step, fmt::format_string<Args...> what, Args&&... args) {
  if (Run::forced_in_progress()) Run::current()->post(step, what, std::forward<Args>(args)...);
}

inline bool await(int step) { return !Run::forced_in_progress() || Run::current()->await(step); }

template <typename... Args>
void note(fmt::format_string<Args...> what, Args&&... args) {
  if (Run::forced_in_progress()) Run::current()->note(what, std::forward<Args>(args)...);
}

// This thread's count of lock acquisitions that had to wait — for a case
// that wants to know how many of *its* reads were held up (instrumented
// locks keep it; thread-local, no sharing).
struct ThreadLockWaits {
  std::uint64_t waits = 0;
};
namespace detail {
inline thread_local ThreadLockWaits t_lock_waits;  // reset when a run thread starts
}  // namespace detail
// Inline: a case may ask around every read it makes.
inline ThreadLockWaits this_thread_lock_waits() { return detail::t_lock_waits; }
inline void add_this_thread_lock_wait() { ++detail::t_lock_waits.waits; }

}  // namespace lockedges
