#!/usr/bin/env bash
# Checks that every C++ file of lib/ cmd/ tests/ bench/ fuzz/ is formatted as .clang-format says
# (Debian's clang-format). Prints the offending files and exits 1 when one is not; with --fix,
# formats them in place instead.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null; then
  echo "check-format: clang-format not found (scripts/install-deps.sh --test installs it)" >&2
  exit 1
fi
mapfile -d '' files < <(find lib cmd tests bench fuzz -type f \( -name '*.cpp' -o -name '*.hpp' \) \
  -print0 | sort -z)
if [[ "${1:-}" == "--fix" ]]; then
  clang-format -i "${files[@]}"
  exit 0
fi
# One clang-format run over all files; its diagnostics name the files that differ.
out=$(clang-format --dry-run --Werror "${files[@]}" 2>&1) && status=0 || status=$?
if [[ $status -ne 0 ]]; then
  mapfile -t bad < <(grep -oE '^[^:]+\.(cpp|hpp):[0-9]+:[0-9]+: error' <<<"$out" |
    cut -d: -f1 | sort -u)
  if [[ ${#bad[@]} -eq 0 ]]; then
    echo "check-format: clang-format failed: $out" >&2
    exit 1
  fi
  echo "check-format: ${#bad[@]} of ${#files[@]} files are not clang-formatted" \
    "(scripts/check-format.sh --fix):"
  printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "check-format: ${#files[@]} files formatted"
