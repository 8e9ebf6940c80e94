/*
 * fileops_priv.h: what the files of backends/common that work on file
 * volumes share and nothing else sees.
 */
#ifndef SC_FILEOPS_PRIV_H
#define SC_FILEOPS_PRIV_H

#include "fileops.h"

/* Bytes read or written at once when copying or wiping. */
#define CHUNK (1024 * 1024)

/* True for formats that are the data itself (raw, iso, or none given). */
bool scFileIsRaw(const char *format);

/* Open volume @vol of @dir with @flags (O_NOFOLLOW added), checking that
 * the entry is still a regular file. A descriptor, or -1 (reported). */
int scFileOpenVolume(const scDir *dir, const scVolRecord *vol, int flags);

/* qemu-img create the image @vol describes into open file @fd. 0 or -1. */
int scFileQemuCreate(int fd, const scVolDef *vol, unsigned int flags);

#endif /* SC_FILEOPS_PRIV_H */
