#!/usr/bin/env bash
# Benchmark redress end to end and write BENCHMARKS.md.
#
#   benches/run.sh                    # 100k, 1M and 10M rows, 5 runs each
#   SIZES="100000 1000000" RUNS=3 benches/run.sh
#   REPORT_ONLY=1 WORK=dir benches/run.sh   # rewrite BENCHMARKS.md from dir/results.tsv
#
# Inputs are generated with `redress sample` (the generator's realistic, messy
# shape). Each size is run RUNS times with the release binary under
# /usr/bin/time -v; the median wall time, the peak resident memory and the
# median time of each stage (from run.json) are written to BENCHMARKS.md with
# the machine they ran on, and two figures of that machine's speed (a fresh
# page's cost, `benches/page-touch.c`, and SHA-256 on one core): runs on
# machines of the same name have differed by nearly twice.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"100000 1000000 10000000"}
RUNS=${RUNS:-5}
WORK=${WORK:-$(mktemp -d -t redress-bench-XXXXXX)}
mkdir -p "$WORK"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/redress/target}"

RESULTS="$WORK/results.tsv"
if [ -z "${REPORT_ONLY:-}" ]; then
cargo build --release --locked >&2
BIN="$CARGO_TARGET_DIR/release/redress"
: > "$RESULTS"
# The commit measured, so a later REPORT_ONLY names it rather than its own HEAD.
git rev-parse --short HEAD > "$WORK/commit"

measure() { # label, then the command
  local label=$1; shift
  /usr/bin/time -v "$@" 2> "$WORK/time.txt" > /dev/null || { cat "$WORK/time.txt" >&2; exit 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
  printf '%s\t%s\t%s\n' "$label" "$wall" "$rss"
}

# The machine, in two figures that compare machines where the CPU's name
# does not: what a fresh page of memory costs (a run's pages are mostly new
# to it), and SHA-256 by coreutils on one core (a fixed piece of CPU work
# for machines of one image; a coreutils built on OpenSSL would run it far
# faster). Either is left out of the report where it cannot be measured.
if command -v cc > /dev/null && cc -O2 -o "$WORK/page-touch" benches/page-touch.c; then
  for i in $(seq 5); do
    us=$("$WORK/page-touch")
    printf 'page-touch\t0\t%s\t0\t{}\n' "$us" >> "$RESULTS"
  done
fi
if command -v sha256sum > /dev/null; then
  head -c 268435456 /dev/zero > "$WORK/zeros"
  sync
  for i in $(seq 3); do
    /usr/bin/time -f '%e' -o "$WORK/sha.time" sha256sum "$WORK/zeros" > /dev/null
    rate=$(python3 -c 'import sys; print(f"{268.435456 / max(float(sys.argv[1]), 0.01):.0f}")' "$(cat "$WORK/sha.time")")
    printf 'sha256\t0\t%s\t0\t{}\n' "$rate" >> "$RESULTS"
  done
  rm -f "$WORK/zeros" "$WORK/sha.time"
fi

# The bundled sample, as `redress run` with no arguments runs it.
for i in $(seq "$RUNS"); do
  measure "sample" "$BIN" run --out "$WORK/out-sample" | while IFS=$'\t' read -r l w r; do
    t=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["timings"]))' "$WORK/out-sample/2026-27-Q2/run.json")
    printf '%s\t5000\t%s\t%s\t%s\n' "$l" "$w" "$r" "$t" >> "$RESULTS"
  done
done

for n in $SIZES; do
  dir="$WORK/in-$n"
  echo "generating $n rows" >&2
  gen=$(measure "generate" "$BIN" sample --rows "$n" --seed 7 --out "$dir")
  printf 'generate\t%s\t%s\t%s\t{}\n' "$n" "$(cut -f2 <<<"$gen")" "$(cut -f3 <<<"$gen")" >> "$RESULTS"
  # The new input is written out first, so the first runs do not share the
  # disk with its writeback (they took 0.2-0.3 s longer at 1M rows).
  sync
  for i in $(seq "$RUNS"); do
    echo "run $i of $RUNS at $n rows" >&2
    rm -rf "$WORK/out-$n"
    line=$(measure "run" "$BIN" run --config "$dir/landlord.toml" --period 2026-27-Q2 --out "$WORK/out-$n")
    t=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["timings"]))' "$WORK/out-$n/2026-27-Q2/run.json")
    printf 'run\t%s\t%s\t%s\t%s\n' "$n" "$(cut -f2 <<<"$line")" "$(cut -f3 <<<"$line")" "$t" >> "$RESULTS"
  done
  size=$(du -b "$dir/cases.csv" | cut -f1)
  printf 'size\t%s\t%s\t0\t{}\n' "$n" "$size" >> "$RESULTS"
  rm -rf "$dir" "$WORK/out-$n"
done
fi

python3 - "$RESULTS" "$WORK/commit" <<'PY' > BENCHMARKS.md
import collections, json, statistics, subprocess, sys, platform, datetime
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
# Runs per size, as measured (not as this invocation's RUNS says).
runs = max(collections.Counter(r[1] for r in rows if r[0] == "run").values(), default=0)
def secs(w):
    parts = [float(p) for p in w.split(":")]
    s = 0.0
    for p in parts:
        s = s * 60 + p
    return s
def cpu():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
mem = next((l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")), "0")
try:
    rev = open(sys.argv[2]).read().strip()
except OSError:
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
print("# Benchmarks\n")
print(f"Written by `benches/run.sh` on {datetime.date.today()} at commit `{rev}`: release build, median of {runs} runs.")
touch = [float(r[2]) for r in rows if r[0] == "page-touch"]
sha = [float(r[2]) for r in rows if r[0] == "sha256"]
figures = []
if touch:
    figures.append(f"a fresh 4 KiB page of memory took {statistics.median(touch):.2f} us"
                   f" (`benches/page-touch.c`, median of {len(touch)})")
if sha:
    figures.append(f"SHA-256 by coreutils ran at {statistics.median(sha):.0f} MB/s on one core"
                   f" (median of {len(sha)})")
calibration = ""
if figures:
    said = "; ".join(figures)
    calibration = f" {said[0].upper()}{said[1:]}: figures that compare machines where the CPU's name does not."

print(f"Machine: {cpu()}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores, {int(mem)//1024//1024} GiB memory, {platform.system()} {platform.release()}.{calibration}\n")
print("Each run: read, validate, calendar, metrics and render for a quarter (2026-27 Q2) with its")
print("eight-quarter trend, comparisons, financial year to date (TSM), the monthly pack and every report.\n")
print("| rows | CSV size | median wall | peak memory | rows/s | read | validate | calendar | metrics | render |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
sizes = {r[1]: int(r[2]) for r in rows if r[0] == "size"}
for n in sorted({r[1] for r in rows if r[0] in ("run", "sample")}, key=int):
    rs = [r for r in rows if r[0] in ("run", "sample") and r[1] == n]
    wall = statistics.median(secs(r[2]) for r in rs)
    rss = max(int(r[3]) for r in rs) / 1024
    t = [json.loads(r[4]) for r in rs]
    med = {k: statistics.median(x[k] for x in t) for k in ("read_ms", "validate_ms", "calendar_ms", "metrics_ms", "render_ms")}
    size = f"{sizes[n]/1e6:.0f} MB" if n in sizes else "sample"
    rate = int(n) / wall if wall else 0
    label = f"{int(n):,}" + (" (bundled sample)" if n == "5000" else "")
    print(f"| {label} | {size} | {wall:.2f} s | {rss:,.0f} MiB | {rate:,.0f} | " + " | ".join(f"{med[k]:.0f} ms" for k in med) + " |")
gens = [r for r in rows if r[0] == "generate"]
if gens:
    print("\nGenerating the inputs with `redress sample`:\n")
    print("| rows | wall | peak memory |")
    print("|---:|---:|---:|")
    for r in gens:
        print(f"| {int(r[1]):,} | {secs(r[2]):.1f} s | {int(r[3])/1024:,.0f} MiB |")
print("\nStage times are from `run.json` (`timings`); wall time includes process start and writing the files.")

# The targets of issue 7, met or not, and by how much.
def row(n):
    rs = [r for r in rows if r[0] in ("run", "sample") and r[1] == n]
    if not rs:
        return None
    return statistics.median(secs(r[2]) for r in rs), max(int(r[3]) for r in rs) / 1024
targets = [
    ("bundled sample under 0.3 s", "5000", lambda w, m: (w, 0.3, "s")),
    ("1M rows under 1.0 s", "1000000", lambda w, m: (w, 1.0, "s")),
    ("1M rows under 1 GiB", "1000000", lambda w, m: (m / 1024, 1.0, "GiB")),
    ("10M rows under 4 GiB", "10000000", lambda w, m: (m / 1024, 4.0, "GiB")),
]
print("\n## Against the targets\n")
print("| target | measured | met |")
print("|---|---:|---|")
for label, n, pick in targets:
    got = row(n)
    if got is None:
        print(f"| {label} | not run | - |")
        continue
    value, limit, unit = pick(*got)
    verdict = "yes" if value <= limit else f"no: {value / limit:.1f} times the target"
    print(f"| {label} | {value:.2f} {unit} | {verdict} |")
# Linear cost: ten times the rows should take about ten times as long (a
# fifth more is allowed for hash tables outgrowing the cache).
small, big = row("1000000"), row("10000000")
if small and big:
    ratio = big[0] / small[0]
    verdict = "yes" if ratio <= 12 else f"no: {ratio / 10:.1f} times linear"
    print(f"| 10M rows take about 10 times as long as 1M (up to 12) | {big[0]:.2f} s ÷ {small[0]:.2f} s = {ratio:.1f} times | {verdict} |")
else:
    print("| 10M rows take about 10 times as long as 1M (up to 12) | not run | - |")
PY
printf '\n' >> BENCHMARKS.md
cat benches/analysis.md >> BENCHMARKS.md
echo "wrote BENCHMARKS.md (inputs and outputs in $WORK)" >&2
