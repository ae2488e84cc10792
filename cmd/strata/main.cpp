#include "cli/main.hpp"

int main(int argc, char** argv) { return strata::cli::run(argc, argv); }
