#pragma once
// Work on several cores, two shapes, used by every fan-out in the library (the database build
// and import, the matcher, registry layer downloads):
//   - parallel_for: a known number of independent items, handed out in chunks;
//   - OrderedQueue: a stream of jobs from one producer, processed on worker threads and handed
//     back to one consumer in the order they were pushed, with at most `capacity` jobs in flight
//     (a bounded read-ahead, so memory stays flat whatever the input size).
// Both turn an exception that escapes a worker into an internal error: nothing escapes a thread.

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

#include "util/result.hpp"

namespace strata::util {

// The number of worker threads to use: the machine's cores, clamped to [1, max_threads].
unsigned worker_count(unsigned max_threads);

// Calls fn(worker, i) for every i in [0, count), on `threads` threads at most (fewer when there
// are fewer chunks; the calling thread is worker 0, so a single thread runs inline). Items are
// handed out in order, `chunk` at a time. The first item whose fn fails (in time) requests a
// stop, which ends the hand-out of further items, and its error is returned once every thread
// has finished; items already started run to the end. `worker` < threads, so fn may keep
// per-worker state. With `stop`, that is the stop requested: items already started can watch
// its token to give up early (their failures then come after the first and are not returned).
Status parallel_for(std::size_t count, unsigned threads,
                    const std::function<Status(unsigned worker, std::size_t i)>& fn,
                    std::size_t chunk = 1, std::stop_source* stop = nullptr);

// One producer pushes jobs; `workers` threads call process(job) on each; one consumer takes them
// back in push order. push() blocks while `capacity` jobs are pushed but not yet taken.
// abort() (from any side) wakes everybody: push() returns false and next() returns nothing.
// The destructor aborts and joins the workers.
template <typename Job>
class OrderedQueue {
 public:
  using Process = std::function<void(Job&)>;

  OrderedQueue(unsigned workers, std::size_t capacity, Process process)
      : m_capacity(std::max<std::size_t>(capacity, 1)), m_process(std::move(process)) {
    for (unsigned i = 0; i < std::max(workers, 1u); ++i) {
      m_workers.emplace_back([this] { work(); });
    }
  }
  OrderedQueue(const OrderedQueue&) = delete;
  OrderedQueue& operator=(const OrderedQueue&) = delete;
  ~OrderedQueue() {
    abort();
    for (auto& t : m_workers) {
      t.join();
    }
  }

  // Producer: false once aborted (the job is dropped and the producer should stop).
  bool push(Job job) {
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [&] { return m_abort || m_next_seq - m_next_out < m_capacity; });
    if (m_abort) {
      return false;
    }
    m_todo.emplace_back(m_next_seq++, std::move(job));
    m_cv.notify_all();
    return true;
  }
  // Producer: no more jobs.
  void close() {
    std::lock_guard lock(m_mutex);
    m_closed = true;
    m_cv.notify_all();
  }
  // Consumer: the next processed job in push order; nothing once closed and drained, or aborted.
  std::optional<Job> next() {
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [&] {
      return m_abort || m_done.count(m_next_out) != 0 || (m_closed && m_next_out == m_next_seq);
    });
    auto it = m_done.find(m_next_out);
    if (m_abort || it == m_done.end()) {
      return std::nullopt;
    }
    std::optional<Job> job(std::move(it->second));
    m_done.erase(it);
    ++m_next_out;
    m_cv.notify_all();  // room for the producer again
    return job;
  }
  void abort() {
    std::lock_guard lock(m_mutex);
    m_abort = true;
    m_cv.notify_all();
  }

 private:
  void work() {
    while (true) {
      std::pair<std::size_t, Job> item;
      {
        std::unique_lock lock(m_mutex);
        m_cv.wait(lock, [&] { return m_abort || !m_todo.empty(); });
        if (m_abort) {
          return;
        }
        item = std::move(m_todo.front());
        m_todo.pop_front();
      }
      m_process(item.second);  // must not throw: a job carries its own outcome
      std::lock_guard lock(m_mutex);
      m_done.emplace(item.first, std::move(item.second));
      m_cv.notify_all();
    }
  }

  const std::size_t m_capacity;
  const Process m_process;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<std::pair<std::size_t, Job>> m_todo;
  std::map<std::size_t, Job> m_done;
  std::size_t m_next_seq = 0;  // given to the next job pushed
  std::size_t m_next_out = 0;  // the job the consumer waits for
  bool m_closed = false;
  bool m_abort = false;
  std::vector<std::thread> m_workers;  // last: started after every member above exists
};

// Bytes that threads working at once may hold together, for buffers each thread holds one at a
// time and gives back soon (a file read to be parsed and dropped): acquire(n) waits until n fits
// under the cap, or until nothing is held at all (a request larger than the cap then runs
// alone). A thread that waits holds no grant, so every wait ends.
class ByteBudget {
 public:
  explicit ByteBudget(std::uint64_t cap) : m_cap(cap) {}

  class Grant {
   public:
    Grant() = default;
    Grant(ByteBudget* budget, std::uint64_t n) : m_budget(budget), m_n(n) {}
    Grant(Grant&& o) noexcept : m_budget(std::exchange(o.m_budget, nullptr)), m_n(o.m_n) {}
    Grant& operator=(Grant&& o) noexcept {
      if (this != &o) {
        release();
        m_budget = std::exchange(o.m_budget, nullptr);
        m_n = o.m_n;
      }
      return *this;
    }
    ~Grant() { release(); }
    void release() {
      if (m_budget != nullptr) {
        m_budget->give_back(m_n);
        m_budget = nullptr;
      }
    }

   private:
    ByteBudget* m_budget = nullptr;
    std::uint64_t m_n = 0;
  };

  Grant acquire(std::uint64_t n) {
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [&] { return m_held == 0 || m_held + n <= m_cap; });
    m_held += n;
    m_peak = std::max(m_peak, m_held);
    return Grant(this, n);
  }
  // The most held at once so far (tests).
  std::uint64_t peak() const {
    std::lock_guard lock(m_mutex);
    return m_peak;
  }

 private:
  void give_back(std::uint64_t n) {
    std::lock_guard lock(m_mutex);
    m_held -= n;
    m_cv.notify_all();
  }
  const std::uint64_t m_cap;
  mutable std::mutex m_mutex;
  std::condition_variable m_cv;
  std::uint64_t m_held = 0, m_peak = 0;
};

// A running total against a limit, shared by threads: what an image's layer reads keep. take(n)
// adds n and says whether the total is still within the limit (once over, it stays over: the
// caller stops).
class Quota {
 public:
  explicit Quota(std::uint64_t limit) : m_limit(limit) {}
  bool take(std::uint64_t n) {
    return m_used.fetch_add(n, std::memory_order_relaxed) + n <= m_limit;
  }
  // Returns n taken earlier and no longer held.
  void give_back(std::uint64_t n) { m_used.fetch_sub(n, std::memory_order_relaxed); }
  std::uint64_t used() const { return m_used.load(std::memory_order_relaxed); }
  std::uint64_t limit() const { return m_limit; }

 private:
  const std::uint64_t m_limit;
  std::atomic<std::uint64_t> m_used{0};
};

}  // namespace strata::util
