/*
 * backend.h: the one interface between storcat's core and the storage of a
 * pool type.
 *
 * A backend acts on storage when asked and reports what it finds; it never
 * sees the catalog or SQL. Every slot except `type` may be NULL: the core,
 * not the backend, then reports "unsupported" naming the backend. A slot
 * that fails reports its error (scReportError) and undoes what it did.
 */
#ifndef SC_BACKEND_H
#define SC_BACKEND_H

#include "pool_conf.h"

#define SC_BACKEND_VERSION 1

typedef struct scBackend scBackend;

/* check: is the pool's storage there and usable (without starting it)?
 * Returns 1 yes, 0 no, -1 error. Optional. */
typedef int (*scBackendCheck)(const scPoolDef *def);

/* build: make the storage (mkdir, mkfs, vgcreate, label a disk). Must
 * leave nothing behind when it fails. Optional. */
typedef int (*scBackendBuild)(const scPoolDef *def, unsigned int flags);

/* start: make the pool usable (mount, log in, activate). Required for a
 * backend that exists at all; on failure the pool must be as before. */
typedef int (*scBackendStart)(const scPoolDef *def);

/* stop: undo start. Optional (nothing to undo). */
typedef int (*scBackendStop)(const scPoolDef *def);

/* delete: destroy the storage that build made. Optional. */
typedef int (*scBackendDelete)(const scPoolDef *def, unsigned int flags);

struct scBackend {
    int version;            /* SC_BACKEND_VERSION */
    scPoolType type;
    scBackendCheck check;
    scBackendBuild build;
    scBackendStart start;
    scBackendStop stop;
    scBackendDelete delete_pool;
};

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

#endif /* SC_BACKEND_H */
