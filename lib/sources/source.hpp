// lockedges — the case sources, embedded in the binary, and their tags.
//
// Ground truth is a tag on the racing line, `// RACE(A): what happens`, so
// editing a case never breaks it. The build embeds every case file (see
// cmake/embed_sources.cmake), so a report can quote the source and resolve
// tags even when the binary runs far from its checkout.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lockedges {

// Tag — one `RACE(id): note` comment in a case file. The word before the
// parenthesis names what a detector should report there: RACE (a data race),
// LIFETIME (a use after the object's lifetime: ASan), DEADLOCK (a
// lock-order inversion). Those three are ground truth. A fourth kind, FIX,
// marks the line of a fixed variant that removes bug `id` (`symptom` for a
// bug no detector sees); it is for teaching only, never a place where a
// finding may land.
struct Tag {
  std::string kind;  // "RACE", "LIFETIME", "DEADLOCK"; or "FIX"
  std::string id;    // "A"
  int line = 0;      // 1-based
  std::string note;  // text after the colon
};

// The embedded text of a case file, by its path from "cases/" on.
std::optional<std::string_view> embedded_source(std::string_view path);
void register_embedded_source(std::string_view path, std::string_view text);

enum class TagKinds {
  kGroundTruth,  // RACE, LIFETIME, DEADLOCK: where findings must land
  kFix,          // FIX: the lines that fix them
};

// The tags of `kinds` in `text`, in line order.
std::vector<Tag> find_tags(std::string_view text, TagKinds kinds = TagKinds::kGroundTruth);

// Whether `file` (a path as a detector reports it) is the case file `path`
// ("cases/x.cpp"): the same path, or one ending in "/" + path.
bool is_source_file(std::string_view file, std::string_view path);

// Lines [first, last] of `text`, 1-based, clamped to the file.
std::vector<std::string> source_lines(std::string_view text, int first, int last);

// A source line's code: without its `//` comment (a tag is shown apart) and
// the whitespace around it.
std::string code_of(std::string_view line);

}  // namespace lockedges
