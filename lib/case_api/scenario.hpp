// lockedges — scenarios and their registry.
//
// A scenario is one pitfall: a case file under cases/ registers it with a
// static `Registration`, giving its ground truth (by the `RACE(X):` tags in
// its own source) and its variants; its lesson is the file's header comment
// (sources/lesson.hpp). lib/ never names a case; it finds them here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "case_api/run.hpp"
#include "case_api/signal.hpp"

namespace lockedges {

// Evidence — what makes a broken variant count as reproduced in a forced run.
enum class Evidence {
  // A detector reports: ThreadSanitizer (a race, a lock-order inversion) or
  // AddressSanitizer (a use after lifetime), on the lines tagged RACE(X),
  // LIFETIME(X) or DEADLOCK(X).
  kDetector,
  // Every detector stays quiet, and the scenario's symptom counter is above
  // zero in the forced run: a logic race no detector can see, or code that
  // is correct but slow.
  kSymptom,
};

// Variant — one version of the code: the broken one(s), or a fix.
struct Variant {
  std::string name;      // "broken", "fixed", "fixed-cow", ...
  bool broken = false;
  std::string summary;   // one line: what this version does
  void (*forced)(Run&) = nullptr;  // one pass through the bad interleaving
  void (*stress)(Run&) = nullptr;  // free-running workload that counts symptoms
  Evidence evidence = Evidence::kDetector;  // broken variants: how a forced run shows the bug
};

struct Scenario {
  int order = 0;              // position in `list` and `run all`
  std::string name;           // the subcommand: "deferred-lambda-write"
  std::string title;          // one line
  std::string seed;           // seed sections, "1.1, 4.1"
  std::string source;         // __FILE__ of the case
  std::string symptom;        // the counter that shows the bug (stress; forced too for Evidence::kSymptom)
  std::vector<Variant> variants;
  // What a sanitizer report of this pitfall shows, in code the suite has
  // never seen, and how much each sign counts (signal.hpp); empty for a
  // lesson no report shows (a slow lock is correct code).
  std::vector<Signature> signatures;

  const Variant* find_variant(std::string_view variant) const;
  // The case file's path from "cases/" on, as embedded in the binary.
  std::string source_path() const;
};

class Registry {
 public:
  static Registry& instance();
  void add(Scenario scenario);
  // Every scenario, in `order`.
  const std::vector<Scenario>& all() const { return scenarios_; }
  const Scenario* find(std::string_view name) const;
  std::vector<std::string> names() const;

 private:
  std::vector<Scenario> scenarios_;
};

// Registration — a case file's static object that adds its scenario.
struct Registration {
  explicit Registration(Scenario scenario) : name(scenario.name) { Registry::instance().add(std::move(scenario)); }
  // The scenario's name, for what attaches to it further down the same
  // translation unit (its benchmarks, bench/cases/<case>.cpp).
  const std::string name;
};

}  // namespace lockedges
