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

/* qemu-img create the image @vol describes into open file @fd, with the
 * checked chain of its backing store (NULL or empty: none). 0 or -1. */
int scFileQemuCreate(int fd, const scVolDef *vol, const scChain *backing, unsigned int flags);

/* Walk the chain of @vol's backing store, if it has one, under @dir's
 * rules, into @chain (empty if none). 0, or -1 with an error naming the
 * volume and the refused reference. */
int scFileCheckBacking(const scDir *dir, const scVolDef *vol, scChain *chain);

#endif /* SC_FILEOPS_PRIV_H */
