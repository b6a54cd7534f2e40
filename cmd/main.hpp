// lockedges' entry point, apart from commands.hpp so that main.cpp, which
// every build compiles on its own, does not parse CLI11.
#pragma once

namespace lockedges::cli {

int main(int argc, char** argv);

}  // namespace lockedges::cli
