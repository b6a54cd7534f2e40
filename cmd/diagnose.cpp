// `lockedges diagnose FILE...` — an engineer's own sanitizer logs, grouped,
// explained and matched to a lesson (lib/diagnosis/).
#include <unistd.h>

#include <algorithm>
#include <functional>
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
  std::string sarif;     // --sarif FILE
  std::string html;      // --html FILE
  std::string junit;     // --junit FILE
  std::string baseline;  // --baseline FILE
};

// Why `name` cannot be read as one file, or "" when it can; `missing` says
// whether it does not exist at all (a usage error, not the environment's).
std::string unreadable(const std::string& name, bool& missing) {
  std::error_code ec;
  missing = false;
  if (!std::filesystem::is_regular_file(name, ec)) {
    missing = !std::filesystem::exists(name, ec);
    return name + (missing ? ": no such file" : ": not a regular file");
  }
  if (::access(name.c_str(), R_OK) != 0) return name + ": cannot be read (permission denied)";
  return "";
}

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
    bool missing = false;
    if (error = unreadable(name, missing); !error.empty()) return false;
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
      "processes at once), AddressSanitizer, UBSan and Go's race detector (go test -race). Reports are grouped by a fingerprint that survives "
      "addresses, pids, ids and line drift; each finding gets the lock diagnosis in plain words, your source "
      "line, and the lesson it most resembles with a confidence, or 'no lesson matches'");
  cmd->add_option("files", options->files, "Log files or folders of them (every file in a folder, as log_path writes them); - reads standard input")->required();
  cmd->add_option("--src-root", options->sources.src_root,
                  "Where your code lives: only frames under it are yours, and source lines are read from it")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--strip-prefix", options->sources.strip_prefixes,
                  "A path prefix to cut from the files the log names (the build machine's checkout); repeatable");
  cmd->add_option("--format", options->format,
                  "What standard output gets: text, json (described in reports/schema.json) or markdown (for a pull "
                  "request's comment)")
      ->check(CLI::IsMember({"text", "json", "markdown"}))
      ->capture_default_str();
  cmd->add_option("--sarif", options->sarif,
                  "Also write SARIF 2.1.0 to FILE, for code-scanning pages (a rule per report kind, a result per "
                  "finding, the fingerprint in partialFingerprints)");
  cmd->add_option("--html", options->html, "Also write the findings as an HTML page to FILE (the run report's look)");
  cmd->add_option("--junit", options->junit,
                  "Also write JUnit XML to FILE: a test case per finding, failed unless --baseline knew it");
  cmd->add_option("--baseline", options->baseline,
                  "An earlier diagnose --format json or --sarif file: each finding is marked new or known, the "
                  "baseline's other findings gone, and only new findings make the exit status 1");
  cmd->footer(
      "Exit status: 0 no finding (with --baseline: no new finding), 1 at least one\n"
      "(new) finding, 2 a usage error (a log or baseline that does not exist, a\n"
      "baseline that is no diagnose JSON or SARIF), 3 an input that cannot be read\n"
      "or an output file (--sarif, --html, --junit) that cannot be written (checked\n"
      "before any log is read).");
  cmd->callback([options, &context] {
    context.start_logging();
    const auto environment = [&context](const std::string& why) {
      spdlog::error("{}", why);
      context.exit_code = kExitEnvironment;
    };
    // Outputs and the baseline first: nothing is read before a path that
    // would make the work useless is found wrong.
    for (const std::string* out : {&options->sarif, &options->html, &options->junit})
      if (!out->empty())
        if (const std::string why = unwritable_file(*out); !why.empty()) return environment(why);
    std::vector<KnownFinding> known;
    if (!options->baseline.empty()) {
      bool missing = false;
      if (const std::string why = unreadable(options->baseline, missing); !why.empty()) {
        if (missing) throw UsageError("--baseline " + why);
        return environment("--baseline " + why);
      }
      std::string why;
      if (!read_baseline(read_file(options->baseline), known, why)) throw UsageError("--baseline " + options->baseline + ": " + why);
    }
    std::vector<DiagnoseInput> inputs;
    std::string error;
    if (!read_inputs(options->files, inputs, error)) {
      if (error.ends_with("no such file")) throw UsageError(error);
      return environment(error);
    }
    const auto& scenarios = Registry::instance().all();
    Diagnosis d = diagnose(inputs, options->sources, scenarios);
    if (!options->baseline.empty()) compare_with_baseline(d, options->baseline, known);
    if (options->format == "markdown") {
      fmt::print("{}", diagnosis_markdown(d, options->sources));
    } else if (options->format == "json") {
      fmt::print("{}", diagnosis_json(d, options->sources));
      // The text shows tool errors itself; JSON's reader may not be a person.
      for (const std::string& e : d.tool_errors) spdlog::warn("{}", e);
    } else {
      fmt::print("{}", diagnosis_text(d, options->sources, use_color(context.no_color, STDOUT_FILENO),
                                      std::min<std::size_t>(80, diagram_width(STDOUT_FILENO))));
    }
    context.exit_code = d.new_findings() == 0 ? kExitOk : kExitFailed;
    std::fflush(stdout);
    // Every file is written even when one fails: nothing is lost to a full disk's first refusal.
    const std::pair<const std::string*, std::function<std::string()>> files[] = {
        {&options->sarif, [&] { return diagnosis_sarif(d, options->sources, scenarios); }},
        {&options->html, [&] { return diagnosis_html(d, options->sources); }},
        {&options->junit, [&] { return diagnosis_junit(d, options->sources); }},
    };
    for (const auto& [path, render] : files)
      if (!path->empty())
        if (std::string why; !write_file(*path, render(), why)) environment(why);
  });
}

}  // namespace lockedges::cli
