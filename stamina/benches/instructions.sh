#!/usr/bin/env bash
# Instruction counts of stamina's paths, per run of each case, counted by
# callgrind on the `instructions` bench (see instructions.rs), against the
# baseline committed beside this script.
#
#   stamina/benches/instructions.sh            print the counts; exit 1 if a case
#                                              rose more than 10% above its baseline
#   stamina/benches/instructions.sh --update   rewrite the baseline from this run
#
# The counts depend on the compiler and the locked dependencies: after a
# toolchain or Cargo.lock change, or a change that moves a count on purpose,
# run with --update and commit the baseline with the change that moved it.
set -euo pipefail
cd "$(dirname "$0")/../.."

baseline=stamina/benches/instructions.baseline
runs=1000
tolerance_percent=10

if ! command -v valgrind >/dev/null || ! command -v callgrind_annotate >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null
fi

# `-p stamina` alone: stamina's default features, as users build it (a
# workspace build would unify in the test crate's `test-util`).
binary=$(cargo bench -p stamina --bench instructions --no-run 2>&1 |
  sed -n 's/^ *Executable .*(\(.*\))$/\1/p')
[ -x "$binary" ] || { echo "instructions.sh: no bench binary found" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for hooks in none default no_op; do
  valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*instructions::measure*' \
    --callgrind-out-file="$work/$hooks.out" "$binary" --runs="$runs" --hooks="$hooks" \
    >"$work/$hooks.cases" 2>"$work/$hooks.log" || { cat "$work/$hooks.log" >&2; exit 1; }
  # Inclusive counts per case fn, divided by the runs.
  callgrind_annotate --inclusive=yes --threshold=100 "$work/$hooks.out" |
    sed -n 's/^ *\([0-9,]*\) ([^)]*) *???:instructions::\(\(peers\|untimed\|timed\|budgeted\)::[a-z_0-9]*\) .*/\1 \2/p' |
    tr -d , | awk -v hooks="$hooks" -v runs="$runs" '{ printf "%s/%s %d\n", hooks, $2, ($1 + runs / 2) / runs }' \
      >"$work/$hooks.counts"
  while read -r case; do
    grep -q "^$hooks/$case " "$work/$hooks.counts" || { echo "instructions.sh: $case not counted" >&2; exit 1; }
  done <"$work/$hooks.cases"
done
sort "$work"/*.counts >"$work/counts"

if [ "${1:-}" = "--update" ]; then
  {
    echo "# Instructions per run of each case of stamina/benches/instructions.rs, counted"
    echo "# by stamina/benches/instructions.sh (callgrind; $(rustc --version | cut -d' ' -f1-2))."
    echo "# none/: no hooks installed; default/: the default hooks, no subscriber;"
    echo "# no_op/: one hook of the user's that does nothing."
    cat "$work/counts"
  } >"$baseline"
  echo "instructions.sh: baseline written to $baseline"
  exit 0
fi

awk -v tolerance="$tolerance_percent" '
  FNR == NR { if ($0 !~ /^#/) pinned[$1] = $2; next }
  {
    seen[$1] = 1
    if (!($1 in pinned)) { printf "%-45s %6d  (no baseline)\n", $1, $2; failed = 1; next }
    change = ($2 - pinned[$1]) * 100 / pinned[$1]
    flag = change > tolerance ? "  ROSE" : (change < -tolerance ? "  fell: update the baseline" : "")
    printf "%-45s %6d  baseline %6d  %+6.1f%%%s\n", $1, $2, pinned[$1], change, flag
    if (change > tolerance) failed = 1
  }
  END {
    for (case in pinned) if (!(case in seen)) { printf "%-45s not run\n", case; failed = 1 }
    if (failed) { printf "instructions.sh: a count rose more than %d%% above %s, or the cases changed (see the header of this script)\n", tolerance, "the baseline"; exit 1 }
  }' "$baseline" "$work/counts"
