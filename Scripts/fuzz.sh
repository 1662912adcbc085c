#!/usr/bin/env bash
# Runs one libFuzzer target of the `auspex-fuzz` build (`make fuzz-build`) over its corpus:
#   Scripts/fuzz.sh TARGET [libFuzzer flags...]     e.g. Scripts/fuzz.sh eql -max_total_time=600
# TARGET: audit-log, eql, rule-toml or exceptions. The corpus grows in .build/fuzz/corpus/TARGET (or
# $FUZZ_CORPUS_DIR/TARGET), seeded from Fuzz/seeds/TARGET and (when present) ../shared via Fuzz/make-seeds.py;
# findings land in .build/fuzz/artifacts/TARGET/ (replay one with `.build/debug/auspex-fuzz TARGET FILE`). Exits non-zero on a crash,
# a hang longer than 1 s, an allocation over 2 GiB or a leak.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: Scripts/fuzz.sh audit-log|eql|rule-toml|exceptions [libFuzzer flags...]}
shift
work=.build/fuzz
binary=$work/${FUZZ_CONFIG:-debug}/auspex-fuzz
[ -x "$binary" ] || { echo "fuzz: $binary is missing; run 'make fuzz-build'"; exit 1; }
[ -d "Fuzz/seeds/$target" ] || { echo "fuzz: unknown target '$target'"; exit 2; }
if [ ! -d "$work/seeds" ]; then
  rm -rf "$work/seeds.tmp"; mkdir -p "$work/seeds.tmp"
  python3 Fuzz/make-seeds.py ../shared "$work/seeds.tmp" && mv "$work/seeds.tmp" "$work/seeds"
fi
mkdir -p "$work/artifacts/$target" "$work/seeds/$target"
corpus=${FUZZ_CORPUS_DIR:-$work/corpus}/$target
mkdir -p "$corpus"
max_len=4096
case $target in
  rule-toml) max_len=16384 ;;  # rule files run to a few kilobytes
esac
# One worker (the machine is shared); -timeout: a hang is an input taking over 1 s; -rss_limit_mb also caps a
# single allocation (malloc_limit_mb defaults to it), which is how unbounded allocations show.
# Swift's crash backtracer reads the crashed process's memory, which ASan then reports as an overflow of its own.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}
AUSPEX_FUZZ_TARGET=$target exec "$binary" -timeout=1 -rss_limit_mb=2048 -max_len=$max_len -detect_leaks=1 \
  -dict="Fuzz/dictionaries/$target.dict" -artifact_prefix="$work/artifacts/$target/" -print_final_stats=1 \
  "$@" "$corpus" "Fuzz/seeds/$target" "$work/seeds/$target"
