// lockedges — ThreadSanitizer report logs: parsing, and grouping into
// findings (findings.hpp; the grouping is tsan_findings.cpp).
//
// A TSan run writes plain-text reports (one per warning) to stderr or to the
// log_path file. `parse` turns that text into structs; `group` folds the many
// warnings one bug produces (a rehash under a shared lock gives a dozen, each
// topped by a different hashtable.h line) into findings keyed on the lines of
// the program's own code, each with a one-sentence diagnosis.
//
// Hand-written because no library parses TSan reports: the format is only
// defined by the printf calls in compiler-rt/libsanitizer. Every shape handled
// here was checked against real logs in tests/fixtures/tsan/ (g++ 12 libtsan,
// and clang 14 for `file:line:col` frames and "(BuildId: ...)" suffixes).
// The scanner works line by line with no backtracking, so long or hostile
// input costs linear time, and neither function lets an exception out.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detection/findings.hpp"

namespace lockedges::tsan {

// One "[Previous ][atomic ]read|write of size N at ADDR by THREAD[ (mutexes: ...)]:" block.
struct Access {
  bool write = false;
  bool atomic = false;
  bool previous = false;
  int size = 0;
  std::string address;  // "0x55f390592150"
  std::string thread;   // "T4" or "main thread"
  std::vector<HeldMutex> mutexes;
  // False where the report does not say which locks were held (Go's race
  // detector, unless the source said: go_race_log.hpp).
  bool mutexes_known = true;
  std::vector<Frame> stack;
};

// Every other indented block in a report ("Location is ...", "Mutex M10 (...)
// created at", "Mutex M1 acquired here while holding mutex M0 in thread T1",
// "Thread T2 (...) created by main thread at", "Cycle in lock order graph: ...").
struct Section {
  std::string header;  // without the two-space indent and the trailing ':'
  std::vector<Frame> stack;
};

struct Warning {
  std::string kind;  // "data race", "lock-order-inversion (potential deadlock)", "heap-use-after-free", ...
  int pid = 0;
  // The stack printed directly under the WARNING line, before any block:
  // where a mutex was misused (double lock, unlock of an unlocked mutex,
  // destroy of a locked mutex, read lock of a write-locked one) or where a
  // signal handler did what it must not. Empty for data races.
  std::vector<Frame> stack;
  std::vector<Access> accesses;
  std::vector<Section> sections;
  std::vector<std::string> cycle;  // lock-order-inversion: {"M9", "M10", "M9"}
  std::string summary;             // SUMMARY line without "SUMMARY: ThreadSanitizer: "
  int similar = 0;                 // thread leak: N of "And N more similar thread leaks."
  // False when the text ended before the closing ===== line, or when one of
  // its access or mutex headers was cut (see parse).
  bool complete = false;
};

struct Log {
  std::vector<Warning> warnings;
  // Tool failures, verbatim: "FATAL: ThreadSanitizer: ...", "ThreadSanitizer: CHECK failed: ...",
  // "==PID==ERROR: ThreadSanitizer: SEGV ...", and any other "ThreadSanitizer: " line that is
  // not one of the runtime's notes. They are not reports.
  std::vector<std::string> fatal_errors;
  // The runtime's notes while it carries on, verbatim: "ThreadSanitizer: Matched 3
  // suppressions (pid=...):" (the suppressions used, listed on the lines after it),
  // "ThreadSanitizer: flushing memory due to RSS", ... Neither reports nor failures.
  std::vector<std::string> notes;
  int reported = -1;  // N from the closing "ThreadSanitizer: reported N warnings"; -1 if absent
};

// A lock-order-inversion section header, "Mutex M10 acquired here while
// holding mutex M9 in thread T1", taken apart; nothing for any other header.
struct LockAcquisition {
  std::string acquired;  // "M10"
  std::string held;      // "M9"
  std::string thread;    // "T1"
};
std::optional<LockAcquisition> parse_lock_section(std::string_view header);

// Never throws, never crashes; lines it does not recognise are skipped.
// A frame line must end in its "(module+0x...)" group, so a frame cut off by
// truncation is dropped rather than read with a wrong line number. An access
// or mutex header must end in the ':' TSan always ends it with: a cut one
// ("Read of size 8 at 0x... by main thr") is dropped with the frames under
// it, and its warning is not complete, rather than read as thread "main thr"
// holding no lock.
Log parse(std::string_view text);

// What group() knows of the program whose log it reads.
struct Program {
  // Its own files (the case file; what --src-root holds); null: every
  // frame that is not the runtime's (frames.hpp).
  std::function<bool(std::string_view file)> is_user_file;
  // The text of a source file as the log names it, or "" when it cannot be
  // read; null: none can. Used to name mutexes by their source.
  std::function<std::string(std::string_view file)> source;
};

// Warnings with the same kind and the same first user-code frame (file and
// line, top of stack first) for each access become one Finding. For
// lock-order-inversion the "Mutex Mx acquired here while holding mutex My"
// sections stand in for accesses, each held mutex with its mode where
// second_deadlock_stack=1 printed how it was taken; for a report whose
// stack is right under its WARNING line (mutex misuse, signal handlers)
// that stack is the one location; for a thread leak, where the thread was
// created, and count includes "And N more similar thread leaks".
// Each mutex gets its name from where it was created; each finding its
// fingerprint and its signals. Findings are in order of first appearance.
// An exception thrown by a Program function counts as "no" / "".
std::vector<Finding> group(const Log& log, const Program& program);
// The same with only is_case_file.
std::vector<Finding> group(const Log& log,
                           const std::function<bool(std::string_view file)>& is_case_file);

}  // namespace lockedges::tsan
