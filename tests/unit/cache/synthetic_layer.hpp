#pragma once
// Synthetic but realistic layer analyses for the cache tests and the multi-process helper:
// layer `n` looks like an Alpine layer (os-release, an apk database of a size that depends on n,
// busybox symlinks, a hard link, directories, and for some n whiteouts, opaque dirs and a
// warning). The same n always gives the same analysis.

#include <algorithm>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "layer/analyze.hpp"
#include "util/hash.hpp"

namespace strata::cache::testing {

inline std::string synthetic_diff_id(unsigned n) {
  return "sha256:" + util::sha256_hex(fmt::format("diff-{}", n));
}
inline std::string synthetic_digest(unsigned n) {
  return "sha256:" + util::sha256_hex(fmt::format("blob-{}", n));
}

inline layer::LayerAnalysis synthetic_layer(unsigned n, unsigned packages = 0) {
  layer::LayerAnalysis a;
  a.diff_id = synthetic_diff_id(n);
  a.digest = synthetic_digest(n);
  a.compressed_size = 3'000'000 + n * 1'000;
  a.uncompressed_size = 7'000'000 + n * 3'000;
  a.entries = 500 + n;
  if (packages == 0) {
    packages = 8 + n % 17;
  }
  std::string installed;
  for (unsigned p = 0; p < packages; ++p) {
    installed += fmt::format(
        "C:Q1{}=\nP:pkg{}-{}\nV:1.{}.{}-r{}\nA:x86_64\nS:{}\nI:{}\nT:package {} of layer {}\n"
        "U:https://example.org/pkg{}\nL:MIT\no:pkg{}\nm:Maintainer <m@example.org>\nt:{}\n"
        "c:{}\nD:so:libc.musl-x86_64.so.1\np:so:libpkg{}.so.{}\n\n",
        util::sha256_hex(fmt::format("{}/{}", n, p)).substr(0, 26), n, p, p, n % 7, p % 3,
        1000 + p * 37, 4000 + p * 91, p, n, p, p, 1700000000 + p,
        util::sha256_hex(fmt::format("c{}/{}", n, p)).substr(0, 40), p, p % 4);
  }
  a.files["/lib/apk/db/installed"] = {installed, 0644};
  a.files["/etc/os-release"] = {
      fmt::format("NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.{}.{}\n", 10 + n % 9, n % 5),
      0644};
  a.files["/etc/alpine-release"] = {fmt::format("3.{}.{}\n", 10 + n % 9, n % 5), 0644};
  a.files["/usr/bin/tool"] = {std::string("\x7f"
                                          "ELF\x02\x01\x01\0",
                                          8) +
                                  std::string(n % 64, 'x'),
                              0755};
  for (const char* applet : {"sh", "ls", "cat", "cp", "mv", "rm", "sed", "grep", "tar", "vi"}) {
    a.symlinks[fmt::format("/bin/{}", applet)] = "/bin/busybox";
  }
  a.symlinks[fmt::format("/usr/lib/libfoo.so.{}", n)] = "libfoo.so.1.0";
  a.hardlinks["/usr/bin/tool2"] = "/usr/bin/tool";
  for (const char* d : {"/bin", "/etc", "/lib", "/lib/apk", "/lib/apk/db", "/usr", "/usr/bin",
                        "/usr/lib", "/var", "/var/cache"}) {
    a.dirs.emplace_back(d);
  }
  a.dirs.push_back(fmt::format("/opt/layer{}", n));
  if (n % 2 == 1) {
    a.whiteouts.push_back(fmt::format("/etc/old-{}", n));
  }
  if (n % 3 == 0) {
    a.opaque_dirs.emplace_back("/var/cache");
  }
  if (n % 5 == 0) {
    a.warnings.push_back(fmt::format("layer {}: /big skipped: larger than 32 MiB", n));
  }
  // Language packages: a Go binary with two modules, and a file that declares none.
  model::Package go;
  go.name = "golang.org/x/net";
  go.version = fmt::format("v0.{}.0", n);
  go.type = "go";
  go.ecosystem = "Go";
  go.purl = fmt::format("pkg:golang/golang.org/x/net@v0.{}.0", n);
  go.location = fmt::format("/usr/local/bin/app{}", n);
  go.license = "BSD-3-Clause";  // a record carries the license too (set for OS packages)
  model::Package stdlib = go;
  stdlib.name = "stdlib";
  stdlib.version = "1.21.4";
  a.extracted[go.location] = {go, stdlib};
  a.extracted["/opt/empty/package.json"] = {};
  // Set-id files, entry hashes, and (for even n) secrets found with a rule set.
  a.setid.push_back(model::SetidFile{"/bin/su", 04755, "root", ""});
  if (n % 2 == 0) {
    a.setid.push_back(model::SetidFile{fmt::format("/usr/bin/wall{}", n), 02755, "0", ""});
  }
  for (const auto& [path, file] : a.files) {
    a.entry_hashes.push_back(layer::entry_hash(path));
  }
  std::sort(a.entry_hashes.begin(), a.entry_hashes.end());
  if (n % 2 == 0) {
    a.secret_rules = "rules-1";
    a.secrets.push_back(model::Secret{"github-pat", "GitHub", "CRITICAL", "GitHub token",
                                      fmt::format("/app/{}.env", n), 3 + n, "ghp_*****", "",
                                      n % 4 == 0});
  }
  return a;
}

// Field-by-field equality (LayerAnalysis has no operator==).
inline bool same_layer(const layer::LayerAnalysis& x, const layer::LayerAnalysis& y) {
  if (x.files.size() != y.files.size()) {
    return false;
  }
  for (auto i = x.files.begin(), j = y.files.begin(); i != x.files.end(); ++i, ++j) {
    if (i->first != j->first || i->second.content != j->second.content ||
        i->second.mode != j->second.mode) {
      return false;
    }
  }
  return x.diff_id == y.diff_id && x.digest == y.digest && x.compressed_size == y.compressed_size &&
         x.uncompressed_size == y.uncompressed_size && x.entries == y.entries &&
         x.symlinks == y.symlinks && x.hardlinks == y.hardlinks && x.dirs == y.dirs &&
         x.whiteouts == y.whiteouts && x.opaque_dirs == y.opaque_dirs && x.warnings == y.warnings &&
         x.extracted == y.extracted && x.setid == y.setid && x.entry_hashes == y.entry_hashes &&
         x.secret_rules == y.secret_rules && x.secrets == y.secrets;
}

}  // namespace strata::cache::testing
