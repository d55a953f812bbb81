#!/usr/bin/env bash
# The token-in-the-OS-keyring test of korrigo-sync, against a real Secret Service: a
# private D-Bus session with gnome-keyring unlocked by a throwaway password, in a fresh
# XDG_DATA_HOME (the user's own keyring is never touched). Installs gnome-keyring and
# dbus when they are missing (Debian/Ubuntu).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
missing=()
command -v gnome-keyring-daemon >/dev/null || missing+=(gnome-keyring)
command -v dbus-run-session >/dev/null || missing+=(dbus)
command -v keyctl >/dev/null || missing+=(keyutils)
if [ ${#missing[@]} -gt 0 ]; then
  echo "keyring-test: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

export XDG_DATA_HOME
XDG_DATA_HOME=$(mktemp -d)
trap 'rm -rf "$XDG_DATA_HOME"' EXIT
# keyring's persistent Linux store writes the Secret Service and caches in the kernel's
# session keyring: give the run a session keyring of its own too.
exec dbus-run-session -- keyctl session - sh -c '
  eval "$(printf korrigo-keyring-test | gnome-keyring-daemon --unlock --components=secrets)"
  exec '"${CARGO:-cargo}"' nextest run '"${KORRIGO_WORKSPACE:---workspace --locked}"' --run-ignored only -E "package(korrigo-sync) and test(keyring)" "$@"
' keyring-test "$@"
