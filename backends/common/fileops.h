/*
 * fileops.h: file volumes in a directory, shared by the backends whose
 * volumes are files (dir today; fs and netfs once they mount).
 *
 * Every operation works relative to the pool directory's descriptor with
 * O_NOFOLLOW, so a symlink planted in a pool cannot redirect a create,
 * wipe, upload or delete; external tools (qemu-img) are handed the opened
 * file as /proc/self/fd/N, never a path that could be swapped.
 */
#ifndef SC_FILEOPS_H
#define SC_FILEOPS_H

#include <sys/stat.h>

#include "backends/backend.h"
#include "chain.h"

/* A pool directory: its descriptor, its resolved path, and what the
 * chains of its images may reach (this directory, and the catalog's
 * volumes when the backend sets rules.is_volume). */
typedef struct {
    int fd;
    const char *path;
    scChainRules rules;
    const scPoolCtx *pool; /* told of each file a create makes (scPoolCtxVolMade), or NULL */
} scDir;

int scDirOpen(const char *path, scDir *dir);
void scDirClose(scDir *dir);

/* What a directory scan reports for each entry: its name and lstat. */
typedef int (*scScanCallback)(const char *name, const struct stat *st, void *opaque);

/* Entries that are volume candidates (regular files and directories, not
 * symlinks or device nodes), each with its lstat. An entry that cannot be
 * stat'ed (but for having vanished) fails the scan, naming it. */
int scFileScan(const scDir *dir, scScanCallback cb, void *opaque);

/* The change signature of a file volume: device, inode, size, mtime and
 * ctime (as varints), as the scan and the probe both compute it. Returns
 * its length, at most SC_FILE_SIG_MAX. */
#define SC_FILE_SIG_MAX 50
size_t scFileSig(const struct stat *st, unsigned char sig[SC_FILE_SIG_MAX]);
size_t scFileSigMake(long long dev, long long ino, long long size, long long mtime_ns,
                     long long ctime_ns, unsigned char sig[SC_FILE_SIG_MAX]);

/*
 * scFileDiscover:
 * A directory pool's discovery (backend.h): scan it in bounded memory,
 * give the sink the scan's digest as the change token, then every entry
 * in name order, and probe the ones the sink wants (on worker threads
 * when there are many) into records, in name order.
 */
int scFileDiscover(const scDir *dir, scDiscoverSink *sink);

/* The record of entry @name: 1 found, 0 not a volume, -1 error. */
int scFileProbe(const scDir *dir, const char *name, scVolRecord *rec);
/* The same for an entry a scan has just found to be a file or a
 * directory (@scanned): one stat less; its type is checked on the opened
 * descriptor. */
int scFileProbeEntry(const scDir *dir, const char *name, bool scanned, scVolRecord *rec);

/* The plan of a new file volume @vol in @dir (backend.h's vol_plan). */
int scFilePlan(const scDir *dir, const scVolDef *vol, scVolRecord *plan);
int scFileCreate(const scDir *dir, const scVolDef *vol, unsigned int flags);
int scFileCreateFrom(const scDir *dir, const scVolDef *vol, const scVolRecord *src,
                     unsigned int flags, const scProgress *progress);
int scFileDelete(const scDir *dir, const scVolRecord *vol, unsigned int flags);
int scFileResize(const scDir *dir, const scVolRecord *vol, unsigned long long capacity,
                 unsigned int flags);
int scFileWipe(const scDir *dir, const scVolRecord *vol, unsigned int algorithm,
               const scProgress *progress);
int scFileUpload(const scDir *dir, const scVolRecord *vol, int fd, unsigned long long offset,
                 unsigned long long length, unsigned int flags, const scProgress *progress);
int scFileDownload(const scDir *dir, const scVolRecord *vol, int fd, unsigned long long offset,
                   unsigned long long length, unsigned int flags, const scProgress *progress);
/* The stream transfers (backend.h's vol_upload_stream and
 * vol_download_stream; filestream.c): holes punched on the way in, found
 * with SEEK_HOLE on the way out (with DOWNLOAD_SPARSE_STREAM). */
int scFileUploadStream(const scDir *dir, const scVolRecord *vol, scStreamIn *in,
                       unsigned long long offset);
int scFileDownloadStream(const scDir *dir, const scVolRecord *vol, scStreamOut *out,
                         unsigned long long offset, unsigned long long length,
                         unsigned int flags);

/* ---- what works on any descriptor (also the logical backend's) ---------- */

/*
 * scFileOpenSource:
 * The source volume @src of a clone, opened read-only and without
 * blocking: a file volume without following a symlink (a regular file), a
 * block volume through its path's symlinks (a block device: /dev/VG/LV
 * leads to /dev/dm-N); its size in bytes in *@size. A descriptor, or -1
 * (reported).
 */
int scFileOpenSource(const scVolRecord *src, unsigned long long *size);

/*
 * scFdCopy:
 * Copies [@src_off, @src_off + @len) of @in to @out at @dst_off (@len 0:
 * until @in's end, for a pipe). With @sparse, holes of a seekable @in are
 * skipped and all-zero blocks of a seekable @out are punched (a block
 * device zeroes them) rather than written: only for a destination that
 * reads as zeroes where nothing is written, or that punches. @what names
 * the volume in errors. Returns the bytes copied, or -1 (reported).
 */
long long scFdCopy(int in, bool in_seekable, unsigned long long src_off, int out, bool out_seekable,
                   unsigned long long dst_off, unsigned long long len, bool sparse,
                   const char *what, const scProgress *progress);

/* Overwrites [0, @size) of @fd with wipe @algorithm (not trim), each pass
 * synced, verify passes read back. 0 or -1 (reported, naming @name). */
int scFdWipe(int fd, const char *name, unsigned long long size, unsigned int algorithm,
             const scProgress *progress);

#endif /* SC_FILEOPS_H */
