/*
 * volume.h: what volume.c (handles, lookups, getters) and vol_ops.c (the
 * calls that change storage) share.
 */
#ifndef SC_VOLUME_H
#define SC_VOLUME_H

#include "reconcile.h"

/* What a read-only connection's lookup by path found on storage and could
 * not record: its handle answers from this (the nil UUID: the catalog has
 * given it none yet). */
typedef struct scVolSeen {
    char pool_uuid[SC_UUID_STRING_BUFLEN];
    char *pool_name;
    scVolRecord rec;
} scVolSeen;

/* A new handle for the volume (uuid, name, key): one allocation, holding
 * a reference to @conn. NULL on error (reported). */
scStorageVol *scVolNew(scConnect *conn, const char *uuid, const char *name, const char *key);
/* Drop the handle's memory and its connection reference (refs at 0). */
void scVolFree(scStorageVol *vol);

/* True if @vol is a live volume handle; reports SC_ERR_INVALID_STORAGE_VOL
 * naming @func if not. */
bool scVolCheck(scStorageVol *vol, const char *func);
/* Checks @vol and its connection (writable if @write); on success the
 * connection is locked. */
bool scVolEnter(scStorageVol *vol, const char *func, bool write);
/* The volume's row; deleted behind the handle's back is
 * SC_ERR_NO_STORAGE_VOL. A handle of a volume not recorded (vol->seen)
 * gets a row made from what storage showed, with id 0. 0 or -1. */
int scVolRow(scStorageVol *vol, scCatalogVol *row);
/* A pool handle and its connection, writable if @write. */
bool scPoolHandleCheck(scStoragePool *pool, const char *func, bool write);
/* What a backend needs to act on the volume of @row. 0 or -1. */
int scVolRowRecord(scConnect *conn, const scCatalogVol *row, scVolRecord *rec);

/*
 * scVolCheckUsers (vol_users.c):
 * SC_STORAGE_VOL_CHECK_USERS: if imported domains or other catalogued
 * volumes use the volume of @row (its guest disks, its overlays), or a
 * running pool is made from it (scVolPoolUser), fail with
 * SC_ERR_OPERATION_INVALID naming them and saying it cannot be @verb
 * ("deleted", "shrunk", ...). Inside the caller's journal transaction
 * (the pools' devices are stat()ed there: no storage work). 0 or -1.
 */
int scVolCheckUsers(scConnect *conn, const scCatalogVol *row, const char *verb);
/* @cb (name, detail, kind "pool") for the running pool whose source device
 * block volume @row is, if any (its name and its spelling of the device):
 * 0, or -1 (or @cb's negative return). */
int scVolPoolUser(scConnect *conn, const scCatalogVol *row,
                  int (*cb)(const char *name, const char *detail, const char *kind, void *opaque),
                  void *opaque);

#endif /* SC_VOLUME_H */
