/*
 * reconcile.c: the catalog follows storage.
 *
 * A refresh is the core's side of the backend's `discover` (backend.h).
 * Inside one read snapshot of the catalog, the backend reports a change
 * token (equal to the last refresh's: nothing changed, the refresh ends),
 * then every volume's name and change signature in name order; the core
 * walks the pool's rows in the same order from a covering index, answers
 * which records it needs (new names, changed signatures, stale journals),
 * notes the names gone in a temporary table, and spools the records the
 * backend then hands over. No write lock is held while storage is read.
 * Then one short write transaction applies the spooled records and the
 * names gone, with their events.
 *
 * A create or clone whose process died never becomes a volume. Its row
 * ('creating') holds the identity of the storage it made, journaled as
 * soon as that existed (backend.h: vol_made): storage of that name with
 * that identity is its own partial work, and is deleted through the
 * backend between the snapshot and the write (claimed first in a short
 * transaction, so that two refreshes never both act on it); the write
 * drops the row. Storage storcat cannot tell is its own (no identity
 * journaled, another one, or a delete that failed) is kept as an
 * 'incomplete' row, never a volume; one whose storage goes is dropped.
 */
#include <config.h>

#include <stdio.h>

#include "changes.h"
#include "journal.h"
#include "reconcile.h"
#include "recspool.h"
#include "util/util.h"
#include "util/testpoint.h"

/* ---- a refresh: the core's side of discover --------------------------- */

/* What the core wants of an entry: a new name, or one it has a row of. */
enum { WANT_NEW = 1, WANT_KNOWN = 2 };

/* A journal of the pool (or an incomplete row) as the snapshot showed it,
 * and what this refresh does about it. */
typedef struct {
    int64_t id;
    char *name;
    char uuid[SC_UUID_STRING_BUFLEN];
    int state;              /* creating, deleting or incomplete */
    long long pid;          /* the journal's process, as seen */
    unsigned long long start;
    bool live;
    unsigned char ident[SC_VOL_SIG_MAX]; /* a create's storage, once made */
    size_t ident_len;
    bool partial;           /* a stale create whose storage is its own */
    bool claimed;           /* ... taken over by this refresh */
    bool removed;           /* ... and deleted from storage */
    char *why;              /* why it could not be deleted */
    scVolRecord rec;        /* what is deleted: the storage as discovered */
} Journal;

typedef struct {
    scDiscoverSink sink;    /* first: the sink's callbacks get this */
    scConnect *conn;
    scActivePool *ap;
    scReconcileStats *stats;
    scConnectProgress progress;
    scProgress backend_progress;
    const char *old_token;  /* the last complete refresh's */
    char *token;            /* the backend's, this time */
    bool token_given;       /* the first call was made (the one compared) */
    bool unchanged;         /* the token says so: nothing more to do */
    bool have_info;         /* the backend gave the pool's sizes: info */
    bool keep_info;         /* ... or said the recorded ones still hold */
    scStoragePoolInfo info;
    bool walking;           /* the walk of the catalog's rows has begun */
    bool have_row;          /* ... and row is valid */
    scCatalogVolSig row;
    const char *last;       /* the entry before, to check the order */
    char *last_buf;
    size_t last_alloc;
    Journal *journals;      /* of the pool (few: the operations in flight) */
    size_t njournals;
    bool prune;             /* forget the pool's missing volumes */
    bool history;           /* identities are kept for the pool's UUID */
    size_t known;           /* rows of the pool in the snapshot */
    unsigned int version;   /* the snapshot's data version */
    bool fresh;             /* nobody wrote to the catalog since the snapshot */
    bool of_start;          /* the first refresh of a start (with its hook) */
    scRecSpool records;
    scPoolSizes sizes;      /* the backend's, read after its discovery */
    bool have_sizes;        /* ... unless they follow an unchanged token */
} Refresh;

/* Every so many entries, tell the progress callback. */
#define PROGRESS_EVERY 4096
/* From this many records on, a refresh writes in a bulk transaction. */
#define BULK_MIN 512

static int
journal_add(const scCatalogJournal *cj, void *opaque)
{
    Refresh *c = opaque;
    Journal *j = reallocarray(c->journals, c->njournals + 1, sizeof(*j));

    if (!j) {
        scReportOOM();
        return -1;
    }
    c->journals = j;
    j = &j[c->njournals];
    memset(j, 0, sizeof(*j));
    scVolRecordInit(&j->rec);
    if (!(j->name = scStrdup(cj->name)))
        return -1;
    c->njournals++;
    j->id = cj->id;
    snprintf(j->uuid, sizeof(j->uuid), "%s", cj->uuid);
    j->state = cj->state;
    j->pid = cj->pid;
    j->start = cj->start;
    j->live = j->state != SC_STORAGE_VOL_STATE_INCOMPLETE &&
              scJournalLive(cj->pid, cj->start, cj->same_boot, cj->uuid);
    memcpy(j->ident, cj->ident, j->ident_len = cj->ident_len);
    return 0;
}

static Journal *
journal_find(const Refresh *c, const char *name)
{
    for (size_t i = 0; i < c->njournals; i++)
        if (strcmp(c->journals[i].name, name) == 0)
            return &c->journals[i];
    return NULL;
}

static bool
is_journal(int state)
{
    return state == SC_STORAGE_VOL_STATE_CREATING || state == SC_STORAGE_VOL_STATE_DELETING;
}

/* Move the walk of the catalog's rows on. */
static int
walk_next(Refresh *c)
{
    int r = scCatalogVolSigNext(c->conn->catalog, &c->row);

    c->have_row = r > 0;
    if (r > 0)
        c->known++;
    return r < 0 ? -1 : 0;
}

/* A row whose name storage no longer has. A create or delete whose
 * process is gone is finished (its row dropped), as is an incomplete row;
 * a present volume is noted gone (missing, unless it turns up renamed). */
static int
row_gone(Refresh *c)
{
    scCatalog *cat = c->conn->catalog;

    if (is_journal(c->row.state) || c->row.state == SC_STORAGE_VOL_STATE_INCOMPLETE) {
        const Journal *j = journal_find(c, c->row.name);
        return j && !j->live ? scCatalogScanStaleGone(cat, j->id) : 0;
    }
    if (c->row.state == SC_STORAGE_VOL_STATE_PRESENT)
        return scCatalogScanGone(cat, c->ap->row.uuid, c->row.name);
    return 0;
}

/* The rows before @name (all of them when NULL) are gone. */
static int
gone_before(Refresh *c, const char *name)
{
    while (c->have_row && (!name || strcmp(c->row.name, name) < 0))
        if (row_gone(c) < 0 || walk_next(c) < 0)
            return -1;
    return 0;
}

/* Begin the walk of the pool's rows, at the first entry: a refresh that
 * the token ends never reads them. */
static int
walk_start(Refresh *c)
{
    scCatalog *cat = c->conn->catalog;

    if (c->walking)
        return 0;
    if (scCatalogScanBegin(cat) < 0 ||
        scCatalogVolJournals(cat, c->ap->row.uuid, journal_add, c) < 0 ||
        scCatalogVolSigOpen(cat, c->ap->row.uuid) < 0)
        return -1;
    c->walking = true;
    return walk_next(c);
}

/* Does the row of the same name as entry (@sig) need the record? */
static int
compare(Refresh *c, const void *sig, size_t sig_len)
{
    if (is_journal(c->row.state)) {
        /* A create or delete whose process is gone, its storage there: the
         * record takes its row over. Live ones are their process's. */
        const Journal *j = journal_find(c, c->row.name);
        if (!j || j->live)
            return 0;
        return scCatalogScanStalePresent(c->conn->catalog, j->id) < 0 ? -1 : WANT_KNOWN;
    }
    if ((c->row.state != SC_STORAGE_VOL_STATE_PRESENT &&
         c->row.state != SC_STORAGE_VOL_STATE_INCOMPLETE) ||
        c->row.sig_len != sig_len || sig_len == 0 || memcmp(c->row.sig, sig, sig_len) != 0)
        return WANT_KNOWN;
    return 0;
}

/* What a refresh deletes of a stale create's storage: the record as
 * discovered (its name, type and identity), copied. 0 or -1. */
static int
copy_for_delete(const scVolRecord *rec, scVolRecord *copy)
{
    scVolRecordClear(copy);
    copy->type = rec->type;
    scVolRecordSetIdent(copy, rec->ident, rec->ident_len);
    scVolRecordSetSig(copy, rec->sig, rec->sig_len);
    if (!(copy->name = scStrdup(rec->name)) || !(copy->key = scStrdup(rec->key)) ||
        !(copy->path = scStrdup(rec->path)) ||
        (rec->format && !(copy->format = scStrdup(rec->format)))) {
        scVolRecordClear(copy);
        return -1;
    }
    return 0;
}

static int
sink_token(scDiscoverSink *sink, const char *token)
{
    Refresh *c = (Refresh *) sink;

    free(c->token);
    if (!(c->token = scStrdup(token)) && token)
        return -1;
    /* A second call: storage as the discovery left it, to record. */
    if (c->token_given)
        return 1;
    c->token_given = true;
    c->unchanged = token && c->old_token && strcmp(token, c->old_token) == 0;
    return c->unchanged ? 0 : 1;
}

static int
sink_entry(scDiscoverSink *sink, const char *name, const void *sig, size_t sig_len)
{
    Refresh *c = (Refresh *) sink;
    size_t len = strlen(name) + 1;
    int want = WANT_NEW;

    if (c->last && strcmp(c->last, name) >= 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INTERNAL_ERROR,
                      "pool '%s': its backend reported '%s' after '%s', out of order",
                      c->ap->row.name, name, c->last);
        return -1;
    }
    if (len > c->last_alloc) {
        char *b = realloc(c->last_buf, len);
        if (!b) {
            scReportOOM();
            return -1;
        }
        c->last_buf = b;
        c->last_alloc = len;
    }
    c->last = memcpy(c->last_buf, name, len);
    if (walk_start(c) < 0)
        return -1;
    if (++c->stats->scanned % PROGRESS_EVERY == 0 &&
        scConnectProgressReport(&c->progress, c->stats->scanned, 0) < 0)
        return -1;
    if (gone_before(c, name) < 0)
        return -1;
    if (c->have_row && strcmp(c->row.name, name) == 0) {
        want = compare(c, sig, sig_len);
        if (want < 0 || walk_next(c) < 0)
            return -1;
    }
    return want;
}

static int
sink_record(scDiscoverSink *sink, const scVolRecord *rec, int want)
{
    Refresh *c = (Refresh *) sink;

    Journal *j;

    if (!rec->name || !rec->key || !rec->path) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INTERNAL_ERROR,
                      "pool '%s': its backend recorded a volume without a name, key or path",
                      c->ap->row.name);
        return -1;
    }
    /* The storage of a create whose process died: its own partial work
     * when it has the identity the create journaled. */
    if (want == WANT_KNOWN && (j = journal_find(c, rec->name)) &&
        j->state == SC_STORAGE_VOL_STATE_CREATING && !j->live && j->ident_len > 0 &&
        rec->ident_len == j->ident_len && memcmp(rec->ident, j->ident, j->ident_len) == 0) {
        if (copy_for_delete(rec, &j->rec) < 0)
            return -1;
        j->partial = true;
    }
    return scRecSpoolPut(&c->records, rec, want);
}

static int
sink_pool_info(scDiscoverSink *sink, const scStoragePoolInfo *info)
{
    Refresh *c = (Refresh *) sink;

    if (!info && !c->unchanged) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INTERNAL_ERROR,
                      "pool '%s': its backend kept the pool's sizes of a pool that changed",
                      c->ap->row.name);
        return -1;
    }
    if (info) {
        c->info = *info;
        c->have_info = true;
    }
    c->keep_info = !info;
    return 0;
}

/* Phases 1 and 2, inside the read snapshot: discover and compare, then
 * the pool's sizes, while the backend still holds what it read. */
static int
discover(Refresh *c)
{
    scCatalog *cat = c->conn->catalog;
    const scActivePool *ap = c->ap;
    int r = 0;

    if (ap->be->attach && ap->be->attach(&c->ap->ctx) < 0)
        return -1;
    r = ap->be->discover(&c->ap->ctx, &c->sink);
    if (r == 0 && c->have_info) {
        /* The discovery handed the sizes over (scSinkPoolInfo): no second
         * look at storage. */
        c->sizes.info = c->info;
        c->have_sizes = true;
    } else if (r == 0 && !c->keep_info && !(c->unchanged && ap->be->sizes_follow_token)) {
        r = scReconcileReadSizes(c->ap, &c->sizes);
        c->have_sizes = r == 0;
    }
    if (ap->be->detach)
        ap->be->detach(&c->ap->ctx);
    /* The rows after the last entry are gone (all of them if there was
     * none). */
    if (r == 0 && !c->unchanged && (walk_start(c) < 0 || gone_before(c, NULL) < 0))
        r = -1;
    if (c->walking)
        scCatalogVolSigClose(cat);
    return r == SC_BACKEND_UNREACHABLE ? r : r < 0 ? -1 : 0;
}

/*
 * Between the snapshot and the write, with no transaction open: delete
 * the storage of each interrupted create that is its own partial work,
 * through the backend. Each journal is taken over first in a short
 * transaction, if it is still the stale one the snapshot showed, so that
 * a second refresh at the same time leaves it to this one. A delete that
 * fails leaves the storage, which the write records as incomplete.
 */
static int
remove_partials(Refresh *c)
{
    scCatalog *cat = c->conn->catalog;
    const scBackend *be = c->ap->be;

    for (size_t i = 0; i < c->njournals; i++) {
        Journal *j = &c->journals[i];
        int r;
        if (!j->partial)
            continue;
        if (scCatalogBegin(cat) < 0)
            return -1;
        r = scCatalogVolClaim(cat, j->id, j->pid, j->start);
        if (scCatalogEnd(cat, r >= 0) < 0 || r < 0)
            return -1;
        if (r == 0)
            continue; /* another process's now */
        j->claimed = true;
        scJournalBegin(j->uuid);
        scTestPoint("refresh:claimed");
        if (!be->vol_delete) {
            j->why = scStrdup("its backend cannot delete volumes");
        } else if (be->vol_delete(&c->ap->ctx, &j->rec, 0) < 0) {
            j->why = scStrdup(scGetLastErrorMessage());
            scResetLastError();
        } else {
            j->removed = true;
        }
        scTestPoint("refresh:removed");
    }
    return 0;
}

/* Phase 3: the row of a create found with storage: dropped when this
 * refresh deleted its partial storage, else kept as incomplete with what
 * storage holds. A journal live now (another process took it over since
 * the snapshot) is left alone. 0 or -1. */
static int
apply_create(Refresh *c, const scCatalogVol *row, const scCatalogVolData *d)
{
    scCatalog *cat = c->conn->catalog;
    const scActivePool *ap = c->ap;
    const Journal *j = journal_find(c, row->name);
    _cleanup_free_ char *detail = NULL;

    if (j && j->claimed && j->removed) {
        c->stats->abandoned++;
        return scCatalogVolDelete(cat, row->uuid) < 0 ||
                       scCatalogVolEventAdd(cat, c->conn->actor, ap->row.uuid, ap->row.name,
                                            row->uuid, row->name, "vol-create-abandoned",
                                            "interrupted: its partial storage was removed") < 0
                   ? -1
                   : 0;
    }
    if (!(j && j->claimed) &&
        scJournalLive(row->op_pid, row->op_start, row->op_this_boot, row->uuid))
        return 0;
    if (!(detail = j && j->claimed
                       ? scAsprintf("interrupted: its partial storage could not be removed: %s",
                                    j->why ? j->why : "?")
                       : scStrdup("interrupted: storage storcat cannot tell is its own")))
        return -1;
    c->stats->incomplete++;
    return scCatalogVolUpdateRow(cat, row, d) < 0 ||
                   scCatalogVolSetState(cat, row->uuid, SC_STORAGE_VOL_STATE_INCOMPLETE) < 0 ||
                   scCatalogVolEventAdd(cat, c->conn->actor, ap->row.uuid, ap->row.name,
                                        row->uuid, row->name, "vol-create-incomplete",
                                        detail) < 0
               ? -1
               : 0;
}

/* The UUID of a volume new to the pool: the one a volume of the same key
 * had before the pool was undefined (@history: some are kept), else a new
 * one. 1 an old one, 0 a new one, -1. */
static int
new_uuid(scConnect *conn, const char *pool_uuid, const char *key, bool history, char *uuid)
{
    unsigned char raw[SC_UUID_BUFLEN];
    int r;

    if (history && (r = scCatalogHistoryTake(conn->catalog, pool_uuid, key, uuid)) != 0)
        return r;
    scUUIDGenerate(raw);
    scUUIDFormat(raw, uuid);
    return 0;
}

/* Does a live operation of another process (or of another thread of
 * this one) hold the volume of @row? */
static int
busy(const scCatalogVol *row)
{
    return row->op && scJournalLive(row->op_pid, row->op_start, row->op_this_boot, row->uuid);
}

/* Have @row and record @d each an identity, and do they differ? */
static bool
ident_differs(const scCatalogVol *row, const scCatalogVolData *d)
{
    return row->ident_len > 0 && d->ident_len > 0 &&
           (row->ident_len != d->ident_len || memcmp(row->ident, d->ident, d->ident_len) != 0);
}

/* Is missing volume @row, whose name storage shows again, or the volume
 * of an interrupted delete, another volume than record @d, by the
 * backend's identity? */
static bool
other_volume(const scCatalogVol *row, const scCatalogVolData *d)
{
    return (row->state == SC_STORAGE_VOL_STATE_MISSING ||
            row->state == SC_STORAGE_VOL_STATE_DELETING) &&
           ident_differs(row, d);
}

/* A row of @ap's pool whose key is @key, under a name other than @name:
 * the backend says a volume's key is unique on the host (an LV's UUID), so
 * a new name with the key of a known volume is that volume renamed (while
 * it was missing, say, or found by a lookup of its new path). 1 found
 * (free for the caller to take over: present or missing, no operation
 * holds it; its UUID in @uuid and its old name in *@old_name), 0 none,
 * -1 error. */
static int
find_renamed_by_key(scCatalog *cat, const scActivePool *ap, const char *key, const char *name,
                    char *uuid, char **old_name)
{
    scCatalogVol row;
    int r = scCatalogVolGetByKey(cat, ap->row.uuid, key, &row);

    if (r > 0) {
        r = strcmp(row.name, name) != 0 &&
            (row.state == SC_STORAGE_VOL_STATE_PRESENT ||
             row.state == SC_STORAGE_VOL_STATE_MISSING) && !busy(&row);
        if (r) {
            snprintf(uuid, SC_UUID_STRING_BUFLEN, "%s", row.uuid);
            *old_name = TAKE_PTR(row.name);
        }
        scCatalogVolClear(&row);
    }
    return r;
}

/* What a rename of volume @uuid (known before as @old_name) to record @d
 * changed, its row read as it was (under @old_name: a row set aside has
 * another now): into *@changes. 0 or -1. */
static int
renamed_changes(scCatalog *cat, const char *uuid, const char *old_name, const scCatalogVolData *d,
                char **changes)
{
    scCatalogVol old;
    int r = scCatalogVolGet(cat, SC_VOL_BY_UUID, uuid, &old);
    char *name;

    if (r > 0 && old_name) {
        if ((name = scStrdup(old_name))) {
            free(old.name);
            old.name = name;
        } else {
            r = -1;
        }
    }
    if (r >= 0)
        r = scVolChanges(r > 0 ? &old : NULL, old_name, d, changes);
    scCatalogVolClear(&old);
    return r;
}

/* Phase 3, in the write transaction: one record. A name the snapshot
 * did not know is inserted without a lookup by name, unless another
 * connection wrote to the catalog since the snapshot. */
static int
apply_record(Refresh *c, const scCatalogVolData *d, int want, bool any_gone)
{
    scCatalog *cat = c->conn->catalog;
    const scActivePool *ap = c->ap;
    char uuid[SC_UUID_STRING_BUFLEN];
    _cleanup_free_ char *old_name = NULL;
    _cleanup_free_ char *detail = NULL;
    _cleanup_free_ char *changes = NULL;
    const char *action;
    scCatalogVol row;
    int r;

    if (want == WANT_KNOWN || !c->fresh) {
        if ((r = scCatalogVolGetByName(cat, ap->row.uuid, d->name, &row)) < 0)
            return -1;
        if (r > 0) {
            /* A create or delete that began after the snapshot (or is
             * still running), or an operation running on the volume, is
             * its process's business. */
            if ((is_journal(row.state) && (r = scCatalogScanIsStalePresent(cat, row.id)) <= 0) ||
                (r = busy(&row)) != 0) {
                scCatalogVolClear(&row);
                return r > 0 ? 0 : r;
            }
            /* An interrupted create never becomes a volume. */
            if (row.state == SC_STORAGE_VOL_STATE_CREATING) {
                r = apply_create(c, &row, d);
                scCatalogVolClear(&row);
                return r;
            }
            /* The name shows another volume than the row's: a missing
             * volume's name taken by another volume of the pool, renamed
             * onto it (a partition number given to another partition when
             * its table was rewritten), or an interrupted delete that went
             * through (a partition renumbered onto the deleted one's name):
             * the row goes, and the record is that volume renamed, or a new
             * one. A missing volume's new identity alone is the volume back
             * (a file restored from a copy). A present volume keeps its UUID
             * whatever its identity says (a file rewritten in place), unless
             * a volume that moved (scCatalogScanMoveAside) took its name. */
            bool taken = row.state == SC_STORAGE_VOL_STATE_PRESENT && ident_differs(&row, d);
            if (other_volume(&row, d) || taken) {
                bool deleting = row.state == SC_STORAGE_VOL_STATE_DELETING;
                r = any_gone ? scCatalogScanFindRenamed(cat, ap->row.uuid, d->ident, d->ident_len,
                                                        taken, uuid, &old_name)
                             : 0;
                free(old_name);
                old_name = NULL;
                if (r > 0 || (r == 0 && deleting)) {
                    r = scCatalogVolDelete(cat, row.uuid) < 0 ||
                                scCatalogVolEventAdd(
                                    cat, c->conn->actor, ap->row.uuid, ap->row.name, row.uuid,
                                    row.name, deleting ? "vol-delete" : "vol-purged",
                                    deleting ? SC_RECONCILE_INTERRUPTED
                                             : "its name was taken by another volume") < 0
                            ? -1
                            : 1;
                    if (r > 0)
                        c->stats->purged++;
                }
                if (r != 0) {
                    scCatalogVolClear(&row);
                    if (r < 0)
                        return -1;
                    goto new_name;
                }
            }
            snprintf(uuid, sizeof(uuid), "%s", row.uuid);
            action = row.state == SC_STORAGE_VOL_STATE_MISSING    ? "vol-reappeared"
                     : row.state == SC_STORAGE_VOL_STATE_DELETING ? "vol-delete-interrupted"
                                                                  : "vol-changed";
            if (row.state == SC_STORAGE_VOL_STATE_MISSING)
                c->stats->reappeared++;
            else
                c->stats->changed++;
            /* What changed, old row against new record. */
            r = scVolChanges(&row, NULL, d, &changes);
            if (r >= 0)
                r = scCatalogVolUpdateRow(cat, &row, d);
            scCatalogVolClear(&row);
            if (r < 0)
                return -1;
            goto event;
        }
    }
new_name:
    /* A new name: a volume renamed (the backend's identity of a name gone,
     * or the key of a volume the pool had before this refresh), or a new
     * volume. */
    if ((any_gone && (r = scCatalogScanFindRenamed(cat, ap->row.uuid, d->ident, d->ident_len,
                                                   false, uuid, &old_name)) != 0) ||
        (c->known > 0 &&
         (r = find_renamed_by_key(cat, ap, d->key, d->name, uuid, &old_name)) != 0)) {
        if (r < 0 || renamed_changes(cat, uuid, old_name, d, &changes) < 0 ||
            scCatalogVolUpdate(cat, uuid, d) < 0 ||
            !(detail = scAsprintf("renamed from '%s'", old_name)))
            return -1;
        action = "vol-renamed";
        c->stats->renamed++;
    } else {
        if ((r = new_uuid(c->conn, ap->row.uuid, d->key, c->history, uuid)) < 0 ||
            scCatalogVolInsert(cat, ap->row.id, uuid, SC_STORAGE_VOL_STATE_PRESENT, d) < 0)
            return -1;
        c->stats->added++;
        if (r > 0)
            c->stats->restored++;
        /* A pool's first inventory is one event for the refresh. */
        if (c->fresh && c->known == 0)
            return 0;
        action = "vol-discovered";
        if ((r > 0 && !(detail = scStrdup("with the UUID it had before its pool was undefined"))) ||
            scVolChanges(NULL, NULL, d, &changes) < 0)
            return -1;
    }
event:
    return scCatalogVolEventAddChanges(cat, c->conn->actor, ap->row.uuid, ap->row.name, uuid,
                                       d->name, action, detail, changes);
}

/* Before the records are applied: each one's name and identity, then the
 * rows that moved set aside (partitions renumbered: p6 is now p5, p7 p6),
 * so that each record finds its row by identity in any order. Not for a
 * pool's first inventory (no row to move), nor when storage changed
 * nothing. */
static int
move_aside(Refresh *c, bool *any_gone)
{
    scCatalog *cat = c->conn->catalog;
    scCatalogVolData d;
    bool moved;
    int want, r;

    if (c->known == 0 || c->records.count == 0)
        return 0;
    scRecSpoolRewind(&c->records);
    while ((r = scRecSpoolNext(&c->records, &d, &want)) > 0)
        if (d.ident_len > 0 && scCatalogScanFound(cat, d.name, d.ident, d.ident_len) < 0)
            return -1;
    if (r < 0 || scCatalogScanMoveAside(cat, c->ap->row.uuid, &moved) < 0)
        return -1;
    *any_gone = *any_gone || moved;
    return 0;
}

/* After: a row set aside that no record took (its storage's record went
 * elsewhere) has lost its name to another volume: purged. */
static int
purge_unclaimed(Refresh *c)
{
    scCatalog *cat = c->conn->catalog;
    const scActivePool *ap = c->ap;
    char uuid[SC_UUID_STRING_BUFLEN];
    char *was;
    int r;

    while ((r = scCatalogScanUnclaimed(cat, ap->row.uuid, uuid, &was)) > 0) {
        r = scCatalogVolDelete(cat, uuid) < 0 ||
                    scCatalogVolEventAdd(cat, c->conn->actor, ap->row.uuid, ap->row.name, uuid, was,
                                         "vol-purged", "its name was taken by another volume") < 0
                ? -1
                : 0;
        free(was);
        if (r < 0)
            return -1;
        c->stats->purged++;
    }
    return r;
}

static int
apply(Refresh *c)
{
    scCatalog *cat = c->conn->catalog;
    const scActivePool *ap = c->ap;
    unsigned long long done = 0, total = c->records.count;
    scCatalogVolData d;
    bool any_gone;
    int want, r;

    if (scCatalogScanAnyGone(cat, &any_gone) < 0 || move_aside(c, &any_gone) < 0)
        return -1;
    scRecSpoolRewind(&c->records);
    while ((r = scRecSpoolNext(&c->records, &d, &want)) > 0) {
        if (apply_record(c, &d, want, any_gone) < 0)
            return -1;
        scTestPoint("refresh:record");
        if (++done % PROGRESS_EVERY == 0 &&
            scConnectProgressReport(&c->progress, c->stats->scanned + done,
                                    c->stats->scanned + total) < 0)
            return -1;
    }
    if (r < 0 || purge_unclaimed(c) < 0 ||
        scCatalogScanMarkGone(cat, ap->row.uuid, ap->row.name, c->conn->actor, "vol-missing",
                              "gone from storage", &c->stats->missing) < 0 ||
        scCatalogScanDropStale(cat, ap->row.uuid, ap->row.name, c->conn->actor,
                               "vol-create-abandoned", "vol-delete", SC_RECONCILE_INTERRUPTED,
                               &c->stats->purged) < 0)
        return -1;
    return 0;
}

/* In the write transaction: forget the pool's missing volumes (asked for
 * with SC_STORAGE_POOL_REFRESH_PRUNE), even when nothing else changed. */
static int
prune(Refresh *c)
{
    if (!c->prune)
        return 0;
    return scCatalogScanPruneMissing(c->conn->catalog, c->ap->row.uuid, c->ap->row.name,
                                     c->conn->actor, "vol-forget",
                                     "forgotten by a pruning refresh: its storage was gone",
                                     &c->stats->forgotten);
}

static void
refresh_clear(Refresh *c)
{
    for (size_t i = 0; i < c->njournals; i++) {
        Journal *j = &c->journals[i];
        if (j->claimed)
            scJournalEnd(j->uuid);
        free(j->name);
        free(j->why);
        scVolRecordClear(&j->rec);
    }
    free(c->journals);
    free(c->token);
    free(c->last_buf);
    scRecSpoolClear(&c->records);
    scPoolSizesClear(&c->sizes);
}

/* A degraded pool whose storage answered again is running. */
static int
recovered(Refresh *c)
{
    scCatalog *cat = c->conn->catalog;
    scCatalogPool row;
    int r;

    if (c->ap->row.state != SC_STORAGE_POOL_DEGRADED)
        return 0;
    if ((r = scCatalogPoolGet(cat, SC_POOL_BY_UUID, c->ap->row.uuid, &row)) <= 0)
        return r;
    r = 0;
    if (row.state == SC_STORAGE_POOL_DEGRADED &&
        (scCatalogPoolSetState(cat, c->ap->row.uuid, SC_STORAGE_POOL_RUNNING) < 0 ||
         scCatalogEventAdd(cat, c->conn->actor, c->ap->row.uuid, c->ap->row.name,
                           "pool-recovered", "storage answered a refresh again") < 0))
        r = -1;
    scCatalogPoolClear(&row);
    return r;
}

/* The refresh's own event. A refresh asked for is always one
 * "pool-refresh" event (what libvirt's REFRESH event reports), saying
 * what changed: the counts storcat always gave, then the others that are
 * not zero; the refresh of a start is part of the start (libvirt's
 * STARTED alone): a "pool-start-refresh" event when it changed anything. */
static int
refresh_event(Refresh *c)
{
    const scReconcileStats *st = c->stats;
    const struct {
        unsigned long long n;
        const char *what;
    } more[] = {
        { st->restored, "with their old UUID" },
        { st->abandoned, "interrupted creates removed" },
        { st->incomplete, "incomplete" },
        { st->forgotten, "forgotten" },
    };
    _cleanup_free_ char *detail = NULL;
    bool changed = st->added || st->changed || st->renamed || st->missing || st->reappeared ||
                   st->purged || st->abandoned || st->incomplete || st->forgotten;

    if (!changed && c->of_start)
        return 0;
    if (!changed)
        detail = scStrdup("unchanged");
    else
        detail = scAsprintf("%llu scanned, %llu new, %llu changed, %llu renamed, "
                            "%llu missing, %llu reappeared",
                            st->scanned, st->added, st->changed, st->renamed, st->missing,
                            st->reappeared);
    if (!detail)
        return -1;
    for (size_t i = 0; i < SC_N_ELEMENTS(more); i++) {
        char *longer;
        if (!more[i].n)
            continue;
        if (!(longer = scAsprintf("%s, %llu %s", detail, more[i].n, more[i].what)))
            return -1;
        free(detail);
        detail = longer;
    }
    return scCatalogEventAdd(c->conn->catalog, c->conn->actor, c->ap->row.uuid, c->ap->row.name,
                             c->of_start ? "pool-start-refresh" : "pool-refresh", detail);
}

/* A refresh found the pool's storage unreachable: record the pool
 * degraded (its inventory kept), with an event naming the cause, unless
 * it is so already. Best effort: the refresh's error is kept. */
static void
mark_degraded(scConnect *conn, scActivePool *ap)
{
    const scError *why = scGetLastError();
    _cleanup_free_ char *detail =
        scStrdup(why && why->message ? why->message : "storage unreachable");
    scErrorSaved *saved = scErrorSave();
    scCatalog *cat = conn->catalog;
    scCatalogPool row;
    bool ok = false;

    if (detail && scCatalogBegin(cat) == 0) {
        int r = scCatalogPoolGet(cat, SC_POOL_BY_UUID, ap->row.uuid, &row);
        ok = r >= 0;
        if (r > 0 && row.state == SC_STORAGE_POOL_RUNNING)
            ok = scCatalogPoolSetState(cat, ap->row.uuid, SC_STORAGE_POOL_DEGRADED) == 0 &&
                 scCatalogEventAdd(cat, conn->actor, ap->row.uuid, ap->row.name,
                                   "pool-degraded", detail) == 0;
        if (r > 0)
            scCatalogPoolClear(&row);
        scCatalogEnd(cat, ok);
    }
    scErrorRestore(&saved);
}

int
scReconcilePool(scConnect *conn, scActivePool *ap, bool prune_missing, scReconcileHook hook,
                void *opaque, scReconcileStats *stats)
{
    Refresh c = {
        .sink = { sink_token, sink_entry, sink_record, NULL, sink_pool_info },
        .conn = conn,
        .ap = ap,
        .stats = stats,
        .progress = { conn, "refresh" },
        .of_start = hook != NULL,
        .prune = prune_missing,
    };
    scCatalog *cat = conn->catalog;
    _cleanup_free_ char *old_token = NULL;
    unsigned int version;
    bool ok = false, unreachable = false;
    int r = 0;

    memset(stats, 0, sizeof(*stats));
    c.backend_progress = (scProgress) { scConnectProgressReport, &c.progress };
    c.sink.progress = &c.backend_progress;
    scRecSpoolInit(&c.records);
    if (!ap->be->discover) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "pool '%s': '%s' pools cannot be refreshed yet", ap->row.name,
                      ap->row.type);
        return -1;
    }
    /* Phases 1 and 2 read one snapshot, taken before the backend looks
     * (reading the token starts it): a volume another process records
     * meanwhile is not in it, so it cannot be taken for gone. */
    if (scCatalogReadBegin(cat) < 0)
        goto out;
    if (scCatalogPoolGetToken(cat, ap->row.uuid, &old_token) < 0 ||
        scCatalogDataVersion(cat, &c.version) < 0 ||
        (c.old_token = old_token, r = discover(&c)) < 0) {
        unreachable = r == SC_BACKEND_UNREACHABLE;
        scCatalogReadEnd(cat, false);
        goto out;
    }
    if (scCatalogReadEnd(cat, true) < 0)
        goto out;
    scTestPoint("refresh:discovered");
    /* Sizes that follow an unchanged token are the recorded ones. */
    if (!c.have_sizes)
        c.sizes.info = (scStoragePoolInfo) { .capacity = ap->row.capacity,
                                             .allocation = ap->row.allocation,
                                             .available = ap->row.available };
    if (remove_partials(&c) < 0)
        goto out;

    /* Phase 3: apply the difference in one short write transaction; the
     * token is stored last (the triggers cleared it on every volume
     * write). Only many records are worth a bulk transaction: its pragmas
     * make SQLite prepare every statement again afterwards. */
    if ((c.records.count >= BULK_MIN ? scCatalogBeginBulk(cat) : scCatalogBegin(cat)) < 0)
        goto out;
    if (scCatalogDataVersion(cat, &version) < 0)
        goto end;
    /* Another connection wrote since the snapshot (a volume journaled
     * meanwhile, say): the token would vouch for what this refresh did not
     * compare, so none is stored and the next refresh compares. */
    c.fresh = version == c.version;
    /* Identities kept for the pool's UUID: a new volume may get one back. */
    r = c.unchanged ? 0 : scCatalogHistoryAny(cat, ap->row.uuid);
    if (r < 0)
        goto end;
    c.history = r > 0;
    if ((hook && hook(conn, opaque) < 0) || scCatalogRefreshBegin(cat) < 0 ||
        (!c.unchanged && apply(&c) < 0) || prune(&c) < 0 ||
        (c.have_sizes ? scReconcileStoreSizes(conn, ap, &c.sizes)
                      : scCatalogPoolSetSizes(cat, ap->row.uuid, &c.sizes.info)) < 0 ||
        recovered(&c) < 0 ||
        scCatalogPoolSetToken(cat, ap->row.uuid, c.fresh ? c.token : NULL) < 0 ||
        refresh_event(&c) < 0)
        goto end;
    scTestPoint("refresh:applied");
    ok = true;
end:
    scCatalogRefreshEnd(cat);
    if (scCatalogEnd(cat, ok) < 0)
        ok = false;
    /* Done and committed: a callback asking to stop now changes nothing. */
    if (ok && scConnectProgressReport(&c.progress, stats->scanned, stats->scanned) < 0)
        scResetLastError();
out:
    refresh_clear(&c);
    /* Storage did not answer: a running pool is degraded, not emptied;
     * not so the first refresh of a start (@hook), which fails as a whole. */
    if (unreachable && !hook)
        mark_degraded(conn, ap);
    return ok ? 0 : unreachable ? SC_BACKEND_UNREACHABLE : -1;
}

/* ---- one volume --------------------------------------------------------- */

int
scReconcileProbe(scActivePool *ap, const char *name, scVolRecord *rec)
{
    scVolRecordInit(rec);
    return ap->be->vol_probe(&ap->ctx, name, rec);
}

int
scReconcileRecord(scConnect *conn, scActivePool *ap, const char *name, int found,
                  const scVolRecord *rec, bool owner, const char *action, const char *detail,
                  char *uuid)
{
    scCatalog *cat = conn->catalog;
    _cleanup_free_ char *old_name = NULL;
    _cleanup_free_ char *renamed = NULL;
    _cleanup_free_ char *changes = NULL;
    scCatalogVol row;
    scCatalogVolData data;
    int r;

    if ((r = scCatalogVolGetByName(cat, ap->row.uuid, name, &row)) < 0)
        return -1;
    if (r > 0)
        snprintf(uuid, SC_UUID_STRING_BUFLEN, "%s", row.uuid);
    /* Another operation on the volume records it when it ends. */
    if (r > 0 && !owner && busy(&row)) {
        r = 1;
        goto out;
    }
    if (!found) {
        /* Gone: a known volume is marked missing (its journal ended); an
         * unknown one stays unknown. */
        if (r > 0 && row.state == SC_STORAGE_VOL_STATE_PRESENT &&
            (scCatalogVolSetOp(cat, row.uuid, NULL) < 0 ||
             scCatalogVolSetState(cat, row.uuid, SC_STORAGE_VOL_STATE_MISSING) < 0 ||
             scChangesOne("state", "present", "missing", &changes) < 0 ||
             scCatalogVolEventAddChanges(cat, conn->actor, ap->row.uuid, ap->row.name, row.uuid,
                                         name, "vol-missing", "gone from storage", changes) < 0))
            r = -1;
        else
            r = 0;
        goto out;
    }
    scVolRecordToData(rec, &data);
    if (r == 0 && rec->key &&
        (r = find_renamed_by_key(cat, ap, rec->key, name, uuid, &old_name)) != 0) {
        /* A volume renamed behind the catalog's back: it keeps its UUID. */
        if (r < 0 || !(detail = renamed = scAsprintf("renamed from '%s'", old_name))) {
            r = -1;
            goto out;
        }
        action = "vol-renamed";
        r = renamed_changes(cat, uuid, old_name, &data, &changes) < 0
                ? -1
                : scCatalogVolUpdate(cat, uuid, &data);
    } else if (r > 0) {
        if (row.state == SC_STORAGE_VOL_STATE_MISSING)
            action = "vol-reappeared";
        /* What changed: the row as it was against what storage says. */
        r = scVolChanges(&row, NULL, &data, &changes) < 0 ? -1
                                                          : scCatalogVolUpdateRow(cat, &row, &data);
    } else if ((r = new_uuid(conn, ap->row.uuid, rec->key, true, uuid)) >= 0) {
        r = scVolChanges(NULL, NULL, &data, &changes) < 0
                ? -1
                : scCatalogVolInsert(cat, ap->row.id, uuid, SC_STORAGE_VOL_STATE_PRESENT, &data);
    }
    if (r == 0)
        r = scCatalogVolEventAddChanges(cat, conn->actor, ap->row.uuid, ap->row.name, uuid, name,
                                        action, detail, changes);
    r = r < 0 ? -1 : 1;
out:
    scCatalogVolClear(&row);
    return r;
}
