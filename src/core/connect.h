/*
 * connect.h: connection and pool handles, shared by the public entry
 * points of connect.c and pool.c.
 *
 * Handles are refcounted identities, not copies of state: a pool handle
 * holds its connection, UUID and name; every getter asks the catalog.
 * Each handle carries a magic number, checked at every public entry, so a
 * stale or foreign pointer is an error rather than a crash.
 */
#ifndef SC_CONNECT_H
#define SC_CONNECT_H

#include <pthread.h>

#include "catalog/catalog.h"

#define SC_CONNECT_MAGIC 0x5343434eu /* "SCCN" */
#define SC_POOL_MAGIC    0x5343504fu /* "SCPO" */
#define SC_VOL_MAGIC     0x5343564fu /* "SCVO" */
#define SC_DEAD_MAGIC    0xdeadbeefu

struct scConnect {
    unsigned int magic;
    int refs;                 /* atomic: scHandleRef, scHandleUnref */
    pthread_mutex_t lock;     /* serializes calls on this connection */
    scCatalog *catalog;
    char *path;               /* absolute catalog path */
    char *actor;              /* who we are, for the audit trail */
    bool readonly;
    const char *readonly_why; /* read-only though opened read-write: why, or NULL */
    pthread_mutex_t err_lock; /* guards err, handler, handler_data */
    scError err;              /* the last error of a call on it (scConnGetLastError) */
    scErrorFunc handler;      /* scConnSetErrorFunc */
    void *handler_data;
    scConnectCloseFunc close_cb;        /* scConnectRegisterCloseCallback */
    void *close_opaque;
    scFreeCallback close_free;
    scProgressCallback progress;        /* scConnectSetProgressCallback */
    void *progress_opaque;
    void (*progress_free)(void *opaque);
    struct scEventState *events;        /* event registrations and their watcher
                                           (event.c), or NULL: none */
    int event_next_id;                  /* the next event callback id */
    unsigned int query_timeout_ms;      /* scConnectSetQueryTimeout (0: none) */
};

/* scConnectSetQueryTimeout's default: 10 s. */
#define SC_QUERY_TIMEOUT_MS 10000

struct scStoragePool {
    unsigned int magic;
    int refs;
    scConnect *conn;          /* holds a reference */
    unsigned char uuid[SC_UUID_BUFLEN];
    char uuidstr[SC_UUID_STRING_BUFLEN];
    char *name;
};

struct scStorageVol {
    unsigned int magic;
    int refs;
    scConnect *conn;          /* holds a reference */
    char uuidstr[SC_UUID_STRING_BUFLEN]; /* the catalog's (scStorageVolGetUUID parses it) */
    char *name;               /* as of the lookup; both point into the */
    char *key;                /* same allocation as the handle */
    struct scVolSeen *seen;   /* found on storage by a read-only lookup and
                                 not recorded (volume.c), or NULL */
};

/* True if @conn is a live connection; reports SC_ERR_INVALID_CONN if not. */
bool scConnectCheck(scConnect *conn, const char *func);
/* Same, and refuses a read-only connection (SC_ERR_OPERATION_DENIED). */
bool scConnectCheckWritable(scConnect *conn, const char *func);

/* A NULL pointer argument @name of @func is SC_ERR_INVALID_ARG. */
bool scCheckArg(const void *arg, const char *name, const char *func);

/* Check @conn (writable if @write) and lock it: the entry of a call. */
bool scConnectEnter(scConnect *conn, const char *func, bool write);
/* True if @pool is a live pool handle (pool.c); reports if not. */
bool scStoragePoolCheck(scStoragePool *pool, const char *func);

void scConnectLock(scConnect *conn);
void scConnectUnlock(scConnect *conn);

/* Take / drop a handle reference (thread-safe). */
void scHandleRef(int *refs);
/* Drop a reference to @conn, closing it with the last one. */
void scConnectRelease(scConnect *conn);
/* Take a reference to @conn unless its last one is gone (it is being
 * closed): true if taken. */
bool scConnectTryRef(scConnect *conn);
/* Does @conn have no more than @n references? */
bool scConnectRefsAtMost(scConnect *conn, int n);

/* Apply the catalog's settings to a connection just opened (settings.c):
 * a read-write one prunes the trail to its retention. Never fails. */
void scSettingsConnect(scConnect *conn);

/* Deregister every event callback of @conn and stop watching its catalog
 * (event.c); called as the connection closes. */
void scEventConnectClose(scConnect *conn);
int scHandleUnref(int *refs);

/* A progress reporter for a long operation named @op on @conn, for the
 * backends (backends/backend.h); reports nothing without a callback. */
typedef struct {
    scConnect *conn;
    const char *op;
} scConnectProgress;
int scConnectProgressReport(void *opaque, unsigned long long done, unsigned long long total);

#endif /* SC_CONNECT_H */
