#!/bin/sh
# Make a swap image (util-linux mkswap) unless it exists:
#   swap-image.sh FILE SIZE LABEL
set -e
img=$1 size=$2 label=$3
[ -e "$img" ] && exit 0
mkswap=$(command -v mkswap || echo /sbin/mkswap)
[ -x "$mkswap" ] || mkswap=/usr/sbin/mkswap
mkdir -p "$(dirname "$img")"
rm -f "$img.tmp"
truncate -s "$size" "$img.tmp"
chmod 600 "$img.tmp"
"$mkswap" -L "$label" "$img.tmp" >/dev/null 2>&1 || { echo "swap-image: mkswap $img failed" >&2; exit 1; }
mv "$img.tmp" "$img"
