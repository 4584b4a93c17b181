#!/bin/bash
# Images for the block tests, in DIR (default build/blk-test): swap.img
# (256 MiB, util-linux mkswap), blank1.img, blank2.img and blkdebug.conf, which fails reads that
# touch sector BAD_READ and writes that touch BAD_WRITE with EIO.
# Prints the kernel command-line words the error test needs.
set -eu
dir=${1:-build/blk-test}
BAD_READ=40960 BAD_WRITE=81920
mkswap=$(command -v mkswap || echo /sbin/mkswap)
[ -x "$mkswap" ] || mkswap=/usr/sbin/mkswap
mkdir -p "$dir"
rm -f "$dir/swap.img"
truncate -s 256M "$dir/swap.img"
chmod 600 "$dir/swap.img"
"$mkswap" -L swaplab-test "$dir/swap.img" >/dev/null 2>&1
# Two small blank disks, attached before swap.img so that it shares an
# INTx line with one of them.
for i in 1 2; do
	rm -f "$dir/blank$i.img"
	truncate -s 16M "$dir/blank$i.img"
done
cat > "$dir/blkdebug.conf" <<EOF2
# Every read touching sector $BAD_READ and every write touching
# sector $BAD_WRITE fails with EIO (errno 5).
[inject-error]
event = "read_aio"
errno = "5"
sector = "$BAD_READ"
once = "off"

[inject-error]
event = "write_aio"
errno = "5"
sector = "$BAD_WRITE"
once = "off"
EOF2
echo "blktest.bad_read=$BAD_READ blktest.bad_write=$BAD_WRITE"
