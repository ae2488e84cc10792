#include "fleet/shard.hpp"

#include <charconv>

#include <fmt/format.h>

#include "util/hash.hpp"

namespace strata::fleet {

namespace {

util::Error usage(std::string message) {
  return util::Error{util::ErrorCategory::usage, std::move(message)};
}

// A whole decimal number, nothing around it.
std::optional<long long> number(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

util::Result<Shard> make_shard(long long index, long long count, const std::string& what) {
  if (count < 1 || count > k_max_shards) {
    return usage(
        fmt::format("{}: the number of shards must be between 1 and {}", what, k_max_shards));
  }
  if (index < 0 || index >= count) {
    return usage(
        fmt::format("{}: the shard index must be between 0 and {} (shards are counted from 0)",
                    what, count - 1));
  }
  return Shard{static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(count)};
}

}  // namespace

std::string Shard::name() const {
  return fmt::format("{}-of-{}", index, count);
}

bool in_shard(std::string_view repository, const Shard& shard) {
  return util::xxh64(repository, 0) % shard.count == shard.index;
}

util::Result<Shard> choose_shard(const std::string& shard_arg, std::optional<long long> shards_arg,
                                 const std::optional<std::string>& completion_index) {
  if (!shard_arg.empty() && shards_arg) {
    return usage("give either --shard I/N or --shards N, not both");
  }
  if (!shard_arg.empty()) {
    auto slash = shard_arg.find('/');
    auto index = number(std::string_view(shard_arg).substr(0, slash));
    auto count = slash == std::string::npos ? std::nullopt
                                            : number(std::string_view(shard_arg).substr(slash + 1));
    if (!index || !count) {
      return usage(fmt::format("--shard {}: expected I/N, e.g. 0/4", shard_arg));
    }
    return make_shard(*index, *count, "--shard " + shard_arg);
  }
  if (shards_arg) {
    if (!completion_index) {
      return usage(fmt::format(
          "--shards {} takes the shard from JOB_COMPLETION_INDEX (set by a Kubernetes Indexed "
          "Job), which is not set; use --shard I/N elsewhere",
          *shards_arg));
    }
    auto index = number(*completion_index);
    if (!index) {
      return usage(fmt::format("JOB_COMPLETION_INDEX={}: not a number", *completion_index));
    }
    return make_shard(
        *index, *shards_arg,
        fmt::format("--shards {} with JOB_COMPLETION_INDEX={}", *shards_arg, *completion_index));
  }
  return Shard{};
}

}  // namespace strata::fleet
