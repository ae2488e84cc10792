#pragma once
// Turns a push-style producer (an HTTP body arriving through a sink callback) into a pull-style
// util::InputStream, without touching the disk: the producer runs on its own thread and writes
// into a bounded in-memory buffer that read() drains.
//
// - Memory: at most `capacity` bytes are buffered (a single chunk larger than that is accepted
//   when the buffer is empty), so a slow reader slows the producer down instead of growing RAM.
// - End: read() returns 0 once the producer returned OK and the buffer is empty; when the
//   producer returned an error, read() returns that error after the bytes delivered before it.
// - Cancellation: destroying the stream, or a stop requested on the `stop` token given to the
//   constructor, requests a stop on the token the producer received (the producer should hand it
//   to its transfer, which then aborts within about a second even when no byte arrives) and
//   makes the producer's next sink call return an error. After an external stop, read() returns
//   an error ending in "cancelled" (waking a read() that is blocked). The destructor joins the
//   producer thread.

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <thread>

#include "util/result.hpp"
#include "util/stream.hpp"

namespace strata::http {

using PushSink = std::function<util::Status(std::span<const std::byte>)>;
// Runs the whole transfer, calling `sink` with each piece of the body in order; `stop` is
// requested when the reader goes away or is cancelled.
using Producer = std::function<util::Status(const PushSink& sink, std::stop_token stop)>;

class PullStream final : public util::InputStream {
 public:
  static constexpr std::size_t k_default_capacity = 4u << 20;

  PullStream(std::string name, Producer producer, std::size_t capacity = k_default_capacity,
             std::stop_token stop = {});
  ~PullStream() override;
  PullStream(const PullStream&) = delete;
  PullStream& operator=(const PullStream&) = delete;

  util::Result<std::size_t> read(std::span<std::byte> buffer) override;
  std::string name() const override { return m_name; }

 private:
  util::Status push(std::span<const std::byte> data);
  void cancel();

  std::string m_name;
  std::size_t m_capacity;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::string m_buffer;  // bytes [m_offset, size) are unread
  std::size_t m_offset = 0;
  bool m_done = false;       // producer finished (ok or error)
  bool m_cancelled = false;  // reader went away or an external stop was requested
  util::Status m_status;     // producer's result, valid when m_done
  std::stop_source m_stop;   // handed to the producer
  std::optional<std::stop_callback<std::function<void()>>> m_on_stop;
  std::thread m_thread;
};

}  // namespace strata::http
