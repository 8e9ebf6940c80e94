#!/bin/sh
# make-probe-corpus.sh: (re)makes the probe's seed corpus,
# tests/fuzz/corpus/probe, from images qemu-img makes in a temporary
# directory: the first bytes of each (what the formats' headers need), so
# that the corpus stays small. Not run by make; run it by hand from the
# source tree when a format is added, and commit the result:
#     sh tests/fuzz/make-probe-corpus.sh
set -eu
out=$(cd "$(dirname "$0")" && pwd)/corpus/probe
tmp=$(mktemp -d "${TMPDIR:-/tmp}/probe-corpus.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
secret="--object secret,id=sec0,data=abc"
q() { qemu-img create -q "$@"; }

q -f raw base.img 1M
q -f qcow2 -o compat=0.10 qcow2-v2 1M
q -f qcow2 -o compat=1.1,lazy_refcounts=on,cluster_size=2M qcow2-v3-lazy 1G
q -f qcow2 -b base.img -F raw qcow2-backing
q -f qcow2 $secret -o encrypt.format=luks,encrypt.key-secret=sec0,encrypt.iter-time=10 qcow2-luks 1M
q -f qcow -b base.img -F raw qcow-backing
q -f qed -b base.img -F raw qed-backing
q -f vmdk vmdk-base 1M
q -f vmdk -b vmdk-base -F vmdk vmdk-child
q -f vmdk -o subformat=monolithicFlat vmdk-desc 4M
q -f vdi vdi 3M
q -f vpc vpc-dynamic 16M
q -f vpc -o subformat=fixed vpc-fixed 1M
q -f vhdx vhdx 16M
q -f luks $secret -o key-secret=sec0,iter-time=10 luks 1M

mkdir -p "$out"
rm -f "$out"/*
for f in qcow2-v2 qcow2-v3-lazy qcow2-backing qcow2-luks qcow-backing qed-backing \
         vmdk-child vdi vhdx luks; do
    head -c 2048 "$f" >"$out/$f"
done
cp vmdk-desc vpc-dynamic "$out/"
tail -c 1024 vpc-fixed >"$out/vpc-fixed-end"
# iso9660: zeros, then the primary volume descriptor in sector 16.
{ head -c 32768 /dev/zero; printf '\001CD001\001'; head -c 2041 /dev/zero; } >"$out/iso"
ls -l "$out"
