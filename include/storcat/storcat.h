/*
 * storcat.h: the public API of libstorcat.
 *
 * storcat manages storage pools and volumes for virtualization hosts, with
 * the shape and the names of libvirt's storage API: every public name is
 * libvirt's with "vir" replaced by "sc", so a management tool ports by
 * renaming (virStoragePoolLookupByName -> scStoragePoolLookupByName,
 * VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE -> SC_CONNECT_LIST_STORAGE_POOLS_ACTIVE).
 *
 * Definitions and everything known about real storage live in one SQLite
 * catalog file; a connection is an open catalog, not a daemon.
 *
 * Conventions, for every call below:
 *  - Failure is -1 (or NULL); the reason is in the thread-local last error
 *    (scGetLastError()). Each call clears the last error when it starts, so a
 *    success leaves none set.
 *  - Lookup*, Define*, ListAll* return new references, released with the
 *    matching *Free. A "const char *" result is borrowed from its handle and
 *    lives as long as the handle; a "char *" result is the caller's to free().
 *  - Unknown flag bits are an error (SC_ERR_INVALID_ARG), never ignored.
 *  - The library never prints and never exits.
 *
 * This header is plain C99 and needs nothing but the C library.
 */
#ifndef STORCAT_H
#define STORCAT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SC_VERSION_MAJOR 0
#define SC_VERSION_MINOR 1
#define SC_VERSION_MICRO 0
/* The version as one number: major * 1,000,000 + minor * 1,000 + micro. */
#define SC_VERSION_NUMBER                                                    \
    (SC_VERSION_MAJOR * 1000000 + SC_VERSION_MINOR * 1000 + SC_VERSION_MICRO)

#define SC_UUID_BUFLEN        16 /* raw UUID bytes */
#define SC_UUID_STRING_BUFLEN 37 /* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" + NUL */

/* ------------------------------------------------------------------ */
/* Errors                                                             */
/* ------------------------------------------------------------------ */

/* What went wrong. The names follow libvirt's virErrorNumber. */
typedef enum {
    SC_ERR_OK = 0,
    SC_ERR_INTERNAL_ERROR,       /* a broken invariant inside storcat */
    SC_ERR_NO_MEMORY,            /* allocation failed */
    SC_ERR_INVALID_ARG,          /* a bad argument: NULL, unknown flag, bad name */
    SC_ERR_INVALID_CONN,         /* not a valid connection handle */
    SC_ERR_INVALID_STORAGE_POOL, /* not a valid pool handle */
    SC_ERR_INVALID_STORAGE_VOL,  /* not a valid volume handle */
    SC_ERR_NO_STORAGE_POOL,      /* no pool by that name, UUID or path */
    SC_ERR_NO_STORAGE_VOL,       /* no volume by that name, key, path or UUID */
    SC_ERR_XML_ERROR,            /* XML that does not parse or breaks the schema */
    SC_ERR_CONFIG_UNSUPPORTED,   /* valid configuration that storcat does not do */
    SC_ERR_OPERATION_INVALID,    /* not valid in the object's state (e.g. active) */
    SC_ERR_OPERATION_FAILED,     /* the operation was tried and failed */
    SC_ERR_OPERATION_DENIED,     /* a read-only connection asked to change something */
    SC_ERR_OPERATION_UNSUPPORTED, /* the pool's backend cannot do this */
    SC_ERR_SYSTEM_ERROR,         /* a system call failed; see scError.sys_errno */
    SC_ERR_CATALOG,              /* the catalog file: SQLite said no; see scError.sqlite_code */
    SC_ERR_CATALOG_VERSION,      /* the catalog was written by a newer storcat */
    SC_ERR_STORAGE_POOL_EXISTS,  /* a pool with that name, UUID or source exists */
    SC_ERR_STORAGE_VOL_EXISTS,   /* a volume with that name exists */
    SC_ERR_OPERATION_ABORTED,    /* the progress callback asked to stop */
    SC_ERR_INVALID_STREAM,       /* not a valid stream handle */
    SC_ERR_NUMBER_OF_ERRORS      /* keep last */
} scErrorNumber;

/* Which part of storcat reported the error (libvirt's virErrorDomain). */
typedef enum {
    SC_FROM_NONE = 0,
    SC_FROM_CONNECT, /* connection and arguments */
    SC_FROM_CATALOG, /* the SQLite catalog */
    SC_FROM_XML,     /* pool/volume XML */
    SC_FROM_STORAGE, /* pools, volumes and their backends */
    SC_FROM_STREAMS, /* data streams (scStream*) */
    SC_FROM_NUMBER_OF_DOMAINS /* keep last */
} scErrorDomain;

/* The last error of the calling thread. All strings belong to the library
 * and stay valid until the thread's next storcat call. */
typedef struct scError {
    int code;          /* an scErrorNumber */
    int domain;        /* an scErrorDomain */
    const char *message; /* one line naming the object and the cause */
    int sys_errno;     /* the errno behind it, or 0 */
    int sqlite_code;   /* SQLite's extended result code behind it, or 0 */
    const char *file;  /* where in storcat it was reported */
    const char *func;
    int line;
} scError;
typedef scError *scErrorPtr;

/*
 * scGetLastError:
 * Returns the calling thread's last error, or NULL if the last call
 * succeeded. Borrowed: valid until the thread's next storcat call.
 */
const scError *scGetLastError(void);

/*
 * scGetLastErrorMessage:
 * Returns the last error's message, or "no error". Never NULL. Borrowed as
 * with scGetLastError.
 */
const char *scGetLastErrorMessage(void);

/*
 * scResetLastError:
 * Forgets the calling thread's last error.
 */
void scResetLastError(void);

/*
 * scGetVersion:
 * Stores the library's version (SC_VERSION_NUMBER form) in *libVer.
 * Returns 0, or -1 if libVer is NULL.
 */
int scGetVersion(unsigned long *libVer);

/* ------------------------------------------------------------------ */
/* Connections                                                        */
/* ------------------------------------------------------------------ */

typedef struct scConnect scConnect;
typedef scConnect *scConnectPtr;

typedef enum {
    SC_CONNECT_RO = 1 << 0, /* read-only: every change is refused */
} scConnectFlags;

/*
 * scConnectOpen:
 * @catalog: path of the catalog file, or NULL for the default:
 *           $STORCAT_CATALOG if set and not empty, else
 *           /var/lib/storcat/catalog.db for root, else
 *           $XDG_DATA_HOME/storcat/catalog.db ($HOME/.local/share if unset).
 * @flags: 0 or SC_CONNECT_RO.
 *
 * Opens (and, read-write, creates) a catalog. A new catalog file is created
 * with mode 0600, its directory (for the default path) with 0700. An older
 * catalog is migrated to the current schema in one transaction; a catalog
 * made by a newer storcat is refused (SC_ERR_CATALOG_VERSION); a file that is
 * not a storcat catalog is refused (SC_ERR_CATALOG). Several processes may
 * open one catalog at once. A connection may be shared between threads:
 * calls on it are serialized. Every change made through the connection is
 * recorded in the catalog's events table with its actor: "USER(UID) pid
 * PID", followed by $STORCAT_ACTOR when that is set (a management tool
 * names itself there). Active pool states belong to the current boot
 * (/proc/sys/kernel/random/boot_id; $STORCAT_BOOT_ID overrides it).
 *
 * Returns a new connection, to be closed with scConnectClose, or NULL.
 */
scConnectPtr scConnectOpen(const char *catalog, unsigned int flags);

/*
 * scConnectRef:
 * Adds a reference to @conn. Returns 0, or -1 on a bad handle.
 */
int scConnectRef(scConnectPtr conn);

/*
 * scConnectClose:
 * Drops one reference to @conn; the last one closes the catalog. Pools still
 * referenced keep the connection alive. Returns the number of references
 * left (0 when closed), or -1 on a bad handle.
 */
int scConnectClose(scConnectPtr conn);

/*
 * scConnectGetCatalogPath:
 * Returns the absolute path of @conn's catalog file (borrowed), or NULL.
 */
const char *scConnectGetCatalogPath(scConnectPtr conn);

/*
 * scConnectIsReadOnly:
 * Returns 1 if @conn was opened with SC_CONNECT_RO, 0 if not, -1 on error.
 */
int scConnectIsReadOnly(scConnectPtr conn);

/* ------------------------------------------------------------------ */
/* Storage pools                                                      */
/* ------------------------------------------------------------------ */

typedef struct scStoragePool scStoragePool;
typedef scStoragePool *scStoragePoolPtr;

/* Pool states, as libvirt's virStoragePoolState. */
typedef enum {
    SC_STORAGE_POOL_INACTIVE = 0,     /* not running */
    SC_STORAGE_POOL_BUILDING = 1,     /* being built */
    SC_STORAGE_POOL_RUNNING = 2,      /* running normally */
    SC_STORAGE_POOL_DEGRADED = 3,     /* running, degraded */
    SC_STORAGE_POOL_INACCESSIBLE = 4, /* running, but not accessible */
    SC_STORAGE_POOL_STATE_LAST
} scStoragePoolState;

typedef struct scStoragePoolInfo {
    int state;                     /* an scStoragePoolState */
    unsigned long long capacity;   /* logical size, bytes */
    unsigned long long allocation; /* current allocation, bytes */
    unsigned long long available;  /* remaining free space, bytes */
} scStoragePoolInfo;
typedef scStoragePoolInfo *scStoragePoolInfoPtr;

/* Filters of scConnectListAllStoragePools, with libvirt's values. Within
 * each group (active/inactive, persistent/transient, autostart/not, type)
 * bits are ORed; the groups are ANDed; an empty group does not filter. */
typedef enum {
    SC_CONNECT_LIST_STORAGE_POOLS_INACTIVE = 1 << 0,
    SC_CONNECT_LIST_STORAGE_POOLS_ACTIVE = 1 << 1,
    SC_CONNECT_LIST_STORAGE_POOLS_PERSISTENT = 1 << 2,
    SC_CONNECT_LIST_STORAGE_POOLS_TRANSIENT = 1 << 3,
    SC_CONNECT_LIST_STORAGE_POOLS_AUTOSTART = 1 << 4,
    SC_CONNECT_LIST_STORAGE_POOLS_NO_AUTOSTART = 1 << 5,
    SC_CONNECT_LIST_STORAGE_POOLS_DIR = 1 << 6,
    SC_CONNECT_LIST_STORAGE_POOLS_FS = 1 << 7,
    SC_CONNECT_LIST_STORAGE_POOLS_NETFS = 1 << 8,
    SC_CONNECT_LIST_STORAGE_POOLS_LOGICAL = 1 << 9,
    SC_CONNECT_LIST_STORAGE_POOLS_DISK = 1 << 10,
    SC_CONNECT_LIST_STORAGE_POOLS_ISCSI = 1 << 11,
    SC_CONNECT_LIST_STORAGE_POOLS_SCSI = 1 << 12,
    SC_CONNECT_LIST_STORAGE_POOLS_MPATH = 1 << 13,
    SC_CONNECT_LIST_STORAGE_POOLS_RBD = 1 << 14,
    SC_CONNECT_LIST_STORAGE_POOLS_SHEEPDOG = 1 << 15,
    SC_CONNECT_LIST_STORAGE_POOLS_GLUSTER = 1 << 16,
    SC_CONNECT_LIST_STORAGE_POOLS_ZFS = 1 << 17,
    SC_CONNECT_LIST_STORAGE_POOLS_VSTORAGE = 1 << 18,
    SC_CONNECT_LIST_STORAGE_POOLS_ISCSI_DIRECT = 1 << 19,
} scConnectListAllStoragePoolsFlags;

/* Flags of scStoragePoolDefineXML. storcat always validates; the flag is
 * accepted so ported callers need no change. */
typedef enum {
    SC_STORAGE_POOL_DEFINE_VALIDATE = 1 << 0,
} scStoragePoolDefineFlags;

/* Flags of scStoragePoolGetXMLDesc. */
typedef enum {
    SC_STORAGE_XML_INACTIVE = 1 << 0, /* the persistent definition only */
} scStorageXMLFlags;

/*
 * scConnectListAllStoragePools:
 * @pools: where to store a new NULL-terminated array of new pool references,
 *         sorted by name; the caller frees each with scStoragePoolFree and
 *         the array with free(). May be NULL to only count.
 * @flags: SC_CONNECT_LIST_STORAGE_POOLS_* filters, or 0 for all pools.
 *
 * Returns the number of pools (not counting the NULL), or -1; on failure
 * *pools is left untouched.
 */
int scConnectListAllStoragePools(scConnectPtr conn, scStoragePoolPtr **pools,
                                 unsigned int flags);

/*
 * scConnectNumOfStoragePools / scConnectNumOfDefinedStoragePools:
 * Return the number of active / inactive pools, or -1.
 */
int scConnectNumOfStoragePools(scConnectPtr conn);
int scConnectNumOfDefinedStoragePools(scConnectPtr conn);

/*
 * scStoragePoolLookupByName / ByUUID / ByUUIDString / ByTargetPath:
 * Find a defined pool by its name, raw UUID (SC_UUID_BUFLEN bytes), UUID
 * string (with or without dashes), or target path (any spelling: "//" and
 * a trailing "/" do not matter). Each is one indexed catalog query.
 *
 * Returns a new reference, or NULL: SC_ERR_NO_STORAGE_POOL if there is no
 * such pool, SC_ERR_INVALID_ARG for a malformed argument.
 */
scStoragePoolPtr scStoragePoolLookupByName(scConnectPtr conn, const char *name);
scStoragePoolPtr scStoragePoolLookupByUUID(scConnectPtr conn, const unsigned char *uuid);
scStoragePoolPtr scStoragePoolLookupByUUIDString(scConnectPtr conn, const char *uuidstr);
scStoragePoolPtr scStoragePoolLookupByTargetPath(scConnectPtr conn, const char *path);

/*
 * scStoragePoolDefineXML:
 * @xml: a pool definition in libvirt's pool XML (formatstorage).
 * @flags: 0 or SC_STORAGE_POOL_DEFINE_VALIDATE.
 *
 * Defines a new pool, or replaces the definition of an inactive pool with
 * the same name and UUID. A UUID is generated when the XML has none. All
 * pool types of libvirt's schema parse; the ones storcat manages (dir, fs,
 * netfs, logical, disk, iscsi, iscsi-direct) can be defined, any other type
 * is refused with SC_ERR_CONFIG_UNSUPPORTED naming it.
 *
 * Errors, each leaving the catalog unchanged: SC_ERR_XML_ERROR (malformed
 * XML, a DTD or entity, a bad element, naming the element),
 * SC_ERR_STORAGE_POOL_EXISTS (the name is taken by another UUID, the UUID by
 * another name, or another pool has the same target directory or source),
 * SC_ERR_OPERATION_INVALID (the pool is active), SC_ERR_OPERATION_DENIED
 * (read-only connection).
 *
 * Returns a new reference to the pool, or NULL.
 */
scStoragePoolPtr scStoragePoolDefineXML(scConnectPtr conn, const char *xml, unsigned int flags);

/*
 * scStoragePoolUndefine:
 * Removes an inactive pool's definition (and its volumes' catalog rows;
 * storage is not touched). Refused for an active pool, or one that another
 * call is building, starting, stopping or deleting
 * (SC_ERR_OPERATION_INVALID). The handle stays valid and must still be
 * freed. Returns 0 or -1.
 */
int scStoragePoolUndefine(scStoragePoolPtr pool);

/*
 * Building, starting, stopping and deleting a pool:
 * each call first journals itself in the pool's catalog row (a short
 * transaction naming this process), then works on storage with no catalog
 * lock held, however long that takes (a mount, an lvm2 command, an iSCSI
 * login), then records the result in a second short transaction. Other
 * processes meanwhile define pools and change volumes freely; a second
 * build, start, stop or delete of the same pool, and a change to its
 * volumes while it is stopped or deleted, fail with
 * SC_ERR_OPERATION_INVALID ("busy", naming the process). A call killed
 * half-way leaves a stale journal that blocks nothing: the next call
 * settles it (a start killed during its first refresh is finished by the
 * next start; a stop killed after its storage work is completed where the
 * backend can tell the storage is stopped).
 */

/*
 * scStoragePoolCreate:
 * Starts (activates) an inactive pool through its backend, then refreshes
 * it (scStoragePoolRefresh); if the refresh fails the pool is stopped
 * again. @flags: 0, or SC_STORAGE_POOL_CREATE_WITH_BUILD[_OVERWRITE |
 * _NO_OVERWRITE] to build it first (see scStoragePoolBuild). Fails with
 * SC_ERR_OPERATION_UNSUPPORTED while the pool type's backend is not in
 * this version of storcat (only dir pools have one today),
 * SC_ERR_OPERATION_INVALID if the pool is already active or busy. An
 * active pool stays active until it is stopped or the host reboots.
 * Returns 0 or -1.
 */
int scStoragePoolCreate(scStoragePoolPtr pool, unsigned int flags);

/*
 * scStoragePoolDestroy:
 * Stops an active pool; its definition and volume inventory stay. Fails
 * with SC_ERR_OPERATION_INVALID if the pool is not active or busy.
 * Returns 0 or -1.
 */
int scStoragePoolDestroy(scStoragePoolPtr pool);

/*
 * scStoragePoolIsActive / scStoragePoolIsPersistent:
 * Return 1 or 0, or -1 on error. A pool is active from a successful start
 * until it is stopped or the host reboots. Every storcat pool is persistent.
 */
int scStoragePoolIsActive(scStoragePoolPtr pool);
int scStoragePoolIsPersistent(scStoragePoolPtr pool);

/*
 * scStoragePoolGetXMLDesc:
 * Returns the pool's definition as libvirt pool XML, with its current
 * capacity, allocation and available sizes (zero unless the pool is active,
 * or with SC_STORAGE_XML_INACTIVE). The caller frees it. NULL on error.
 */
char *scStoragePoolGetXMLDesc(scStoragePoolPtr pool, unsigned int flags);

/*
 * scStoragePoolGetInfo:
 * Fills @info with the pool's state and sizes (bytes). Returns 0 or -1.
 */
int scStoragePoolGetInfo(scStoragePoolPtr pool, scStoragePoolInfoPtr info);

/*
 * scStoragePoolGetAutostart / scStoragePoolSetAutostart:
 * Read or set whether the pool is to be started at boot: an active state
 * does not survive a reboot, and `storcat autostart` (run at boot) starts
 * every inactive pool so marked. *autostart / @autostart: 1 or 0.
 * Return 0 or -1.
 */
int scStoragePoolGetAutostart(scStoragePoolPtr pool, int *autostart);
int scStoragePoolSetAutostart(scStoragePoolPtr pool, int autostart);

/*
 * scStoragePoolGetName:
 * Returns the pool's name, borrowed from the handle, or NULL.
 */
const char *scStoragePoolGetName(scStoragePoolPtr pool);

/*
 * scStoragePoolGetUUID / scStoragePoolGetUUIDString:
 * Copy the pool's UUID into @uuid (SC_UUID_BUFLEN bytes) or, as text, into
 * @buf (SC_UUID_STRING_BUFLEN bytes). Return 0 or -1.
 */
int scStoragePoolGetUUID(scStoragePoolPtr pool, unsigned char *uuid);
int scStoragePoolGetUUIDString(scStoragePoolPtr pool, char *buf);

/*
 * scStoragePoolGetConnect:
 * Returns the pool's connection, borrowed (no reference added), or NULL.
 */
scConnectPtr scStoragePoolGetConnect(scStoragePoolPtr pool);

/*
 * scStoragePoolRef / scStoragePoolFree:
 * Add / drop one reference to the handle. Return 0, or -1 on a bad handle.
 */
int scStoragePoolRef(scStoragePoolPtr pool);
int scStoragePoolFree(scStoragePoolPtr pool);

/* Flags of scStoragePoolBuild (libvirt's values). */
typedef enum {
    SC_STORAGE_POOL_BUILD_NEW = 0,               /* a regular build from scratch */
    SC_STORAGE_POOL_BUILD_REPAIR = 1 << 0,       /* repair (not supported by dir) */
    SC_STORAGE_POOL_BUILD_RESIZE = 1 << 1,       /* extend (not supported by dir) */
    SC_STORAGE_POOL_BUILD_NO_OVERWRITE = 1 << 2, /* refuse to overwrite existing storage */
    SC_STORAGE_POOL_BUILD_OVERWRITE = 1 << 3,    /* overwrite existing storage */
} scStoragePoolBuildFlags;

/* Flags of scStoragePoolCreate (libvirt's values). */
typedef enum {
    SC_STORAGE_POOL_CREATE_NORMAL = 0,
    SC_STORAGE_POOL_CREATE_WITH_BUILD = 1 << 0,              /* build first */
    SC_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE = 1 << 1,    /* build with OVERWRITE */
    SC_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE = 1 << 2, /* build with NO_OVERWRITE */
} scStoragePoolCreateFlags;

/* Flags of scStoragePoolDelete. */
typedef enum {
    SC_STORAGE_POOL_DELETE_NORMAL = 0,
    SC_STORAGE_POOL_DELETE_ZEROED = 1 << 0, /* not supported by dir */
} scStoragePoolDeleteFlags;

/*
 * scStoragePoolBuild:
 * Makes the pool's storage (dir: creates the target directory with the
 * XML's permissions; an existing directory keeps its mode unless the XML
 * sets one, as in libvirt). With NO_OVERWRITE an existing directory is an
 * error; OVERWRITE and NO_OVERWRITE are exclusive. The pool must be
 * inactive. If the build cannot be recorded, what it made is removed
 * again. Returns 0 or -1.
 */
int scStoragePoolBuild(scStoragePoolPtr pool, unsigned int flags);

/*
 * scStoragePoolDelete:
 * Destroys the pool's storage (dir: removes the empty target directory;
 * refused when it is not empty). The pool must be inactive; its definition
 * stays. Returns 0 or -1.
 */
int scStoragePoolDelete(scStoragePoolPtr pool, unsigned int flags);

/*
 * scStoragePoolRefresh:
 * Reconciles the catalog with the pool's storage in one transaction: new
 * volumes are recorded, changed ones updated, renamed ones (for files: the
 * same device, inode and birth time under a new name) keep their UUID,
 * vanished ones are marked missing (never deleted), and each change is an
 * event; a pool's first inventory (no volume known yet) is one
 * "pool-refresh" event with the counts, every volume's first_seen says
 * when it came. Volumes whose change signature did not change are not
 * read again (files: size, times and inode, from one readdir + fstatat
 * pass); when the pool's change token did not change (files: the scan's
 * digest), the refresh ends there. A volume that cannot be read
 * (permission denied, an I/O error) fails the refresh, naming it, and
 * changes nothing. The backend reads storage inside one read snapshot of
 * the catalog, with no lock (other writers go on); what changed is then
 * written in one short write transaction. A file pool's new and changed
 * files are probed on worker threads when there are many. Memory does not
 * grow with the pool: past 16,384 entries a directory's scan is sorted in
 * runs kept in an unnamed temporary file in $TMPDIR (else /tmp), as are
 * the records between the probes and the write. @flags must be 0. The pool
 * must be active. Returns 0 or -1.
 */
int scStoragePoolRefresh(scStoragePoolPtr pool, unsigned int flags);

/*
 * scConnectFindStoragePoolSources:
 * Asks the backend of pool type @type ("logical", "iscsi", ... as in pool
 * XML) which pools this host could define: returns libvirt's <sources>
 * XML (caller frees). @srcSpec is libvirt's <source> XML of where to look
 * (a host for a network type), or NULL. @flags must be 0. Fails with
 * SC_ERR_INVALID_ARG for a type storcat does not know,
 * SC_ERR_OPERATION_UNSUPPORTED ("pool type 'dir' does not support source
 * discovery", as libvirt) for a type whose backend cannot discover (dir
 * cannot, as in libvirt), SC_ERR_OPERATION_DENIED on a read-only
 * connection. NULL on error.
 */
char *scConnectFindStoragePoolSources(scConnectPtr conn, const char *type, const char *srcSpec,
                                      unsigned int flags);

/*
 * scConnectSetProgressCallback:
 * Long operations on @conn (refresh, wipe, clone, upload, download) call
 * @cb from time to time with the operation's name ("refresh", "wipe", ...)
 * and the work done and to do, in bytes or volumes (a total of 0: not
 * known yet). @cb returns 0 to go on or -1 to stop: the operation then
 * fails with SC_ERR_OPERATION_ABORTED; a clone or a refresh leaves nothing
 * behind, a wipe, upload or download stops where it was (the catalog
 * records the volume as it is). NULL removes the callback. @freecb, if not NULL, is
 * called on @opaque when the callback is replaced or the connection closes.
 * The callback runs in the calling thread while @conn is busy: it must not
 * call storcat on @conn. Returns 0 or -1.
 */
typedef int (*scProgressCallback)(scConnectPtr conn, const char *operation,
                                  unsigned long long done, unsigned long long total,
                                  void *opaque);
int scConnectSetProgressCallback(scConnectPtr conn, scProgressCallback cb, void *opaque,
                                 void (*freecb)(void *opaque));

/* ------------------------------------------------------------------ */
/* Storage volumes                                                    */
/* ------------------------------------------------------------------ */

typedef struct scStorageVol scStorageVol;
typedef scStorageVol *scStorageVolPtr;

/* Volume types, as libvirt's virStorageVolType. */
typedef enum {
    SC_STORAGE_VOL_FILE = 0,    /* a regular file */
    SC_STORAGE_VOL_BLOCK = 1,   /* a block device */
    SC_STORAGE_VOL_DIR = 2,     /* a directory */
    SC_STORAGE_VOL_NETWORK = 3, /* a network volume */
    SC_STORAGE_VOL_NETDIR = 4,  /* a network directory */
    SC_STORAGE_VOL_PLOOP = 5,   /* a ploop directory */
    SC_STORAGE_VOL_TYPE_LAST
} scStorageVolType;

/* What the catalog knows of a volume's presence (storcat's own). */
typedef enum {
    SC_STORAGE_VOL_STATE_PRESENT = 0,  /* found by the last refresh or created by storcat */
    SC_STORAGE_VOL_STATE_MISSING = 1,  /* gone from storage; kept for its history */
    SC_STORAGE_VOL_STATE_CREATING = 2, /* a create is in progress (or crashed) */
    SC_STORAGE_VOL_STATE_DELETING = 3, /* a delete is in progress (or crashed) */
    SC_STORAGE_VOL_STATE_LAST
} scStorageVolState;

typedef struct scStorageVolInfo {
    int type;                      /* an scStorageVolType */
    unsigned long long capacity;   /* logical size, bytes */
    unsigned long long allocation; /* current allocation, bytes */
} scStorageVolInfo;
typedef scStorageVolInfo *scStorageVolInfoPtr;

/* Flags of scStorageVolCreateXML / CreateXMLFrom (libvirt's values). */
typedef enum {
    SC_STORAGE_VOL_CREATE_PREALLOC_METADATA = 1 << 0, /* qcow2: preallocate metadata */
    SC_STORAGE_VOL_CREATE_REFLINK = 1 << 1,           /* clone with a reflink, or fail */
    SC_STORAGE_VOL_CREATE_VALIDATE = 1 << 2,          /* accepted; storcat always validates */
} scStorageVolCreateFlags;

typedef enum {
    SC_STORAGE_VOL_DELETE_NORMAL = 0,
    SC_STORAGE_VOL_DELETE_ZEROED = 1 << 0,         /* zero the data first */
    SC_STORAGE_VOL_DELETE_WITH_SNAPSHOTS = 1 << 1, /* not supported */
} scStorageVolDeleteFlags;

/* Wipe algorithms, as libvirt's virStorageVolWipeAlgorithm. */
typedef enum {
    SC_STORAGE_VOL_WIPE_ALG_ZERO = 0,        /* one pass of zeroes */
    SC_STORAGE_VOL_WIPE_ALG_NNSA = 1,        /* 4 passes: random, random, 0x00, verify */
    SC_STORAGE_VOL_WIPE_ALG_DOD = 2,         /* 4 passes: 0x00, 0xff, random, verify */
    SC_STORAGE_VOL_WIPE_ALG_BSI = 3,         /* 9 passes: 0xff 0xfe 0xfd 0xfb 0xf7 0xef 0xdf 0xbf 0x7f */
    SC_STORAGE_VOL_WIPE_ALG_GUTMANN = 4,     /* Gutmann's 35 passes */
    SC_STORAGE_VOL_WIPE_ALG_SCHNEIER = 5,    /* 7 passes: 0x00, 0xff, 5 random */
    SC_STORAGE_VOL_WIPE_ALG_PFITZNER7 = 6,   /* 7 random passes */
    SC_STORAGE_VOL_WIPE_ALG_PFITZNER33 = 7,  /* 33 random passes */
    SC_STORAGE_VOL_WIPE_ALG_RANDOM = 8,      /* one random pass */
    SC_STORAGE_VOL_WIPE_ALG_TRIM = 9,        /* discard (punch holes in a file) */
    SC_STORAGE_VOL_WIPE_ALG_LAST
} scStorageVolWipeAlgorithm;

/* Flags of scStorageVolResize (libvirt's values). */
typedef enum {
    SC_STORAGE_VOL_RESIZE_ALLOCATE = 1 << 0, /* allocate the new space */
    SC_STORAGE_VOL_RESIZE_DELTA = 1 << 1,    /* capacity is a change, not a size */
    SC_STORAGE_VOL_RESIZE_SHRINK = 1 << 2,   /* allow shrinking */
} scStorageVolResizeFlags;

/* Flags of scStorageVolUpload / scStorageVolDownload (libvirt's values),
 * also taken by storcat's scStorageVolUploadFD / scStorageVolDownloadFD. */
typedef enum {
    SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM = 1 << 0, /* holes travel as holes (stream: scStreamSendHole;
                                                     fd: zero blocks are not written) */
} scStorageVolUploadFlags;
typedef enum {
    SC_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM = 1 << 0, /* holes travel as holes (stream:
                                                       scStreamRecvHole; fd: holes in the output) */
} scStorageVolDownloadFlags;

/* Flags of scStoragePoolListAllVolumes (storcat's own). */
typedef enum {
    SC_STORAGE_POOL_LIST_VOLUMES_MISSING = 1 << 0, /* also volumes in state missing */
} scStoragePoolListAllVolumesFlags;

/*
 * scStoragePoolNumOfVolumes:
 * Returns the number of present volumes of an active pool, or -1.
 */
int scStoragePoolNumOfVolumes(scStoragePoolPtr pool);

/*
 * scStoragePoolListAllVolumes:
 * @vols: where to store a new NULL-terminated array of new volume
 *        references, sorted by name (each freed with scStorageVolFree, the
 *        array with free()), or NULL to count only.
 * @flags: 0 (present volumes) or SC_STORAGE_POOL_LIST_VOLUMES_MISSING.
 * Reads the catalog only: no storage is scanned (see scStoragePoolRefresh).
 * Returns the number of volumes, or -1.
 */
int scStoragePoolListAllVolumes(scStoragePoolPtr pool, scStorageVolPtr **vols,
                                unsigned int flags);

/*
 * scStoragePoolLookupByVolume:
 * Returns a new reference to the pool holding @vol, or NULL.
 */
scStoragePoolPtr scStoragePoolLookupByVolume(scStorageVolPtr vol);

/*
 * scStorageVolLookupByName / ByKey / ByPath / ByUUID / ByUUIDString:
 * Find a volume by its name in @pool, its key (dir: the canonical path),
 * any path to it ("/a/../a//x.img", a symlinked directory: the path is
 * canonicalized first), or its UUID (storcat gives every volume a stable
 * UUID). Each is one indexed catalog query. A path lookup that misses, but
 * whose file lies in an active pool's directory, checks that one file and,
 * if it is there, records it and returns it: no pool is rescanned. On a
 * read-only connection it finds the same and records nothing: the handle
 * answers from what storage showed, and has the nil UUID until a
 * read-write connection records the volume.
 * Returns a new reference, or NULL (SC_ERR_NO_STORAGE_VOL if none).
 */
scStorageVolPtr scStorageVolLookupByName(scStoragePoolPtr pool, const char *name);
scStorageVolPtr scStorageVolLookupByKey(scConnectPtr conn, const char *key);
scStorageVolPtr scStorageVolLookupByPath(scConnectPtr conn, const char *path);
scStorageVolPtr scStorageVolLookupByUUID(scConnectPtr conn, const unsigned char *uuid);
scStorageVolPtr scStorageVolLookupByUUIDString(scConnectPtr conn, const char *uuidstr);

/*
 * scStorageVolCreateXML:
 * Creates a volume in an active pool from libvirt volume XML: dir pools
 * make raw files allocated up to <allocation> (as libvirt, a missing
 * <allocation> means the whole capacity; <allocation>0</allocation> makes
 * a sparse file) and qcow2, qed,
 * vmdk, vdi and vpc images (through qemu-img), with an optional backing
 * store. The name may not contain '/', control characters, or be "." or
 * "..". An existing file of that name is never overwritten
 * (SC_ERR_STORAGE_VOL_EXISTS). On failure nothing is left behind.
 * Returns a new reference, or NULL.
 */
scStorageVolPtr scStorageVolCreateXML(scStoragePoolPtr pool, const char *xml,
                                      unsigned int flags);

/*
 * scStorageVolCreateXMLFrom:
 * As scStorageVolCreateXML, with the data of @clonevol (which may be in
 * another pool): raw copies keep holes; a different <format> converts
 * through qemu-img. Returns a new reference, or NULL.
 */
scStorageVolPtr scStorageVolCreateXMLFrom(scStoragePoolPtr pool, const char *xml,
                                          scStorageVolPtr clonevol, unsigned int flags);

/*
 * Changing a volume (create, clone, delete, wipe, resize, upload): each
 * call journals itself in the volume's catalog row first (a new volume is
 * a 'creating' row with the name, key and path its backend planned; a
 * delete makes the row 'deleting'; the others mark an operation on it),
 * works on storage with no catalog lock held, then records what storage
 * says afterwards in a short transaction with its event. Another call on
 * the same volume meanwhile, from any process, fails with
 * SC_ERR_OPERATION_INVALID ("busy", naming the process); other volumes
 * and pools are not held up. A failure leaves storage and the catalog as
 * they were (a create's storage is removed again); a call killed half-way
 * is settled by the next refresh.
 */

/*
 * scStorageVolDelete:
 * Deletes the volume's storage and its catalog row (the events remain).
 * Returns 0 or -1.
 */
int scStorageVolDelete(scStorageVolPtr vol, unsigned int flags);

/*
 * scStorageVolWipe / scStorageVolWipePattern:
 * Overwrite the volume's data (its whole capacity for raw files, the image
 * file for other formats, which keep their header: storcat recreates it).
 * Wipe is WipePattern with SC_STORAGE_VOL_WIPE_ALG_ZERO. @flags must be 0.
 * Returns 0 or -1.
 */
int scStorageVolWipe(scStorageVolPtr vol, unsigned int flags);
int scStorageVolWipePattern(scStorageVolPtr vol, unsigned int algorithm, unsigned int flags);

/*
 * scStorageVolResize:
 * Changes the capacity: grow freely; shrinking needs
 * SC_STORAGE_VOL_RESIZE_SHRINK; with DELTA @capacity is added (or, with
 * SHRINK, subtracted); with ALLOCATE the new space is allocated.
 * Returns 0 or -1.
 */
int scStorageVolResize(scStorageVolPtr vol, unsigned long long capacity, unsigned int flags);

/* A data stream (see "Streams" below). */
typedef struct scStream scStream;
typedef scStream *scStreamPtr;

/*
 * scStorageVolUpload / scStorageVolDownload:
 * @vol: the volume.
 * @stream: a new stream of @vol's connection (scStreamNew), never used
 *          before; it carries the data from now on.
 * @offset: where in the volume the data starts, in bytes.
 * @length: how many bytes at most, or 0 for no limit (upload) / to the end
 *          of the volume (download).
 * @flags: SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM / ..._DOWNLOAD_SPARSE_STREAM,
 *         or 0.
 *
 * As libvirt's: bind @stream to a transfer into (upload) or out of
 * (download) the volume; the caller then moves the data with
 * scStreamSend/SendHole/SendAll/SparseSendAll (upload) or
 * scStreamRecv/RecvFlags/RecvHole/RecvAll/SparseRecvAll (download), and
 * ends with scStreamFinish, or scStreamAbort to stop early.
 *
 * An upload is journaled on the volume from this call until the stream is
 * finished or aborted (other changes to the volume, from any process, are
 * refused as busy meanwhile; a process killed half-way leaves a stale
 * journal that blocks nothing), and the catalog is not locked while the
 * data flows. Finish makes the data durable (fsync) and records the
 * volume's new allocation and size with a "vol-upload" event; abort
 * records what was written by then (it stays written, as in libvirt).
 *
 * Sparse streams: holes travel as holes. Uploaded into a file volume a
 * hole is punched (it reads as zeroes and takes no space; a hole past the
 * end grows the file, as ftruncate); into a block device it is written as
 * zeroes, as libvirt does. A sparse download reports a file's holes
 * (SEEK_HOLE); a block device's content is all data, as in libvirt.
 *
 * Errors (nothing changed, the stream still new): SC_ERR_INVALID_STREAM
 * (@stream not a stream handle), SC_ERR_INVALID_ARG (unknown flags;
 * @stream of another connection; @offset + @length past 2^63 - 1; an
 * upload @offset past the volume's capacity), SC_ERR_OPERATION_INVALID
 * (@stream already used for a transfer; the volume busy or not present),
 * SC_ERR_OPERATION_UNSUPPORTED (the pool's backend cannot),
 * SC_ERR_OPERATION_DENIED (an upload on a read-only connection).
 * Returns 0 or -1.
 */
int scStorageVolUpload(scStorageVolPtr vol, scStreamPtr stream, unsigned long long offset,
                       unsigned long long length, unsigned int flags);
int scStorageVolDownload(scStorageVolPtr vol, scStreamPtr stream, unsigned long long offset,
                         unsigned long long length, unsigned int flags);

/*
 * scStorageVolUploadFD / scStorageVolDownloadFD (storcat's own):
 * The same transfer with a file descriptor instead of a stream, in one
 * call: copy @length bytes (0: to the end of @fd / of the volume) from
 * @fd into the volume at @offset, or from the volume at @offset into @fd.
 * @fd is read or written sequentially and not closed. With SPARSE_STREAM,
 * zero blocks read from @fd become holes (upload), and the volume's holes
 * become holes of @fd when it is a regular file (download). An upload is
 * journaled, synced and recorded as with a stream. Returns 0 or -1.
 */
int scStorageVolUploadFD(scStorageVolPtr vol, int fd, unsigned long long offset,
                         unsigned long long length, unsigned int flags);
int scStorageVolDownloadFD(scStorageVolPtr vol, int fd, unsigned long long offset,
                           unsigned long long length, unsigned int flags);

/*
 * scStorageVolGetInfo:
 * Fills @info from the catalog (type, capacity, allocation).
 * Returns 0 or -1.
 */
int scStorageVolGetInfo(scStorageVolPtr vol, scStorageVolInfoPtr info);

/*
 * scStorageVolGetXMLDesc:
 * Returns the volume as libvirt volume XML (name, key, capacity,
 * allocation, target path, format, permissions, timestamps, backing store),
 * to be freed by the caller, or NULL. @flags must be 0.
 */
char *scStorageVolGetXMLDesc(scStorageVolPtr vol, unsigned int flags);

/*
 * scStorageVolGetName / scStorageVolGetKey:
 * Return the volume's name or key, borrowed from the handle, or NULL.
 */
const char *scStorageVolGetName(scStorageVolPtr vol);
const char *scStorageVolGetKey(scStorageVolPtr vol);

/*
 * scStorageVolGetPath:
 * Returns the volume's path, to be freed by the caller, or NULL.
 */
char *scStorageVolGetPath(scStorageVolPtr vol);

/*
 * scStorageVolGetUUID / scStorageVolGetUUIDString (storcat's own):
 * Copy the volume's stable UUID (SC_UUID_BUFLEN bytes / a string of
 * SC_UUID_STRING_BUFLEN). Return 0 or -1.
 */
int scStorageVolGetUUID(scStorageVolPtr vol, unsigned char *uuid);
int scStorageVolGetUUIDString(scStorageVolPtr vol, char *buf);

/*
 * scStorageVolGetState (storcat's own):
 * Returns the volume's scStorageVolState in the catalog, or -1.
 */
int scStorageVolGetState(scStorageVolPtr vol);

/*
 * scStorageVolGetFormat (storcat's own):
 * Returns the volume's format ("raw", "qcow2", ...), to be freed by the
 * caller, or NULL.
 */
char *scStorageVolGetFormat(scStorageVolPtr vol);

/*
 * scStorageVolGetBackingStore (storcat's own):
 * Stores the backing file's path and format (new strings, for the caller
 * to free; the format may be NULL if unknown). Returns 1 if the volume has
 * a backing file, 0 if not (both set to NULL), -1 on error.
 */
int scStorageVolGetBackingStore(scStorageVolPtr vol, char **path, char **format);

/*
 * scStorageVolGetConnect:
 * Returns the volume's connection, borrowed, or NULL.
 */
scConnectPtr scStorageVolGetConnect(scStorageVolPtr vol);

/*
 * scStorageVolRef / scStorageVolFree:
 * Add / drop one reference. Return 0, or -1 on a bad handle.
 */
int scStorageVolRef(scStorageVolPtr vol);
int scStorageVolFree(scStorageVolPtr vol);


/* ------------------------------------------------------------------ */
/* Streams                                                            */
/* ------------------------------------------------------------------ */

/*
 * Streams carry the data of scStorageVolUpload and scStorageVolDownload,
 * with libvirt's calls and semantics (libvirt-stream.h). A stream is made
 * with scStreamNew, bound to one transfer, used from one thread at a time,
 * ended with scStreamFinish or scStreamAbort, and released with
 * scStreamFree.
 *
 * Inside storcat a bound stream has a worker thread that runs the pool
 * backend's transfer while the caller sends or receives; a bounded queue
 * between them carries data and holes (a few MiB at most are in flight).
 * Finish and abort join the worker: no thread outlives the transfer, and
 * none the process.
 *
 * Errors common to every call: SC_ERR_INVALID_STREAM for a NULL or stale
 * handle; SC_ERR_OPERATION_INVALID for a stream not bound to a transfer
 * yet, for a call of the wrong direction (a send on a download) and for a
 * call on a stream that another call on it is still running (a callback of
 * SendAll/RecvAll that calls back into its stream, or a second thread);
 * SC_ERR_OPERATION_FAILED "stream is closed" after finish or abort. A
 * failed Send, SendHole, Recv or callback ends the transfer (recorded as
 * by an abort); every later call but Free reports that same error again.
 */

/* Flags of scStreamNew (libvirt's values). */
typedef enum {
    SC_STREAM_NONBLOCK = (1 << 0), /* Send/Recv return -2 rather than wait */
} scStreamFlags;

/* Flags of scStreamRecvFlags (libvirt's values). */
typedef enum {
    SC_STREAM_RECV_STOP_AT_HOLE = (1 << 0), /* return -3 at a hole (see scStreamRecvHole) */
} scStreamRecvFlagsValues;

/*
 * scStreamNew:
 * @flags: 0 or SC_STREAM_NONBLOCK.
 * Returns a new, unbound stream of @conn (it holds a reference to the
 * connection), to be released with scStreamFree, or NULL.
 */
scStreamPtr scStreamNew(scConnectPtr conn, unsigned int flags);

/*
 * scStreamRef:
 * Adds a reference to @stream. Returns 0 or -1.
 */
int scStreamRef(scStreamPtr stream);

/*
 * scStreamSend:
 * Queues up to @nbytes bytes of @data (an upload): returns how many were
 * taken (fewer only at the transfer's length limit), -2 if the stream is
 * non-blocking and the queue is full (try again), or -1: the transfer
 * failed (the backend's error, or ENOSPC past the length limit as
 * SC_ERR_SYSTEM_ERROR) and has ended. @nbytes above INT_MAX is
 * SC_ERR_INVALID_ARG.
 */
int scStreamSend(scStreamPtr stream, const char *data, size_t nbytes);

/*
 * scStreamRecv:
 * Reads up to @nbytes bytes of a download into @data: returns how many (a
 * hole of a sparse stream reads as zeroes), 0 at the end of the data
 * (then call scStreamFinish), -2 if non-blocking and nothing is ready
 * yet, or -1 (the transfer failed and has ended).
 */
int scStreamRecv(scStreamPtr stream, char *data, size_t nbytes);

/*
 * scStreamRecvFlags:
 * scStreamRecv with @flags: with SC_STREAM_RECV_STOP_AT_HOLE, a hole next
 * in a sparse download returns -3 (no error set): scStreamRecvHole then
 * says how long it is. With 0 it is scStreamRecv.
 */
int scStreamRecvFlags(scStreamPtr stream, char *data, size_t nbytes, unsigned int flags);

/*
 * scStreamSendHole:
 * Queues a hole of @length bytes (> 0; SC_ERR_INVALID_ARG otherwise) in a
 * sparse upload (SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM; without it
 * SC_ERR_OPERATION_INVALID, as libvirt's "Skipping is not supported with
 * this stream"). A hole past the length limit is cut there. @flags must
 * be 0. Returns 0 or -1.
 */
int scStreamSendHole(scStreamPtr stream, long long length, unsigned int flags);

/*
 * scStreamRecvHole:
 * In a sparse download, takes the hole that is next in the stream (after
 * scStreamRecvFlags returned -3) and stores its length in *@length; 0 if
 * no hole is next. A stream that is not sparse is SC_ERR_OPERATION_INVALID
 * ("Holes are not supported with this stream"). @flags must be 0.
 * Returns 0 or -1.
 */
int scStreamRecvHole(scStreamPtr stream, long long *length, unsigned int flags);

/*
 * scStreamSourceFunc:
 * Fills @data with up to @nbytes bytes to send and returns how many, 0 at
 * the end of the source, or -1 on error (setting errno). It must not call
 * storcat on @st.
 */
typedef int (*scStreamSourceFunc)(scStreamPtr st, char *data, size_t nbytes, void *opaque);

/*
 * scStreamSourceHoleFunc:
 * Stores in *@inData whether the source's current position is in data (1)
 * or a hole (0), and in *@length how many bytes are left of that section;
 * at the end of the source both are 0. It must not move the position.
 * Returns 0, or -1 on error (setting errno).
 */
typedef int (*scStreamSourceHoleFunc)(scStreamPtr st, int *inData, long long *length,
                                      void *opaque);

/*
 * scStreamSourceSkipFunc:
 * Moves the source's position past a hole of @length bytes. Returns 0, or
 * -1 on error (setting errno).
 */
typedef int (*scStreamSourceSkipFunc)(scStreamPtr st, long long length, void *opaque);

/*
 * scStreamSinkFunc:
 * Consumes up to @nbytes bytes of @data and returns how many, or -1 on
 * error (setting errno). It must not call storcat on @st.
 */
typedef int (*scStreamSinkFunc)(scStreamPtr st, const char *data, size_t nbytes, void *opaque);

/*
 * scStreamSinkHoleFunc:
 * Makes a hole of @length bytes in the sink (seek past it, punch it).
 * Returns 0, or -1 on error (setting errno).
 */
typedef int (*scStreamSinkHoleFunc)(scStreamPtr st, long long length, void *opaque);

/*
 * scStreamSendAll / scStreamSparseSendAll:
 * Send everything @handler gives until it returns 0; the sparse variant
 * asks @holeHandler where the holes are, sends them with scStreamSendHole
 * and skips them with @skipHandler. Then call scStreamFinish. Not for a
 * non-blocking stream (SC_ERR_OPERATION_INVALID). A callback that fails
 * aborts the transfer and the call fails with SC_ERR_SYSTEM_ERROR ("send
 * handler failed", with the callback's errno), as libvirt. Returns 0 or -1.
 */
int scStreamSendAll(scStreamPtr stream, scStreamSourceFunc handler, void *opaque);
int scStreamSparseSendAll(scStreamPtr stream, scStreamSourceFunc handler,
                          scStreamSourceHoleFunc holeHandler, scStreamSourceSkipFunc skipHandler,
                          void *opaque);

/*
 * scStreamRecvAll / scStreamSparseRecvAll:
 * Receive everything into @handler (holes of a sparse download go to
 * @holeHandler; with scStreamRecvAll they arrive as zeroes). Then call
 * scStreamFinish. Not for a non-blocking stream. A callback that fails
 * aborts the transfer ("recv handler failed"). Returns 0 or -1.
 */
int scStreamRecvAll(scStreamPtr stream, scStreamSinkFunc handler, void *opaque);
int scStreamSparseRecvAll(scStreamPtr stream, scStreamSinkFunc handler,
                          scStreamSinkHoleFunc holeHandler, void *opaque);

/*
 * scStreamFinish:
 * Ends the transfer: an upload's data is all written, synced and recorded
 * (the volume's allocation and size, a "vol-upload" event), its journal
 * ended; a download must have reached its end (scStreamRecv returned 0):
 * finishing it earlier fails with SC_ERR_OPERATION_FAILED and closes it,
 * as libvirt ("stream had unexpected termination"; use scStreamAbort to
 * stop early). The error of the transfer, if any, is reported here.
 * Returns 0 or -1; either way the stream is closed.
 */
int scStreamFinish(scStreamPtr stream);

/*
 * scStreamAbort:
 * Stops the transfer early. What an upload wrote stays written and is
 * recorded (an event "vol-upload" saying it was aborted). An unbound
 * stream is left as it is. Returns 0, or -1 (closed already: "stream is
 * closed"; or the catalog could not record).
 */
int scStreamAbort(scStreamPtr stream);

/*
 * scStreamFree:
 * Drops one reference; the last one releases the stream, aborting first a
 * transfer still open (libvirt asks callers to finish or abort first;
 * storcat does not leave the volume journaled if they did not).
 * Returns 0 or -1 (SC_ERR_INVALID_STREAM).
 */
int scStreamFree(scStreamPtr stream);

#ifdef __cplusplus
}
#endif

#endif /* STORCAT_H */
