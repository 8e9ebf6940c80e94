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
    SC_ERR_XML_ERROR = 27,             /* XML that breaks the schema */
    SC_ERR_OPERATION_DENIED = 29,      /* a read-only connection asked to change something */
    SC_ERR_XML_DETAIL = 35,            /* XML that does not parse (libxml2's message) */
    SC_ERR_SYSTEM_ERROR = 38,          /* a system call failed; errno in int1 */
    SC_ERR_AUTH_FAILED = 45,           /* authentication failed */
    SC_ERR_INVALID_STORAGE_POOL = 46,  /* not a valid pool handle */
    SC_ERR_INVALID_STORAGE_VOL = 47,   /* not a valid volume handle */
    SC_ERR_NO_DOMAIN = 42,             /* no imported domain by that name */
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
 * directory with 0700 (by a read-write connection only: a read-only one
 * to a default catalog not made yet fails, ENOENT, and leaves nothing
 * behind). An older catalog is migrated to the current schema
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
 * scConnectGetType:
 * The name of the driver behind @conn, as libvirt's names its hypervisor
 * driver ("QEMU" for qemu://): "storcat", the name the capabilities'
 * <driver> shows. A static string, not to be freed; NULL on a bad handle.
 */
const char *scConnectGetType(scConnectPtr conn);

/*
 * scConnectGetHostname:
 * The name of the host @conn's catalog is on, as libvirt's local drivers
 * give it: gethostname()'s, as it is when it has a '.' or starts with
 * "localhost", else the canonical name getaddrinfo() finds for it (the
 * short name when that fails or is a "localhost" one). To be freed by the
 * caller; NULL on error (SC_ERR_SYSTEM_ERROR when the name cannot be
 * read).
 */
char *scConnectGetHostname(scConnectPtr conn);

/*
 * scConnectSetKeepAlive:
 * libvirt's client sends keepalive messages to its daemon, and closes the
 * connection when @count of them in a row go unanswered after @interval
 * seconds of silence. A storcat connection is a catalog opened in this
 * process: there is no other side to send them to, and silence cannot
 * break it. Returns 1, libvirt's answer when the other side does not
 * support keepalive messages (nothing is sent, @interval and @count are
 * not used), or -1 on a bad handle.
 */
int scConnectSetKeepAlive(scConnectPtr conn, int interval, unsigned int count);

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

/* Called to free the @opaque of a callback once it is no longer needed
 * (libvirt's virFreeCallback). */
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
 * string (with or without dashes), or, among the active pools only (as
 * libvirt's), target path (any spelling: "//" and a trailing "/" do not
 * matter). Each is one indexed catalog query.
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
 * Defines a new pool, or replaces the definition of the pool with the
 * same name and UUID. A pool that is active keeps the definition it was
 * started with until it stops, as libvirt's: the new one is pending
 * meanwhile (scStoragePoolGetXMLDesc with SC_STORAGE_XML_INACTIVE shows
 * it, as parsed, without sizes; its target and source count as taken),
 * and becomes the pool's when it stops (or, if the host rebooted under
 * the running pool, at once: the pool reads inactive with it). A new
 * definition has no sizes until the pool's next refresh, as libvirt's.
 * A UUID is generated when the XML has none. All
 * pool types of libvirt's schema parse; the ones storcat manages (dir, fs,
 * netfs, logical, disk, iscsi, iscsi-direct) can be defined, any other type
 * is refused with SC_ERR_CONFIG_UNSUPPORTED naming it.
 *
 * Errors, each leaving the catalog unchanged: SC_ERR_XML_DETAIL (XML that
 * does not parse), SC_ERR_XML_ERROR (a DTD or entity, a bad element,
 * naming the element; both in SC_FROM_STORAGE, as libvirt's),
 * SC_ERR_OPERATION_FAILED (the name is taken by another UUID, the UUID by
 * another name, or another pool has the same target directory or source),
 * SC_ERR_OPERATION_DENIED (read-only connection). Defining a running transient pool (see
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
 * _NO_OVERWRITE] to build it first (see scStoragePoolBuild). A disk
 * pool's start checks that its disk has the definition's label (a GPT
 * whose primary header is corrupt is refused, saying whether its backup
 * is good), tells the kernel of the partitions it does not know, one at
 * a time, and fails when the kernel has a partition the table has not. A
 * logical pool's volume group must exist whole and hold one of its source
 * devices; its LVs are activated (vgchange -aly). Where the kernel has no
 * device-mapper nothing can be activated: the start fails with
 * SC_ERR_OPERATION_UNSUPPORTED saying so, unless STORCAT_LVM_CONFIG (passed
 * to every lvm2 command as --config, e.g. 'global{activation=0}') is set,
 * when the pool manages the VG's metadata only. An fs pool's device is
 * mounted on its target with libmount (nodev,nosuid,noexec and the XML's
 * <fs:mount_opts>; one mounted there already is used as it is, unless
 * another file system is mounted over it: SC_ERR_OPERATION_INVALID, as is
 * a target that is a symbolic link or not a directory: the mount lands on
 * the target directory itself, not where a link put in its place points;
 * links in the directories above it are followed); a
 * source that is not a block device, or a mount that fails, is
 * SC_ERR_OPERATION_FAILED, the latter with libmount's words. Fails with
 * SC_ERR_OPERATION_UNSUPPORTED while the pool type's backend is not in
 * this version of storcat (dir, fs, logical, disk, iscsi-direct and iscsi
 * pools have one; netfs not yet), SC_ERR_OPERATION_INVALID if the pool is
 * already active or busy, SC_ERR_NO_SECRET if the secret its <auth> names is undefined or
 * has no value. Storage that does not answer within
 * $STORCAT_STORAGE_TIMEOUT seconds (default 5) fails the start naming what
 * it waited for. An
 * active pool stays active until it is stopped or the host reboots.
 * Returns 0 or -1.
 */
int scStoragePoolCreate(scStoragePoolPtr pool, unsigned int flags);

/*
 * scStoragePoolDestroy:
 * Stops an active pool; its definition and volume inventory stay (a
 * logical pool's LVs are deactivated: an LV in use fails the stop,
 * SC_ERR_OPERATION_INVALID naming it; an fs pool's file system is
 * unmounted: a busy one fails the stop, SC_ERR_OPERATION_FAILED with
 * libmount's words, and stays mounted, as does one with another file
 * system mounted over it, SC_ERR_OPERATION_INVALID). Fails with SC_ERR_OPERATION_INVALID
 * if the pool is not active or busy. A stop whose process was killed after
 * storage stopped left the pool recorded active: this call finds storage
 * stopped (the backend's check), records the pool inactive and succeeds.
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
 * scStoragePoolGetType / scStoragePoolGetTargetPath (storcat's own):
 * Return the pool's type as pool XML names it ("dir", "logical",
 * "iscsi-direct", ...: <pool type=...>) / its target path, where its
 * volumes appear (<target><path>), as new strings for the caller to free.
 * NULL on error; for a pool type without a target path (none that storcat
 * manages), GetTargetPath returns NULL with no error set. What a program
 * would otherwise parse out of scStoragePoolGetXMLDesc.
 */
char *scStoragePoolGetType(scStoragePoolPtr pool);
char *scStoragePoolGetTargetPath(scStoragePoolPtr pool);

/*
 * scStoragePoolGetXMLDesc:
 * Returns the pool's definition as libvirt pool XML, with its capacity,
 * allocation and available sizes as of its last refresh (an inactive pool
 * keeps them, as in libvirt). For a file system, as libvirt computes them:
 * available counts the free blocks, and capacity = allocation + available.
 * An active disk pool shows the free extents of its disk as libvirt does
 * (<device path=...><freeExtent start=... end=.../></device>, bytes, end
 * exclusive). A dir pool's <target><permissions> are its directory's
 * mode, owner and group as its last refresh (a start's too) read them,
 * kept while it is stopped, as libvirt's (until the host reboots: they
 * belong to the boot, as the sizes). SC_STORAGE_XML_INACTIVE asks for the
 * persistent definition:
 * the same document (libvirt's formats the one definition either way).
 * The caller frees it. NULL on error.
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
    SC_STORAGE_POOL_BUILD_REPAIR = 1 << 0,       /* repair (disk: a GPT from its good
                                                    header; not supported by dir, fs) */
    SC_STORAGE_POOL_BUILD_RESIZE = 1 << 1,       /* extend (not supported by dir, fs, disk) */
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
    SC_STORAGE_POOL_DELETE_ZEROED = 1 << 0, /* not supported by dir, fs, disk */
} scStoragePoolDeleteFlags;

/*
 * scStoragePoolBuild:
 * Makes the pool's storage (dir: creates the target directory with the
 * XML's permissions; an existing directory keeps its mode unless the XML
 * sets one, as in libvirt; fs: that directory, and, only with OVERWRITE,
 * or with NO_OVERWRITE on a device where libblkid finds no signature,
 * mkfs -t FORMAT of the XML's <format> on the device, as libvirt: a file
 * system of that format is SC_ERR_STORAGE_POOL_BUILT "already formatted",
 * another signature SC_ERR_STORAGE_POOL_BUILT naming it, format 'auto'
 * SC_ERR_CONFIG_UNSUPPORTED; logical: pvcreate on each source device, its
 * first and last MiB zeroed first, then vgcreate; disk: writes a new
 * partition table of the XML's <format>, gpt or dos, 'unknown' meaning dos
 * as in libvirt, after zeroing the disk's first and last MiB). With
 * NO_OVERWRITE an existing directory is an error (not for fs, where the
 * flag is about the file system, as libvirt's); a logical pool's device
 * on which libblkid finds a file system, a partition table or another PV
 * is refused (SC_ERR_OPERATION_INVALID naming the device and what was
 * found) unless OVERWRITE is given; a disk is labelled only when libblkid
 * finds nothing on it (a table, a file system, a RAID or LVM signature:
 * the error names it) unless OVERWRITE is given, and never while it is in
 * use; OVERWRITE and NO_OVERWRITE are exclusive. A VG name lvm2 would
 * refuse is SC_ERR_INVALID_ARG, with lvm2's rules. REPAIR (disk) writes a
 * GPT whose primary or backup header is corrupt again from the good one.
 * The pool must be inactive, and no source device of it the source of
 * another running pool, however either definition spells it, nor (a
 * whole disk) hold a partition that is (SC_ERR_OPERATION_INVALID naming
 * that pool; scStoragePoolDelete too, and scStoragePoolCreate for the same
 * device).
 * If the build fails or cannot be recorded, what it made is removed
 * again. Returns 0 or -1.
 */
int scStoragePoolBuild(scStoragePoolPtr pool, unsigned int flags);

/*
 * scStoragePoolDelete:
 * Destroys the pool's storage (dir, fs: removes the empty target directory,
 * and an fs pool's device keeps its file system, as libvirt's;
 * one that is not empty is SC_ERR_SYSTEM_ERROR, libvirt's "failed to
 * remove pool 'DIR': Directory not empty" with ENOTEMPTY in int1; logical: vgremove -f, as libvirt, so the
 * VG's LVs go with it, then pvremove on the source devices; disk: wipes
 * the partition table as libvirt does, zeroing the first and last MiB, and
 * the kernel's partitions of the disk with it; refused while the disk is
 * in use). The pool must be inactive; its definition stays. Where the
 * delete took the volumes with it (dir, logical, disk; not fs, whose files
 * stay on the device), they are recorded missing, a "vol-missing" event
 * each. Returns 0 or -1.
 */
int scStoragePoolDelete(scStoragePoolPtr pool, unsigned int flags);

/*
 * scStoragePoolRefresh:
 * Reconciles the catalog with the pool's storage in one transaction: new
 * volumes are recorded, changed ones updated, renamed ones (for files: the
 * same device, inode and birth time under a new name) keep their UUID,
 * vanished ones are marked missing (never deleted), and each change is an
 * event; a pool's first inventory (no volume known yet) is one event with
 * the counts, every volume's first_seen says when it came. Every refresh
 * is one "pool-refresh" event ("unchanged", or the counts): libvirt's
 * SC_STORAGE_POOL_EVENT_ID_REFRESH. Volumes whose change signature did
 * not change are not read again (files: size, times and inode, from one
 * readdir + fstatat pass; LVs: their lvs report rows); when the pool's
 * change token did not change (files: the scan's digest; a logical pool:
 * the VG's metadata sequence number and checksum, read from a PV's
 * metadata area without running lvm2), the refresh ends there, keeping
 * the pool's sizes. A volume whose key is that of a volume of the pool
 * under another name is that volume renamed (an LV keeps its UUID through
 * lvrename). A logical pool whose VG lost a PV, or was renamed behind
 * storcat's back, fails the refresh saying so and changes nothing. A
 * volume that cannot be read
 * (permission denied, an I/O error) fails the refresh, naming it, and
 * changes nothing. The backend reads storage inside one read snapshot of
 * the catalog, with no lock (other writers go on); what changed is then
 * written in one short write transaction. A file pool's new and changed
 * files are probed on worker threads when there are many. Memory does not
 * grow with the pool: past 16,384 entries a directory's scan is sorted in
 * runs kept in an unnamed temporary file in $TMPDIR (else /tmp), as are
 * the records between the probes and the write. The pool must be active. A refresh whose storage does not answer at all (an
 * iSCSI portal, within $STORCAT_STORAGE_TIMEOUT seconds) fails, keeps the
 * volumes as they were and records the pool SC_STORAGE_POOL_DEGRADED
 * (still active; a "pool-degraded" event) until a refresh succeeds
 * ("pool-recovered"). A pool whose backend has no sizes of its own (an
 * iSCSI target) gets its volumes' sums as capacity and allocation.
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
 * (a host for a network type), or NULL. "logical" lists this host's volume
 * groups and their PVs (vgscan, then pvs), as libvirt. @flags must be 0.
 * Fails with SC_ERR_INVALID_ARG for a type storcat does not know,
 * SC_ERR_NO_SUPPORT ("this function is not supported by the connection
 * driver: pool type 'dir' does not support source discovery", as libvirt)
 * for a type whose backend cannot discover (dir cannot, as in libvirt),
 * SC_ERR_OPERATION_DENIED on a read-only connection. NULL on error.
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
    /* qcow2: qemu-img's preallocation=metadata when <allocation> is below
     * the capacity, else falloc (all of it), as libvirt chooses; refused
     * for raw volumes (SC_ERR_CONFIG_UNSUPPORTED), as libvirt's */
    SC_STORAGE_VOL_CREATE_PREALLOC_METADATA = 1 << 0,
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
 * Find a volume by its name in @pool, its key (dir: the canonical path;
 * logical: the LV UUID; disk: the GPT partition UUID, or for dos the disk
 * identifier and number as the kernel spells a dos PARTUUID; iscsi and
 * iscsi-direct: the LUN's VPD 0x83 designator as udev's scsi_id prints
 * it, "3" and the NAA in hex), any path to
 * it ("/a/../a//x.img", a symlinked directory: the path is canonicalized
 * first; an LV: /dev/VG/LV or /dev/mapper/VG-LV, dashes doubled; a
 * partition's node or its /dev/disk/by-* links), or its UUID (storcat
 * gives every volume a stable UUID). Each is one indexed catalog query. A
 * path lookup that misses, but whose file lies in an active pool's
 * directory (under its canonical spelling, or the spelling given when
 * that is a symlink, as device paths are), checks that one volume and, if
 * it is there, records it and returns it: no pool is rescanned. On a
 * read-only connection it finds the same and records nothing: the handle
 * answers from what storage showed, and has the nil UUID until a
 * read-write connection records the volume. A path with no '/' at all is
 * a backend's own form (iscsi-direct's "ip-HOST:PORT-iscsi-IQN-lun-N",
 * libvirt's path of a LUN): it is looked up as spelled, and a miss asks
 * the active pools whose volumes' paths begin as it does; a relative path
 * with a '/' is SC_ERR_INVALID_ARG. The aliases a backend records
 * (/dev/disk/by-id/wwn-0x... of an iSCSI LUN) find their volume too.
 * A volume in state missing or incomplete is found (to be inspected or
 * deleted; it cannot be cloned, wiped, resized or uploaded to); the row
 * of a create or delete in progress is not (SC_ERR_NO_STORAGE_VOL, "it is
 * being created"), as libvirt finds no volume before its create returns.
 * As libvirt's, the lookups by name, key and path answer no volume of an
 * inactive pool: by name, an inactive @pool is SC_ERR_OPERATION_INVALID
 * ("storage pool 'x' is not active", whether it has the name or not); by
 * key or path, the volumes of inactive pools are skipped
 * (SC_ERR_NO_STORAGE_VOL), and a path is never checked against a stopped
 * pool's storage. The lookups by UUID are storcat's own: they find every
 * volume the catalog has, whatever its pool's state (libvirt's getters
 * then refuse it while its pool is inactive; storcat's own answer, as do
 * the history, scStoragePoolListAllVolumes with
 * SC_STORAGE_POOL_LIST_VOLUMES_INACTIVE and the *_INACTIVE flags of the
 * getters and of scStorageVolLookupByPathFlags). Whether a pool is active is read from a set of inactive pools
 * the connection keeps and reads again only when the catalog changed: no
 * further query while nothing changed.
 * Returns a new reference, or NULL (SC_ERR_NO_STORAGE_VOL if none).
 */
scStorageVolPtr scStorageVolLookupByName(scStoragePoolPtr pool, const char *name);
scStorageVolPtr scStorageVolLookupByKey(scConnectPtr conn, const char *key);
scStorageVolPtr scStorageVolLookupByPath(scConnectPtr conn, const char *path);
scStorageVolPtr scStorageVolLookupByUUID(scConnectPtr conn, const unsigned char *uuid);
scStorageVolPtr scStorageVolLookupByUUIDString(scConnectPtr conn, const char *uuidstr);

/* Flags of scStorageVolLookupByPathFlags (storcat's own). */
typedef enum {
    SC_STORAGE_VOL_LOOKUP_INACTIVE = 1 << 30, /* a volume of an inactive pool too */
} scStorageVolLookupFlags;

/*
 * scStorageVolLookupByPathFlags (storcat's own):
 * scStorageVolLookupByPath; with SC_STORAGE_VOL_LOOKUP_INACTIVE, a path
 * of a volume of an inactive pool finds it too (the catalog's view, as
 * the lookups by UUID; its storage is not checked). @flags: 0 or that.
 */
scStorageVolPtr scStorageVolLookupByPathFlags(scConnectPtr conn, const char *path,
                                              unsigned int flags);

/*
 * scStorageVolCreateXML:
 * Creates a volume in an active pool from libvirt volume XML: dir pools
 * make raw files allocated up to <allocation> (as libvirt, a missing
 * <allocation> means the whole capacity; <allocation>0</allocation> makes
 * a sparse file) and qcow2, qed,
 * vmdk, vdi and vpc images (through qemu-img), with an optional backing
 * store (one that cannot be read is libvirt's SC_ERR_SYSTEM_ERROR
 * "inaccessible backing store volume PATH: CAUSE"). Logical pools make an LV with lvcreate as libvirt does (lvm2
 * rounds its size up to whole extents): a snapshot of a virtual origin
 * when <allocation> is below <capacity> (a sparse volume), a snapshot of
 * its <backingStore> LV; a name lvm2 would refuse is SC_ERR_INVALID_ARG
 * with lvm2's rules, before lvm2 runs. Disk pools make a partition of
 * <capacity> in the first free extent that fits (1 MiB aligned), of the
 * <format> partition type (libvirt's: none, linux, fat16, fat32,
 * linux-swap, linux-lvm, linux-raid, extended for dos), dos ones primary
 * while a slot is free, then logical in the extended partition; its name
 * must be the kernel's name of the next partition ("sdb3", "loop0p3"), as
 * in libvirt, and the error says which; one that does not fit names the
 * largest free extent. The name may not contain control characters, or be
 * "." or ".." (SC_ERR_XML_ERROR), nor contain '/' (libvirt's
 * SC_ERR_OPERATION_INVALID "volume name 'x/y' cannot contain '/'"). An existing file, LV or partition of that name is
 * never overwritten (SC_ERR_STORAGE_VOL_EXIST). On failure nothing is left
 * behind (an LV lvcreate made before failing is removed). A create
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
 * another pool): a different <format> converts through qemu-img. A raw
 * copy follows libvirt's rule: the clone's capacity is at least the
 * source's; no <allocation> means the whole capacity, and an allocation
 * of at least the source's capacity is allocated (up to the capacity),
 * while a smaller one (<allocation>0</allocation>, or the source's own
 * allocation, as virsh's vol-clone passes it) makes a sparse clone that
 * keeps the source's holes. Into a logical pool: a new LV as large as the
 * source, every byte written (other formats converted by qemu-img); where
 * LVs have no device node (no device-mapper) SC_ERR_OPERATION_UNSUPPORTED,
 * no LV made. @clonevol must be present: a missing or incomplete volume is
 * SC_ERR_OPERATION_INVALID. Returns a new reference, or NULL.
 *
 * Confinement (this call, resize, wipe, upload, download): an image's
 * whole chain (backing files, a relative one resolved against the image's
 * directory; qcow2 external data files; vmdk extents) is walked by
 * storcat's own probe before qemu-img sees it, and anything that leaves the
 * pool's directory and is not a catalogued volume, a json: or protocol
 * name, a file that is not regular (FIFO, device, socket), a loop or a
 * chain deeper than 64 is refused with SC_ERR_OPERATION_INVALID naming
 * the reference; qemu-img then gets only the checked files, open. A write
 * checks that the file is the one the catalog recorded (device, inode,
 * birth time) in the directory the pool started on, and refuses a swapped
 * one (SC_ERR_OPERATION_INVALID).
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
 * The users are also the imported domains with a disk that is the volume
 * (scConnectDomainImportXML): "volume 'a.img' is used by domain web (disk
 * vda), as backing file by vm1.qcow2 (pool images): it cannot be deleted";
 * and a running pool whose source device the (block) volume is, however
 * its definition spells the device (a logical pool's PV on a disk pool's
 * partition): "... is used as the source device of running pool vg".
 * scStorageVolListUsers lists them.
 */
typedef enum {
    SC_STORAGE_VOL_CHECK_USERS = 1 << 30,
} scStorageVolCheckFlags;

/*
 * scStorageVolDelete:
 * Deletes the volume's storage and its catalog row (the events remain).
 * A partition in use (mounted, held, open exclusively) is not deleted;
 * an extended one only once it holds no logical partitions; deleting a
 * dos logical partition renumbers the ones after it (a refresh records
 * them renamed, keeping their UUIDs). SC_STORAGE_VOL_DELETE_ZEROED is
 * refused for partitions, as libvirt refuses it.
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
 * Overwrite the volume's data (its whole capacity for raw files and
 * partitions, the image file for other formats, which keep their header:
 * storcat recreates it; an LV's device; an extended partition and a sparse
 * LV refused as libvirt refuses them; trim discards).
 * Wipe is WipePattern with SC_STORAGE_VOL_WIPE_ALG_ZERO. @flags: 0 or
 * SC_STORAGE_VOL_CHECK_USERS. Returns 0 or -1.
 */
int scStorageVolWipe(scStorageVolPtr vol, unsigned int flags);
int scStorageVolWipePattern(scStorageVolPtr vol, unsigned int algorithm, unsigned int flags);

/*
 * scStorageVolResize:
 * Changes the capacity: grow freely; shrinking needs
 * SC_STORAGE_VOL_RESIZE_SHRINK; with DELTA @capacity is added (or, with
 * SHRINK, subtracted); with ALLOCATE the new space is allocated. An LV is
 * resized by lvresize (to whole extents); a snapshot LV is refused (lvm2
 * would resize its copy-on-write store). Disk pools do not resize
 * partitions, as libvirt's do not (SC_ERR_OPERATION_UNSUPPORTED). With
 * SC_STORAGE_VOL_CHECK_USERS, shrinking a volume other volumes use as
 * their backing file is refused (growing it is not). Returns 0 or -1.
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
 *         or 0; an upload also takes SC_STORAGE_VOL_CHECK_USERS (storcat's:
 *         refused over a volume others use as backing file, or one that
 *         is not raw).
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
 * journaled, synced and recorded as with a stream; it also takes
 * SC_STORAGE_VOL_CHECK_USERS. Returns 0 or -1.
 */
int scStorageVolUploadFD(scStorageVolPtr vol, int fd, unsigned long long offset,
                         unsigned long long length, unsigned int flags);
int scStorageVolDownloadFD(scStorageVolPtr vol, int fd, unsigned long long offset,
                           unsigned long long length, unsigned int flags);

/*
 * scStorageVolGetInfo / scStorageVolGetInfoFlags:
 * Fills @info from the catalog (type, capacity, allocation). With
 * SC_STORAGE_VOL_GET_PHYSICAL, allocation is the size of the container
 * instead (a file's size), as in libvirt. A volume whose pool is not
 * active is SC_ERR_OPERATION_INVALID ("storage pool 'x' is not active"),
 * as in libvirt, unless SC_STORAGE_VOL_GET_INACTIVE (storcat's own) asks
 * for the catalog's last record of it. Returns 0 or -1.
 */
typedef enum {
    SC_STORAGE_VOL_USE_ALLOCATION = 0,
    SC_STORAGE_VOL_GET_PHYSICAL = 1 << 0,
    SC_STORAGE_VOL_GET_INACTIVE = 1 << 30, /* storcat's own: a volume of an
                                              inactive pool too, as the catalog
                                              last recorded it */
} scStorageVolInfoFlags;

int scStorageVolGetInfo(scStorageVolPtr vol, scStorageVolInfoPtr info);
int scStorageVolGetInfoFlags(scStorageVolPtr vol, scStorageVolInfoPtr info, unsigned int flags);

/* Flags of scStorageVolGetXMLDesc: storcat's own (libvirt has none). */
typedef enum {
    SC_STORAGE_VOL_XML_INACTIVE = 1 << 30, /* a volume of an inactive pool too */
} scStorageVolXMLFlags;

/*
 * scStorageVolGetXMLDesc:
 * Returns the volume as libvirt volume XML (name, key, where it lies on
 * its pool's devices as <source><device><extent/> for a partition,
 * capacity, allocation, physical size, target path, format, permissions,
 * timestamps, backing store), to be freed by the caller, or NULL. @flags:
 * 0, or SC_STORAGE_VOL_XML_INACTIVE. A volume whose pool is not active is
 * SC_ERR_OPERATION_INVALID, as in libvirt, unless the flag asks for the
 * catalog's last record of it.
 */
char *scStorageVolGetXMLDesc(scStorageVolPtr vol, unsigned int flags);

/*
 * scStorageVolGetName / scStorageVolGetKey:
 * Return the volume's name or key, borrowed from the handle, or NULL.
 * As libvirt documents it, a key is the same for a volume however it is
 * reached: the same LUN through two portals, or through iscsi and
 * iscsi-direct pools, is one key in each pool (libvirt 9.0's iscsi-direct
 * backend keys a LUN by its portal instead; storcat by the LUN). A key is
 * unique within a pool; scStorageVolLookupByKey answers the volume of the
 * first active pool that has it.
 */
const char *scStorageVolGetName(scStorageVolPtr vol);
const char *scStorageVolGetKey(scStorageVolPtr vol);

/*
 * scStorageVolGetPath:
 * Returns the volume's path, to be freed by the caller, or NULL. A volume
 * whose pool is not active is SC_ERR_OPERATION_INVALID, as in libvirt.
 *
 * scStorageVolGetPathFlags (storcat's own):
 * The same; @flags: 0, or SC_STORAGE_VOL_GET_INACTIVE for the path the
 * catalog last recorded of a volume of an inactive pool.
 */
char *scStorageVolGetPath(scStorageVolPtr vol);
char *scStorageVolGetPathFlags(scStorageVolPtr vol, unsigned int flags);

/*
 * scStorageVolGetUUID / scStorageVolGetUUIDString (storcat's own):
 * Copy the volume's stable UUID (SC_UUID_BUFLEN bytes / a string of
 * SC_UUID_STRING_BUFLEN), as the catalog has it. Return 0 or -1 (for
 * scStorageVolGetUUID also SC_ERR_INTERNAL_ERROR when the catalog's text
 * is not a UUID: a catalog edited by hand).
 */
int scStorageVolGetUUID(scStorageVolPtr vol, unsigned char *uuid);
int scStorageVolGetUUIDString(scStorageVolPtr vol, char *buf);

/*
 * scStorageVolGetState (storcat's own):
 * Returns the volume's scStorageVolState in the catalog, or -1. This
 * getter and the three below answer from the catalog whatever the state
 * of the volume's pool.
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

/* ------------------------------------------------------------------ */
/* Secrets                                                            */
/* ------------------------------------------------------------------ */

/*
 * Secrets hold what pools need to log in (an iSCSI CHAP password for a
 * pool's <auth type='chap'>), as libvirt's libvirt-secret.h: a definition
 * in libvirt's <secret> XML, and a value set separately. storcat keeps
 * both in a directory of their own beside the catalog, CATALOG.secrets
 * (mode 0700, files 0600, refused if others can reach it): a value is
 * never in the catalog file, in an event, in an error message or in any
 * output but scSecretGetValue's. Definitions, value changes and
 * undefinitions are events of the catalog (the UUID and usage only). A
 * pool's start, refresh and volume operations read the value of the
 * secret its <auth><secret uuid=.../> or usage=... names.
 */

typedef struct scSecret scSecret;
typedef scSecret *scSecretPtr;

/* What a secret is for, as libvirt's virSecretUsageType. */
typedef enum {
    SC_SECRET_USAGE_TYPE_NONE = 0,
    SC_SECRET_USAGE_TYPE_VOLUME = 1, /* <usage type='volume'><volume>PATH</volume> */
    SC_SECRET_USAGE_TYPE_CEPH = 2,   /* <usage type='ceph'><name>NAME</name> */
    SC_SECRET_USAGE_TYPE_ISCSI = 3,  /* <usage type='iscsi'><target>NAME</target> */
    SC_SECRET_USAGE_TYPE_TLS = 4,    /* <usage type='tls'><name>NAME</name> */
    SC_SECRET_USAGE_TYPE_VTPM = 5,   /* <usage type='vtpm'><name>NAME</name> */
    SC_SECRET_USAGE_TYPE_LAST
} scSecretUsageType;

/* Filters of scConnectListAllSecrets (libvirt's values); within a pair
 * the bits are ORed, an empty pair does not filter. storcat keeps no
 * ephemeral secrets, so EPHEMERAL alone lists nothing. */
typedef enum {
    SC_CONNECT_LIST_SECRETS_EPHEMERAL = 1 << 0,
    SC_CONNECT_LIST_SECRETS_NO_EPHEMERAL = 1 << 1,
    SC_CONNECT_LIST_SECRETS_PRIVATE = 1 << 2,
    SC_CONNECT_LIST_SECRETS_NO_PRIVATE = 1 << 3,
} scConnectListAllSecretsFlags;

/* Flags of scSecretDefineXML. storcat always validates. */
typedef enum {
    SC_SECRET_DEFINE_VALIDATE = 1 << 0,
} scSecretDefineFlags;

/*
 * scSecretDefineXML:
 * Defines a secret from libvirt's <secret> XML (a UUID is generated when
 * there is none), or updates the description and private flag of the one
 * with the same UUID and usage. Refused with SC_ERR_OPERATION_INVALID: a
 * usage that another secret has (naming its UUID), another usage for an
 * existing UUID, turning a private secret public; and ephemeral='yes'
 * (SC_ERR_CONFIG_UNSUPPORTED: storcat has no daemon to keep one in),
 * malformed XML (SC_ERR_XML_DETAIL), a read-only connection
 * (SC_ERR_OPERATION_DENIED). @flags: 0 or SC_SECRET_DEFINE_VALIDATE.
 * Returns a new reference, or NULL.
 */
scSecretPtr scSecretDefineXML(scConnectPtr conn, const char *xml, unsigned int flags);

/*
 * scSecretLookupByUUID / ByUUIDString / ByUsage:
 * Find a defined secret by its raw UUID, its UUID string, or its usage
 * type and id (the iSCSI target name of <usage type='iscsi'>, ...).
 * Returns a new reference, or NULL (SC_ERR_NO_SECRET if none).
 */
scSecretPtr scSecretLookupByUUID(scConnectPtr conn, const unsigned char *uuid);
scSecretPtr scSecretLookupByUUIDString(scConnectPtr conn, const char *uuidstr);
scSecretPtr scSecretLookupByUsage(scConnectPtr conn, int usageType, const char *usageID);

/*
 * scConnectListAllSecrets / scConnectNumOfSecrets:
 * @secrets: where to store a new NULL-terminated array of new references,
 * sorted by UUID (each freed with scSecretFree, the array with free()),
 * or NULL to count. @flags: SC_CONNECT_LIST_SECRETS_* filters. Return the
 * number of secrets, or -1.
 */
int scConnectListAllSecrets(scConnectPtr conn, scSecretPtr **secrets, unsigned int flags);
int scConnectNumOfSecrets(scConnectPtr conn);

/*
 * scConnectListSecrets:
 * libvirt's older call: the UUID strings of the secrets, sorted, at most
 * @maxuuids of them, stored in @uuids (each for the caller to free).
 * Returns how many were stored, or -1 (a negative @maxuuids, or @uuids
 * NULL with @maxuuids > 0, is SC_ERR_INVALID_ARG).
 */
int scConnectListSecrets(scConnectPtr conn, char **uuids, int maxuuids);

/*
 * scSecretGetUUID / scSecretGetUUIDString:
 * Copy the secret's UUID (SC_UUID_BUFLEN bytes / SC_UUID_STRING_BUFLEN
 * chars). Return 0 or -1.
 */
int scSecretGetUUID(scSecretPtr secret, unsigned char *uuid);
int scSecretGetUUIDString(scSecretPtr secret, char *buf);

/*
 * scSecretGetUsageType / scSecretGetUsageID:
 * The secret's usage type (an scSecretUsageType, or -1) and id (borrowed
 * from the handle; NULL on error, "" for usage none).
 */
int scSecretGetUsageType(scSecretPtr secret);
const char *scSecretGetUsageID(scSecretPtr secret);

/*
 * scSecretGetXMLDesc:
 * The secret's definition as libvirt formats it (never its value); the
 * caller frees it. @flags must be 0. NULL on error.
 */
char *scSecretGetXMLDesc(scSecretPtr secret, unsigned int flags);

/*
 * scSecretSetValue:
 * Sets the secret's value to @value_size bytes of @value (any bytes; at
 * most 64 KiB), replacing any value, atomically: a reader sees the old
 * value or the new one. @flags must be 0. Returns 0 or -1.
 */
int scSecretSetValue(scSecretPtr secret, const unsigned char *value, size_t value_size,
                     unsigned int flags);

/*
 * scSecretGetValue:
 * Returns a new buffer (the caller frees it; clearing it first is wise)
 * with the secret's value, its size in *@value_size; NULL with
 * SC_ERR_NO_SECRET if it has no value, SC_ERR_INVALID_SECRET if it is
 * private (as libvirt: a private value is for storcat's own use),
 * SC_ERR_OPERATION_DENIED on a read-only connection. @flags must be 0.
 */
unsigned char *scSecretGetValue(scSecretPtr secret, size_t *value_size, unsigned int flags);

/*
 * scSecretUndefine:
 * Removes the secret's definition and value. Pools whose <auth> names it
 * then fail to start or refresh, naming it. Returns 0 or -1.
 */
int scSecretUndefine(scSecretPtr secret);

/*
 * scSecretGetConnect / scSecretRef / scSecretFree:
 * The secret's connection (borrowed), or NULL; add or drop one reference
 * (0, or -1 on a bad handle).
 */
scConnectPtr scSecretGetConnect(scSecretPtr secret);
int scSecretRef(scSecretPtr secret);
int scSecretFree(scSecretPtr secret);
/* Event loop                                                         */
/* ------------------------------------------------------------------ */

/*
 * Events reach a caller through an event loop, as in libvirt
 * (libvirt-event.h): the caller either registers storcat's default loop
 * (scEventRegisterDefaultImpl) and runs it (scEventRunDefaultImpl), or
 * brings its own loop (GLib, libevent, Qt, ...) by registering six
 * functions that add, update and remove file handle watches and timers
 * (scEventRegisterImpl). storcat starts no thread: its event callbacks run
 * in whatever thread runs the loop.
 *
 * The _LAST members of the enums below are defined only when the caller
 * defines SC_ENUM_SENTINELS, as libvirt's are with VIR_ENUM_SENTINELS:
 * they grow with new versions and are not part of the ABI.
 */

/* (scFreeCallback, libvirt's virFreeCallback, is declared with the
 * connection calls above.) */

/* What a file handle watch waits for, or what happened (libvirt's values). */
typedef enum {
    SC_EVENT_HANDLE_READABLE = (1 << 0),
    SC_EVENT_HANDLE_WRITABLE = (1 << 1),
    SC_EVENT_HANDLE_ERROR = (1 << 2),
    SC_EVENT_HANDLE_HANGUP = (1 << 3),
} scEventHandleType;

/* @watch: the watch's id; @fd: its file descriptor; @events: what
 * happened (scEventHandleType bits); @opaque: as registered. */
typedef void (*scEventHandleCallback)(int watch, int fd, int events, void *opaque);

/* The six functions of an event loop implementation (scEventRegisterImpl),
 * with the contracts of scEventAddHandle ... scEventRemoveTimeout below. */
typedef int (*scEventAddHandleFunc)(int fd, int event, scEventHandleCallback cb, void *opaque,
                                    scFreeCallback ff);
typedef void (*scEventUpdateHandleFunc)(int watch, int event);
typedef int (*scEventRemoveHandleFunc)(int watch);

/* @timer: the timer's id; @opaque: as registered. */
typedef void (*scEventTimeoutCallback)(int timer, void *opaque);
typedef int (*scEventAddTimeoutFunc)(int timeout, scEventTimeoutCallback cb, void *opaque,
                                     scFreeCallback ff);
typedef void (*scEventUpdateTimeoutFunc)(int timer, int timeout);
typedef int (*scEventRemoveTimeoutFunc)(int timer);

/*
 * scEventRegisterImpl:
 * Makes the caller's event loop the one storcat uses: storcat adds its
 * watches and timers through these functions, and the caller's loop calls
 * their callbacks. Register it before registering for events. Once an
 * implementation is registered it cannot be replaced: a later call (and
 * scEventRegisterDefaultImpl after this one) is ignored, as in libvirt.
 * An implementation must call a removed watch's or timer's free function
 * (@ff of its add) once its callback can no longer run, and never run a
 * removed one's callback again.
 */
void scEventRegisterImpl(scEventAddHandleFunc addHandle, scEventUpdateHandleFunc updateHandle,
                         scEventRemoveHandleFunc removeHandle, scEventAddTimeoutFunc addTimeout,
                         scEventUpdateTimeoutFunc updateTimeout,
                         scEventRemoveTimeoutFunc removeTimeout);

/*
 * scEventRegisterDefaultImpl:
 * Registers storcat's own event loop, built on poll(2), unless a loop is
 * already registered (then nothing changes). Calling it again is harmless.
 * The caller then runs scEventRunDefaultImpl, usually in a loop of its
 * own (in a thread of its own, if it likes). Returns 0, or -1 if the loop
 * cannot be set up (its wake-up pipe: SC_ERR_SYSTEM_ERROR).
 */
int scEventRegisterDefaultImpl(void);

/*
 * scEventRunDefaultImpl:
 * Runs one iteration of the default loop: waits until a watched handle is
 * ready or a timer is due (forever when there is neither, as libvirt's),
 * then calls their callbacks, in this thread. Watches and timers may be
 * added, changed and removed meanwhile from any thread (the wait is
 * interrupted to take them in) and from the callbacks themselves. Only one
 * thread runs the loop at a time. Returns 0, or -1: the default loop is
 * not registered, or another thread is running it (SC_ERR_OPERATION_INVALID).
 */
int scEventRunDefaultImpl(void);

/*
 * scEventAddHandle:
 * Watches @fd for @events (scEventHandleType bits; 0 watches nothing until
 * scEventUpdateHandle) through the registered loop: @cb is called with
 * what happened (ERROR and HANGUP are reported even when not asked for).
 * @ff, if not NULL, is called with @opaque once the watch is removed: by
 * the default loop at the end of the iteration that removed it, or before
 * scEventRemoveHandle returns when no iteration is running. Returns the
 * watch's id (> 0), or -1 if no loop is registered or the arguments are
 * bad.
 */
int scEventAddHandle(int fd, int events, scEventHandleCallback cb, void *opaque,
                     scFreeCallback ff);

/*
 * scEventUpdateHandle:
 * Changes what watch @watch waits for. An unknown watch is ignored.
 */
void scEventUpdateHandle(int watch, int events);

/*
 * scEventRemoveHandle:
 * Removes watch @watch: its callback is not called again (see
 * scEventAddHandle for when its @ff is called). Returns 0, or -1 if there
 * is no such watch (or no loop).
 */
int scEventRemoveHandle(int watch);

/*
 * scEventAddTimeout:
 * A timer that calls @cb every @timeout milliseconds; 0 calls it on every
 * iteration of the loop, -1 disables it until scEventUpdateTimeout. @ff as
 * with scEventAddHandle. Returns the timer's id (> 0), or -1.
 */
int scEventAddTimeout(int timeout, scEventTimeoutCallback cb, void *opaque, scFreeCallback ff);

/*
 * scEventUpdateTimeout:
 * Sets timer @timer's period to @timeout milliseconds from now (0: every
 * iteration, -1: disabled). An unknown timer is ignored.
 */
void scEventUpdateTimeout(int timer, int timeout);

/*
 * scEventRemoveTimeout:
 * Removes timer @timer. Returns 0, or -1 if there is no such timer.
 */
int scEventRemoveTimeout(int timer);

/* ------------------------------------------------------------------ */
/* Storage pool and volume events                                     */
/* ------------------------------------------------------------------ */

/*
 * Events come from the catalog's events table, the audit trail every
 * change made through storcat writes in the change's own transaction: a
 * connection registered for events is told of the changes made by ANY
 * process on the same catalog (this one included), each once, in the
 * order they were committed, and only those committed after the
 * registration. No daemon relays them and nothing polls the catalog in a
 * loop: the connection watches the catalog's directory with inotify(7)
 * (a process that commits an event touches the catalog file's times, so
 * that watchers wake once the change is visible), and reads the new rows
 * when woken. Where inotify cannot watch that directory (its limits
 * reached, or no inotify), the connection reads the table once a second
 * instead ($STORCAT_EVENT_POLL_MS, in milliseconds, forces that).
 *
 * Callbacks run in the thread that runs the event loop, never inside
 * another storcat call. They may call storcat, on the same connection
 * too: look objects up, register, deregister themselves or others (a
 * callback deregistered meanwhile is not called again; its @freecb runs
 * once the current dispatch is over). Closing the connection deregisters
 * everything (each @freecb is called) and removes its watch and timer from
 * the loop: nothing is left behind. Callback ids are per connection,
 * starting at 0, never reused.
 *
 * The pool or volume handle a callback gets is valid during the callback
 * only (take a reference with scStoragePoolRef / scStorageVolRef to keep
 * it). It names the object as the event row does (its name then and its
 * UUID), so it exists for an object that has since been undefined or
 * deleted; what a getter answers is what the catalog says now.
 */

/* Cast a specific callback to the generic type that
 * scConnectStoragePoolEventRegisterAny takes (libvirt's macro; through
 * void (*)(void), so that gcc's -Wcast-function-type stays quiet). */
#define SC_STORAGE_POOL_EVENT_CALLBACK(cb)                                     \
    ((scConnectStoragePoolEventGenericCallback) (void (*)(void)) (cb))

/* Which pool events to be told of; each has its callback type. */
typedef enum {
    SC_STORAGE_POOL_EVENT_ID_LIFECYCLE = 0, /* scConnectStoragePoolEventLifecycleCallback */
    SC_STORAGE_POOL_EVENT_ID_REFRESH = 1,   /* scConnectStoragePoolEventGenericCallback */
#ifdef SC_ENUM_SENTINELS
    SC_STORAGE_POOL_EVENT_ID_LAST
#endif
} scStoragePoolEventID;

/* The callback of SC_STORAGE_POOL_EVENT_ID_REFRESH: @pool was refreshed
 * (scStoragePoolRefresh; a start's first refresh is part of its
 * STARTED event, as in libvirt). */
typedef void (*scConnectStoragePoolEventGenericCallback)(scConnectPtr conn, scStoragePoolPtr pool,
                                                         void *opaque);

/*
 * scConnectStoragePoolEventRegisterAny:
 * @pool: only this pool's events (matched by UUID), or NULL for every
 *        pool's; it must belong to @conn.
 * @eventID: an scStoragePoolEventID; @cb must have its callback type, cast
 *           with SC_STORAGE_POOL_EVENT_CALLBACK.
 * @opaque: passed to @cb; @freecb, if not NULL, frees it when the callback
 *          is deregistered (or the connection closed).
 *
 * Calls @cb for each such event committed from now on (see above). An
 * event loop must be registered first (scEventRegisterDefaultImpl or
 * scEventRegisterImpl), else SC_ERR_INTERNAL_ERROR ("no event loop", as
 * libvirt fails). SC_ERR_INVALID_ARG: a NULL @cb, an @eventID out of range,
 * a @pool of another connection, or the same @cb registered already for
 * the same @eventID and the same @pool (or NULL) on @conn ("event callback
 * already tracked"). Works on a read-only connection.
 *
 * Returns the callback's id (>= 0), for the Deregister call, or -1.
 */
int scConnectStoragePoolEventRegisterAny(scConnectPtr conn, scStoragePoolPtr pool, int eventID,
                                         scConnectStoragePoolEventGenericCallback cb, void *opaque,
                                         scFreeCallback freecb);

/*
 * scConnectStoragePoolEventDeregisterAny:
 * Removes the pool event callback @callbackID of @conn; its @freecb is
 * called (after the current dispatch, when called from a callback). An id
 * that @conn did not give for a pool event callback, or one deregistered
 * already, is SC_ERR_INVALID_ARG ("could not find event callback %d for
 * deletion"). Returns 0 or -1.
 */
int scConnectStoragePoolEventDeregisterAny(scConnectPtr conn, int callbackID);

/* What happened to a pool, with libvirt's values: the events of
 * SC_STORAGE_POOL_EVENT_ID_LIFECYCLE. Their detail is always 0, as in
 * libvirt. */
typedef enum {
    SC_STORAGE_POOL_EVENT_DEFINED = 0,   /* defined, or its definition replaced */
    SC_STORAGE_POOL_EVENT_UNDEFINED = 1, /* undefined */
    SC_STORAGE_POOL_EVENT_STARTED = 2,   /* started (and refreshed) */
    SC_STORAGE_POOL_EVENT_STOPPED = 3,   /* stopped */
    SC_STORAGE_POOL_EVENT_CREATED = 4,   /* its storage built (scStoragePoolBuild) */
    SC_STORAGE_POOL_EVENT_DELETED = 5,   /* its storage deleted (scStoragePoolDelete) */
#ifdef SC_ENUM_SENTINELS
    SC_STORAGE_POOL_EVENT_LAST
#endif
} scStoragePoolEventLifecycleType;

/* The callback of SC_STORAGE_POOL_EVENT_ID_LIFECYCLE: @event is an
 * scStoragePoolEventLifecycleType, @detail 0. */
typedef void (*scConnectStoragePoolEventLifecycleCallback)(scConnectPtr conn,
                                                           scStoragePoolPtr pool, int event,
                                                           int detail, void *opaque);

/* Volume events (storcat's own, in the shape of the pool events). */

/* Cast a specific callback to the generic type that
 * scConnectStorageVolEventRegisterAny takes. */
#define SC_STORAGE_VOL_EVENT_CALLBACK(cb)                                      \
    ((scConnectStorageVolEventGenericCallback) (void (*)(void)) (cb))

/* Which volume events to be told of; each has its callback type. */
typedef enum {
    SC_STORAGE_VOL_EVENT_ID_LIFECYCLE = 0, /* scConnectStorageVolEventLifecycleCallback */
#ifdef SC_ENUM_SENTINELS
    SC_STORAGE_VOL_EVENT_ID_LAST
#endif
} scStorageVolEventID;

/* The generic volume event callback type, for registering. */
typedef void (*scConnectStorageVolEventGenericCallback)(scConnectPtr conn, scStorageVolPtr vol,
                                                        void *opaque);

/*
 * scConnectStorageVolEventRegisterAny (storcat's own):
 * As scConnectStoragePoolEventRegisterAny, for the events of volumes:
 * @pool, if not NULL, limits them to the volumes of that pool (a volume's
 * events are its pool's business, and a volume not created yet has no
 * handle to filter on); @eventID is an scStorageVolEventID, @cb cast with
 * SC_STORAGE_VOL_EVENT_CALLBACK. The same errors. Returns the callback's
 * id (>= 0; pool and volume callbacks of a connection share the ids), or
 * -1.
 */
int scConnectStorageVolEventRegisterAny(scConnectPtr conn, scStoragePoolPtr pool, int eventID,
                                        scConnectStorageVolEventGenericCallback cb, void *opaque,
                                        scFreeCallback freecb);

/*
 * scConnectStorageVolEventDeregisterAny (storcat's own):
 * Removes the volume event callback @callbackID, as
 * scConnectStoragePoolEventDeregisterAny does a pool one's.
 */
int scConnectStorageVolEventDeregisterAny(scConnectPtr conn, int callbackID);

/* What happened to a volume: the events of SC_STORAGE_VOL_EVENT_ID_LIFECYCLE. */
typedef enum {
    SC_STORAGE_VOL_EVENT_CREATED = 0,    /* a new volume (scStorageVolEventCreatedDetailType) */
    SC_STORAGE_VOL_EVENT_DELETED = 1,    /* deleted (scStorageVolEventDeletedDetailType) */
    SC_STORAGE_VOL_EVENT_CHANGED = 2,    /* changed (scStorageVolEventChangedDetailType) */
    SC_STORAGE_VOL_EVENT_MISSING = 3,    /* gone from storage (a refresh or lookup saw); detail 0 */
    SC_STORAGE_VOL_EVENT_REAPPEARED = 4, /* a missing volume is back; detail 0 */
    SC_STORAGE_VOL_EVENT_RENAMED = 5,    /* renamed on storage, keeping its UUID (the
                                            handle has the new name); detail 0 */
#ifdef SC_ENUM_SENTINELS
    SC_STORAGE_VOL_EVENT_LAST
#endif
} scStorageVolEventLifecycleType;

/* Details of SC_STORAGE_VOL_EVENT_CREATED. */
typedef enum {
    SC_STORAGE_VOL_EVENT_CREATED_NEW = 0,        /* scStorageVolCreateXML */
    SC_STORAGE_VOL_EVENT_CREATED_CLONED = 1,     /* scStorageVolCreateXMLFrom */
    SC_STORAGE_VOL_EVENT_CREATED_DISCOVERED = 2, /* found on storage (a refresh, a path lookup) */
    SC_STORAGE_VOL_EVENT_CREATED_RECOVERED = 3,  /* an interrupted create found complete */
#ifdef SC_ENUM_SENTINELS
    SC_STORAGE_VOL_EVENT_CREATED_LAST
#endif
} scStorageVolEventCreatedDetailType;

/* Details of SC_STORAGE_VOL_EVENT_DELETED. */
typedef enum {
    SC_STORAGE_VOL_EVENT_DELETED_REMOVED = 0,     /* scStorageVolDelete */
    SC_STORAGE_VOL_EVENT_DELETED_INTERRUPTED = 1, /* interrupted, completed by a refresh */
#ifdef SC_ENUM_SENTINELS
    SC_STORAGE_VOL_EVENT_DELETED_LAST
#endif
} scStorageVolEventDeletedDetailType;

/* Details of SC_STORAGE_VOL_EVENT_CHANGED. */
typedef enum {
    SC_STORAGE_VOL_EVENT_CHANGED_STORAGE = 0,  /* found changed (a refresh, a lookup, an
                                                  operation that failed half-way) */
    SC_STORAGE_VOL_EVENT_CHANGED_WIPED = 1,    /* scStorageVolWipe(Pattern) */
    SC_STORAGE_VOL_EVENT_CHANGED_RESIZED = 2,  /* scStorageVolResize */
    SC_STORAGE_VOL_EVENT_CHANGED_UPLOADED = 3, /* scStorageVolUpload */
#ifdef SC_ENUM_SENTINELS
    SC_STORAGE_VOL_EVENT_CHANGED_LAST
#endif
} scStorageVolEventChangedDetailType;

/* The callback of SC_STORAGE_VOL_EVENT_ID_LIFECYCLE: @event is an
 * scStorageVolEventLifecycleType, @detail its detail. The handle of a
 * volume that no longer has a catalog row (deleted since) has an empty
 * key. */
typedef void (*scConnectStorageVolEventLifecycleCallback)(scConnectPtr conn, scStorageVolPtr vol,
                                                          int event, int detail, void *opaque);

/* Secret events, as libvirt's (libvirt-secret.h): from the same trail, so
 * a change made by any process is told. */

/* Cast a specific callback to the generic type that
 * scConnectSecretEventRegisterAny takes (libvirt's macro). */
#define SC_SECRET_EVENT_CALLBACK(cb)                                           \
    ((scConnectSecretEventGenericCallback) (void (*)(void)) (cb))

/* Which secret events to be told of; each has its callback type. */
typedef enum {
    SC_SECRET_EVENT_ID_LIFECYCLE = 0,     /* scConnectSecretEventLifecycleCallback */
    SC_SECRET_EVENT_ID_VALUE_CHANGED = 1, /* scConnectSecretEventGenericCallback */
#ifdef SC_ENUM_SENTINELS
    SC_SECRET_EVENT_ID_LAST
#endif
} scSecretEventID;

/* The callback of SC_SECRET_EVENT_ID_VALUE_CHANGED: @secret's value was
 * set (scSecretSetValue; never the value itself). */
typedef void (*scConnectSecretEventGenericCallback)(scConnectPtr conn, scSecretPtr secret,
                                                    void *opaque);

/*
 * scConnectSecretEventRegisterAny:
 * As scConnectStoragePoolEventRegisterAny, for the events of secrets:
 * @secret, if not NULL, limits them to that secret's (matched by UUID;
 * it must belong to @conn); @eventID is an scSecretEventID, @cb cast with
 * SC_SECRET_EVENT_CALLBACK. The same errors. The handle a callback gets
 * has the secret's UUID and usage, also for one undefined since. Returns
 * the callback's id (>= 0), or -1.
 */
int scConnectSecretEventRegisterAny(scConnectPtr conn, scSecretPtr secret, int eventID,
                                    scConnectSecretEventGenericCallback cb, void *opaque,
                                    scFreeCallback freecb);

/*
 * scConnectSecretEventDeregisterAny:
 * Removes the secret event callback @callbackID, as
 * scConnectStoragePoolEventDeregisterAny does a pool one's.
 */
int scConnectSecretEventDeregisterAny(scConnectPtr conn, int callbackID);

/* What happened to a secret: the events of SC_SECRET_EVENT_ID_LIFECYCLE.
 * Their detail is always 0, as in libvirt. */
typedef enum {
    SC_SECRET_EVENT_DEFINED = 0,   /* defined, or its definition replaced */
    SC_SECRET_EVENT_UNDEFINED = 1, /* undefined */
#ifdef SC_ENUM_SENTINELS
    SC_SECRET_EVENT_LAST
#endif
} scSecretEventLifecycleType;

/* The callback of SC_SECRET_EVENT_ID_LIFECYCLE: @event is an
 * scSecretEventLifecycleType, @detail 0. */
typedef void (*scConnectSecretEventLifecycleCallback)(scConnectPtr conn, scSecretPtr secret,
                                                      int event, int detail, void *opaque);


/* ------------------------------------------------------------------ */
/* Streams                                                            */
/* ------------------------------------------------------------------ */

/*
 * Streams carry the data of scStorageVolUpload and scStorageVolDownload,
 * with libvirt's calls and semantics (libvirt-stream.h). A stream is made
 * with scStreamNew, bound to one transfer, used from one thread at a time
 * (its event callback's calls excepted: any thread, the event loop's
 * included), ended with scStreamFinish or scStreamAbort, and released
 * with scStreamFree. A non-blocking stream can be driven from an event
 * loop (scStreamEventAddCallback, below).
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
 * taken — at most 256 KiB a call, and no more than the transfer's length
 * leaves; as libvirt's may, it takes fewer than asked, so a caller loops
 * (scStreamSendAll does) — -2 if the stream is
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
 * Stream events: a non-blocking stream (SC_STREAM_NONBLOCK) driven from
 * an event loop, as libvirt's. The caller registers a loop first
 * (scEventRegisterDefaultImpl, or its own with scEventRegisterImpl), binds
 * the stream (scStorageVolUpload / scStorageVolDownload), then adds a
 * callback; the loop calls it while the stream can be used without
 * waiting, and the callback sends or receives until the call returns -2:
 *
 *     static void on_writable(scStreamPtr st, int events, void *opaque)
 *     {
 *         Source *src = opaque;
 *         int n = 0;
 *
 *         while (src->left > 0 && (n = scStreamSend(st, src->pos, src->left)) > 0) {
 *             src->pos += n;
 *             src->left -= n;
 *         }
 *         if (src->left == 0 || n == -1 || events & SC_STREAM_EVENT_ERROR) {
 *             scStreamEventRemoveCallback(st);
 *             src->result = n == -1 ? -1 : scStreamFinish(st);
 *             src->done = 1;
 *         }
 *     }
 *
 *     scStreamEventAddCallback(st, SC_STREAM_EVENT_WRITABLE, on_writable, &src, NULL);
 *     while (!src.done)
 *         scEventRunDefaultImpl();
 *
 * The callback is level-triggered: called on each iteration of the loop
 * while the stream is ready, with what it is ready for. A blocking stream
 * may have a callback too; its calls then do not wait either.
 */

/* What a stream's callback waits for, or was told of (libvirt's values). */
typedef enum {
    SC_STREAM_EVENT_READABLE = (1 << 0), /* a download: scStreamRecv (RecvFlags, RecvHole)
                                            returns data, a hole, the end or the
                                            transfer's error without waiting */
    SC_STREAM_EVENT_WRITABLE = (1 << 1), /* an upload: scStreamSend (SendHole) takes data, or
                                            reports the transfer's error, without waiting */
    SC_STREAM_EVENT_ERROR = (1 << 2),    /* the transfer failed: the next call on the stream
                                            reports why (told even when not asked for) */
    SC_STREAM_EVENT_HANGUP = (1 << 3),   /* accepted, never told: storcat's stream has no
                                            peer to hang up (libvirt's remote streams never
                                            tell it either) */
} scStreamEventType;

/*
 * scStreamEventCallback:
 * @stream: the stream, valid for the callback's duration (the caller's
 *          references keep it; the callback may free one of them);
 * @events: the scStreamEventType bits that hold now;
 * @opaque: as registered.
 * Runs in the thread running the event loop, never inside another storcat
 * call. It may call any stream call on @stream: Send/Recv, Finish, Abort,
 * Update or Remove its own registration, and Free.
 */
typedef void (*scStreamEventCallback)(scStreamPtr stream, int events, void *opaque);

/*
 * scStreamEventAddCallback:
 * @stream: a stream bound to a transfer (by scStorageVolUpload or
 *          scStorageVolDownload).
 * @events: scStreamEventType bits to be told of (0: none for now, see
 *          scStreamEventUpdateCallback).
 * @cb: called from the event loop while @stream is ready for @events (and
 *      with SC_STREAM_EVENT_ERROR once its transfer failed), until the
 *      stream is finished or aborted: a closed stream tells nothing more.
 * @opaque: passed to @cb; @ff, if not NULL, is called with it once @cb can
 *          no longer be called: by scStreamEventRemoveCallback, or by the
 *          stream's last scStreamFree; if @cb is running then, right after
 *          it returns. (libvirt 9.0's remote streams never call it.)
 *
 * One callback per stream, as libvirt's. Registers a watch in the event
 * loop (an eventfd the stream's worker signals), removed with the
 * registration. Thread-safe: the loop may run in another thread than the
 * calls on the stream.
 *
 * Errors: SC_ERR_INTERNAL_ERROR when no event loop is registered (as
 * libvirt's, which names no cause) or when @stream has a callback already
 * ("multiple stream callbacks not supported", libvirt's words; in libvirt's
 * RPC domain there, SC_FROM_STREAMS here); SC_ERR_OPERATION_INVALID for a
 * stream not bound yet (libvirt: SC_ERR_NO_SUPPORT); SC_ERR_INVALID_ARG
 * for a NULL @cb or unknown bits in @events; SC_ERR_SYSTEM_ERROR if the
 * eventfd cannot be made; the loop's error if it cannot watch it.
 * Returns 0 or -1 (then nothing is registered and @ff is not called).
 */
int scStreamEventAddCallback(scStreamPtr stream, int events, scStreamEventCallback cb, void *opaque,
                             scFreeCallback ff);

/*
 * scStreamEventUpdateCallback:
 * Changes the events @stream's callback waits for to @events
 * (scStreamEventType bits; 0 pauses it, SC_STREAM_EVENT_ERROR included).
 * Returns 0, or -1: no callback registered (SC_ERR_INTERNAL_ERROR, "no
 * stream callback registered", as libvirt's), unknown bits in @events
 * (SC_ERR_INVALID_ARG).
 */
int scStreamEventUpdateCallback(scStreamPtr stream, int events);

/*
 * scStreamEventRemoveCallback:
 * Removes @stream's callback and its watch from the event loop: the
 * callback is not called again, and its @ff is called (now, or when the
 * callback running meanwhile returns). Works on a finished or aborted
 * stream too. Returns 0, or -1: no callback registered
 * (SC_ERR_INTERNAL_ERROR, "no stream callback registered", as libvirt's).
 */
int scStreamEventRemoveCallback(scStreamPtr stream);

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
 * storcat does not leave the volume journaled if they did not), and
 * removing its event callback (its @ff called; libvirt instead keeps a
 * stream with a callback alive until the callback is removed).
 * Returns 0 or -1 (SC_ERR_INVALID_STREAM).
 */
int scStreamFree(scStreamPtr stream);

/* ------------------------------------------------------------------ */
/* Guest disks: which domains use which volumes (storcat's own)        */
/* ------------------------------------------------------------------ */

/*
 * storcat has no hypervisor: it learns which volumes guests use from their
 * libvirt definitions, imported into the catalog (`storcat domain-import
 * /etc/libvirt/qemu`). Each <disk> is kept as written and tied to the
 * catalogued volume it resolves to; a volume catalogued later is matched
 * by its path and aliases. A volume a domain uses is protected by
 * SC_STORAGE_VOL_CHECK_USERS as an overlay's backing file is.
 */

/*
 * scConnectDomainImportXML (storcat's own):
 * Records the guest disks of one libvirt domain: @xml is its definition
 * (/etc/libvirt/qemu/NAME.xml, `virsh dumpxml NAME`), @source where it
 * came from (a file name, for the record and the event; may be NULL).
 * Every <disk> of <devices> is kept with its target, device, readonly flag
 * and source: a file, a block device or a directory (the path
 * canonicalized: "..", "//" and symlinks resolved, and a device-mapper
 * node also known by its /dev/mapper name, so /dev/VG/LV,
 * /dev/mapper/VG-LV and /dev/disk/by-id/dm-name-... are one volume), a
 * pool's volume (<source pool volume>, resolved by the pool's and the
 * volume's names) or a network disk (kept as "PROTOCOL:NAME", never a
 * volume); an empty drive has no source. Each is tied to the catalogued
 * volume it resolves to, if any. Importing a domain again replaces its
 * disks whole; the import is recorded as a "domain-import" event.
 * Nothing is recorded when the XML is refused: SC_ERR_XML_DETAIL for XML
 * that does not parse (libvirt's code for a parser error),
 * SC_ERR_XML_ERROR for a DTD, or XML that is not a <domain>, has no
 * <name>, a name with '/' or control characters, a bad <uuid>, a disk of
 * an unknown type or device, or a file/block/dir source that is not an
 * absolute path.
 * SC_ERR_OPERATION_DENIED on a read-only connection; @flags must be 0.
 * Returns the number of disks recorded, or -1.
 */
int scConnectDomainImportXML(scConnectPtr conn, const char *xml, const char *source,
                             unsigned int flags);

/*
 * scConnectDomainForget (storcat's own):
 * Drops what scConnectDomainImportXML recorded of domain @name (a
 * "domain-forget" event). Returns 0, or -1: SC_ERR_NO_DOMAIN when no
 * domain of that name was imported. @flags must be 0.
 */
int scConnectDomainForget(scConnectPtr conn, const char *name, unsigned int flags);

/*
 * scStorageVolListUsersFunc / scStorageVolListUsers (storcat's own):
 * Gives @cb each user of @vol, the users SC_STORAGE_VOL_CHECK_USERS
 * protects it from: first @kind "domain", by name (@name an imported
 * domain with a disk that is the volume, @detail that disk's target, or
 * its targets "vda, vdb"), then @kind "backing", by pool and name (@name
 * a volume whose backing file the volume is, @detail that volume's pool),
 * then @kind "pool" (@name a running pool made from the volume, a block
 * device, @detail that pool's spelling of the device).
 * The strings are borrowed for the call. @cb returns 0 to go on, 1 to
 * stop (success), -1 to fail with SC_ERR_OPERATION_ABORTED. @flags must
 * be 0. Works on a read-only connection. Returns the number of users
 * given to @cb, or -1.
 */
typedef int (*scStorageVolListUsersFunc)(const char *kind, const char *name,
                                         const char *detail, void *opaque);
int scStorageVolListUsers(scStorageVolPtr vol, scStorageVolListUsersFunc cb, void *opaque,
                          unsigned int flags);

/*
 * scConnectLookupDiskOwner (storcat's own):
 * Which imported domains have a disk at @path: absolute, spelled in any
 * way ("..", "//", symlinks, a device-mapper node's names), or any other
 * path or alias of the catalogued volume at @path. Stores a new
 * NULL-terminated array of their names, sorted, in *@domains (each name
 * and the array for the caller to free()). @flags must be 0. Returns how
 * many (0: none, with an empty array), or -1 (SC_ERR_INVALID_ARG for a
 * relative path).
 */
int scConnectLookupDiskOwner(scConnectPtr conn, const char *path, char ***domains,
                             unsigned int flags);

/*
 * scConnectImportLibvirtFunc / scConnectImportLibvirt (storcat's own):
 * Defines the pools of libvirt's storage configuration directory @dir
 * (NULL: /etc/libvirt/storage): every NAME.xml regular file there, with
 * its name and UUID, autostarted when autostart/NAME.xml is a link to it
 * (as libvirt marks it). Each pool is imported whole or not at all: its
 * definition and its autostart in one transaction, with their events. A
 * pool whose UUID is defined already with the same name, definition and
 * autostart is skipped (so an import can run again); with any difference
 * it is not imported (SC_ERR_OPERATION_FAILED: nothing is overwritten).
 * @cb, if not NULL, is told of each file in name order: @name the pool's
 * (the file's when the XML gave none), @status 0 imported, 1 skipped, -1
 * not imported with @message saying why (the XML refused, a name, UUID or
 * target another pool has, a type storcat does not define, ...); the
 * strings are borrowed for the call. A file that cannot be imported does
 * not stop the others. @flags must be 0; a read-only connection is
 * SC_ERR_OPERATION_DENIED. Returns the number of pools imported, or -1
 * when @dir cannot be read (nothing is then imported).
 */
typedef void (*scConnectImportLibvirtFunc)(const char *name, int status, const char *message,
                                           void *opaque);
int scConnectImportLibvirt(scConnectPtr conn, const char *dir, scConnectImportLibvirtFunc cb,
                           void *opaque, unsigned int flags);

/* ------------------------------------------------------------------ */
/* Queries and reports (storcat's own)                                 */
/* ------------------------------------------------------------------ */

/*
 * What an auditor or an operator asks the catalog, which libvirt cannot
 * answer: read-only SQL over the catalog's documented views (the report_*
 * views, storcat(1) REPORTS, whose names and columns only ever grow) and
 * the named reports built on them. Both read through a read-only SQLite
 * handle of their own, so a callback may call storcat, on the same
 * connection too, while rows are delivered.
 */

/* The type of a value a query delivers (SQLite's storage classes). */
typedef enum {
    SC_QUERY_NULL = 0,    /* the value is NULL (its text pointer too) */
    SC_QUERY_INTEGER = 1, /* decimal digits, maybe a leading '-' */
    SC_QUERY_FLOAT = 2,   /* a real number as SQLite prints it ("0.5", "1.0e+20") */
    SC_QUERY_TEXT = 3,    /* UTF-8 text */
    SC_QUERY_BLOB = 4,    /* bytes, given as lowercase hexadecimal digits */
} scQueryValueType;

/*
 * scConnectQueryFunc:
 * Receives the result of scConnectQuery or scConnectReport, one call per
 * row. @ncolumns is the number of columns, @names their names (as the
 * query names them: "name", "count(*)"). The first call, before any row
 * (also when there is none), has @values and @types NULL: the header.
 * Then each row: @values[i] is the text of column i (NULL for an SQL
 * NULL), @types[i] an scQueryValueType. Everything is borrowed for the
 * call only. Return 0 to go on, 1 to stop there (the call succeeds with
 * the rows given so far), or -1 to stop and make the call fail with
 * SC_ERR_OPERATION_ABORTED.
 */
typedef int (*scConnectQueryFunc)(int ncolumns, const char *const *names,
                                  const char *const *values, const int *types, void *opaque);

/*
 * scConnectQuery (storcat's own):
 * Runs one SQL statement @sql (SQLite's dialect; a trailing ';' and
 * comments allowed, a second statement refused with SC_ERR_INVALID_ARG)
 * over the catalog of @conn and gives each row to @cb. The catalog cannot
 * be changed by it, whatever @sql says: the statement runs on a read-only
 * handle of its own with PRAGMA query_only, and an authorizer refuses,
 * with SC_ERR_OPERATION_DENIED naming what it refused, every write
 * (INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, REINDEX, ANALYZE, VACUUM,
 * temporary tables included), transactions and savepoints, ATTACH and
 * DETACH, a PRAGMA that sets anything (reading ones such as table_info,
 * index_list or user_version are allowed), and extension loading. It is
 * stopped at the connection's time limit (scConnectSetQueryTimeout, 10 s
 * by default) with SC_ERR_OPERATION_TIMEOUT; SQL that does not compile is
 * SC_ERR_INVALID_ARG with SQLite's message. The stable names to query are
 * the report_* views; the tables are the catalog's own business and may
 * change with any release. @flags must be 0. Works on a read-only
 * connection. Returns the number of rows given to @cb, or -1.
 */
int scConnectQuery(scConnectPtr conn, const char *sql, scConnectQueryFunc cb, void *opaque,
                   unsigned int flags);

/*
 * scConnectSetQueryTimeout (storcat's own):
 * Sets the time limit of the queries and reports of @conn, in
 * milliseconds (0: none). Returns 0 or -1.
 */
int scConnectSetQueryTimeout(scConnectPtr conn, unsigned int milliseconds);

/*
 * scConnectReport (storcat's own):
 * Runs the report @name over the catalog of @conn and gives its rows to
 * @cb (as scConnectQuery: the header first). The reports are the
 * report_NAME views of the catalog (columns in storcat(1) REPORTS):
 *   "pools"           every pool: sizes, volumes, overcommit
 *   "volumes"         every volume with its pool, format, sizes, backing,
 *                     state, first and last seen, users
 *   "unused"          present volumes no domain uses (nor, through its
 *                     backing chain, any volume a domain uses), with size
 *                     and age
 *   "missing"         volumes whose storage vanished, and the domains that
 *                     still use them
 *   "unmanaged-disks" disks of imported domains that are no catalogued
 *                     volume
 *   "chains"          whole backing chains, one row per link, with depth;
 *                     a last column "broken" is 1 where the link's file
 *                     does not exist on disk (looked for by this call)
 *   "growth"          each pool's sizes day by day, with the allocation's
 *                     change since the day before
 *   "drift"           what the last refresh of each pool changed: a row
 *                     per volume, then the refresh's own event
 * @pool, if not NULL, keeps the rows of that pool (by name); the report
 * "unmanaged-disks" takes none. An unknown @name is SC_ERR_INVALID_ARG
 * naming the reports there are. @flags must be 0. Returns the number of
 * rows, or -1 (as scConnectQuery).
 */
int scConnectReport(scConnectPtr conn, const char *name, const char *pool,
                    scConnectQueryFunc cb, void *opaque, unsigned int flags);

/*
 * One row of the audit trail, as scConnectListEvents and the callbacks of
 * scConnectAuditEventRegister give it. Strings are NULL where not
 * applicable; everything is borrowed for the callback only. Fields may be
 * added at the end in later versions: the library makes this struct and
 * hands out a pointer, never the caller, so a program built against an
 * older header reads the fields it knows and never the ones after (do not
 * copy it by value, nor allocate one).
 *
 * Who: @actor sums it up on one line (control characters as '?', cut to
 * about 600 bytes); the fields from @uid on say it field by field and
 * whole. Events recorded by a storcat older than these fields have
 * @actor only: the numbers are -1, the strings NULL.
 *
 * @changes: what the event changed, a JSON object with one member per
 * field, each the array [old, new] (null on a side that did not exist: a
 * create's old, a delete's new); sizes are numbers of bytes, the rest
 * strings (a byte that is not UTF-8 as the escape \udc80 + byte - 0x80):
 *   vol-create, vol-clone, vol-discovered: capacity, allocation, format,
 *       backing, path, [null, value];
 *   vol-resize, vol-wipe, vol-upload, vol-changed (a refresh found the
 *       volume's storage changed), vol-reappeared, vol-renamed: the fields
 *       that differ of capacity, allocation, format, backing, path, name
 *       and state ("missing" -> "present");
 *   vol-delete, vol-forget: what it was, [value, null];
 *   vol-missing: {"state": ["present", "missing"]};
 *   pool-define: type and target ([null, value], or the old and new of a
 *       definition replaced); pool-undefine: [value, null];
 *   pool-start, pool-destroy: state;
 *   config-set: the setting, by its name ("events.retention"), null for
 *       its default.
 * NULL where the event changed none of these.
 */
typedef struct scAuditEvent {
    long long id;           /* its place in the trail's total order (commit order) */
    long long time;         /* when, in seconds since the epoch (UTC) */
    const char *action;     /* "pool-define", "vol-create", "vol-resize", "domain-import", ... */
    const char *poolUUID;   /* the pool it concerns */
    const char *poolName;   /* ... by its name then */
    const char *volumeUUID; /* the volume it concerns */
    const char *volumeName; /* ... by its name then */
    const char *detail;     /* free text: "algorithm zero", "renamed from 'a'", ... */
    const char *actor;      /* "user(uid) pid N program [sudo: user] $STORCAT_ACTOR" */
    long long uid;          /* the process's real user id, or -1 */
    const char *userName;   /* its user name (NULL: none in the passwd database) */
    const char *invokerVia; /* "sudo" or "pkexec": run for another user, as the
                               environment claims (SUDO_USER or SUDO_UID,
                               PKEXEC_UID); NULL: no such claim */
    long long invokerUID;   /* that user's id (SUDO_UID, PKEXEC_UID), or -1 */
    const char *invokerName;  /* that user's name (SUDO_USER, else the passwd entry) */
    long long pid;            /* the process, or -1 */
    const char *program;      /* its program (program_invocation_short_name) */
    const char *storcatActor; /* $STORCAT_ACTOR as given, control characters and
                                 all (at most 1024 bytes), or NULL */
    const char *changes;      /* the JSON object of what changed (above), or NULL */
} scAuditEvent;

/*
 * scConnectListEventsFunc:
 * Receives each event of scConnectListEvents. Return 0 to go on, 1 to
 * stop (success), -1 to stop with SC_ERR_OPERATION_ABORTED.
 */
typedef int (*scConnectListEventsFunc)(const scAuditEvent *event, void *opaque);

/*
 * scConnectListEvents (storcat's own):
 * Gives @cb the events of the catalog's audit trail in their total order
 * (by id: the order their transactions committed in, also for events of
 * the same second), keeping those that match every filter given: @pool
 * (a pool's name or UUID at the time of the event), @volume (a volume's
 * name or UUID at the time of the event, or the path of a catalogued
 * volume), @action (one action, or a prefix ending in '-': "vol-"),
 * @since and @until (seconds since the epoch, inclusive; 0: no bound),
 * @afterID (only events with a larger id; 0: from the first). Reads
 * through a read-only handle of its own, with no lock held while @cb
 * runs, and no time limit (scConnectSetQueryTimeout limits queries and
 * reports). @flags must be 0. Works on a read-only connection. Returns
 * the number of events given, or -1.
 */
int scConnectListEvents(scConnectPtr conn, const char *pool, const char *volume,
                        const char *action, long long since, long long until, long long afterID,
                        scConnectListEventsFunc cb, void *opaque, unsigned int flags);

/*
 * scConnectAuditEventCallback:
 * Receives each event of the audit trail committed after the callback was
 * registered with scConnectAuditEventRegister, in the trail's order.
 * @event is borrowed for the call only.
 */
typedef void (*scConnectAuditEventCallback)(scConnectPtr conn, const scAuditEvent *event,
                                            void *opaque);

/*
 * scConnectAuditEventRegister (storcat's own):
 * Calls @cb with every event of the audit trail that any process commits
 * to the catalog of @conn from now on (every action, lifecycle events or
 * not, with who and what changed), in their total order, through the
 * event loop as the storage pool events are
 * (scConnectStoragePoolEventRegisterAny: an event loop must be registered
 * and run; the same watch of the catalog serves both). What @cb does with
 * an event is its business: `storcat events --follow` reads the events it
 * is told of through scConnectListEvents with its filters. @freecb, if
 * not NULL, is called with @opaque when the callback is deregistered or
 * the connection closes. @flags must be 0. Works on a read-only
 * connection. Returns a callback id for scConnectAuditEventDeregister,
 * or -1.
 */
int scConnectAuditEventRegister(scConnectPtr conn, scConnectAuditEventCallback cb, void *opaque,
                                scFreeCallback freecb, unsigned int flags);

/*
 * scConnectAuditEventDeregister (storcat's own):
 * Removes the callback @callbackID of scConnectAuditEventRegister (its
 * freecb is called; during a dispatch, once the dispatch ends). Returns 0,
 * or -1 (an unknown id is SC_ERR_INVALID_ARG).
 */
int scConnectAuditEventDeregister(scConnectPtr conn, int callbackID);

/*
 * One volume as scConnectListStorageVolumes gives it: the catalog's row,
 * nothing asked of storage. Borrowed for the callback only; fields may be
 * added at the end in later versions (the library makes it).
 */
typedef struct scStorageVolRecord {
    const char *poolName;
    const char *poolUUID;
    const char *name;
    const char *key;
    const char *path;
    const char *uuid;
    int state;                     /* an scStorageVolState */
    int type;                      /* an scStorageVolType */
    const char *format;            /* "raw", "qcow2", ..., or NULL */
    unsigned long long capacity;   /* bytes */
    unsigned long long allocation; /* bytes */
    unsigned long long physical;   /* bytes */
    const char *backingPath;       /* NULL: no backing store */
    const char *backingFormat;     /* NULL: not known */
} scStorageVolRecord;

/* Receives each volume of scConnectListStorageVolumes: 0 goes on, 1
 * stops (success), -1 stops with SC_ERR_OPERATION_ABORTED. */
typedef int (*scConnectListStorageVolumesFunc)(const scStorageVolRecord *vol, void *opaque);

/* Flags of scConnectListStorageVolumes: the volumes of which states (0:
 * present ones); they may be or-ed. */
typedef enum {
    SC_CONNECT_LIST_STORAGE_VOLUMES_PRESENT = 1 << 0,
    SC_CONNECT_LIST_STORAGE_VOLUMES_MISSING = 1 << 1,
    SC_CONNECT_LIST_STORAGE_VOLUMES_INCOMPLETE = 1 << 2,
    SC_CONNECT_LIST_STORAGE_VOLUMES_JOURNALS = 1 << 3, /* creating and deleting rows */
} scConnectListStorageVolumesFlags;

/*
 * scConnectListStorageVolumes (storcat's own):
 * Streams the volumes of @pool (NULL: of every pool, by pool name) to
 * @cb, by name, straight from the catalog's indexes through a read-only
 * handle: no handle is made per volume, nothing is kept, no lock is held
 * while @cb runs, so memory does not grow with the number of volumes
 * (scStoragePoolListAllVolumes makes a handle each, and
 * scStorageVolGetInfo reads one row each). An inactive pool's volumes are
 * its last inventory. @format, if not NULL, keeps the volumes of that
 * format. @flags: which states (scConnectListStorageVolumesFlags; 0:
 * present). No time limit (scConnectSetQueryTimeout limits queries and
 * reports). Works on a read-only connection. Returns the number of
 * volumes given to @cb, or -1.
 */
int scConnectListStorageVolumes(scConnectPtr conn, scStoragePoolPtr pool, const char *format,
                                scConnectListStorageVolumesFunc cb, void *opaque,
                                unsigned int flags);

/*
 * scConnectSetCatalogOption / scConnectGetCatalogOption (storcat's own):
 * Settings kept in the catalog itself, shared by every process using it.
 * Known names:
 *   "events.retention"   how long the audit trail keeps events: "90d",
 *                        "12h", "30m", "3600s", "2w" (a number and a unit
 *                        s, m, h, d, w), or "forever" (the default).
 *                        Older events are pruned when it is set and
 *                        whenever a read-write connection opens; the
 *                        newest event is never pruned, so ids are never
 *                        given twice.
 * Set: @value NULL restores the default; an unknown name or a value that
 * does not parse is SC_ERR_INVALID_ARG; a read-only connection is
 * SC_ERR_OPERATION_DENIED; a change is recorded as a "config-set" event.
 * Returns 0 or -1. Get: a new string, the default when not set, or NULL
 * with an error. @flags must be 0.
 */
int scConnectSetCatalogOption(scConnectPtr conn, const char *name, const char *value,
                              unsigned int flags);
char *scConnectGetCatalogOption(scConnectPtr conn, const char *name, unsigned int flags);

#ifdef __cplusplus
}
#endif

#endif /* STORCAT_H */
