// `lockedges diagnose FILE...` — an engineer's own sanitizer logs, grouped,
// explained and matched to a lesson (lib/diagnosis/).
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <iterator>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "case_api/scenario.hpp"
#include "commands.hpp"
#include "diagnosis/diagnosis.hpp"
#include "terminal/color.hpp"
#include "terminal/diagram.hpp"
#include "util/files.hpp"

namespace lockedges::cli {
namespace {

struct DiagnoseOptions {
  std::vector<std::string> files;
  SourceSettings sources;
  std::string format = "text";
};

// Every input, or why one cannot be read (the first such).
bool read_inputs(const std::vector<std::string>& files, std::vector<DiagnoseInput>& inputs, std::string& error) {
  bool stdin_read = false;
  for (const std::string& name : files) {
    if (name == "-") {
      if (stdin_read) continue;  // standard input can be read once
      stdin_read = true;
      inputs.push_back({"-", std::string(std::istreambuf_iterator<char>(std::cin), {})});
      continue;
    }
    std::error_code ec;
    if (std::filesystem::is_directory(name, ec)) {
      // A log_path folder: its files in name order, so that output is the
      // same from run to run.
      std::vector<std::string> inside;
      for (const auto& entry : std::filesystem::directory_iterator(name, ec))
        if (entry.is_regular_file(ec)) inside.push_back(entry.path().string());
      std::sort(inside.begin(), inside.end());
      if (inside.empty()) {
        error = name + ": a folder with no files in it";
        return false;
      }
      if (!read_inputs(inside, inputs, error)) return false;
      continue;
    }
    if (!std::filesystem::is_regular_file(name, ec)) {
      error = name + (std::filesystem::exists(name, ec) ? ": not a regular file" : ": no such file");
      return false;
    }
    if (::access(name.c_str(), R_OK) != 0) {
      error = name + ": cannot be read (permission denied)";
      return false;
    }
    inputs.push_back({name, read_file(name)});
  }
  return true;
}

}  // namespace

void setup_diagnose(CLI::App& app, Context& context) {
  auto options = std::make_shared<DiagnoseOptions>();
  auto* cmd = app.add_subcommand(
      "diagnose",
      "Diagnose your own sanitizer logs: ThreadSanitizer (log_path files, a test run's whole output, several "
      "processes at once), AddressSanitizer and UBSan. Reports are grouped by a fingerprint that survives "
      "addresses, pids, ids and line drift; each finding gets the lock diagnosis in plain words, your source "
      "line, and the lesson it most resembles with a confidence, or 'no lesson matches'");
  cmd->add_option("files", options->files, "Log files or folders of them (every file in a folder, as log_path writes them); - reads standard input")->required();
  cmd->add_option("--src-root", options->sources.src_root,
                  "Where your code lives: only frames under it are yours, and source lines are read from it")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--strip-prefix", options->sources.strip_prefixes,
                  "A path prefix to cut from the files the log names (the build machine's checkout); repeatable");
  cmd->add_option("--format", options->format, "text or json (described in reports/schema.json)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->footer(
      "Exit status: 0 no finding, 1 at least one finding, 2 a usage error (a missing\n"
      "log file), 3 a log that cannot be read.");
  cmd->callback([options, &context] {
    context.start_logging();
    std::vector<DiagnoseInput> inputs;
    std::string error;
    if (!read_inputs(options->files, inputs, error)) {
      if (error.ends_with("no such file")) throw UsageError(error);
      spdlog::error("{}", error);
      context.exit_code = kExitEnvironment;
      return;
    }
    const Diagnosis d = diagnose(inputs, options->sources, Registry::instance().all());
    if (options->format == "json") fmt::print("{}", diagnosis_json(d, options->sources));
    else
      fmt::print("{}", diagnosis_text(d, options->sources, use_color(context.no_color, STDOUT_FILENO),
                                      std::min<std::size_t>(80, diagram_width(STDOUT_FILENO))));
    for (const std::string& e : d.tool_errors) spdlog::warn("{}", e);
    context.exit_code = d.findings.empty() ? kExitOk : kExitFailed;
  });
}

}  // namespace lockedges::cli
