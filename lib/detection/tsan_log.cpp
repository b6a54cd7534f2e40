// lockedges — ThreadSanitizer report logs: parsing. See tsan_log.hpp. Line
// formats are those of libsanitizer's tsan_report.cpp as they appear in the
// fixtures under tests/fixtures/tsan/.
#include "detection/tsan_log.hpp"

#include <charconv>
#include <cstddef>
#include <map>
#include <utility>

#include "util/text.hpp"

namespace lockedges::tsan {
namespace {

using std::string_view;

constexpr string_view kWarningPrefix = "WARNING: ThreadSanitizer: ";
constexpr string_view kSummaryPrefix = "SUMMARY: ThreadSanitizer: ";
constexpr string_view kToolPrefix = "ThreadSanitizer: ";
constexpr string_view kFatalPrefix = "FATAL: ThreadSanitizer";
constexpr string_view kCyclePrefix = "Cycle in lock order graph: ";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool consume(string_view& s, string_view prefix) {
  if (!s.starts_with(prefix)) return false;
  s.remove_prefix(prefix.size());
  return true;
}

// Whole string is a non-negative decimal that fits an int.
bool to_int(string_view s, int& out) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  int v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return false;
  out = v;
  return true;
}

// Leading decimal digits of `s`, consumed.
bool consume_int(string_view& s, int& out) {
  std::size_t n = 0;
  while (n < s.size() && is_digit(s[n])) ++n;
  if (!to_int(s.substr(0, n), out)) return false;
  s.remove_prefix(n);
  return true;
}

std::string null_to_empty(string_view s) { return s == "<null>" ? std::string() : std::string(s); }

// "thread T4" -> "T4"; "main thread" stays.
std::string thread_name(string_view s) {
  s = trim(s);
  consume(s, "thread ");
  return std::string(s);
}

// "    #4 FUNCTION LOCATION (MODULE+0xOFF)[ (BuildId: HEX)]". FUNCTION may hold
// spaces and parens, so the line is taken apart from the right.
bool parse_frame(string_view line, Frame& f) {
  string_view s = trim(line);
  if (!consume(s, "#") || !consume_int(s, f.index) || !consume(s, " ")) return false;
  // clang's runtime appends the build id after the module group.
  if (std::size_t b = s.rfind(" (BuildId: "); b != string_view::npos && s.ends_with(")") &&
                                               s.find(')', b) == s.size() - 1)
    s = trim_right(s.substr(0, b));
  if (!s.ends_with(")")) return false;  // no module group: cut off, or not a TSan frame
  int depth = 0;
  std::size_t open = string_view::npos;
  for (std::size_t i = s.size(); i-- > 0;) {
    if (s[i] == ')') ++depth;
    else if (s[i] == '(' && --depth == 0) { open = i; break; }
  }
  if (open == string_view::npos || open == 0 || s[open - 1] != ' ') return false;
  string_view module = s.substr(open + 1, s.size() - open - 2);
  if (std::size_t plus = module.rfind("+0x"); plus != string_view::npos) module = module.substr(0, plus);
  f.module = module.starts_with("<unknown") ? std::string() : std::string(module);

  string_view rest = trim_right(s.substr(0, open));
  std::size_t sp = rest.rfind(' ');
  string_view loc = sp == string_view::npos ? string_view("<null>") : rest.substr(sp + 1);
  f.function = null_to_empty(trim(sp == string_view::npos ? rest : rest.substr(0, sp)));

  // "file", "file:line" or "file:line:col"; numbers are peeled off the right.
  int nums[2] = {0, 0};
  int found = 0;
  while (found < 2) {
    std::size_t colon = loc.rfind(':');
    if (colon == string_view::npos || !to_int(loc.substr(colon + 1), nums[found])) break;
    loc = loc.substr(0, colon);
    ++found;
  }
  f.line = found == 2 ? nums[1] : found == 1 ? nums[0] : 0;
  f.column = found == 2 ? nums[0] : 0;
  f.file = null_to_empty(loc);
  return true;
}

// "write M9, read M10" -> {{"M9", false}, {"M10", true}}.
std::vector<HeldMutex> parse_mutexes(string_view s) {
  std::vector<HeldMutex> out;
  while (!s.empty()) {
    std::size_t comma = s.find(',');
    string_view item = trim(s.substr(0, comma));
    s = comma == string_view::npos ? string_view() : s.substr(comma + 1);
    HeldMutex m;
    if (consume(item, "read ")) m.shared = true;
    else consume(item, "write ");
    item = trim(item);
    if (item.empty()) continue;
    m.id = std::string(item);
    out.push_back(std::move(m));
  }
  return out;
}

// "[Previous ][atomic ]read|write of size N at ADDR by THREAD[ (mutexes: LIST)]"
// (header already stripped of indent and trailing ':').
bool parse_access(string_view s, Access& a) {
  a.previous = consume(s, "Previous ");
  a.atomic = consume(s, "Atomic ") || consume(s, "atomic ");
  if (consume(s, "Write") || consume(s, "write")) a.write = true;
  else if (!consume(s, "Read") && !consume(s, "read")) return false;
  if (!consume(s, " of size ") || !consume_int(s, a.size) || !consume(s, " at ")) return false;
  std::size_t sp = s.find(' ');
  if (sp == 0 || sp == string_view::npos) return false;
  a.address = std::string(s.substr(0, sp));
  s.remove_prefix(sp);
  if (!consume(s, " by ")) return false;
  if (std::size_t m = s.find(" (mutexes: "); m != string_view::npos && s.ends_with(")")) {
    string_view list = s.substr(m + 11);
    list.remove_suffix(1);
    a.mutexes = parse_mutexes(list);
    s = s.substr(0, m);
  }
  a.thread = thread_name(s);
  return !a.thread.empty();
}

// "M9 (0x55d4e12db140) => M10 (0x55d4e12db100) => M9" -> {"M9", "M10", "M9"}.
std::vector<std::string> parse_cycle(string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    std::size_t arrow = s.find("=>");
    string_view item = trim(s.substr(0, arrow));
    s = arrow == string_view::npos ? string_view() : s.substr(arrow + 2);
    item = item.substr(0, item.find(' '));
    if (!item.empty()) out.emplace_back(item);
  }
  return out;
}

// A header TSan always ends with ':': an access ("[Previous ][atomic ]read
// of size ...") or a mutex ("Mutex M10 (0x...) created at", "Mutex M10
// acquired here while holding mutex M9 in thread T1"). Without its ':' such
// a line was cut, whatever it still parses as.
bool needs_colon(string_view h) {
  if (h.starts_with("Mutex ")) return true;
  consume(h, "Previous ");
  if (!consume(h, "Atomic ")) consume(h, "atomic ");
  return h.starts_with("Read") || h.starts_with("read") || h.starts_with("Write") || h.starts_with("write");
}

bool is_separator(string_view s) {
  if (s.size() < 10) return false;
  for (char c : s)
    if (c != '=') return false;
  return true;
}

// What the runtime prints, prefixed "ThreadSanitizer: ", while it goes on
// working: the suppressions it used (print_suppressions, on by default),
// what verbosity= and the memory options make it say, and warnings after
// which it continues. Taken from the format strings in g++ 12's libtsan and
// clang 14's runtime. The list is of notes rather than of failures because
// failures are the open set (sanitizer_common adds its own, "CHECK failed",
// "Thread limit ... exceeded. Dying."): a line of neither kind counts as a
// failure, the safe side for a run whose verdict rests on the log.
bool is_note(string_view s) {
  if (!consume(s, kToolPrefix)) return false;
  static constexpr string_view kNotes[] = {
      "Matched ",                    // "Matched 3 suppressions (pid=123):"
      "matched suppression '",       // one per suppressed report, verbosity=2
      "suppressing report as doubled",
      "reading suppressions file at ",
      "flushing memory due to RSS",  // flush_memory_ms, memory_limit_mb
      "memory flush check ",
      "memory flushed ",
      "periodic memory flush",
      "growing ",                    // "growing sync allocator: ...", verbosity
      "forked new process with pid ",
      "ignoring signal ",
      "RSS: ",                       // print_stats
      "StackDepot: ",
      "soft rss limit exhausted",    // soft_rss_limit_mb: allocations fail, the run goes on
      "WARNING: ",                   // "unexpected format specifier in printf interceptor"
  };
  for (string_view note : kNotes)
    if (s.starts_with(note)) return true;
  // With die_after_fork=0 the runtime says it goes on: "... (pid 123). Continuing because ...".
  return s.starts_with("starting new threads after multi-threaded fork") &&
         s.find(" Continuing ") != string_view::npos;
}

// Tool failures that are not reports. "ThreadSanitizer: reported N warnings"
// is the normal epilogue and is recorded in Log::reported instead; the
// runtime's notes (is_note) are checked first.
bool is_fatal(string_view s) {
  if (s.starts_with(kFatalPrefix) || s.starts_with(kToolPrefix)) return true;
  // sanitizer_common errors: "==4053==ERROR: ThreadSanitizer: SEGV on ..."
  if (!consume(s, "==")) return false;
  int pid = 0;
  return consume_int(s, pid) && s.starts_with("==ERROR: ThreadSanitizer");
}

bool parse_reported(string_view s, int& n) {
  return consume(s, kToolPrefix) && consume(s, "reported ") && consume_int(s, n) &&
         (s == " warnings" || s == " warning");
}

// "And 4 more similar thread leaks." (thread leaks of one creation stack,
// printed once).
bool parse_similar(string_view s, int& n) {
  s = trim(s);
  return consume(s, "And ") && consume_int(s, n) && consume(s, " more similar ") && s.ends_with('.');
}

class Parser {
 public:
  Log run(string_view text) {
    while (!text.empty()) {
      std::size_t nl = text.find('\n');
      string_view line = text.substr(0, nl);
      text = nl == string_view::npos ? string_view() : text.substr(nl + 1);
      if (line.ends_with('\r')) line.remove_suffix(1);
      feed(line);
    }
    close(false);
    return std::move(log_);
  }

 private:
  void feed(string_view line) {
    int n = 0;
    if (line.starts_with(kWarningPrefix)) return open(line.substr(kWarningPrefix.size()));
    if (parse_reported(line, n)) {
      close(false);
      log_.reported = n;
      return;
    }
    if (is_note(line)) {
      log_.notes.emplace_back(line);  // an open report stays open: a note is no part of it
      return;
    }
    if (is_fatal(line)) {
      close(false);  // the tool died mid-report
      log_.fatal_errors.emplace_back(line);
      return;
    }
    if (!current_) return;  // outside a report nothing else counts (e.g. a SEGV's stack)
    if (is_separator(line)) return close(true);
    if (line.starts_with(kSummaryPrefix)) {
      current_->summary = std::string(trim(line.substr(kSummaryPrefix.size())));
      stack_ = nullptr;
      return;
    }
    string_view body = trim_left(line);
    if (body.empty()) {
      stack_ = nullptr;  // blank line ends a block
      return;
    }
    if (body.starts_with('#')) {
      Frame f;
      if (stack_ && parse_frame(body, f)) stack_->push_back(std::move(f));
      return;
    }
    if (line.size() - body.size() == 2) {
      if (int more = 0; parse_similar(body, more)) {
        current_->similar += more;
        stack_ = nullptr;
        return;
      }
      return header(trim_right(body));
    }
    stack_ = nullptr;  // some line we do not know; do not glue frames to the wrong block
  }

  void open(string_view rest) {
    close(false);
    Warning w;
    rest = trim(rest);
    if (std::size_t p = rest.rfind(" (pid="); p != string_view::npos && rest.ends_with(")")) {
      string_view pid = rest.substr(p + 6);
      pid.remove_suffix(1);
      if (to_int(pid, w.pid)) rest = rest.substr(0, p);
    }
    w.kind = std::string(rest);
    log_.warnings.push_back(std::move(w));
    current_ = &log_.warnings.back();
    stack_ = &current_->stack;  // frames right under the WARNING line are the report's own stack
    cut_ = false;
  }

  void header(string_view h) {
    const bool whole = h.ends_with(':');
    if (whole) h.remove_suffix(1);
    else if (needs_colon(h)) {
      cut_ = true;
      stack_ = nullptr;  // its frames, if any follow, belong to nothing we kept
      return;
    }
    Access a;
    if (parse_access(h, a)) {
      current_->accesses.push_back(std::move(a));
      stack_ = &current_->accesses.back().stack;
      return;
    }
    if (h.starts_with(kCyclePrefix)) current_->cycle = parse_cycle(h.substr(kCyclePrefix.size()));
    current_->sections.push_back(Section{std::string(h), {}});
    stack_ = &current_->sections.back().stack;
  }

  void close(bool complete) {
    if (current_) current_->complete = complete && !cut_;
    current_ = nullptr;
    stack_ = nullptr;
  }

  Log log_;
  Warning* current_ = nullptr;        // points into log_.warnings; only the back is ever open
  std::vector<Frame>* stack_ = nullptr;  // where the next frame line goes
  bool cut_ = false;                     // a header of the open warning was cut
};

}  // namespace

std::optional<LockAcquisition> parse_lock_section(std::string_view h) {
  LockAcquisition a;
  if (!consume(h, "Mutex ")) return std::nullopt;
  std::size_t sp = h.find(' ');
  if (sp == string_view::npos) return std::nullopt;
  a.acquired = std::string(h.substr(0, sp));
  h.remove_prefix(sp);
  if (!consume(h, " acquired here while holding mutex ")) return std::nullopt;
  sp = h.find(' ');
  if (sp == 0 || sp == string_view::npos) return std::nullopt;
  a.held = std::string(h.substr(0, sp));
  h.remove_prefix(sp);
  if (!consume(h, " in ")) return std::nullopt;
  a.thread = thread_name(h);
  if (a.acquired.empty() || a.thread.empty()) return std::nullopt;
  return a;
}

Log parse(std::string_view text) {
  Parser p;
  try {
    return p.run(text);
  } catch (...) {  // only std::bad_alloc can get here; the parse is lost
    Log log;
    return log;
  }
}

}  // namespace lockedges::tsan
