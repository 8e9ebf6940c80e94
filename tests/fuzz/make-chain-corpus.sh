#!/bin/sh
# make-chain-corpus.sh: (re)makes the chain walk's seed corpus,
# tests/fuzz/corpus/chain: sets of up to four images (a.img first) that
# qemu-img makes, joined by the separator tests/fuzz/fuzz_chain.c splits
# them at. Each image is cut to its first 4 KiB (what the headers need).
# Not run by make; run it by hand from the source tree and commit the
# result:
#     sh tests/fuzz/make-chain-corpus.sh
set -eu
out=$(cd "$(dirname "$0")" && pwd)/corpus/chain
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chain-corpus.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/pool" "$tmp/outside"
cd "$tmp/pool"
q() { qemu-img create -q -u "$@"; }
# seed NAME FILE...: the files, in order, as one input.
seed() {
    name=$1
    shift
    first=1
    for f in "$@"; do
        [ $first = 1 ] || printf 'SCFILE::'
        first=0
        head -c 4096 "$f"
    done >"$out/$name"
}

mkdir -p "$out"
rm -f "$out"/*
q -f raw base 1M
q -f qcow2 -b b.img -F raw good-a 1M                      # a -> b (raw)
seed good-chain good-a base
q -f qcow2 -b c.img -F qcow2 two-a 1M
q -f qcow2 -b d.img -F raw two-b 1M
seed good-deep two-a two-b two-b base
q -f qcow2 -b ../outside/secret -F raw up 1M           # relative, out of the pool
seed outside-relative up
q -f qcow2 -b /etc/shadow -F raw abs 1M
seed outside-absolute abs
q -f qcow2 -b 'json:{"driver":"raw","file":{"filename":"/etc/shadow"}}' -F raw js 1M
seed json-backing js
q -f qcow2 -b nbd://127.0.0.1:10809/x -F raw nbd 1M
seed protocol-backing nbd
q -f qcow2 -b b.img -F qcow2 loop-a 1M
q -f qcow2 -b a.img -F qcow2 loop-b 1M
seed loop loop-a loop-b
q -f qcow2 -b ./a.img -F qcow2 self 1M
seed self-loop self
q -f qcow2 -o data_file=../outside/secret df 1M
seed data-file-outside df
q -f qcow2 -o data_file=b.img dfin 1M
seed data-file-inside dfin base
printf '# Disk DescriptorFile\nversion=1\ncreateType="monolithicFlat"\nRW 2048 FLAT "../outside/secret" 0\n' >vd
seed vmdk-extent-outside vd
printf '# Disk DescriptorFile\nversion=1\ncreateType="monolithicFlat"\nRW 2048 FLAT "b.img" 0\nRW 2048 ZERO\n' >vdin
seed vmdk-extent-inside vdin base
q -f vmdk mono 1M
seed vmdk-sparse mono
q -f qcow -b b.img -F raw qcow1 1M
seed qcow1-chain qcow1 base
q -f qed -b b.img -F raw qed 1M
seed qed-chain qed base
cp mono b.img
q -f vmdk -b b.img -F vmdk vmdkchild 1M
seed vmdk-parent vmdkchild mono
ls -l "$out"
