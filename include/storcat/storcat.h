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
 *  - The _LAST members of enums are there only when SC_ENUM_SENTINELS is
 *    defined, as libvirt's with VIR_ENUM_SENTINELS: a value added later
 *    does not change a caller's idea of the last one.
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
#define SC_VERSION_MINOR 2
#define SC_VERSION_MICRO 0
/* The version as one number: major * 1,000,000 + minor * 1,000 + micro. */
#define SC_VERSION_NUMBER                                                    \
    (SC_VERSION_MAJOR * 1000000 + SC_VERSION_MINOR * 1000 + SC_VERSION_MICRO)

#define SC_UUID_BUFLEN        16 /* raw UUID bytes */
#define SC_UUID_STRING_BUFLEN 37 /* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" + NUL */

/* ------------------------------------------------------------------ */
/* Errors                                                             */
/* ------------------------------------------------------------------ */

/*
 * What went wrong: libvirt's virErrorNumber, with libvirt's names and
 * numbers for every code storcat reports that libvirt has; storcat's own
 * codes are numbered from 1000, past anything libvirt will use.
 */
typedef enum {
    SC_ERR_OK = 0,
    SC_ERR_INTERNAL_ERROR = 1,         /* a broken invariant inside storcat */
    SC_ERR_NO_MEMORY = 2,              /* allocation failed */
    SC_ERR_NO_SUPPORT = 3,             /* the call is not supported */
    SC_ERR_NO_CONNECT = 5,             /* no catalog could be opened for that name */
    SC_ERR_INVALID_CONN = 6,           /* not a valid connection handle */
    SC_ERR_INVALID_ARG = 8,            /* a bad argument: NULL, unknown flag, bad name */
    SC_ERR_OPERATION_FAILED = 9,       /* tried and failed; a pool that exists already */
    SC_ERR_XML_ERROR = 27,             /* XML that does not parse or breaks the schema */
    SC_ERR_OPERATION_DENIED = 29,      /* a read-only connection asked to change something */
    SC_ERR_SYSTEM_ERROR = 38,          /* a system call failed; errno in int1 */
    SC_ERR_AUTH_FAILED = 45,           /* authentication failed */
    SC_ERR_INVALID_STORAGE_POOL = 46,  /* not a valid pool handle */
    SC_ERR_INVALID_STORAGE_VOL = 47,   /* not a valid volume handle */
    SC_ERR_NO_STORAGE_POOL = 49,       /* no pool by that name, UUID or path */
    SC_ERR_NO_STORAGE_VOL = 50,        /* no volume by that name, key, path or UUID */
    SC_ERR_OPERATION_INVALID = 55,     /* not valid in the object's state (e.g. active) */
    SC_ERR_INVALID_SECRET = 65,        /* not a valid secret handle */
    SC_ERR_NO_SECRET = 66,             /* no secret by that UUID or usage */
    SC_ERR_CONFIG_UNSUPPORTED = 67,    /* valid configuration that storcat does not do */
    SC_ERR_OPERATION_TIMEOUT = 68,     /* storage did not answer in time */
    SC_ERR_INVALID_STREAM = 73,        /* not a valid stream handle */
    SC_ERR_ARGUMENT_UNSUPPORTED = 74,  /* a valid argument storcat does not do */
    SC_ERR_STORAGE_PROBE_FAILED = 75,  /* probing a pool's storage failed */
    SC_ERR_STORAGE_POOL_BUILT = 76,    /* the pool's storage is built already */
    SC_ERR_OPERATION_ABORTED = 78,     /* the progress callback asked to stop */
    SC_ERR_OVERFLOW = 82,              /* a size or count out of range */
    SC_ERR_OPERATION_UNSUPPORTED = 84, /* the pool's backend cannot do this */
    SC_ERR_RESOURCE_BUSY = 87,         /* in use by another process */
    SC_ERR_STORAGE_VOL_EXIST = 90,     /* a volume of that name (or path) exists */
    SC_ERR_XML_INVALID_SCHEMA = 92,    /* XML that the schema refuses */

    /* storcat's own */
    SC_ERR_CATALOG = 1000,             /* the catalog file: SQLite said no (sqlite_code) */
    SC_ERR_CATALOG_VERSION = 1001,     /* the catalog was written by a newer storcat */

#ifdef SC_ENUM_SENTINELS
    SC_ERR_NUMBER_LAST
#endif
} scErrorNumber;

/* Which part reported the error: libvirt's virErrorDomain numbers;
 * storcat's own from 1000. */
typedef enum {
    SC_FROM_NONE = 0,
    SC_FROM_XML = 5,       /* XML that does not parse */
    SC_FROM_CONF = 9,      /* configuration */
    SC_FROM_STORAGE = 18,  /* pools, volumes and their backends */
    SC_FROM_SECRET = 30,   /* secrets */
    SC_FROM_STREAMS = 38,  /* streams */
    SC_FROM_EVENT = 40,    /* the event loop */
    SC_FROM_URI = 45,      /* connection names and URIs */

    /* storcat's own */
    SC_FROM_CATALOG = 1000, /* the SQLite catalog */

#ifdef SC_ENUM_SENTINELS
    SC_ERR_DOMAIN_LAST
#endif
} scErrorDomain;

/* How serious (libvirt's virErrorLevel): storcat reports errors only. */
typedef enum {
    SC_ERR_NONE = 0,
    SC_ERR_WARNING = 1,
    SC_ERR_ERROR = 2,
} scErrorLevel;

typedef struct scConnect scConnect;
typedef scConnect *scConnectPtr;

/*
 * An error, as libvirt's virError: its fields first, in libvirt's order,
 * then storcat's. The message is libvirt's text for the code with the
 * details ("Storage pool not found: no storage pool with matching name
 * 'x'"), one line naming the object and the cause. As in libvirt, str1 is
 * the code's text, str2 the details, int1 the errno of a system error
 * (else -1), int2 -1; conn, dom and net are always NULL.
 */
typedef struct scError {
    int code;              /* an scErrorNumber */
    int domain;            /* an scErrorDomain */
    char *message;
    scErrorLevel level;
    scConnectPtr conn;     /* deprecated: NULL */
    void *dom;             /* deprecated: NULL */
    char *str1;
    char *str2;
    char *str3;
    int int1;
    int int2;
    void *net;             /* deprecated: NULL */
    /* storcat's own */
    int sys_errno;         /* the errno behind it, or 0 */
    int sqlite_code;       /* SQLite's extended result code behind it, or 0 */
    const char *file;      /* where in storcat it was reported */
    const char *func;
    int line;
} scError;
typedef scError *scErrorPtr;

/* A function called with each error a call fails with (scSetErrorFunc). */
typedef void (*scErrorFunc)(void *userData, scErrorPtr error);

/*
 * scGetLastError:
 * Returns the calling thread's last error, or NULL if there is none (each
 * call clears it when it starts). Borrowed: valid until the thread's next
 * storcat call.
 */
scErrorPtr scGetLastError(void);

/*
 * scGetLastErrorCode / scGetLastErrorDomain:
 * The last error's code (SC_ERR_OK if none) and domain (SC_FROM_NONE).
 */
int scGetLastErrorCode(void);
int scGetLastErrorDomain(void);

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
 * scCopyLastError:
 * Copies the last error into @to (which is overwritten, not freed first);
 * release the copy's strings with scResetError. Returns the error's code
 * (SC_ERR_OK if there is none), or -1 if @to is NULL.
 */
int scCopyLastError(scErrorPtr to);

/*
 * scSaveLastError:
 * A new copy of the last error (code SC_ERR_OK if there is none), to be
 * released with scFreeError; NULL if memory ran out.
 */
scErrorPtr scSaveLastError(void);

/*
 * scResetError / scFreeError:
 * Release the strings of @err and zero it / and free @err itself. Both
 * accept NULL.
 */
void scResetError(scErrorPtr err);
void scFreeError(scErrorPtr err);

/*
 * scSetErrorFunc / scConnSetErrorFunc:
 * A function to call with the error of every call that fails (on @conn,
 * for the second; a connection's function comes before the global one),
 * or NULL for none. Unlike libvirt, storcat prints nothing when no
 * function is set: the library never prints (scDefaultErrorFunc is
 * libvirt's printing one, for a caller who wants it). The function runs
 * in the failing thread after the call's work; it may call storcat.
 */
void scSetErrorFunc(void *userData, scErrorFunc handler);
void scConnSetErrorFunc(scConnectPtr conn, void *userData, scErrorFunc handler);

/*
 * scDefaultErrorFunc:
 * Prints @err to stderr as libvirt's default function does
 * ("storcat: Storage Driver error : ..."). Nothing for NULL or SC_ERR_OK.
 */
void scDefaultErrorFunc(scErrorPtr err);

/*
 * scConnGetLastError / scConnResetLastError / scConnCopyLastError:
 * The last error of a call that failed on @conn, in any thread (libvirt's
 * older per-connection error: prefer scGetLastError). Get returns a
 * pointer into @conn (NULL if @conn is NULL); Copy is as scCopyLastError
 * (-1 if @conn or @to is NULL).
 */
scErrorPtr scConnGetLastError(scConnectPtr conn);
void scConnResetLastError(scConnectPtr conn);
int scConnCopyLastError(scConnectPtr conn, scErrorPtr to);

/*
 * scGetVersion:
 * Stores the library's version (SC_VERSION_NUMBER form) in *@libVer and,
 * if @typeVer is not NULL, the same in *@typeVer (the version of the
 * "driver": storcat has one; @type is not used). Returns 0, or -1 if
 * @libVer is NULL.
 */
int scGetVersion(unsigned long *libVer, const char *type, unsigned long *typeVer);

/* ------------------------------------------------------------------ */
/* Connections                                                        */
/* ------------------------------------------------------------------ */

/* Flags of scConnectOpenAuth: libvirt's, and storcat's above them. */
typedef enum {
    SC_CONNECT_RO = 1 << 0,          /* read-only: every change is refused */
    SC_CONNECT_NO_ALIASES = 1 << 1,  /* accepted; storcat has no URI aliases */
    SC_CONNECT_CREATE = 1 << 24,     /* storcat: create the catalog if it does not exist */
} scConnectFlags;

/* Credentials, as libvirt's (storcat asks for none: a catalog is a file,
 * guarded by its owner and mode). */
typedef enum {
    SC_CRED_USERNAME = 1,
    SC_CRED_AUTHNAME = 2,
    SC_CRED_LANGUAGE = 3,
    SC_CRED_CNONCE = 4,
    SC_CRED_PASSPHRASE = 5,
    SC_CRED_ECHOPROMPT = 6,
    SC_CRED_NOECHOPROMPT = 7,
    SC_CRED_REALM = 8,
    SC_CRED_EXTERNAL = 9,
#ifdef SC_ENUM_SENTINELS
    SC_CRED_LAST
#endif
} scConnectCredentialType;

typedef struct scConnectCredential {
    int type;               /* an scConnectCredentialType */
    const char *prompt;
    const char *challenge;
    const char *defresult;
    char *result;
    unsigned int resultlen;
} scConnectCredential;
typedef scConnectCredential *scConnectCredentialPtr;

typedef int (*scConnectAuthCallbackPtr)(scConnectCredentialPtr cred, unsigned int ncred,
                                        void *cbdata);

typedef struct scConnectAuth {
    int *credtype;          /* the scConnectCredentialType values the callback handles */
    unsigned int ncredtype;
    scConnectAuthCallbackPtr cb;
    void *cbdata;
} scConnectAuth;
typedef scConnectAuth *scConnectAuthPtr;

/* libvirt's default authentication (storcat never calls it). */
extern scConnectAuthPtr scConnectAuthPtrDefault;

/*
 * scConnectOpen / scConnectOpenReadOnly / scConnectOpenAuth:
 * @name: which catalog:
 *   NULL or "": the default catalog: $STORCAT_CATALOG if set and not empty
 *     (a path or a storcat URI), else /var/lib/storcat/catalog.db for root,
 *     else $XDG_DATA_HOME/storcat/catalog.db ($HOME/.local/share if unset);
 *   a path to the catalog file (relative to the working directory);
 *   a URI "storcat:///absolute/path/catalog.db" (%XX escapes decoded; no
 *     host, query or fragment).
 *   Another URI scheme ("qemu:///system") is SC_ERR_NO_CONNECT.
 * @auth: accepted and not used (scConnectOpenAuth).
 * @flags: SC_CONNECT_RO, SC_CONNECT_NO_ALIASES, SC_CONNECT_CREATE
 *   (scConnectOpenAuth; scConnectOpenReadOnly is SC_CONNECT_RO).
 *
 * Opens a catalog. A catalog that does not exist is created only by a
 * read-write connection to the default catalog, or with SC_CONNECT_CREATE
 * (which a read-only connection refuses); any other name that does not
 * exist is an error naming the path (a typo never makes a new empty
 * catalog). A new catalog file is created with mode 0600, the default's
 * directory with 0700. An older catalog is migrated to the current schema
 * in one transaction; a catalog made by a newer storcat is refused
 * (SC_ERR_CATALOG_VERSION); a file that is not a storcat catalog, or is
 * empty, is refused (SC_ERR_CATALOG). A read-write open of a catalog that
 * cannot be written (a read-only file system, another user's file) opens
 * it read-only, and a change then says why. Several processes may open
 * one catalog at once. A connection may be shared between threads: calls
 * on it are serialized. Every change made through the connection is
 * recorded in the catalog's events table with its actor: "USER(UID) pid
 * PID", followed by $STORCAT_ACTOR when that is set (a management tool
 * names itself there). Active pool states belong to the current boot
 * (/proc/sys/kernel/random/boot_id; $STORCAT_BOOT_ID overrides it).
 *
 * Returns a new connection, to be closed with scConnectClose, or NULL.
 */
scConnectPtr scConnectOpen(const char *name);
scConnectPtr scConnectOpenReadOnly(const char *name);
scConnectPtr scConnectOpenAuth(const char *name, scConnectAuthPtr auth, unsigned int flags);

/*
 * scInitialize:
 * Does nothing storcat needs (kept for libvirt callers). Returns 0.
 */
int scInitialize(void);

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
 * Returns 1 if @conn is read-only (opened so, or its catalog cannot be
 * written), 0 if not, -1 on error.
 */
int scConnectIsReadOnly(scConnectPtr conn);

/*
 * scConnectGetURI:
 * The URI of @conn's catalog, "storcat:///absolute/path" (characters
 * outside [A-Za-z0-9-._~/] escaped), to be freed by the caller; NULL on
 * error.
 */
char *scConnectGetURI(scConnectPtr conn);

/*
 * scConnectGetLibVersion / scConnectGetVersion:
 * Store the library's version (SC_VERSION_NUMBER form) in *@libVer, and
 * the version of the "driver" behind @conn, storcat itself, in *@hvVer.
 * Return 0 or -1.
 */
int scConnectGetLibVersion(scConnectPtr conn, unsigned long *libVer);
int scConnectGetVersion(scConnectPtr conn, unsigned long *hvVer);

/*
 * scConnectIsAlive / scConnectIsSecure / scConnectIsEncrypted:
 * A connection is a catalog file opened in this process: it is alive as
 * long as it is open (1), secure (1: nothing crosses a network) and not
 * encrypted (0). -1 on a bad handle.
 */
int scConnectIsAlive(scConnectPtr conn);
int scConnectIsSecure(scConnectPtr conn);
int scConnectIsEncrypted(scConnectPtr conn);

/* Why a connection closed (libvirt's virConnectCloseReason). */
typedef enum {
    SC_CONNECT_CLOSE_REASON_ERROR = 0,
    SC_CONNECT_CLOSE_REASON_EOF = 1,
    SC_CONNECT_CLOSE_REASON_KEEPALIVE = 2,
    SC_CONNECT_CLOSE_REASON_CLIENT = 3,
#ifdef SC_ENUM_SENTINELS
    SC_CONNECT_CLOSE_REASON_LAST
#endif
} scConnectCloseReason;

/* A function to free the opaque data of a callback when it is dropped. */
typedef void (*scFreeCallback)(void *opaque);
typedef void (*scConnectCloseFunc)(scConnectPtr conn, int reason, void *opaque);

/*
 * scConnectRegisterCloseCallback / scConnectUnregisterCloseCallback:
 * As libvirt's: one function per connection, to be told when the
 * connection closes on its own. A storcat connection never does (it is a
 * file open in this process), so @cb is never called; @freecb(@opaque) is
 * called when it is unregistered or the connection is freed. Registering
 * a second one, or unregistering another function than the one
 * registered, is SC_ERR_OPERATION_INVALID. Return 0 or -1.
 */
int scConnectRegisterCloseCallback(scConnectPtr conn, scConnectCloseFunc cb, void *opaque,
                                   scFreeCallback freecb);
int scConnectUnregisterCloseCallback(scConnectPtr conn, scConnectCloseFunc cb);

/*
 * scConnectGetCapabilities:
 * storcat's own host capabilities, to be freed by the caller:
 *   <capabilities>
 *     <host><cpu><arch>x86_64</arch></cpu></host>
 *     <storage>
 *       <driver name='storcat' version='0.2.0'/>
 *       <catalog path='/var/lib/storcat/catalog.db' readonly='no'/>
 *       <pool type='dir'/>  (one per pool type built in)
 *     </storage>
 *   </capabilities>
 */
char *scConnectGetCapabilities(scConnectPtr conn);

/*
 * scConnectGetStoragePoolCapabilities:
 * libvirt's <storagepoolCapabilities> document: every pool type, whether
 * this storcat supports it (has its backend), and its source and volume
 * formats. @flags must be 0. To be freed by the caller.
 */
char *scConnectGetStoragePoolCapabilities(scConnectPtr conn, unsigned int flags);

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
#ifdef SC_ENUM_SENTINELS
    SC_STORAGE_POOL_STATE_LAST
#endif
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
 * scConnectListStoragePools / scConnectListDefinedStoragePools:
 * libvirt's older calls: the names of the active / inactive pools, at
 * most @maxnames of them, stored in @names (each for the caller to free).
 * Returns how many were stored, or -1 (a negative @maxnames, or @names
 * NULL with @maxnames > 0, is SC_ERR_INVALID_ARG).
 */
int scConnectListStoragePools(scConnectPtr conn, char **const names, int maxnames);
int scConnectListDefinedStoragePools(scConnectPtr conn, char **const names, int maxnames);

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
 * SC_ERR_OPERATION_FAILED (the name is taken by another UUID, the UUID by
 * another name, or another pool has the same target directory or source),
 * SC_ERR_OPERATION_INVALID (the pool is active), SC_ERR_OPERATION_DENIED
 * (read-only connection). Defining a running transient pool (see
 * scStoragePoolCreateXML) makes it persistent, as in libvirt.
 *
 * Returns a new reference to the pool, or NULL.
 */
scStoragePoolPtr scStoragePoolDefineXML(scConnectPtr conn, const char *xml, unsigned int flags);

/*
 * scStoragePoolCreateXML:
 * @flags: 0 or SC_STORAGE_POOL_CREATE_WITH_BUILD (_OVERWRITE, _NO_OVERWRITE).
 * Creates and starts a transient pool, as libvirt's: it is in the catalog
 * only while it runs, and goes (with its volumes' rows) when it is
 * stopped; one left by a crash or a reboot is gone too. A name or UUID
 * that a defined pool has is SC_ERR_OPERATION_FAILED (start that pool
 * with scStoragePoolCreate; libvirt would start it with the new
 * definition). A failed start leaves nothing. Returns a new reference to
 * the running pool, or NULL.
 */
scStoragePoolPtr scStoragePoolCreateXML(scConnectPtr conn, const char *xml, unsigned int flags);

/*
 * scStoragePoolUndefine:
 * Removes an inactive pool's definition (and its volumes' catalog rows;
 * storage is not touched). Refused for an active pool, or one that another
 * call is building, starting, stopping or deleting
 * (SC_ERR_OPERATION_INVALID). The handle stays valid and must still be
 * freed. Returns 0 or -1.
 *
 * The identity of each of its volumes (present or missing: pool UUID,
 * volume UUID, key, path and name) is kept in the catalog's volume
 * history, which no lookup or listing sees: when a pool is defined again
 * with the same UUID (the same XML imported again, say), a volume its
 * refreshes find with a kept key gets its old UUID back, so that its
 * history is not split. The "pool-undefine" event's detail says how many
 * identities were kept ("3 volume identities kept"), and
 * scConnectNumOfStorageVolHistory counts the ones kept for a pool UUID;
 * scConnectPruneStorageVolHistory drops them. A transient pool keeps none.
 */
int scStoragePoolUndefine(scStoragePoolPtr pool);

/*
 * scConnectNumOfStorageVolHistory (storcat's own):
 * Returns how many volume identities the catalog keeps for pools undefined
 * with UUID @poolUUID (a UUID string; NULL: every pool's), not yet given
 * back to a volume of a pool defined again, or -1 (SC_ERR_INVALID_ARG for
 * a malformed UUID).
 */
int scConnectNumOfStorageVolHistory(scConnectPtr conn, const char *poolUUID);

/*
 * scConnectPruneStorageVolHistory (storcat's own):
 * Drops the volume identities kept for pools undefined with UUID @poolUUID
 * (NULL: all of them), so that a pool defined again with that UUID gives
 * its volumes new UUIDs. @flags must be 0. Returns the number dropped, or
 * -1 (SC_ERR_OPERATION_DENIED on a read-only connection).
 */
int scConnectPruneStorageVolHistory(scConnectPtr conn, const char *poolUUID, unsigned int flags);

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
 * until it is stopped or the host reboots. A pool is persistent unless it
 * was made by scStoragePoolCreateXML.
 */
int scStoragePoolIsActive(scStoragePoolPtr pool);
int scStoragePoolIsPersistent(scStoragePoolPtr pool);

/*
 * scStoragePoolGetRefreshTime (storcat's own):
 * Stores in *@when when the pool's volumes were last refreshed from its
 * storage (seconds since the epoch; 0 if never): how old the catalog's
 * inventory of the pool is. Returns 0 or -1.
 */
int scStoragePoolGetRefreshTime(scStoragePoolPtr pool, long long *when);

/*
 * scStoragePoolGetXMLDesc:
 * Returns the pool's definition as libvirt pool XML, with its capacity,
 * allocation and available sizes as of its last refresh (an inactive pool
 * keeps them, as in libvirt; zero with SC_STORAGE_XML_INACTIVE). For a
 * file system, as libvirt computes them: available counts the free blocks,
 * and capacity = allocation + available. The caller frees it. NULL on
 * error.
 */
char *scStoragePoolGetXMLDesc(scStoragePoolPtr pool, unsigned int flags);

/*
 * scStoragePoolGetInfo:
 * Fills @info with the pool's state and its sizes (bytes) as of its last
 * refresh, kept while it is inactive (as libvirt). Returns 0 or -1.
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
 * the records between the probes and the write. The pool must be active.
 *
 * A create or clone that did not finish (its process was killed, or the
 * host went down) never becomes a volume here: if the file (LV,
 * partition) that it made is there and is the one it journaled as soon as
 * it existed (backend.h: vol_made), the refresh deletes it through the
 * backend (outside any catalog write transaction) and drops its row, with
 * a "vol-create-abandoned" event; storage of that name that storcat cannot
 * tell is its own (no identity was journaled, or another one) is kept as
 * an SC_STORAGE_VOL_STATE_INCOMPLETE row ("vol-create-incomplete"), which
 * scStorageVolDelete removes. An incomplete row whose storage is gone is
 * dropped. Volumes found with the key of a volume the pool had before it
 * was undefined get that volume's UUID back (see scStoragePoolUndefine).
 *
 * @flags: 0, or SC_STORAGE_POOL_REFRESH_PRUNE (storcat's own): also forget
 * every missing volume of the pool (their rows go, each with a
 * "vol-forget" event), as scStorageVolDelete of each would.
 * Returns 0 or -1.
 */
typedef enum {
    SC_STORAGE_POOL_REFRESH_PRUNE = 1 << 30, /* forget the missing volumes */
} scStoragePoolRefreshFlags;

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
#ifdef SC_ENUM_SENTINELS
    SC_STORAGE_VOL_LAST
#endif
} scStorageVolType;

/* What the catalog knows of a volume's presence (storcat's own). */
typedef enum {
    SC_STORAGE_VOL_STATE_PRESENT = 0,    /* found by the last refresh or created by storcat */
    SC_STORAGE_VOL_STATE_MISSING = 1,    /* gone from storage; kept for its history */
    SC_STORAGE_VOL_STATE_CREATING = 2,   /* a create is in progress (or crashed) */
    SC_STORAGE_VOL_STATE_DELETING = 3,   /* a delete is in progress (or crashed) */
    SC_STORAGE_VOL_STATE_INCOMPLETE = 4, /* what an interrupted create or clone left, not
                                            known to be storcat's own: never a volume
                                            (see scStoragePoolRefresh) */
#ifdef SC_ENUM_SENTINELS
    SC_STORAGE_VOL_STATE_LAST
#endif
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
#ifdef SC_ENUM_SENTINELS
    SC_STORAGE_VOL_WIPE_ALG_LAST
#endif
} scStorageVolWipeAlgorithm;

/* Flags of scStorageVolResize (libvirt's values). */
typedef enum {
    SC_STORAGE_VOL_RESIZE_ALLOCATE = 1 << 0, /* allocate the new space */
    SC_STORAGE_VOL_RESIZE_DELTA = 1 << 1,    /* capacity is a change, not a size */
    SC_STORAGE_VOL_RESIZE_SHRINK = 1 << 2,   /* allow shrinking */
} scStorageVolResizeFlags;

/* Flags of scStorageVolUpload / scStorageVolDownload. */
typedef enum {
    SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM = 1 << 0, /* keep holes: zero blocks are not written */
} scStorageVolUploadFlags;
typedef enum {
    SC_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM = 1 << 0, /* keep holes in the output file */
} scStorageVolDownloadFlags;

/* Flags of scStoragePoolListAllVolumes: storcat's own (libvirt has none),
 * in high bits. */
typedef enum {
    SC_STORAGE_POOL_LIST_VOLUMES_ALL = 1 << 28,      /* every row of the catalog: also
                                                        incomplete ones and the journals
                                                        of creates and deletes in progress
                                                        (or interrupted); implies MISSING */
    SC_STORAGE_POOL_LIST_VOLUMES_INACTIVE = 1 << 29, /* an inactive pool too: the
                                                        catalog's last inventory */
    SC_STORAGE_POOL_LIST_VOLUMES_MISSING = 1 << 30,  /* also volumes in state missing */
} scStoragePoolListAllVolumesFlags;

/*
 * scStoragePoolNumOfVolumes:
 * Returns the number of present volumes of an active pool, or -1 (an
 * inactive pool is SC_ERR_OPERATION_INVALID, as in libvirt).
 */
int scStoragePoolNumOfVolumes(scStoragePoolPtr pool);

/*
 * scStoragePoolListVolumes:
 * libvirt's older call: the names of the present volumes of an active
 * pool, at most @maxnames, stored in @names (each for the caller to
 * free). Returns how many were stored, or -1.
 */
int scStoragePoolListVolumes(scStoragePoolPtr pool, char **const names, int maxnames);

/*
 * scStoragePoolListAllVolumes:
 * @vols: where to store a new NULL-terminated array of new volume
 *        references, sorted by name (each freed with scStorageVolFree, the
 *        array with free()), or NULL to count only.
 * @flags: 0 (present volumes), SC_STORAGE_POOL_LIST_VOLUMES_MISSING,
 *        SC_STORAGE_POOL_LIST_VOLUMES_ALL, SC_STORAGE_POOL_LIST_VOLUMES_INACTIVE.
 * Reads the catalog only: no storage is scanned (see scStoragePoolRefresh).
 * An inactive pool's volumes are SC_ERR_OPERATION_INVALID ("storage pool
 * 'x' is not active"), as in libvirt, unless the flag asks for the
 * catalog's last inventory (scStoragePoolGetRefreshTime says how old).
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
 * A volume in state missing or incomplete is found (to be inspected or
 * deleted; it cannot be cloned, wiped, resized or uploaded to); the row
 * of a create or delete in progress is not (SC_ERR_NO_STORAGE_VOL, "it is
 * being created"), as libvirt finds no volume before its create returns.
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
 * (SC_ERR_STORAGE_VOL_EXIST). On failure nothing is left behind. A create
 * interrupted half-way (the process killed) never becomes a volume: the
 * next refresh or start of the pool removes what it made, or keeps it as
 * SC_STORAGE_VOL_STATE_INCOMPLETE where it cannot tell (see
 * scStoragePoolRefresh). A progress callback that asks to stop (see
 * scConnectSetProgressCallback) during a create or a clone, or just after
 * its storage work, undoes it as a failure would (SC_ERR_OPERATION_ABORTED).
 * Returns a new reference, or NULL.
 */
scStorageVolPtr scStorageVolCreateXML(scStoragePoolPtr pool, const char *xml,
                                      unsigned int flags);

/*
 * scStorageVolCreateXMLFrom:
 * As scStorageVolCreateXML, with the data of @clonevol (which may be in
 * another pool): raw copies keep holes; a different <format> converts
 * through qemu-img. @clonevol must be present: a missing or incomplete
 * volume is SC_ERR_OPERATION_INVALID. Returns a new reference, or NULL.
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
 * SC_STORAGE_VOL_CHECK_USERS (storcat's own: one bit, above the flags
 * libvirt gives scStorageVolDelete, Resize, Wipe, WipePattern and Upload,
 * and accepted by each of them): refuse to act on a volume that other
 * volumes of the catalog need. Without it, each call behaves as libvirt's.
 * With it:
 *  - deleting, shrinking, wiping or uploading over a volume that other
 *    catalogued volumes (present, incomplete, or being created) use as
 *    their backing file fails with SC_ERR_OPERATION_INVALID, naming them:
 *    "volume 'base.img' is used as backing file by vm1.qcow2, vm2.qcow2
 *    (pool images)" (as libvirt refuses to delete a volume "still in
 *    use" with that code);
 *  - uploading over a volume whose recorded format is not raw fails the
 *    same way (the bytes would replace an image's header).
 * The users are asked inside the operation's journal transaction, so a
 * user recorded at the same time by another process is seen or waits.
 * Later storcat versions extend the same flag to the guest disks a domain
 * uses (the catalog's attachments): callers that pass it now get that
 * protection then.
 */
typedef enum {
    SC_STORAGE_VOL_CHECK_USERS = 1 << 30,
} scStorageVolCheckFlags;

/*
 * scStorageVolDelete:
 * Deletes the volume's storage and its catalog row (the events remain).
 * @flags: SC_STORAGE_VOL_DELETE_ZEROED, SC_STORAGE_VOL_CHECK_USERS.
 * A volume in state missing (its storage gone when its pool was last
 * refreshed) is forgotten: if its storage is still gone (or its pool is
 * inactive), its row goes with a "vol-forget" event; if it is back, it is
 * recorded again and deleted. An incomplete volume (an interrupted
 * create's storage) is deleted as any other.
 * Returns 0 or -1.
 */
int scStorageVolDelete(scStorageVolPtr vol, unsigned int flags);

/*
 * scStorageVolWipe / scStorageVolWipePattern:
 * Overwrite the volume's data (its whole capacity for raw files, the image
 * file for other formats, which keep their header: storcat recreates it).
 * Wipe is WipePattern with SC_STORAGE_VOL_WIPE_ALG_ZERO. @flags: 0 or
 * SC_STORAGE_VOL_CHECK_USERS. Returns 0 or -1.
 */
int scStorageVolWipe(scStorageVolPtr vol, unsigned int flags);
int scStorageVolWipePattern(scStorageVolPtr vol, unsigned int algorithm, unsigned int flags);

/*
 * scStorageVolResize:
 * Changes the capacity: grow freely; shrinking needs
 * SC_STORAGE_VOL_RESIZE_SHRINK; with DELTA @capacity is added (or, with
 * SHRINK, subtracted); with ALLOCATE the new space is allocated. With
 * SC_STORAGE_VOL_CHECK_USERS, shrinking a volume other volumes use as
 * their backing file is refused (growing it is not).
 * Returns 0 or -1.
 */
int scStorageVolResize(scStorageVolPtr vol, unsigned long long capacity, unsigned int flags);

/*
 * scStorageVolUpload / scStorageVolDownload:
 * Copy @length bytes (0: to the end) from @fd into the volume at @offset,
 * or from the volume at @offset into @fd, as libvirt's stream calls do.
 * @fd is read or written sequentially and not closed. With SPARSE_STREAM
 * zero blocks become holes. Upload also takes SC_STORAGE_VOL_CHECK_USERS.
 * Returns 0 or -1.
 */
int scStorageVolUpload(scStorageVolPtr vol, int fd, unsigned long long offset,
                       unsigned long long length, unsigned int flags);
int scStorageVolDownload(scStorageVolPtr vol, int fd, unsigned long long offset,
                         unsigned long long length, unsigned int flags);

/*
 * scStorageVolGetInfo / scStorageVolGetInfoFlags:
 * Fills @info from the catalog (type, capacity, allocation). With
 * SC_STORAGE_VOL_GET_PHYSICAL, allocation is the size of the container
 * instead (a file's size), as in libvirt. Returns 0 or -1.
 */
typedef enum {
    SC_STORAGE_VOL_USE_ALLOCATION = 0,
    SC_STORAGE_VOL_GET_PHYSICAL = 1 << 0,
} scStorageVolInfoFlags;

int scStorageVolGetInfo(scStorageVolPtr vol, scStorageVolInfoPtr info);
int scStorageVolGetInfoFlags(scStorageVolPtr vol, scStorageVolInfoPtr info, unsigned int flags);

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
 * scStorageVolGetOperation (storcat's own):
 * The operation journaled on the volume now: stores its name in *@op
 * ("creating", "deleting", "wiping", "resizing" or "uploading"; a new
 * string for the caller to free) and the id of the process running it in
 * *@pid, and returns 1; returns 0 (both cleared) when there is none, -1 on
 * error. A process that died leaves its journal until the next refresh
 * (or the next operation on the volume) settles it.
 */
int scStorageVolGetOperation(scStorageVolPtr vol, char **op, long long *pid);

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


#ifdef __cplusplus
}
#endif

#endif /* STORCAT_H */
