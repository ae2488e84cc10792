#pragma once
// Runs a helper program (a Docker credential helper) without a shell: argv as given, `input`
// written to its stdin, stdout and stderr captured (each up to `max_output` bytes), killed
// (SIGKILL) when it has not exited within `timeout`. Its environment is ours.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace strata::util {

struct ProcessResult {
  int exit_code = -1;  // the exit status, or 128 + signal when a signal ended it
  std::string out;
  std::string err;
};

struct ProcessOptions {
  std::chrono::milliseconds timeout{10000};
  std::size_t max_output = 1u << 20;
};

// `argv[0]` is the program's path (not searched on PATH; see find_on_path). Errors (category
// input): the program cannot be started, or it ran past the timeout ("<name> did not finish
// within 10 s"). A non-zero exit is not an error: see ProcessResult::exit_code.
Result<ProcessResult> run_process(const std::vector<std::string>& argv, std::string_view input,
                                  const ProcessOptions& options = {});

// The first executable regular file named `name` in the colon-separated `path_env` (an empty
// entry means the current directory, as in execvp). nullopt when there is none or `name`
// contains a '/'.
std::optional<std::string> find_on_path(std::string_view name, std::string_view path_env);

}  // namespace strata::util
