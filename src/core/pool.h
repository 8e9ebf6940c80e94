/*
 * pool.h: what pool.c (handles, definitions, getters) and pool_ops.c (the
 * calls that act on storage) share.
 */
#ifndef SC_POOL_H
#define SC_POOL_H

#include "connect.h"

/* Checks @pool and its connection (writable if @write); on success the
 * connection is locked. */
bool scPoolEnter(scStoragePool *pool, const char *func, bool write);
/* The pool's catalog row; a pool undefined behind the handle's back is
 * SC_ERR_NO_STORAGE_POOL. Returns 0 or -1. */
int scPoolRow(scStoragePool *pool, scCatalogPool *row);
bool scPoolRowIsActive(const scCatalogPool *row);
/* True (with SC_ERR_OPERATION_INVALID reported, naming the process) if
 * another operation on the pool is in progress. */
bool scPoolBusy(const scCatalogPool *row);
/* Is block device @path (whatever spells it) the source device of a
 * running pool other than @except_uuid, or with @parts a partition of it
 * (a PV on a partition of the disk @path)? 1 with that pool's name in
 * *@name and its spelling of the device in *@as (caller frees), 2 so for
 * a partition of it, 0 no (or @path is no block device), -1 error. A running pool's devices are the
 * ones its definition names (a logical pool defined by its VG's name
 * alone names none). */
int scPoolSourceUser(scConnect *conn, const char *path, const char *except_uuid, bool parts,
                     char **name, char **as);
/* A transient pool (scStoragePoolCreateXML) that no longer runs and is not
 * being started: left by a crash or a reboot, it does not exist. */
bool scPoolTransientDead(const scCatalogPool *row);
/* Start @pool (the connection locked): scStoragePoolCreate's work. */
int scPoolStart(scStoragePool *pool, unsigned int flags);
/* A new handle of pool (@uuid, @name), whatever the catalog says of it
 * now (an event's pool may be undefined since). NULL on error. */
scStoragePool *scPoolNew(scConnect *conn, const char *uuid, const char *name);

/*
 * scPoolImport (pool.c, for pool_import.c):
 * Define the pool of libvirt pool XML @xml, with @autostart, in one
 * transaction, unless a pool with its UUID is defined already: identically
 * (name, definition, autostart) is 1, skipped; otherwise
 * SC_ERR_OPERATION_FAILED. The pool's name, once parsed, in *@name (the
 * caller frees it, even on failure). 0 imported, 1 skipped, -1 reported.
 * Called with the connection locked.
 */
int scPoolImport(scConnect *conn, const char *xml, bool autostart, char **name);

#endif /* SC_POOL_H */
