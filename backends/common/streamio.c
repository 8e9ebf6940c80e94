/*
 * streamio.c: a stream's chunks into and out of an open file or block
 * device (see streamio.h).
 */
#include <config.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "streamio.h"

/* Bytes read at once for a download, and zeroes written at once for a
 * hole in a block device (libvirt's fd streams use 1 MiB too). */
#define STREAM_IO_CHUNK (1024 * 1024)

static int
pwrite_all(int fd, const unsigned char *buf, size_t len, unsigned long long off, const char *what)
{
    while (len > 0) {
        ssize_t n = pwrite(fd, buf, len, (off_t) off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            scReportSystemError(SC_FROM_STORAGE, n < 0 ? errno : EIO,
                                "volume '%s': cannot write at offset %llu", what, off);
            return -1;
        }
        buf += n;
        len -= (size_t) n;
        off += (unsigned long long) n;
    }
    return 0;
}

/* Zeroes over [@off, @off + @len): a block device's hole, or a file's
 * where its file system cannot punch one. */
static int
write_zeroes(int fd, unsigned long long off, unsigned long long len, const char *what)
{
    _cleanup_free_ unsigned char *zero = NULL;

    if (!(zero = scAlloc(STREAM_IO_CHUNK)))
        return -1;
    while (len > 0) {
        size_t n = len < STREAM_IO_CHUNK ? (size_t) len : STREAM_IO_CHUNK;
        if (pwrite_all(fd, zero, n, off, what) < 0)
            return -1;
        off += n;
        len -= n;
    }
    return 0;
}

/* A hole of @len bytes at @off in a regular file of *@size bytes: punched
 * where the file has older data (KEEP_SIZE: the size follows the stream,
 * see scStreamToFd); nothing to do past its end. */
static int
file_hole(int fd, unsigned long long off, unsigned long long len, unsigned long long size,
          const char *what)
{
    unsigned long long end = off + len;

    if (off >= size)
        return 0;
    if (end > size)
        end = size;
    if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t) off,
                  (off_t) (end - off)) == 0)
        return 0;
    if (errno != EOPNOTSUPP && errno != ENOSYS) {
        scReportSystemError(SC_FROM_STORAGE, errno,
                            "volume '%s': cannot punch a hole of %llu bytes at offset %llu", what,
                            end - off, off);
        return -1;
    }
    return write_zeroes(fd, off, end - off, what);
}

int
scStreamToFd(scStreamIn *in, int fd, bool block, unsigned long long offset, const char *what)
{
    unsigned long long pos = offset, size = 0;
    scStreamChunk c;
    struct stat st;
    int r;

    if (!block) {
        if (fstat(fd, &st) < 0) {
            scReportSystemError(SC_FROM_STORAGE, errno, "cannot stat volume '%s'", what);
            return -1;
        }
        size = (unsigned long long) st.st_size;
    }
    while ((r = scStreamInNext(in, &c)) > 0) {
        if (c.data)
            r = pwrite_all(fd, c.data, (size_t) c.len, pos, what);
        else
            r = block ? write_zeroes(fd, pos, c.len, what) : file_hole(fd, pos, c.len, size, what);
        if (r < 0)
            return -1;
        pos += c.len;
        if (c.data && pos > size)
            size = pos;
    }
    if (r < 0)
        return -1;
    /* A trailing hole past the end: the file grows to the stream's end,
     * as libvirt's ftruncate after a hole. A shorter stream never shrinks
     * the volume. */
    if (!block && pos > size && ftruncate(fd, (off_t) pos) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot grow volume '%s' to %llu bytes", what,
                            pos);
        return -1;
    }
    if (fsync(fd) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot sync volume '%s'", what);
        return -1;
    }
    return 0;
}

/* Where the section of a regular file at @pos ends (before @end), and
 * whether it is data: SEEK_DATA / SEEK_HOLE, all data where the file
 * system cannot tell. */
static unsigned long long
section(int fd, unsigned long long pos, unsigned long long end, bool *data)
{
    off_t d = lseek(fd, (off_t) pos, SEEK_DATA), h;

    if (d < 0 && errno == ENXIO) { /* a hole to the end of the file */
        *data = false;
        return end;
    }
    if (d < 0 || (unsigned long long) d <= pos) {
        *data = true;
        h = d < 0 ? -1 : lseek(fd, (off_t) pos, SEEK_HOLE);
        return h < 0 || (unsigned long long) h > end ? end : (unsigned long long) h;
    }
    *data = false;
    return (unsigned long long) d < end ? (unsigned long long) d : end;
}

int
scStreamFromFd(scStreamOut *out, int fd, bool block, bool sparse, unsigned long long size,
               unsigned long long offset, unsigned long long length, const char *what)
{
    _cleanup_free_ unsigned char *buf = NULL;
    unsigned long long pos, end;

    if (offset >= size)
        return 0;
    end = length == 0 || length > size - offset ? size : offset + length;
    if (!(buf = scAlloc(STREAM_IO_CHUNK)))
        return -1;
    for (pos = offset; pos < end;) {
        unsigned long long stop = end;
        bool data = true;
        if (sparse && !block)
            stop = section(fd, pos, end, &data);
        if (!data) {
            if (scStreamOutHole(out, stop - pos) < 0)
                return -1;
            pos = stop;
            continue;
        }
        size_t want = stop - pos < STREAM_IO_CHUNK ? (size_t) (stop - pos) : STREAM_IO_CHUNK;
        ssize_t n = pread(fd, buf, want, (off_t) pos);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            scReportSystemError(SC_FROM_STORAGE, errno, "volume '%s': cannot read at offset %llu",
                                what, pos);
            return -1;
        }
        if (n == 0)
            break; /* shrunk meanwhile: what there is */
        if (scStreamOutData(out, buf, (size_t) n) < 0)
            return -1;
        pos += (unsigned long long) n;
    }
    return 0;
}
