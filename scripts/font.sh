#!/usr/bin/env bash
# Rebuilds crates/export/assets/DejaVuSans.ttf, the font of exported PDFs, from Debian's
# DejaVu Sans: the scripts a French school writes in (Latin, Greek, Cyrillic, maths,
# arrows, symbols), without hinting and without the long licence text in the font's
# name table (the licence ships next to the file), so that each PDF's subset stays small.
set -euo pipefail
cd "$(dirname "$0")/.."
src=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
[ -f "$src" ] || { echo "font.sh: install fonts-dejavu-core" >&2; exit 1; }
python3 -m fontTools.subset --help >/dev/null 2>&1 || python3 -m pip install -q fonttools
python3 -m fontTools.subset "$src" \
  --unicodes='U+0020-007E,U+00A0-024F,U+0300-036F,U+0370-03FF,U+0400-04FF,U+2000-206F,U+2070-209F,U+20A0-20CF,U+2100-23FF,U+2460-24FF,U+2500-27BF,U+FFFD' \
  --no-hinting --name-IDs=0,1,2,3,4,5,6 --name-languages=0x409 --layout-features='' \
  --output-file=crates/export/assets/DejaVuSans.ttf
