/*
 * streamio.h: moving a stream's chunks (backend.h) into and out of an
 * open file or block device, for the backends' stream slots.
 *
 * Holes are handled as libvirt's local streams handle them (virfdstream):
 * a hole uploaded into a regular file is not written (here: punched over
 * older data and the file grown past it if it ends there), into a block
 * device it is written as zeroes; a sparse download finds a regular
 * file's holes with SEEK_DATA / SEEK_HOLE, while a block device is all
 * data.
 */
#ifndef SC_STREAMIO_H
#define SC_STREAMIO_H

#include "backends/backend.h"

/*
 * scStreamToFd:
 * Write the chunks of @in into @fd (a regular file, or a block device if
 * @block) from @offset on, until the end of the data; then sync @fd. @what
 * names the volume in errors. Returns 0, or -1 (reported; when @in
 * stopped, what was written stays).
 */
int scStreamToFd(scStreamIn *in, int fd, bool block, unsigned long long offset, const char *what);

/*
 * scStreamFromFd:
 * Hand [@offset, @offset + @length) of @fd (@length 0: to its end, @size
 * bytes) to @out; with @sparse and a regular file (not @block), holes as
 * holes. An @offset past the end hands nothing. Returns 0 or -1.
 */
int scStreamFromFd(scStreamOut *out, int fd, bool block, bool sparse, unsigned long long size,
                   unsigned long long offset, unsigned long long length, const char *what);

#endif /* SC_STREAMIO_H */
