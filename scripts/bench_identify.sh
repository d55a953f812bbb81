#!/usr/bin/env bash
# Identification benchmark: generates class batches with ../shared/corpus/gen_batch.py
# (several seeds, every font, faults upside_down,unknown_student,blank_verso; A3 and A4;
# JPEG 200 dpi and CCITT 300 dpi with /Rotate 270; 30-student classes), imports each
# with header reading (seeds from $SEEDS, default "1 2 3") and prints, per batch and in all: wrong automatic identifications,
# the automatically identified share, copies/s of the whole import, peak RSS.
# Needs: pip install pillow numpy img2pdf pypdf; fonts-dkg-handwriting fonts-humor-sans
# fonts-comic-neue (the generator's handwriting).
set -euo pipefail
cd "$(dirname "$0")/.."
gen=${KORRIGO_CORPUS:-../shared/corpus}/gen_batch.py
[ -f "$gen" ] || { echo "bench: $gen not found"; exit 2; }
out=target/bench-identify
mkdir -p "$out"
cargo build --release --locked -q -p korrigo-cli
cp target/release/korrigo "$out/korrigo"
bin=$PWD/$out/korrigo
export OMP_THREAD_LIMIT=1
faults=upside_down,unknown_student,blank_verso
configs=()
for seed in ${SEEDS:-1 2 3}; do
  for font in dkg humor comic; do
    configs+=("a3-jpeg-$font-$seed|--seed $seed --fonts $font --mode a3 --encoding jpeg --dpi 200")
  done
  configs+=("a3-ccitt-r270-$seed|--seed $((seed + 10)) --mode a3 --encoding ccitt --dpi 300 --rotate270")
  configs+=("a4-jpeg-$seed|--seed $((seed + 20)) --mode a4 --encoding jpeg --dpi 200")
  configs+=("a3-2sheets-$seed|--seed $((seed + 30)) --mode a3 --encoding jpeg --dpi 200 --sheets 2")
done
tot_copies=0; tot_wrong=0; tot_auto=0; tot_known=0; tot_time=0
for c in "${configs[@]}"; do
  name=${c%%|*}; args=${c#*|}
  b=$out/$name
  [ -f "$b/truth.json" ] || python3 "$gen" "$b" --students 30 --absent 2 --faults "$faults" $args >/dev/null
  d=$(mktemp -d)
  k() { "$bin" --data-dir "$d" --json "$@"; }
  exam=$(k exam create --name "$name" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  k roster import --exam "$exam" "$b/students.csv" >/dev/null
  /usr/bin/env time -f "%e %M" -o "$d/time" "$bin" --data-dir "$d" --json import --exam "$exam" "$b/batch.pdf" >/dev/null 2>"$d/err" || { echo "$name: import failed: $(cat "$d/err")"; continue; }
  read -r secs rss <"$d/time"
  k copies --exam "$exam" >"$d/copies.json"
  line=$(python3 scripts/score_corpus.py "$b/truth.json" "$d/copies.json" || true)
  read -r copies wrong auto known < <(python3 -c "
import json,sys; r=json.loads(sys.argv[1]); t=json.load(open(sys.argv[2]))
print(r['copies'], r['wrong_auto'], r['auto_identified'], sum(1 for c in t['copies'] if c['email']))" "$line" "$b/truth.json")
  printf '%-22s %5.1f copies/s  peak %4d MB  %s\n' "$name" "$(python3 -c "print($copies / $secs)")" "$((rss / 1024))" "$line"
  tot_copies=$((tot_copies + copies)); tot_wrong=$((tot_wrong + wrong)); tot_auto=$((tot_auto + auto)); tot_known=$((tot_known + known))
  tot_time=$(python3 -c "print($tot_time + $secs)")
  rm -rf "$d"
done
python3 -c "print(f'ALL: {$tot_copies} copies, wrong automatic identifications: {$tot_wrong}, automatic: {$tot_auto}/{$tot_known} = {$tot_auto/$tot_known:.1%}, {$tot_copies/$tot_time:.2f} copies/s')"
