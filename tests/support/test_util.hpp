// Helpers for tests that run the lockedges binaries as a user would.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "case_api/scenario.hpp"
#include "child/spawn.hpp"

namespace lockedges {

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// `text`'s lines, without their line ends.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace lockedges

namespace lockedges::testing {

// A registered scenario, or a test failure (an exception) when it is not.
inline const Scenario& registered(const std::string& name) {
  const Scenario* s = Registry::instance().find(name);
  if (s == nullptr) throw std::runtime_error(name + " is not registered");
  return *s;
}

// A parameterised test's name from its scenario's: deferred_lambda_write.
inline std::string param_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name)
    if (c == '-') c = '_';
  return name;
}

inline std::string bin(const std::string& name) { return (std::filesystem::path(LOCKEDGES_BIN_DIR) / name).string(); }

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fresh scratch folder per test, removed at the end.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name) {
    path_ = std::filesystem::temp_directory_path() /
            ("lockedges-test-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct Ran {
  ChildOutcome outcome;
  std::string out;
  std::string err;
  int code() const { return outcome.exited ? outcome.exit_code : -outcome.signal; }
};

// Runs `program args...` with `env` added, under the watchdog, and returns
// what it printed.
inline Ran run(const std::string& program, std::vector<std::string> args,
               std::vector<std::pair<std::string, std::string>> env = {}, double timeout = 120) {
  static int counter = 0;
  const auto base = std::filesystem::temp_directory_path() /
                    ("lockedges-run-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  ChildSpec spec;
  spec.program = program;
  spec.args = std::move(args);
  spec.env = std::move(env);
  spec.stdout_path = base.string() + ".out";
  spec.stderr_path = base.string() + ".err";
  spec.timeout_seconds = timeout;
  Ran ran;
  ran.outcome = run_child(spec);
  ran.out = slurp(spec.stdout_path);
  ran.err = slurp(spec.stderr_path);
  std::filesystem::remove(spec.stdout_path);
  std::filesystem::remove(spec.stderr_path);
  return ran;
}

}  // namespace lockedges::testing

namespace lockedges {

// The helpers every test that runs a binary uses, without `testing::`.
using testing::bin;
using testing::run;
using testing::ScratchDir;
using testing::slurp;

}  // namespace lockedges
