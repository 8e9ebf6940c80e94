/*
 * backend.h: the one interface between storcat's core and the storage of a
 * pool type.
 *
 * A backend acts on storage when asked and reports what it finds; it never
 * sees the catalog or SQL. Every slot except `type` may be NULL: the core,
 * not the backend, then reports "unsupported" naming the pool type. A slot
 * that fails reports its error (scReportError) and undoes what it did, so
 * that storage is as it was.
 */
#ifndef SC_BACKEND_H
#define SC_BACKEND_H

#include <sys/stat.h>

#include "conf/pool_conf.h"
#include "conf/vol_conf.h"

#define SC_BACKEND_VERSION 1

/* Progress of a long operation; the core turns it into the public
 * callback. Returns 0 to go on, -1 to stop (error already reported). */
typedef struct {
    int (*report)(void *opaque, unsigned long long done, unsigned long long total);
    void *opaque;
} scProgress;

/* Call @p if any; -1 means abort. */
int scProgressReport(const scProgress *p, unsigned long long done, unsigned long long total);

/* One volume as storage shows it. Strings are owned by the record. */
typedef struct {
    char *name;
    char *key;                     /* dir: the canonical path */
    char *path;                    /* canonical path */
    int type;                      /* scStorageVolType */
    char *format;                  /* "raw", "qcow2", "dir", ... */
    unsigned long long capacity;   /* bytes */
    unsigned long long allocation; /* bytes */
    char *backing_path;            /* absolute when it could be resolved */
    char *backing_format;
    char *compat;                  /* qcow2 details, shown in the XML */
    bool lazy_refcounts;
    unsigned long long cluster_size;
    char *encryption;              /* "aes", "luks" or NULL */
    long long mode, uid, gid;      /* -1 when unknown */
    struct stat st;                /* the stat signature (dev, ino, size, times) */
} scVolRecord;

void scVolRecordClear(scVolRecord *rec);

/* What scan reports for each directory entry: name and stat, no probing. */
typedef int (*scScanCallback)(const char *name, const struct stat *st, void *opaque);

/* The runtime view of a started pool the backends work in. */
typedef struct {
    const scPoolDef *def;
    const char *target_real; /* the target with symlinks resolved, or NULL */
    void *held;              /* the backend's, between attach and detach */
} scPoolCtx;

typedef struct scBackend {
    int version;     /* SC_BACKEND_VERSION */
    scPoolType type;

    /* build: make the storage. On failure nothing new is left behind. */
    int (*build)(const scPoolDef *def, unsigned int flags);
    /* start: make the pool usable; *target_real receives the resolved
     * target directory (caller frees). Required. */
    int (*start)(const scPoolDef *def, char **target_real);
    /* stop: undo start. Optional. */
    int (*stop)(const scPoolDef *def);
    /* delete: destroy what build made. Optional. */
    int (*delete_pool)(const scPoolDef *def, unsigned int flags);
    /* pool_info: capacity/allocation/available of the started pool. */
    int (*pool_info)(const scPoolCtx *pool, scStoragePoolInfo *info);

    /* attach: hold what many scan/probe calls in a row need (an open
     * directory) until detach; the other slots work with or without it.
     * Optional. */
    int (*attach)(scPoolCtx *pool);
    void (*detach)(scPoolCtx *pool);

    /* scan: call @cb once per volume candidate with its stat; no probing.
     * Entries that vanish meanwhile are skipped silently. Returns 0 or -1
     * (a negative @cb return stops the scan and is returned). */
    int (*scan)(const scPoolCtx *pool, scScanCallback cb, void *opaque);
    /* probe: the full record of the volume @name. 1 found, 0 no such
     * volume (or not a volume: a symlink, a device node), -1 error. */
    int (*probe)(const scPoolCtx *pool, const char *name, scVolRecord *rec);

    /* vol_create: make the volume's storage from @vol (never over an
     * existing entry), then probe it into @rec. */
    int (*vol_create)(const scPoolCtx *pool, const scVolDef *vol, unsigned int flags,
                      scVolRecord *rec);
    /* vol_create_from: as vol_create, with the data of @src (a volume of
     * @src_pool, maybe another type's), copied keeping holes or converted. */
    int (*vol_create_from)(const scPoolCtx *pool, const scVolDef *vol,
                           const scPoolCtx *src_pool, const scVolRecord *src,
                           unsigned int flags, const scProgress *progress, scVolRecord *rec);
    int (*vol_delete)(const scPoolCtx *pool, const scVolRecord *vol, unsigned int flags);
    /* vol_resize: @capacity is the new absolute size, already checked. */
    int (*vol_resize)(const scPoolCtx *pool, const scVolRecord *vol,
                      unsigned long long capacity, unsigned int flags);
    int (*vol_wipe)(const scPoolCtx *pool, const scVolRecord *vol, unsigned int algorithm,
                    const scProgress *progress);
    int (*vol_upload)(const scPoolCtx *pool, const scVolRecord *vol, int fd,
                      unsigned long long offset, unsigned long long length, unsigned int flags,
                      const scProgress *progress);
    int (*vol_download)(const scPoolCtx *pool, const scVolRecord *vol, int fd,
                        unsigned long long offset, unsigned long long length,
                        unsigned int flags, const scProgress *progress);
} scBackend;

/*
 * scBackendForType:
 * Returns the backend of pool type @type, or NULL if this storcat has none
 * for it (yet).
 */
const scBackend *scBackendForType(scPoolType type);

/*
 * scBackendTypeIsManaged:
 * True for the pool types storcat manages, whether or not their backend is
 * built yet: dir, fs, netfs, logical, disk, iscsi, iscsi-direct. Other
 * types parse (for import) but cannot be defined.
 */
bool scBackendTypeIsManaged(scPoolType type);

extern const scBackend scBackendDir;

#endif /* SC_BACKEND_H */
