#include "util/parallel.hpp"

namespace strata::util {

unsigned worker_count(unsigned max_threads) {
  return std::clamp(std::thread::hardware_concurrency(), 1u, std::max(max_threads, 1u));
}

Status parallel_for(std::size_t count, unsigned threads,
                    const std::function<Status(unsigned worker, std::size_t i)>& fn,
                    std::size_t chunk, std::stop_source* stop) {
  chunk = std::max<std::size_t>(chunk, 1);
  const std::size_t chunks = (count + chunk - 1) / chunk;
  threads =
      static_cast<unsigned>(std::clamp<std::size_t>(threads, 1, std::max<std::size_t>(chunks, 1)));
  std::atomic<std::size_t> next{0};
  std::stop_source own;
  std::stop_source& stopping = stop != nullptr ? *stop : own;
  std::mutex mutex;
  std::optional<Error> first_error;
  // Recorded and requested under one lock: a failure caused by the stop comes after it.
  auto fail = [&](Error e) {
    std::lock_guard lock(mutex);
    if (!first_error) {
      first_error = std::move(e);
      stopping.request_stop();
    }
  };
  auto work = [&](unsigned worker) {
    while (!stopping.stop_requested()) {
      const std::size_t begin = next.fetch_add(chunk);
      if (begin >= count) {
        return;
      }
      for (std::size_t i = begin; i < std::min(begin + chunk, count); ++i) {
        try {
          if (auto st = fn(worker, i); !st) {
            fail(std::move(st).error());
            return;
          }
        } catch (const std::exception& e) {  // e.g. bad_alloc: must not escape a thread
          fail(Error{ErrorCategory::internal, e.what()});
          return;
        }
      }
    }
  };
  {
    std::vector<std::jthread> helpers;
    for (unsigned t = 1; t < threads; ++t) {
      helpers.emplace_back(work, t);
    }
    work(0);
  }  // joined here
  if (first_error) {
    return std::move(*first_error);
  }
  return {};
}

}  // namespace strata::util
