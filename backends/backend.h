/*
 * backend.h: the one interface between storcat's core and the storage of a
 * pool type (DESIGN §5).
 *
 * A backend acts on storage when asked and reports what it finds; it never
 * sees the catalog or SQL, and the core never touches storage. The core
 * calls every slot outside any catalog write transaction: it journals what
 * it is about to do, calls the slot, then records the result in a short
 * transaction, so that a slot may take as long as storage needs (a mount,
 * an lvm2 command, an iSCSI login) without blocking other writers.
 *
 * Every slot except `type`, `start` and `vol_probe` may be NULL: the core,
 * not the backend, then reports "unsupported" naming the pool type. A slot
 * returns 0 (or what its comment says) on success; on failure it reports
 * its error (scReportError: one line naming the object and the cause),
 * undoes what it did so that storage is as it was, and returns -1.
 *
 * Slots are called from one thread at a time for a given pool context;
 * several processes may call them on the same storage at once (the core's
 * journal keeps two processes from changing the same pool or volume, not
 * from reading it).
 */
#ifndef SC_BACKEND_H
#define SC_BACKEND_H

#include "conf/pool_conf.h"
#include "conf/vol_conf.h"

#define SC_BACKEND_VERSION 2

/* What discover (and the slots that reach storage over a network) return
 * when storage does not answer at all: see `discover`. */
#define SC_BACKEND_UNREACHABLE (-2)

/*
 * scBackendTimeoutMs:
 * How long a backend waits for storage that may not answer (an iSCSI
 * portal's connect and login, a command on a session) before it gives up,
 * naming what it waited for: $STORCAT_STORAGE_TIMEOUT seconds (a decimal
 * number, e.g. "0.5") when that is set and valid, else 5 seconds.
 */
int scBackendTimeoutMs(void);

/* ---- progress of long operations ------------------------------------- */

/* The core turns this into the public progress callback. */
typedef struct {
    int (*report)(void *opaque, unsigned long long done, unsigned long long total);
    void *opaque;
} scProgress;

/* Call @p if any: 0 go on, -1 stop (the callback asked; error reported). */
int scProgressReport(const scProgress *p, unsigned long long done, unsigned long long total);

/* ---- the generic volume record ---------------------------------------- */

/* Longest change signature or identity a backend may give, in bytes. */
#define SC_VOL_SIG_MAX 64

/*
 * One volume as storage shows it. Strings and arrays are owned by the
 * record (scVolRecordClear frees them); a backend fills them with the
 * helpers below. Unknown numbers are 0 (sizes) or -1 (permissions, times).
 */
typedef struct {
    char *name;                    /* the volume's name in its pool */
    char *key;                     /* unique on the host (dir: the path; logical: the LV UUID) */
    char *path;                    /* the canonical path a guest uses (absolute, or a
                                      backend's own form such as an iSCSI URL) */
    int type;                      /* scStorageVolType */
    char *format;                  /* "raw", "qcow2", "dir", a partition type, ... */
    unsigned long long capacity;   /* bytes a guest sees */
    unsigned long long allocation; /* bytes used on storage */
    unsigned long long physical;   /* bytes of the container (a file's size) */
    char *backing_path;            /* absolute where it could be resolved, or NULL */
    char *backing_format;
    long long mode, uid, gid;      /* -1 when unknown */
    long long atime_ns, mtime_ns, ctime_ns, btime_ns; /* -1 when unknown */
    /* The change signature: equal signatures mean the record is unchanged,
     * so a refresh does not ask for it again (dir: dev, inode, size, mtime,
     * ctime; logical: LV UUID, size, segments). Empty: always re-read. */
    unsigned char sig[SC_VOL_SIG_MAX];
    size_t sig_len;
    /* The identity across renames: a new name whose identity equals that
     * of a name gone in the same refresh is that volume renamed, and keeps
     * its UUID (dir: device, inode and birth time; logical: the LV UUID).
     * Empty: renames are not recognised. */
    unsigned char ident[SC_VOL_SIG_MAX];
    size_t ident_len;
    char **aliases;                /* other paths that name the volume (/dev/mapper/..,
                                      /dev/disk/by-...), canonical */
    size_t naliases;
    scNameValue *attrs;            /* name/value details, in no particular order */
    size_t nattrs;
} scVolRecord;

/* Zero @rec as an empty record (numbers unknown). */
void scVolRecordInit(scVolRecord *rec);
/* Free what @rec holds and make it empty again; NULL is fine. */
void scVolRecordClear(scVolRecord *rec);
/* Add an alias, or set an attribute (replacing one of that name). 0 or -1 (OOM). */
int scVolRecordAddAlias(scVolRecord *rec, const char *path);
int scVolRecordSetAttr(scVolRecord *rec, const char *name, const char *value);
int scVolRecordSetAttrNum(scVolRecord *rec, const char *name, unsigned long long value);
/* Append an extent of the volume on device @path, bytes [@start, @end)
 * (libvirt's <source><device><extent>): the attribute "extent.N" with the
 * next N (see SC_ATTR_EXTENT_PREFIX in conf/vol_conf.h), which the core
 * formats into the volume's XML. 0 or -1 (OOM). */
int scVolRecordAddExtent(scVolRecord *rec, const char *path, unsigned long long start,
                         unsigned long long end);
/* The value of attribute @name, or NULL. */
const char *scVolRecordAttr(const scVolRecord *rec, const char *name);
/* Copy @len bytes into the signature or the identity (len <= SC_VOL_SIG_MAX). */
void scVolRecordSetSig(scVolRecord *rec, const void *data, size_t len);
void scVolRecordSetIdent(scVolRecord *rec, const void *data, size_t len);

/* ---- discovery ---------------------------------------------------------- */

/*
 * What a refresh hands to `discover`: the core's side of the comparison.
 * A backend calls these through scSinkToken/Entry/Record, in this order:
 *
 *  1. token (optional, first): a pool-level change token (dir: the
 *     scan's digest; logical: the VG's metadata seqno). If it equals the
 *     token of the last complete refresh, nothing changed: the call returns
 *     0 and `discover` returns 0 at once, having done nothing more. A
 *     discovery that itself changed what its token covers (disk: the
 *     kernel's partitions, told what it lacked) calls it again, before
 *     the first entry, with the token of storage as it left it: that one
 *     is recorded (it returns 1 or -1; the first call's answer stands).
 *  2. entry, once per volume, in strictly increasing strcmp order of names:
 *     the name and change signature. The core compares them with its rows
 *     (in the same order) and returns 0 when it has the record already, or
 *     a positive "want" value when it needs the full record.
 *  3. record, for entries it wanted, in name order (interleaved with the
 *     entries or after all of them), passing back the want value. An entry
 *     whose volume vanished meanwhile is simply not recorded.
 *  4. pool_info (optional, at most once): the
 *     pool's capacity, allocation and available as the discovery learnt
 *     them (logical: the VG's size and free space are in the same lvm2
 *     report as its LVs), so that the refresh does not call the pool_info
 *     slot, which would ask storage again. NULL, only after the token said
 *     "unchanged", means the sizes have not changed either (the backend's
 *     token covers them: an LVM VG's sizes change only with its metadata):
 *     the catalog keeps the sizes it has. A backend that does not call it
 *     gets its pool_info slot called after the discovery, as before.
 *
 * Names the backend does not report are volumes gone from storage.
 */
typedef struct scDiscoverSink scDiscoverSink;
struct scDiscoverSink {
    int (*token)(scDiscoverSink *sink, const char *token);
    int (*entry)(scDiscoverSink *sink, const char *name, const void *sig, size_t sig_len);
    int (*record)(scDiscoverSink *sink, const scVolRecord *rec, int want);
    const scProgress *progress; /* for long discoveries, or NULL */
    int (*pool_info)(scDiscoverSink *sink, const scStoragePoolInfo *info);
};

/* 1 go on, 0 unchanged (stop), -1 error. */
int scSinkToken(scDiscoverSink *sink, const char *token);
/* A positive want value, 0 not wanted, -1 error. */
int scSinkEntry(scDiscoverSink *sink, const char *name, const void *sig, size_t sig_len);
/* 0 or -1. */
int scSinkRecord(scDiscoverSink *sink, const scVolRecord *rec, int want);
/* 0 or -1 (NULL when the token did not say "unchanged" is an internal
 * error). */
int scSinkPoolInfo(scDiscoverSink *sink, const scStoragePoolInfo *info);

/* ---- streams of data and holes ---------------------------------------- */

/*
 * What the stream slots (vol_upload_stream, vol_download_stream) move: a
 * transfer is a sequence of chunks, each either @len bytes of @data or,
 * with @data NULL, a hole of @len bytes (zeroes that need not be stored).
 * The core's end of a stream (src/core/stream.c) is a bounded queue
 * filled and drained by the caller's scStreamSend / scStreamRecv while
 * the slot runs on a worker thread of the core.
 */
typedef struct {
    const unsigned char *data; /* NULL for a hole */
    unsigned long long len;    /* bytes of data or of hole, > 0 */
} scStreamChunk;

/* An upload's source: the chunks the caller sends. */
typedef struct scStreamIn scStreamIn;
struct scStreamIn {
    int (*next)(scStreamIn *in, scStreamChunk *chunk);
};

/* A download's sink: where the chunks go to the caller. */
typedef struct scStreamOut scStreamOut;
struct scStreamOut {
    int (*data)(scStreamOut *out, const void *buf, size_t len);
    int (*hole)(scStreamOut *out, unsigned long long len);
};

/* The next chunk of an upload into @chunk, its data valid until the next
 * call: 1, 0 at the end of the data (the caller finished), or -1 when the
 * transfer stops (the caller aborted; reported). */
int scStreamInNext(scStreamIn *in, scStreamChunk *chunk);
/* Hand @len bytes of data, or a hole of @len bytes, to a download's
 * caller (waiting while its queue is full): 0, or -1 when the transfer
 * stops (the caller aborted or finished early; reported). */
int scStreamOutData(scStreamOut *out, const void *buf, size_t len);
int scStreamOutHole(scStreamOut *out, unsigned long long len);

/* ---- a started pool ----------------------------------------------------- */

/*
 * The runtime state of a started pool: what `start` returns and the
 * catalog keeps (for this boot of the host) for stop, refresh and every
 * volume operation, in any process.
 */
typedef struct {
    char *state; /* the backend's own text (the resolved target directory, a
                    mount point, a VG, a session's portal), or NULL */
    char **dirs; /* NULL-terminated: the directories the paths of the
                    pool's volumes (and their aliases) lie in, canonical;
                    a lookup by path that misses asks the pools of its
                    directory. For paths in a backend's own form, which
                    are not absolute (iscsi-direct's
                    "ip-HOST:PORT-iscsi-IQN-lun-N"), the prefix they begin
                    with ("ip-HOST:PORT-iscsi-IQN-lun-"): a lookup of such
                    a path that misses asks the pools whose prefix begins
                    it (through vol_lookup_path). NULL or empty when volumes
                    have no path to look up */
} scPoolRuntime;

void scPoolRuntimeClear(scPoolRuntime *rt);
/* Append @dir to rt->dirs. 0 or -1 (OOM). */
int scPoolRuntimeAddDir(scPoolRuntime *rt, const char *dir);

/* A free region of a started pool's source device number @device (its
 * index in <source><device>): bytes [@start, @end), END exclusive as
 * libvirt's <freeExtent start=... end=.../> in the pool XML. */
typedef struct {
    size_t device;
    unsigned long long start;
    unsigned long long end;
} scFreeExtent;

typedef struct {
    scFreeExtent *v; /* in the order the backend added them */
    size_t n;
} scFreeExtents;

/* Append a free extent to @l. 0 or -1 (OOM). */
int scFreeExtentsAdd(scFreeExtents *l, size_t device, unsigned long long start,
                     unsigned long long end);
void scFreeExtentsClear(scFreeExtents *l);

/* What the volume slots work in: the definition, the runtime state, and
 * what attach holds. */
typedef struct {
    const scPoolDef *def;
    const scPoolRuntime *rt;
    void *held; /* the backend's, between attach and detach */
    /* Is canonical @path a volume the catalog knows, in any pool? 1 yes, 0
     * no, -1 error (reported). Set by the core: what an image's chain may
     * reach outside the pool (backends/common/chain.h). May be NULL. */
    int (*is_volume)(void *opaque, const char *path);
    void *is_volume_opaque;
    /* Set by the core around vol_build and vol_build_from (else NULL):
     * the backend calls it through scPoolCtxVolMade right after it made
     * the new volume's storage (created the file, the LV, the partition),
     * before it writes any data, with that storage's identity (as
     * scVolRecord.ident would give it). The core journals the identity at
     * once (a short transaction), so that the storage an interrupted build
     * leaves is known to be its own and is removed, not taken for a
     * volume. A backend that knows the identity before it makes the
     * storage (a partition's UUID and start) calls it before, and leaves
     * no window at all. Returns 0, or -1 (reported): the build then fails and undoes
     * what it made. A backend that never calls it still works: what an
     * interrupted build of its leaves is kept as 'incomplete'. */
    int (*vol_made)(void *opaque, const void *ident, size_t ident_len);
    void *vol_made_opaque;
} scPoolCtx;

/* Tell the core (pool->vol_made, if set) that a build made its volume's
 * storage, of identity @ident. 0, or -1 (reported): undo and fail. */
int scPoolCtxVolMade(const scPoolCtx *pool, const void *ident, size_t ident_len);

/* ---- the slots ----------------------------------------------------------- */

typedef struct scBackend {
    int version;     /* SC_BACKEND_VERSION */
    scPoolType type;

    /* check: is the pool's storage there and started (a mounted file
     * system, an active VG), without changing anything? *@active set.
     * Used to settle a start or stop that a crash interrupted. Optional. */
    int (*check)(const scPoolDef *def, bool *active);
    /* build: make the storage (a directory, a file system, a VG, a label)
     * with SC_STORAGE_POOL_BUILD_* @flags. Returns 1 if it made something,
     * 0 if it was there already (nothing to undo). On failure nothing new
     * is left. Optional. */
    int (*build)(const scPoolDef *def, unsigned int flags);
    /* start: make the pool usable and fill @rt (empty on entry). It may find
     * the storage started already (a crash after its work): that is a
     * success. On failure @rt is left empty. Required. */
    int (*start)(const scPoolDef *def, scPoolRuntime *rt);
    /* stop: undo start, given what start returned. Stopping storage that is
     * stopped already is a success. Optional. */
    int (*stop)(const scPoolDef *def, const scPoolRuntime *rt);
    /* delete: destroy what build made (SC_STORAGE_POOL_DELETE_* @flags) of
     * a stopped pool. Optional. */
    int (*delete_pool)(const scPoolDef *def, unsigned int flags);
    /* delete_removes_volumes: a delete takes the volumes with it (a VG
     * removed, a partition table wiped, a directory that must be empty):
     * the core records the pool's present volumes missing. Not so where
     * they outlive it (an fs pool's files stay on its device). */
    bool delete_removes_volumes;
    /* pool_info: capacity, allocation and available of the started pool.
     * Called after a discovery (between attach and detach, so that it can
     * use what discover read) and after a change to a volume. Optional:
     * without it, the pool's capacity and allocation are the sums of its
     * present volumes' (available 0), as libvirt does for the pools of a
     * target's LUNs. */
    int (*pool_info)(const scPoolCtx *pool, scStoragePoolInfo *info);
    /* pool_free_extents: the free extents of the started pool's source
     * devices, for libvirt's <freeExtent>s in the pool XML, into @free
     * (empty on entry; filled with scFreeExtentsAdd). Called with
     * pool_info. Optional (none). */
    int (*pool_free_extents)(const scPoolCtx *pool, scFreeExtents *free);
    /* pool_perms: the mode (permission bits), owner and group of the
     * started pool's target directory into @perms (mode, uid and gid -1 on
     * entry; label untouched), for libvirt's pool <target><permissions>,
     * which its refresh reads. Called with pool_info. Optional (none). */
    int (*pool_perms)(const scPoolCtx *pool, scPoolPerms *perms);
    /* sizes_follow_token: what pool_info and pool_free_extents report can
     * change only when the change token of discover does (disk: both are
     * read from the partition table), so that a refresh whose token is
     * unchanged keeps the recorded ones and does not ask again. */
    bool sizes_follow_token;
    /* find_sources: the pools this host could define of this type, as
     * libvirt's <sources> XML in *@xml (caller frees). @srcspec is the
     * caller's <source> XML (a host to ask), or NULL. Optional. */
    int (*find_sources)(const char *srcspec, unsigned int flags, char **xml);

    /* attach: hold what many calls in a row need (an open directory) until
     * detach; the other slots work with or without it. Optional. */
    int (*attach)(scPoolCtx *pool);
    void (*detach)(scPoolCtx *pool);

    /* discover: report every volume of the started pool to @sink (see
     * scDiscoverSink). A volume that cannot be read (permission denied, an
     * I/O error) fails the whole discovery, naming it: a refresh that could
     * not see a volume must not record it gone. Storage that cannot be
     * reached at all (a portal or server that does not answer within
     * scBackendTimeoutMs) returns SC_BACKEND_UNREACHABLE, its error
     * reported: the refresh fails, and the core records the pool degraded,
     * keeping its inventory, until a refresh succeeds. Required to refresh. */
    int (*discover)(const scPoolCtx *pool, scDiscoverSink *sink);
    /* vol_probe: the record of volume @name now. 1 found, 0 no such volume
     * (or not a volume), -1 error. Required. */
    int (*vol_probe)(const scPoolCtx *pool, const char *name, scVolRecord *rec);
    /* vol_lookup_path: is canonical @path, which lies in one of the pool's
     * runtime dirs, a volume (or an alias of one) of this pool? 1 and its
     * name in *@name (caller frees), or 0. Nothing is checked on storage
     * yet (vol_probe follows). Optional: by default the last component of
     * a path directly in the first runtime dir is the name. */
    int (*vol_lookup_path)(const scPoolCtx *pool, const char *path, char **name);

    /* vol_plan: the name, key, path and type the volume @vol will have,
     * into @plan, without touching storage: the core journals them before
     * anything is made. A key that storage assigns (an LV UUID) may be a
     * provisional one here; the record of vol_build is authoritative.
     * Required to create. */
    int (*vol_plan)(const scPoolCtx *pool, const scVolDef *vol, scVolRecord *plan);
    /* vol_build: make the volume's storage from @vol (never over an existing
     * volume), then fill @rec as vol_probe would. @vol->key is the key
     * vol_plan returned (and the core journaled), so that storage the
     * backend names itself (a partition's UUID) is given that one. */
    int (*vol_build)(const scPoolCtx *pool, const scVolDef *vol, unsigned int flags,
                     const scProgress *progress, scVolRecord *rec);
    /* vol_build_from: as vol_build, with the data of @src (a volume of
     * @src_pool, perhaps of another type), keeping holes or converting. */
    int (*vol_build_from)(const scPoolCtx *pool, const scVolDef *vol, const scPoolCtx *src_pool,
                          const scVolRecord *src, unsigned int flags,
                          const scProgress *progress, scVolRecord *rec);
    /* The operations on a volume: @vol is the catalog's record of it.
     * vol_delete returns 0, or 1 when the delete changed other volumes
     * of the pool too (a dos logical partition's renumbers the ones
     * after it): the core records the delete, then refreshes the pool,
     * so that no name in the catalog is left naming other storage. */
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

    /* vol_upload_stream: write the chunks of @in into the volume from
     * @offset on (a hole: punched in a file, zeroes on a block device)
     * until scStreamInNext says the end, then make them durable (fsync);
     * the core keeps @in within @length (0: no limit). When @in stops
     * (-1), return -1 at once: what was written stays. Optional: without
     * it the core runs vol_upload on a pipe fed from @in, holes written
     * as zeroes (scBackendVolUploadStream). Called on a worker thread of
     * the core with no catalog and no progress callback: the slot must
     * not use pool->is_volume. */
    int (*vol_upload_stream)(const scPoolCtx *pool, const scVolRecord *vol, scStreamIn *in,
                             unsigned long long offset, unsigned long long length,
                             unsigned int flags);
    /* vol_download_stream: hand the volume's content from @offset on
     * (@length bytes, 0: to its end) to @out; with
     * SC_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM in @flags, a file's holes as
     * holes (a block device is all data). When @out stops (-1), return -1
     * at once. Optional: without it the core runs vol_download on a pipe
     * drained into @out (all data). On a worker thread, as above. */
    int (*vol_download_stream)(const scPoolCtx *pool, const scVolRecord *vol, scStreamOut *out,
                               unsigned long long offset, unsigned long long length,
                               unsigned int flags);
} scBackend;

/*
 * scBackendVolUploadStream / scBackendVolDownloadStream:
 * Run @be's stream slot, or, for a backend with only the fd slots
 * (vol_upload / vol_download), the fd slot on one end of a pipe on a
 * thread of its own while this thread pumps the stream through the other
 * end (a hole of an upload becomes zeroes, which the fd slot with
 * SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM punches again in a file). Both
 * threads run with every signal blocked (a reader gone makes EPIPE, not
 * SIGPIPE). Returns the slot's 0 or -1 (reported).
 */
int scBackendVolUploadStream(const scBackend *be, const scPoolCtx *pool, const scVolRecord *vol,
                             scStreamIn *in, unsigned long long offset, unsigned long long length,
                             unsigned int flags);
int scBackendVolDownloadStream(const scBackend *be, const scPoolCtx *pool, const scVolRecord *vol,
                               scStreamOut *out, unsigned long long offset,
                               unsigned long long length, unsigned int flags);

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

/*
 * scBackendOverride:
 * For tests: make @be the backend of its type (NULL restores the built-in
 * one). Not thread-safe; call before any connection uses that type.
 */
void scBackendOverride(scPoolType type, const scBackend *be);

extern const scBackend scBackendDir;
extern const scBackend scBackendDisk;
extern const scBackend scBackendFs;
extern const scBackend scBackendIscsi;
extern const scBackend scBackendIscsiDirect;
extern const scBackend scBackendLogical;

#endif /* SC_BACKEND_H */
