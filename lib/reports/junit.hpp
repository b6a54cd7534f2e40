// lockedges — JUnit XML, so CI systems show the suite's results natively.
//
// render_junit turns the reports into the JUnit XML that Jenkins, GitLab and
// GitHub test reporters read:
//
//   <testsuites name="lockedges" tests failures errors time>
//     <testsuite name="<scenario>" ...>       one per scenario; time = wall_seconds
//       <properties>                          verdict, seed, source, title
//       <testcase classname="lockedges.<scenario>" name="<broken> reproduced">
//       <testcase ... name="ground truth matched">
//       <testcase ... name="<fix> clean">
//
// A broken variant is "reproduced" when every forced run showed its bug; the
// scenario's "ground truth matched" when every finding is on a tagged line
// and every tag was reached; a fix is "clean" with no report, no symptom, no
// crash, hang or deadlock and a completed schedule. These are the verdict's
// judgements (lib/verdict), and a failed one carries its sentences in
// <failure message=...>. A variant with a tool error gets <error> instead,
// since its runs say nothing about the code. Each test case lists its log
// files in <system-out>.
#pragma once

#include <string>
#include <vector>

#include <pugixml.hpp>

#include "reports/report.hpp"

namespace lockedges {

std::string render_junit(const std::vector<ScenarioReport>& reports);

// The pieces diagnose's JUnit file is made of too: the declaration and the
// root <testsuites name=...> (returned), text with the control characters XML
// cannot hold replaced, and the document as indented UTF-8.
pugi::xml_node junit_testsuites(pugi::xml_document& doc, const char* name);
std::string xml_safe(const std::string& text);
std::string junit_text(const pugi::xml_document& doc);

}  // namespace lockedges
