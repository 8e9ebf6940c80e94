#!/bin/sh
# install-deps.sh: install what storcat needs to build and test, on Debian 12.
# Run as root (or through sudo). Installs nothing that is already there.
set -eu
PKGS="gcc make autoconf automake libtool pkg-config
      libsqlite3-dev libxml2-dev uuid-dev libsmartcols-dev libcmocka-dev
      libfdisk-dev libblkid-dev fdisk
      sqlite3 valgrind python3 groff-base man-db qemu-utils
      libiscsi-dev libiscsi-bin tgt
      lvm2 e2fsprogs util-linux"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "install-deps: installing$missing" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
