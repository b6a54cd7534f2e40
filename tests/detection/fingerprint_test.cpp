// Tests for lib/detection/fingerprint: what changes between two runs of one
// bug does not change its fingerprint; what makes it another bug does.
#include "detection/fingerprint.hpp"

#include <gtest/gtest.h>

namespace lockedges::tsan {
namespace {

Location at(std::string file, int line, std::string function, std::string access, std::string thread) {
  Location l;
  l.file = std::move(file);
  l.line = line;
  l.function = std::move(function);
  l.access = std::move(access);
  l.thread = std::move(thread);
  return l;
}

Finding race(Location a, Location b) {
  Finding f;
  f.kind = "data race";
  f.locations = {std::move(a), std::move(b)};
  return f;
}

TEST(FunctionKey, DropsParametersQualifiersAndClones) {
  EXPECT_EQ(function_key("Index::lookup(int) const"), "Index::lookup");
  EXPECT_EQ(function_key("statement(std::__cxx11::basic_string<char> const&)"), "statement");
  EXPECT_EQ(function_key("operator()"), "operator()");
  EXPECT_EQ(function_key("main::{lambda()#1}::operator()() const"), "main::{lambda()#1}::operator()");
  EXPECT_EQ(function_key("flush(int) [clone .cold]"), "flush");
  EXPECT_EQ(function_key("walk.constprop.0"), "walk");
}

TEST(Fingerprint, SurvivesThreadsLinesPathsAndTheOrderOfTheSides) {
  const Finding one = race(at("/build/a/src/cache.cpp", 42, "Cache::get(int)", "write", "T2"),
                           at("/build/a/src/cache.cpp", 57, "Cache::dump() const", "read", "T1"));
  const Finding two = race(at("/home/me/src/cache.cpp", 44, "Cache::dump() const", "read", "T7"),
                           at("/home/me/src/cache.cpp", 45, "Cache::get(long)", "write", "main thread"));
  EXPECT_EQ(fingerprint(one), fingerprint(two));
  EXPECT_EQ(fingerprint(one).size(), 16u);
}

TEST(Fingerprint, AnotherFunctionKindOrAccessIsAnotherBug) {
  const Finding base = race(at("cache.cpp", 42, "Cache::get", "write", "T2"), at("cache.cpp", 57, "Cache::dump", "read", "T1"));
  Finding other_function = base;
  other_function.locations[0].function = "Cache::put";
  Finding other_kind = base;
  other_kind.kind = "heap-use-after-free";
  Finding other_access = base;
  other_access.locations[1].access = "write";
  Finding other_file = base;
  other_file.locations[0].file = "store.cpp";
  for (const Finding* f : {&other_function, &other_kind, &other_access, &other_file})
    EXPECT_NE(fingerprint(base), fingerprint(*f));
}

}  // namespace
}  // namespace lockedges::tsan
