#include "http/pull_stream.hpp"

#include <algorithm>
#include <cstring>

namespace strata::http {

PullStream::PullStream(std::string name, Producer producer, std::size_t capacity,
                       std::stop_token stop)
    : m_name(std::move(name)), m_capacity(std::max<std::size_t>(capacity, 1)) {
  m_thread = std::thread([this, producer = std::move(producer), token = m_stop.get_token()] {
    util::Status status = producer([this](std::span<const std::byte> d) { return push(d); }, token);
    std::lock_guard lock(m_mutex);
    m_status = std::move(status);
    m_done = true;
    m_cv.notify_all();
  });
  // Registered last: the callback may run right here when `stop` was already requested.
  m_on_stop.emplace(std::move(stop), std::function<void()>([this] { cancel(); }));
}

PullStream::~PullStream() {
  m_on_stop.reset();  // waits for a callback running on another thread
  cancel();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

void PullStream::cancel() {
  m_stop.request_stop();
  std::lock_guard lock(m_mutex);
  m_cancelled = true;
  m_cv.notify_all();
}

util::Status PullStream::push(std::span<const std::byte> data) {
  std::unique_lock lock(m_mutex);
  m_cv.wait(lock, [&] {
    std::size_t unread = m_buffer.size() - m_offset;
    return m_cancelled || unread == 0 || unread + data.size() <= m_capacity;
  });
  if (m_cancelled) {
    return util::make_error(util::ErrorCategory::network, "{}: cancelled", m_name);
  }
  if (m_offset > 0 && m_offset * 2 >= m_buffer.size()) {
    m_buffer.erase(0, m_offset);
    m_offset = 0;
  }
  m_buffer.append(reinterpret_cast<const char*>(data.data()), data.size());
  m_cv.notify_all();
  return {};
}

util::Result<std::size_t> PullStream::read(std::span<std::byte> buffer) {
  if (buffer.empty()) {
    return std::size_t{0};
  }
  std::unique_lock lock(m_mutex);
  m_cv.wait(lock, [&] { return m_cancelled || m_done || m_offset < m_buffer.size(); });
  if (m_cancelled) {
    return util::make_error(util::ErrorCategory::network, "{}: cancelled", m_name);
  }
  std::size_t unread = m_buffer.size() - m_offset;
  if (unread == 0) {
    if (!m_status) {
      return m_status.error();
    }
    return std::size_t{0};
  }
  std::size_t n = std::min(unread, buffer.size());
  std::memcpy(buffer.data(), m_buffer.data() + m_offset, n);
  m_offset += n;
  m_cv.notify_all();
  return n;
}

}  // namespace strata::http
