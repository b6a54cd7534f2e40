#include "profiles/cpu_profile.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string_view>

#include <unistd.h>

#include <fmt/format.h>

#include "child/spawn.hpp"
#include "profiles/frames.hpp"

namespace lockedges::profile {

namespace fs = std::filesystem;

namespace {

// binutils' tools, found on PATH as a shell finds them.
constexpr const char* kAddr2line = "addr2line";
constexpr const char* kNm = "nm";
constexpr const char* kReadelf = "readelf";

// The first executable `name` in PATH's folders; "" when there is none.
std::string on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string_view folders = path != nullptr ? path : "/usr/bin:/bin";
  while (!folders.empty()) {
    const std::size_t colon = std::min(folders.find(':'), folders.size());
    const std::string folder(folders.substr(0, colon));
    folders.remove_prefix(std::min(colon + 1, folders.size()));
    const std::string candidate = (folder.empty() ? std::string(".") : folder) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The whole of `text` as a hexadecimal number that fits 64 bits.
bool hex_number(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, 16);
  return ec == std::errc() && end == text.data() + text.size();
}

// A line of /proc/self/maps: "start-end perms offset dev inode path". A line
// whose numbers are not hexadecimal is not a mapping (the text is the
// profiled process's, copied verbatim, and a file may be cut or damaged).
std::optional<Mapping> parse_mapping(const std::string& line) {
  std::istringstream in(line);
  std::string range, perms, offset, dev, inode, path;
  if (!(in >> range >> perms >> offset >> dev >> inode)) return std::nullopt;
  std::getline(in >> std::ws, path);
  const auto dash = range.find('-');
  if (dash == std::string::npos || perms.size() < 3 || perms[2] != 'x') return std::nullopt;
  Mapping m;
  const std::string_view r(range);
  if (!hex_number(r.substr(0, dash), m.start) || !hex_number(r.substr(dash + 1), m.end) ||
      !hex_number(offset, m.offset))
    return std::nullopt;
  m.path = path;
  return m;
}

const Mapping* mapping_of(const std::vector<Mapping>& mappings, std::uint64_t pc) {
  for (const auto& m : mappings)
    if (pc >= m.start && pc < m.end) return &m;
  return nullptr;
}

// Runs a binutils tool with its output in a scratch file; "" on failure.
std::optional<std::string> run_tool(const std::string& name, std::vector<std::string> args, std::string& error) {
  const std::string program = on_path(name);
  if (program.empty()) {
    error = name + " is not on PATH, so nothing in the profile can be named (Debian package binutils)";
    return std::nullopt;
  }
  char scratch[] = "/tmp/lockedges-symbols-XXXXXX";
  const int fd = mkstemp(scratch);
  if (fd < 0) {
    error = std::string("cannot create a scratch file: ") + std::strerror(errno);
    return std::nullopt;
  }
  close(fd);
  ChildSpec spec;
  spec.program = program;
  spec.args = std::move(args);
  spec.stdout_path = scratch;
  spec.timeout_seconds = 30;
  spec.finish_when_interrupted = true;  // a profile collected before Ctrl-C is still named
  const ChildOutcome outcome = run_child(spec);
  std::string out = slurp(scratch);
  fs::remove(scratch);
  if (!outcome.started || !outcome.exited || outcome.exit_code != 0) {
    error = program + " " + describe(outcome) + (outcome.started ? "" : ": " + outcome.start_error) +
            " (Debian package binutils)";
    return std::nullopt;
  }
  return out;
}

// The detached debug symbols of a library, found by its build ID as GDB
// and google-pprof look for them (/usr/lib/debug/.build-id/ab/cdef....debug);
// "" when not installed.
std::string debug_file(const std::string& path) {
  std::string error;
  const auto notes = run_tool(kReadelf, {"-n", path}, error);
  if (!notes) return "";
  const auto at = notes->find("Build ID: ");
  if (at == std::string::npos) return "";
  std::istringstream in(notes->substr(at + 10));
  std::string id;
  in >> id;
  if (id.size() < 3) return "";
  const std::string file = "/usr/lib/debug/.build-id/" + id.substr(0, 2) + "/" + id.substr(2) + ".debug";
  std::error_code ec;
  return fs::exists(file, ec) ? file : "";
}

// A shared library's functions by address. libc and libstdc++ are
// stripped: without their debug symbols (Debian's libc6-dbg) only the
// exported functions have names. An address past the end of the exported
// function before it is in an internal one (libstdc++'s
// execute_native_thread_routine, under every std::thread) and is named
// "library+0xoffset", as pprof names what it cannot: taking the name before
// it put std::error_code::default_error_condition() between start_thread and
// every thread's body. Read once per library per process.
class LibrarySymbols {
 public:
  struct Symbol {
    std::uint64_t address = 0;
    std::uint64_t size = 0;  // 0: nm gave none, so the symbol runs to the next
    std::string name;
  };

  static const std::vector<Symbol>& of(const std::string& path) {
    static std::mutex mutex;
    static std::map<std::string, std::vector<Symbol>> cache;
    std::lock_guard lock(mutex);
    auto it = cache.find(path);
    if (it != cache.end()) return it->second;
    std::vector<Symbol> symbols;
    std::string error;
    // With the library's detached debug symbols (libc6-dbg), every function,
    // its internal ones too; without, only the exported ones.
    const std::string debug = debug_file(path);
    std::vector<std::string> args{"-C", "-n", "-S", "--defined-only", debug.empty() ? path : debug};
    if (debug.empty()) args.insert(args.begin(), "-D");
    if (auto text = run_tool(kNm, args, error)) {
      std::istringstream in(*text);
      std::string line;
      while (std::getline(in, line)) {
        // "0000000000091e70 0000000000000016 T pthread_rwlock_rdlock@@GLIBC_2.34",
        // the size left out where the object records none.
        std::string_view rest(line);
        auto word = [&rest] {
          const std::size_t space = std::min(rest.find(' '), rest.size());
          const std::string_view w = rest.substr(0, space);
          rest.remove_prefix(std::min(space + 1, rest.size()));
          return w;
        };
        Symbol symbol;
        if (!hex_number(word(), symbol.address)) continue;
        std::string_view type = word();
        if (type.size() != 1) {
          if (!hex_number(type, symbol.size)) continue;
          type = word();
        }
        if (type != "T" && type != "t" && type != "W" && type != "i") continue;
        symbol.name = rest;  // demangled: spaces and all
        if (const auto at = symbol.name.find('@'); at != std::string::npos) symbol.name.resize(at);
        if (symbol.name.empty()) continue;
        symbols.push_back(std::move(symbol));
      }
    }
    return cache.emplace(path, std::move(symbols)).first->second;
  }

  static std::string name(const std::string& path, std::uint64_t address) {
    const auto& symbols = of(path);
    auto it = std::upper_bound(symbols.begin(), symbols.end(), address,
                               [](std::uint64_t a, const Symbol& s) { return a < s.address; });
    if (it == symbols.begin()) return fmt::format("0x{:x}", address);
    const Symbol& before = *std::prev(it);
    if (before.size != 0 && address >= before.address + before.size)
      return fmt::format("{}+0x{:x}", fs::path(path).filename().string(), address);
    return before.name;
  }
};

// addr2line -a -f -i -C: for each address, the address line, then pairs of
// (function, file:line) lines, the innermost inlined function first and the
// function it was inlined into last.
std::map<std::uint64_t, std::vector<std::string>> parse_addr2line(const std::string& text) {
  std::map<std::uint64_t, std::vector<std::string>> frames;
  std::istringstream in(text);
  std::string line;
  std::vector<std::string>* current = nullptr;
  bool function_line = true;
  while (std::getline(in, line)) {
    if (line.size() > 2 && line.compare(0, 2, "0x") == 0 &&
        line.find_first_not_of("0123456789abcdef", 2) == std::string::npos) {
      current = &frames[std::stoull(line, nullptr, 16)];
      function_line = true;
      continue;
    }
    if (current == nullptr) continue;
    if (function_line) current->push_back(line);
    function_line = !function_line;
  }
  for (auto& [address, names] : frames) {
    // Where the innermost inlined function has no name of its own in the
    // debug information (libstdc++'s __gthread_yield, a one-line wrapper of
    // sched_yield), addr2line names it after the symbol it was inlined into,
    // so that the enclosing function appeared again below its own inlined
    // callees, with its leaf's samples: the frame above it is the best name.
    if (names.size() > 1) {
      const std::string inner = short_name(names.front()), outer = short_name(names.back());
      if (inner == outer || inner.ends_with("::" + outer)) names.erase(names.begin());
    }
    for (std::size_t i = 0; i + 1 < names.size(); ++i) names[i] += "[inline]";
  }
  return frames;
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  return a == b || fs::equivalent(a, b, ec);
}

}  // namespace

std::optional<RawProfile> read_cpu_profile(std::string_view bytes, std::string& error) {
  // Slots are 8-byte native words (gperftools' format on 64-bit x86-64).
  const std::size_t slots = bytes.size() / 8;
  auto slot = [&](std::size_t i) {
    std::uint64_t value;
    std::memcpy(&value, bytes.data() + 8 * i, 8);
    return value;
  };
  // Word 1 is the header's length after its first two words. The counts
  // read from the file are compared with what is left of it by subtraction,
  // so a huge one cannot wrap an index around.
  if (slots < 5 || slot(0) != 0 || slot(1) < 3 || slot(1) > slots - 2 || slot(2) != 0) {
    error = "not a 64-bit gperftools CPU profile (bad header)";
    return std::nullopt;
  }
  RawProfile profile;
  profile.period_us = slot(3);
  std::size_t i = 2 + slot(1);
  for (;;) {
    if (slots - i < 2) {
      error = "the profile ends before its trailer (the process died while writing it?)";
      return std::nullopt;
    }
    const std::uint64_t count = slot(i), depth = slot(i + 1);
    if (depth > slots - i - 2) {
      error = "a sample runs past the end of the profile";
      return std::nullopt;
    }
    if (count == 0 && depth == 1 && slot(i + 2) == 0) {  // the trailer
      i += 3;
      break;
    }
    RawProfile::Sample sample{count, {}};
    for (std::uint64_t k = 0; k < depth; ++k) sample.pcs.push_back(slot(i + 2 + k));
    profile.samples.push_back(std::move(sample));
    i += 2 + depth;
  }
  std::istringstream maps(std::string(bytes.substr(8 * i)));
  std::string line;
  while (std::getline(maps, line))
    if (auto m = parse_mapping(line)) profile.mappings.push_back(*m);
  return profile;
}

std::vector<Stack> symbolize(const RawProfile& profile, const std::string& executable, std::string& error) {
  // Every address but a sample's first is a return address: the call is the
  // byte before it (google-pprof subtracts one the same way). The first is
  // where the profiling signal interrupted the thread: the next instruction
  // to run, not the one that took the time. A slow instruction (a locked add
  // waiting for its cache line, a syscall) completes before the timer's
  // interrupt is taken, so its time lands on the instruction after it, often
  // a cheap check of the run loop inlined into the case: two threads doing a
  // contended fetch_add in a loop put 99% of their samples on the loop's next
  // load. The byte before the interrupted address is the end of the
  // instruction before it, so the sample is charged there (google-pprof does
  // not do this). Where the interrupted instruction is a jump's target, the
  // byte before is the end of the code laid out above it, nearly always in
  // the same function.
  auto call_site = [](const RawProfile::Sample& s, std::size_t k) { return s.pcs[k] - 1; };
  // File-relative addresses: the mapping's file offset stands for the
  // address in the file (true of the PIE executables and shared libraries
  // the GNU linker writes, whose loadable segments keep offset == address).
  auto file_address = [](const Mapping& m, std::uint64_t pc) { return pc - m.start + m.offset; };

  std::vector<std::string> wanted;
  std::map<std::uint64_t, bool> seen;
  for (const auto& s : profile.samples)
    for (std::size_t k = 0; k < s.pcs.size(); ++k) {
      const std::uint64_t pc = call_site(s, k);
      const Mapping* m = mapping_of(profile.mappings, pc);
      if (m == nullptr || !same_file(m->path, executable) || seen[pc]) continue;
      seen[pc] = true;
      wanted.push_back(fmt::format("0x{:x}", file_address(*m, pc)));
    }
  std::map<std::uint64_t, std::vector<std::string>> in_executable;
  if (!wanted.empty()) {
    std::vector<std::string> args{"-a", "-f", "-i", "-C", "-e", executable};
    args.insert(args.end(), wanted.begin(), wanted.end());
    auto text = run_tool(kAddr2line, std::move(args), error);
    if (!text) return {};
    in_executable = parse_addr2line(*text);
  }

  std::map<std::vector<std::string>, std::int64_t> merged;
  for (const auto& s : profile.samples) {
    std::vector<std::string> frames;  // leaf first while building
    for (std::size_t k = 0; k < s.pcs.size(); ++k) {
      const std::uint64_t pc = call_site(s, k);
      const Mapping* m = mapping_of(profile.mappings, pc);
      if (m == nullptr) {
        frames.push_back(fmt::format("0x{:x}", pc));
      } else if (same_file(m->path, executable)) {
        auto it = in_executable.find(file_address(*m, pc));
        if (it == in_executable.end() || it->second.empty())
          frames.push_back(fmt::format("0x{:x}", pc));
        else
          frames.insert(frames.end(), it->second.begin(), it->second.end());
      } else if (m->path.empty() || m->path.front() == '[') {
        frames.push_back(m->path.empty() ? fmt::format("0x{:x}", pc) : m->path);
      } else {
        frames.push_back(LibrarySymbols::name(m->path, file_address(*m, pc)));
      }
    }
    std::reverse(frames.begin(), frames.end());
    merged[frames] += static_cast<std::int64_t>(s.count);
  }
  std::vector<Stack> stacks;
  for (auto& [frames, count] : merged) stacks.push_back({frames, count});
  return stacks;
}

std::string collapsed_text(const std::vector<Stack>& stacks) {
  std::string out;
  for (const auto& s : stacks) {
    for (std::size_t i = 0; i < s.frames.size(); ++i) out += (i ? ";" : "") + s.frames[i];
    out += fmt::format(" {}\n", s.count);
  }
  return out;
}

}  // namespace lockedges::profile
