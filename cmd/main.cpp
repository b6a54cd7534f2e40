#include "main.hpp"

int main(int argc, char** argv) { return lockedges::cli::main(argc, argv); }
