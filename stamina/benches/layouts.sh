#!/usr/bin/env bash
# The paired bench (paired.rs) over eight code layouts, so that a ratio says
# what the code costs rather than where the linker happened to put it.
#
#   stamina/benches/layouts.sh [--runs=N] [--only=TEXT]
#
# On this project's VM, where each function and loop lands moves a case of a
# few nanoseconds by 5 to 25% between builds that do not change its code (and
# a build with fewer instructions can measure slower). This script builds the
# bench eight times with the layout flags below, which change only where code
# is placed, on the bench crate alone (it holds every generic loop of stamina's,
# instantiated there), runs the builds in turn N times (default 5), and prints
# per path and ratio the median over every run of every build, with the lowest
# and highest of the builds' own medians. A claim holds when the highest is
# within it. About 8 s per run of the eight builds, and 20 s to build them
# once the bench has been built (2 to 3 s each; cargo keeps all eight).
set -euo pipefail
cd "$(dirname "$0")/../.."

runs=5
only=""
for arg in "$@"; do
  case $arg in
    --runs=*) runs=${arg#--runs=} ;;
    --only=*) only=${arg#--only=} ;;
    *) echo "layouts.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

layouts=(
  "-C llvm-args=-align-loops=1"
  "-C llvm-args=-align-all-functions=4"
  "-C llvm-args=-align-all-functions=5"
  "-C llvm-args=-align-all-functions=6"
  "-C llvm-args=-align-all-functions=6 -C llvm-args=-align-all-nofallthru-blocks=4"
  "-C llvm-args=-align-all-functions=6 -C llvm-args=-align-all-nofallthru-blocks=5"
  "-C llvm-args=-align-all-functions=6 -C llvm-args=-align-all-nofallthru-blocks=6"
  "-C llvm-args=-align-loops=64"
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in "${!layouts[@]}"; do
  # shellcheck disable=SC2086 # the flags are words
  binary=$(cargo rustc -q -p stamina --bench paired --profile bench --message-format=json -- ${layouts[$i]} |
    sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
  [ -x "$binary" ] || { echo "layouts.sh: no bench binary for layout $i" >&2; exit 1; }
  cp "$binary" "$work/layout-$i"
done

# One line per path, ratio and run: layout, path, ratio's column, value. The
# bench prints a markdown table whose last four columns are the ratios.
for _ in $(seq "$runs"); do
  for i in "${!layouts[@]}"; do
    "$work/layout-$i" --bench --rounds=2000 --only="$only" | awk -F'|' -v layout="$i" '
      /^\| (success|retry3)/ {
        path = $2; gsub(/^ +| +$/, "", path)
        for (column = 8; column <= 11; column++) {
          value = $column; gsub(/ /, "", value)
          if (value != "") printf "%s\t%s\t%d\t%s\n", layout, path, column, value
        }
      }'
  done
done >"$work/runs"

# The median of each sorted group of a key, as `key<TAB>median`.
medians() {
  awk -F'\t' '
    function flush() { if (n) printf "%s\t%s\n", key, (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2) }
    { k = $1; for (i = 2; i < NF; i++) k = k "\t" $i
      if (k != key) { flush(); key = k; n = 0 }
      v[++n] = $NF }
    END { flush() }'
}

# Per path and column: the median over every run, then over the builds' medians
# their lowest and highest.
sort -t$'\t' -k2,2 -k3,3n -k4,4g "$work/runs" | awk -F'\t' '{ print $2 "\t" $3 "\t" $4 }' | medians >"$work/all"
sort -t$'\t' -k2,2 -k3,3n -k1,1n -k4,4g "$work/runs" | awk -F'\t' '{ print $2 "\t" $3 "\t" $1 "\t" $4 }' |
  medians | awk -F'\t' '{ print $1 "\t" $2 "\t" $4 }' | sort -t$'\t' -k1,1 -k2,2n -k3,3g |
  awk -F'\t' '{ k = $1 "\t" $2; if (!(k in low)) low[k] = $3; high[k] = $3 }
    END { for (k in low) printf "%s\t%s\t%s\n", k, low[k], high[k] }' | sort -t$'\t' -k1,1 -k2,2n >"$work/spread"

echo "$runs runs of ${#layouts[@]} layouts; per ratio: the median over every run (the lowest and highest of the layouts' medians)"
echo
echo "| path | untimed / peer | untimed / configured peer | (default - peer) / its reads | (default - configured peer) / its reads |"
echo "|---|---|---|---|---|"
join -t$'\t' <(awk -F'\t' '{ print $1 "@@" $2 "\t" $3 }' "$work/all" | sort) \
  <(awk -F'\t' '{ print $1 "@@" $2 "\t" $3 "\t" $4 }' "$work/spread" | sort) |
  awk -F'\t' '{ split($1, key, "@@"); cell[key[1], key[2]] = sprintf("%.2f (%.2f to %.2f)", $2, $3, $4); paths[key[1]] = 1 }
    END { for (p in paths) { line = "| " p; for (c = 8; c <= 11; c++) line = line " | " cell[p, c]; print line " |" } }' |
  sort -t'|' -k2,2
