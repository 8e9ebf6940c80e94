/*
 * fake_backend.h: a backend for the contract tests (tests/test_contract.c)
 * that holds the core to backends/backend.h.
 *
 * It is two things in one table. With no inner backend it is a pool type of
 * its own whose storage lives in this process's memory: pools keyed by
 * name, volumes with a stable numeric id, sizes, a format and a generation,
 * which a test can also change behind storcat's back. Given an inner
 * backend (a real one: dir, iscsi-direct, logical, disk) it is a proxy that
 * passes every call on, with exactly the slots and flags that backend has.
 * Either way it counts each slot's calls and the sink calls discover makes,
 * fails the Nth call of a chosen slot on request, and at the entry of every
 * slot checks from a connection of its own that nobody holds the catalog's
 * write lock: storage work must never run inside a write transaction.
 *
 * Tests register it with scBackendOverride(SC_POOL_DIR, fakeBackend()) so
 * that <pool type='dir'> pools use it. One process, one fake: the control
 * block is global, as the override is.
 */
#ifndef SC_FAKE_BACKEND_H
#define SC_FAKE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/backend.h"

/* The slots, in the order of scBackend. */
typedef enum {
    FAKE_CHECK,
    FAKE_BUILD,
    FAKE_START,
    FAKE_STOP,
    FAKE_DELETE,
    FAKE_POOL_INFO,
    FAKE_POOL_FREE_EXTENTS, /* a proxy's only, when its inner backend has it */
    FAKE_FIND_SOURCES,
    FAKE_ATTACH,
    FAKE_DETACH,
    FAKE_DISCOVER,
    FAKE_VOL_PROBE,
    FAKE_VOL_LOOKUP_PATH,
    FAKE_VOL_PLAN,
    FAKE_VOL_BUILD,
    FAKE_VOL_BUILD_FROM,
    FAKE_VOL_DELETE,
    FAKE_VOL_RESIZE,
    FAKE_VOL_WIPE,
    FAKE_VOL_UPLOAD,
    FAKE_VOL_DOWNLOAD,
    FAKE_SLOT_LAST
} FakeSlot;

/* The fixed capacity pool_info reports for every in-memory pool. */
#define FAKE_POOL_CAPACITY (1ULL << 40)

/*
 * The control block. Tests read the counters and set the failure, the
 * start delay and the catalog; fakeReset() zeroes it all.
 */
typedef struct {
    const scBackend *inner;             /* NULL: in-memory storage; else the proxied backend */
    unsigned int calls[FAKE_SLOT_LAST]; /* calls of each slot */
    unsigned int sink_tokens;           /* scSinkToken calls made by discover */
    unsigned int sink_entries;          /* scSinkEntry calls made by discover */
    unsigned int sink_records;          /* scSinkRecord calls made by discover */
    unsigned int sink_pool_infos;       /* scSinkPoolInfo calls made by discover */
    struct {
        int slot;           /* a FakeSlot to fail, or -1 for none */
        int nth;            /* fail its nth call from now (1: the next) */
        int step;           /* 0: before doing anything; 1: after doing the
                                          work and undoing it (in-memory storage only) */
        unsigned int fired; /* injected failures so far */
    } fail;
    bool delete_changes_others;  /* vol_delete (in-memory) says it changed other volumes */
    const char *second_token;    /* discover (in-memory) gives it as its token again, after
                                    the first, as one that changed what its token covers */
    unsigned int start_delay_ms; /* start sleeps this long before its work */
    int start_notify_fd;         /* start writes one byte here on entry, or -1 */
    char *catalog;               /* the catalog under test (for the lock check) */
    unsigned int locked_calls;   /* slot calls made while the catalog was write-locked */
    char locked_slots[256];      /* their slot names, for the failure message */
} FakeControl;

extern FakeControl fake;

/*
 * fakeReset:
 * Forget all storage and counters; proxy @inner (NULL: in-memory storage);
 * check the write lock of catalog @catalog (copied; NULL: no check). The
 * table fakeBackend() returns is rebuilt: as a proxy it has exactly the
 * optional slots @inner has, so the core sees the same capabilities.
 */
void fakeReset(const scBackend *inner, const char *catalog);
/* Free the storage, the catalog path and the lock-check connection. */
void fakeClose(void);
/* The table to register with scBackendOverride. */
const scBackend *fakeBackend(void);

/* Fail the @nth call of @slot from now at @step (see FakeControl). */
void fakeFailAt(FakeSlot slot, int nth, int step);
/* Zero the call and sink counters (not the failure, nor the lock count). */
void fakeCountsClear(void);
/* All slot calls counted so far. */
unsigned int fakeCallsTotal(void);
/* Whether the table has @slot (a proxy lacks what its inner backend lacks). */
bool fakeHasSlot(FakeSlot slot);
/* "vol_build", ...: the slot's field name in scBackend. */
const char *fakeSlotName(FakeSlot slot);
/* The message an injected failure of @slot reports (static buffer). */
const char *fakeInjectedMessage(FakeSlot slot);

/* ---- the in-memory storage, behind storcat's back ------------------------ */

/* Make a volume (raw, fully allocated) in pool @pool, building the pool's
 * storage record if needed; its id, or 0 if @name exists. */
unsigned long long fakeVolAdd(const char *pool, const char *name, unsigned long long capacity);
/* Remove, rename (keeping the id) or resize a volume: 0, or -1 if absent
 * (or, for a rename, if @to exists). */
int fakeVolRemove(const char *pool, const char *name);
int fakeVolRename(const char *pool, const char *from, const char *to);
int fakeVolResize(const char *pool, const char *name, unsigned long long capacity);
size_t fakeVolCount(const char *pool);
bool fakeVolHas(const char *pool, const char *name);
/* The volume's id and capacity (0 if absent). */
unsigned long long fakeVolId(const char *pool, const char *name);
unsigned long long fakeVolCapacity(const char *pool, const char *name);
bool fakePoolBuilt(const char *pool);
bool fakePoolStarted(const char *pool);
/*
 * fakeStorageSnapshot:
 * All storage as text (pools in name order with their built and started
 * flags, volumes with every field), for comparing before and after an
 * operation. Pool generations are left out: they only feed the change
 * token. Returns a malloc'ed string.
 */
char *fakeStorageSnapshot(void);

#endif /* SC_FAKE_BACKEND_H */
