#!/usr/bin/env bash
# System packages hallq's tests and tools need, installed from Debian's archive.
# Used by .ci/run and by developers on a fresh machine (as root, or with sudo).
# Each tier adds its packages here, and only here (chromium + fonts-noto-cjk come with the
# browser tests).
set -euo pipefail

PACKAGES=(
  git   # the repository itself, and `duplicates`/hooks
  ca-certificates
  postgresql   # the central server's database; the server tests run on it as well as PGlite
  socat        # real pseudo-terminal pairs for the serial device tests and simulators
  chromium     # the screens' end-to-end tests and the kiosk benchmark (playwright-core drives it)
  fonts-noto-cjk # Chinese text in the screens and their screenshots
  libusb-1.0-0 # node-hid's Linux build loads it (without it, HID devices report "missing")
  poppler-utils # pdfinfo/pdftoppm: the capture tests check that exported PDFs have the right pages and render
  zbar-tools   # zbarimg: an independent QR decoder reads the printed tickets' QR codes back
  python3      # its gbk/gb18030 codecs: an independent decoder reads the printed tickets' Chinese back
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present (${PACKAGES[*]})"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
