/*
 * fake_backend.c: the contract tests' backend (see fake_backend.h).
 *
 * Every slot begins with enter(): count the call, check that the catalog
 * is not write-locked, and decide whether an injected failure is due. Then
 * a proxy passes the call on; the in-memory backend does the work on its
 * pools, kept in an array in this process. A failure injected "at step 1"
 * lets the slot do its work, puts the pool back as it was from a copy
 * taken before, and fails: the backend that did something and undid it.
 *
 * The in-memory storage behaves as backend.h asks of a real one: build
 * says whether it made the pool, start fails on storage not built, delete
 * refuses a started or non-empty pool, discover reports a change token and
 * its volumes in strcmp order, a volume keeps its id (its key, identity and
 * alias) across renames, and each volume operation checks that the record
 * the core passes is the one storage has.
 */
#include <config.h>

#include <poll.h>
#include <sqlite3.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "fake_backend.h"

FakeControl fake = { .fail = { .slot = -1 }, .start_notify_fd = -1 };

static const char *const slot_names[FAKE_SLOT_LAST] = {
    "check",
    "build",
    "start",
    "stop",
    "delete_pool",
    "pool_info",
    "pool_free_extents",
    "find_sources",
    "attach",
    "detach",
    "discover",
    "vol_probe",
    "vol_lookup_path",
    "vol_plan",
    "vol_build",
    "vol_build_from",
    "vol_delete",
    "vol_resize",
    "vol_wipe",
    "vol_upload",
    "vol_download",
};

const char *
fakeSlotName(FakeSlot slot)
{
    return slot < FAKE_SLOT_LAST ? slot_names[slot] : "?";
}

const char *
fakeInjectedMessage(FakeSlot slot)
{
    static char buf[128];

    snprintf(buf, sizeof(buf), "fake backend: injected failure in %s", fakeSlotName(slot));
    return buf;
}

/* ---- the in-memory storage ------------------------------------------------ */

typedef struct {
    char *name;
    unsigned long long id; /* stable across renames: key, identity, alias */
    unsigned long long capacity;
    unsigned long long allocation;
    char *format;
    unsigned long long gen;  /* bumped by every change of the volume */
    unsigned long long data; /* a digest of what was uploaded; 0 when wiped */
} FakeVol;

typedef struct {
    char *name;
    bool built;
    bool started;
    unsigned long long gen; /* bumped by every change: the change token */
    FakeVol *vols;          /* in strcmp order of names */
    size_t nvols;
} FakePool;

static FakePool *pools;
static size_t npools;
static unsigned long long next_id = 1;

static void
vol_clear(FakeVol *v)
{
    free(v->name);
    free(v->format);
}

static void
pool_clear(FakePool *p)
{
    for (size_t i = 0; i < p->nvols; i++)
        vol_clear(&p->vols[i]);
    free(p->vols);
    free(p->name);
    memset(p, 0, sizeof(*p));
}

/* A deep copy of @p into @copy (for step 1: put the pool back). */
static void
pool_copy(const FakePool *p, FakePool *copy)
{
    *copy = *p;
    copy->name = strdup(p->name);
    copy->vols = calloc(p->nvols + 1, sizeof(*copy->vols));
    assert(copy->name && copy->vols);
    for (size_t i = 0; i < p->nvols; i++) {
        copy->vols[i] = p->vols[i];
        copy->vols[i].name = strdup(p->vols[i].name);
        copy->vols[i].format = strdup(p->vols[i].format);
        assert(copy->vols[i].name && copy->vols[i].format);
    }
}

/* The pool named @name; made (not built) when @make, else NULL if unknown. */
static FakePool *
pool_get(const char *name, bool make)
{
    FakePool *p;

    for (size_t i = 0; i < npools; i++)
        if (strcmp(pools[i].name, name) == 0)
            return &pools[i];
    if (!make)
        return NULL;
    p = reallocarray(pools, npools + 1, sizeof(*p));
    assert(p);
    pools = p;
    p = &pools[npools++];
    memset(p, 0, sizeof(*p));
    p->name = strdup(name);
    assert(p->name);
    return p;
}

static FakeVol *
vol_find(FakePool *p, const char *name)
{
    for (size_t i = 0; p && i < p->nvols; i++)
        if (strcmp(p->vols[i].name, name) == 0)
            return &p->vols[i];
    return NULL;
}

static FakeVol *
vol_find_id(FakePool *p, unsigned long long id)
{
    for (size_t i = 0; p && i < p->nvols; i++)
        if (p->vols[i].id == id)
            return &p->vols[i];
    return NULL;
}

/* Insert @v (taking its strings) in name order; a pointer to it there. */
static FakeVol *
vol_insert(FakePool *p, const FakeVol *v)
{
    FakeVol *vols = reallocarray(p->vols, p->nvols + 1, sizeof(*vols));
    size_t i = 0;

    assert(vols);
    p->vols = vols;
    while (i < p->nvols && strcmp(p->vols[i].name, v->name) < 0)
        i++;
    memmove(&p->vols[i + 1], &p->vols[i], (p->nvols - i) * sizeof(*vols));
    p->vols[i] = *v;
    p->nvols++;
    p->gen++;
    return &p->vols[i];
}

static void
vol_remove(FakePool *p, FakeVol *v)
{
    size_t i = (size_t) (v - p->vols);

    vol_clear(v);
    memmove(&p->vols[i], &p->vols[i + 1], (p->nvols - i - 1) * sizeof(*v));
    p->nvols--;
    p->gen++;
}

static void
vol_changed(FakePool *p, FakeVol *v)
{
    v->gen++;
    p->gen++;
}

/* A new volume of @p (not inserted): strings owned by the result. */
static FakeVol
vol_new(const char *name, unsigned long long capacity, unsigned long long allocation,
        const char *format)
{
    FakeVol v = {
        .name = strdup(name),
        .id = next_id++,
        .capacity = capacity,
        .allocation = allocation < capacity ? allocation : capacity,
        .format = strdup(format ? format : "raw"),
        .gen = 1,
    };

    assert(v.name && v.format);
    return v;
}

/* The pool @def names, reported unless it is started. */
static FakePool *
started_pool(const char *name)
{
    FakePool *p = pool_get(name, false);

    if (!p || !p->started) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID, "fake pool '%s' is not started",
                      name);
        return NULL;
    }
    return p;
}

/* The volume @rec names in @p, checked against the record the core kept:
 * its key must be the one storage gives it. Reported if not. */
static FakeVol *
recorded_vol(FakePool *p, const scVolRecord *rec)
{
    FakeVol *v = vol_find(p, rec->name);
    char key[40];

    if (!v) {
        scReportError(SC_FROM_STORAGE, SC_ERR_NO_STORAGE_VOL, "fake pool '%s' has no volume '%s'",
                      p->name, rec->name);
        return NULL;
    }
    snprintf(key, sizeof(key), "fake:%llu", v->id);
    if (!rec->key || strcmp(rec->key, key) != 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INTERNAL_ERROR,
                      "fake volume '%s': the core passed key '%s', storage has '%s'", rec->name,
                      rec->key ? rec->key : "(null)", key);
        return NULL;
    }
    return v;
}

/* Fill @rec as vol_probe reports volume @v of pool @p. */
static int
vol_record(const FakePool *p, const FakeVol *v, scVolRecord *rec)
{
    unsigned long long sig[3] = { v->id, v->capacity, v->gen };
    char buf[64];

    scVolRecordInit(rec);
    rec->type = SC_STORAGE_VOL_FILE;
    rec->capacity = v->capacity;
    rec->allocation = v->allocation;
    rec->physical = v->allocation;
    scVolRecordSetSig(rec, sig, sizeof(sig));
    scVolRecordSetIdent(rec, &v->id, sizeof(v->id));
    snprintf(buf, sizeof(buf), "fake:%llu", v->id);
    if (!(rec->name = scStrdup(v->name)) || !(rec->key = scStrdup(buf)) ||
        !(rec->path = scAsprintf("/fake/%s/%s", p->name, v->name)) ||
        !(rec->format = scStrdup(v->format)))
        goto error;
    snprintf(buf, sizeof(buf), "/fake/%s/by-id/%llu", p->name, v->id);
    if (scVolRecordAddAlias(rec, buf) < 0 || scVolRecordSetAttrNum(rec, "fake_id", v->id) < 0)
        goto error;
    return 0;
error:
    scVolRecordClear(rec);
    return -1;
}

unsigned long long
fakeVolAdd(const char *pool, const char *name, unsigned long long capacity)
{
    FakePool *p = pool_get(pool, true);
    FakeVol v;

    if (vol_find(p, name))
        return 0;
    v = vol_new(name, capacity, capacity, "raw");
    return vol_insert(p, &v)->id;
}

int
fakeVolRemove(const char *pool, const char *name)
{
    FakePool *p = pool_get(pool, false);
    FakeVol *v = vol_find(p, name);

    if (!v)
        return -1;
    vol_remove(p, v);
    return 0;
}

int
fakeVolRename(const char *pool, const char *from, const char *to)
{
    FakePool *p = pool_get(pool, false);
    FakeVol *v = vol_find(p, from), moved;

    if (!v || vol_find(p, to))
        return -1;
    moved = *v;
    moved.name = strdup(to);
    assert(moved.name);
    moved.format = strdup(v->format);
    assert(moved.format);
    vol_remove(p, v);
    vol_insert(p, &moved);
    return 0;
}

int
fakeVolResize(const char *pool, const char *name, unsigned long long capacity)
{
    FakePool *p = pool_get(pool, false);
    FakeVol *v = vol_find(p, name);

    if (!v)
        return -1;
    v->capacity = capacity;
    if (v->allocation > capacity)
        v->allocation = capacity;
    vol_changed(p, v);
    return 0;
}

size_t
fakeVolCount(const char *pool)
{
    FakePool *p = pool_get(pool, false);

    return p ? p->nvols : 0;
}

bool
fakeVolHas(const char *pool, const char *name)
{
    return vol_find(pool_get(pool, false), name) != NULL;
}

unsigned long long
fakeVolId(const char *pool, const char *name)
{
    FakeVol *v = vol_find(pool_get(pool, false), name);

    return v ? v->id : 0;
}

unsigned long long
fakeVolCapacity(const char *pool, const char *name)
{
    FakeVol *v = vol_find(pool_get(pool, false), name);

    return v ? v->capacity : 0;
}

bool
fakePoolBuilt(const char *pool)
{
    FakePool *p = pool_get(pool, false);

    return p && p->built;
}

bool
fakePoolStarted(const char *pool)
{
    FakePool *p = pool_get(pool, false);

    return p && p->started;
}

static int
cmp_pool(const void *a, const void *b)
{
    return strcmp((*(FakePool *const *) a)->name, (*(FakePool *const *) b)->name);
}

char *
fakeStorageSnapshot(void)
{
    FakePool **sorted = calloc(npools + 1, sizeof(*sorted));
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);

    assert(sorted && out);
    for (size_t i = 0; i < npools; i++)
        sorted[i] = &pools[i];
    qsort(sorted, npools, sizeof(*sorted), cmp_pool);
    for (size_t i = 0; i < npools; i++) {
        const FakePool *p = sorted[i];
        /* Known but never built: as if absent. */
        if (!p->built && !p->started && p->nvols == 0)
            continue;
        fprintf(out, "pool %s built=%d started=%d\n", p->name, p->built, p->started);
        for (size_t j = 0; j < p->nvols; j++) {
            const FakeVol *v = &p->vols[j];
            fprintf(out,
                    "  vol %s id=%llu capacity=%llu allocation=%llu format=%s gen=%llu"
                    " data=%llx\n",
                    v->name, v->id, v->capacity, v->allocation, v->format, v->gen, v->data);
        }
    }
    fclose(out);
    free(sorted);
    return buf;
}

/* ---- the control block, the lock check, failures ------------------------- */

static sqlite3 *lock_db; /* this process's connection for the lock check */
static pid_t lock_db_pid;
/* A parent's connection, after fork: not ours to use or close, but kept
 * reachable (volatile: a store nobody reads is not optimized away). */
static sqlite3 *volatile inherited_db;
static scBackend table;

static void
lock_db_close(void)
{
    if (lock_db && lock_db_pid == getpid())
        sqlite3_close(lock_db);
    lock_db = NULL;
}

/* Try to take the catalog's write lock at once from a connection of our
 * own: SQLITE_BUSY means another connection holds it while a slot runs. */
static void
check_lock(FakeSlot slot)
{
    int rc;

    if (!fake.catalog)
        return;
    if (lock_db && lock_db_pid != getpid()) {
        inherited_db = lock_db;
        lock_db = NULL;
    }
    if (!lock_db) {
        if (sqlite3_open_v2(fake.catalog, &lock_db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
            sqlite3_close(lock_db);
            lock_db = NULL;
            return;
        }
        sqlite3_busy_timeout(lock_db, 0);
        lock_db_pid = getpid();
    }
    rc = sqlite3_exec(lock_db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
        size_t used = strlen(fake.locked_slots);
        fake.locked_calls++;
        snprintf(fake.locked_slots + used, sizeof(fake.locked_slots) - used, "%s%s",
                 used ? " " : "", fakeSlotName(slot));
    } else if (rc == SQLITE_OK) {
        sqlite3_exec(lock_db, "ROLLBACK", NULL, NULL, NULL);
    }
}

static int
report_injected(FakeSlot slot)
{
    scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED, "%s", fakeInjectedMessage(slot));
    return -1;
}

/*
 * The entry of every slot: count, check the lock, and tell whether a
 * failure is due: -1 failed now (reported), 0 go on, 1 do the work, undo
 * it and fail (step 1; a proxy fails at once instead).
 */
static int
enter(FakeSlot slot)
{
    fake.calls[slot]++;
    check_lock(slot);
    if (fake.fail.slot != (int) slot || fake.fail.nth <= 0 || --fake.fail.nth > 0)
        return 0;
    fake.fail.slot = -1;
    fake.fail.fired++;
    if (fake.fail.step == 0 || fake.inner)
        return report_injected(slot);
    return 1;
}

/* Step 1 of a slot that changed @p: put it back from @saved, then fail. */
static int
undo_and_fail(FakePool *p, FakePool *saved, FakeSlot slot)
{
    pool_clear(p);
    *p = *saved;
    return report_injected(slot);
}

/* ---- pool slots ------------------------------------------------------------ */

static int
fake_check(const scPoolDef *def, bool *active)
{
    int inj = enter(FAKE_CHECK);

    if (inj < 0)
        return -1;
    if (fake.inner)
        return fake.inner->check(def, active);
    *active = fakePoolStarted(def->name);
    return inj ? report_injected(FAKE_CHECK) : 0;
}

static int
fake_build(const scPoolDef *def, unsigned int flags)
{
    int inj = enter(FAKE_BUILD);
    FakePool *p, saved;

    if (inj < 0)
        return -1;
    if (fake.inner)
        return fake.inner->build(def, flags);
    p = pool_get(def->name, true);
    if (p->built) {
        if (flags & SC_STORAGE_POOL_BUILD_NO_OVERWRITE) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                          "fake pool '%s' is built already", def->name);
            return -1;
        }
        return inj ? report_injected(FAKE_BUILD) : 0;
    }
    pool_copy(p, &saved);
    p->built = true;
    p->gen++;
    if (inj)
        return undo_and_fail(p, &saved, FAKE_BUILD);
    pool_clear(&saved);
    return 1;
}

/* Sleep @ms milliseconds, whatever signals come. */
static void
sleep_ms(unsigned int ms)
{
    struct timespec ts = { ms / 1000, (long) (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static int
fake_start(const scPoolDef *def, scPoolRuntime *rt)
{
    int inj = enter(FAKE_START);
    char dir[512];
    FakePool *p;
    bool was;

    if (inj < 0)
        return -1;
    if (fake.start_notify_fd >= 0) {
        ssize_t w;
        do
            w = write(fake.start_notify_fd, "s", 1);
        while (w < 0 && errno == EINTR);
    }
    if (fake.start_delay_ms)
        sleep_ms(fake.start_delay_ms);
    if (fake.inner)
        return fake.inner->start(def, rt);
    p = pool_get(def->name, true);
    if (!p->built) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "fake pool '%s' is not built: build it first", def->name);
        return -1;
    }
    was = p->started;
    p->started = true;
    snprintf(dir, sizeof(dir), "/fake/%s", def->name);
    if (!(rt->state = scAsprintf("fake:%s", def->name)) || scPoolRuntimeAddDir(rt, dir) < 0)
        goto error;
    snprintf(dir, sizeof(dir), "/fake/%s/by-id", def->name);
    if (scPoolRuntimeAddDir(rt, dir) < 0)
        goto error;
    if (inj) {
        report_injected(FAKE_START);
        goto error;
    }
    return 0;
error:
    p->started = was;
    scPoolRuntimeClear(rt);
    return -1;
}

static int
fake_stop(const scPoolDef *def, const scPoolRuntime *rt)
{
    int inj = enter(FAKE_STOP);
    FakePool *p;
    bool was;

    if (inj < 0)
        return -1;
    if (fake.inner)
        return fake.inner->stop(def, rt);
    if (!(p = pool_get(def->name, false)))
        return inj ? report_injected(FAKE_STOP) : 0;
    was = p->started;
    p->started = false;
    if (inj) {
        p->started = was;
        return report_injected(FAKE_STOP);
    }
    return 0;
}

static int
fake_delete(const scPoolDef *def, unsigned int flags)
{
    int inj = enter(FAKE_DELETE);
    FakePool *p, saved;

    if (inj < 0)
        return -1;
    if (fake.inner)
        return fake.inner->delete_pool(def, flags);
    p = pool_get(def->name, false);
    if (!p || !p->built) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID, "fake pool '%s' is not built",
                      def->name);
        return -1;
    }
    if (p->started || p->nvols > 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "fake pool '%s' is %s: it cannot be deleted", def->name,
                      p->started ? "started" : "not empty");
        return -1;
    }
    pool_copy(p, &saved);
    p->built = false;
    p->gen++;
    if (inj)
        return undo_and_fail(p, &saved, FAKE_DELETE);
    pool_clear(&saved);
    return 0;
}

static int
fake_pool_info(const scPoolCtx *pool, scStoragePoolInfo *info)
{
    int inj = enter(FAKE_POOL_INFO);
    unsigned long long alloc = 0;
    FakePool *p;

    if (inj < 0)
        return -1;
    if (fake.inner)
        return fake.inner->pool_info(pool, info);
    if (!(p = started_pool(pool->def->name)))
        return -1;
    for (size_t i = 0; i < p->nvols; i++)
        alloc += p->vols[i].allocation;
    info->capacity = FAKE_POOL_CAPACITY;
    info->allocation = alloc;
    info->available = FAKE_POOL_CAPACITY - alloc;
    return inj ? report_injected(FAKE_POOL_INFO) : 0;
}

/* The in-memory storage has no extents: only a proxy has this slot. */
static int
fake_pool_free_extents(const scPoolCtx *pool, scFreeExtents *free_extents)
{
    int inj = enter(FAKE_POOL_FREE_EXTENTS);

    if (inj < 0)
        return -1;
    assert(fake.inner);
    return fake.inner->pool_free_extents(pool, free_extents);
}

static int
fake_find_sources(const char *srcspec, unsigned int flags, char **xml)
{
    int inj = enter(FAKE_FIND_SOURCES);

    if (inj < 0)
        return -1;
    if (fake.inner)
        return fake.inner->find_sources(srcspec, flags, xml);
    if (inj)
        return report_injected(FAKE_FIND_SOURCES);
    *xml = scStrdup("<sources>\n  <source>\n    <name>fake</name>\n  </source>\n</sources>\n");
    return *xml ? 0 : -1;
}

static int
fake_attach(scPoolCtx *pool)
{
    int inj = enter(FAKE_ATTACH);

    if (inj < 0)
        return -1;
    if (fake.inner)
        return fake.inner->attach(pool);
    return inj ? report_injected(FAKE_ATTACH) : 0;
}

static void
fake_detach(scPoolCtx *pool)
{
    enter(FAKE_DETACH);
    if (fake.inner)
        fake.inner->detach(pool);
}

/* ---- discovery ------------------------------------------------------------- */

/* The core's sink behind one that counts what the backend hands over. */
typedef struct {
    scDiscoverSink sink; /* first: the callbacks get this */
    scDiscoverSink *core;
} CountingSink;

static int
count_token(scDiscoverSink *sink, const char *token)
{
    fake.sink_tokens++;
    return scSinkToken(((CountingSink *) sink)->core, token);
}

static int
count_entry(scDiscoverSink *sink, const char *name, const void *sig, size_t sig_len)
{
    fake.sink_entries++;
    return scSinkEntry(((CountingSink *) sink)->core, name, sig, sig_len);
}

static int
count_record(scDiscoverSink *sink, const scVolRecord *rec, int want)
{
    fake.sink_records++;
    return scSinkRecord(((CountingSink *) sink)->core, rec, want);
}

/* The sizes a discovery hands over (NULL: unchanged), passed on: the core
 * then does not call the pool_info slot. */
static int
count_pool_info(scDiscoverSink *sink, const scStoragePoolInfo *info)
{
    fake.sink_pool_infos++;
    return scSinkPoolInfo(((CountingSink *) sink)->core, info);
}

/* The in-memory pool's volumes to @sink: the token, then each entry in
 * name order, each wanted record right after its entry. */
static int
mem_discover(const scPoolCtx *pool, scDiscoverSink *sink)
{
    FakePool *p = started_pool(pool->def->name);
    char token[40];
    int r;

    if (!p)
        return -1;
    snprintf(token, sizeof(token), "gen:%llu", p->gen);
    if ((r = scSinkToken(sink, token)) <= 0)
        return r;
    if (fake.second_token && scSinkToken(sink, fake.second_token) < 0)
        return -1;
    for (size_t i = 0; i < p->nvols; i++) {
        const FakeVol *v = &p->vols[i];
        unsigned long long sig[3] = { v->id, v->capacity, v->gen };
        scVolRecord rec;
        int want = scSinkEntry(sink, v->name, sig, sizeof(sig));

        if (want < 0)
            return -1;
        if (want == 0)
            continue;
        if (vol_record(p, v, &rec) < 0)
            return -1;
        r = scSinkRecord(sink, &rec, want);
        scVolRecordClear(&rec);
        if (r < 0)
            return -1;
    }
    return 0;
}

static int
fake_discover(const scPoolCtx *pool, scDiscoverSink *sink)
{
    CountingSink counting = {
        .sink = { count_token, count_entry, count_record, sink->progress, count_pool_info },
        .core = sink,
    };
    int inj = enter(FAKE_DISCOVER);

    if (inj < 0)
        return -1;
    if (fake.inner)
        return fake.inner->discover(pool, &counting.sink);
    if (mem_discover(pool, &counting.sink) < 0)
        return -1;
    return inj ? report_injected(FAKE_DISCOVER) : 0;
}

static int
fake_vol_probe(const scPoolCtx *pool, const char *name, scVolRecord *rec)
{
    int inj = enter(FAKE_VOL_PROBE);
    FakePool *p;
    FakeVol *v;

    if (inj < 0)
        return -1;
    if (fake.inner)
        return fake.inner->vol_probe(pool, name, rec);
    if (!(p = started_pool(pool->def->name)))
        return -1;
    if (!(v = vol_find(p, name)))
        return inj ? report_injected(FAKE_VOL_PROBE) : 0;
    if (vol_record(p, v, rec) < 0)
        return -1;
    if (inj) {
        scVolRecordClear(rec);
        return report_injected(FAKE_VOL_PROBE);
    }
    return 1;
}

/* "/fake/POOL/NAME" names NAME; "/fake/POOL/by-id/ID" the volume of id ID. */
static int
fake_vol_lookup_path(const scPoolCtx *pool, const char *path, char **name)
{
    int inj = enter(FAKE_VOL_LOOKUP_PATH);
    _cleanup_free_ char *prefix = NULL;
    const char *rest;
    FakeVol *v = NULL;

    if (inj < 0)
        return -1;
    if (fake.inner)
        return fake.inner->vol_lookup_path(pool, path, name);
    if (!(prefix = scAsprintf("/fake/%s/", pool->def->name)))
        return -1;
    *name = NULL;
    if (strncmp(path, prefix, strlen(prefix)) != 0)
        return inj ? report_injected(FAKE_VOL_LOOKUP_PATH) : 0;
    rest = path + strlen(prefix);
    if (strncmp(rest, "by-id/", 6) == 0) {
        char *end;
        unsigned long long id = strtoull(rest + 6, &end, 10);
        if (rest[6] && !*end)
            v = vol_find_id(pool_get(pool->def->name, false), id);
        if (!v)
            return inj ? report_injected(FAKE_VOL_LOOKUP_PATH) : 0;
        rest = v->name;
    } else if (!*rest || strchr(rest, '/')) {
        return inj ? report_injected(FAKE_VOL_LOOKUP_PATH) : 0;
    }
    if (inj)
        return report_injected(FAKE_VOL_LOOKUP_PATH);
    return (*name = scStrdup(rest)) ? 1 : -1;
}

/* ---- volume slots ---------------------------------------------------------- */

static int
fake_vol_plan(const scPoolCtx *pool, const scVolDef *vol, scVolRecord *plan)
{
    int inj = enter(FAKE_VOL_PLAN);

    if (inj < 0)
        return -1;
    if (fake.inner)
        return fake.inner->vol_plan(pool, vol, plan);
    plan->type = vol->type;
    if (!(plan->name = scStrdup(vol->name)) ||
        !(plan->key = scAsprintf("fake:planned:%s", vol->name)) ||
        !(plan->path = scAsprintf("/fake/%s/%s", pool->def->name, vol->name)) ||
        !(plan->format = scStrdup(vol->format ? vol->format : "raw"))) {
        scVolRecordClear(plan);
        return -1;
    }
    if (inj) {
        scVolRecordClear(plan);
        return report_injected(FAKE_VOL_PLAN);
    }
    return 0;
}

/* Make volume @vol in @p with @data (a clone's), and its record. */
static int
mem_build(FakePool *p, const scVolDef *vol, unsigned long long capacity, unsigned long long data,
          int inj, FakeSlot slot, scVolRecord *rec)
{
    FakePool saved;
    FakeVol v, *made;

    if (vol_find(p, vol->name)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_STORAGE_VOL_EXIST,
                      "fake pool '%s' has a volume '%s' already", p->name, vol->name);
        return -1;
    }
    pool_copy(p, &saved);
    v = vol_new(vol->name, capacity, vol->has_allocation ? vol->allocation : capacity, vol->format);
    v.data = data;
    made = vol_insert(p, &v);
    if (inj)
        return undo_and_fail(p, &saved, slot);
    if (vol_record(p, made, rec) < 0) {
        pool_clear(p);
        *p = saved;
        return -1;
    }
    pool_clear(&saved);
    return 0;
}

static int
fake_vol_build(const scPoolCtx *pool, const scVolDef *vol, unsigned int flags,
               const scProgress *progress, scVolRecord *rec)
{
    int inj = enter(FAKE_VOL_BUILD);
    FakePool *p;

    if (inj < 0)
        return -1;
    if (fake.inner)
        return fake.inner->vol_build(pool, vol, flags, progress, rec);
    if (!(p = started_pool(pool->def->name)))
        return -1;
    return mem_build(p, vol, vol->capacity, 0, inj, FAKE_VOL_BUILD, rec);
}

static int
fake_vol_build_from(const scPoolCtx *pool, const scVolDef *vol, const scPoolCtx *src_pool,
                    const scVolRecord *src, unsigned int flags, const scProgress *progress,
                    scVolRecord *rec)
{
    int inj = enter(FAKE_VOL_BUILD_FROM);
    FakePool *p;
    FakeVol *from;

    if (inj < 0)
        return -1;
    if (fake.inner)
        return fake.inner->vol_build_from(pool, vol, src_pool, src, flags, progress, rec);
    if (!(p = started_pool(pool->def->name)))
        return -1;
    if (!(from = vol_find(pool_get(src_pool->def->name, false), src->name))) {
        scReportError(SC_FROM_STORAGE, SC_ERR_NO_STORAGE_VOL,
                      "fake pool '%s' has no volume '%s' to clone", src_pool->def->name, src->name);
        return -1;
    }
    return mem_build(p, vol, vol->has_capacity ? vol->capacity : from->capacity, from->data, inj,
                     FAKE_VOL_BUILD_FROM, rec);
}

/* The pool and volume a volume operation works on, checked. */
static FakeVol *
op_target(const scPoolCtx *pool, const scVolRecord *vol, FakePool **p, FakePool *saved)
{
    FakeVol *v;

    if (!(*p = started_pool(pool->def->name)) || !(v = recorded_vol(*p, vol)))
        return NULL;
    pool_copy(*p, saved);
    return v;
}

static int
fake_vol_delete(const scPoolCtx *pool, const scVolRecord *vol, unsigned int flags)
{
    int inj = enter(FAKE_VOL_DELETE);
    FakePool *p, saved;
    FakeVol *v;

    if (inj < 0)
        return -1;
    if (fake.inner)
        return fake.inner->vol_delete(pool, vol, flags);
    if (!(v = op_target(pool, vol, &p, &saved)))
        return -1;
    vol_remove(p, v);
    if (inj)
        return undo_and_fail(p, &saved, FAKE_VOL_DELETE);
    pool_clear(&saved);
    return fake.delete_changes_others ? 1 : 0;
}

static int
fake_vol_resize(const scPoolCtx *pool, const scVolRecord *vol, unsigned long long capacity,
                unsigned int flags)
{
    int inj = enter(FAKE_VOL_RESIZE);
    FakePool *p, saved;
    FakeVol *v;

    if (inj < 0)
        return -1;
    if (fake.inner)
        return fake.inner->vol_resize(pool, vol, capacity, flags);
    if (!(v = op_target(pool, vol, &p, &saved)))
        return -1;
    v->capacity = capacity;
    if (v->allocation > capacity || (flags & SC_STORAGE_VOL_RESIZE_ALLOCATE))
        v->allocation = capacity;
    vol_changed(p, v);
    if (inj)
        return undo_and_fail(p, &saved, FAKE_VOL_RESIZE);
    pool_clear(&saved);
    return 0;
}

static int
fake_vol_wipe(const scPoolCtx *pool, const scVolRecord *vol, unsigned int algorithm,
              const scProgress *progress)
{
    int inj = enter(FAKE_VOL_WIPE);
    FakePool *p, saved;
    FakeVol *v;

    if (inj < 0)
        return -1;
    if (fake.inner)
        return fake.inner->vol_wipe(pool, vol, algorithm, progress);
    if (!(v = op_target(pool, vol, &p, &saved)))
        return -1;
    v->data = 0;
    vol_changed(p, v);
    if (scProgressReport(progress, v->capacity, v->capacity) < 0) {
        pool_clear(p);
        *p = saved;
        return -1;
    }
    if (inj)
        return undo_and_fail(p, &saved, FAKE_VOL_WIPE);
    pool_clear(&saved);
    return 0;
}

static int
fake_vol_upload(const scPoolCtx *pool, const scVolRecord *vol, int fd, unsigned long long offset,
                unsigned long long length, unsigned int flags, const scProgress *progress)
{
    int inj = enter(FAKE_VOL_UPLOAD);
    unsigned long long digest, done = 0;
    unsigned char buf[4096];
    FakePool *p, saved;
    FakeVol *v;

    if (inj < 0)
        return -1;
    if (fake.inner)
        return fake.inner->vol_upload(pool, vol, fd, offset, length, flags, progress);
    if (!(v = op_target(pool, vol, &p, &saved)))
        return -1;
    /* FNV-1a over the offset and the bytes: what storage now holds. */
    digest = (v->data ? v->data : 1469598103934665603ULL) ^ offset;
    while (length == 0 || done < length) {
        size_t want =
            length && length - done < sizeof(buf) ? (size_t) (length - done) : sizeof(buf);
        ssize_t n = read(fd, buf, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            scReportSystemError(SC_FROM_STORAGE, errno, "fake volume '%s': cannot read the upload",
                                vol->name);
            pool_clear(&saved);
            return -1;
        }
        if (n == 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            digest = (digest ^ buf[i]) * 1099511628211ULL;
        done += (unsigned long long) n;
    }
    v->data = digest ? digest : 1;
    vol_changed(p, v);
    if (inj)
        return undo_and_fail(p, &saved, FAKE_VOL_UPLOAD);
    pool_clear(&saved);
    return 0;
}

static int
fake_vol_download(const scPoolCtx *pool, const scVolRecord *vol, int fd, unsigned long long offset,
                  unsigned long long length, unsigned int flags, const scProgress *progress)
{
    static const char data[] = "fakedata";
    int inj = enter(FAKE_VOL_DOWNLOAD);
    FakePool *p;
    size_t n = sizeof(data) - 1;

    if (inj < 0)
        return -1;
    if (fake.inner)
        return fake.inner->vol_download(pool, vol, fd, offset, length, flags, progress);
    if (!(p = started_pool(pool->def->name)) || !recorded_vol(p, vol))
        return -1;
    if (length && length < n)
        n = (size_t) length;
    if (write(fd, data, n) != (ssize_t) n) {
        scReportSystemError(SC_FROM_STORAGE, errno, "fake volume '%s': cannot write the download",
                            vol->name);
        return -1;
    }
    return inj ? report_injected(FAKE_VOL_DOWNLOAD) : 0;
}

/* ---- the table --------------------------------------------------------------- */

static const scBackend full = {
    .version = SC_BACKEND_VERSION,
    .type = SC_POOL_DIR,
    .check = fake_check,
    .build = fake_build,
    .start = fake_start,
    .stop = fake_stop,
    .delete_pool = fake_delete,
    .pool_info = fake_pool_info,
    .pool_free_extents = fake_pool_free_extents,
    .find_sources = fake_find_sources,
    .attach = fake_attach,
    .detach = fake_detach,
    .discover = fake_discover,
    .vol_probe = fake_vol_probe,
    .vol_lookup_path = fake_vol_lookup_path,
    .vol_plan = fake_vol_plan,
    .vol_build = fake_vol_build,
    .vol_build_from = fake_vol_build_from,
    .vol_delete = fake_vol_delete,
    .vol_resize = fake_vol_resize,
    .vol_wipe = fake_vol_wipe,
    .vol_upload = fake_vol_upload,
    .vol_download = fake_vol_download,
};

/* A proxy has the optional slots its inner backend has, no more. */
#define KEEP_IF_INNER(slot)                                                                        \
 do {                                                                                              \
  if (!inner->slot)                                                                                \
   table.slot = NULL;                                                                              \
 } while (0)

void
fakeReset(const scBackend *inner, const char *catalog)
{
    fakeClose();
    memset(&fake, 0, sizeof(fake));
    fake.fail.slot = -1;
    fake.start_notify_fd = -1;
    fake.inner = inner;
    if (catalog) {
        fake.catalog = strdup(catalog);
        assert(fake.catalog);
    }
    table = full;
    table.pool_free_extents = NULL;
    if (inner) {
        table.type = inner->type;
        /* What the core may skip on the inner backend's word. */
        table.sizes_follow_token = inner->sizes_follow_token;
        table.delete_removes_volumes = inner->delete_removes_volumes;
        table.pool_free_extents = full.pool_free_extents;
        KEEP_IF_INNER(pool_free_extents);
        KEEP_IF_INNER(check);
        KEEP_IF_INNER(build);
        KEEP_IF_INNER(stop);
        KEEP_IF_INNER(delete_pool);
        KEEP_IF_INNER(pool_info);
        KEEP_IF_INNER(find_sources);
        KEEP_IF_INNER(attach);
        KEEP_IF_INNER(detach);
        KEEP_IF_INNER(discover);
        KEEP_IF_INNER(vol_lookup_path);
        KEEP_IF_INNER(vol_plan);
        KEEP_IF_INNER(vol_build);
        KEEP_IF_INNER(vol_build_from);
        KEEP_IF_INNER(vol_delete);
        KEEP_IF_INNER(vol_resize);
        KEEP_IF_INNER(vol_wipe);
        KEEP_IF_INNER(vol_upload);
        KEEP_IF_INNER(vol_download);
    }
}

void
fakeClose(void)
{
    for (size_t i = 0; i < npools; i++)
        pool_clear(&pools[i]);
    free(pools);
    pools = NULL;
    npools = 0;
    next_id = 1;
    lock_db_close();
    free(fake.catalog);
    fake.catalog = NULL;
}

const scBackend *
fakeBackend(void)
{
    return &table;
}

void
fakeFailAt(FakeSlot slot, int nth, int step)
{
    fake.fail.slot = (int) slot;
    fake.fail.nth = nth;
    fake.fail.step = step;
}

void
fakeCountsClear(void)
{
    memset(fake.calls, 0, sizeof(fake.calls));
    fake.sink_tokens = fake.sink_entries = fake.sink_records = fake.sink_pool_infos = 0;
}

unsigned int
fakeCallsTotal(void)
{
    unsigned int n = 0;

    for (int i = 0; i < FAKE_SLOT_LAST; i++)
        n += fake.calls[i];
    return n;
}

bool
fakeHasSlot(FakeSlot slot)
{
    const void *const slots[FAKE_SLOT_LAST] = {
        [FAKE_CHECK] = (const void *) table.check,
        [FAKE_BUILD] = (const void *) table.build,
        [FAKE_START] = (const void *) table.start,
        [FAKE_STOP] = (const void *) table.stop,
        [FAKE_DELETE] = (const void *) table.delete_pool,
        [FAKE_POOL_INFO] = (const void *) table.pool_info,
        [FAKE_POOL_FREE_EXTENTS] = (const void *) table.pool_free_extents,
        [FAKE_FIND_SOURCES] = (const void *) table.find_sources,
        [FAKE_ATTACH] = (const void *) table.attach,
        [FAKE_DETACH] = (const void *) table.detach,
        [FAKE_DISCOVER] = (const void *) table.discover,
        [FAKE_VOL_PROBE] = (const void *) table.vol_probe,
        [FAKE_VOL_LOOKUP_PATH] = (const void *) table.vol_lookup_path,
        [FAKE_VOL_PLAN] = (const void *) table.vol_plan,
        [FAKE_VOL_BUILD] = (const void *) table.vol_build,
        [FAKE_VOL_BUILD_FROM] = (const void *) table.vol_build_from,
        [FAKE_VOL_DELETE] = (const void *) table.vol_delete,
        [FAKE_VOL_RESIZE] = (const void *) table.vol_resize,
        [FAKE_VOL_WIPE] = (const void *) table.vol_wipe,
        [FAKE_VOL_UPLOAD] = (const void *) table.vol_upload,
        [FAKE_VOL_DOWNLOAD] = (const void *) table.vol_download,
    };

    return slot < FAKE_SLOT_LAST && slots[slot] != NULL;
}
