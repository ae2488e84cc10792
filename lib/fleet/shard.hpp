#pragma once
// Deterministic shards of a registry sweep: which repositories one of N uncoordinated workers
// (the pods of a Kubernetes Indexed Job) takes. A repository belongs to shard I of N when
// xxh64(name, seed 0) % N == I, so every repository lands in exactly one shard whatever the others
// do, and the images of one repository (which share base layers) meet the same node's cache.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace strata::fleet {

inline constexpr std::uint32_t k_max_shards = 100000;

struct Shard {
  std::uint32_t index = 0;  // 0 <= index < count
  std::uint32_t count = 1;

  // "I-of-N": the shard's part of file names (shard-0-of-4.json).
  std::string name() const;
  bool operator==(const Shard&) const = default;
};

// Whether `repository` belongs to `shard`.
bool in_shard(std::string_view repository, const Shard& shard);

// The shard of `--shard I/N` (text "I/N") or of `--shards N` with the index from
// JOB_COMPLETION_INDEX (`completion_index`, unset when the variable is). Exactly one of the two
// forms must be given; neither means the whole registry (shard 0 of 1).
// Errors (usage): both forms, a malformed "I/N", N outside 1..k_max_shards, I outside 0..N-1,
// --shards without JOB_COMPLETION_INDEX or with a value that is not a number.
util::Result<Shard> choose_shard(const std::string& shard_arg, std::optional<long long> shards_arg,
                                 const std::optional<std::string>& completion_index);

}  // namespace strata::fleet
