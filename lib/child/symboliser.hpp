// lockedges — symbolising ThreadSanitizer's reports in one long-lived child
// instead of in every forced-schedule child.
//
// A sanitizer child that symbolises its own report first loads the debug
// information of its whole executable: 0.15–0.2 s per child, most of a
// broken variant's forced runs. The forced children therefore run with
// `symbolize=0` and print each frame as kUnsymbolisedFrameFormat (module and
// offset); one `lockedges-tsan symbolise` child, started on the first report
// and kept for the whole command, turns each (module, offset) into the
// frames the runtime would have printed, with the runtime's own symboliser
// (lib/worker/symbolise.hpp). The log is rewritten line for line: what
// reads it afterwards (the parser, a person) sees ThreadSanitizer's usual
// format.
//
// The protocol, one line each way: the parent sends "<hex offset>
// <module path>"; the child answers with one line per frame, innermost
// (inlined) first, rendered with kSymboliseFrameFormat, then an empty line.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lockedges {

// The sanitizer stack_trace_format of an unsymbolised forced child: frame
// number, PC, the module's full path and the offset in it.
inline constexpr const char* kUnsymbolisedFrameFormat = "    #%n %p (%m+%o)";
// Per frame, tab-separated: function, source location (as ThreadSanitizer's
// own frames print them), and location and function as its SUMMARY line does.
inline constexpr const char* kSymboliseFrameFormat = "%f\t%S\t%L %F";

struct SymboliseRequest {
  std::string module;  // the full path the child printed
  std::uint64_t offset = 0;
  auto operator<=>(const SymboliseRequest&) const = default;
};

std::string to_line(const SymboliseRequest& request);
std::optional<SymboliseRequest> parse_symbolise_request(std::string_view line);

// One symbolised frame, as kSymboliseFrameFormat renders it.
struct SymbolisedFrame {
  std::string function;  // "<null>" when unknown
  std::string location;  // "file:line[:column]", "<null>" when unknown
  std::string summary;   // "file:line in function", or "(module+0x...)"
};
using SymbolTable = std::map<SymboliseRequest, std::vector<SymbolisedFrame>>;

// The (module, offset) pairs of a log's unsymbolised frames and SUMMARY lines.
std::vector<SymboliseRequest> unsymbolised_addresses(std::string_view log);

// `log` with every unsymbolised frame replaced by its frames from `table`
// (renumbered: an inlined call adds frames), as the runtime would have
// printed them: interceptors without their "__interceptor_" prefix, the
// frame below `main` dropped, and each SUMMARY line naming the first frame
// of the report's first stack that is not the runtime's own. A frame the
// table does not know reads "<null> <null>", as the runtime writes one it
// cannot symbolise.
std::string symbolised_log(std::string_view log, const SymbolTable& table);

// The long-lived symbolising child of one sanitizer build. Not thread-safe:
// one caller at a time.
class Symboliser {
 public:
  // `program`: lockedges-tsan; `stderr_path`: where the child's standard
  // error goes.
  Symboliser(std::string program, std::string stderr_path);
  ~Symboliser();  // ends the child (end of its input) and waits for it
  Symboliser(const Symboliser&) = delete;
  Symboliser& operator=(const Symboliser&) = delete;

  // Starts the child, which loads its debug information at once (about
  // 0.2 s), beside whatever runs next, rather than on the first report.
  void warm_up();

  // Rewrites `log` (symbolised_log) with what the child answers, starting
  // it on first use. False, with `log` unchanged and `error` set, when the
  // child cannot start or stops answering.
  bool symbolise(std::string& log, std::string& error);

  // False once the child has failed: later children symbolise their own.
  bool usable() const { return failed_.empty(); }

  // Seconds spent in symbolise() so far, start-up included.
  double seconds() const { return seconds_; }

 private:
  struct Child;
  bool start(std::string& error);
  bool send(const std::string& requests, std::string& error);
  bool answer(std::vector<SymbolisedFrame>& frames, std::string& error);
  bool ask(const std::vector<SymboliseRequest>& wanted, std::string& error);

  std::string program_;
  std::string stderr_path_;
  std::unique_ptr<Child> child_;
  std::string failed_;  // why the child is unusable; "" while it works
  SymbolTable known_;
  double seconds_ = 0;
};

}  // namespace lockedges
