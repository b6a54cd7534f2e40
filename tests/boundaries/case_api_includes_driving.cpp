// Must not compile: the case API cannot see the parent's driving code (see
// the boundary tests in CMakeLists.txt).
#include "driving/driver.hpp"
