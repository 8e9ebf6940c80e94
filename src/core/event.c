/*
 * event.c: storage pool, volume and secret events, delivered through the
 * caller's event loop (src/util/event.c), for the changes of any process
 * on the catalog.
 *
 * The source of every event is the catalog's events table: the audit
 * trail each change writes in its own transaction. A connection with
 * registrations has one watcher (scEventState): the id of the last row it
 * read, a watch on the catalog's directory (inotify) in the event loop,
 * and a timer. Woken, it reads the rows after that id (in id order, which
 * is commit order), maps each row's action to an event (the table below)
 * and calls the matching callbacks; the callbacks of
 * scConnectAuditEventRegister get every row, whole, event or not. A
 * commit that recorded events touches the catalog file's times after it
 * is visible (src/catalog/catalog.c); SQLite's own writes to the -wal
 * file also wake the watcher, and since they come before the commit is
 * visible, such a wake re-reads once more a little later (SETTLE_MS).
 * Where inotify cannot watch the directory, the timer reads the table
 * every POLL_MS instead.
 *
 * Locks: the connection's lock serializes catalog reads as for every call;
 * the watcher's lock guards its callback list. The connection's is taken
 * first when both are needed; no callback runs with either held, so that
 * callbacks may call storcat on the same connection. A callback
 * deregistered during a dispatch is marked and dropped (its freecb called)
 * when the dispatch ends, as libvirt's object_event.c does. A dispatch
 * holds a reference to the connection (taken only while it is alive), so
 * that a callback may close it.
 */
#include <config.h>

#define SC_ENUM_SENTINELS 1

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "pool.h"
#include "reconcile.h"
#include "secret.h"
#include "volume.h"
#include "util/event.h"

/* A wake by writes to the -wal file (before their commit is visible):
 * read again this much later. */
#define SETTLE_MS 50
/* Without inotify: read the events table this often. */
#define POLL_MS 1000

/* EV_AUDIT: scConnectAuditEventRegister's, every row of the trail. */
enum { EV_POOL, EV_VOL, EV_SECRET, EV_AUDIT };

/* ---- what each action of the audit trail is --------------------------- */

typedef struct {
    const char *action;
    int kind;     /* EV_POOL, EV_VOL or EV_SECRET */
    int event_id; /* SC_STORAGE_POOL_EVENT_ID_*, SC_STORAGE_VOL_EVENT_ID_*, SC_SECRET_EVENT_ID_* */
    int type;     /* the lifecycle event */
    int detail;
} ActionEvent;

/* Actions not listed are no event: pool-autostart (libvirt has none),
 * pool-start-refresh (part of STARTED, as in libvirt), vol-create-abandoned
 * (a create that never made a volume). */
static const ActionEvent action_events[] = {
    { "pool-define", EV_POOL, SC_STORAGE_POOL_EVENT_ID_LIFECYCLE, SC_STORAGE_POOL_EVENT_DEFINED,
      0 },
    { "pool-undefine", EV_POOL, SC_STORAGE_POOL_EVENT_ID_LIFECYCLE, SC_STORAGE_POOL_EVENT_UNDEFINED,
      0 },
    { "pool-start", EV_POOL, SC_STORAGE_POOL_EVENT_ID_LIFECYCLE, SC_STORAGE_POOL_EVENT_STARTED, 0 },
    { "pool-destroy", EV_POOL, SC_STORAGE_POOL_EVENT_ID_LIFECYCLE, SC_STORAGE_POOL_EVENT_STOPPED,
      0 },
    { "pool-build", EV_POOL, SC_STORAGE_POOL_EVENT_ID_LIFECYCLE, SC_STORAGE_POOL_EVENT_CREATED, 0 },
    { "pool-delete", EV_POOL, SC_STORAGE_POOL_EVENT_ID_LIFECYCLE, SC_STORAGE_POOL_EVENT_DELETED,
      0 },
    { "pool-refresh", EV_POOL, SC_STORAGE_POOL_EVENT_ID_REFRESH, 0, 0 },
    { "vol-create", EV_VOL, SC_STORAGE_VOL_EVENT_ID_LIFECYCLE, SC_STORAGE_VOL_EVENT_CREATED,
      SC_STORAGE_VOL_EVENT_CREATED_NEW },
    { "vol-clone", EV_VOL, SC_STORAGE_VOL_EVENT_ID_LIFECYCLE, SC_STORAGE_VOL_EVENT_CREATED,
      SC_STORAGE_VOL_EVENT_CREATED_CLONED },
    { "vol-discovered", EV_VOL, SC_STORAGE_VOL_EVENT_ID_LIFECYCLE, SC_STORAGE_VOL_EVENT_CREATED,
      SC_STORAGE_VOL_EVENT_CREATED_DISCOVERED },
    { "vol-create-recovered", EV_VOL, SC_STORAGE_VOL_EVENT_ID_LIFECYCLE,
      SC_STORAGE_VOL_EVENT_CREATED, SC_STORAGE_VOL_EVENT_CREATED_RECOVERED },
    { "vol-delete", EV_VOL, SC_STORAGE_VOL_EVENT_ID_LIFECYCLE, SC_STORAGE_VOL_EVENT_DELETED,
      SC_STORAGE_VOL_EVENT_DELETED_REMOVED },
    { "vol-changed", EV_VOL, SC_STORAGE_VOL_EVENT_ID_LIFECYCLE, SC_STORAGE_VOL_EVENT_CHANGED,
      SC_STORAGE_VOL_EVENT_CHANGED_STORAGE },
    { "vol-delete-interrupted", EV_VOL, SC_STORAGE_VOL_EVENT_ID_LIFECYCLE,
      SC_STORAGE_VOL_EVENT_CHANGED, SC_STORAGE_VOL_EVENT_CHANGED_STORAGE },
    { "vol-wipe", EV_VOL, SC_STORAGE_VOL_EVENT_ID_LIFECYCLE, SC_STORAGE_VOL_EVENT_CHANGED,
      SC_STORAGE_VOL_EVENT_CHANGED_WIPED },
    { "vol-resize", EV_VOL, SC_STORAGE_VOL_EVENT_ID_LIFECYCLE, SC_STORAGE_VOL_EVENT_CHANGED,
      SC_STORAGE_VOL_EVENT_CHANGED_RESIZED },
    { "vol-upload", EV_VOL, SC_STORAGE_VOL_EVENT_ID_LIFECYCLE, SC_STORAGE_VOL_EVENT_CHANGED,
      SC_STORAGE_VOL_EVENT_CHANGED_UPLOADED },
    { "vol-missing", EV_VOL, SC_STORAGE_VOL_EVENT_ID_LIFECYCLE, SC_STORAGE_VOL_EVENT_MISSING, 0 },
    { "vol-reappeared", EV_VOL, SC_STORAGE_VOL_EVENT_ID_LIFECYCLE, SC_STORAGE_VOL_EVENT_REAPPEARED,
      0 },
    { "vol-renamed", EV_VOL, SC_STORAGE_VOL_EVENT_ID_LIFECYCLE, SC_STORAGE_VOL_EVENT_RENAMED, 0 },
    /* A secret's row names it in its detail (secret.c). */
    { "secret-define", EV_SECRET, SC_SECRET_EVENT_ID_LIFECYCLE, SC_SECRET_EVENT_DEFINED, 0 },
    { "secret-redefine", EV_SECRET, SC_SECRET_EVENT_ID_LIFECYCLE, SC_SECRET_EVENT_DEFINED, 0 },
    { "secret-undefine", EV_SECRET, SC_SECRET_EVENT_ID_LIFECYCLE, SC_SECRET_EVENT_UNDEFINED, 0 },
    { "secret-set-value", EV_SECRET, SC_SECRET_EVENT_ID_VALUE_CHANGED, 0, 0 },
};

/* The event of row @ev into @out; false if the row is none. */
static bool
event_of(const scCatalogEvent *ev, ActionEvent *out)
{
    if (!ev->action)
        return false;
    for (size_t i = 0; i < SC_N_ELEMENTS(action_events); i++) {
        if (strcmp(ev->action, action_events[i].action) != 0)
            continue;
        *out = action_events[i];
        if (out->kind == EV_SECRET)
            return ev->detail != NULL;
        if (!ev->pool_uuid || !ev->pool_name)
            return false;
        if (out->kind == EV_VOL && (!ev->vol_uuid || !ev->vol_name))
            return false;
        /* A delete a refresh completed says so in its detail. */
        if (out->type == SC_STORAGE_VOL_EVENT_DELETED && out->kind == EV_VOL && ev->detail &&
            strcmp(ev->detail, SC_RECONCILE_INTERRUPTED) == 0)
            out->detail = SC_STORAGE_VOL_EVENT_DELETED_INTERRUPTED;
        return true;
    }
    return false;
}

/* ---- registrations and the watcher ------------------------------------ */

typedef union {
    scConnectStoragePoolEventGenericCallback pool;
    scConnectStorageVolEventGenericCallback vol;
    scConnectSecretEventGenericCallback secret;
    scConnectAuditEventCallback audit;
} GenericCallback;

typedef struct {
    int id;
    int kind; /* EV_POOL, EV_VOL, EV_SECRET, EV_AUDIT */
    int event_id;
    bool filtered; /* only the events of pool (or secret) @uuid */
    char uuid[SC_UUID_STRING_BUFLEN];
    GenericCallback cb;
    void *opaque;
    scFreeCallback freecb;
    int64_t from; /* the last event id when it registered */
    bool deleted; /* deregistered during a dispatch */
} Callback;

struct scEventState {
    pthread_mutex_t lock; /* guards what follows, but @last */
    int refs;             /* the connection's, the loop's watch's and timer's,
                                    a dispatch's */
    scConnect *conn;      /* NULL once the connection let go */
    Callback *cbs;        /* in the order registered */
    size_t ncbs, cbs_cap;
    bool dispatching; /* a dispatch runs (in the loop's thread) */
    bool again;       /* woken meanwhile: read once more */
    int64_t last;     /* the last event read (the dispatch's own) */
    int fd;           /* inotify, or -1 when polling */
    int watch;        /* the loop's watch of @fd, or -1 */
    int timer;        /* the loop's timer, or -1 */
    int poll_ms;      /* the timer's period when polling, else 0 */
    char *db_name;    /* the catalog file's name in its directory */
    char *wal_name;   /* and its -wal file's */
};

typedef struct scEventState EventState;

static void
state_unref(void *opaque)
{
    EventState *st = opaque;
    int left;

    pthread_mutex_lock(&st->lock);
    left = --st->refs;
    pthread_mutex_unlock(&st->lock);
    if (left > 0)
        return;
    if (st->fd >= 0)
        close(st->fd);
    free(st->cbs);
    free(st->db_name);
    free(st->wal_name);
    pthread_mutex_destroy(&st->lock);
    free(st);
}

/* A callback's freecb, to call once no lock is held. */
typedef struct {
    scFreeCallback freecb;
    void *opaque;
} Release;

static void
release_all(Release *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (r[i].freecb)
            r[i].freecb(r[i].opaque);
    free(r);
}

/* Take out the callbacks marked deleted (all of them when @all), keeping
 * the others' order; their freecbs go to a new array *@out (the lock is
 * held). Returns how many. */
static size_t
take_callbacks(EventState *st, bool all, Release **out)
{
    size_t kept = 0, n = 0;

    *out = calloc(st->ncbs ? st->ncbs : 1, sizeof(**out));
    for (size_t i = 0; i < st->ncbs; i++) {
        Callback *cb = &st->cbs[i];
        if (!all && !cb->deleted) {
            st->cbs[kept++] = *cb;
            continue;
        }
        /* Without memory for the list the freecb is not called: a leak,
         * not a call on freed data. */
        if (*out)
            (*out)[n++] = (Release){ cb->freecb, cb->opaque };
    }
    st->ncbs = kept;
    return n;
}

/* Remove the watcher's watch and timer from the loop (their free
 * functions drop their references) and drop the connection's. */
static void
stop_watching(EventState *st)
{
    int watch, timer;

    pthread_mutex_lock(&st->lock);
    watch = st->watch;
    timer = st->timer;
    st->watch = st->timer = -1;
    pthread_mutex_unlock(&st->lock);
    if (watch > 0)
        scEventRemoveHandle(watch);
    if (timer > 0)
        scEventRemoveTimeout(timer);
    state_unref(st);
}

/* If @conn's watcher has no callback left and no dispatch runs, detach it
 * (the connection is locked) and return it, for stop_watching once
 * unlocked; else NULL. */
static EventState *
detach_if_idle(scConnect *conn)
{
    EventState *st = conn->events;
    bool idle;

    if (!st)
        return NULL;
    pthread_mutex_lock(&st->lock);
    if ((idle = st->ncbs == 0 && !st->dispatching))
        st->conn = NULL;
    pthread_mutex_unlock(&st->lock);
    if (!idle)
        return NULL;
    conn->events = NULL;
    return st;
}

/* ---- reading and dispatching ------------------------------------------ */

/* Row @ev as the public struct (borrowing its strings). */
static void
audit_event(const scCatalogEvent *ev, scAuditEvent *out)
{
    *out = (scAuditEvent){
        .id = ev->id,
        .time = ev->ts,
        .action = ev->action,
        .poolUUID = ev->pool_uuid,
        .poolName = ev->pool_name,
        .volumeUUID = ev->vol_uuid,
        .volumeName = ev->vol_name,
        .detail = ev->detail,
        .actor = ev->actor,
        .uid = ev->uid,
        .userName = ev->user_name,
        .invokerVia = ev->invoker_via,
        .invokerUID = ev->invoker_uid,
        .invokerName = ev->invoker_name,
        .pid = ev->pid,
        .program = ev->program,
        .storcatActor = ev->storcat_actor,
        .changes = ev->changes,
    };
}

/* Does callback @cb want row @ev, whose event is @ae (NULL: none but
 * the row itself) about the pool or secret @uuid? */
static bool
wants(const Callback *cb, const scCatalogEvent *ev, const ActionEvent *ae, const char *uuid)
{
    if (cb->deleted || ev->id <= cb->from)
        return false;
    if (cb->kind == EV_AUDIT)
        return true;
    return ae && cb->kind == ae->kind && cb->event_id == ae->event_id &&
           (!cb->filtered || strcmp(cb->uuid, uuid) == 0);
}

/* Call the callbacks of @st that want row @ev (its event @ae, or NULL if
 * it is none, for the audit callbacks only), in the order they
 * registered, each with the handle of its object or the row. Callbacks
 * that register meanwhile wait for the next event. Returns false if a
 * callback closed the connection: nobody but this dispatch holds it (and
 * the handle it made), so the dispatch ends. */
static bool
dispatch_one(EventState *st, scConnect *conn, const scCatalogEvent *ev, const ActionEvent *ae)
{
    scStoragePool *pool = NULL;
    scStorageVol *vol = NULL;
    scSecret *secret = NULL;
    const char *uuid = ev->pool_uuid;
    bool open = true;
    size_t n;

    /* A secret's handle, from the row: the secret may be undefined by now.
     * A row that names none is no event. */
    if (ae && ae->kind == EV_SECRET) {
        if ((secret = scSecretFromEvent(conn, ev->detail)))
            uuid = scSecretUUIDString(secret);
        else
            ae = NULL;
    }
    pthread_mutex_lock(&st->lock);
    n = st->ncbs;
    for (size_t i = 0; i < n && i < st->ncbs; i++) {
        const Callback *cb = &st->cbs[i];
        if (!wants(cb, ev, ae, uuid))
            continue;
        GenericCallback fn = cb->cb;
        void *opaque = cb->opaque;
        int kind = cb->kind;
        pthread_mutex_unlock(&st->lock);
        if (kind == EV_AUDIT) {
            scAuditEvent aev;
            audit_event(ev, &aev);
            fn.audit(conn, &aev, opaque);
        } else if (ae->kind == EV_POOL &&
                   (pool || (pool = scPoolNew(conn, ev->pool_uuid, ev->pool_name)))) {
            if (ae->event_id == SC_STORAGE_POOL_EVENT_ID_LIFECYCLE)
                ((scConnectStoragePoolEventLifecycleCallback) (void (*)(void)) fn.pool)(
                    conn, pool, ae->type, ae->detail, opaque);
            else
                fn.pool(conn, pool, opaque);
        } else if (ae->kind == EV_VOL &&
                   (vol || (vol = scVolNew(conn, ev->vol_uuid, ev->vol_name,
                                           ev->vol_key ? ev->vol_key : "")))) {
            ((scConnectStorageVolEventLifecycleCallback) (void (*)(void)) fn.vol)(
                conn, vol, ae->type, ae->detail, opaque);
        } else if (ae->kind == EV_SECRET) {
            if (ae->event_id == SC_SECRET_EVENT_ID_LIFECYCLE)
                ((scConnectSecretEventLifecycleCallback) (void (*)(void)) fn.secret)(
                    conn, secret, ae->type, ae->detail, opaque);
            else
                fn.secret(conn, secret, opaque);
        }
        /* The dispatch's reference, and the handle's: no other left. */
        if (scConnectRefsAtMost(conn, 1 + (pool != NULL) + (vol != NULL) + (secret != NULL))) {
            open = false;
            pthread_mutex_lock(&st->lock);
            break;
        }
        pthread_mutex_lock(&st->lock);
    }
    pthread_mutex_unlock(&st->lock);
    if (pool)
        scStoragePoolFree(pool);
    if (vol)
        scStorageVolFree(vol);
    if (secret)
        scSecretFree(secret);
    return open;
}

/* The end of a dispatch: drop the callbacks deregistered meanwhile, and
 * the watcher itself if none is left. */
static void
dispatch_end(EventState *st, scConnect *conn)
{
    EventState *detached;
    Release *released;
    size_t n;

    scConnectLock(conn);
    pthread_mutex_lock(&st->lock);
    st->dispatching = false;
    n = take_callbacks(st, false, &released);
    pthread_mutex_unlock(&st->lock);
    detached = conn->events == st ? detach_if_idle(conn) : NULL;
    scConnectUnlock(conn);
    release_all(released, n);
    if (detached)
        stop_watching(detached);
}

/* Read the events committed since the last one read and dispatch them;
 * a wake during a dispatch (another thread's loop, a callback running
 * the loop) makes that dispatch read once more instead. */
static void
deliver(EventState *st)
{
    _cleanup_free_ scCatalogEvent *evs = NULL;
    scConnect *conn;
    bool again, open = true;
    int n;

    pthread_mutex_lock(&st->lock);
    if (st->dispatching) {
        st->again = true;
        pthread_mutex_unlock(&st->lock);
        return;
    }
    if (!(conn = st->conn) || !scConnectTryRef(conn)) {
        pthread_mutex_unlock(&st->lock);
        return;
    }
    st->dispatching = true;
    st->refs++;
    pthread_mutex_unlock(&st->lock);

    if ((evs = calloc(SC_CATALOG_EVENT_BATCH, sizeof(*evs)))) {
        do {
            pthread_mutex_lock(&st->lock);
            st->again = false;
            pthread_mutex_unlock(&st->lock);
            do {
                scConnectLock(conn);
                n = scCatalogEventsAfter(conn->catalog, st->last, evs);
                scConnectUnlock(conn);
                if (n > 0)
                    st->last = evs[n - 1].id;
                for (int i = 0; i < n; i++) {
                    ActionEvent ae;
                    bool is_event = event_of(&evs[i], &ae);
                    if (open)
                        open = dispatch_one(st, conn, &evs[i], is_event ? &ae : NULL);
                    scCatalogEventClear(&evs[i]);
                }
            } while (open && n == SC_CATALOG_EVENT_BATCH);
            pthread_mutex_lock(&st->lock);
            again = open && st->again;
            pthread_mutex_unlock(&st->lock);
        } while (again);
    }
    /* A failed read is tried again at the next wake: nobody to tell. */
    scResetLastError();
    dispatch_end(st, conn);
    scConnectRelease(conn);
    state_unref(st);
}

/* What the inotify events waiting on @st->fd say: 0 nothing of the
 * catalog's, 1 a commit is visible (the catalog's times touched, or the
 * queue overflowed), 2 only writes that may precede a commit. */
static int
drain(EventState *st)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    int what = 0;
    ssize_t len;

    while ((len = read(st->fd, buf, sizeof(buf))) > 0) {
        for (char *p = buf; p < buf + len;) {
            const struct inotify_event *ie = (const struct inotify_event *) p;
            p += sizeof(*ie) + ie->len;
            if (ie->mask & IN_Q_OVERFLOW) {
                what = 1;
            } else if (ie->len && strcmp(ie->name, st->db_name) == 0) {
                if (ie->mask & IN_ATTRIB)
                    what = 1;
                else if (!what)
                    what = 2;
            } else if (ie->len && strcmp(ie->name, st->wal_name) == 0 && !what) {
                what = 2;
            }
        }
    }
    return what;
}

/* Set the timer to read again shortly, unless it polls already. */
static void
settle_later(EventState *st)
{
    pthread_mutex_lock(&st->lock);
    if (st->timer > 0 && !st->poll_ms)
        scEventUpdateTimeout(st->timer, SETTLE_MS);
    pthread_mutex_unlock(&st->lock);
}

static void
on_catalog_change(int watch, int fd, int events, void *opaque)
{
    EventState *st = opaque;
    int what = drain(st);

    if (!what)
        return;
    deliver(st);
    if (what == 2)
        settle_later(st);
}

static void
on_timer(int timer, void *opaque)
{
    EventState *st = opaque;

    if (!st->poll_ms)
        scEventUpdateTimeout(timer, -1);
    deliver(st);
}

/* Watch the directory of catalog @path with inotify: 0, or -1 (errno set)
 * when it cannot be watched. */
static int
watch_catalog(EventState *st, const char *path)
{
    _cleanup_free_ char *real = realpath(path, NULL);
    _cleanup_free_ char *dir = NULL;
    const char *base;
    int saved;

    if (!real && !(real = strdup(path)))
        return -1;
    base = strrchr(real, '/');
    if (!base || !(dir = strndup(real, base == real ? 1 : (size_t) (base - real))) ||
        !(st->db_name = strdup(base + 1)) || asprintf(&st->wal_name, "%s-wal", base + 1) < 0) {
        st->wal_name = NULL;
        errno = ENOMEM;
        return -1;
    }
    if ((st->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0)
        return -1;
    if (inotify_add_watch(st->fd, dir,
                          IN_ATTRIB | IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO |
                              IN_ONLYDIR) < 0) {
        saved = errno;
        close(st->fd);
        st->fd = -1;
        errno = saved;
        return -1;
    }
    return 0;
}

/* A new watcher for @conn (locked), having read up to event @last, with
 * its watch and timer in the event loop. NULL on error (reported). */
static EventState *
state_new(scConnect *conn, int64_t last)
{
    const char *env = getenv("STORCAT_EVENT_POLL_MS");
    EventState *st = scAlloc(sizeof(*st));

    if (!st)
        return NULL;
    pthread_mutex_init(&st->lock, NULL);
    st->refs = 1;
    st->conn = conn;
    st->last = last;
    st->fd = st->watch = st->timer = -1;
    if (env && *env)
        st->poll_ms = atoi(env) > 0 ? atoi(env) : POLL_MS;
    else if (watch_catalog(st, conn->path) < 0)
        st->poll_ms = POLL_MS;
    if (st->fd >= 0) {
        if ((st->watch = scEventAddHandle(st->fd, SC_EVENT_HANDLE_READABLE, on_catalog_change, st,
                                          state_unref)) < 0)
            goto fail;
        st->refs++;
    }
    if ((st->timer = scEventAddTimeout(st->poll_ms ? st->poll_ms : -1, on_timer, st, state_unref)) <
        0)
        goto fail;
    st->refs++;
    return st;

fail:
    scReportError(SC_FROM_EVENT, SC_ERR_INTERNAL_ERROR,
                  "could not add the event watch of catalog '%s' to the event loop", conn->path);
    st->conn = NULL;
    stop_watching(st);
    return NULL;
}

/* ---- the public calls --------------------------------------------------- */

/* Register @cb for the events @kind, @event_id of the pool or secret
 * @uuid only, or of all (NULL). */
static int
event_register(scConnect *conn, int kind, const char *uuid, int event_id, GenericCallback cb,
               void *opaque, scFreeCallback freecb)
{
    EventState *st, *detached = NULL;
    int64_t last;
    int id = -1;

    scConnectLock(conn);
    if (!scEventHaveImpl()) {
        scReportError(SC_FROM_EVENT, SC_ERR_INTERNAL_ERROR,
                      "could not initialize the event timer: no event loop is registered "
                      "(call scEventRegisterDefaultImpl or scEventRegisterImpl first)");
        goto out;
    }
    if (scCatalogEventLastId(conn->catalog, &last) < 0 ||
        (!(st = conn->events) && !(st = conn->events = state_new(conn, last))))
        goto out;
    pthread_mutex_lock(&st->lock);
    for (size_t i = 0; i < st->ncbs; i++) {
        const Callback *c = &st->cbs[i];
        if (!c->deleted && c->kind == kind && c->event_id == event_id &&
            memcmp(&c->cb, &cb, sizeof(cb)) == 0 && c->filtered == (uuid != NULL) &&
            (!uuid || strcmp(c->uuid, uuid) == 0)) {
            scReportError(SC_FROM_EVENT, SC_ERR_INVALID_ARG,
                          "event callback already tracked (callback %d)", c->id);
            goto unlock;
        }
    }
    if (st->ncbs == st->cbs_cap) {
        size_t cap = st->cbs_cap ? 2 * st->cbs_cap : 4;
        Callback *p = realloc(st->cbs, cap * sizeof(*p));
        if (!p) {
            scReportOOM();
            goto unlock;
        }
        st->cbs = p;
        st->cbs_cap = cap;
    }
    id = conn->event_next_id++;
    st->cbs[st->ncbs] = (Callback){
        .id = id,
        .kind = kind,
        .event_id = event_id,
        .filtered = uuid != NULL,
        .cb = cb,
        .opaque = opaque,
        .freecb = freecb,
        .from = last,
    };
    if (uuid)
        memcpy(st->cbs[st->ncbs].uuid, uuid, SC_UUID_STRING_BUFLEN);
    st->ncbs++;
unlock:
    pthread_mutex_unlock(&st->lock);
    /* A watcher made for a registration that failed goes again. */
    if (id < 0)
        detached = detach_if_idle(conn);
out:
    scConnectUnlock(conn);
    if (detached)
        stop_watching(detached);
    return id;
}

static int
event_deregister(scConnect *conn, int kind, int id, const char *func)
{
    EventState *st, *detached = NULL;
    Release release = { NULL, NULL };
    bool found = false;

    if (id < 0) {
        scReportError(SC_FROM_EVENT, SC_ERR_INVALID_ARG, "%s: callbackID %d must not be negative",
                      func, id);
        return -1;
    }
    scConnectLock(conn);
    if ((st = conn->events)) {
        pthread_mutex_lock(&st->lock);
        for (size_t i = 0; i < st->ncbs && !found; i++) {
            Callback *cb = &st->cbs[i];
            if (cb->id != id || cb->kind != kind || cb->deleted)
                continue;
            found = true;
            if (st->dispatching) {
                cb->deleted = true;
            } else {
                release = (Release){ cb->freecb, cb->opaque };
                memmove(cb, cb + 1, (st->ncbs - i - 1) * sizeof(*cb));
                st->ncbs--;
            }
        }
        pthread_mutex_unlock(&st->lock);
        detached = detach_if_idle(conn);
    }
    scConnectUnlock(conn);
    if (release.freecb)
        release.freecb(release.opaque);
    if (detached)
        stop_watching(detached);
    if (!found) {
        scReportError(SC_FROM_EVENT, SC_ERR_INVALID_ARG,
                      "could not find event callback %d for deletion", id);
        return -1;
    }
    return 0;
}

void
scEventConnectClose(scConnect *conn)
{
    EventState *st = conn->events;
    Release *released;
    size_t n;

    if (!st)
        return;
    conn->events = NULL;
    pthread_mutex_lock(&st->lock);
    st->conn = NULL;
    n = take_callbacks(st, true, &released);
    pthread_mutex_unlock(&st->lock);
    release_all(released, n);
    stop_watching(st);
}

/* The checks libvirt's entry points make: @pool (if any) is @conn's, @cb
 * is given, @event_id is in [0, @last). */
static bool
check_register(scConnect *conn, scStoragePool *pool, bool have_cb, int event_id, int last,
               const char *func)
{
    if (!scConnectCheck(conn, func))
        return false;
    if (pool) {
        if (!scStoragePoolCheck(pool, func))
            return false;
        if (pool->conn != conn) {
            scReportError(SC_FROM_EVENT, SC_ERR_INVALID_ARG,
                          "storage pool '%s' in %s must match connection", pool->name, func);
            return false;
        }
    }
    if (!have_cb) {
        scReportError(SC_FROM_EVENT, SC_ERR_INVALID_ARG, "%s: cb must not be NULL", func);
        return false;
    }
    if (event_id < 0 || event_id >= last) {
        scReportError(SC_FROM_EVENT, SC_ERR_INVALID_ARG,
                      "eventID in %s must be at least 0 and less than %d, not %d", func, last,
                      event_id);
        return false;
    }
    return true;
}

int
scConnectStoragePoolEventRegisterAny(scConnectPtr conn, scStoragePoolPtr pool, int eventID,
                                     scConnectStoragePoolEventGenericCallback cb, void *opaque,
                                     scFreeCallback freecb)
{
    SC_API_BEGIN();
    if (!check_register(conn, pool, cb != NULL, eventID, SC_STORAGE_POOL_EVENT_ID_LAST, __func__))
        return -1;
    return event_register(conn, EV_POOL, pool ? pool->uuidstr : NULL, eventID,
                          (GenericCallback){ .pool = cb }, opaque, freecb);
}

int
scConnectStoragePoolEventDeregisterAny(scConnectPtr conn, int callbackID)
{
    SC_API_BEGIN();
    if (!scConnectCheck(conn, __func__))
        return -1;
    return event_deregister(conn, EV_POOL, callbackID, __func__);
}

int
scConnectStorageVolEventRegisterAny(scConnectPtr conn, scStoragePoolPtr pool, int eventID,
                                    scConnectStorageVolEventGenericCallback cb, void *opaque,
                                    scFreeCallback freecb)
{
    SC_API_BEGIN();
    if (!check_register(conn, pool, cb != NULL, eventID, SC_STORAGE_VOL_EVENT_ID_LAST, __func__))
        return -1;
    return event_register(conn, EV_VOL, pool ? pool->uuidstr : NULL, eventID,
                          (GenericCallback){ .vol = cb }, opaque, freecb);
}

int
scConnectStorageVolEventDeregisterAny(scConnectPtr conn, int callbackID)
{
    SC_API_BEGIN();
    if (!scConnectCheck(conn, __func__))
        return -1;
    return event_deregister(conn, EV_VOL, callbackID, __func__);
}

int
scConnectSecretEventRegisterAny(scConnectPtr conn, scSecretPtr secret, int eventID,
                                scConnectSecretEventGenericCallback cb, void *opaque,
                                scFreeCallback freecb)
{
    SC_API_BEGIN();
    if (!check_register(conn, NULL, cb != NULL, eventID, SC_SECRET_EVENT_ID_LAST, __func__) ||
        (secret && !scSecretCheckOf(secret, conn, __func__)))
        return -1;
    return event_register(conn, EV_SECRET, secret ? scSecretUUIDString(secret) : NULL, eventID,
                          (GenericCallback){ .secret = cb }, opaque, freecb);
}

int
scConnectSecretEventDeregisterAny(scConnectPtr conn, int callbackID)
{
    SC_API_BEGIN();
    if (!scConnectCheck(conn, __func__))
        return -1;
    return event_deregister(conn, EV_SECRET, callbackID, __func__);
}

int
scConnectAuditEventRegister(scConnectPtr conn, scConnectAuditEventCallback cb, void *opaque,
                            scFreeCallback freecb, unsigned int flags)
{
    SC_API_BEGIN();
    if (scCheckFlags(flags, 0) < 0 || !check_register(conn, NULL, cb != NULL, 0, 1, __func__))
        return -1;
    return event_register(conn, EV_AUDIT, NULL, 0, (GenericCallback){ .audit = cb }, opaque,
                          freecb);
}

int
scConnectAuditEventDeregister(scConnectPtr conn, int callbackID)
{
    SC_API_BEGIN();
    if (!scConnectCheck(conn, __func__))
        return -1;
    return event_deregister(conn, EV_AUDIT, callbackID, __func__);
}
