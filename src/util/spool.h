/*
 * spool.h: bytes appended once and read back in order, in bounded memory.
 *
 * A spool keeps what is appended in a buffer of SC_SPOOL_BUF bytes and
 * only past that writes it to an unnamed temporary file ($TMPDIR, else
 * /tmp), so that a small job never touches the disk and a large one
 * (the scan of a pool of millions of files, the records of its first
 * refresh) never holds it all in memory. Readers read any byte range
 * back, each with a small buffer of its own.
 */
#ifndef SC_SPOOL_H
#define SC_SPOOL_H

#include <sys/types.h>

#include "internal.h"

#define SC_SPOOL_BUF (256 * 1024)

typedef struct {
    int fd;           /* -1: no file (yet) */
    char *buf;        /* SC_SPOOL_BUF bytes, allocated on first use */
    size_t len;       /* bytes in buf, after the @flushed ones in the file */
    off_t flushed;    /* bytes in the file */
    const char *what; /* for messages: "the scan of a pool" */
} scSpool;

/* An empty spool; @what names its use in error messages (a static string). */
void scSpoolInit(scSpool *sp, const char *what);
/* Append @len bytes. Returns 0 or -1 (reported). */
int scSpoolPut(scSpool *sp, const void *data, size_t len);
/* Bytes appended so far. */
off_t scSpoolSize(const scSpool *sp);
/* Drop everything (the spool may be used again after scSpoolInit). */
void scSpoolClear(scSpool *sp);

/* A reader of bytes [pos, end) of a spool. The spool must not be appended
 * to while a reader reads the part still in its buffer. */
typedef struct {
    const scSpool *spool;
    off_t pos, end; /* the next byte to fetch, and the end */
    char *buf;      /* fetched bytes [off, len) not yet taken */
    size_t len, off, alloc;
} scSpoolReader;

void scSpoolReaderInit(scSpoolReader *r, const scSpool *sp, off_t from, off_t to);
void scSpoolReaderClear(scSpoolReader *r);

/*
 * scSpoolRead:
 * Take the next @need bytes: *@data points at them until the next call.
 * Returns 1, 0 when the range is exhausted (no byte left), or -1 when it
 * ends inside the @need bytes or the file cannot be read (reported).
 */
int scSpoolRead(scSpoolReader *r, size_t need, const void **data);

/* Whether bytes are left to read. */
bool scSpoolReaderMore(const scSpoolReader *r);

#endif /* SC_SPOOL_H */
