/*
 * lun.c: SCSI inquiry data made into volume records (see lun.h). The
 * pages are parsed from their raw bytes (SPC-4), so that a session of
 * libiscsi and an SG_IO ioctl on a kernel device share one parser.
 */
#include <config.h>

#include <stdio.h>

#include "lun.h"

/* FNV-1a, 64 bits. */
static uint64_t
fnv(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}
#define FNV_INIT 0xcbf29ce484222325ull

static uint64_t
mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

/* Copy @len bytes of printable ASCII, trailing blanks cut. */
static void
copy_text(char *dst, size_t size, const unsigned char *src, size_t len)
{
    size_t n = 0;

    for (size_t i = 0; i < len && n + 1 < size; i++)
        dst[n++] = src[i] >= 0x20 && src[i] < 0x7f ? (char) src[i] : ' ';
    while (n > 0 && dst[n - 1] == ' ')
        n--;
    dst[n] = '\0';
}

int
scLunParseInquiry(const unsigned char *d, size_t len, scLunInfo *info)
{
    if (len < 36)
        return -1;
    info->device_type = d[0] & 0x1f;
    copy_text(info->vendor, sizeof(info->vendor), d + 8, 8);
    copy_text(info->product, sizeof(info->product), d + 16, 16);
    copy_text(info->revision, sizeof(info->revision), d + 32, 4);
    return 0;
}

int
scLunParseSerial(const unsigned char *d, size_t len, scLunInfo *info)
{
    size_t n;
    const unsigned char *p;

    if (len < 4 || d[1] != 0x80)
        return -1;
    n = (size_t) d[2] << 8 | d[3];
    if (n > len - 4)
        n = len - 4;
    /* Leading blanks too: some targets right-align it. */
    for (p = d + 4; n > 0 && *p == ' '; p++, n--)
        ;
    copy_text(info->serial, sizeof(info->serial), p, n);
    return 0;
}

/* @prefix then @src in lower-case hex, cut to fit @size (a refresh
 * writes two per LUN: a digit at a time, not an snprintf per byte). */
static void
hex(char *dst, size_t size, const char *prefix, const unsigned char *src, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    size_t n = strnlen(prefix, size - 1);

    memcpy(dst, prefix, n);
    for (size_t i = 0; i < len && n + 3 <= size; i++) {
        dst[n++] = digits[src[i] >> 4];
        dst[n++] = digits[src[i] & 0x0f];
    }
    dst[n] = '\0';
}

int
scLunParseDesignators(const unsigned char *d, size_t len, scLunInfo *info)
{
    /* Preference among LU designators (association 0): NAA, EUI-64, SCSI
     * name string, T10 vendor id; among NAAs, IEEE registered extended
     * (6), then IEEE registered (5), then the first other (a target such
     * as tgt gives a locally assigned NAA 3 before its NAA 6), as udev's
     * scsi_id searches them. */
    static const int rank[16] = { [3] = 16, [2] = 12, [8] = 8, [1] = 4 };
    const unsigned char *best = NULL;
    size_t page, best_len = 0;
    int best_rank = 0, best_type = 0;

    info->designator[0] = info->udev_id[0] = '\0';
    if (len < 4 || d[1] != 0x83)
        return -1;
    page = (size_t) d[2] << 8 | d[3];
    if (page > len - 4)
        page = len - 4;
    for (size_t off = 4; off + 4 <= 4 + page;) {
        const unsigned char *e = d + off;
        size_t dlen = e[3];
        int type = e[1] & 0x0f, assoc = (e[1] >> 4) & 3;
        if (off + 4 + dlen > 4 + page)
            return -1;
        int r = rank[type];

        if (type == 3 && dlen > 0)
            r += (e[4] >> 4) == 6 ? 2 : (e[4] >> 4) == 5 ? 1 : 0;
        if (assoc == 0 && r > best_rank && dlen > 0) {
            best = e;
            best_len = dlen;
            best_rank = r;
            best_type = type;
        }
        off += 4 + dlen;
    }
    if (!best)
        return 0;
    switch (best_type) {
    case 3: /* NAA */
        hex(info->designator, sizeof(info->designator), "naa.", best + 4, best_len);
        hex(info->udev_id, sizeof(info->udev_id), "3", best + 4, best_len);
        break;
    case 2: /* EUI-64 */
        hex(info->designator, sizeof(info->designator), "eui.", best + 4, best_len);
        hex(info->udev_id, sizeof(info->udev_id), "2", best + 4, best_len);
        break;
    case 8: /* SCSI name string (UTF-8, NUL-padded) */
        copy_text(info->designator, sizeof(info->designator), best + 4,
                  strnlen((const char *) best + 4, best_len));
        snprintf(info->udev_id, sizeof(info->udev_id), "8%s", info->designator);
        break;
    default: /* T10 vendor id: ASCII */
        copy_text(info->designator + 4, sizeof(info->designator) - 4, best + 4, best_len);
        memcpy(info->designator, "t10.", 4);
        snprintf(info->udev_id, sizeof(info->udev_id), "1%s", info->designator + 4);
        break;
    }
    /* udev replaces blanks in ids with underscores. */
    for (char *p = info->udev_id; *p; p++)
        if (*p == ' ')
            *p = '_';
    return 0;
}

int
scLunParseCapacity16(const unsigned char *d, size_t len, scLunInfo *info)
{
    uint64_t last = 0;

    if (len < 32)
        return -1;
    for (int i = 0; i < 8; i++)
        last = last << 8 | d[i];
    info->block_size =
        (uint32_t) d[8] << 24 | (uint32_t) d[9] << 16 | (uint32_t) d[10] << 8 | d[11];
    info->thin = d[14] & 0x80;
    info->blocks = last == UINT64_MAX ? 0 : last + 1;
    return 0;
}

unsigned long long
scLunCapacity(const scLunInfo *info)
{
    if (!info->block_size || info->blocks > UINT64_MAX / info->block_size ||
        info->blocks * info->block_size > (unsigned long long) INT64_MAX)
        return 0;
    return info->blocks * info->block_size;
}

size_t
scLunSignature(const scLunInfo *info, unsigned char *sig)
{
    uint64_t h = FNV_INIT, cap = scLunCapacity(info);
    unsigned char *p = sig;

    h = fnv(h, info->vendor, strlen(info->vendor) + 1);
    h = fnv(h, info->product, strlen(info->product) + 1);
    h = fnv(h, info->revision, strlen(info->revision) + 1);
    h = fnv(h, info->designator, strlen(info->designator) + 1);
    memcpy(p, &h, 8);
    memcpy(p + 8, &cap, 8);
    memcpy(p + 16, &info->block_size, 4);
    p[20] = (unsigned char) info->device_type;
    p[21] = info->thin;
    return 22;
}

int
scLunFromName(const char *name, unsigned int *lun)
{
    const char *p = name + strlen(SC_LUN_NAME_PREFIX);
    unsigned long v = 0;

    if (strncmp(name, SC_LUN_NAME_PREFIX, strlen(SC_LUN_NAME_PREFIX)) != 0 || !*p ||
        strspn(p, "0123456789") != strlen(p) || strlen(p) > 5 || (p[0] == '0' && p[1]))
        return -1;
    v = strtoul(p, NULL, 10);
    if (v > 65535)
        return -1;
    *lun = (unsigned int) v;
    return 0;
}

static const char *
device_type_name(int t)
{
    static const char *const names[] = {
        [0x00] = "disk",      [0x01] = "tape",    [0x05] = "cd/dvd",
        [0x07] = "optical",   [0x08] = "changer", [0x0c] = "controller",
        [0x0d] = "enclosure", [0x0e] = "rbc",     [0x1f] = "none",
    };

    return t >= 0 && t < (int) SC_N_ELEMENTS(names) && names[t] ? names[t] : "other";
}

int
scLunRecord(const scLunInfo *info, const char *name, const char *key, const char *path, int type,
            scVolRecord *rec)
{
    unsigned char sig[SC_VOL_SIG_MAX];
    char buf[600];
    uint64_t id[2];

    if (!(rec->name = scStrdup(name)) || !(rec->key = scStrdup(key)) ||
        !(rec->path = scStrdup(path)) || !(rec->format = scStrdup("raw")))
        return -1;
    rec->type = type;
    rec->capacity = rec->allocation = scLunCapacity(info);
    scVolRecordSetSig(rec, sig, scLunSignature(info, sig));
    if (info->designator[0]) {
        id[0] = fnv(FNV_INIT, info->designator, strlen(info->designator));
        id[1] =
            mix64(id[0] ^ fnv(0x84222325cbf29ce4ull, info->designator, strlen(info->designator)));
        scVolRecordSetIdent(rec, id, sizeof(id));
        if (scVolRecordSetAttr(rec, "designator", info->designator) < 0)
            return -1;
        if (strncmp(info->designator, "naa.", 4) == 0) {
            snprintf(buf, sizeof(buf), "/dev/disk/by-id/wwn-0x%s", info->designator + 4);
            if (scVolRecordAddAlias(rec, buf) < 0)
                return -1;
        }
        snprintf(buf, sizeof(buf), "/dev/disk/by-id/scsi-%s", info->udev_id);
        if (scVolRecordAddAlias(rec, buf) < 0)
            return -1;
    }
    if (scVolRecordSetAttrNum(rec, "lun", info->lun) < 0 ||
        scVolRecordSetAttr(rec, "device_type", device_type_name(info->device_type)) < 0 ||
        (info->vendor[0] && scVolRecordSetAttr(rec, "vendor", info->vendor) < 0) ||
        (info->product[0] && scVolRecordSetAttr(rec, "product", info->product) < 0) ||
        (info->revision[0] && scVolRecordSetAttr(rec, "revision", info->revision) < 0) ||
        (info->serial[0] && scVolRecordSetAttr(rec, "serial", info->serial) < 0) ||
        (info->block_size && scVolRecordSetAttrNum(rec, "block_size", info->block_size) < 0) ||
        (info->block_size &&
         scVolRecordSetAttr(rec, "thin_provisioning", info->thin ? "yes" : "no") < 0))
        return -1;
    return 0;
}

void
scLunDigestAdd(scLunDigest *d, const char *name, const unsigned char *sig, size_t len)
{
    uint64_t h = fnv(fnv(FNV_INIT, name, strlen(name) + 1), sig, len);

    d->h[0] += mix64(h);
    d->h[1] += mix64(h ^ 0x9e3779b97f4a7c15ull);
    d->n++;
}

void
scLunDigestFormat(const scLunDigest *d, char *buf, size_t size)
{
    snprintf(buf, size, "luns:%llu:%016llx%016llx", d->n, (unsigned long long) d->h[0],
             (unsigned long long) d->h[1]);
}
