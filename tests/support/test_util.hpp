// Helpers for tests that run the lockedges binaries as a user would.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "case_api/scenario.hpp"
#include "child/interrupt.hpp"
#include "child/spawn.hpp"

extern char** environ;

namespace lockedges {

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// How many times `part` occurs in `text`, not overlapping.
inline std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

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

// Every input fuzz/run.sh kept for `target` (tests/fixtures/fuzz/<target>/)
// through `check`, one of tests/support/parser_checks.hpp: each must give ""
// (nothing broke). A corpus of fewer than `at_least` files fails the test,
// so a lost folder cannot pass for a clean one.
template <typename Check>
void replay_fuzz_corpus(const std::string& target, Check check, std::size_t at_least = 5) {
  const auto folder = std::filesystem::path(LOCKEDGES_FIXTURE_DIR) / "fuzz" / target;
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    EXPECT_EQ(check(slurp(entry.path())), "") << entry.path();
  }
  EXPECT_GE(files, at_least) << folder;
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

// The processes whose environment says `parent` started them
// (child/interrupt.hpp's kParentPidVariable): a command's children, still
// alive or not yet reaped.
inline std::vector<int> children_of(int parent) {
  const std::string mark = std::string(kParentPidVariable) + "=" + std::to_string(parent);
  std::vector<int> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string env = slurp(entry.path() / "environ");
    for (std::size_t at = 0; at < env.size(); at = env.find('\0', at) + 1) {
      if (env.compare(at, mark.size() + 1, mark + '\0') == 0) found.push_back(std::stoi(name));
      if (env.find('\0', at) == std::string::npos) break;
    }
  }
  return found;
}

// A command started in the background, its output in files: for tests that
// signal it while it runs.
class Background {
 public:
  Background(const std::string& program, const std::vector<std::string>& args, const std::filesystem::path& files) {
    out_ = files.string() + ".out";
    err_ = files.string() + ".err";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<std::string> argv_strings{program};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_strings) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Background() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  int pid() const { return pid_; }
  std::string out() const { return slurp(out_); }
  std::string err() const { return slurp(err_); }
  // Waits up to `seconds` for `ready` to hold; false if it never did.
  template <typename Ready>
  bool wait_for(Ready ready, double seconds) const {
    for (int i = 0; i < static_cast<int>(seconds * 20); ++i) {
      if (ready()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return ready();
  }
  // Waits up to `seconds` for the command to end: its wait status, or -1
  // (then it is killed).
  int wait(double seconds) {
    int status = 0;
    for (int i = 0; i < static_cast<int>(seconds * 20); ++i) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        return status;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string out_, err_;
};

}  // namespace lockedges::testing

namespace lockedges {

// The helpers every test that runs a binary uses, without `testing::`.
using testing::Background;
using testing::bin;
using testing::children_of;
using testing::run;
using testing::ScratchDir;
using testing::slurp;

}  // namespace lockedges
