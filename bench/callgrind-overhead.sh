#!/usr/bin/env bash
# Instructions per `GET /workspace` through the SDK and through raw reqwest decoding into
# `serde_json::Value`, counted by callgrind (the in-process server's share included).
#
# Each side runs `ringg-bench overhead --current-thread` at two request counts; the difference
# divided by the difference in requests is the cost of one request, so one-time set-up cancels
# out. The rate limiter's clock calibration (quanta's, once per process, whose length varies from
# run to run under valgrind) is subtracted from each run. glibc's malloc sometimes
# consolidates its free lists during a run and sometimes not (about 9 M instructions over
# 10,000 requests, on either side), so each count runs RUNS times (default 3) and keeps the
# least; the figures then repeat to within a few instructions per request.
#
# Usage: bench/callgrind-overhead.sh [LOW HIGH]   (default 2000 10000)
# RINGG_BENCH_BIN names a prebuilt binary; otherwise the release build is made first.
# SDK=full|client|stack|transport|untimed (default full) counts that much of the SDK on the sdk
# side (see `ringg-bench overhead --help`).
# CACHE=1 also runs callgrind's cache simulation (32 KiB L1 caches) once per side and count, and
# prints the first-level instruction-cache misses and data read and write misses per request:
# the memory a request touches, which instruction counts do not show.
set -euo pipefail
cd "$(dirname "$0")/.."

low="${1:-2000}"
high="${2:-10000}"
runs="${RUNS:-3}"
layers="${SDK:-full}"
bin="${RINGG_BENCH_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --release -p ringg-bench --quiet
  bin="${CARGO_TARGET_DIR:-target}/release/ringg-bench"
fi
command -v valgrind >/dev/null || { echo "error: valgrind is not installed (Debian: apt-get install valgrind)" >&2; exit 1; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# Instructions of one run, without the one-time clock calibration.
once() {
  local side="$1" n="$2" file="$out/$1-$2.out"
  valgrind --tool=callgrind --callgrind-out-file="$file" \
    "$bin" overhead --count "$n" --in-flight 1 --only "$side" --sdk "$layers" --current-thread >/dev/null 2>&1
  local total calibration
  total="$(awk '/^(summary|totals):/ {print $2; exit}' "$file")"
  calibration="$(callgrind_annotate --inclusive=yes --threshold=100 "$file" 2>/dev/null \
    | grep -F 'quanta::Clock as core::default::Default>::default' \
    | awk '{gsub(",", "", $1); if ($1 + 0 > max) max = $1 + 0} END {print max + 0}')"
  echo $((total - calibration))
}

# The least of RUNS runs.
count() {
  local best="" n
  for _ in $(seq "$runs"); do
    n="$(once "$1" "$2")"
    if [ -z "$best" ] || [ "$n" -lt "$best" ]; then best="$n"; fi
  done
  echo "$best"
}

declare -A per
for side in sdk raw; do
  a="$(count "$side" "$low")"
  b="$(count "$side" "$high")"
  per[$side]=$(( (b - a) / (high - low) ))
  echo "$side: ${per[$side]} instructions per request ($low requests: $a, $high requests: $b)"
done
awk -v s="${per[sdk]}" -v r="${per[raw]}" 'BEGIN {printf "sdk/raw instructions: %.3f\n", s / r}'

if [ "${CACHE:-0}" = 1 ]; then
  # The summary line's misses of one run: I1mr D1mr D1mw.
  misses() {
    local file="$out/cache-$1-$2.out"
    valgrind --tool=callgrind --cache-sim=yes --callgrind-out-file="$file" \
      "$bin" overhead --count "$2" --in-flight 1 --only "$1" --sdk "$layers" --current-thread >/dev/null 2>&1
    awk '/^events:/ {for (i = 2; i <= NF; i++) col[$i] = i}
         /^(summary|totals):/ {print $(col["I1mr"]), $(col["D1mr"]), $(col["D1mw"]); exit}' "$file"
  }
  for side in sdk raw; do
    read -r i1a d1ra d1wa <<<"$(misses "$side" "$low")"
    read -r i1b d1rb d1wb <<<"$(misses "$side" "$high")"
    n=$((high - low))
    echo "$side: L1 misses per request: instructions $(( (i1b - i1a) / n )), data read $(( (d1rb - d1ra) / n )), data write $(( (d1wb - d1wa) / n ))"
  done
fi
