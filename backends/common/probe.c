/*
 * probe.c: storcat's own image header probe: the entry points, the
 * bound-checked access to the file that every format goes through, the
 * order in which formats are tried, and the small formats (vdi, luks,
 * iso9660, raw). qcow/qcow2/qed are in probe_qemu.c, vmdk in probe_vmdk.c,
 * vpc and vhdx in probe_vhd.c.
 *
 * Why not qemu-img info: one process per file is slow for a pool of
 * thousands of volumes, and its probe follows backing chains. Here only
 * the named file's header is read, and nothing in it is trusted.
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>

#include "probe_priv.h"

/* What scProbeFile reads before the formats look: room for every fixed
 * header and the iso9660 volume descriptor at 0x8001. */
#define PROBE_HEAD_SIZE (64 * 1024)

int
scProbeProblem(scProbeResult *res, const char *fmt, ...)
{
    va_list ap;
    char *msg = NULL;
    int n;

    if (res->problem)
        return 0;
    va_start(ap, fmt);
    n = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (n < 0) {
        scReportOOM();
        return -1;
    }
    res->problem = msg;
    return 0;
}

int
scProbeSetString(char **field, const char *s)
{
    char *copy = scStrdup(s);

    if (!copy)
        return -1;
    free(*field);
    *field = copy;
    return 0;
}

int
scProbeSetName(scProbeResult *res, char **field, const char *what, const unsigned char *bytes,
               uint64_t n, uint64_t max)
{
    char *copy;

    if (n == 0)
        return scProbeProblem(res, "%s is empty", what);
    if (n > max)
        return scProbeProblem(res, "%s is %llu bytes long, more than %llu", what,
                              (unsigned long long) n, (unsigned long long) max);
    if (memchr(bytes, '\0', n))
        return scProbeProblem(res, "%s contains a NUL byte", what);
    if (!(copy = scAlloc(n + 1)))
        return -1;
    memcpy(copy, bytes, n);
    free(*field);
    *field = copy;
    return 0;
}

int
scProbeSetCapacity(scProbeResult *res, uint64_t bytes)
{
    if (bytes > INT64_MAX)
        return scProbeProblem(res, "virtual size %llu is too large", (unsigned long long) bytes);
    res->capacity = bytes;
    return 0;
}

/* pread() all of @n bytes at @off into @dst. Returns 1, 0 if the file ends
 * first, -1 with errno set. */
static int
preadFull(int fd, unsigned char *dst, size_t n, uint64_t off)
{
    size_t done = 0;

    while (done < n) {
        ssize_t r;

        if (off + done > INT64_MAX) {
            errno = EOVERFLOW;
            return -1;
        }
        r = pread(fd, dst + done, n - done, (off_t) (off + done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            return 0;
        done += (size_t) r;
    }
    return 1;
}

int
scProbeFetch(const scProbeSource *src, scProbeResult *res, const char *what, uint64_t off,
             uint64_t n, unsigned char **out)
{
    _cleanup_free_ unsigned char *copy = NULL;
    int r;

    *out = NULL;
    if (n > SC_PROBE_FETCH_MAX)
        return scProbeProblem(res, "%s is %llu bytes long, more than %d", what,
                              (unsigned long long) n, SC_PROBE_FETCH_MAX);
    if (n > src->file_size || off > src->file_size - n)
        return scProbeProblem(
            res, "%s at offset %llu (%llu bytes) lies past the end of the file (%llu bytes)", what,
            (unsigned long long) off, (unsigned long long) n, src->file_size);
    if (!(off + n <= src->len || src->fd >= 0))
        return 0;
    if (!(copy = scAlloc((size_t) n + 1)))
        return -1;
    if (off + n <= src->len) {
        memcpy(copy, src->buf + off, (size_t) n);
    } else if ((r = preadFull(src->fd, copy, (size_t) n, off)) <= 0) {
        if (r == 0) /* the file shrank under us: a header of no use */
            return scProbeProblem(res, "%s at offset %llu lies past the end of the file", what,
                                  (unsigned long long) off);
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot read %s at offset %llu of '%s'", what,
                            (unsigned long long) off, src->name);
        return -1;
    }
    *out = TAKE_PTR(copy);
    return 1;
}

int
scProbeNeed(const scProbeSource *src, scProbeResult *res, const char *what, size_t need)
{
    if (src->len >= need)
        return 1;
    if (src->file_size < need)
        return scProbeProblem(res,
                              "%s header is truncated: the file has %llu bytes, the header %zu",
                              what, src->file_size, need);
    return 0;
}

/* VirtualBox: a banner, then the signature at 0x40 and version 1.1, whose
 * header has the disk size at 0x170 (little-endian). */
static int
probeVdi(const scProbeSource *src, scProbeResult *res)
{
    int r;

    if (!scProbeHasMagic(src, 0x40, "\x7f\x10\xda\xbe", 4))
        return 0;
    if (scProbeSetString(&res->format, "vdi") < 0)
        return -1;
    if ((r = scProbeNeed(src, res, "vdi", 0x178)) <= 0)
        return scProbeMatched(r);
    if (scProbeLE16(src->buf + 0x46) != 1)
        return scProbeMatched(scProbeProblem(res, "vdi header version %u.%u is not known",
                                             scProbeLE16(src->buf + 0x46),
                                             scProbeLE16(src->buf + 0x44)));
    return scProbeMatched(scProbeSetCapacity(res, scProbeLE64(src->buf + 0x170)));
}

/* LUKS1: the payload starts at the sector number at byte 104 (big-endian);
 * what follows is the guest's disk. LUKS2 keeps it in a JSON area: the
 * capacity is left unknown. */
static int
probeLuks(const scProbeSource *src, scProbeResult *res)
{
    uint64_t payload;
    int r;

    if (!scProbeHasMagic(src, 0, "LUKS\xba\xbe", 6))
        return 0;
    if (scProbeSetString(&res->format, "luks") < 0 ||
        scProbeSetString(&res->encryption, "luks") < 0)
        return -1;
    if ((r = scProbeNeed(src, res, "luks", 108)) <= 0)
        return scProbeMatched(r);
    if (scProbeBE16(src->buf + 6) != 1)
        return 1;
    payload = (uint64_t) scProbeBE32(src->buf + 104) * 512;
    if (payload > src->file_size)
        return scProbeMatched(scProbeProblem(
            res, "luks payload offset %llu lies past the end of the file (%llu bytes)",
            (unsigned long long) payload, src->file_size));
    return scProbeMatched(scProbeSetCapacity(res, src->file_size - payload));
}

/* ISO 9660: a volume descriptor "CD001" in sector 16; the whole file is
 * the disc. */
static int
probeIso(const scProbeSource *src, scProbeResult *res)
{
    if (!scProbeHasMagic(src, 0x8001, "CD001", 5))
        return 0;
    if (scProbeSetString(&res->format, "iso") < 0)
        return -1;
    return scProbeMatched(scProbeSetCapacity(res, src->file_size));
}

/* In order: magic at offset 0 first; then iso9660's in sector 16; last
 * vpc, whose fixed disks have their footer only at the end of the file. */
static const scProbeFunc probers[] = {
    scProbeQcow, scProbeQed, scProbeVmdk, scProbeVmdkDescriptorFile, probeVdi, scProbeVhdx,
    probeLuks,   probeIso,   scProbeVpc,
};

/* Fills *@out from @src; on failure *@out is untouched. */
static int
probeRun(const scProbeSource *src, scProbeResult *out)
{
    scProbeResult res = { 0 };

    for (size_t i = 0; i < SC_N_ELEMENTS(probers); i++) {
        int r = probers[i](src, &res);

        if (r < 0)
            goto error;
        if (r > 0)
            break;
    }
    if (!res.format) {
        if (scProbeSetString(&res.format, "raw") < 0 ||
            scProbeSetCapacity(&res, src->file_size) < 0)
            goto error;
    }
    *out = res;
    return 0;

error:
    scProbeResultClear(&res);
    return -1;
}

int
scProbeBuffer(const unsigned char *buf, size_t len, unsigned long long file_size,
              scProbeResult *res)
{
    scProbeSource src = {
        .buf = buf ? buf : (const unsigned char *) "",
        .len = buf ? len : 0,
        .file_size = file_size,
        .fd = -1,
    };

    if (src.file_size < src.len)
        src.file_size = src.len;
    return probeRun(&src, res);
}

/* The size of the file behind @fd: st_size for a regular file, else where
 * lseek(SEEK_END) lands (a block device), the offset put back. */
static int
probeFileSize(int fd, const struct stat *st, const char *name, unsigned long long *size)
{
    off_t cur, end;

    if (S_ISREG(st->st_mode)) {
        *size = st->st_size > 0 ? (unsigned long long) st->st_size : 0;
        return 0;
    }
    if ((cur = lseek(fd, 0, SEEK_CUR)) < 0 || (end = lseek(fd, 0, SEEK_END)) < 0 ||
        lseek(fd, cur, SEEK_SET) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot find the size of '%s'", name);
        return -1;
    }
    *size = (unsigned long long) end;
    return 0;
}

/* Read the first @want bytes of @fd into a new buffer in @src. */
static int
readHead(int fd, const char *name, size_t want, scProbeSource *src, unsigned char **head)
{
    ssize_t got = 0;

    /* Not zeroed: only the bytes read are looked at. */
    free(*head);
    if (!(*head = malloc(want ? want : 1))) {
        scReportOOM();
        return -1;
    }
    while ((size_t) got < want) {
        ssize_t r = pread(fd, *head + got, want - (size_t) got, got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            scReportSystemError(SC_FROM_STORAGE, errno, "cannot read the header of '%s'", name);
            return -1;
        }
        if (r == 0) { /* shorter than it said: believe the data */
            src->file_size = (unsigned long long) got;
            break;
        }
        got += r;
    }
    src->buf = *head;
    src->len = (size_t) got;
    return 0;
}

/* Does an iso9660 volume descriptor stand at 0x8001? (A raw-looking file
 * needs this one look past its first sector.) */
static bool
isoMagic(int fd, unsigned long long size)
{
    char magic[5];

    return size >= 0x8001 + sizeof(magic) &&
           pread(fd, magic, sizeof(magic), 0x8001) == (ssize_t) sizeof(magic) &&
           memcmp(magic, "CD001", sizeof(magic)) == 0;
}

/*
 * Most files in a pool are raw, and often sparse: reading 64 KiB of each
 * would make the kernel zero-fill 16 pages per file for nothing. So the
 * first sector is probed first; only an image format (or an iso9660 volume
 * descriptor) earns the full PROBE_HEAD_SIZE read and a second probe.
 */
#define PROBE_FIRST_SIZE 4096

int
scProbeFile(int fd, const struct stat *st, const char *name, scProbeResult *res)
{
    _cleanup_free_ unsigned char *head = NULL;
    scProbeSource src = { .fd = fd, .name = name };
    scProbeResult first = { 0 };
    bool raw;

    assert(st && name);
    if (probeFileSize(fd, st, name, &src.file_size) < 0)
        return -1;
    if (readHead(fd, name, src.file_size < PROBE_FIRST_SIZE ? (size_t) src.file_size
                                                           : PROBE_FIRST_SIZE,
                 &src, &head) < 0 ||
        probeRun(&src, &first) < 0)
        return -1;
    raw = strcmp(first.format, "raw") == 0;
    if (src.len == src.file_size || (raw && !isoMagic(fd, src.file_size))) {
        *res = first;
        return 0;
    }
    scProbeResultClear(&first);
    if (readHead(fd, name, src.file_size < PROBE_HEAD_SIZE ? (size_t) src.file_size
                                                          : PROBE_HEAD_SIZE,
                 &src, &head) < 0)
        return -1;
    return probeRun(&src, res);
}

void
scProbeResultClear(scProbeResult *res)
{
    if (!res)
        return;
    free(res->format);
    free(res->backing_path);
    free(res->backing_format);
    free(res->compat);
    free(res->encryption);
    free(res->data_file);
    for (size_t i = 0; i < res->nextents; i++)
        free(res->extents[i]);
    free(res->extents);
    free(res->problem);
    memset(res, 0, sizeof(*res));
}
