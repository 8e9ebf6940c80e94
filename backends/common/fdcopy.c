/*
 * fdcopy.c: copying between file descriptors for every backend that moves
 * bytes (clones, uploads, downloads of files, LVs and partitions): holes
 * of the source skipped, all-zero blocks punched in the destination, every
 * chunk reported to the progress callback (see scFdCopy in fileops.h).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "fileops_priv.h"
#include "util/testpoint.h"
#include "util/util.h"


static bool
all_zero(const unsigned char *buf, size_t n)
{
    /* Compare in words; chunks are large and usually mostly zero or not. */
    size_t i = 0;
    for (; i + sizeof(unsigned long) <= n; i += sizeof(unsigned long)) {
        unsigned long w;
        memcpy(&w, buf + i, sizeof(w));
        if (w)
            return false;
    }
    for (; i < n; i++)
        if (buf[i])
            return false;
    return true;
}

/* Where the next data starts at or after @off in @fd (SEEK_DATA), or @end
 * if none; files whose filesystem cannot tell are all data. */
static off_t
next_data(int fd, off_t off, off_t end)
{
    off_t d = lseek(fd, off, SEEK_DATA);
    if (d < 0)
        return errno == ENXIO ? end : off;
    return d < end ? d : end;
}

static off_t
next_hole(int fd, off_t off, off_t end)
{
    off_t h = lseek(fd, off, SEEK_HOLE);
    if (h < 0)
        return end;
    return h < end ? h : end;
}

/* Write all of @buf; with @sparse (and a seekable @out), blocks of
 * SPARSE_BLOCK zero bytes become holes. */
#define SPARSE_BLOCK (64 * 1024)

static int
write_chunk(int out, bool seekable, bool sparse, const unsigned char *buf, size_t n,
            unsigned long long off, const char *what)
{
    for (size_t w = 0; w < n;) {
        size_t len = n - w;
        if (sparse && seekable) {
            len = len < SPARSE_BLOCK ? len : SPARSE_BLOCK;
            /* A zero block becomes a hole: punched, as the file may hold
             * older data there; written where holes cannot be made. */
            if (all_zero(buf + w, len) &&
                fallocate(out, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t) (off + w),
                          (off_t) len) == 0) {
                w += len;
                continue;
            }
        }
        ssize_t r = seekable ? pwrite(out, buf + w, len, (off_t) (off + w))
                             : write(out, buf + w, len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            scReportSystemError(SC_FROM_STORAGE, errno, "%s: write failed", what);
            return -1;
        }
        w += (size_t) r;
    }
    return 0;
}

/*
 * Copy [@src_off, @src_off + @len) of @in to @out at @dst_off. With @sparse,
 * holes of @in are skipped when @in is seekable, and all-zero chunks are not
 * written either (the caller makes the file long enough: they read as
 * zeroes). @in may be a pipe (@in_seekable false): read sequentially until
 * @len or EOF (when @len is 0). Returns the bytes copied, or -1.
 */
long long
scFdCopy(int in, bool in_seekable, unsigned long long src_off, int out, bool out_seekable,
         unsigned long long dst_off, unsigned long long len, bool sparse, const char *what,
         const scProgress *progress)
{
    _cleanup_free_ unsigned char *buf = malloc(CHUNK);
    unsigned long long done = 0;
    bool to_eof = len == 0;

    if (!buf) {
        scReportOOM();
        return -1;
    }
    while (to_eof || done < len) {
        size_t want = CHUNK;
        if (!to_eof && len - done < want)
            want = (size_t) (len - done);
        if (in_seekable && sparse) {
            off_t pos = (off_t) (src_off + done), end = (off_t) (src_off + len);
            off_t data = next_data(in, pos, end);
            if (data > pos) { /* a hole: nothing to write */
                done += (unsigned long long) (data - pos);
                continue;
            }
            off_t hole = next_hole(in, pos, end);
            if (hole > pos && (unsigned long long) (hole - pos) < want)
                want = (size_t) (hole - pos);
        }
        ssize_t n = in_seekable ? pread(in, buf, want, (off_t) (src_off + done))
                                : read(in, buf, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            scReportSystemError(SC_FROM_STORAGE, errno, "%s: read failed", what);
            return -1;
        }
        if (n == 0)
            break;
        if (write_chunk(out, out_seekable, sparse, buf, (size_t) n, dst_off + done, what) < 0)
            return -1;
        done += (unsigned long long) n;
        scTestPoint("copy:chunk");
        if (scProgressReport(progress, done, to_eof ? 0 : len) < 0)
            return -1;
    }
    return (long long) done;
}

