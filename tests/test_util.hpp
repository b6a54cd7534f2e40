// Helpers for tests that run the lockedges binaries as a user would.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "child/spawn.hpp"

namespace lockedges::testing {

inline std::string bin(const std::string& name) { return std::string(LOCKEDGES_BIN_DIR) + "/" + name; }

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
