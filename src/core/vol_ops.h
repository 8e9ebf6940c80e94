/*
 * vol_ops.h: the journal of an operation on one volume (vol_ops.c),
 * shared by the calls that change volumes: delete, wipe, resize
 * (vol_ops.c) and upload (vol_transfer.c).
 *
 * Begin journals the operation in the volume's row in a short transaction
 * (refusing a busy volume or pool); the caller works on storage with no
 * transaction open; record probes what storage says then and records it
 * with its event in a second short transaction, ending the journal;
 * cancel ends a journal under which nothing was done.
 */
#ifndef SC_VOL_OPS_H
#define SC_VOL_OPS_H

#include <stddef.h>

#include "volume.h"

/* An operation on one volume: its pool (active), row and record. */
typedef struct {
    scStorageVol *vol; /* borrowed: the caller keeps it alive */
    scActivePool ap;
    scCatalogVol row; /* the row as journaled */
    scVolRecord rec;  /* what the backend acts on */
    bool journaled;   /* this process runs the journal (scJournalBegin) */
} scVolOp;

/*
 * scVolOpBegin:
 * Load what operation @verb on @vol needs (the backend's slot at
 * @slot_offset, or the one at @alt_offset if not 0, must exist) and
 * journal it: @op ("wiping", ...) on the volume, or, with @op NULL, the
 * row 'deleting'. @check, if not NULL, runs with @arg inside the journal's
 * transaction first. Returns 0 or -1 (nothing journaled).
 */
/* A check of an operation's arguments against the row it journals
 * (inside the journal's transaction): 0, or -1 reported. */
typedef int (*scVolOpCheck)(scVolOp *o, void *arg);

int scVolOpBegin(scStorageVol *vol, const char *verb, size_t slot_offset, size_t alt_offset,
                 const char *op, scVolOpCheck check, void *arg, scVolOp *o);
#define VOL_OP_BEGIN(vol, verb, slot, op, check, arg, o)                                           \
    scVolOpBegin(vol, verb, offsetof(scBackend, slot), 0, op, check, arg, o)

/*
 * scVolOpRecord:
 * Record what storage says of the volume after an operation (probed
 * before the transaction), with its event (@action, @detail), ending the
 * journal. After a failure (@result < 0), storage the backend left as it
 * was is not recorded again; the operation's own error wins over this
 * one's. Returns 0, or -1 if @result < 0 or recording failed.
 */
int scVolOpRecord(scVolOp *o, const char *action, const char *detail, int result);

/* End the journal of an operation that did nothing (its arguments were
 * refused), keeping the error. */
void scVolOpCancel(scVolOp *o);

/* Free what @o holds (and forget its journal in this process). */
void scVolOpClear(scVolOp *o);

/* Is the volume of @row free for a change (a delete when @deleting: a
 * missing volume may be forgotten)? 0, or -1 reported. */
int scVolCheckIdle(const scStorageVol *vol, const scCatalogVol *row, const char *pool_name,
                   bool deleting);

/* The check of an upload with SC_STORAGE_VOL_CHECK_USERS (@arg the verb,
 * NULL without the flag): raw volumes only, that no other volume uses. */
int scVolCheckUpload(scVolOp *o, void *arg);

#endif /* SC_VOL_OPS_H */
