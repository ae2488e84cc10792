#include "util/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/fd.hpp"

namespace strata::util {

namespace {

using Fd = UniqueFd;

std::string base_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

Result<ProcessResult> run_process(const std::vector<std::string>& argv, std::string_view input,
                                  const ProcessOptions& options) {
  if (argv.empty()) {
    return input_error("run_process: no program");
  }
  const std::string name = base_name(argv[0]);
  // stdin is a socket pair, so that writing to a helper that exited early fails with EPIPE
  // (MSG_NOSIGNAL) instead of raising SIGPIPE in this process.
  int in_pair[2], out_pipe[2], err_pipe[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_pair) != 0) {
    return input_error("{}: cannot create a socket pair: {}", name, std::strerror(errno));
  }
  Fd in_parent(in_pair[0]), in_child(in_pair[1]);
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    return input_error("{}: cannot create a pipe: {}", name, std::strerror(errno));
  }
  Fd out_read(out_pipe[0]), out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    return input_error("{}: cannot create a pipe: {}", name, std::strerror(errno));
  }
  Fd err_read(err_pipe[0]), err_write(err_pipe[1]);
  // Exec failures in the child are reported through this pipe (closed by a successful exec).
  int exec_pipe[2];
  if (::pipe2(exec_pipe, O_CLOEXEC) != 0) {
    return input_error("{}: cannot create a pipe: {}", name, std::strerror(errno));
  }
  Fd exec_read(exec_pipe[0]), exec_write(exec_pipe[1]);

  std::vector<char*> args;
  for (const auto& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid < 0) {
    return input_error("{}: cannot fork: {}", name, std::strerror(errno));
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    ::dup2(in_child.get(), 0);
    ::dup2(out_write.get(), 1);
    ::dup2(err_write.get(), 2);
    ::execv(args[0], args.data());
    int e = errno;
    [[maybe_unused]] auto n = ::write(exec_write.get(), &e, sizeof e);
    ::_exit(127);
  }
  in_child.reset();
  out_write.reset();
  err_write.reset();
  exec_write.reset();

  int exec_errno = 0;
  if (::read(exec_read.get(), &exec_errno, sizeof exec_errno) == sizeof exec_errno) {
    ::waitpid(pid, nullptr, 0);
    return input_error("{}: cannot run it: {}", name, std::strerror(exec_errno));
  }

  ProcessResult result;
  std::size_t written = 0;
  if (input.empty()) {
    ::shutdown(in_parent.get(), SHUT_WR);
  }
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  bool out_open = true, err_open = true, in_open = !input.empty();
  bool timed_out = false;
  char buffer[16384];
  while (out_open || err_open) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd fds[3];
    nfds_t n = 0;
    int out_i = -1, err_i = -1, in_i = -1;
    if (out_open) {
      out_i = static_cast<int>(n);
      fds[n++] = {out_read.get(), POLLIN, 0};
    }
    if (err_open) {
      err_i = static_cast<int>(n);
      fds[n++] = {err_read.get(), POLLIN, 0};
    }
    if (in_open) {
      in_i = static_cast<int>(n);
      fds[n++] = {in_parent.get(), POLLOUT, 0};
    }
    int ready = ::poll(fds, n, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) {
      break;
    }
    if (ready <= 0) {
      continue;
    }
    auto drain = [&](int i, int fd, bool& open, std::string& sink) {
      if (i < 0 || fds[i].revents == 0) {
        return;
      }
      ssize_t got = ::read(fd, buffer, sizeof buffer);
      if (got > 0) {
        std::size_t keep =
            std::min<std::size_t>(static_cast<std::size_t>(got),
                                  options.max_output - std::min(options.max_output, sink.size()));
        sink.append(buffer, keep);
      } else if (got == 0 || errno != EINTR) {
        open = false;
      }
    };
    drain(out_i, out_read.get(), out_open, result.out);
    drain(err_i, err_read.get(), err_open, result.err);
    if (in_i >= 0 && fds[in_i].revents != 0) {
      ssize_t sent =
          ::send(in_parent.get(), input.data() + written, input.size() - written, MSG_NOSIGNAL);
      if (sent > 0) {
        written += static_cast<std::size_t>(sent);
      }
      if ((sent < 0 && errno != EINTR && errno != EAGAIN) || written == input.size()) {
        ::shutdown(in_parent.get(), SHUT_WR);
        in_open = false;
      }
    }
  }
  if (timed_out) {
    ::kill(pid, SIGKILL);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    return input_error("{} did not finish within {} ms", name, options.timeout.count());
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::optional<std::string> find_on_path(std::string_view name, std::string_view path_env) {
  if (name.empty() || name.find('/') != std::string_view::npos) {
    return std::nullopt;
  }
  std::size_t start = 0;
  for (;;) {
    std::size_t colon = path_env.find(':', start);
    std::string_view dir =
        path_env.substr(start, colon == std::string_view::npos ? colon : colon - start);
    std::string candidate =
        (dir.empty() ? std::string(".") : std::string(dir)) + "/" + std::string(name);
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    if (colon == std::string_view::npos) {
      return std::nullopt;
    }
    start = colon + 1;
  }
}

}  // namespace strata::util
