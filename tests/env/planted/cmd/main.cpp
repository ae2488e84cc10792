// Planted for the env_reads.rejects_planted test: cmd/ may not read the environment.
extern char** environ;

int main() {
  return environ == nullptr ? 1 : 0;
}
