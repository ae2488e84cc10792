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
#include <utility>

#include "util/fd.hpp"

namespace strata::util {

namespace {

using Fd = UniqueFd;

std::string base_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The parent's and the child's ends of the three standard streams, plus the pipe that reports
// an exec failure.
struct ChildPipes {
  Fd in_parent, in_child;
  Fd out_read, out_write;
  Fd err_read, err_write;
  Fd exec_read, exec_write;  // closed by a successful exec (O_CLOEXEC)
};

Result<ChildPipes> make_pipes(const std::string& name) {
  ChildPipes p;
  // stdin is a socket pair, so that writing to a helper that exited early fails with EPIPE
  // (MSG_NOSIGNAL) instead of raising SIGPIPE in this process.
  int in_pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_pair) != 0) {
    return input_error("{}: cannot create a socket pair: {}", name, std::strerror(errno));
  }
  p.in_parent = Fd(in_pair[0]);
  p.in_child = Fd(in_pair[1]);
  for (auto [read_end, write_end] :
       {std::pair{&p.out_read, &p.out_write}, std::pair{&p.err_read, &p.err_write},
        std::pair{&p.exec_read, &p.exec_write}}) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      return input_error("{}: cannot create a pipe: {}", name, std::strerror(errno));
    }
    *read_end = Fd(fds[0]);
    *write_end = Fd(fds[1]);
  }
  return p;
}

// Forks and execs `argv` with the child's ends of `p` as its stdin, stdout and stderr; closes
// those ends in the parent. An error when fork or exec fails (the child is then reaped).
Result<pid_t> start_child(const std::vector<std::string>& argv, ChildPipes& p,
                          const std::string& name) {
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
    ::dup2(p.in_child.get(), 0);
    ::dup2(p.out_write.get(), 1);
    ::dup2(p.err_write.get(), 2);
    ::execv(args[0], args.data());
    int e = errno;
    [[maybe_unused]] auto n = ::write(p.exec_write.get(), &e, sizeof e);
    ::_exit(127);
  }
  p.in_child.reset();
  p.out_write.reset();
  p.err_write.reset();
  p.exec_write.reset();
  int exec_errno = 0;
  if (::read(p.exec_read.get(), &exec_errno, sizeof exec_errno) == sizeof exec_errno) {
    ::waitpid(pid, nullptr, 0);
    return input_error("{}: cannot run it: {}", name, std::strerror(exec_errno));
  }
  return pid;
}

// Writes `input` to the child's stdin while reading its stdout and stderr into `result` (each
// up to max_output bytes), until both are closed or the timeout passes. True on timeout.
bool exchange(ChildPipes& p, std::string_view input, const ProcessOptions& options,
              ProcessResult& result) {
  std::size_t written = 0;
  if (input.empty()) {
    ::shutdown(p.in_parent.get(), SHUT_WR);
  }
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  bool out_open = true, err_open = true, in_open = !input.empty();
  char buffer[16384];
  auto drain = [&](const pollfd& fd, bool& open, std::string& sink) {
    if (fd.revents == 0) {
      return;
    }
    ssize_t got = ::read(fd.fd, buffer, sizeof buffer);
    if (got > 0) {
      std::size_t keep =
          std::min<std::size_t>(static_cast<std::size_t>(got),
                                options.max_output - std::min(options.max_output, sink.size()));
      sink.append(buffer, keep);
    } else if (got == 0 || errno != EINTR) {
      open = false;
    }
  };
  while (out_open || err_open) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return true;
    }
    // A closed stream's entry has fd -1, which poll ignores.
    pollfd fds[3] = {{out_open ? p.out_read.get() : -1, POLLIN, 0},
                     {err_open ? p.err_read.get() : -1, POLLIN, 0},
                     {in_open ? p.in_parent.get() : -1, POLLOUT, 0}};
    int ready = ::poll(fds, 3, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) {
      break;
    }
    if (ready <= 0) {
      continue;
    }
    drain(fds[0], out_open, result.out);
    drain(fds[1], err_open, result.err);
    if (fds[2].revents != 0) {
      ssize_t sent =
          ::send(p.in_parent.get(), input.data() + written, input.size() - written, MSG_NOSIGNAL);
      if (sent > 0) {
        written += static_cast<std::size_t>(sent);
      }
      if ((sent < 0 && errno != EINTR && errno != EAGAIN) || written == input.size()) {
        ::shutdown(p.in_parent.get(), SHUT_WR);
        in_open = false;
      }
    }
  }
  return false;
}

}  // namespace

Result<ProcessResult> run_process(const std::vector<std::string>& argv, std::string_view input,
                                  const ProcessOptions& options) {
  if (argv.empty()) {
    return input_error("run_process: no program");
  }
  const std::string name = base_name(argv[0]);
  TRY_ASSIGN(ChildPipes pipes, make_pipes(name));
  TRY_ASSIGN(pid_t pid, start_child(argv, pipes, name));
  ProcessResult result;
  const bool timed_out = exchange(pipes, input, options, result);
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
