#!/bin/sh
# make-lvmmeta-corpus.sh DIR: writes the seed corpus of tests/fuzz/fuzz_lvmmeta
# (PV images: label, metadata area header, metadata text) into DIR.
# Synthetic images come from python3 (lvm2's layout, lib/format_text/layout.h);
# with lvm2 and root, the head of a real PV too (a loop device of its own,
# detached again). Run it again only to regenerate; the files are in git.
set -eu
dir=${1:?usage: make-lvmmeta-corpus.sh DIR}
mkdir -p "$dir"
python3 - "$dir" <<'PY'
import struct, sys, zlib
out = sys.argv[1]
def crc(data, c=0xf597a6cf):
    # lvm2's CRC-32: the reflected polynomial 0xedb88320, no final inversion.
    for b in data:
        c ^= b
        for _ in range(8):
            c = (c >> 1) ^ (0xedb88320 if c & 1 else 0)
    return c
TEXT = (b'vg-seed {\nid = "vcEA0d-EVaH-eHlM-njHY-2wMK-dmTD-5Eq0cF"\nseqno = 7\n'
        b'format = "lvm2"\nstatus = ["RESIZEABLE", "READ", "WRITE"]\n}\n')
def mda(img, off, size, toff, text, flags=0):
    h = bytearray(512)
    h[4:20] = b' LVM2 x[5A%r0N*>'
    struct.pack_into('<IQQ', h, 20, 1, off, size)
    struct.pack_into('<QQII', h, 40, toff, len(text), crc(text), flags)
    struct.pack_into('<I', h, 0, crc(bytes(h[4:])))
    img[off:off + 512] = h
    for i, b in enumerate(text):
        at = toff + i
        if at >= size:
            at = at - size + 512
        img[off + at] = b
def pv(name, size=24576, sector=0, mda_size=16384, toff=512, text=TEXT, flags=0, two=False,
       damage=None, cut=None):
    img = bytearray(size)
    s = 512 * sector
    img[s:s + 8] = b'LABELONE'
    struct.pack_into('<QII', img, s + 8, sector, 0, 32)
    img[s + 24:s + 32] = b'LVM2 001'
    ph = s + 32
    img[ph:ph + 32] = b'ahIygR2HjCNE1A4WyaRZ5Zkf25cXDb2w'
    struct.pack_into('<Q', img, ph + 32, size)
    struct.pack_into('<QQ', img, ph + 40, 1 << 20, 0)
    struct.pack_into('<QQ', img, ph + 72, 4096, mda_size)
    if two:
        struct.pack_into('<QQ', img, ph + 88, size - 4096, 4096)
        mda(img, size - 4096, 4096, 512, text)
    struct.pack_into('<I', img, s + 16, crc(bytes(img[s + 20:s + 512])))
    mda(img, 4096, mda_size, toff, text, flags)
    if damage is not None:
        img[damage] ^= 0x5a
    open('%s/%s' % (out, name), 'wb').write(img[:cut])
pv('valid')
pv('label-sector-2', sector=2)
pv('wrapped', mda_size=8192, toff=8192 - 40)
pv('ignored-then-second', flags=1, two=True)
pv('ignored-only', flags=1)
pv('label-crc', damage=16)
pv('mda-crc', damage=4096)
pv('text-offset-outside', toff=100)
pv('area-past-end', mda_size=1 << 20)
pv('no-seqno', text=b'vg-seed {\nid = "x"\n}\n')
pv('nested', text=b'vg-seed {\nsub {\nid = "x"\nseqno = 1\n}\n}\n')
pv('truncated', cut=4200)
PY
# The head of a real PV: lvm2 on a loop device of this script's own.
if [ "$(id -u)" = 0 ] && command -v pvcreate >/dev/null 2>&1; then
    tmp=$(mktemp -d)
    vg=corpus_seed_$$
    cfg='global{activation=0} devices{use_devicesfile=0}'
    truncate -s 16M "$tmp/pv.img"
    if loop=$(losetup --find --show "$tmp/pv.img" 2>/dev/null); then
        export LVM_SUPPRESS_FD_WARNINGS=1
        if vgcreate -q --config "$cfg" "$vg" "$loop" >/dev/null 2>&1 &&
            lvcreate -q --config "$cfg" -n seed -L 4M "$vg" --yes >/dev/null 2>&1; then
            dd if="$loop" of="$dir/real-pv-head" bs=4096 count=8 2>/dev/null
        fi
        vgremove -q -f --config "$cfg" "$vg" >/dev/null 2>&1 || true
        pvremove -q -y --config "$cfg" "$loop" >/dev/null 2>&1 || true
        losetup -d "$loop"
    fi
    rm -rf "$tmp"
fi
