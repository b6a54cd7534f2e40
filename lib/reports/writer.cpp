#include "reports/writer.hpp"

#include "reports/html_profile.hpp"
#include "reports/html_report.hpp"
#include "reports/json_report.hpp"
#include "reports/markdown_report.hpp"
#include "reports/text_report.hpp"
#include "util/files.hpp"

namespace lockedges {

std::vector<WriteFailure> write_outputs(const std::filesystem::path& folder, const std::vector<Output>& outputs) {
  std::vector<WriteFailure> failures;
  std::error_code ignored;  // a folder that cannot be made fails each write, with its reason
  if (!folder.empty()) std::filesystem::create_directories(folder, ignored);
  for (const auto& output : outputs) {
    const std::filesystem::path path = folder / output.name;
    if (const std::error_code error = write_file(path, output.text)) failures.push_back({path, error});
  }
  return failures;
}

std::vector<Output> run_outputs(const std::vector<ScenarioReport>& reports) {
  return {{kRunJson, to_json(reports).dump(2) + "\n"},
          {kRunMarkdown, render_markdown(reports)},
          {kRunPage, render_html(reports)}};
}

std::string run_stdout(const std::vector<ScenarioReport>& reports, std::string_view format) {
  if (format == "json") return (reports.size() == 1 ? to_json(reports.front()) : to_json(reports)).dump(2) + "\n";
  if (format == "md") return render_markdown(reports);
  return render_text(reports);
}

std::vector<Output> profile_outputs(const ProfileSession& session) {
  return {{"profile.json", to_json(session).dump(2) + "\n"}, {"index.html", render_profile_html(session)}};
}

}  // namespace lockedges
