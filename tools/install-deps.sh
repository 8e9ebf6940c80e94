#!/bin/sh
# install-deps.sh: install what storcat needs to build and test, on Debian 12
# (python3-dev and python3-pytest: the Python module, ./configure --with-python).
# Run as root (or through sudo). Installs nothing that is already there.
set -eu
PKGS="gcc make autoconf automake libtool pkg-config
      libsqlite3-dev libxml2-dev uuid-dev libsmartcols-dev libcmocka-dev
      libfdisk-dev libblkid-dev libmount-dev fdisk
      sqlite3 valgrind python3 groff-base man-db qemu-utils
      libiscsi-dev libiscsi-bin tgt
      lvm2 e2fsprogs util-linux
      python3-dev python3-pytest"
# libvirt, for tests/compat.test and bench/run: a private session libvirtd
# (libvirt-daemon; setpriv, from util-linux, runs it as nobody), client code
# built against libvirt's headers (libvirt-dev), virsh (libvirt-clients).
# libvirt-python (python3-libvirt), for tests/python's comparisons of
# names, parameters and constants with libvirt 9.0's binding.
# Without their recommendations, but with one emulator (qemu-system-x86):
# libvirt's qemu:///session answers virConnectGetVersion with the
# emulator's version, and fails without one ("Cannot find suitable
# emulator"), which tests/compat/connect.c compares.
LIBVIRT_PKGS="libvirt-daemon libvirt-clients libvirt-dev util-linux python3-libvirt
              qemu-system-x86"

missing() {
    for p in "$@"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
            printf ' %s' "$p"
    done
}
# shellcheck disable=SC2086 # lists of names, split on purpose
missing=$(missing $PKGS)
# shellcheck disable=SC2086
missing_libvirt=$(missing $LIBVIRT_PKGS)
if [ -n "$missing$missing_libvirt" ]; then
    echo "install-deps: installing$missing$missing_libvirt" >&2
    apt-get update -qq
fi
if [ -n "$missing" ]; then
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
if [ -n "$missing_libvirt" ]; then
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        $missing_libvirt >/dev/null
fi
