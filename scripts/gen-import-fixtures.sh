#!/bin/sh
# Regenerates test/fixtures/imports/: real `perf script` output and real bpftrace 0.17 TEXT
# output (what a terminal shows, not -f json), plus the seed article's lesson outputs.
# Needs root, bpftrace, and perf (Debian: apt-get install -y linux-perf) — the tests that
# read these files need neither.
#   sh scripts/gen-import-fixtures.sh [seed-article-path]
set -eu
cd "$(dirname "$0")/.."
OUT=test/fixtures/imports
SEED=${1:-/work/shared/seeds/000_ab57784da6eabd7a.txt}
mkdir -p "$OUT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Some CPU work while sampling, so the profiles hold user and kernel stacks, not only idle.
busy() {
  ( dd if=/dev/urandom bs=1M count=64 status=none | gzip -1 > /dev/null ) &
  ( perl -e 'my $x = 0; $x += $_ for 1 .. 20_000_000' ) &
  ( find /usr/lib -name '*.so*' -type f 2>/dev/null | head -2000 | xargs cat > /dev/null 2>&1 ) &
  wait
}

# --- perf script (perf record -g, cpu-clock at 29 Hz, all CPUs, 2 s: ~115 samples, < 300 KB) ---
# perf-script.folded is perf's own stackcollapse.py over the same perf.data: the test checks
# that importing the perf script text gives the same stacks and totals.
if command -v perf > /dev/null; then
  perf record -q -o "$TMP/perf.data" -e cpu-clock -F 29 -g -a -- sleep 2 > /dev/null 2>&1 &
  PERF=$!
  busy
  wait $PERF
  perf script -i "$TMP/perf.data" 2> /dev/null > "$OUT/perf-script.txt"
  COLLAPSE=$(find /usr/lib/perf-core /usr/libexec/perf-core /usr/share/perf-core -name stackcollapse.py 2> /dev/null | head -1)
  perf script -i "$TMP/perf.data" -s "$COLLAPSE" 2> /dev/null > "$OUT/perf-script.folded"
  # Two events in one file (a sampling event and a tracepoint), for one map per event.
  perf record -q -o "$TMP/perf2.data" -e cpu-clock -e sched:sched_switch -F 99 -g -a -- sleep 1 > /dev/null 2>&1
  perf script -i "$TMP/perf2.data" 2> /dev/null | head -c 120000 | sed '$d' > "$OUT/perf-script-two-events.txt"
else
  echo "perf not installed: perf fixtures left as they are" >&2
fi

# --- bpftrace text output (stdout only, as a terminal shows it; stderr to a file) ---
bt() { # NAME SCRIPT
  name=$1
  shift
  printf '%s\n' "$1" > "$OUT/bpftrace-$name.bt"
  bpftrace -e "$1" > "$OUT/bpftrace-$name.txt" 2> "$TMP/$name.stderr" || true
}
bt count-hist 'tracepoint:syscalls:sys_enter_read { @[comm] = count(); @h = hist(args->count); } interval:s:2 { exit(); }' &
busy
wait
bt kstack 'profile:hz:99 { @[kstack] = count(); } interval:s:2 { exit(); }' &
busy
wait
bt kstack-comm 'profile:hz:99 { @[kstack, comm] = count(); } interval:s:2 { exit(); }' &
busy
wait
bt lhist-stats 'tracepoint:syscalls:sys_exit_read /args->ret >= 0/ { @lh = lhist(args->ret, 0, 1000, 100); @st = stats(args->ret); @avg[comm] = avg(args->ret); @tup = (comm, pid); @str = comm; } tracepoint:syscalls:sys_enter_openat { @files[comm, pid] = count(); } interval:s:2 { exit(); }' &
busy
wait
bt interval 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); @lat = hist(nsecs % 100000); } interval:s:1 { time(); print(@); print(@lat); } interval:s:3 { exit(); }' &
busy
wait
bt printf 'tracepoint:syscalls:sys_enter_openat { printf("%s %s\n", comm, str(args->filename)); } interval:ms:300 { exit(); }' &
busy
wait
head -n 300 "$OUT/bpftrace-printf.txt" > "$TMP/p" && mv "$TMP/p" "$OUT/bpftrace-printf.txt"

# Deterministic scripts (BEGIN only) whose -f json output is already a fixture in
# test/fixtures/bpftrace-0.17/: their text output must import to the same events.
for name in avg hist lhist maps stats; do
  bpftrace "test/fixtures/bpftrace-0.17/$name.bt" > "$OUT/json-twin-$name.txt" 2> /dev/null || true
done

# --- a ustack map whose keys repeat within one print: two busy processes with the same comm
# and stack print the same key text (bpftrace 0.17 text); @total counts the same samples.
dup_ustack() {
  cp /bin/bash "$TMP/kscope-busy"
  "$TMP/kscope-busy" -c 'while :; do :; done' & B1=$!
  "$TMP/kscope-busy" -c 'while :; do :; done' & B2=$!
  bpftrace -e 'profile:hz:999 /comm == "kscope-busy"/ { @[ustack(2), comm] = count(); @total = count(); }' \
    > "$OUT/bpftrace-ustack-dup.txt" 2> /dev/null &
  BT=$!
  sleep 4; kill -INT $BT; wait $BT || true
  kill -9 $B1 $B2
  echo "profile:hz:999 /comm == \"kscope-busy\"/ { @[ustack(2), comm] = count(); @total = count(); }" > "$OUT/bpftrace-ustack-dup.bt"
}
dup_ustack

# --- the seed article's lesson outputs (bpftrace 0.9-era text, as the article prints them) ---
lesson() { # N FROM TO: lines of the article, the "$ bpftrace ..." line through the output
  sed -n "$2,$3p" "$SEED" > "$OUT/seed-lesson-$1.txt"
}
if [ -f "$SEED" ]; then
  lesson 2 319 322
  lesson 3 330 335
  lesson 4 355 362
  lesson 5 374 386
  lesson 6 400 416
  lesson 7 434 460
  lesson 8 468 480
  lesson 9 490 509
  lesson 10 519 540
  lesson 11 548 570
else
  echo "seed article not found at $SEED: seed-lesson-*.txt left as they are" >&2
fi
ls -la "$OUT"
