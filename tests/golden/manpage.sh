#!/usr/bin/env bash
# Every long option that `strata ... --help` prints is documented in man/strata.1.
source "$(dirname "$0")/lib.bash"
man="${SOURCE_DIR:?}/man/strata.1"
# roff writes "--db-dir" as "\-\-db\-dir"; compare on the unescaped text
sed 's/\\-/-/g' "$man" > "$WORK/man.txt"
for sub in "" image registry merge host rootfs db "db import" "db info" "db update" "db export" cache "cache stats" \
  "cache data" "cache prune" "cache clear" vercmp version; do
  # shellcheck disable=SC2086
  "$STRATA" $sub --help > "$WORK/help.txt" 2>&1 || true
  for opt in $(grep -oE -- '--[a-z][a-z0-9-]+' "$WORK/help.txt" | sort -u); do
    if grep -qE -- "(^|[^a-z-])$opt([^a-z0-9-]|$)" "$WORK/man.txt"; then
      pass
    else
      fail "option $opt of 'strata $sub' is not in man/strata.1"
    fi
  done
  # subcommands listed in help are documented too
  for cmd in $(awk '/^Subcommands:/{f=1;next} f&&/^  [a-z]/{print $1}' "$WORK/help.txt"); do
    grep -q "strata $sub${sub:+ }$cmd" "$WORK/man.txt" && pass || fail "subcommand '$sub $cmd' not in man page"
  done
done
# Every report format --format takes (the list its usage error gives) is documented: in the man
# page's --format entry and REPORT FORMATS section, and in the README's table; so are FMT=PATH
# and SOURCE_DATE_EPOCH's part in the reports.
"$STRATA" image --format no-such-format x > /dev/null 2> "$WORK/err" || true
formats=$(sed -n 's/.*unknown format (use \([a-z, ]*\)).*/\1/p' "$WORK/err" | tr -d ',')
[[ $(wc -w <<< "$formats") -ge 7 ]] && pass || fail "no format list in: $(head -c 300 "$WORK/err")"
awk '/^\.BR -f ", " --format/{f=1} f&&/^\.TP/{exit} f' "$WORK/man.txt" > "$WORK/format_entry"
awk '/^\.SH REPORT FORMATS/{f=1;next} f&&/^\.SH /{exit} f' "$WORK/man.txt" > "$WORK/formats_section"
for f in $formats; do
  grep -qF "\\fI$f\\fR" "$WORK/format_entry" && pass || fail "format $f not in the man page's --format entry"
  grep -qE "^\.B $f\$|\\\\fI$f\\\\fR" "$WORK/formats_section" && pass \
    || fail "format $f not in the man page's REPORT FORMATS"
  grep -qF "| \`$f\` |" "$SOURCE_DIR/README.md" && pass || fail "format $f not in README's table"
done
grep -qF '\fIFMT\fR=\fIPATH\fR' "$WORK/format_entry" && pass || fail "FMT=PATH not in the man page"
grep -qF -- '--format FMT=PATH' "$SOURCE_DIR/README.md" && pass || fail "FMT=PATH not in README"
awk '/^\.B SOURCE_DATE_EPOCH/{f=1;next} f&&/^\.TP/{exit} f' "$WORK/man.txt" | grep -q 'reports' \
  && pass || fail "SOURCE_DATE_EPOCH: the reports' time stamp is not in ENVIRONMENT"
# the findings policy (issue 16): its flags are in the scanning subcommands' help (so the loop
# above checks them), and the man page has the ignore file, VEX and their environment variables
for sub in image host rootfs; do
  "$STRATA" $sub --help > "$WORK/help.txt" 2>&1 || true
  for opt in --severity --only-fixed --ignore-file --vex; do
    grep -qE -- "$opt([^a-z-]|$)" "$WORK/help.txt" && pass || fail "'strata $sub --help' lacks $opt"
  done
done
for word in '^\.SH POLICIES' '\.strataignore' 'OpenVEX' 'CycloneDX' 'not_affected' 'STRATA_SEVERITY' \
  'STRATA_ONLY_FIXED' 'STRATA_IGNORE_FILE' 'SOURCE_DATE_EPOCH'; do
  grep -qE -- "$word" "$WORK/man.txt" && pass || fail "man/strata.1 lacks $word"
done
finish
