#include "test_http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace strata::test {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string_view reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

[[noreturn]] void fail(const char* what) {
  throw std::runtime_error(std::string("test http server: ") + what + ": " + std::strerror(errno));
}

}  // namespace

std::optional<std::string> RecordedRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return std::nullopt;
}

std::string pattern_body(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) {
    s[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  }
  return s;
}

ScriptedResponse text_response(int status, std::string body) {
  ScriptedResponse r;
  r.status = status;
  r.headers = {{"Content-Type", "text/plain"}};
  r.body = std::move(body);
  return r;
}

ScriptedResponse redirect_response(int status, std::string location) {
  ScriptedResponse r;
  r.status = status;
  r.headers = {{"Location", std::move(location)}};
  return r;
}

Handler sequence(std::vector<ScriptedResponse> responses) {
  auto next = std::make_shared<std::atomic<std::size_t>>(0);
  auto list = std::make_shared<std::vector<ScriptedResponse>>(std::move(responses));
  return [next, list](const RecordedRequest&) {
    std::size_t i = next->fetch_add(1);
    return (*list)[std::min(i, list->size() - 1)];
  };
}

struct TestHttpServer::State {
  Handler handler;
  int listen_fd = -1;
  std::string unix_path;
  std::uint16_t port = 0;
  std::atomic<bool> stopping{false};
  std::thread acceptor;

  mutable std::mutex mutex;
  std::condition_variable wake;  // interrupts stalls and delays on stop
  std::vector<std::thread> workers;
  std::vector<int> open_fds;
  std::vector<RecordedRequest> requests;
  std::size_t connections = 0;

  // Sleeps for `d` unless the server stops first; false when stopping.
  bool pause(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex);
    return !wake.wait_for(lock, d, [&] { return stopping.load(); });
  }

  bool send_all(int fd, std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads more bytes into `buffer`; false on EOF, error or stop.
  bool read_more(int fd, std::string& buffer) {
    while (!stopping) {
      pollfd p{fd, POLLIN, 0};
      int rc = ::poll(&p, 1, 50);
      if (rc < 0 && errno == EINTR) continue;
      if (rc < 0) return false;
      if (rc == 0) continue;
      char chunk[16384];
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
    return false;
  }

  void close_connection(int fd, bool reset) {
    {
      std::lock_guard lock(mutex);
      std::erase(open_fds, fd);
    }
    if (reset) {
      linger l{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    ::close(fd);
  }

  // Sends `body` per the script; false when the connection must close (fault or failure).
  bool send_body(int fd, const ScriptedResponse& r, std::string_view body) {
    if (r.fault == Fault::close_mid_body || r.fault == Fault::reset_mid_body ||
        r.fault == Fault::stall_mid_body) {
      auto head = body.substr(0, std::min(r.fault_after, body.size()));
      if (!send_all(fd, head)) return false;
      if (r.fault != Fault::stall_mid_body) return false;
      if (!pause(r.stall)) return false;
      body.remove_prefix(head.size());
    }
    if (r.chunk_size == 0) return send_all(fd, body);
    while (!body.empty()) {
      auto piece = body.substr(0, r.chunk_size);
      if (!send_all(fd, piece)) return false;
      body.remove_prefix(piece.size());
      if (!body.empty() && r.chunk_delay.count() > 0 && !pause(r.chunk_delay)) return false;
    }
    return true;
  }

  void serve(int fd, std::size_t connection) {
    std::string buffer;
    bool reset = false;
    while (!stopping) {
      std::size_t end;
      while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
        if (!read_more(fd, buffer)) return close_connection(fd, false);
      }
      RecordedRequest req;
      req.connection = connection;
      std::string_view head(buffer.data(), end);
      auto line_end = head.find("\r\n");
      std::string_view request_line = head.substr(0, line_end);
      auto sp1 = request_line.find(' ');
      auto sp2 = request_line.rfind(' ');
      if (sp1 == std::string_view::npos || sp2 <= sp1) return close_connection(fd, false);
      req.method = std::string(request_line.substr(0, sp1));
      req.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
      std::size_t content_length = 0;
      bool client_close = false;
      while (line_end != std::string_view::npos) {
        std::size_t start = line_end + 2;
        line_end = head.find("\r\n", start);
        auto line =
            head.substr(start, line_end == std::string_view::npos ? head.npos : line_end - start);
        auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        std::string name(trim(line.substr(0, colon)));
        std::string value(trim(line.substr(colon + 1)));
        if (iequals(name, "content-length")) {
          std::from_chars(value.data(), value.data() + value.size(), content_length);
        }
        if (iequals(name, "connection") && iequals(value, "close")) client_close = true;
        req.headers.emplace_back(std::move(name), std::move(value));
      }
      buffer.erase(0, end + 4);
      while (buffer.size() < content_length) {
        if (!read_more(fd, buffer)) return close_connection(fd, false);
      }
      req.body = buffer.substr(0, content_length);
      buffer.erase(0, content_length);
      {
        std::lock_guard lock(mutex);
        requests.push_back(req);
      }

      ScriptedResponse r = handler(req);
      if (r.fault == Fault::close_before_response) return close_connection(fd, false);
      if (r.fault == Fault::stall_before_response && !pause(r.stall)) {
        return close_connection(fd, false);
      }
      std::string out =
          "HTTP/1.1 " + std::to_string(r.status) + " " + std::string(reason(r.status)) + "\r\n";
      for (const auto& [k, v] : r.headers) out += k + ": " + v + "\r\n";
      if (r.close_delimited) {
        out += "Connection: close\r\n";
      } else {
        out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
      }
      out += "\r\n";
      if (!send_all(fd, out)) return close_connection(fd, false);
      if (req.method != "HEAD" && !send_body(fd, r, r.body)) {
        reset = r.fault == Fault::reset_mid_body;
        return close_connection(fd, reset);
      }
      if (r.close_delimited || client_close) return close_connection(fd, false);
    }
    close_connection(fd, false);
  }

  void accept_loop() {
    while (!stopping) {
      pollfd p{listen_fd, POLLIN, 0};
      int rc = ::poll(&p, 1, 50);
      if (rc <= 0) continue;
      int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::lock_guard lock(mutex);
      open_fds.push_back(fd);
      std::size_t index = connections++;
      workers.emplace_back([this, fd, index] { serve(fd, index); });
    }
  }
};

TestHttpServer::TestHttpServer(std::unique_ptr<State> state) : m_state(std::move(state)) {
  m_state->acceptor = std::thread([s = m_state.get()] { s->accept_loop(); });
}

TestHttpServer::~TestHttpServer() {
  stop();
}

std::unique_ptr<TestHttpServer> TestHttpServer::start_tcp(Handler handler) {
  auto state = std::make_unique<State>();
  state->handler = std::move(handler);
  state->listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (state->listen_fd < 0) fail("socket");
  int one = 1;
  ::setsockopt(state->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(state->listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fail("bind");
  if (::listen(state->listen_fd, 64) != 0) fail("listen");
  socklen_t len = sizeof addr;
  if (::getsockname(state->listen_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    fail("getsockname");
  }
  state->port = ntohs(addr.sin_port);
  return std::unique_ptr<TestHttpServer>(new TestHttpServer(std::move(state)));
}

std::unique_ptr<TestHttpServer> TestHttpServer::start_unix(std::string path, Handler handler) {
  auto state = std::make_unique<State>();
  state->handler = std::move(handler);
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) {
    errno = ENAMETOOLONG;
    fail("unix socket path");
  }
  ::unlink(path.c_str());
  state->listen_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (state->listen_fd < 0) fail("socket");
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (::bind(state->listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fail("bind");
  if (::listen(state->listen_fd, 64) != 0) fail("listen");
  state->unix_path = std::move(path);
  return std::unique_ptr<TestHttpServer>(new TestHttpServer(std::move(state)));
}

void TestHttpServer::stop() {
  State& s = *m_state;
  if (s.stopping.exchange(true)) return;
  if (s.acceptor.joinable()) s.acceptor.join();
  ::close(s.listen_fd);
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(s.mutex);
    for (int fd : s.open_fds) ::shutdown(fd, SHUT_RDWR);
    workers = std::move(s.workers);
  }
  s.wake.notify_all();
  for (auto& t : workers) t.join();
  if (!s.unix_path.empty()) ::unlink(s.unix_path.c_str());
}

std::uint16_t TestHttpServer::port() const {
  return m_state->port;
}

std::string TestHttpServer::base_url() const {
  if (!m_state->unix_path.empty()) return "http://localhost";
  return "http://127.0.0.1:" + std::to_string(m_state->port);
}

std::vector<RecordedRequest> TestHttpServer::requests() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->requests;
}

std::size_t TestHttpServer::request_count() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->requests.size();
}

std::size_t TestHttpServer::connection_count() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->connections;
}

RefusingPort::RefusingPort() {
  m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (m_fd < 0) fail("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fail("bind");
  socklen_t len = sizeof addr;
  if (::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) fail("getsockname");
  m_port = ntohs(addr.sin_port);
}

RefusingPort::~RefusingPort() {
  ::close(m_fd);
}

}  // namespace strata::test
