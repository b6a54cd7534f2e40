// lockedges — ThreadSanitizer report logs: parsing and grouping.
// See tsan_log.hpp. Line formats are those of libsanitizer's tsan_report.cpp
// as they appear in the fixtures under tests/fixtures/tsan/.
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
constexpr string_view kLockOrderKind = "lock-order-inversion";

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

bool is_separator(string_view s) {
  if (s.size() < 10) return false;
  for (char c : s)
    if (c != '=') return false;
  return true;
}

// Tool failures that are not reports. "ThreadSanitizer: reported N warnings"
// is the normal epilogue and is recorded in Log::reported instead.
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
    if (line.size() - body.size() == 2) return header(trim_right(body));
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
    stack_ = nullptr;
  }

  void header(string_view h) {
    if (h.ends_with(':')) h.remove_suffix(1);
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
    if (current_) current_->complete = complete;
    current_ = nullptr;
    stack_ = nullptr;
  }

  Log log_;
  Warning* current_ = nullptr;        // points into log_.warnings; only the back is ever open
  std::vector<Frame>* stack_ = nullptr;  // where the next frame line goes
};

// ---- grouping -------------------------------------------------------------

bool is_free_frame(const Frame& f) {
  string_view fn = f.function;
  return fn.starts_with("operator delete") || fn == "free";  // as libtsan names them
}

std::string access_label(const Access& a) {
  if (a.write && !a.stack.empty() && is_free_frame(a.stack.front())) return "free";
  std::string s = a.atomic ? "atomic " : "";
  return s + (a.write ? "write" : "read");
}

bool safe_is_case(const std::function<bool(string_view)>& is_case_file, const std::string& file) {
  if (!is_case_file || file.empty()) return false;
  try {
    return is_case_file(file);
  } catch (...) {
    return false;
  }
}

void place(Location& loc, const std::vector<Frame>& stack,
           const std::function<bool(string_view)>& is_case_file) {
  for (const Frame& f : stack) {
    if (safe_is_case(is_case_file, f.file)) {
      loc.file = f.file;
      loc.line = f.line;
      return;
    }
  }
}

// "Mutex M10 acquired here while holding mutex M9 in thread T1"
bool parse_lock_section(string_view h, std::string& acquired, std::string& held, std::string& thread) {
  if (!consume(h, "Mutex ")) return false;
  std::size_t sp = h.find(' ');
  if (sp == string_view::npos) return false;
  acquired = std::string(h.substr(0, sp));
  h.remove_prefix(sp);
  if (!consume(h, " acquired here while holding mutex ")) return false;
  sp = h.find(' ');
  if (sp == 0 || sp == string_view::npos) return false;
  held = std::string(h.substr(0, sp));
  h.remove_prefix(sp);
  if (!consume(h, " in ")) return false;
  thread = thread_name(h);
  return !acquired.empty() && !thread.empty();
}

// ---- diagnosis sentences ----------------------------------------------------

std::string who(const std::string& thread) {
  if (thread == "main thread") return "the main thread";
  if (thread.empty()) return "a thread";
  return "thread " + thread;
}

std::string whose(const Access& a) { return who(a.thread) + "'s " + access_label(a); }

std::string join(const std::vector<std::string>& parts, string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

// "a shared (read) lock on M9 and an exclusive (write) lock on M10"
std::string locks_held(const Access& a) {
  std::vector<std::string> parts;
  for (const HeldMutex& m : a.mutexes)
    parts.push_back((m.shared ? "a shared (read) lock on " : "an exclusive (write) lock on ") + m.id);
  return join(parts, " and ");
}

std::string ids(const Access& a) {
  std::vector<std::string> parts;
  for (const HeldMutex& m : a.mutexes) parts.push_back(m.id);
  return join(parts, ", ");
}

bool only_shared(const Access& a) {
  if (a.mutexes.empty()) return false;
  for (const HeldMutex& m : a.mutexes)
    if (!m.shared) return false;
  return true;
}

bool share_a_mutex(const Access& x, const Access& y) {
  for (const HeldMutex& a : x.mutexes)
    for (const HeldMutex& b : y.mutexes)
      if (a.id == b.id) return true;
  return false;
}

std::string race_diagnosis(const Warning& w) {
  if (w.accesses.size() < 2)
    return "data race: two threads access the same memory without synchronisation and at least one "
           "of them writes.";
  const Access& a = w.accesses[0];
  const Access& b = w.accesses[1];
  if (a.atomic != b.atomic)
    return "atomic and plain accesses mixed: " + whose(a) + " races with " + whose(b) +
           "; an atomic operation only synchronises with other atomic operations on the same "
           "variable.";
  const Access& wr = a.write ? a : b;  // a race always has at least one write
  const Access& other = &wr == &a ? b : a;
  if (wr.mutexes.empty())
    return "write with no lock held: " + who(wr.thread) + "'s " + access_label(wr) +
           " takes no lock, so " +
           (other.mutexes.empty() ? who(other.thread) + "'s " + access_label(other) +
                                        " is not ordered against it at all."
                                  : locks_held(other) + " held by " + whose(other) +
                                        " cannot exclude it.");
  if (only_shared(wr)) {
    std::string s = "write under a shared (read) lock: a shared lock does not exclude other readers, so " +
                    whose(wr) + " races with " + whose(other);
    if (only_shared(other) && share_a_mutex(wr, other))
      s += "; both hold " + ids(wr) + " only in shared mode";
    return s + ".";
  }
  if (other.mutexes.empty())
    return other.write ? "write with no lock held: " + whose(other) + " takes no lock, so " +
                             locks_held(wr) + " held by " + whose(wr) + " cannot exclude it."
                       : "read with no lock held: " + whose(other) + " takes no lock, so " +
                             locks_held(wr) + " held by " + whose(wr) + " cannot exclude it.";
  if (!share_a_mutex(wr, other))
    return "the two accesses hold different locks: " + whose(wr) + " holds " + ids(wr) + ", " +
           whose(other) + " holds " + ids(other) + ", so neither excludes the other.";
  return "data race: " + whose(a) + " and " + whose(b) +
         " are not ordered by the locks they hold (" + ids(a) + " / " + ids(b) + ").";
}

struct LockStep {
  std::string acquired, held, thread;
};

std::string lock_order_diagnosis(const Warning& w, const std::vector<LockStep>& steps) {
  std::vector<std::string> parts;
  for (const LockStep& s : steps)
    parts.push_back(who(s.thread) + " takes " + s.acquired + " while holding " + s.held);
  std::string what = parts.empty() ? std::string() : ": " + join(parts, ", ");
  if (steps.size() > 2)
    return "threads take locks in a cyclic order (" + join(w.cycle, " => ") + ")" + what +
           "; run at the same time they can deadlock.";
  return "two threads take the same two locks in opposite orders" + what +
         "; run at the same time they can deadlock.";
}

std::string use_after_free_diagnosis(const Warning& w) {
  const Access* freed = nullptr;
  const Access* use = nullptr;
  for (const Access& a : w.accesses) {
    if (access_label(a) == "free") freed = freed ? freed : &a;
    else use = use ? use : &a;
  }
  if (!freed || !use) return "use after free: memory is accessed after it was freed.";
  return "use after free: " + who(use->thread) + "'s " + access_label(*use) +
         " touches memory that " + who(freed->thread) +
         " freed; no synchronisation makes the use finish before the free.";
}

std::string kind_diagnosis(const std::string& kind) {
  if (kind == "thread leak") return "a thread was neither joined nor detached before the program ended.";
  if (kind == "double lock of a mutex") return "a thread locked a mutex it already holds.";
  if (kind.starts_with("unlock of an unlocked mutex"))
    return "a mutex was unlocked by a thread that does not hold it.";
  if (kind == "destroy of a locked mutex") return "a mutex was destroyed while still locked.";
  return "ThreadSanitizer reports a " + kind + ".";
}

Finding make_finding(const Warning& w, const std::function<bool(string_view)>& is_case_file) {
  Finding f;
  f.kind = w.kind;
  f.summary = w.summary;
  if (w.kind.starts_with(kLockOrderKind)) {
    std::vector<LockStep> steps;
    for (const Section& s : w.sections) {
      LockStep step;
      if (!parse_lock_section(s.header, step.acquired, step.held, step.thread)) continue;
      Location loc;
      loc.access = "lock";
      loc.thread = step.thread;
      loc.mutexes.push_back(HeldMutex{step.held, false});  // the report gives no mode
      place(loc, s.stack, is_case_file);
      f.locations.push_back(std::move(loc));
      steps.push_back(std::move(step));
    }
    f.diagnosis = lock_order_diagnosis(w, steps);
    return f;
  }
  for (const Access& a : w.accesses) {
    Location loc;
    loc.access = access_label(a);
    loc.thread = a.thread;
    loc.mutexes = a.mutexes;
    place(loc, a.stack, is_case_file);
    f.locations.push_back(std::move(loc));
  }
  if (w.kind.starts_with("data race")) f.diagnosis = race_diagnosis(w);
  else if (w.kind.starts_with("heap-use-after-free")) f.diagnosis = use_after_free_diagnosis(w);
  else f.diagnosis = kind_diagnosis(w.kind);
  return f;
}

// Kind plus file:line of every location; '\n' cannot occur inside a line.
std::string key_of(const Finding& f) {
  std::string key = f.kind;
  for (const Location& l : f.locations) {
    key += '\n';
    key += l.file;
    key += ':';
    key += std::to_string(l.line);
  }
  return key;
}

}  // namespace

Log parse(std::string_view text) {
  Parser p;
  try {
    return p.run(text);
  } catch (...) {  // only std::bad_alloc can get here; the parse is lost
    Log log;
    return log;
  }
}

void merge(std::vector<Finding>& into, Finding finding) {
  const std::string key = key_of(finding);
  for (Finding& g : into)
    if (key_of(g) == key) {
      g.count += finding.count;
      return;
    }
  into.push_back(std::move(finding));
}

std::vector<Finding> group(const Log& log, const std::function<bool(std::string_view file)>& is_case_file) {
  std::vector<Finding> out;
  try {
    for (const Warning& w : log.warnings) {
      Finding f = make_finding(w, is_case_file);
      f.count = 1;
      merge(out, std::move(f));
    }
  } catch (...) {  // bad_alloc: return what was grouped so far
  }
  return out;
}

}  // namespace lockedges::tsan
