#include "util/parallel.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "util/codec.hpp"
#include "util/time.hpp"

using namespace strata;

TEST_CASE("parallel_for: every item once, worker indexes below the thread count") {
  for (unsigned threads : {1u, 2u, 4u, 9u}) {
    for (std::size_t chunk : {std::size_t{1}, std::size_t{3}, std::size_t{64}}) {
      std::vector<std::atomic<int>> seen(1000);
      std::atomic<unsigned> max_worker{0};
      auto st = util::parallel_for(
          seen.size(), threads,
          [&](unsigned worker, std::size_t i) -> util::Status {
            seen[i].fetch_add(1);
            unsigned m = max_worker.load();
            while (worker > m && !max_worker.compare_exchange_weak(m, worker)) {
            }
            return {};
          },
          chunk);
      REQUIRE(st);
      for (auto& s : seen) {
        CHECK(s.load() == 1);
      }
      CHECK(max_worker.load() < threads);
    }
  }
}

TEST_CASE("parallel_for: no items, no calls") {
  int calls = 0;
  REQUIRE(util::parallel_for(0, 4, [&](unsigned, std::size_t) -> util::Status {
    ++calls;
    return {};
  }));
  CHECK(calls == 0);
}

TEST_CASE("parallel_for: the first failure stops the hand-out and is returned") {
  std::atomic<std::size_t> ran{0};
  auto st = util::parallel_for(100000, 2, [&](unsigned, std::size_t i) -> util::Status {
    ran.fetch_add(1);
    if (i == 10) {
      return util::input_error("item {} failed", i);
    }
    return {};
  });
  REQUIRE_FALSE(st);
  CHECK(st.error().message == "item 10 failed");
  CHECK(ran.load() < 100000);
}

TEST_CASE("parallel_for: an exception becomes an internal error") {
  auto st = util::parallel_for(8, 2, [&](unsigned, std::size_t i) -> util::Status {
    if (i == 3) {
      throw std::runtime_error("boom");
    }
    return {};
  });
  REQUIRE_FALSE(st);
  CHECK(st.error().category == util::ErrorCategory::internal);
  CHECK(st.error().message == "boom");
}

TEST_CASE("OrderedQueue: jobs come back in push order, processed on the workers") {
  for (unsigned workers : {1u, 3u}) {
    util::OrderedQueue<std::pair<int, int>> q(
        workers, 4, [](std::pair<int, int>& j) { j.second = j.first * j.first; });
    std::thread producer([&] {
      for (int i = 0; i < 500; ++i) {
        REQUIRE(q.push({i, -1}));
      }
      q.close();
    });
    int expect = 0;
    while (auto j = q.next()) {
      CHECK(j->first == expect);
      CHECK(j->second == expect * expect);
      ++expect;
    }
    producer.join();
    CHECK(expect == 500);
  }
}

TEST_CASE("OrderedQueue: abort wakes a blocked producer and ends the consumer") {
  util::OrderedQueue<int> q(1, 1, [](int&) {});
  REQUIRE(q.push(1));
  std::atomic<bool> pushed_after_abort{true};
  std::thread producer([&] {
    // Blocks: one job in flight already (capacity 1, nothing taken).
    pushed_after_abort = q.push(2);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  q.abort();
  producer.join();
  CHECK_FALSE(pushed_after_abort.load());
  CHECK_FALSE(q.next().has_value());
}

TEST_CASE("codec: every primitive round-trips; reads past the end fail without overrun") {
  std::string buf;
  util::codec::Writer w(buf);
  w.u8(7);
  w.varint(300);
  w.u32le(0xdeadbeef);
  w.u64le(0x0102030405060708ull);
  w.str("hello");
  w.str32("world");
  w.strs({"a", "bc"});
  w.raw("xyz");
  util::codec::Reader r(buf);
  CHECK(r.u8() == 7);
  CHECK(r.varint() == 300);
  CHECK(r.u32le() == 0xdeadbeef);
  CHECK(r.u64le() == 0x0102030405060708ull);
  CHECK(r.str() == "hello");
  CHECK(r.str32() == "world");
  CHECK(r.strs() == std::vector<std::string>{"a", "bc"});
  CHECK(r.raw(3) == "xyz");
  CHECK(r.at_end());
  CHECK_FALSE(r.failed());
  CHECK(r.u32le() == 0);
  CHECK(r.failed());

  for (std::size_t cut = 0; cut < buf.size(); ++cut) {
    util::codec::Reader t(std::string_view(buf).substr(0, cut));
    t.u8();
    t.varint();
    t.u32le();
    t.u64le();
    t.str();
    t.str32();
    t.strs();
    t.raw(3);
    CHECK(t.failed());
  }
}

TEST_CASE("codec: counts larger than what is left fail") {
  std::string buf;
  util::codec::Writer w(buf);
  w.u64le(1000);
  w.raw("abcd");
  util::codec::Reader r(buf);
  CHECK(r.count64(8) == 0);
  CHECK(r.failed());
  std::string three;
  util::codec::Writer(three).varint(3);
  three += "xyz";
  util::codec::Reader ok(three);
  CHECK(ok.count(1) == 3);  // 3 items of at least a byte each, 3 bytes left
  CHECK_FALSE(ok.failed());
  util::codec::Reader too_many(three);
  CHECK(too_many.count(2) == 0);
  CHECK(too_many.failed());
}

TEST_CASE("format_rfc3339: UTC seconds and nanoseconds, the inverse of parse_rfc3339") {
  CHECK(util::format_rfc3339(0) == "1970-01-01T00:00:00Z");
  CHECK(util::format_rfc3339(1569597707) == "2019-09-27T15:21:47Z");
  CHECK(util::format_rfc3339(951782400) == "2000-02-29T00:00:00Z");
  CHECK(util::format_rfc3339(-1) == "1969-12-31T23:59:59Z");
  for (std::int64_t t : {0ll, 1ll, 951782399ll, 4102444800ll, 1700000000ll}) {
    CHECK(util::parse_rfc3339(util::format_rfc3339(t)) == t);
  }
  auto tp = std::chrono::system_clock::time_point(std::chrono::seconds(1569597707)) +
            std::chrono::nanoseconds(123);
  CHECK(util::format_rfc3339_nanos(tp) == "2019-09-27T15:21:47.000000123Z");
  CHECK(util::parse_rfc3339("2019-02-29") == std::nullopt);
  CHECK(util::parse_rfc3339("2019-13-01") == std::nullopt);
  CHECK(util::parse_rfc3339("2019-00-01") == std::nullopt);
  CHECK(util::parse_rfc3339("2020-02-29") == 1582934400);
}

TEST_CASE("parallel_for: the caller's stop is requested by the first failure, and only it counts") {
  std::stop_source stop;
  std::atomic<int> started{0};
  auto st = util::parallel_for(
      2, 2,
      [&](unsigned, std::size_t i) -> util::Status {
        ++started;
        if (i == 0) {
          while (started < 2) {
            std::this_thread::yield();
          }
          return util::input_error("first");
        }
        // Gives up once the first failure has stopped the others; that failure is not returned.
        while (!stop.stop_requested()) {
          std::this_thread::yield();
        }
        return util::input_error("cancelled");
      },
      1, &stop);
  REQUIRE_FALSE(st);
  CHECK(st.error().message == "first");
  CHECK(stop.stop_requested());
}

TEST_CASE("byte budget: threads take turns under the cap; one larger request runs alone",
          "[parallel]") {
  util::ByteBudget budget(100);
  std::atomic<int> over{0};
  std::atomic<std::uint64_t> held{0};
  std::vector<std::jthread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const std::uint64_t n = (t == 0 && i % 50 == 0) ? 250 : 30 + (i % 3) * 10;
        auto grant = budget.acquire(n);
        const std::uint64_t now = held += n;
        if (now > 100 && now != n) {
          ++over;  // over the cap while someone else held bytes too
        }
        std::this_thread::yield();
        held -= n;
      }
    });
  }
  threads.clear();
  CHECK(over == 0);
  CHECK(budget.peak() == 250);  // the large request, alone
  util::ByteBudget::Grant g = budget.acquire(100);
  g.release();
  auto g2 = budget.acquire(100);  // released: available again at once
}
