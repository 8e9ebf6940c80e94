/*
 * probe_vhd.c: Microsoft's virtual disks: vpc (VHD) and vhdx.
 *
 * A VHD has a 512-byte big-endian footer ("conectix") at the end of the
 * file; a dynamic disk also has a copy at offset 0. Its current size is
 * the virtual size (qemu may instead use the CHS geometry of images made
 * by Virtual PC; storcat reports what the footer says).
 *
 * A vhdx (little-endian) starts with "vhdxfile"; its virtual size is an
 * item of the metadata region, which the region table at 192 KiB (a copy
 * at 256 KiB) locates. Items are found by GUID, stored in the MS layout
 * (the first three fields little-endian), as written below.
 */
#include <config.h>

#include "probe_priv.h"

#define VHDX_REGION_TABLE_1   (192 * 1024)
#define VHDX_REGION_TABLE_2   (256 * 1024)
#define VHDX_MAX_ENTRIES      2047 /* region and metadata tables alike */
#define VHDX_ENTRY_SIZE       32
#define VHDX_TABLE_HDR_REGION 16
#define VHDX_TABLE_HDR_META   32

/* 8B7CA206-4790-4B9A-B8FE-575F050F886E: the metadata region. */
static const unsigned char guid_metadata[16] = {
    0x06, 0xa2, 0x7c, 0x8b, 0x90, 0x47, 0x9a, 0x4b, 0xb8, 0xfe, 0x57, 0x5f, 0x05, 0x0f, 0x88, 0x6e,
};

/* 2FA54224-CD1B-4876-B211-5DBED83BF4B8: the virtual disk size item. */
static const unsigned char guid_disk_size[16] = {
    0x24, 0x42, 0xa5, 0x2f, 0x1b, 0xcd, 0x76, 0x48, 0xb2, 0x11, 0x5d, 0xbe, 0xd8, 0x3b, 0xf4, 0xb8,
};

/* A VHD footer (the copy at offset 0, or the one at the end of the file):
 * the current size (u64) at 48. */
static int
probeVpcFooter(scProbeResult *res, const unsigned char *footer)
{
    if (scProbeSetString(&res->format, "vpc") < 0)
        return -1;
    return scProbeMatched(scProbeSetCapacity(res, scProbeBE64(footer + 48)));
}

int
scProbeVpc(const scProbeSource *src, scProbeResult *res)
{
    _cleanup_free_ unsigned char *footer = NULL;
    int r;

    if (scProbeHasMagic(src, 0, "conectix", 8)) {
        if (src->len >= 56)
            return probeVpcFooter(res, src->buf);
        if (scProbeSetString(&res->format, "vpc") < 0)
            return -1;
        return scProbeMatched(scProbeNeed(src, res, "vpc", 56));
    }
    if (src->file_size < 512)
        return 0;
    /* Within the file by construction: no problem can be recorded. */
    if ((r = scProbeFetch(src, res, "vpc footer", src->file_size - 512, 512, &footer)) <= 0)
        return r;
    if (memcmp(footer, "conectix", 8) != 0)
        return 0;
    return probeVpcFooter(res, footer);
}

/* Finds @guid among the @count entries at @table (entry size 32, the GUID
 * first). Returns the entry or NULL. */
static const unsigned char *
findGuid(const unsigned char *table, uint32_t count, const unsigned char *guid)
{
    for (uint32_t i = 0; i < count; i++) {
        const unsigned char *e = table + (size_t) i * VHDX_ENTRY_SIZE;

        if (memcmp(e, guid, 16) == 0)
            return e;
    }
    return NULL;
}

/*
 * Reads the region table at @at: "regi", a count (u32) at 8, then entries
 * of GUID, file offset (u64), length (u32), flags. Returns 1 with the
 * metadata region's place, 0 if the table is not there or not valid (a
 * problem recorded if invalid), -1 on error.
 */
static int
readRegionTable(const scProbeSource *src, scProbeResult *res, uint64_t at, uint64_t *meta_off,
                uint64_t *meta_len)
{
    _cleanup_free_ unsigned char *hdr = NULL;
    _cleanup_free_ unsigned char *table = NULL;
    const unsigned char *e;
    uint32_t count;
    int r;

    if ((r = scProbeFetch(src, res, "vhdx region table", at, VHDX_TABLE_HDR_REGION, &hdr)) <= 0)
        return r;
    if (memcmp(hdr, "regi", 4) != 0)
        return 0;
    count = scProbeLE32(hdr + 8);
    if (count > VHDX_MAX_ENTRIES)
        return scProbeProblem(res, "vhdx region table has %u entries, more than %d", count,
                              VHDX_MAX_ENTRIES);
    if ((r = scProbeFetch(src, res, "vhdx region table", at + VHDX_TABLE_HDR_REGION,
                          (uint64_t) count * VHDX_ENTRY_SIZE, &table)) <= 0)
        return r;
    if (!(e = findGuid(table, count, guid_metadata)))
        return scProbeProblem(res, "vhdx region table has no metadata region");
    *meta_off = scProbeLE64(e + 16);
    *meta_len = scProbeLE32(e + 24);
    return 1;
}

/*
 * Reads the metadata table at @off (region of @len bytes): "metadata", a
 * count (u16) at 10, then entries of GUID, offset (u32, from the region's
 * start), length (u32). Sets the capacity from the virtual disk size item.
 */
static int
readMetadata(const scProbeSource *src, scProbeResult *res, uint64_t off, uint64_t len)
{
    _cleanup_free_ unsigned char *hdr = NULL;
    _cleanup_free_ unsigned char *table = NULL;
    _cleanup_free_ unsigned char *item = NULL;
    const unsigned char *e;
    uint64_t item_off;
    uint32_t count;
    int r;

    if ((r = scProbeFetch(src, res, "vhdx metadata table", off, VHDX_TABLE_HDR_META, &hdr)) <= 0)
        return r;
    if (memcmp(hdr, "metadata", 8) != 0)
        return scProbeProblem(res, "vhdx metadata region at offset %llu has no metadata table",
                              (unsigned long long) off);
    count = scProbeLE16(hdr + 10);
    if (count > VHDX_MAX_ENTRIES || VHDX_TABLE_HDR_META + (uint64_t) count * VHDX_ENTRY_SIZE > len)
        return scProbeProblem(res, "vhdx metadata table has %u entries: too many for its region",
                              count);
    if ((r = scProbeFetch(src, res, "vhdx metadata table", off + VHDX_TABLE_HDR_META,
                          (uint64_t) count * VHDX_ENTRY_SIZE, &table)) <= 0)
        return r;
    if (!(e = findGuid(table, count, guid_disk_size)))
        return scProbeProblem(res, "vhdx metadata has no virtual disk size");
    item_off = scProbeLE32(e + 16);
    if (scProbeLE32(e + 20) < 8 || item_off > len || len - item_off < 8 ||
        __builtin_add_overflow(off, item_off, &item_off))
        return scProbeProblem(res, "vhdx virtual disk size item lies outside its region");
    if ((r = scProbeFetch(src, res, "vhdx virtual disk size", item_off, 8, &item)) <= 0)
        return r;
    return scProbeSetCapacity(res, scProbeLE64(item));
}

int
scProbeVhdx(const scProbeSource *src, scProbeResult *res)
{
    uint64_t meta_off = 0, meta_len = 0;
    int r;

    if (!scProbeHasMagic(src, 0, "vhdxfile", 8))
        return 0;
    if (scProbeSetString(&res->format, "vhdx") < 0)
        return -1;
    /* The second copy serves when the first is damaged. */
    if ((r = readRegionTable(src, res, VHDX_REGION_TABLE_1, &meta_off, &meta_len)) == 0)
        r = readRegionTable(src, res, VHDX_REGION_TABLE_2, &meta_off, &meta_len);
    if (r <= 0)
        return scProbeMatched(r);
    return scProbeMatched(readMetadata(src, res, meta_off, meta_len));
}
