// lockedges — Go's race detector (`go build -race`, `go test -race`): its
// data-race reports read into the same Log the ThreadSanitizer parser
// makes, so grouping, naming, fingerprints and lessons serve both.
//
// Go's detector is ThreadSanitizer's runtime under Go's own report printer,
// which differs: "WARNING: DATA RACE", accesses as "Read at 0x... by
// goroutine 8:", every frame on two lines (the function, then a tab- or
// space-indented "file:line +0x..."), "Goroutine 8 (running) created at:",
// no SUMMARY and no mutexes. Hand-written for the reason tsan_log.cpp is:
// no library reads these reports. Checked against real Go 1.19 logs in
// tests/fixtures/diagnose/logs/go_*.log.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "detection/tsan_log.hpp"

namespace lockedges::tsan {

// parse_go — every "WARNING: DATA RACE" report in `text` (other text
// between them is skipped), each access's mutexes unknown. Never throws.
Log parse_go(std::string_view text);

// infer_go_locks — Go's reports say nothing of locks; where the source of
// an access's frames can be read (`source` gives a file's text, "" when
// not), the sync.Mutex / RWMutex calls on the lines of the enclosing
// function before the access say what was held: X.RLock() shared,
// X.Lock() exclusive, released by a non-deferred X.RUnlock()/X.Unlock().
// Outer frames' functions count too (a caller's lock is held across the
// call), except across a `go` statement or a timer: a closure that is the
// last frame of its goroutine only counts its own lines. An access whose
// first Go frame cannot be read keeps "mutexes unknown". A heuristic, and
// said to be one in the diagnosis: the report itself does not know.
void infer_go_locks(Log& log, const std::function<std::string(std::string_view file)>& source);

}  // namespace lockedges::tsan
