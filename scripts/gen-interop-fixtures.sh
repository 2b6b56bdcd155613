#!/bin/sh
# Regenerates test/fixtures/interop/: real `perf script` text made with Debian's linux-perf on
# this machine in several header shapes (with and without time, period, cpu), and the
# output of the reference reader, FlameGraph's stackcollapse-perf.pl, over each (*.collapsed).
# FlameGraph's code is not part of kscope: it is brought in for this run only, from a
# checkout named by FLAMEGRAPH_DIR (https://github.com/brendangregg/FlameGraph, commit in
# test/fixtures/interop/README.md). Needs root (perf record), g++, perl.
#   FLAMEGRAPH_DIR=/tmp/FlameGraph sh scripts/gen-interop-fixtures.sh
set -eu
cd "$(dirname "$0")/.."
OUT=test/fixtures/interop
FG=${FLAMEGRAPH_DIR:?set FLAMEGRAPH_DIR to a FlameGraph checkout}
mkdir -p "$OUT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# A C++ program whose frames carry template arguments and std::function wrappers (what
# stackcollapse-perf.pl tidies), built with frame pointers so perf -g walks it.
cat > "$TMP/prog.cpp" <<'CPP'
#include <functional>
#include <vector>
#include <cstdio>
static volatile unsigned long sink;
__attribute__((noinline)) unsigned long spin(int n, double scale) { unsigned long x = 0; for (int i = 0; i < n; i++) x += i * (unsigned long)scale; return x; }
__attribute__((noinline)) void work(const std::vector<int>& v) { for (int k : v) sink += spin(k, 1.5); }
__attribute__((noinline)) void viaFunction(std::function<void(const std::vector<int>&)> f, const std::vector<int>& v) { f(v); }
int main() { std::vector<int> v(64, 200000); for (int r = 0; r < 40; r++) { viaFunction(work, v); work(v); } printf("%lu\n", (unsigned long)sink); }
CPP
g++ -O0 -fno-omit-frame-pointer -o "$TMP/kscope-interop" "$TMP/prog.cpp"

# 1. cpu-clock (a fixed period) over the C++ program: the default `perf script` header.
perf record -q -o "$TMP/cpu.data" -e cpu-clock -F 97 -g -- "$TMP/kscope-interop" > /dev/null 2>&1
perf script -i "$TMP/cpu.data" 2> /dev/null | sed "s#$TMP/##g" > "$OUT/perf-cpp.txt"

# 2. page-faults in frequency mode: every sample has its own period (1..30 faults), so
#    weighting by period and counting samples differ. Four header shapes of one perf.data.
perf record -q -o "$TMP/pf.data" --sample-cpu -e page-faults -F 400 -g -- \
  perl -e 'my @a; push @a, "x" x 50000 for 1..6000; my $s = 0; $s += length($_) for @a; print "$s\n"' > /dev/null 2>&1
perf script -i "$TMP/pf.data" 2> /dev/null > "$OUT/perf-faults.txt"
perf script -i "$TMP/pf.data" -F comm,pid,tid,event,ip,sym,dso 2> /dev/null > "$OUT/perf-faults-no-time.txt"
perf script -i "$TMP/pf.data" -F comm,pid,tid,cpu,time,period,event,ip,sym,dso 2> /dev/null > "$OUT/perf-faults-cpu-period.txt"
perf script -i "$TMP/pf.data" -F comm,tid,period,event,ip,sym,dso 2> /dev/null > "$OUT/perf-faults-tid-period.txt"

# 3. No call graphs (perf record without -g): one line a sample, perf right-aligning the comm
#    ("  kscope-interop- 123 ...: 10309278 cpu-clock:  55d0 spin+0x69 (prog)"). The
#    reference here is perf's own report (stackcollapse-perf.pl reads no sample of it).
perf record -q -o "$TMP/nog.data" -e cpu-clock -F 97 -- "$TMP/kscope-interop" > /dev/null 2>&1
perf script -i "$TMP/nog.data" 2> /dev/null | sed "s#$TMP/##g" > "$OUT/perf-cpp-no-callgraph.txt"
perf report -i "$TMP/nog.data" --stdio -F period,sample,comm,sym 2> /dev/null | grep -v '^#' | grep -v '^$' > "$OUT/perf-cpp-no-callgraph.report"

# The reference reader's output over each (and over the hand-written Java/inline sample).
for f in "$OUT"/perf-*.txt; do
  perl "$FG/stackcollapse-perf.pl" "$f" > "${f%.txt}.collapsed"
done
echo "${FLAMEGRAPH_COMMIT:-$(git -C "$FG" rev-parse HEAD 2> /dev/null || echo unknown)}" > "$OUT/FLAMEGRAPH_COMMIT"
echo "interop fixtures written to $OUT"
