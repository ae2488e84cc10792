// Planted for the env_reads.rejects_planted test: a detector that reads the environment.
#include <cstdlib>

const char* home() {
  return std::getenv("HOME");
}
