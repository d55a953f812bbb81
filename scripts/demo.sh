#!/usr/bin/env bash
# Runs the station headless on a generated class batch: creates an exam, imports the
# scanner PDF and lists the copies it found.
set -euo pipefail
cd "$(dirname "$0")/.."
demo=target/demo
cargo build --release --locked -q -p korrigo-cli -p korrigo-fixtures
mkdir -p "$demo"
[ -s "$demo/batch.pdf" ] || target/release/make-batch "$demo/batch.pdf" --copies 12 --dpi 200 --mode a3 --encoding jpeg --seed 7
rm -rf "$demo/data"
k() { target/release/korrigo --data-dir "$demo/data" "$@"; }
exam=$(k exam create --name "Démo — DS n°3")
echo "exam $exam"
k import --exam "$exam" "$demo/batch.pdf"
k copies --exam "$exam"
echo
echo "Render a page: target/release/korrigo --data-dir $demo/data page render --copy <id> --page 1 -o page.png"
