// Planted for the env_reads.rejects_planted test: lib/config may read the environment.
#include <cstdlib>

const char* home() {
  return std::getenv("HOME");
}
