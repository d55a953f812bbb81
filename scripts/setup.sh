#!/usr/bin/env bash
# One-time, idempotent set-up of a Debian/Ubuntu machine for building, running and
# testing the station. Installs only what is missing; fails with a clear message.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "setup: $*" >&2; exit 1; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || die "not root and no sudo: install the packages listed in scripts/setup.sh by hand"
  SUDO="sudo"
fi

PACKAGES=(build-essential pkg-config curl unzip python3 python3-pip clang libclang-dev
  libtesseract-dev libleptonica-dev tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng
  poppler-utils qpdf fonts-dejavu-core
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libxdo-dev
  libssl-dev file xvfb xauth webkit2gtk-driver
  postgresql gnome-keyring dbus keyutils)
# Node.js may come from elsewhere than Debian (its npm then is not a Debian package).
command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || die "apt-get not found: this set-up supports Debian/Ubuntu only (missing: ${missing[*]})"
  echo "setup: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq || die "apt-get update failed (no network?)"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install failed for: ${missing[*]}"
fi

command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs)"
if ! cargo nextest --version >/dev/null 2>&1; then
  echo "setup: installing cargo-nextest" >&2
  cargo install --locked cargo-nextest || die "could not install cargo-nextest"
fi

# libpdfium: no Debian package and no crate ships it; the pypdfium2 wheel carries a
# self-contained build (BSD/Apache). Pinned so that every machine renders alike.
PYPDFIUM2_VERSION=5.15.2
lib=vendor/pdfium/libpdfium.so
if [ ! -s "$lib" ]; then
  echo "setup: fetching libpdfium from pypdfium2 $PYPDFIUM2_VERSION" >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download -q --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
    "pypdfium2==$PYPDFIUM2_VERSION" -d "$tmp" || die "could not download the pypdfium2 wheel from PyPI"
  mkdir -p vendor/pdfium
  unzip -o -j -q "$tmp"/pypdfium2-*.whl 'pypdfium2_raw/libpdfium.so' -d "$tmp/x" \
    || die "the pypdfium2 wheel has no pypdfium2_raw/libpdfium.so"
  mv "$tmp/x/libpdfium.so" "$lib.tmp" && mv "$lib.tmp" "$lib"
fi
# The desktop window's real-window tests drive it through tauri-driver.
if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  echo "setup: installing tauri-driver" >&2
  cargo install --locked tauri-driver || die "could not install tauri-driver"
fi

# The UI's packages, as locked (npm install: the lock only holds this platform's entries).
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "setup: installing the UI's npm packages" >&2
  (cd ui && npm install --no-audit --no-fund --loglevel=error) || die "npm install failed in ui/"
fi

echo "setup: ready (libpdfium at $lib)" >&2
