// lockedges — a case's lesson, read from the header comment of its file.
//
// The lesson is written once, as the comment a case file opens with, and
// `explain`, report.md, index.html and report.json read it from the source
// the binary embeds. The comment is labelled sections, each a label at the
// start of a comment line, then its text, wrapped over indented lines:
//
//   // Pitfall:      A scope-exit action is declared before the
//   //               std::shared_lock, so ...
//   // Interleaving: 1. writer takes the shared lock and reads visits = 0
//   //               2. writer's scope ends: the shared_lock destructor
//   //                  releases the lock first
//   // Fix:          Take the exclusive lock in code that writes, ...
//
// A section runs to the next label, a blank comment line or the end of the
// comment (the first line that is not a `//` comment); its lines are joined
// with one space. Interleaving's steps each start with their number, `1. `.
// The sections of the lesson are Pitfall, Interleaving, Fix, Guideline,
// Go origin and Not in C++; others (Race pair, Lifetime, Symptom) are the
// ground truth's and the reader's, and ignored here. A missing section is an
// empty string (no steps, for Interleaving).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "case_api/scenario.hpp"

namespace lockedges {

// Lesson — what `explain` prints and the reports show, in the case's own
// words.
struct Lesson {
  std::string pitfall;                    // the bug in one or two sentences
  std::vector<std::string> interleaving;  // the bad schedule, one step a line
  std::string fix;
  std::string guideline;                  // the C++ Core Guidelines item(s) the fix follows
  std::string go_origin;                  // what the Go study's section shows
  std::string cpp_differs;                // where the Go claim does not carry over to C++
};

// parse_lesson — the lesson in the header comment of `source`, a case file's
// text.
Lesson parse_lesson(std::string_view source);

// lesson_of — the lesson of `scenario`, from its embedded source; empty when
// the binary does not embed it.
Lesson lesson_of(const Scenario& scenario);

}  // namespace lockedges
