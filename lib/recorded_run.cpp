#include "recorded_run.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "child.hpp"
#include "worker.hpp"

namespace lockedges {

namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A scratch folder of its own, removed with it.
struct Scratch {
  Scratch() {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("lockedges-recorded-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    fs::create_directories(path, ec);
  }
  ~Scratch() { fs::remove_all(path, ec); }
  fs::path path;
  std::error_code ec;
};

}  // namespace

std::optional<RecordedRun> record_forced_run(const std::string& binary, const Scenario& scenario,
                                             const Variant& variant, double timeout_seconds, std::string& error) {
  Scratch scratch;
  if (scratch.ec) {
    error = "cannot create " + scratch.path.string() + ": " + scratch.ec.message();
    return std::nullopt;
  }
  ChildSpec spec;
  spec.program = binary;
  spec.args = {"worker", scenario.name, variant.name, "--mode", "forced", "--result",
               (scratch.path / "result.json").string()};
  spec.stderr_path = (scratch.path / "worker.err").string();
  spec.timeout_seconds = timeout_seconds;
  const ChildOutcome outcome = run_child(spec);
  if (!outcome.started || !outcome.exited || outcome.exit_code != 0) {
    error = "the forced run " + describe(outcome) + " (" + command_line(spec) + ")";
    return std::nullopt;
  }
  const std::string text = read_text(scratch.path / "result.json");
  const auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  RecordedRun recorded;
  if (j.is_object()) {
    recorded.events = events_from_result(j);
    recorded.thread_names = j.value("threads", std::vector<std::string>{});
  }
  if (recorded.events.empty()) {
    error = "the forced run recorded no events";
    return std::nullopt;
  }
  return recorded;
}

const Variant* first_broken(const Scenario& scenario) {
  for (const auto& v : scenario.variants)
    if (v.broken) return &v;
  return nullptr;
}

}  // namespace lockedges
