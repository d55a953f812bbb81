#!/usr/bin/env bash
# The real-window test: builds the UI and the desktop app (serving the built UI from
# inside the binary), generates a small scanned batch and a roster, starts tauri-driver
# under Xvfb and walks the station's main path (ui/e2e/main-path.mjs). Screenshots of
# every screen visited land in target/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
command -v tauri-driver >/dev/null || { echo "window-test: tauri-driver missing (make setup)" >&2; exit 1; }
command -v WebKitWebDriver >/dev/null || { echo "window-test: WebKitWebDriver missing (make setup)" >&2; exit 1; }

# The same packages and features as the unit tests' build (see KORRIGO_WORKSPACE in the
# Makefile), so nothing already built for them is built again.
# shellcheck disable=SC2086
cargo build -q ${KORRIGO_WORKSPACE:---workspace --locked --features korrigo-desktop/custom-protocol} --bins --tests
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target/debug/make-batch "$work/batch.pdf" --copies 2 --dpi 100 --mode a3 --encoding jpeg --seed 4 --plain >/dev/null
printf 'Nom;Prénom;Né(e) le\nMARTIN;Élodie;07/03/2010\nDURAND;Yanis;12/12/2010\nPETIT;Léa;01/09/2010\n' >"$work/roster.csv"
rm -rf target/screenshots && mkdir -p target/screenshots

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
native=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export KORRIGO_DATA_DIR="$work/data" KORRIGO_USER=prof XDG_CONFIG_HOME="$work/config" \
  XDG_DATA_HOME="$work/share" KORRIGO_SCREENSHOTS="$PWD/target/screenshots"
export WORK="$work" PORT="$port" NATIVE="$native" APP="$PWD/target/debug/korrigo-station"

timeout 600 xvfb-run -a -s "-screen 0 1280x1024x24" bash -c '
  tauri-driver --port "$PORT" --native-port "$NATIVE" >"$WORK/driver.log" 2>&1 &
  driver=$!
  trap "kill -TERM $driver 2>/dev/null; wait $driver 2>/dev/null" EXIT
  for _ in $(seq 1 100); do
    curl -s "http://127.0.0.1:$PORT/status" >/dev/null && break
    sleep 0.1
  done
  cd ui && node e2e/main-path.mjs "$APP" "$WORK/batch.pdf" "$WORK/roster.csv" "$WORK" "http://127.0.0.1:$PORT"
' || { echo "window-test: failed; tauri-driver said:" >&2; cat "$work/driver.log" >&2 || true; exit 1; }
