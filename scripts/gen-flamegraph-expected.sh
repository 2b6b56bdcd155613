#!/bin/sh
# Regenerates test/fixtures/interop/flamegraph/: kscope's folded exports of the two real
# recordings (test/fixtures/exports/profile-{a,b}.ndjson) and of a folded file with edge
# cases, and what FlameGraph's own scripts make of them:
#   *.titles.txt      flamegraph.pl --minwidth 0 (each frame's <title>: "name (N samples, P%)"),
#                     the frames and inclusive counts it draws (its SVG embeds its own script,
#                     which is not kscope's to commit; the titles are its output data)
#   profile-a-b.difffolded   difffolded.pl profile-a.folded profile-b.folded
# FlameGraph's code is not part of kscope: it comes from a checkout named by FLAMEGRAPH_DIR
# for this run only (commit in ../FLAMEGRAPH_COMMIT). Needs `npm run build` first.
#   FLAMEGRAPH_DIR=/tmp/FlameGraph sh scripts/gen-flamegraph-expected.sh
set -eu
cd "$(dirname "$0")/.."
FG=${FLAMEGRAPH_DIR:?set FLAMEGRAPH_DIR to a FlameGraph checkout}
OUT=test/fixtures/interop/flamegraph
mkdir -p "$OUT"
for r in a b; do
  node dist/electron/cli.cjs export "test/fixtures/exports/profile-$r.ndjson" --format folded > "$OUT/profile-$r.folded"
done
titles() { perl "$FG/flamegraph.pl" --minwidth 0 "$1" 2> /dev/null | grep -o '<title>[^<]*</title>' | sed 's#^<title>##; s#</title>$##'; }
for f in "$OUT"/*.folded; do
  titles "$f" > "${f%.folded}.titles.txt"
done
perl "$FG/difffolded.pl" "$OUT/profile-a.folded" "$OUT/profile-b.folded" > "$OUT/profile-a-b.difffolded"
echo "FlameGraph outputs written to $OUT"
