// lockedges — the report as JSON: report.json and `run --format json`, in
// the schema reports/README.md documents (reports/schema.json checks it).
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "reports/report.hpp"

namespace lockedges {

nlohmann::json to_json(const ProfileResult& profile);
nlohmann::json to_json(const ScenarioReport& report);
nlohmann::json to_json(const std::vector<ScenarioReport>& reports);

}  // namespace lockedges
