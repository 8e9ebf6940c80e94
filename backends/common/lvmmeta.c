/*
 * lvmmeta.c: an LVM2 PV's label, metadata area header and the head of the
 * committed metadata text, read without lvm2 (see lvmmeta.h for the
 * layout). Little-endian fields are read byte by byte: nothing is cast
 * onto the buffers, whatever their alignment.
 */
#include <config.h>

#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lvmmeta.h"
#include "util/internal.h"

#define SECTOR             512
#define LABEL_SCAN_SECTORS 4
#define LABEL_HEADER_SIZE  32 /* id, sector, crc, offset, type */
#define PV_HEADER_SIZE     40 /* uuid, device size */
#define DISK_LOCN_SIZE     16 /* offset, size */
#define MDA_HEADER_SIZE    512
#define RAW_LOCN_OFFSET    40 /* checksum, magic, version, start, size */
#define RAW_LOCN_SIZE      24 /* offset, size, checksum, flags */
#define RAW_LOCN_IGNORED   0x1
#define MAX_AREAS          8    /* of each list: lvm2 writes one data area and two mdas at most */
#define HEAD_MAX           1024 /* bytes of text read for its first lines */

static const char mda_magic[16] = " LVM2 x[5A%r0N*>";

/* ---- lvm2's CRC --------------------------------------------------------- */

static uint32_t crc_table[256];

static void
crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

uint32_t
scLvmCrc(uint32_t crc, const void *buf, size_t len)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    const unsigned char *p = buf;

    pthread_once(&once, crc_init);
    while (len--)
        crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return crc;
}

static uint32_t
le32(const unsigned char *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static uint64_t
le64(const unsigned char *p)
{
    return (uint64_t) le32(p) | (uint64_t) le32(p + 4) << 32;
}

static int
nope(const char **why, const char *what)
{
    *why = what;
    return -1;
}

/* ---- the label and the PV header ------------------------------------- */

typedef struct {
    uint64_t offset, size;
} Area;

/* The label in the first LABEL_SCAN_SECTORS sectors of @buf: the PV's
 * UUID and size, and its metadata areas. 0 or -1. */
static int
parse_label(const unsigned char *buf, scLvmPvMeta *meta, Area *mdas, size_t *nmdas,
            const char **why)
{
    const unsigned char *s = NULL, *ph, *dl;

    for (unsigned int i = 0; i < LABEL_SCAN_SECTORS && !s; i++) {
        const unsigned char *c = buf + i * SECTOR;
        if (memcmp(c, "LABELONE", 8) == 0 && le64(c + 8) == i && memcmp(c + 24, "LVM2 001", 8) == 0)
            s = c;
    }
    if (!s)
        return nope(why, "no LVM2 label in its first four sectors");
    if (scLvmCrc(SC_LVM_CRC_INITIAL, s + 20, SECTOR - 20) != le32(s + 16))
        return nope(why, "the LVM2 label's checksum is wrong");
    if (le32(s + 20) < LABEL_HEADER_SIZE || le32(s + 20) > SECTOR - PV_HEADER_SIZE)
        return nope(why, "the PV header lies outside the label sector");
    ph = s + le32(s + 20);
    for (int i = 0; i < 32; i++)
        if (ph[i] <= ' ' || ph[i] > '~')
            return nope(why, "the PV header's UUID is not printable");
    memcpy(meta->pv_uuid, ph, 32);
    meta->pv_uuid[32] = '\0';
    meta->dev_size = le64(ph + 32);
    /* Two lists of disk locations, each ended by a zero offset; the first
     * (data areas) is skipped, the second holds the metadata areas. */
    dl = ph + PV_HEADER_SIZE;
    *nmdas = 0;
    for (int list = 0; list < 2; list++) {
        for (size_t n = 0;; n++, dl += DISK_LOCN_SIZE) {
            if (dl + DISK_LOCN_SIZE > s + SECTOR || n > MAX_AREAS)
                return nope(why, "the PV header's area lists are not terminated");
            if (le64(dl) == 0)
                break;
            if (list == 1) {
                mdas[*nmdas].offset = le64(dl);
                mdas[(*nmdas)++].size = le64(dl + 8);
            }
        }
        dl += DISK_LOCN_SIZE;
    }
    return 0;
}

/* ---- a metadata area ---------------------------------------------------- */

typedef struct {
    uint64_t offset, size; /* of the committed text, in the area */
    uint32_t crc;
} Locn;

/* The header of the metadata area @a, read into @hdr: the committed
 * text's location. 1 usable, 0 none committed or ignored, -1. */
static int
parse_mda_header(const unsigned char *hdr, const Area *a, Locn *loc, const char **why)
{
    const unsigned char *rl = hdr + RAW_LOCN_OFFSET;

    if (memcmp(hdr + 4, mda_magic, sizeof(mda_magic)) != 0)
        return nope(why, "no metadata area header where the PV header says");
    if (scLvmCrc(SC_LVM_CRC_INITIAL, hdr + 4, MDA_HEADER_SIZE - 4) != le32(hdr))
        return nope(why, "the metadata area header's checksum is wrong");
    if (le32(hdr + 20) != 1)
        return nope(why, "the metadata area header's version is not 1");
    if (le64(hdr + 24) != a->offset || le64(hdr + 32) != a->size)
        return nope(why, "the metadata area header does not describe its own area");
    loc->offset = le64(rl);
    loc->size = le64(rl + 8);
    loc->crc = le32(rl + 16);
    if (loc->offset == 0) {
        *why = "the metadata area holds no committed metadata";
        return 0;
    }
    if (le32(rl + 20) & RAW_LOCN_IGNORED) {
        *why = "the metadata area is ignored (pvchange --metadataignore)";
        return 0;
    }
    if (loc->offset < MDA_HEADER_SIZE || loc->offset >= a->size || loc->size == 0 ||
        loc->size > a->size - MDA_HEADER_SIZE)
        return nope(why, "the committed metadata lies outside its area");
    return 1;
}

/* Copies the value of a "key = ..." line at @p (a quoted string, or the
 * bare token) into @out of @n bytes. false if it does not fit. */
static bool
line_value(const char *p, const char *end, char *out, size_t n)
{
    size_t len = 0;
    bool quoted = p < end && *p == '"';

    if (quoted)
        p++;
    while (p < end && *p != '\n' && (quoted ? *p != '"' : *p != ' ')) {
        if (len + 1 >= n)
            return false;
        out[len++] = *p++;
    }
    out[len] = '\0';
    return !quoted || (p < end && *p == '"');
}

/* The first lines of the committed text: "NAME {", then the top-level
 * "id" and "seqno". 0 or -1. */
static int
parse_head(const char *text, size_t len, scLvmPvMeta *meta, const char **why)
{
    const char *end = text + len, *nl = memchr(text, '\n', len), *p;
    char seqno[24] = "";
    size_t name_len;

    if (!nl || nl - text < 3 || memcmp(nl - 2, " {", 2) != 0)
        return nope(why, "the metadata does not begin with a volume group");
    name_len = (size_t) (nl - 2 - text);
    if (name_len > SC_LVM_NAME_MAX)
        return nope(why, "the metadata's volume group name is too long");
    for (size_t i = 0; i < name_len; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+_.-",
                    text[i]) ||
            text[i] == '\0')
            return nope(why, "the metadata's volume group name has invalid characters");
    memcpy(meta->vg_name, text, name_len);
    meta->vg_name[name_len] = '\0';
    meta->vg_id[0] = '\0';
    for (p = nl + 1; p < end && (!meta->vg_id[0] || !seqno[0]);) {
        const char *eol = memchr(p, '\n', (size_t) (end - p));
        if (!eol)
            break; /* a line cut by the end of what was read */
        while (p < eol && (*p == ' ' || *p == '\t'))
            p++;
        if (p < eol && (eol[-1] == '{' || *p == '}'))
            break; /* the top level's fields are over */
        if ((size_t) (eol - p) > 5 && memcmp(p, "id = ", 5) == 0 &&
            !line_value(p + 5, eol, meta->vg_id, sizeof(meta->vg_id)))
            return nope(why, "the metadata's volume group id is malformed");
        if ((size_t) (eol - p) > 8 && memcmp(p, "seqno = ", 8) == 0 &&
            !line_value(p + 8, eol, seqno, sizeof(seqno)))
            return nope(why, "the metadata's seqno is malformed");
        p = eol + 1;
    }
    if (!meta->vg_id[0] || !seqno[0])
        return nope(why, "no id or seqno at the head of the metadata");
    if (strspn(seqno, "0123456789") != strlen(seqno) || strlen(seqno) > 19)
        return nope(why, "the metadata's seqno is not a number");
    meta->seqno = strtoull(seqno, NULL, 10);
    return 0;
}

/* Reads the head of the committed text of area @a at @loc into @head
 * (HEAD_MAX + 1 bytes): the area is a circular buffer after its header. */
static int
read_head(scLvmReadFn read, void *opaque, const Area *a, const Locn *loc, char *head, size_t *len)
{
    size_t want = loc->size < HEAD_MAX ? (size_t) loc->size : HEAD_MAX;
    size_t first = loc->offset + want <= a->size ? want : (size_t) (a->size - loc->offset);

    if (read(opaque, a->offset + loc->offset, head, first) < 0 ||
        (first < want && read(opaque, a->offset + MDA_HEADER_SIZE, head + first, want - first) < 0))
        return -1;
    head[want] = '\0';
    *len = want;
    return 0;
}

/* The committed metadata of area @a: 1 read into @meta, 0 none, -1. */
static int
read_area(scLvmReadFn read, void *opaque, uint64_t size, const Area *a, scLvmPvMeta *meta,
          const char **why)
{
    unsigned char hdr[MDA_HEADER_SIZE], again[MDA_HEADER_SIZE];
    char head[HEAD_MAX + 1];
    size_t len;
    Locn loc;
    int r;

    if (a->offset % SECTOR || a->size < 2 * MDA_HEADER_SIZE || a->offset > size ||
        a->size > size - a->offset)
        return nope(why, "a metadata area lies outside the device");
    if (read(opaque, a->offset, hdr, sizeof(hdr)) < 0)
        return nope(why, "cannot read a metadata area header");
    if ((r = parse_mda_header(hdr, a, &loc, why)) <= 0)
        return r;
    if (read_head(read, opaque, a, &loc, head, &len) < 0)
        return nope(why, "cannot read the committed metadata");
    if (parse_head(head, len, meta, why) < 0)
        return -1;
    /* lvm2 commits by rewriting the header: one that changed while the
     * text was read may describe other text. */
    if (read(opaque, a->offset, again, sizeof(again)) < 0 || memcmp(hdr, again, sizeof(hdr)) != 0) {
        *why = "the metadata changed while it was read";
        return 0;
    }
    meta->text_crc = loc.crc;
    meta->text_offset = loc.offset;
    meta->text_size = loc.size;
    meta->has_meta = true;
    return 1;
}

int
scLvmMetaRead(scLvmReadFn read, void *opaque, uint64_t size, scLvmPvMeta *meta, const char **why)
{
    unsigned char label[LABEL_SCAN_SECTORS * SECTOR];
    Area mdas[MAX_AREAS + 1];
    size_t nmdas;
    const char *area_why = NULL;

    memset(meta, 0, sizeof(*meta));
    if (size < sizeof(label))
        return nope(why, "the device is too small to be a PV");
    if (read(opaque, 0, label, sizeof(label)) < 0)
        return nope(why, "cannot read its first sectors");
    if (parse_label(label, meta, mdas, &nmdas, why) < 0)
        return -1;
    for (size_t i = 0; i < nmdas; i++) {
        int r = read_area(read, opaque, size, &mdas[i], meta, &area_why);
        if (r > 0)
            return 1;
        /* A damaged area: the next (lvm2 keeps two where asked) may do. */
        memset(meta->vg_name, 0, sizeof(meta->vg_name));
        meta->vg_id[0] = '\0';
    }
    *why = area_why ? area_why : "the PV has no metadata area";
    return 0;
}

bool
scLvmUuidEqual(const char *uuid, const char *disk_uuid)
{
    size_t n = 0;

    for (const char *p = uuid; *p; p++) {
        if (*p == '-')
            continue;
        if (n >= 32 || *p != disk_uuid[n])
            return false;
        n++;
    }
    return n == 32 && disk_uuid[32] == '\0';
}

/* ---- reading a device --------------------------------------------------- */

#define ALIGN  4096
#define BOUNCE (4 * ALIGN)

typedef struct {
    int fd;
    unsigned char *bounce; /* ALIGN-aligned, BOUNCE bytes */
    int err;               /* the errno of the first failed read */
} Device;

/* O_DIRECT wants aligned offsets, lengths and buffers: whole blocks are
 * read into the bounce buffer and the bytes asked for copied out. */
static int
device_read(void *opaque, uint64_t offset, void *buf, size_t len)
{
    Device *d = opaque;

    while (len > 0) {
        uint64_t start = offset & ~(uint64_t) (ALIGN - 1);
        size_t skip = (size_t) (offset - start);
        size_t take = len < BOUNCE - skip ? len : BOUNCE - skip;
        size_t span = (skip + take + ALIGN - 1) & ~(size_t) (ALIGN - 1);
        ssize_t n;

        do
            n = pread(d->fd, d->bounce, span, (off_t) start);
        while (n < 0 && errno == EINTR);
        if (n < 0 || (size_t) n < skip + take) {
            d->err = n < 0 ? errno : EIO;
            return -1;
        }
        memcpy(buf, d->bounce + skip, take);
        buf = (unsigned char *) buf + take;
        offset += take;
        len -= take;
    }
    return 0;
}

int
scLvmMetaReadDevice(const char *path, scLvmPvMeta *meta, const char **why)
{
    static __thread char msg[128];
    Device d = { .fd = -1 };
    struct stat st;
    uint64_t size = 0;
    int r = -1;

    memset(meta, 0, sizeof(*meta));
    if ((d.fd = open(path, O_RDONLY | O_CLOEXEC | O_DIRECT)) < 0 && errno == EINVAL &&
        (d.fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0)
        posix_fadvise(d.fd, 0, 0, POSIX_FADV_DONTNEED);
    if (d.fd < 0 || fstat(d.fd, &st) < 0) {
        d.err = errno;
        goto out;
    }
    if (S_ISBLK(st.st_mode) ? ioctl(d.fd, BLKGETSIZE64, &size) < 0 : !S_ISREG(st.st_mode)) {
        d.err = S_ISBLK(st.st_mode) ? errno : ENODEV;
        goto out;
    }
    if (S_ISREG(st.st_mode))
        size = (uint64_t) st.st_size;
    if (posix_memalign((void **) &d.bounce, ALIGN, BOUNCE) != 0) {
        d.bounce = NULL;
        d.err = ENOMEM;
        goto out;
    }
    r = scLvmMetaRead(device_read, &d, size, meta, why);
    if (r >= 0)
        d.err = 0; /* a read that failed on the way was not the last word */
out:
    if (d.err) {
        snprintf(msg, sizeof(msg), "cannot read it: %s", strerror(d.err));
        *why = msg;
        r = -1;
    }
    free(d.bounce);
    if (d.fd >= 0)
        close(d.fd);
    return r;
}
