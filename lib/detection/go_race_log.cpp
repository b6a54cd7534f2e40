#include "detection/go_race_log.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "detection/frames.hpp"
#include "util/text.hpp"

namespace lockedges::tsan {
namespace {

using std::string_view;

constexpr string_view kWarning = "WARNING: DATA RACE";
constexpr string_view kRule = "==================";

// No std::regex here: g++ 12 warns (maybe-uninitialized, an error with
// -Werror) inside <regex> at -O2, and these shapes are simple.

bool is_hex_address(string_view s) {
  if (!s.starts_with("0x") || s.size() < 3) return false;
  return s.find_first_not_of("0123456789abcdefABCDEF", 2) == string_view::npos;
}

bool all_digits(string_view s) { return !s.empty() && s.find_first_not_of("0123456789") == string_view::npos; }

// "Previous write at 0x00c0000943f0 by goroutine 9:", "Read at 0x... by
// main goroutine:" into `a`; false for any other line.
bool parse_access_header(string_view t, Access& a) {
  if (!t.ends_with(':')) return false;
  t.remove_suffix(1);
  a.previous = t.starts_with("Previous ");
  if (a.previous) t.remove_prefix(9);
  const std::size_t at = t.find(" at ");
  const std::size_t by = t.find(" by ");
  if (at == string_view::npos || by == string_view::npos || by < at) return false;
  const std::string what = lowercase(t.substr(0, at));
  if (what != "read" && what != "write" && what != "atomic read" && what != "atomic write") return false;
  const string_view address = t.substr(at + 4, by - at - 4);
  const string_view thread = t.substr(by + 4);
  const bool goroutine = thread == "main goroutine" ||
                         (thread.starts_with("goroutine ") && all_digits(thread.substr(10)));
  if (!is_hex_address(address) || !goroutine) return false;
  a.write = what.ends_with("write");
  a.atomic = what.starts_with("atomic");
  a.address = std::string(address);
  a.thread = std::string(thread);
  return true;
}

// "/src/app/cache.go:25 +0x84" (a frame's second line) into file and line.
bool parse_file_line(string_view t, std::string& file, int& line) {
  if (const std::size_t plus = t.rfind(" +0x"); plus != string_view::npos && is_hex_address(t.substr(plus + 2)))
    t = t.substr(0, plus);
  const std::size_t colon = t.rfind(':');
  if (colon == string_view::npos || colon == 0 || !all_digits(t.substr(colon + 1)) || t.size() - colon > 10)
    return false;
  file = std::string(t.substr(0, colon));
  line = std::atoi(std::string(t.substr(colon + 1)).c_str());
  return true;
}

bool indented(string_view line) { return !line.empty() && (line.front() == ' ' || line.front() == '\t'); }

std::string summary_of(const Warning& w) {
  for (const Access& a : w.accesses)
    for (const Frame& f : a.stack)
      if (!is_runtime_frame(f)) return "data race " + f.file + ":" + std::to_string(f.line) + " in " + f.function;
  return "data race";
}

class GoParser {
 public:
  Log run(string_view text) {
    for (string_view line : split_lines(text)) feed(trim_right(line));
    finish(false);
    return std::move(log_);
  }

 private:
  void feed(string_view line) {
    if (line == kWarning) {
      finish(false);
      open_ = true;
      warning_ = Warning{};
      warning_.kind = "data race";
      return;
    }
    if (line.starts_with("Found ") && line.ends_with(" data race(s)")) {
      finish(false);
      log_.reported = std::atoi(std::string(line.substr(6)).c_str());
      return;
    }
    if (!open_) return;
    if (line == kRule) return finish(true);
    const string_view t = trim(line);
    if (Access a; !indented(line) && parse_access_header(t, a)) {
      a.mutexes_known = false;
      warning_.accesses.push_back(std::move(a));
      stack_ = &warning_.accesses.back().stack;
      return;
    }
    if (!indented(line) && t.ends_with(':') && t.starts_with("Goroutine ")) {
      warning_.sections.push_back(Section{std::string(t.substr(0, t.size() - 1)), {}});
      stack_ = &warning_.sections.back().stack;
      return;
    }
    if (t.empty() || !stack_) return;
    if (pending_function_ && !stack_->empty() && parse_file_line(t, stack_->back().file, stack_->back().line)) {
      pending_function_ = false;
      return;
    }
    if (indented(line) && t.ends_with(')')) {
      // "main.(*Cache).Set()": Go prints the function with "()" (its
      // arguments only in panics); keep the name as the source spells it.
      Frame f;
      f.index = static_cast<int>(stack_->size());
      f.function = std::string(t.ends_with("()") ? t.substr(0, t.size() - 2) : t);
      stack_->push_back(std::move(f));
      pending_function_ = true;
    }
  }

  // A report ends at its closing rule; one the text cut short is kept,
  // incomplete, when it got as far as an access.
  void finish(bool closed) {
    if (!open_) return;
    if (closed && warning_.accesses.empty()) return;  // the rule that opens a report
    warning_.complete = closed;
    warning_.summary = summary_of(warning_);
    if (!warning_.accesses.empty()) log_.warnings.push_back(std::move(warning_));
    open_ = false;
    stack_ = nullptr;
    pending_function_ = false;
  }

  static std::vector<string_view> split_lines(string_view text) {
    std::vector<string_view> out;
    while (!text.empty()) {
      const std::size_t nl = text.find('\n');
      out.push_back(text.substr(0, nl));
      if (nl == string_view::npos) break;
      text.remove_prefix(nl + 1);
    }
    return out;
  }

  Log log_;
  Warning warning_;
  bool open_ = false;
  std::vector<Frame>* stack_ = nullptr;
  bool pending_function_ = false;
};

// "main.(*Table).Lookup.func1" -> true: a closure.
bool is_closure(string_view function) {
  const std::size_t dot = function.rfind(".func");
  if (dot == string_view::npos || dot + 5 >= function.size()) return false;
  for (char c : function.substr(dot + 5))
    if (c < '0' || c > '9') return false;
  return true;
}

bool is_go_source(const Frame& f) { return f.file.ends_with(".go") && !is_runtime_frame(f) && f.line > 0; }

// A source file's lines; line(n) is 1-based, "" past either end.
class Lines {
 public:
  explicit Lines(string_view text) {
    while (!text.empty()) {
      const std::size_t nl = text.find('\n');
      lines_.push_back(text.substr(0, nl));
      if (nl == string_view::npos) break;
      text.remove_prefix(nl + 1);
    }
  }
  string_view line(int n) const {
    return n >= 1 && n <= count() ? lines_[static_cast<std::size_t>(n - 1)] : string_view();
  }
  int count() const { return static_cast<int>(lines_.size()); }

 private:
  std::vector<string_view> lines_;
};

// Every "X.RLock()", "X.Lock()", "X.RUnlock()", "X.Unlock()" on a line, as
// {X, method}; X is the selector chain before the call (v.mu, s.locks[i]).
std::vector<std::pair<std::string, std::string>> lock_calls(string_view code) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t from = 0; from < code.size();) {
    const std::size_t call = code.find("ock()", from);
    if (call == string_view::npos) break;
    from = call + 5;
    std::size_t dot = string_view::npos;
    std::string op;
    for (const char* method : {"RUnlock", "Unlock", "RLock", "Lock"}) {
      // "ock" ends the method's name: it starts len - 3 before `call`.
      const std::size_t len = std::char_traits<char>::length(method);
      if (call + 3 < len + 1) continue;
      const std::size_t start = call + 3 - len;
      if (code.substr(start, len + 2) == std::string(method) + "()" && code[start - 1] == '.') {
        dot = start - 1;
        op = method;
        break;
      }
    }
    if (dot == string_view::npos) continue;
    std::size_t begin = dot;
    const auto selector = [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '[' || c == ']' ||
             c == '(' || c == ')' || c == '*';
    };
    while (begin > 0 && selector(code[begin - 1])) --begin;
    // "(s.mu).Lock()" and "defer (s.mu)": trim unbalanced parentheses off the front.
    while (begin < dot && (code[begin] == '(' || code[begin] == ')')) ++begin;
    if (begin < dot) out.emplace_back(std::string(code.substr(begin, dot - begin)), op);
  }
  return out;
}

// The locks the lines [from, to) leave held, added to `held` in the order
// taken. A deferred unlock runs at return: `deferred_unlocks` says whether
// that is before the point that matters (a deferred closure's run, for a
// defer registered after it) or not.
void locks_at(const Lines& src, int from, int to, std::vector<HeldMutex>& held, bool deferred_unlocks = false) {
  for (int n = std::max(from, 1); n < to && n <= src.count(); ++n) {
    const string_view code = src.line(n);
    const string_view t = trim(code);
    if (t.starts_with("//")) continue;
    const bool deferred = t.starts_with("defer ");
    for (const auto& [expr, op] : lock_calls(code)) {
      if (op == "RLock" || op == "Lock") {
        held.push_back(HeldMutex{expr, op == "RLock", true, ""});
      } else if (!deferred || deferred_unlocks) {
        for (auto h = held.begin(); h != held.end(); ++h)
          if (h->id == expr) {
            held.erase(h);
            break;
          }
      }
    }
  }
}

// The first line of the function that `line` is in: the nearest line above
// that starts "func " (a top-level function or method), or with
// `closure_only`, the nearest line holding "func(" (the closure's own).
int function_start(const Lines& src, int line, bool closure_only) {
  for (int n = std::min(line, src.count()); n > 0; --n) {
    const string_view code = src.line(n);
    if (code.starts_with("func ")) return n;
    if (closure_only && code.find("func(") != string_view::npos) return n;
  }
  return 1;
}

// The line of the '}' that closes the block opened on line `open` (braces
// counted, those in strings and comments too: a heuristic), or the last line.
int block_end(const Lines& src, int open) {
  int depth = 0;
  bool opened = false;
  for (int n = std::max(open, 1); n <= src.count(); ++n) {
    for (char c : src.line(n)) {
      if (c == '{') ++depth, opened = true;
      else if (c == '}') --depth;
    }
    if (opened && depth <= 0) return n;
  }
  return src.count();
}

// The locks a deferred closure whose body holds `line` runs under: it runs
// at its function's return, when every lock taken there is still held but
// those whose deferred unlock was registered after the closure (defers run
// last in, first out) and those unlocked outright.
void deferred_closure_locks(const Lines& src, int line, std::vector<HeldMutex>& held) {
  const int start = function_start(src, line, false);
  const int closure = function_start(src, line, true);
  locks_at(src, start, closure, held);
  locks_at(src, block_end(src, closure) + 1, block_end(src, start), held, /*deferred_unlocks=*/true);
}

}  // namespace

Log parse_go(std::string_view text) {
  try {
    GoParser p;
    return p.run(text);
  } catch (...) {  // std::bad_alloc: the parse is lost
    return Log{};
  }
}

void infer_go_locks(Log& log, const std::function<std::string(std::string_view file)>& source) {
  if (!source) return;
  for (Warning& w : log.warnings)
    for (Access& a : w.accesses) {
      std::vector<HeldMutex> held;
      bool read_first = false, first = true;
      for (std::size_t i = 0; i < a.stack.size(); ++i) {
        const Frame& f = a.stack[i];
        if (!is_go_source(f)) continue;
        std::string text;
        try {
          text = source(f.file);
        } catch (...) {
        }
        if (first) read_first = !text.empty();
        first = false;
        if (text.empty()) continue;
        // A closure that its goroutine starts (nothing of the program's
        // under it, or a timer's time.goFunc) runs none of its enclosing
        // function's lines: only its own count.
        bool own_goroutine = false;
        const bool deferred = is_closure(f.function) && i + 1 < a.stack.size() &&
                              (a.stack[i + 1].function == "runtime.deferreturn" ||
                               a.stack[i + 1].function == "runtime.gopanic");
        if (is_closure(f.function) && !deferred) {
          own_goroutine = true;
          for (std::size_t j = i + 1; j < a.stack.size(); ++j)
            if (is_go_source(a.stack[j])) {
              own_goroutine = false;
              break;
            }
        }
        const Lines src(text);
        if (deferred) deferred_closure_locks(src, f.line, held);
        else locks_at(src, function_start(src, f.line, own_goroutine), f.line, held);
        if (own_goroutine) break;
      }
      if (!read_first) continue;
      a.mutexes_known = true;
      std::set<std::string> seen;
      for (const HeldMutex& m : held)
        if (seen.insert(m.id).second) a.mutexes.push_back(m);
    }
}

}  // namespace lockedges::tsan
