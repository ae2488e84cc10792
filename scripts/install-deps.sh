#!/usr/bin/env bash
# Installs everything strata needs to build and test, from Debian 12 packages only. Idempotent:
# packages already installed are left alone. Runs apt-get as root, or through sudo.
set -euo pipefail

build_pkgs=(
  cmake g++ make pkg-config
  libcli11-dev libcurl4-openssl-dev libarchive-dev libzstd-dev nlohmann-json3-dev libfmt-dev
  libxxhash-dev catch2 libssl-dev libsqlite3-dev libsimdjson-dev zlib1g-dev
  # lib/secret: RE2 (linear-time, thread-safe regexes for the secret rules; no abseil in Debian
  # 12's 20220601) and yaml-cpp (reads the rule file, Trivy's secret-config format).
  libre2-dev libyaml-cpp-dev
)
# Tools the test suite and the benchmarks drive for real (images, registries, databases) and read
# results with (unzip: the baseline of bench/db, and unzip/zipinfo the oracle of the Java archive
# reader, whose test archives python3 builds; clang-format: the format check; rpm: the oracle
# the rpm database readers are checked against, and rpmbuild, which Debian ships in the rpm
# package, to build the packages it installs (the tests' and bench/detect's); db5.3-util:
# db5.3_load and db5.3_stat, which make and inspect the BerkeleyDB rpm databases Debian's rpm can
# only read; python3, ruby and ruby-bundler: the oracles of the Python metadata, gemspec and
# Gemfile.lock readers -- importlib.metadata, Gem::Specification.load and
# Bundler::LockfileParser; golang-go: the Go toolchain that builds the binaries whose embedded
# build info strata reads, and prints it with `go version -m`; npm: the oracle the package-lock
# reader is checked against, npm's own lockfile reader, Arborist; python3-packaging: pypa's
# packaging, the PEP 440 oracle of the language-package golden test; python3-pkg-resources:
# setuptools' vendored packaging 21.3, whose LegacyVersion is the oracle of the order of PyPI
# versions outside PEP 440; python3-jsonschema: validates the SARIF, CycloneDX and SPDX reports
# against their official schemas (third_party/schemas) and the Kubernetes manifests of
# deploy/kubernetes against Kubernetes' (third_party/kubernetes-json-schema), which python3-yaml
# reads (tests/golden/k8s_manifests.sh), and libxml2-utils: xmllint, which parses
# the JUnit report and checks it against junit-10.xsd; busybox-static: the shell
# scripts/build-image.sh --shell puts in the container image, tested by
# tests/golden/self_image.sh; clang and libclang-rt-14-dev: Debian's clang 14 with its
# compiler-rt, whose libFuzzer, ASan and UBSan build the sanitizer phase of scripts/test.sh and the
# fuzz harnesses, fuzz/README.md).
test_pkgs=(jq zstd gzip tar curl openssl python3 skopeo umoci docker-registry apache2-utils podman unzip
  clang-format rpm db5.3-util ruby ruby-bundler golang-go npm python3-packaging python3-pkg-resources
  python3-jsonschema python3-yaml libxml2-utils busybox-static clang libclang-rt-14-dev)

# ISA-L (fast inflate of gzip layers; zlib decodes where it is missing) and its igzip, the
# baseline bench/scan measures against, on the architectures Debian builds it for.
case "$(dpkg --print-architecture)" in
  amd64 | arm64)
    build_pkgs+=(libisal-dev)
    test_pkgs+=(isal)
    ;;
esac

want=("${build_pkgs[@]}")
if [[ "${1:-}" == "--test" ]]; then
  want+=("${test_pkgs[@]}")
fi

missing=()
for p in "${want[@]}"; do
  # A Node.js that bundles npm (nodesource's nodejs conflicts with Debian's npm) will do.
  if [[ "$p" == npm ]] && command -v npm >/dev/null; then
    continue
  fi
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#want[@]} packages present"
  exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  sudo=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
