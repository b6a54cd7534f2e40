// Must not compile: lib/ cannot see cmd/ (see the boundary tests in
// CMakeLists.txt).
#include "commands.hpp"
