#include "child/symboliser.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <charconv>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "child/interrupt.hpp"
#include "child/pipe.hpp"
#include "child/spawn.hpp"

namespace lockedges {

namespace {

constexpr std::string_view kSummaryPrefix = "SUMMARY: ThreadSanitizer: ";
constexpr std::size_t kRequestsPerRound = 256;  // about 20 KB: always fits in the pipe

std::optional<std::uint64_t> hex(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// "(<module>+0x<offset>)" at the end of `text`: where "(" starts, and what
// it names. Hand-written, as all of this file's parsing: <regex> trips
// g++ 12's -Werror=maybe-uninitialized.
std::optional<std::pair<std::size_t, SymboliseRequest>> module_and_offset(std::string_view text) {
  if (!text.ends_with(')')) return std::nullopt;
  const std::size_t plus = text.rfind("+0x");
  if (plus == std::string_view::npos) return std::nullopt;
  const std::size_t open = text.rfind(" (", plus);
  if (open == std::string_view::npos) return std::nullopt;
  const auto offset = hex(text.substr(plus + 3, text.size() - 1 - (plus + 3)));
  if (!offset) return std::nullopt;
  return std::pair{open, SymboliseRequest{std::string(text.substr(open + 2, plus - open - 2)), *offset}};
}

// A frame in kUnsymbolisedFrameFormat: "    #<n> 0x<pc> (<module>+0x<offset>)".
struct RawFrame {
  std::string_view indent;
  int number = 0;
  std::string_view pc;
  SymboliseRequest where;
};

std::optional<RawFrame> raw_frame(std::string_view line) {
  RawFrame f;
  const std::size_t hash = line.find_first_not_of(' ');
  if (hash == std::string_view::npos || line[hash] != '#') return std::nullopt;
  f.indent = line.substr(0, hash);
  const std::size_t space = line.find(' ', hash);
  if (space == std::string_view::npos) return std::nullopt;
  const std::string_view number = line.substr(hash + 1, space - hash - 1);
  if (std::from_chars(number.data(), number.data() + number.size(), f.number).ec != std::errc()) return std::nullopt;
  const std::size_t pc_end = line.find(' ', space + 1);
  if (pc_end == std::string_view::npos) return std::nullopt;
  f.pc = line.substr(space + 1, pc_end - space - 1);
  if (!f.pc.starts_with("0x") || !hex(f.pc.substr(2))) return std::nullopt;
  const auto where = module_and_offset(line);
  if (!where || where->first != pc_end) return std::nullopt;
  f.where = where->second;
  return f;
}

// A SUMMARY line the runtime could not symbolise: what precedes its
// module and offset, and them.
std::optional<std::pair<std::string_view, SymboliseRequest>> raw_summary(std::string_view line) {
  if (!line.starts_with(kSummaryPrefix)) return std::nullopt;
  while (line.ends_with(' ')) line.remove_suffix(1);
  const auto where = module_and_offset(line);
  if (!where) return std::nullopt;
  return std::pair{line.substr(0, where->first), where->second};
}

template <typename Each>
void for_each_line(std::string_view text, Each&& each) {
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    const bool last = end == std::string_view::npos;
    if (last) end = text.size();
    each(text.substr(start, end - start), !last);
    start = end + 1;
  }
}

// One answer line: kSymboliseFrameFormat's three fields. The runtime's
// frames name an interceptor without the prefix its symbol has.
SymbolisedFrame parse_frame(std::string_view line) {
  SymbolisedFrame f;
  const std::size_t tab1 = line.find('\t');
  const std::size_t tab2 = tab1 == std::string_view::npos ? tab1 : line.find('\t', tab1 + 1);
  f.function = std::string(line.substr(0, tab1));
  f.location = tab1 == std::string_view::npos ? "<null>" : std::string(line.substr(tab1 + 1, tab2 - tab1 - 1));
  f.summary = tab2 == std::string_view::npos ? "" : std::string(line.substr(tab2 + 1));
  constexpr std::string_view kPrefix = "__interceptor_";
  if (f.function.starts_with(kPrefix)) f.function.erase(0, kPrefix.size());
  if (const std::size_t at = f.summary.rfind(std::string(" in ") + std::string(kPrefix)); at != std::string::npos)
    f.summary.erase(at + 4, kPrefix.size());
  return f;
}

}  // namespace

std::string to_line(const SymboliseRequest& request) { return fmt::format("{:x} {}", request.offset, request.module); }

std::optional<SymboliseRequest> parse_symbolise_request(std::string_view line) {
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos || space + 1 >= line.size()) return std::nullopt;
  const auto offset = hex(line.substr(0, space));
  if (!offset) return std::nullopt;
  return SymboliseRequest{std::string(line.substr(space + 1)), *offset};
}

std::vector<SymboliseRequest> unsymbolised_addresses(std::string_view log) {
  std::vector<SymboliseRequest> found;
  for_each_line(log, [&](std::string_view line, bool) {
    if (auto f = raw_frame(line)) found.push_back(std::move(f->where));
    else if (auto s = raw_summary(line)) found.push_back(std::move(s->second));
  });
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  return found;
}

namespace {

// A frame of the rewritten log.
struct OutFrame {
  std::string_view indent;
  SymbolisedFrame symbols;
  std::string module;  // "(lockedges-tsan+0x1c5565)"
};

// ThreadSanitizer's own frames, which its SUMMARY line passes over (the
// runtime decides by the frame's file: tsan_report.cpp, FrameIsInternal).
bool runtime_frame(const SymbolisedFrame& f) {
  for (std::string_view file : {"tsan_interceptors_posix.cpp", "tsan_interceptors_memintrinsics.cpp",
                                "sanitizer_common_interceptors.inc", "tsan_interface_"})
    if (f.location.find(file) != std::string::npos) return true;
  return false;
}

}  // namespace

std::string symbolised_log(std::string_view log, const SymbolTable& table) {
  std::string out;
  out.reserve(log.size() * 3);
  std::vector<OutFrame> stack;  // the stack being rewritten
  std::optional<SymboliseRequest> stack_top;
  bool first_stack_pending = false;  // after a WARNING line, until its first stack
  std::vector<OutFrame> first_stack;
  std::optional<SymboliseRequest> first_stack_top;
  auto flush = [&] {
    if (stack.empty()) return;
    // The runtime drops the frame that called main (StackStripMain).
    if (stack.size() >= 2 && stack[stack.size() - 2].symbols.function == "main") stack.pop_back();
    for (std::size_t i = 0; i < stack.size(); ++i)
      out += fmt::format("{}#{} {} {} {}\n", stack[i].indent, i, stack[i].symbols.function, stack[i].symbols.location,
                         stack[i].module);
    if (first_stack_pending) {
      first_stack = stack;
      first_stack_top = stack_top;
      first_stack_pending = false;
    }
    stack.clear();
  };
  for_each_line(log, [&](std::string_view line, bool newline) {
    if (auto f = raw_frame(line)) {
      if (f->number == 0) {
        flush();
        stack_top = f->where;
      }
      const std::string module =
          fmt::format("({}+0x{:x})", std::filesystem::path(f->where.module).filename().string(), f->where.offset);
      const auto it = table.find(f->where);
      if (it == table.end() || it->second.empty()) {
        stack.push_back({f->indent, {"<null>", "<null>", module}, module});
      } else {
        for (const auto& frame : it->second) stack.push_back({f->indent, frame, module});
      }
      return;
    }
    flush();
    if (line.starts_with("WARNING: ThreadSanitizer: ")) {
      first_stack_pending = true;
      first_stack.clear();
      first_stack_top.reset();
    }
    if (auto s = raw_summary(line)) {
      const SymbolisedFrame* named = nullptr;
      if (!first_stack.empty() && first_stack_top == s->second) {
        auto it = std::find_if(first_stack.begin(), first_stack.end(),
                               [](const OutFrame& f) { return !runtime_frame(f.symbols); });
        named = &(it == first_stack.end() ? first_stack.back() : *it).symbols;
      } else if (const auto it = table.find(s->second); it != table.end() && !it->second.empty()) {
        named = &it->second.front();
      }
      if (named != nullptr) {
        out += fmt::format("{} {}{}", s->first, named->summary, newline ? "\n" : "");
        return;
      }
    }
    out += line;
    if (newline) out += '\n';
  });
  flush();
  return out;
}

// The running child: its pipes and the thread that waits for it.
struct Symboliser::Child {
  Pipe to, from;
  ChildOutcome outcome;
  std::jthread waiter;
  std::unique_ptr<LineReader> lines;

  ~Child() {
    to.close(1);  // end of input: the child returns
    if (waiter.joinable()) waiter.join();
  }
};

Symboliser::Symboliser(std::string program, std::string stderr_path)
    : program_(std::move(program)), stderr_path_(std::move(stderr_path)) {}

Symboliser::~Symboliser() = default;

bool Symboliser::start(std::string& error) {
  if (!failed_.empty()) {
    error = failed_;
    return false;
  }
  if (child_) return true;
  child_ = std::make_unique<Child>();
  if (!child_->to.ok || !child_->from.ok) {
    failed_ = error = std::string("the symbolising child has no pipe: ") + std::strerror(errno);
    child_.reset();
    return false;
  }
  ChildSpec spec;
  spec.program = program_;
  spec.args = {"symbolise"};
  spec.stderr_path = stderr_path_;
  spec.env = {{"TSAN_OPTIONS", "symbolize=1"}};
  spec.timeout_seconds = 86400;  // lives as long as the command; its input's end stops it
  // A runtime may refuse a randomised layout (forced.cpp retries such a
  // child); where the code is loaded does not change what it symbolises.
  spec.no_aslr = true;
  spec.fds = {{0, child_->to.fd[0]}, {1, child_->from.fd[1]}};
  child_->to.fd[0] = child_->from.fd[1] = -1;  // run_child closes them once the child has started
  child_->waiter = std::jthread([c = child_.get(), spec] { c->outcome = run_child(spec); });
  child_->lines = std::make_unique<LineReader>(child_->from.fd[0], &interrupted());
  return true;
}

bool Symboliser::send(const std::string& requests, std::string& error) {
  // A child gone makes the write fail (EPIPE) rather than end this process.
  auto* previous = std::signal(SIGPIPE, SIG_IGN);
  std::size_t done = 0;
  int write_error = 0;
  while (done < requests.size()) {
    const ssize_t n = ::write(child_->to.fd[1], requests.data() + done, requests.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      write_error = errno;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  std::signal(SIGPIPE, previous);
  if (done == requests.size()) return true;
  failed_ = error = fmt::format("the symbolising child ({} symbolise) stopped reading: {}", program_,
                                std::strerror(write_error));
  child_.reset();
  return false;
}

bool Symboliser::answer(std::vector<SymbolisedFrame>& frames, std::string& error) {
  for (;;) {
    const auto line = child_->lines->next();
    if (!line) {
      failed_ = error = fmt::format("the symbolising child ({} symbolise) stopped answering (see {})", program_,
                                    stderr_path_);
      child_.reset();
      return false;
    }
    if (line->empty()) return true;
    frames.push_back(parse_frame(*line));
  }
}

void Symboliser::warm_up() {
  std::string ignored;
  start(ignored);  // the child loads the debug information before it reads its first request
}

bool Symboliser::ask(const std::vector<SymboliseRequest>& wanted, std::string& error) {
  if (!start(error)) return false;
  for (std::size_t first = 0; first < wanted.size(); first += kRequestsPerRound) {
    const std::size_t last = std::min(wanted.size(), first + kRequestsPerRound);
    std::string requests;
    for (std::size_t i = first; i < last; ++i) requests += to_line(wanted[i]) + "\n";
    if (!send(requests, error)) return false;
    for (std::size_t i = first; i < last; ++i) {
      std::vector<SymbolisedFrame> frames;
      if (!answer(frames, error)) return false;
      known_[wanted[i]] = std::move(frames);
    }
  }
  return true;
}

bool Symboliser::symbolise(std::string& log, std::string& error) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<SymboliseRequest> wanted;
  for (auto& address : unsymbolised_addresses(log))
    if (!known_.contains(address)) wanted.push_back(std::move(address));
  const bool ok = wanted.empty() || ask(wanted, error);
  if (ok) log = symbolised_log(log, known_);
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return ok;
}

}  // namespace lockedges
