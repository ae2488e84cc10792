#pragma once
// A small in-process HTTP/1.1 server for tests: plain POSIX sockets and one thread per
// connection, listening on 127.0.0.1 (ephemeral port) or on a unix socket path. A handler
// scripts each response, including faults (connection closed or reset mid-body, stalls, slow
// chunked delivery); every request is recorded. Meant for the HTTP client tests and reusable
// as a registry fault proxy or a slow Docker API endpoint.
//
// Limits: request bodies must carry Content-Length (no chunked uploads); responses are sent with
// Content-Length unless `close_delimited` is set; no TLS.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace strata::test {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct RecordedRequest {
  std::string method;
  std::string target;  // path and query as sent, e.g. "/v2/x/blobs/sha256:..?a=b"
  HeaderList headers;
  std::string body;
  std::size_t connection = 0;  // index of the connection it arrived on (0, 1, ...)

  // First header with this name, compared case-insensitively.
  std::optional<std::string> header(std::string_view name) const;
};

enum class Fault {
  none,
  close_before_response,  // read the request, then close without answering
  stall_before_response,  // read the request, wait `stall`, then answer normally
  close_mid_body,         // send headers (full Content-Length) and fault_after bytes, then FIN
  reset_mid_body,         // as close_mid_body, but the close is a TCP RST (SO_LINGER 0)
  stall_mid_body,         // send headers and fault_after bytes, wait `stall`, send the rest
};

struct ScriptedResponse {
  int status = 200;
  HeaderList headers;
  std::string body;
  Fault fault = Fault::none;
  std::size_t fault_after = 0;
  std::chrono::milliseconds stall{0};
  // Sends the body in pieces of this size with `chunk_delay` between them (0: all at once).
  std::size_t chunk_size = 0;
  std::chrono::milliseconds chunk_delay{0};
  // No Content-Length: the body ends when the server closes the connection.
  bool close_delimited = false;
};

ScriptedResponse text_response(int status, std::string body);

// `n` bytes of a fixed, non-repeating-looking letter pattern: a body whose every offset is
// recognisable (for resume and truncation tests).
std::string pattern_body(std::size_t n);
ScriptedResponse redirect_response(int status, std::string location);

using Handler = std::function<ScriptedResponse(const RecordedRequest&)>;

// A handler answering the i-th request with responses[i], and the last one after that.
Handler sequence(std::vector<ScriptedResponse> responses);

class TestHttpServer {
 public:
  // Listens on 127.0.0.1 with a port chosen by the kernel. Throws std::runtime_error when the
  // socket cannot be set up (a broken test environment, not an input error).
  static std::unique_ptr<TestHttpServer> start_tcp(Handler handler);
  // Listens on a unix socket at `path` (removed first if present, and again on stop).
  static std::unique_ptr<TestHttpServer> start_unix(std::string path, Handler handler);

  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  // Closes the listener and every open connection and joins all threads. Idempotent.
  void stop();

  std::uint16_t port() const;    // 0 for a unix socket
  std::string base_url() const;  // "http://127.0.0.1:PORT" (or "http://localhost")
  std::string url(std::string_view path) const { return base_url() + std::string(path); }

  std::vector<RecordedRequest> requests() const;
  std::size_t request_count() const;
  std::size_t connection_count() const;

  struct State;

 private:
  explicit TestHttpServer(std::unique_ptr<State> state);
  std::unique_ptr<State> m_state;
};

// A 127.0.0.1 port on which nothing accepts connections (bound, not listening) for as long as
// this object lives: connecting to it is refused.
class RefusingPort {
 public:
  RefusingPort();
  ~RefusingPort();
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;
  std::uint16_t port() const { return m_port; }

 private:
  int m_fd = -1;
  std::uint16_t m_port = 0;
};

}  // namespace strata::test
