/*
 * spool.c: bytes appended once and read back in order, in a buffer that
 * spills to an unnamed temporary file (see spool.h).
 */
#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "spool.h"

#define READ_BUF (8 * 1024)

void
scSpoolInit(scSpool *sp, const char *what)
{
    memset(sp, 0, sizeof(*sp));
    sp->fd = -1;
    sp->what = what;
}

static int
tmp_open(const scSpool *sp)
{
    const char *dir = getenv("TMPDIR");
    _cleanup_free_ char *tmpl = NULL;
    int fd;

    if (!dir || !*dir)
        dir = "/tmp";
    fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
    /* A file system without O_TMPFILE: a named one, unlinked at once. */
    if (!(tmpl = scAsprintf("%s/storcat-spool.XXXXXX", dir)))
        return -1;
    if ((fd = mkostemp(tmpl, O_CLOEXEC)) >= 0) {
        unlink(tmpl);
        return fd;
    }
    scReportSystemError(SC_FROM_STORAGE, errno, "cannot make a temporary file in '%s' for %s",
                        dir, sp->what);
    return -1;
}

static int
flush(scSpool *sp)
{
    size_t done = 0;

    if (sp->fd < 0 && (sp->fd = tmp_open(sp)) < 0)
        return -1;
    while (done < sp->len) {
        ssize_t w = pwrite(sp->fd, sp->buf + done, sp->len - done, sp->flushed + (off_t) done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            scReportSystemError(SC_FROM_STORAGE, w < 0 ? errno : ENOSPC,
                                "cannot write the temporary file of %s", sp->what);
            return -1;
        }
        done += (size_t) w;
    }
    sp->flushed += (off_t) sp->len;
    sp->len = 0;
    return 0;
}

int
scSpoolPut(scSpool *sp, const void *data, size_t len)
{
    const char *p = data;

    if (!sp->buf && !(sp->buf = scAlloc(SC_SPOOL_BUF)))
        return -1;
    while (len > 0) {
        size_t take;
        if (sp->len == SC_SPOOL_BUF && flush(sp) < 0)
            return -1;
        take = SC_SPOOL_BUF - sp->len < len ? SC_SPOOL_BUF - sp->len : len;
        memcpy(sp->buf + sp->len, p, take);
        sp->len += take;
        p += take;
        len -= take;
    }
    return 0;
}

off_t
scSpoolSize(const scSpool *sp)
{
    return sp->flushed + (off_t) sp->len;
}

void
scSpoolClear(scSpool *sp)
{
    if (sp->fd >= 0)
        close(sp->fd);
    free(sp->buf);
    scSpoolInit(sp, sp->what);
}

void
scSpoolReaderInit(scSpoolReader *r, const scSpool *sp, off_t from, off_t to)
{
    char *buf = r->buf;
    size_t alloc = r->alloc;

    /* Keep the buffer of a reader used again. */
    memset(r, 0, sizeof(*r));
    r->buf = buf;
    r->alloc = alloc;
    r->spool = sp;
    r->pos = from;
    r->end = to;
}

void
scSpoolReaderClear(scSpoolReader *r)
{
    free(r->buf);
    memset(r, 0, sizeof(*r));
}

bool
scSpoolReaderMore(const scSpoolReader *r)
{
    return r->off < r->len || r->pos < r->end;
}

/* Make @need bytes available at r->buf + r->off. 1, 0 at the end, -1. */
static int
fill(scSpoolReader *r, size_t need)
{
    const scSpool *sp = r->spool;

    if (r->len - r->off >= need)
        return 1;
    if (r->off > 0) {
        memmove(r->buf, r->buf + r->off, r->len - r->off);
        r->len -= r->off;
        r->off = 0;
    }
    if (need > r->alloc || !r->buf) {
        size_t a = r->alloc ? r->alloc : READ_BUF;
        char *b;
        while (a < need)
            a *= 2;
        if (!(b = realloc(r->buf, a))) {
            scReportOOM();
            return -1;
        }
        r->buf = b;
        r->alloc = a;
    }
    while (r->len < need && r->pos < r->end) {
        size_t want = r->alloc - r->len;
        ssize_t got;

        if ((off_t) want > r->end - r->pos)
            want = (size_t) (r->end - r->pos);
        if (r->pos >= sp->flushed) { /* still in the spool's buffer */
            got = (ssize_t) want;
            memcpy(r->buf + r->len, sp->buf + (r->pos - sp->flushed), want);
        } else {
            if ((off_t) want > sp->flushed - r->pos)
                want = (size_t) (sp->flushed - r->pos);
            got = pread(sp->fd, r->buf + r->len, want, r->pos);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                scReportSystemError(SC_FROM_STORAGE, got < 0 ? errno : EIO,
                                    "cannot read the temporary file of %s", sp->what);
                return -1;
            }
        }
        r->len += (size_t) got;
        r->pos += got;
    }
    if (r->len >= need)
        return 1;
    if (r->len == 0)
        return 0;
    scReportError(SC_FROM_STORAGE, SC_ERR_INTERNAL_ERROR,
                  "the temporary file of %s is cut short", sp->what);
    return -1;
}

int
scSpoolRead(scSpoolReader *r, size_t need, const void **data)
{
    int rc = fill(r, need);

    if (rc <= 0)
        return rc;
    *data = r->buf + r->off;
    r->off += need;
    return 1;
}
