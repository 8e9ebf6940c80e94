/*
 * lvmmeta.h: what an LVM2 physical volume says about its volume group's
 * metadata, read from its disk without running lvm2.
 *
 * A logical pool's refresh first asks whether the VG's metadata changed
 * since the last one; the answer is on the disk of any of its PVs (the
 * layout is lvm2's lib/format_text/layout.h and lib/label/label.h):
 *
 *   - the label, in one of the first four 512-byte sectors: "LABELONE",
 *     its own sector number, a CRC of the rest of the sector, the offset
 *     of the PV header and the type "LVM2 001";
 *   - the PV header: the PV's UUID (32 characters), the device size, a
 *     list of data areas and a list of metadata areas (offset and size in
 *     bytes from the start of the device), each ended by a zero entry;
 *   - at the start of each metadata area, a 512-byte header: a CRC of the
 *     rest of it, the magic " LVM2 x[5A%r0N*>", version 1, the area's own
 *     offset and size, and the locations of the metadata text (offset from
 *     the area's start, size, CRC of the text, flags), ended by a zero
 *     entry; the first is the committed metadata. The area is a circular
 *     buffer: text that runs past its end goes on after the header;
 *   - the text itself begins "VGNAME {", then "id = \"VG-UUID\"" and
 *     "seqno = N", the number lvm2 increments at every change.
 *
 * Every byte of it is hostile until checked: the CRCs, the magic, the
 * version, that every offset and size lies inside the device, the area and
 * the buffers. Anything unexpected is not an error but a "cannot tell": the
 * caller then asks lvm2. The parsing is pure, over a read callback, so
 * that a libFuzzer target (tests/fuzz/fuzz_lvmmeta.c) drives all of it
 * from memory.
 */
#ifndef SC_LVMMETA_H
#define SC_LVMMETA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* lvm2's CRC (lib/misc/crc.c): CRC-32 of polynomial 0xedb88320, no final
 * inversion, started at SC_LVM_CRC_INITIAL. */
#define SC_LVM_CRC_INITIAL 0xf597a6cfU
uint32_t scLvmCrc(uint32_t crc, const void *buf, size_t len);

/* Longest VG name (lvm2's NAME_LEN less its NUL). */
#define SC_LVM_NAME_MAX 127

/* What one PV's disk says. */
typedef struct {
    char pv_uuid[33];                  /* the PV's UUID as on disk: 32 characters, no dashes */
    uint64_t dev_size;                 /* bytes, as the PV header says */
    bool has_meta;                     /* a metadata area with committed text was read */
    char vg_name[SC_LVM_NAME_MAX + 1]; /* the rest only when has_meta */
    char vg_id[40];                    /* the VG's UUID as the text writes it (dashed) */
    unsigned long long seqno;
    uint32_t text_crc;    /* the committed text's CRC, from its header */
    uint64_t text_offset; /* ... and its place in the area */
    uint64_t text_size;
} scLvmPvMeta;

/* Reads exactly @len bytes at @offset of the device into @buf: 0, or -1
 * (nothing reported: the reader is asked to tell why). */
typedef int (*scLvmReadFn)(void *opaque, uint64_t offset, void *buf, size_t len);

/*
 * scLvmMetaRead:
 * Reads the label of a PV through @read (@size: the device's size in
 * bytes, which every offset must respect), then the first metadata area
 * whose header is sound and not ignored, the head of its committed text,
 * and that header once more (a header that changed meanwhile means lvm2
 * committed under our feet: "cannot tell"). Returns 1 with @meta filled
 * (has_meta set), 0 when the label is sound but no metadata area could be
 * used (@meta->pv_uuid set; *@why says why), or -1 when the device is not
 * a PV one can trust (*@why: a static description). Reports nothing.
 */
int scLvmMetaRead(scLvmReadFn read, void *opaque, uint64_t size, scLvmPvMeta *meta,
                  const char **why);

/*
 * scLvmMetaReadDevice:
 * scLvmMetaRead on the block device (or image file) @path, opened
 * read-only and read with O_DIRECT where it can be (lvm2 writes with
 * O_DIRECT: the page cache may hold older sectors), else with the cache of
 * its range dropped first. Returns as scLvmMetaRead; a device that cannot
 * be opened or read is -1 with *@why naming the system error.
 */
int scLvmMetaReadDevice(const char *path, scLvmPvMeta *meta, const char **why);

/* @uuid (dashed, as lvm2 prints it, or not) equals the 32 characters of
 * @disk_uuid. */
bool scLvmUuidEqual(const char *uuid, const char *disk_uuid);

#endif /* SC_LVMMETA_H */
