#!/usr/bin/env bash
# Imports every batch of the shared scanned-batch corpus (../shared/corpus/samples, or the
# folder given) when it is present, and checks each against its truth with
# scripts/score_corpus.py: every page at its truth position, nothing joined wrongly, no
# wrong automatic identification. Skipped, saying so, when the corpus is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${KORRIGO_CORPUS:-../shared/corpus}
dir=${1:-$corpus/samples}
if [ ! -d "$dir" ]; then
  echo "corpus: $dir not present, skipped"
  exit 0
fi
cargo build --release --locked -q -p korrigo-cli
bin=$PWD/target/release/korrigo
export OMP_THREAD_LIMIT=1
fail=0
for b in "$dir"/*/; do
  [ -f "$b/truth.json" ] || continue
  d=$(mktemp -d)
  k() { "$bin" --data-dir "$d" --json "$@"; }
  exam=$(k exam create --name "$(basename "$b")" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  k roster import --exam "$exam" "$b/students.csv" >/dev/null
  start=$(date +%s.%N)
  k import --exam "$exam" "$b/batch.pdf" >/dev/null
  end=$(date +%s.%N)
  k copies --exam "$exam" >"$d/copies.json"
  printf "%s (%s s): " "$(basename "$b")" "$(python3 -c "print(round($end - $start, 1))")"
  python3 scripts/score_corpus.py "$b/truth.json" "$d/copies.json" || fail=1
  rm -rf "$d"
done
exit $fail
