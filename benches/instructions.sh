#!/usr/bin/env bash
# Count the instructions a quarter run executes, for comparing two builds on
# a machine whose wall times swing by ±0.3-0.6 s from run to run.
#
#   benches/instructions.sh BIN [BIN...]        # 1M rows, seed 7
#   ROWS=100000 WORK=dir benches/instructions.sh BIN
#
# Each binary runs once under valgrind's callgrind (about four minutes at 1M
# rows; the count does not depend on what else the machine is doing). The
# input is made once with the first binary's `redress sample`. Printed for
# each binary: all user-space instructions, and those outside SHA-256. Under
# valgrind the SHA-256 of the export takes its portable path (the processor's
# SHA instructions are not offered), about half of the count at 1M rows,
# where it is some 5% of a real run's CPU time; the second figure leaves it
# out. Needs valgrind (apt install valgrind); not part of CI.
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,15p' "$0"; exit 2; }
ROWS=${ROWS:-1000000}
WORK=${WORK:-$(mktemp -d -t redress-instructions-XXXXXX)}
mkdir -p "$WORK"
input="$WORK/in-$ROWS"
[ -f "$input/landlord.toml" ] || "$1" sample --rows "$ROWS" --seed 7 --out "$input" >/dev/null
for bin in "$@"; do
  name=$(basename "$bin")
  out="$WORK/callgrind.$name.out"
  rm -rf "$WORK/out"
  valgrind --tool=callgrind --callgrind-out-file="$out" \
    "$bin" run --config "$input/landlord.toml" --period 2026-27-Q2 --out "$WORK/out" \
    >/dev/null 2>"$WORK/valgrind.$name.log"
  callgrind_annotate "$out" 2>/dev/null | awk -v name="$name" '
    /PROGRAM TOTALS/ { gsub(",", "", $1); total = $1; seen = 1; next }
    seen && /sha2::/ { gsub(",", "", $1); sha += $1 }
    END { printf "%s\t%.2f G instructions\t%.2f G without SHA-256\n", name, total / 1e9, (total - sha) / 1e9 }'
done
