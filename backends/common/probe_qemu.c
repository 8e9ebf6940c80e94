/*
 * probe_qemu.c: the image formats of qemu's own: qcow (version 1), qcow2
 * (versions 2 and 3, with header extensions) and qed.
 *
 * Layouts, from qemu's docs/interop/qcow2.txt and block/qed.h:
 * qcow and qcow2 are big-endian and share the magic "QFI\xfb" and the
 * version at byte 4; qed is little-endian. The backing file name is stored
 * elsewhere in the file, at an offset and length the header gives: both
 * are checked before anything is read.
 */
#include <config.h>

#include "probe_priv.h"

/* qcow2 header extension types (docs/interop/qcow2.txt). */
#define QCOW2_EXT_END            0x00000000
#define QCOW2_EXT_BACKING_FORMAT 0xe2792aca
#define QCOW2_EXT_DATA_FILE      0x44415441 /* "DATA": the external data file's name */

/* A format name longer than this is not one. */
#define FORMAT_NAME_MAX 64

/* qcow2 compatible feature bit 0: refcounts may be stale after a crash. */
#define QCOW2_COMPAT_LAZY_REFCOUNTS (1ULL << 0)

/* qed feature bits (block/qed.h). */
#define QED_F_BACKING_FILE            0x01
#define QED_F_BACKING_FORMAT_NO_PROBE 0x04

/* Reads the backing file name of @n bytes at @off into res->backing_path,
 * or records why not. Returns 0 or -1. */
static int
probeBackingName(const scProbeSource *src, scProbeResult *res, uint64_t off, uint64_t n)
{
    _cleanup_free_ unsigned char *name = NULL;
    int r;

    /* Checked before the fetch so that a hostile length allocates nothing. */
    if (n > SC_PROBE_NAME_MAX)
        return scProbeProblem(res, "backing file name is %llu bytes long, more than %d",
                              (unsigned long long) n, SC_PROBE_NAME_MAX);
    if ((r = scProbeFetch(src, res, "backing file name", off, n, &name)) <= 0)
        return r;
    return scProbeSetName(res, &res->backing_path, "backing file name", name, n, SC_PROBE_NAME_MAX);
}

/* Sets res->cluster_size to 2^@bits if @bits is within [@lo, @hi]. */
static int
probeClusterBits(scProbeResult *res, const char *fmt, uint32_t bits, uint32_t lo, uint32_t hi)
{
    if (bits < lo || bits > hi)
        return scProbeProblem(res, "%s cluster_bits %u is out of range", fmt, bits);
    res->cluster_size = 1ULL << bits;
    return 0;
}

/* Sets res->encryption from a qcow/qcow2 crypt_method. */
static int
probeCryptMethod(scProbeResult *res, const char *fmt, uint32_t method)
{
    switch (method) {
    case 0:
        return 0;
    case 1:
        return scProbeSetString(&res->encryption, "aes");
    case 2:
        if (strcmp(fmt, "qcow2") == 0)
            return scProbeSetString(&res->encryption, "luks");
        break;
    }
    return scProbeProblem(res, "%s encryption method %u is not known", fmt, method);
}

/*
 * qcow (version 1): backing file offset (u64) at 8 and length (u32) at 16,
 * size (u64) at 24, cluster_bits (u8) at 32, crypt_method (u32) at 36;
 * 48 bytes in all.
 */
static int
probeQcow1(const scProbeSource *src, scProbeResult *res)
{
    const unsigned char *h = src->buf;
    int r;

    if (scProbeSetString(&res->format, "qcow") < 0)
        return -1;
    if ((r = scProbeNeed(src, res, "qcow", 48)) <= 0)
        return r;
    if (scProbeSetCapacity(res, scProbeBE64(h + 24)) < 0 ||
        probeClusterBits(res, "qcow", h[32], 9, 16) < 0 ||
        probeCryptMethod(res, "qcow", scProbeBE32(h + 36)) < 0)
        return -1;
    if (scProbeBE64(h + 8) != 0 && scProbeBE32(h + 16) != 0)
        return probeBackingName(src, res, scProbeBE64(h + 8), scProbeBE32(h + 16));
    return 0;
}

/*
 * Walks the qcow2 header extensions from @start to @end (both within the
 * buffer): each is a type (u32), a length (u32) and the data padded to 8
 * bytes, up to an end marker. The backing format and the external data
 * file's name are kept.
 */
static int
probeQcow2Extensions(const scProbeSource *src, scProbeResult *res, uint64_t start, uint64_t end)
{
    uint64_t off = start;

    while (off <= end && end - off >= 8) {
        uint32_t type = scProbeBE32(src->buf + off);
        uint32_t len = scProbeBE32(src->buf + off + 4);

        off += 8;
        if (type == QCOW2_EXT_END)
            return 0;
        if (len > end - off) {
            /* Cut by the buffer, not by the header: silently unknown. */
            if (end == src->len && src->len < src->file_size)
                return 0;
            return scProbeProblem(
                res, "qcow2 header extension 0x%08x at offset %llu (%u bytes) runs past the header",
                type, (unsigned long long) off - 8, len);
        }
        if (type == QCOW2_EXT_BACKING_FORMAT &&
            scProbeSetName(res, &res->backing_format, "backing format", src->buf + off, len,
                           FORMAT_NAME_MAX) < 0)
            return -1;
        if (type == QCOW2_EXT_DATA_FILE &&
            scProbeSetName(res, &res->data_file, "external data file name", src->buf + off, len,
                           SC_PROBE_NAME_MAX) < 0)
            return -1;
        off += ((uint64_t) len + 7) & ~(uint64_t) 7;
    }
    return 0;
}

/* qcow2 version 3 fields: features (u64) at 72 and 80, header_length (u32)
 * at 100. Sets *@hdr_len to where the extensions start, 0 if unknown. */
static int
probeQcow2V3(const scProbeSource *src, scProbeResult *res, uint64_t *hdr_len)
{
    const unsigned char *h = src->buf;
    int r;

    *hdr_len = 0;
    if ((r = scProbeNeed(src, res, "qcow2", 104)) <= 0)
        return r;
    res->lazy_refcounts = (scProbeBE64(h + 80) & QCOW2_COMPAT_LAZY_REFCOUNTS) != 0;
    *hdr_len = scProbeBE32(h + 100);
    if (*hdr_len < 104) {
        *hdr_len = 0;
        return scProbeProblem(res, "qcow2 header_length %u is less than 104", scProbeBE32(h + 100));
    }
    return 0;
}

/*
 * qcow2: backing file offset (u64) at 8 and length (u32) at 16,
 * cluster_bits (u32) at 20, size (u64) at 24, crypt_method (u32) at 32;
 * 72 bytes in version 2, then version 3 fields. Header extensions follow
 * the header, up to the backing file name or the end of the first cluster.
 */
static int
probeQcow2(const scProbeSource *src, scProbeResult *res, uint32_t version)
{
    const unsigned char *h = src->buf;
    uint64_t backing_off, ext_end, hdr_len = 72;
    uint32_t backing_len;
    int r;

    if (scProbeSetString(&res->format, "qcow2") < 0 ||
        scProbeSetString(&res->compat, version == 2 ? "0.10" : "1.1") < 0)
        return -1;
    if ((r = scProbeNeed(src, res, "qcow2", 72)) <= 0)
        return r;
    backing_off = scProbeBE64(h + 8);
    backing_len = scProbeBE32(h + 16);
    if (scProbeSetCapacity(res, scProbeBE64(h + 24)) < 0 ||
        probeClusterBits(res, "qcow2", scProbeBE32(h + 20), 9, 21) < 0 ||
        probeCryptMethod(res, "qcow2", scProbeBE32(h + 32)) < 0)
        return -1;
    if (version >= 3 && probeQcow2V3(src, res, &hdr_len) < 0)
        return -1;

    ext_end = res->cluster_size ? res->cluster_size : src->len;
    if (backing_off != 0 && backing_off < ext_end)
        ext_end = backing_off;
    if (ext_end > src->len)
        ext_end = src->len;
    if (hdr_len != 0 && probeQcow2Extensions(src, res, hdr_len, ext_end) < 0)
        return -1;

    if (backing_off != 0 && backing_len != 0)
        return probeBackingName(src, res, backing_off, backing_len);
    return 0;
}

int
scProbeQcow(const scProbeSource *src, scProbeResult *res)
{
    uint32_t version;

    if (!scProbeHasMagic(src, 0, "QFI\xfb", 4) || src->len < 8)
        return 0;
    /* An unknown version is not this format (as libvirt): raw. */
    version = scProbeBE32(src->buf + 4);
    if (version == 1)
        return scProbeMatched(probeQcow1(src, res));
    if (version == 2 || version == 3)
        return scProbeMatched(probeQcow2(src, res, version));
    return 0;
}

/*
 * qed (little-endian): cluster_size (u32) at 4, features (u64) at 16,
 * image_size (u64) at 48, backing file name offset (u32) at 56 and length
 * (u32) at 60; 64 bytes in all. A backing file exists when its feature bit
 * is set; another bit says it is raw and must not be probed.
 */
int
scProbeQed(const scProbeSource *src, scProbeResult *res)
{
    const unsigned char *h = src->buf;
    uint32_t cluster;
    uint64_t features;
    int r;

    if (!scProbeHasMagic(src, 0, "QED\0", 4))
        return 0;
    if (scProbeSetString(&res->format, "qed") < 0)
        return -1;
    if ((r = scProbeNeed(src, res, "qed", 64)) <= 0)
        return scProbeMatched(r);
    cluster = scProbeLE32(h + 4);
    features = scProbeLE64(h + 16);
    if (scProbeSetCapacity(res, scProbeLE64(h + 48)) < 0)
        return -1;
    if (cluster >= 4096 && cluster <= 64 * 1024 * 1024 && (cluster & (cluster - 1)) == 0)
        res->cluster_size = cluster;
    else if (scProbeProblem(res, "qed cluster size %u is not valid", cluster) < 0)
        return -1;
    if (!(features & QED_F_BACKING_FILE))
        return 1;
    if ((features & QED_F_BACKING_FORMAT_NO_PROBE) &&
        scProbeSetString(&res->backing_format, "raw") < 0)
        return -1;
    return scProbeMatched(probeBackingName(src, res, scProbeLE32(h + 56), scProbeLE32(h + 60)));
}
