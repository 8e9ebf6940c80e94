/*
 * iscsi_session.c: bounded user-space iSCSI sessions over libiscsi's
 * asynchronous API (see iscsi_session.h).
 *
 * libiscsi's synchronous calls wait as long as TCP does (a portal that
 * accepts and never answers holds them for good), so every wait here is
 * our own poll loop on the session's socket with a deadline. Automatic
 * reconnection is off: a session that drops fails the call that was
 * waiting, which the caller reports as unreachable storage. A batch that
 * fails destroys the context at once, while its commands' slots are still
 * alive for the callbacks libiscsi runs on cancellation.
 */
#include <config.h>

#include <poll.h>
#include <sys/socket.h>
#include <stdio.h>
#include <time.h>

#include "iscsi_session.h"
#include "libiscsi.h"

static int64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
scIscsiPortal(const char *host, int port, char *buf, size_t size)
{
    int n;

    /* The XML takes any integer, as libvirt's; a connection would take
     * 70000 as port 4464. */
    if (port < 0 || port > 65535) {
        scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                      "iSCSI host '%.64s': port %d is not a port number (1 to 65535; none or 0 "
                      "for 3260)",
                      host, port);
        return -1;
    }
    n = strchr(host, ':') ? snprintf(buf, size, "[%s]:%d", host, port ? port : 3260)
                          : snprintf(buf, size, "%s:%d", host, port ? port : 3260);

    if (n < 0 || (size_t) n >= size) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG, "iSCSI host name '%.64s...' is too long",
                      host);
        return -1;
    }
    return 0;
}

/* The target part of messages: " target 'IQN'" or "". */
#define TARGET_FMT "%s%s%s"
#define TARGET_ARGS(s)                                                                             \
 (s)->target ? " target '" : "", (s)->target ? (s)->target : "", (s)->target ? "'" : ""

/* libiscsi's last error, one line (it may end in a newline). */
static const char *
errtext(struct iscsi_context *ctx)
{
    static __thread char buf[512];
    size_t n;

    snprintf(buf, sizeof(buf), "%s", ctx ? iscsi_get_error(ctx) : "no session");
    n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '.'))
        buf[--n] = '\0';
    for (char *p = buf; *p; p++)
        if (*p == '\n')
            *p = ' ';
    return buf;
}

/* Drop the context at once (no logout): callbacks of commands in flight
 * run now, with SCSI_STATUS_CANCELLED. */
static void
drop(scIscsi *s)
{
    if (s->ctx)
        iscsi_destroy_context(s->ctx);
    s->ctx = NULL;
    s->logged_in = false;
}

/* Serve the session until *@flag is set or the deadline passes. 0,
 * SC_BACKEND_UNREACHABLE (timed out or dropped: reported, session
 * dropped) or -1. */
static int
pump(scIscsi *s, const bool *flag, const unsigned int *count, unsigned int want, int64_t deadline,
     const char *what)
{
    while (flag ? !*flag : *count < want) {
        int64_t left = deadline - now_ms();
        struct pollfd pfd;
        int r;

        if (!s->ctx) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "%s: iSCSI portal %s" TARGET_FMT ": the session is gone (%s)", s->what,
                          s->portal, TARGET_ARGS(s), what);
            return SC_BACKEND_UNREACHABLE;
        }
        if (left <= 0) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "%s: iSCSI portal %s" TARGET_FMT " did not answer within %.1f s (%s)",
                          s->what, s->portal, TARGET_ARGS(s), s->timeout_ms / 1000.0, what);
            drop(s);
            return SC_BACKEND_UNREACHABLE;
        }
        pfd.fd = iscsi_get_fd(s->ctx);
        pfd.events = (short) iscsi_which_events(s->ctx);
        pfd.revents = 0;
        r = poll(&pfd, pfd.fd >= 0 ? 1 : 0, (int) (left > 1000 ? 1000 : left));
        if (r < 0 && errno != EINTR) {
            scReportSystemError(SC_FROM_STORAGE, errno, "%s: polling iSCSI portal %s", s->what,
                                s->portal);
            drop(s);
            return -1;
        }
        /* The socket's own error says more than libiscsi's text; read it
         * before libiscsi closes the socket. */
        int err = 0;
        socklen_t elen = sizeof(err);
        if (r > 0 && (pfd.revents & (POLLERR | POLLHUP)) &&
            getsockopt(pfd.fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
            err = 0;
        if (r > 0 && iscsi_service(s->ctx, pfd.revents) < 0) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "%s: iSCSI portal %s" TARGET_FMT ": %s failed: %s", s->what, s->portal,
                          TARGET_ARGS(s), what, err ? strerror(err) : errtext(s->ctx));
            drop(s);
            return SC_BACKEND_UNREACHABLE;
        }
    }
    return 0;
}

typedef struct {
    bool done;
    int status;
    void *data;
} Wait;

static void
wait_cb(struct iscsi_context *ctx, int status, void *data, void *opaque)
{
    Wait *w = opaque;

    (void) ctx;
    w->done = true;
    w->status = status;
    w->data = data;
}

int
scIscsiOpen(scIscsi *s, const char *what, const char *portal, const char *target,
            const char *initiator, const char *user, const unsigned char *secret, size_t secret_len)
{
    int64_t deadline;
    Wait w = { 0 };
    int r;

    memset(s, 0, sizeof(*s));
    s->what = what;
    s->target = target;
    s->timeout_ms = scBackendTimeoutMs();
    snprintf(s->portal, sizeof(s->portal), "%s", portal);
    if (scLibiscsiLoad() < 0)
        return -1;
    if (!(s->ctx = iscsi_create_context(initiator))) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "%s: cannot make an iSCSI context for initiator '%s'", what, initiator);
        return -1;
    }
    iscsi_set_log_level(s->ctx, 0);
    iscsi_set_noautoreconnect(s->ctx, 1);
    if (iscsi_set_session_type(s->ctx, target ? ISCSI_SESSION_NORMAL : ISCSI_SESSION_DISCOVERY) <
            0 ||
        (target && iscsi_set_targetname(s->ctx, target) < 0) ||
        iscsi_set_header_digest(s->ctx, ISCSI_HEADER_DIGEST_NONE_CRC32C) < 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "%s: iSCSI portal %s" TARGET_FMT ": %s", what, portal, TARGET_ARGS(s),
                      errtext(s->ctx));
        drop(s);
        return -1;
    }
    if (user) {
        /* libiscsi takes the password as a C string (and copies it). */
        char *pwd = scAlloc(secret_len + 1);
        if (!pwd) {
            drop(s);
            return -1;
        }
        memcpy(pwd, secret, secret_len);
        r = memchr(secret, 0, secret_len) ? -2
                                          : iscsi_set_initiator_username_pwd(s->ctx, user, pwd);
        explicit_bzero(pwd, secret_len);
        free(pwd);
        if (r < 0) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "%s: cannot use the CHAP secret of user '%s'%s", what, user,
                          r == -2 ? ": it holds a NUL byte" : "");
            drop(s);
            return -1;
        }
    }
    deadline = now_ms() + s->timeout_ms;
    if (iscsi_connect_async(s->ctx, portal, wait_cb, &w) < 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "%s: cannot connect to iSCSI portal %s" TARGET_FMT ": %s", what, portal,
                      TARGET_ARGS(s), errtext(s->ctx));
        drop(s);
        return SC_BACKEND_UNREACHABLE;
    }
    if ((r = pump(s, &w.done, NULL, 0, deadline, "connect")) < 0)
        return r;
    if (w.status != 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "%s: cannot connect to iSCSI portal %s" TARGET_FMT ": %s", what, portal,
                      TARGET_ARGS(s), errtext(s->ctx));
        drop(s);
        return SC_BACKEND_UNREACHABLE;
    }
    w.done = false;
    if (iscsi_login_async(s->ctx, wait_cb, &w) < 0 ||
        (r = pump(s, &w.done, NULL, 0, deadline, "login")) < 0 || w.status != 0) {
        if (s->ctx)
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "%s: login to iSCSI%s%s%s at portal %s as '%s' failed: %s", what,
                          target ? " target '" : " portal for discovery", target ? target : "",
                          target ? "'" : "", portal, initiator, errtext(s->ctx));
        drop(s);
        return s->ctx || r >= 0 ? -1 : r;
    }
    s->logged_in = true;
    return 0;
}

void
scIscsiClose(scIscsi *s)
{
    Wait w = { 0 };

    if (!s || !s->ctx)
        return;
    if (s->logged_in && iscsi_logout_async(s->ctx, wait_cb, &w) == 0) {
        scErrorSaved *saved = scErrorSave();
        int t = s->timeout_ms;
        pump(s, &w.done, NULL, 0, now_ms() + (t < 1000 ? t : 1000), "logout");
        scErrorRestore(&saved);
    }
    if (s->ctx)
        iscsi_disconnect(s->ctx);
    drop(s);
}

/* ---- batches --------------------------------------------------------------- */

typedef struct {
    scIscsiCmd *cmd;
    unsigned int *count;
} Slot;

/* The callback of every command: note its status (the task is the one
 * submit returned, kept in cmd->task). */
static void
cmd_cb(struct iscsi_context *ctx, int status, void *data, void *opaque)
{
    Slot *slot = opaque;

    (void) ctx;
    (void) data;
    slot->cmd->status = status;
    slot->cmd->done = true;
    (*slot->count)++;
}

static int run_once(scIscsi *s, const char *what, size_t n, scIscsiSubmit submit, void *const *args,
                    scIscsiCmd *cmds, size_t window);

static bool
unit_attention(const scIscsiCmd *cmd)
{
    return cmd->done && cmd->status == SCSI_STATUS_CHECK_CONDITION && cmd->task &&
           cmd->task->sense.key == SCSI_SENSE_UNIT_ATTENTION;
}

/* A UNIT ATTENTION (a LUN's first command after a login or a reset, a
 * LUN that changed) reports a condition, not a failure of the command:
 * commands that met one are sent again, a few times. */
int
scIscsiRun(scIscsi *s, const char *what, size_t n, scIscsiSubmit submit, void *const *args,
           scIscsiCmd *cmds, size_t window)
{
    int r = run_once(s, what, n, submit, args, cmds, window);

    for (int round = 0; r == 0 && round < 4; round++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            k += unit_attention(&cmds[i]);
        if (!k)
            break;
        void **again = scAlloc(k * sizeof(*again));
        scIscsiCmd *redo = scAlloc(k * sizeof(*redo));
        size_t *where = scAlloc(k * sizeof(*where));
        if (!again || !redo || !where) {
            free(again);
            free(redo);
            free(where);
            return -1;
        }
        k = 0;
        for (size_t i = 0; i < n; i++) {
            if (!unit_attention(&cmds[i]))
                continue;
            scIscsiCmdsFree(&cmds[i], 1);
            memset(&cmds[i], 0, sizeof(cmds[i]));
            again[k] = args ? args[i] : NULL;
            where[k++] = i;
        }
        r = run_once(s, what, k, submit, again, redo, window);
        for (size_t j = 0; j < k; j++)
            cmds[where[j]] = redo[j];
        free(again);
        free(redo);
        free(where);
    }
    return r;
}

static int
run_once(scIscsi *s, const char *what, size_t n, scIscsiSubmit submit, void *const *args,
         scIscsiCmd *cmds, size_t window)
{
    unsigned int count = 0;
    size_t issued = 0;
    int64_t deadline = now_ms() + s->timeout_ms;
    Slot *slots;
    int r = 0;

    if (!n)
        return 0;
    if (!(slots = scAlloc(n * sizeof(*slots))))
        return -1;
    while (count < n) {
        while (issued < n && issued - count < window) {
            slots[issued] = (Slot){ &cmds[issued], &count };
            if (!s->ctx || !(cmds[issued].task = submit(s->ctx, args ? args[issued] : NULL, cmd_cb,
                                                        &slots[issued]))) {
                scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                              "%s: iSCSI portal %s" TARGET_FMT ": cannot send %s: %s", s->what,
                              s->portal, TARGET_ARGS(s), what,
                              s->ctx ? errtext(s->ctx) : "no session");
                drop(s);
                r = -1;
                goto out;
            }
            issued++;
        }
        /* Deadlines run per answer: a long batch that keeps answering is
         * not cut short. */
        unsigned int before = count;
        if ((r = pump(s, NULL, &count, before + 1 > issued ? (unsigned) issued : before + 1,
                      deadline, what)) < 0)
            goto out;
        deadline = now_ms() + s->timeout_ms;
    }
out:
    /* A dropped session ran every callback: nothing points at @slots now. */
    free(slots);
    return r;
}

void
scIscsiCmdsFree(scIscsiCmd *cmds, size_t n)
{
    for (size_t i = 0; cmds && i < n; i++) {
        if (cmds[i].task)
            scsi_free_scsi_task(cmds[i].task);
        cmds[i].task = NULL;
    }
}

const unsigned char *
scIscsiData(const scIscsiCmd *cmd, size_t *len)
{
    if (!cmd->done || cmd->status != SCSI_STATUS_GOOD || !cmd->task || !cmd->task->datain.data) {
        *len = 0;
        return NULL;
    }
    *len = (size_t) cmd->task->datain.size;
    return cmd->task->datain.data;
}

const char *
scIscsiCmdError(const scIscsi *s, const scIscsiCmd *cmd, char *buf, size_t size)
{
    if (cmd->done && cmd->status == SCSI_STATUS_CHECK_CONDITION && cmd->task)
        snprintf(buf, size, "CHECK CONDITION: %s, %s", scsi_sense_key_str(cmd->task->sense.key),
                 scsi_sense_ascq_str(cmd->task->sense.ascq));
    else
        snprintf(buf, size, "status 0x%x%s%s", (unsigned) cmd->status, s->ctx ? ": " : "",
                 s->ctx ? errtext(s->ctx) : "");
    return buf;
}

bool
scIscsiIllegalRequest(const scIscsiCmd *cmd)
{
    return cmd->done && cmd->status == SCSI_STATUS_CHECK_CONDITION && cmd->task &&
           cmd->task->sense.key == SCSI_SENSE_ILLEGAL_REQUEST;
}

const char *
scIscsiError(const scIscsi *s)
{
    return s->ctx ? errtext(s->ctx) : "no session";
}

/* ---- discovery and REPORT LUNS ----------------------------------------------- */

typedef struct {
    bool done;
    int status;
    char **names;
    size_t n;
    bool oom;
} Targets;

static void
targets_cb(struct iscsi_context *ctx, int status, void *data, void *opaque)
{
    Targets *t = opaque;

    (void) ctx;
    t->done = true;
    t->status = status;
    if (status != 0)
        return;
    /* libiscsi frees the list after this returns: copy the names. */
    for (struct iscsi_discovery_address *a = data; a; a = a->next) {
        char **v = reallocarray(t->names, t->n + 1, sizeof(*v));
        if (!v || !(v[t->n] = strdup(a->target_name))) {
            if (v)
                t->names = v;
            t->oom = true;
            return;
        }
        t->names = v;
        t->n++;
    }
}

int
scIscsiDiscover(scIscsi *s, int (*cb)(const char *target, void *opaque), void *opaque)
{
    Targets t = { 0 };
    int r;

    if (iscsi_discovery_async(s->ctx, targets_cb, &t) < 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "%s: iSCSI portal %s: cannot send SendTargets: %s", s->what, s->portal,
                      errtext(s->ctx));
        return -1;
    }
    r = pump(s, &t.done, NULL, 0, now_ms() + s->timeout_ms, "SendTargets");
    if (r == 0 && (t.status != 0 || t.oom)) {
        if (t.oom)
            scReportOOM();
        else
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "%s: iSCSI portal %s: SendTargets failed: %s", s->what, s->portal,
                          scIscsiError(s));
        r = -1;
    }
    for (size_t i = 0; i < t.n; i++) {
        if (r == 0)
            r = cb(t.names[i], opaque);
        free(t.names[i]);
    }
    free(t.names);
    return r;
}

static struct scsi_task *
submit_reportluns(struct iscsi_context *ctx, void *arg,
                  void (*cb)(struct iscsi_context *, int, void *, void *), void *cmd)
{
    return iscsi_reportluns_task(ctx, 0, (int) (intptr_t) arg, cb, cmd);
}

static int
cmp_uint(const void *a, const void *b)
{
    unsigned int x = *(const unsigned int *) a, y = *(const unsigned int *) b;

    return x < y ? -1 : x > y;
}

int
scIscsiReportLuns(scIscsi *s, unsigned int **luns, size_t *n)
{
    size_t alloc = 16 + 8 * 256, len;
    const unsigned char *d;
    unsigned int *v;
    char why[256];

    *luns = NULL;
    *n = 0;
    for (int round = 0; round < 2; round++) {
        scIscsiCmd cmd = { 0 };
        void *arg = (void *) (intptr_t) alloc;
        size_t full, count;
        int r = scIscsiRun(s, "REPORT LUNS", 1, submit_reportluns, &arg, &cmd, 1);

        if (r < 0) {
            scIscsiCmdsFree(&cmd, 1);
            return r;
        }
        if (!(d = scIscsiData(&cmd, &len)) || len < 8) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "%s: iSCSI target '%s' at portal %s: REPORT LUNS failed: %s", s->what,
                          s->target, s->portal, scIscsiCmdError(s, &cmd, why, sizeof(why)));
            scIscsiCmdsFree(&cmd, 1);
            return -1;
        }
        full = ((size_t) d[0] << 24 | (size_t) d[1] << 16 | (size_t) d[2] << 8 | d[3]) + 8;
        if (full > len && round == 0 && full <= 16 + 8 * 65536) {
            alloc = full;
            scIscsiCmdsFree(&cmd, 1);
            continue;
        }
        count = ((full < len ? full : len) - 8) / 8;
        if (!(v = scAlloc((count ? count : 1) * sizeof(*v)))) {
            scIscsiCmdsFree(&cmd, 1);
            return -1;
        }
        for (size_t i = 0; i < count; i++) {
            const unsigned char *e = d + 8 + 8 * i;
            /* Peripheral (bus 0) and flat addressing: the LUN numbers
             * libvirt and the kernel show. */
            v[*n] = (e[0] >> 6) == 1 ? (unsigned int) (e[0] & 0x3f) << 8 | e[1] : e[1];
            if ((e[0] >> 6) <= 1 && ((e[0] >> 6) == 1 || (e[0] & 0x3f) == 0))
                (*n)++;
        }
        scIscsiCmdsFree(&cmd, 1);
        qsort(v, *n, sizeof(*v), cmp_uint);
        *luns = v;
        return 0;
    }
    return -1;
}
