// lockedges — writing a command's output files: `run`'s report.json,
// report.md, index.html and JUnit XML, `profile`'s profile.json and
// index.html, `bench`'s bench.json, bench.md and bench.html.
//
// Each file is written whole and renamed into place (util/files.hpp), so a
// browser that reloads, a CI step or a second terminal never reads half a
// report; one file that cannot be written does not stop the others.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "reports/profile_report.hpp"
#include "reports/report.hpp"

namespace lockedges {

struct Output {
  std::filesystem::path name;  // a file name under the folder (an absolute path stands for itself)
  std::string text;
};

struct WriteFailure {
  std::filesystem::path path;
  std::error_code error;  // why, as errno says it: error.message() is "No such file or directory"
};

// write_outputs — writes each output to `folder / name`, making the folder
// first when it is missing (an empty `folder`: each name is a path of its
// own, and no folder is made). Returns the outputs that could not be
// written, in order; empty when all were.
std::vector<WriteFailure> write_outputs(const std::filesystem::path& folder, const std::vector<Output>& outputs);

// The files `run` writes into its report folder.
inline constexpr const char* kRunPage = "index.html";
inline constexpr const char* kRunMarkdown = "report.md";
inline constexpr const char* kRunJson = "report.json";
std::vector<Output> run_outputs(const std::vector<ScenarioReport>& reports);

// What `run --format <format>` prints: "json" (one scenario: its object;
// several: the array), "md", or the text table.
std::string run_stdout(const std::vector<ScenarioReport>& reports, std::string_view format);

// The files `profile` writes into its folder: profile.json and index.html.
std::vector<Output> profile_outputs(const ProfileSession& session);

}  // namespace lockedges
