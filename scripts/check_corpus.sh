#!/usr/bin/env bash
# Imports the shared scanned-batch corpus (../shared/corpus) when it is present and scores
# every batch against its truth: every page at its truth position, no wrong automatic
# identification. Skipped, saying so, when the corpus is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${KORRIGO_CORPUS:-../shared/corpus}
if [ ! -x "$corpus/check_samples.sh" ]; then
  echo "corpus: $corpus not present, skipped"
  exit 0
fi
cargo build --release --locked -q -p korrigo-cli
bash "$corpus/check_samples.sh" "$PWD/target/release/korrigo" "${1:-$corpus/samples}"
