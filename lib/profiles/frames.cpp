#include "profiles/frames.hpp"

#include <array>
#include <cctype>

namespace lockedges::profile {

namespace {

constexpr std::string_view kInline = "[inline]";
constexpr std::string_view kClone = " [clone";
constexpr std::string_view kAnonymous = "(anonymous namespace)";
constexpr std::string_view kOperator = "operator";

bool starts_with_at(std::string_view text, std::size_t at, std::string_view prefix) {
  return text.substr(at, prefix.size()) == prefix;
}

bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The index just past the bracket group that opens at `at` ('<' or '('),
// both kinds counted, since each holds the other: `f<void ()>`,
// `g(std::vector<int>)`.
std::size_t past_group(std::string_view text, std::size_t at) {
  int depth = 0;
  for (std::size_t i = at; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '<' || c == '(') ++depth;
    if (c == '>' || c == ')') --depth;
    if (depth == 0) return i + 1;
  }
  return text.size();
}

// What follows the keyword `operator` at `at`: its symbol, so that the
// brackets of `operator()` or `operator<<` are not read as a group. A
// template's arguments may follow at once: `operator==<char>`.
std::size_t past_operator_symbol(std::string_view text, std::size_t at) {
  // Longest first, so that `<<=` is not read as `<` and a group.
  static constexpr std::array<std::string_view, 40> kSymbols{
      "()", "[]", "<<=", ">>=", "<=>", "->*", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
      "++", "--", "->", "+=", "-=", "*=", "/=", "%=", "^=", "&=", "|=", "<",  ">",  "=",
      "!",  "+",  "-",  "*",  "/",  "%",  "^",  "&",  "|",  "~",  ",",  " "};
  for (std::string_view symbol : kSymbols)
    if (starts_with_at(text, at, symbol)) return symbol == " " ? at : at + symbol.size();  // " ": operator new
  return at;
}

// The body without template arguments and parameter lists.
std::string drop_groups(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (starts_with_at(text, i, kAnonymous)) {
      out += kAnonymous;
      i += kAnonymous.size();
    } else if (starts_with_at(text, i, "{lambda(") || starts_with_at(text, i, "<lambda(")) {
      // c++filt's `{lambda(int)#2}` and DWARF's `<lambda(int)>`: the number
      // tells lambdas apart, the parameters are dropped as a function's are.
      const char close = text[i] == '{' ? '}' : '>';
      out += text.substr(i, 7);
      out += "()";
      i = past_group(text, i + 7);
      const std::size_t end = text.find(close, i);
      const std::size_t stop = end == std::string_view::npos ? text.size() : end + 1;
      out += text.substr(i, stop - i);
      i = stop;
    } else if (starts_with_at(text, i, kOperator) && (i == 0 || !identifier_char(text[i - 1])) &&
               (i + kOperator.size() == text.size() || !identifier_char(text[i + kOperator.size()]))) {
      const std::size_t end = past_operator_symbol(text, i + kOperator.size());
      out += text.substr(i, end - i);
      i = end;
    } else if (text[i] == '<' || text[i] == '(') {
      i = past_group(text, i);
    } else {
      out += text[i++];
    }
  }
  return out;
}

// Qualifiers a dropped parameter list leaves behind: `f() const` -> `f const`.
void drop_trailing_qualifiers(std::string& name) {
  for (bool again = true; again;) {
    again = false;
    for (std::string_view q : {" const", " volatile", " &&", " &", " noexcept"})
      if (name.size() > q.size() && name.compare(name.size() - q.size(), q.size(), q) == 0) {
        name.resize(name.size() - q.size());
        again = true;
      }
  }
}

// Drops a leading return type: everything up to the last space that
// separates words, the spaces inside `(anonymous namespace)` and after
// `operator` (operator new, operator bool) excepted.
void drop_return_type(std::string& name) {
  std::size_t cut = std::string::npos;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] != ' ') continue;
    const std::string_view before = std::string_view(name).substr(0, i);
    if (before.ends_with("(anonymous") || before.ends_with(kOperator)) continue;
    cut = i;
  }
  if (cut != std::string::npos) name.erase(0, cut + 1);
}

}  // namespace

std::string short_name(std::string_view full) {
  std::string_view body = full;
  std::string suffix;
  if (body.ends_with(kInline)) {
    suffix = kInline;
    body.remove_suffix(kInline.size());
  }
  if (const auto clone = body.find(kClone); clone != std::string_view::npos) {
    suffix = std::string(body.substr(clone)) + suffix;
    body = body.substr(0, clone);
  }
  std::string name = drop_groups(body);
  while (!name.empty() && name.back() == ' ') name.pop_back();  // `operator<< <T>(...)` leaves one
  drop_trailing_qualifiers(name);
  drop_return_type(name);
  if (name.empty()) return std::string(full);  // nothing left to show: the name as it came
  return name + suffix;
}

// The harness, by short name. Each entry is machinery every variant runs
// the same way, so its time says nothing about the pitfall or its fix:
//   lockedges::Run::           the run loop: stress bound (keep_going),
//                              thread start and join (threads,
//                              enter_thread), schedule points, events
//   lockedges::run_worker      the worker protocol around the variant
//   lockedges::(anonymous namespace)::record
//                              the instrumented lock's event text, built
//                              only when a forced run records it
//   lockedges::SharedMutex::took_exclusive, ::took_shared, ::count_shared,
//   ::count_shared_slowly, ::took_noted, ::released_noted, ::noted,
//   ::take_waiting, ::waited, ::claim_reader_slot
//                              the instrumented lock's statistics (counts,
//                              sampled hold and wait times) and events; its
//                              lock/unlock are the lock itself and stay the
//                              case's
//   lockedges::(anonymous namespace)::raise_max, now_ns
//                              the same bookkeeping's helpers
//   start_thread, clone, clone3, std::thread::_State_impl::_M_run,
//   execute_native_thread_routine
//                              thread start, below every thread's stack
//   std::function::operator(), std::_Function_handler::_M_invoke, and the
//   std::__invoke helpers (DWARF names them unqualified: _M_invoke,
//   __invoke, __invoke_impl, __invoke_r, _M_run)
//                              the call of a variant's body through
//                              Run::Body; the body's own code is inlined
//                              into them but keeps its own frames
bool is_harness_frame(std::string_view frame) {
  if (frame.ends_with(kInline)) frame.remove_suffix(kInline.size());
  static constexpr std::array<std::string_view, 4> kPrefixes{
      "lockedges::Run::", "std::function::", "std::_Function_handler::", "std::thread::_State_impl::"};
  for (std::string_view prefix : kPrefixes)
    if (frame.starts_with(prefix)) return true;
  static constexpr std::array<std::string_view, 28> kNames{
      "lockedges::run_worker",
      "lockedges::(anonymous namespace)::record",
      "lockedges::(anonymous namespace)::raise_max",
      "lockedges::(anonymous namespace)::now_ns",
      "lockedges::SharedMutex::took_exclusive",
      "lockedges::SharedMutex::took_shared",
      "lockedges::SharedMutex::count_shared",
      "lockedges::SharedMutex::count_shared_slowly",
      "lockedges::SharedMutex::took_noted",
      "lockedges::SharedMutex::released_noted",
      "lockedges::SharedMutex::noted",
      "lockedges::SharedMutex::take_waiting",
      "lockedges::SharedMutex::waited",
      "lockedges::SharedMutex::claim_reader_slot",
      "start_thread",
      "clone",
      "clone3",
      "__clone",
      "__clone3",
      "execute_native_thread_routine",
      "_M_run",
      "_M_invoke",
      "__invoke",
      "__invoke_impl",
      "__invoke_r",
      "std::__invoke",
      "std::__invoke_impl",
      "std::__invoke_r"};
  for (std::string_view name : kNames)
    if (frame == name) return true;
  return false;
}

namespace {

// Work a leaf does for its caller: reading the clock, yielding the CPU.
bool is_service_frame(std::string_view frame) {
  if (frame.ends_with(kInline)) frame.remove_suffix(kInline.size());
  return frame == "[vdso]" || frame == "clock_gettime" || frame == "__clock_gettime" ||
         frame == "sched_yield" || frame.starts_with("std::chrono::") || frame == "std::this_thread::yield" ||
         frame == "__gthread_yield";
}

}  // namespace

bool is_harness_sample(const std::vector<std::string>& frames) {
  if (frames.empty()) return false;
  const std::string leaf = short_name(frames.back());
  if (is_harness_frame(leaf)) return true;
  if (!is_service_frame(leaf)) return false;
  // A clock read or yield is its caller's: the harness's when the suite's
  // library asked for it (a case's own yield stays the case's), except the
  // TimerQueue's: it stands for the program's timer (Go's time.AfterFunc),
  // and reading the clock to know when a callback is due is its work.
  for (auto it = frames.rbegin() + 1; it != frames.rend(); ++it) {
    const std::string caller = short_name(*it);
    if (is_service_frame(caller)) continue;
    return is_harness_frame(caller) ||
           (caller.starts_with("lockedges::") && !caller.starts_with("lockedges::TimerQueue::"));
  }
  return false;
}

}  // namespace lockedges::profile
