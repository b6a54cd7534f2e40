#include "detection/asan_log.hpp"

#include <cstdlib>

#include "util/text.hpp"

namespace lockedges::asan {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// "#3 0x55d0c1 in func /path/file.cpp:42:7" -> file and line; false for
// frames without a source location ("(module+0x12)").
bool frame_location(std::string_view line, std::string& file, int& number) {
  line = trim(line);
  if (!starts_with(line, "#")) return false;
  const auto in = line.find(" in ");
  if (in == std::string_view::npos) return false;
  std::string_view rest = line.substr(in + 4);
  // The location is the last space-separated word: file:line[:col].
  const auto space = rest.rfind(' ');
  if (space == std::string_view::npos) return false;
  std::string_view where = rest.substr(space + 1);
  if (where.empty() || where.front() == '(') return false;
  // Strip up to two trailing ":<digits>" (column, then line).
  std::vector<int> numbers;
  for (int i = 0; i < 2; ++i) {
    const auto colon = where.rfind(':');
    if (colon == std::string_view::npos) break;
    const std::string_view digits = where.substr(colon + 1);
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) break;
    numbers.push_back(std::atoi(std::string(digits).c_str()));
    where = where.substr(0, colon);
  }
  if (numbers.empty()) return false;
  file = std::string(where);
  number = numbers.back();  // with a column, the line is the second number from the end
  return true;
}

std::string diagnosis_for(const std::string& kind) {
  if (kind == "stack-use-after-return")
    return "a local variable was used after its function returned: a callback captured it by "
           "reference and ran later";
  if (kind == "stack-use-after-scope") return "a local variable was used after its scope ended";
  if (kind == "heap-use-after-free") return "memory was used after it was freed";
  if (kind == "detected memory leaks") return "memory allocated here was never freed";
  if (starts_with(kind, "runtime error")) return "undefined behaviour (UBSan)";
  return kind;
}

void add(Log& log, tsan::FindingGroups& groups, tsan::Finding f) {
  ++log.reports;
  f.count = 1;
  f.diagnosis = diagnosis_for(f.kind);
  groups.add(std::move(f));
}

void scan(std::string_view text, const std::function<bool(std::string_view file)>& is_case_file, Log& log) {
  tsan::FindingGroups groups(log.findings);
  auto is_case = [&](std::string_view file) {
    try {
      return is_case_file(file);
    } catch (...) {
      return false;
    }
  };
  tsan::Finding current;
  bool open = false;
  bool want_frame = false;  // the next case frame belongs to current.locations.back()
  // A report is whole when its SUMMARY line closes it; a new report or the
  // end of the text closing it means the rest was lost.
  auto close = [&](bool complete) {
    current.incomplete = !complete;
    if (open) add(log, groups, std::move(current));
    current = {};
    open = false;
    want_frame = false;
  };

  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    const std::string_view line = trim(raw);

    // "==123==ERROR: AddressSanitizer: stack-use-after-return on address ..."
    if (const auto at = line.find("ERROR: "); at != std::string_view::npos && starts_with(line, "==")) {
      close(false);
      std::string_view what = line.substr(at + 7);
      const auto colon = what.find(": ");
      if (colon == std::string_view::npos) continue;
      std::string_view kind = what.substr(colon + 2);
      if (const auto on = kind.find(" on "); on != std::string_view::npos) kind = kind.substr(0, on);
      current.kind = std::string(trim(kind));
      current.summary = std::string(what);
      open = true;
      if (current.kind == "detected memory leaks") want_frame = false;
      continue;
    }
    if (!open) {
      // UBSan: "/path/file.cpp:12:5: runtime error: ..."
      if (const auto at = line.find(": runtime error: "); at != std::string_view::npos) {
        tsan::Finding f;
        f.kind = "runtime error";
        f.summary = std::string(line.substr(at + 2));
        std::string_view where = line.substr(0, at);
        tsan::Location l;
        l.access = "undefined behaviour";
        for (int i = 0; i < 2; ++i) {
          const auto c = where.rfind(':');
          if (c == std::string_view::npos) break;
          l.line = std::atoi(std::string(where.substr(c + 1)).c_str());
          where = where.substr(0, c);
        }
        if (is_case(where)) l.file = std::string(where);
        else l.line = 0;
        f.locations.push_back(std::move(l));
        add(log, groups, std::move(f));
      }
      continue;
    }
    if (starts_with(line, "SUMMARY: ")) {
      close(true);
      continue;
    }
    // "READ of size 4 at 0x... thread T2" / "WRITE of size ..."
    if (starts_with(line, "READ of size") || starts_with(line, "WRITE of size")) {
      tsan::Location l;
      l.mutexes_known = false;
      l.access = starts_with(line, "READ") ? "read" : "write";
      if (const auto t = line.find(" thread "); t != std::string_view::npos)
        l.thread = std::string(trim(line.substr(t + 8)));
      current.locations.push_back(std::move(l));
      want_frame = true;
      continue;
    }
    if (starts_with(line, "freed by thread")) {
      tsan::Location l;
      l.access = "free";
      l.thread = std::string(line.substr(9, line.find(" here") - 9));
      current.locations.push_back(std::move(l));
      want_frame = true;
      continue;
    }
    if (starts_with(line, "Direct leak of") || starts_with(line, "Indirect leak of")) {
      tsan::Location l;
      l.access = "alloc";
      current.locations.push_back(std::move(l));
      want_frame = true;
      continue;
    }
    if (want_frame && starts_with(line, "#")) {
      std::string file;
      int number = 0;
      if (frame_location(line, file, number) && is_case(file)) {
        current.locations.back().file = file;
        current.locations.back().line = number;
        want_frame = false;
      }
      continue;
    }
    if (line.empty()) want_frame = false;
  }
  close(false);
}

}  // namespace

Log parse(std::string_view text, const std::function<bool(std::string_view file)>& is_case_file) {
  Log log;
  try {
    scan(text, is_case_file, log);
  } catch (...) {  // only std::bad_alloc can get here: what was read so far
  }
  return log;
}

}  // namespace lockedges::asan
