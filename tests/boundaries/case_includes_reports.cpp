// Must not compile: a case sees only the case API (see the boundary tests
// in CMakeLists.txt).
#include "reports/report.hpp"
