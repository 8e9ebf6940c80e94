/*
 * cli-events.c: the storcat tool's events verb: the audit trail, listed
 * (scConnectListEvents) or followed as other processes commit to it
 * (--follow: scConnectAuditEventRegister wakes the tool through the
 * library's event loop, and what woke it is read with the same filters).
 *
 * An event is one line of text (its changes readable: "capacity 1.00 GiB
 * -> 2.00 GiB") or, with --json, the event object of storcat(1), JSON
 * OUTPUT: in the document {"events": [...]}, or with --follow one object
 * a line as each event comes.
 *
 * And virsh's pool-event: the library's pool events (which come from the
 * same trail) as virsh prints them, through the same event loop.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* ---- times ------------------------------------------------------------ */

/*
 * cliParseTime:
 * @text as seconds since the epoch: ISO 8601 ("2024-05-01",
 * "2024-05-01T10:00", "2024-05-01T10:00:00Z", "...+02:00"; no zone:
 * UTC, as storcat prints times), a relative time before now ("-7d",
 * "-2h", "-30m", "-45s", "-1w"), or "now". 0, or -1 if it does not parse.
 */
static int
cliParseTime(const char *text, long long *when)
{
    static const char *const formats[] = {
        "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d",
    };
    struct timespec ts;
    time_t now;
    struct tm tm;
    char *end;

    /* The clock the library stamps events with; not time(), which lags
     * it for a few milliseconds after each second turns. */
    clock_gettime(CLOCK_REALTIME, &ts);
    now = ts.tv_sec;
    if (strcmp(text, "now") == 0) {
        *when = (long long) now;
        return 0;
    }
    if (text[0] == '-') {
        long long n, unit;
        errno = 0;
        n = strtoll(text + 1, &end, 10);
        if (errno || end == text + 1 || n < 0 || !end[0] || end[1])
            return -1;
        switch (end[0]) {
        case 's':
            unit = 1;
            break;
        case 'm':
            unit = 60;
            break;
        case 'h':
            unit = 3600;
            break;
        case 'd':
            unit = 86400;
            break;
        case 'w':
            unit = 604800;
            break;
        default:
            return -1;
        }
        if (n > (long long) now / unit)
            return -1;
        *when = (long long) now - n * unit;
        return 0;
    }
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        long long offset = 0;
        memset(&tm, 0, sizeof(tm));
        end = strptime(text, formats[i], &tm);
        if (!end)
            continue;
        if (end[0] == 'Z' && !end[1]) {
            end++;
        } else if ((end[0] == '+' || end[0] == '-') && strlen(end) == 6 && end[3] == ':') {
            int h = 0, m = 0;
            if (sscanf(end + 1, "%2d:%2d", &h, &m) != 2 || h > 23 || m > 59)
                continue;
            offset = (h * 3600LL + m * 60) * (end[0] == '+' ? 1 : -1);
            end += 6;
        }
        if (*end)
            continue;
        *when = (long long) timegm(&tm) - offset;
        return 0;
    }
    return -1;
}

/* "2024-05-01T10:00:00Z" of @when into @buf (32 bytes). */
static const char *
isoTime(long long when, char *buf)
{
    time_t t = (time_t) when;
    struct tm tm;

    if (!gmtime_r(&t, &tm) || !strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, 32, "%lld", when);
    return buf;
}

/* ---- an event's changes ------------------------------------------------ */

/*
 * The changes of an event are a JSON object the library wrote
 * (storcat.h, scAuditEvent): {"field": [old, new], ...}, each side null,
 * a number, or a string. They are read back here, strictly in that
 * shape, to be shown as text or written again into the tool's own JSON
 * (escaped as everything it writes). A value that is not in that shape
 * (a catalog changed by hand) is shown as no changes, not as garbage.
 */

/* One side of a change. */
typedef struct {
    enum { SIDE_NULL, SIDE_NUMBER, SIDE_STRING } kind;
    char *text; /* the number's digits, or the string's bytes */
} Side;

typedef struct {
    char *field;
    Side old, now;
} Change;

typedef struct {
    Change *items;
    size_t n;
} Changes;

static void
changesClear(Changes *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->items[i].field);
        free(c->items[i].old.text);
        free(c->items[i].now.text);
    }
    free(c->items);
    c->items = NULL;
    c->n = 0;
}

static const char *
skipSpace(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

/* Appends the UTF-8 of code point @cp to @out (room for 4 bytes). */
static size_t
putUtf8(unsigned int cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char) cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char) (0xc0 | (cp >> 6));
        out[1] = (char) (0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char) (0xe0 | (cp >> 12));
        out[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char) (0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char) (0xf0 | (cp >> 18));
    out[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char) (0x80 | (cp & 0x3f));
    return 4;
}

/* Four hexadecimal digits at @p into *@cp: true if they are. */
static bool
hex4(const char *p, unsigned int *cp)
{
    *cp = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return false;
        *cp = (*cp << 4) | (unsigned int) d;
    }
    return true;
}

/* The JSON string at *@pp (its opening quote) decoded into a new string:
 * escapes undone, the lone surrogates U+DC80..U+DCFF back to the bytes
 * they stand for. NULL if it is not a string (or memory ran out). */
static char *
parseString(const char **pp)
{
    const char *p = *pp;
    size_t len = 0;
    char *out;

    if (*p++ != '"' || !(out = malloc(strlen(p) + 1)))
        return NULL;
    while (*p && *p != '"') {
        unsigned int cp, lo;

        if (*p != '\\') {
            if ((unsigned char) *p < 0x20)
                break;
            out[len++] = *p++;
            continue;
        }
        p++;
        switch (*p) {
        case '"':
        case '\\':
        case '/':
            out[len++] = *p++;
            continue;
        case 'n':
            out[len++] = '\n';
            p++;
            continue;
        case 't':
            out[len++] = '\t';
            p++;
            continue;
        case 'r':
            out[len++] = '\r';
            p++;
            continue;
        case 'b':
            out[len++] = '\b';
            p++;
            continue;
        case 'f':
            out[len++] = '\f';
            p++;
            continue;
        case 'u':
            if (!hex4(p + 1, &cp))
                goto bad;
            p += 5;
            if (cp >= 0xdc80 && cp <= 0xdcff) {
                out[len++] = (char) (cp - 0xdc00);
            } else if (cp >= 0xd800 && cp <= 0xdbff && p[0] == '\\' && p[1] == 'u' &&
                       hex4(p + 2, &lo) && lo >= 0xdc00 && lo <= 0xdfff) {
                p += 6;
                len += putUtf8(0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00), out + len);
            } else if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff)) {
                goto bad;
            } else {
                len += putUtf8(cp, out + len);
            }
            continue;
        default:
            goto bad;
        }
    }
    if (*p != '"')
        goto bad;
    out[len] = '\0';
    *pp = p + 1;
    return out;
bad:
    free(out);
    return NULL;
}

/* One side at *@pp into @side: true if it is one. */
static bool
parseSide(const char **pp, Side *side)
{
    const char *p = skipSpace(*pp);
    size_t n;

    side->text = NULL;
    if (strncmp(p, "null", 4) == 0) {
        side->kind = SIDE_NULL;
        *pp = p + 4;
        return true;
    }
    if (*p == '"') {
        side->kind = SIDE_STRING;
        *pp = p;
        return (side->text = parseString(pp)) != NULL;
    }
    n = strspn(p, "0123456789");
    if (n == 0 || n > 20)
        return false;
    side->kind = SIDE_NUMBER;
    if (!(side->text = strndup(p, n)))
        return false;
    *pp = p + n;
    return true;
}

/* @json into @c: true if it is a change object (@c empty otherwise). */
static bool
parseChanges(const char *json, Changes *c)
{
    const char *p = skipSpace(json);

    memset(c, 0, sizeof(*c));
    if (*p++ != '{')
        return false;
    p = skipSpace(p);
    if (*p == '}')
        return !*skipSpace(p + 1);
    for (;;) {
        Change *items = realloc(c->items, (c->n + 1) * sizeof(*items));
        Change *ch;

        if (!items)
            goto bad;
        c->items = items;
        ch = &items[c->n];
        memset(ch, 0, sizeof(*ch));
        c->n++;
        p = skipSpace(p);
        if (!(ch->field = parseString(&p)))
            goto bad;
        p = skipSpace(p);
        if (*p++ != ':')
            goto bad;
        p = skipSpace(p);
        if (*p++ != '[' || !parseSide(&p, &ch->old))
            goto bad;
        p = skipSpace(p);
        if (*p++ != ',' || !parseSide(&p, &ch->now))
            goto bad;
        p = skipSpace(p);
        if (*p++ != ']')
            goto bad;
        p = skipSpace(p);
        if (*p == '}')
            break;
        if (*p++ != ',')
            goto bad;
    }
    if (!*skipSpace(p + 1))
        return true;
bad:
    changesClear(c);
    return false;
}

/* One side as text: a size in binary units, a string escaped. */
static const char *
sideText(const Side *side, char *buf)
{
    if (side->kind == SIDE_NUMBER)
        return cliFormatSize(strtoull(side->text, NULL, 10), false, buf);
    return cliSafe(side->text);
}

/* " [capacity 1.00 GiB -> 2.00 GiB, format raw]" of @json on @out: a
 * field made shows its new value, one gone "was" its old one. */
static void
printChanges(FILE *out, const char *json)
{
    Changes c;
    char a[CLI_SIZE_BUFLEN], b[CLI_SIZE_BUFLEN];

    if (!json || !parseChanges(json, &c))
        return;
    for (size_t i = 0; i < c.n; i++) {
        const Change *ch = &c.items[i];

        fprintf(out, "%s%s ", i ? ", " : " [", cliSafe(ch->field));
        if (ch->old.kind == SIDE_NULL)
            fputs(ch->now.kind == SIDE_NULL ? "-" : sideText(&ch->now, b), out);
        else if (ch->now.kind == SIDE_NULL)
            fprintf(out, "was %s", sideText(&ch->old, a));
        else
            fprintf(out, "%s -> %s", sideText(&ch->old, a), sideText(&ch->now, b));
    }
    if (c.n)
        fputc(']', out);
    changesClear(&c);
}

static void
jsonSide(cliJson *j, const Side *side)
{
    if (side->kind == SIDE_NULL)
        cliJsonNull(j, NULL);
    else if (side->kind == SIDE_NUMBER)
        cliJsonRaw(j, NULL, side->text);
    else
        cliJsonStr(j, NULL, side->text);
}

/* Member "changes" of an event object: the object, or null. */
static void
jsonChanges(cliJson *j, const char *json)
{
    Changes c;

    if (!json || !parseChanges(json, &c)) {
        cliJsonNull(j, "changes");
        return;
    }
    cliJsonOpen(j, "changes", '{');
    for (size_t i = 0; i < c.n; i++) {
        cliJsonOpen(j, c.items[i].field, '[');
        jsonSide(j, &c.items[i].old);
        jsonSide(j, &c.items[i].now);
        cliJsonClose(j, ']');
    }
    cliJsonClose(j, '}');
    changesClear(&c);
}

/* ---- one event ------------------------------------------------------- */

/* A number that may be unknown (-1): the number, or null. */
static void
jsonId(cliJson *j, const char *key, long long value)
{
    if (value < 0)
        cliJsonNull(j, key);
    else
        cliJsonNum(j, key, (unsigned long long) value);
}

/* The members of @ev's object (storcat(1), JSON OUTPUT, "The event
 * object"). */
static void
eventJSON(cliJson *j, const scAuditEvent *ev)
{
    char when[32];

    cliJsonNum(j, "id", (unsigned long long) ev->id);
    cliJsonStr(j, "time", isoTime(ev->time, when));
    cliJsonStr(j, "action", ev->action);
    cliJsonStr(j, "pool", ev->poolName);
    cliJsonStr(j, "pool_uuid", ev->poolUUID);
    cliJsonStr(j, "volume", ev->volumeName);
    cliJsonStr(j, "volume_uuid", ev->volumeUUID);
    cliJsonStr(j, "detail", ev->detail);
    cliJsonStr(j, "actor", ev->actor);
    jsonId(j, "uid", ev->uid);
    cliJsonStr(j, "user_name", ev->userName);
    cliJsonStr(j, "invoker_via", ev->invokerVia);
    jsonId(j, "invoker_uid", ev->invokerUID);
    cliJsonStr(j, "invoker_name", ev->invokerName);
    jsonId(j, "pid", ev->pid);
    cliJsonStr(j, "program", ev->program);
    cliJsonStr(j, "storcat_actor", ev->storcatActor);
    jsonChanges(j, ev->changes);
}

/* Who, as the line ends: from the fields when the event has them (the
 * same words as its actor summary, $STORCAT_ACTOR escaped rather than
 * with '?'), else the summary. */
static void
printWho(FILE *out, const scAuditEvent *ev)
{
    if (ev->uid < 0 || !ev->program) {
        fprintf(out, " by %s", ev->actor ? cliSafe(ev->actor) : "?");
        return;
    }
    fprintf(out, " by %s(%lld) pid %lld %s", ev->userName ? cliSafe(ev->userName) : "?", ev->uid,
            ev->pid, cliSafe(ev->program));
    if (ev->invokerVia && strcmp(ev->invokerVia, "sudo") == 0)
        fprintf(out, " [sudo: %s]", ev->invokerName ? cliSafe(ev->invokerName) : "?");
    else if (ev->invokerVia)
        fprintf(out, " [%s: %s(%lld)]", cliSafe(ev->invokerVia),
                ev->invokerName ? cliSafe(ev->invokerName) : "?", ev->invokerUID);
    if (ev->storcatActor)
        fprintf(out, " %s", cliSafe(ev->storcatActor));
}

typedef struct {
    cliJson *j; /* --json, listing: the "events" array being written */
    bool lines; /* --json, following: an object a line */
    long long count;
    long long last;  /* the id of the last event printed */
    long long limit; /* following: print none after this id (0: no limit) */
    int write_errno; /* standard output failed: why (the listing was stopped) */
} EventsOut;

/* A listing of the events failed: because standard output did (the
 * callback stopped it), or the library. Returns the exit status. */
static int
listFailed(const EventsOut *o)
{
    if (o->write_errno)
        return cliErrorCode(CLI_EXIT_FAILED, SC_ERR_SYSTEM_ERROR, SC_FROM_NONE,
                            "failed to write the events: %s", strerror(o->write_errno));
    return cliLibError(NULL, "failed to read the events");
}

static int
eventCallback(const scAuditEvent *ev, void *opaque)
{
    EventsOut *o = opaque;
    char when[32];

    if (o->limit && ev->id > o->limit)
        return 1;
    o->count++;
    o->last = ev->id;
    if (o->j) {
        cliJsonOpen(o->j, NULL, '{');
        eventJSON(o->j, ev);
        cliJsonClose(o->j, '}');
    } else if (o->lines) {
        cliJson j;
        cliJsonBegin(&j, stdout, true);
        eventJSON(&j, ev);
        cliJsonEnd(&j);
    } else {
        printf("%lld %s %s", ev->id, isoTime(ev->time, when), cliSafe(ev->action));
        if (ev->poolName || ev->volumeName)
            printf(" %s%s%s", ev->poolName ? cliSafe(ev->poolName) : "", ev->volumeName ? "/" : "",
                   ev->volumeName ? cliSafe(ev->volumeName) : "");
        if (ev->detail)
            printf(" (%s)", cliSafe(ev->detail));
        printChanges(stdout, ev->changes);
        printWho(stdout, ev);
        putchar('\n');
    }
    if (ferror(stdout)) {
        o->write_errno = errno ? errno : EIO;
        return -1;
    }
    return 0;
}

/* ---- the event loop ----------------------------------------------------- */

/* The signal that ends a wait for events (--follow, pool-event), and the
 * pipe its handler wakes the event loop through (a signal between two
 * waits would not). */
static volatile sig_atomic_t followStop;
static int followPipe[2] = { -1, -1 };
static int followWatch = -1;
static struct sigaction followOldInt, followOldTerm;

static void
onFollowSignal(int sig)
{
    int saved = errno;

    followStop = sig;
    if (write(followPipe[1], "", 1) < 0) {
        /* The pipe is full: the loop wakes anyway. */
    }
    errno = saved;
}

static void
onFollowPipe(int watch, int fd, int events, void *opaque)
{
    char buf[64];

    (void) watch, (void) events, (void) opaque;
    while (read(fd, buf, sizeof(buf)) > 0)
        ;
}

/* The library's default event loop, which SIGINT and SIGTERM end
 * (followStop): 0, or -1 after printing why (@what: "follow the events"). */
static int
loopBegin(const char *what)
{
    struct sigaction sa;

    if (scEventRegisterDefaultImpl() < 0) {
        cliLibError(NULL, "failed to %s", what);
        return -1;
    }
    if (pipe2(followPipe, O_CLOEXEC | O_NONBLOCK) < 0) {
        cliErrorCode(CLI_EXIT_FAILED, SC_ERR_SYSTEM_ERROR, SC_FROM_NONE, "failed to %s: %s", what,
                     strerror(errno));
        return -1;
    }
    if ((followWatch = scEventAddHandle(followPipe[0], SC_EVENT_HANDLE_READABLE, onFollowPipe,
                                        NULL, NULL)) < 0) {
        cliLibError(NULL, "failed to %s", what);
        close(followPipe[0]);
        close(followPipe[1]);
        followPipe[0] = followPipe[1] = -1;
        return -1;
    }
    followStop = 0;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = onFollowSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, &followOldInt);
    sigaction(SIGTERM, &sa, &followOldTerm);
    return 0;
}

static void
loopEnd(void)
{
    sigaction(SIGINT, &followOldInt, NULL);
    sigaction(SIGTERM, &followOldTerm, NULL);
    scEventRemoveHandle(followWatch);
    followWatch = -1;
    close(followPipe[0]);
    close(followPipe[1]);
    followPipe[0] = followPipe[1] = -1;
}

/* ---- following --------------------------------------------------------- */

/* What the library told of: the events committed since it registered. */
typedef struct {
    long long first; /* the first one (0: none yet) */
    long long seen;  /* the last one */
} Told;

static void
onAuditEvent(scConnectPtr conn, const scAuditEvent *ev, void *opaque)
{
    Told *t = opaque;

    (void) conn;
    if (!t->first)
        t->first = ev->id;
    if (ev->id > t->seen)
        t->seen = ev->id;
}

typedef struct {
    const char *pool, *volume, *action;
    long long since;
} Filters;

/*
 * --follow: the events committed from now on that pass @f (those from
 * --since on first), until SIGINT or SIGTERM. Registered before the
 * listing of the past, so that nothing committed in between is lost;
 * each wake then reads, with the filters, the events after the last one
 * considered up to the last one told of (events are never committed
 * below an id already visible), so that none is printed twice. Returns
 * an exit status.
 */
static int
follow(scConnect *conn, const Filters *f, EventsOut *o)
{
    Told told = { 0, 0 };
    long long done = -1; /* every event up to this id is considered */
    int id, status = CLI_EXIT_OK;

    if (loopBegin("follow the events") < 0)
        return CLI_EXIT_FAILED;
    if ((id = scConnectAuditEventRegister(conn, onAuditEvent, &told, NULL, 0)) < 0) {
        status = cliLibError(NULL, "failed to follow the events");
        loopEnd();
        return status;
    }
    if (f->since) {
        if (scConnectListEvents(conn, f->pool, f->volume, f->action, f->since, 0, 0, eventCallback,
                                o, 0) < 0)
            status = listFailed(o);
        done = o->last;
        fflush(stdout);
    }
    while (status == CLI_EXIT_OK && !followStop) {
        if (scEventRunDefaultImpl() < 0) {
            status = cliLibError(NULL, "failed to follow the events");
            break;
        }
        if (!told.seen || told.seen <= done)
            continue;
        if (done < 0)
            done = told.first - 1;
        o->limit = told.seen;
        if (scConnectListEvents(conn, f->pool, f->volume, f->action, f->since, 0, done,
                                eventCallback, o, 0) < 0) {
            status = listFailed(o);
            break;
        }
        done = told.seen;
        if (fflush(stdout) != 0 || ferror(stdout))
            status = cliErrorCode(CLI_EXIT_FAILED, SC_ERR_SYSTEM_ERROR, SC_FROM_NONE,
                                  "failed to write the events: %s", strerror(errno));
    }
    scConnectAuditEventDeregister(conn, id);
    loopEnd();
    return status;
}

/* ---- the verb ------------------------------------------------------- */

/* Parses --since or --until (@opt) into *@when: CLI_CONTINUE, or a usage
 * error. */
static int
parseTimeOption(const cliArgs *args, const char *opt, long long *when)
{
    const char *text = cliOptValue(args, opt);

    if (!text)
        return CLI_CONTINUE;
    if (cliParseTime(text, when) < 0)
        return cliUsageError(args->verb,
                             "invalid --%s '%s': an ISO 8601 time (2026-05-01, "
                             "2026-05-01T10:00:00Z) or a time ago (-7d, -2h, -30m)",
                             opt, cliSafe(text));
    if (*when <= 0)
        return cliUsageError(args->verb, "--since and --until must be after 1970");
    return CLI_CONTINUE;
}

static int
cmdEvents(cliContext *ctx, const cliArgs *args)
{
    EventsOut o = { 0 };
    Filters f = { cliOptValue(args, "pool"), cliOptValue(args, "volume"),
                  cliOptValue(args, "action"), 0 };
    long long to = 0;
    scConnect *conn;
    cliJson j;
    int status, n;

    if ((status = parseTimeOption(args, "since", &f.since)) != CLI_CONTINUE ||
        (status = parseTimeOption(args, "until", &to)) != CLI_CONTINUE)
        return status;
    if (cliOptFlag(args, "follow") && to)
        return cliUsageError(args->verb, "--follow prints events as they come: no --until");
    ctx->flags |= SC_CONNECT_RO;
    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    if (cliOptFlag(args, "follow")) {
        o.lines = cliJsonMode();
        return follow(conn, &f, &o);
    }
    if (cliJsonMode()) {
        cliJsonBegin(&j, stdout, false);
        cliJsonOpen(&j, "events", '[');
        o.j = &j;
    }
    n = scConnectListEvents(conn, f.pool, f.volume, f.action, f.since, to, 0, eventCallback, &o, 0);
    if (o.j) {
        cliJsonClose(&j, ']');
        cliJsonEnd(&j);
    }
    if (n < 0)
        return listFailed(&o);
    return CLI_EXIT_OK;
}

/* ---- pool-event ---------------------------------------------------------- */

/* virsh's pool-event: the pool events of one type, as they come. */
typedef struct {
    const char *type; /* "lifecycle" or "refresh" */
    bool loop, timestamp, timed_out;
    int count;
} PoolEventWait;

/* virsh's words for the lifecycle events, by scStoragePoolEventLifecycleType. */
static const char *const lifecycleWords[] = {
    "Defined", "Undefined", "Started", "Stopped", "Created", "Deleted",
};

static void
printPoolEvent(PoolEventWait *w, scStoragePoolPtr pool, int event)
{
    const char *detail = NULL;
    char uuid[SC_UUID_STRING_BUFLEN] = "", when[48], lower[16];
    struct timespec now;
    struct tm tm;
    size_t n;
    cliJson j;

    if (!w->loop && w->count)
        return;
    if (event >= 0)
        detail = (size_t) event < sizeof(lifecycleWords) / sizeof(lifecycleWords[0])
                     ? lifecycleWords[event]
                     : "unknown";
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    if (cliJsonMode()) {
        n = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(when + n, sizeof(when) - n, ".%03ldZ", now.tv_nsec / 1000000);
        for (n = 0; detail && detail[n] && n < sizeof(lower) - 1; n++)
            lower[n] = (char) tolower((unsigned char) detail[n]);
        lower[n] = '\0';
        scStoragePoolGetUUIDString(pool, uuid);
        cliJsonBegin(&j, stdout, true);
        cliJsonOpen(&j, "pool_event", '{');
        cliJsonStr(&j, "event", w->type);
        cliJsonStr(&j, "pool", scStoragePoolGetName(pool));
        cliJsonStr(&j, "pool_uuid", uuid);
        cliJsonStr(&j, "detail", detail ? lower : NULL);
        cliJsonStr(&j, "time", when);
        cliJsonClose(&j, '}');
        cliJsonEnd(&j);
    } else {
        /* virsh's virTimeStringNowRaw. */
        if (w->timestamp) {
            n = strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
            snprintf(when + n, sizeof(when) - n, ".%03ld+0000", now.tv_nsec / 1000000);
            printf("%s: ", when);
        }
        printf("event '%s' for storage pool %s%s%s\n", w->type, scStoragePoolGetName(pool),
               detail ? ": " : "", detail ? detail : "");
    }
    fflush(stdout);
    w->count++;
}

static void
onPoolLifecycle(scConnectPtr conn, scStoragePoolPtr pool, int event, int detail, void *opaque)
{
    (void) conn, (void) detail;
    printPoolEvent(opaque, pool, event);
}

static void
onPoolRefresh(scConnectPtr conn, scStoragePoolPtr pool, void *opaque)
{
    (void) conn;
    printPoolEvent(opaque, pool, -1);
}

static void
onPoolEventTimeout(int timer, void *opaque)
{
    PoolEventWait *w = opaque;

    (void) timer;
    w->timed_out = true;
}

static const struct {
    const char *name;
    scConnectStoragePoolEventGenericCallback cb;
} poolEventTypes[] = {
    [SC_STORAGE_POOL_EVENT_ID_LIFECYCLE] = { "lifecycle",
                                             SC_STORAGE_POOL_EVENT_CALLBACK(onPoolLifecycle) },
    [SC_STORAGE_POOL_EVENT_ID_REFRESH] = { "refresh", onPoolRefresh },
};

/* pool-event --list: the types; or wait for one event of --event TYPE
 * (of --pool POOL), or for every one with --loop, until --timeout or
 * SIGINT/SIGTERM. Exit status 0 if any came, as virsh's. */
static int
cmdPoolEvent(cliContext *ctx, const cliArgs *args)
{
    const size_t ntypes = sizeof(poolEventTypes) / sizeof(poolEventTypes[0]);
    const char *type = cliOptValue(args, "event"), *timeout = cliOptValue(args, "timeout");
    PoolEventWait w = { type, cliOptFlag(args, "loop"), cliOptFlag(args, "timestamp"), false, 0 };
    _cleanup_pool_ scStoragePool *pool = NULL;
    unsigned long long seconds = 0;
    int id, timer = -1, status;
    size_t t = 0;
    cliJson j;

    if (cliOptFlag(args, "list")) {
        if (cliJsonMode()) {
            cliJsonBegin(&j, stdout, false);
            cliJsonOpen(&j, "event_types", '[');
            for (t = 0; t < ntypes; t++)
                cliJsonStr(&j, NULL, poolEventTypes[t].name);
            cliJsonClose(&j, ']');
            cliJsonEnd(&j);
        } else {
            for (t = 0; t < ntypes; t++)
                printf("%s\n", poolEventTypes[t].name);
        }
        return CLI_EXIT_OK;
    }
    if (!type)
        return cliUsageError(args->verb, "either --list or --event TYPE is required");
    while (t < ntypes && strcmp(poolEventTypes[t].name, type) != 0)
        t++;
    if (t == ntypes)
        return cliUsageError(args->verb, "unknown event type '%s' (lifecycle, refresh)",
                             cliSafe(type));
    if (timeout && (strspn(timeout, "0123456789") != strlen(timeout) || strlen(timeout) > 7 ||
                    (seconds = strtoull(timeout, NULL, 10)) == 0 || seconds > INT_MAX / 1000))
        return cliUsageError(args->verb, "invalid --timeout '%s': a number of seconds from 1",
                             cliSafe(timeout));
    ctx->flags |= SC_CONNECT_RO;
    if (cliOptValue(args, "pool") && !(pool = cliLookupPool(ctx, cliOptValue(args, "pool"))))
        return CLI_EXIT_FAILED;
    if (!cliConnect(ctx) || loopBegin("wait for pool events") < 0)
        return CLI_EXIT_FAILED;
    if ((id = scConnectStoragePoolEventRegisterAny(ctx->conn, pool, (int) t, poolEventTypes[t].cb,
                                                   &w, NULL)) < 0 ||
        (seconds && (timer = scEventAddTimeout((int) seconds * 1000, onPoolEventTimeout, &w,
                                               NULL)) < 0)) {
        status = cliLibError(NULL, "failed to wait for pool events");
        if (id >= 0)
            scConnectStoragePoolEventDeregisterAny(ctx->conn, id);
        loopEnd();
        return status;
    }
    status = CLI_EXIT_OK;
    while (!followStop && !w.timed_out && (w.loop || !w.count)) {
        if (scEventRunDefaultImpl() < 0) {
            status = cliLibError(NULL, "failed to wait for pool events");
            break;
        }
    }
    if (timer >= 0)
        scEventRemoveTimeout(timer);
    scConnectStoragePoolEventDeregisterAny(ctx->conn, id);
    loopEnd();
    if (status != CLI_EXIT_OK)
        return status;
    /* virsh's last words (not with --json: its lines are objects). */
    if (!cliJsonMode()) {
        if (followStop)
            printf("event loop interrupted\n");
        else if (w.timed_out)
            printf("event loop timed out\n");
        printf("events received: %d\n", w.count);
    }
    if (!w.count)
        return cliErrorCode(CLI_EXIT_FAILED, SC_ERR_OPERATION_FAILED, SC_FROM_NONE,
                            "no '%s' event received%s", type,
                            followStop ? " (interrupted)" : " (timed out)");
    return CLI_EXIT_OK;
}

static const cliOption poolEventOptions[] = {
    { "pool", "POOL", "the events of this pool only (name or UUID)" },
    { "event", "TYPE", "the type of event to wait for: lifecycle or refresh" },
    { "loop", NULL, "print every event until the timeout or an interrupt, not only the first" },
    { "timeout", "SECONDS", "stop waiting after this many seconds" },
    { "list", NULL, "list the event types" },
    { "timestamp", NULL, "print the time of each event before it" },
    { NULL, NULL, NULL },
};

static const cliOption eventsOptions[] = {
    { "pool", "POOL", "events of that pool (name or UUID)" },
    { "volume", "VOL", "events of that volume (name, UUID or path)" },
    { "action", "ACTION", "events of that action, or of a prefix ending in '-' (vol-)" },
    { "since", "TIME", "from TIME: ISO 8601 (2026-05-01T10:00:00Z) or ago (-7d, -2h, -30m)" },
    { "until", "TIME", "up to TIME (as --since)" },
    { "follow", NULL, "then print new events as they are committed, until interrupted" },
    { NULL, NULL, NULL },
};

const cliVerb cliEventsVerbs[] = {
    { "events", cmdEvents, "print the audit trail, in commit order", NULL, eventsOptions },
    { "pool-event", cmdPoolEvent, "list event types, or wait for pool events and print them",
      NULL, poolEventOptions },
    { NULL, NULL, NULL, NULL, NULL },
};
