/*
 * lvm.c: lvm2 commands, reports and name rules for the logical backend
 * (see lvm.h).
 */
#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "lvm.h"

#define MAX_ARGS 48

int
scLvmTimeout(void)
{
    const char *s = getenv("STORCAT_LVM_TIMEOUT");
    char *end;
    long v;

    if (!s || !*s)
        return SC_LVM_TIMEOUT;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end || v < 1 || v > 86400)
        return SC_LVM_TIMEOUT;
    return (int) v;
}

const char *
scLvmConfig(void)
{
    const char *s = getenv("STORCAT_LVM_CONFIG");

    return s && *s ? s : NULL;
}

bool
scLvmDmAvailable(const char **why)
{
    static __thread char msg[128];
    int fd = open("/dev/mapper/control", O_RDWR | O_CLOEXEC);

    if (fd >= 0) {
        close(fd);
        return true;
    }
    snprintf(msg, sizeof(msg), "'/dev/mapper/control': %s", strerror(errno));
    *why = msg;
    return false;
}

/* Is this line of lvm2's stderr noise beside a real message? */
static bool
is_noise(const char *line, size_t len)
{
    static const char *const noise[] = {
        "WARNING: Activation disabled", "WARNING: Skipping zeroing",
        "WARNING: Logical volume ", /* "... not zeroed." */
        "File descriptor ",         /* "... leaked on ... invocation" */
    };

    for (size_t i = 0; i < SC_N_ELEMENTS(noise); i++) {
        size_t n = strlen(noise[i]);
        if (len >= n && memcmp(line, noise[i], n) == 0 &&
            (i != 2 || (len > 12 && memcmp(line + len - 12, " not zeroed.", 12) == 0)))
            return true;
    }
    return false;
}

/* Appends the lines of @text to @out (of @cap bytes), all or only those
 * that are not noise; returns the length. */
static size_t
join_lines(const char *text, bool all, char *out, size_t cap)
{
    size_t len = 0;

    out[0] = '\0';
    for (const char *p = text; *p;) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t) (eol - p) : strlen(p);
        const char *s = p;
        p = eol ? eol + 1 : p + n;
        while (n > 0 && (*s == ' ' || *s == '\t')) {
            s++;
            n--;
        }
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
            n--;
        if (n == 0 || (!all && is_noise(s, n)))
            continue;
        if (len > 0) {
            memcpy(out + len, "; ", 2);
            len += 2;
        }
        assert(len + n < cap);
        memcpy(out + len, s, n);
        len += n;
        out[len] = '\0';
    }
    return len;
}

char *
scLvmCleanMessages(const char *text)
{
    size_t cap = 2 * strlen(text) + 2; /* a "; " for each line break at most */
    char *out = scAlloc(cap);

    if (!out)
        return NULL;
    if (join_lines(text, false, out, cap) == 0)
        join_lines(text, true, out, cap);
    return out;
}

static const char *
base_name(const char *prog)
{
    const char *slash = strrchr(prog, '/');

    return slash ? slash + 1 : prog;
}

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

int
scLvmRun(const char *what, const char *prog, const char *const *args, char **out, char **err)
{
    static const char *const env[] = { "LVM_SUPPRESS_FD_WARNINGS=1", NULL };
    const char *argv[MAX_ARGS + 4];
    const char *config = scLvmConfig();
    _cleanup_free_ char *raw = NULL;
    _cleanup_free_ char *clean = NULL;
    int timeout = scLvmTimeout(), n = 0, r;
    scCommand cmd = { .argv = argv,
                      .env = env,
                      .timeout_s = timeout,
                      .out = out,
                      .out_max = SC_LVM_REPORT_MAX,
                      .err = &raw };
    double start;

    if (err)
        *err = NULL;
    argv[n++] = prog;
    if (config) {
        argv[n++] = "--config";
        argv[n++] = config;
    }
    for (size_t i = 0; args[i]; i++) {
        assert(n < MAX_ARGS);
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    start = now();
    r = scCommandRunFull(&cmd);
    if (raw && !(clean = scLvmCleanMessages(raw)))
        return -1;
    if (r == 0 && out && strlen(*out) >= SC_LVM_REPORT_MAX) {
        free(*out);
        *out = NULL;
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED, "%s: %s printed more than %u bytes",
                      what, base_name(prog), SC_LVM_REPORT_MAX);
        r = -1;
    } else if (r < 0 && raw && now() - start >= timeout) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "%s: %s did not finish within %d s and was killed (another lvm2 command "
                      "may hold the volume group's lock; STORCAT_LVM_TIMEOUT sets the limit)",
                      what, base_name(prog), timeout);
    } else if (r < 0 && raw) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED, "%s: %s failed: %s", what,
                      base_name(prog), *clean ? clean : "no message");
    } else if (r < 0) {
        /* It did not run: the runner's error says why; add what for. */
        _cleanup_free_ char *why = scStrdup(scGetLastErrorMessage());
        int code = scGetLastError() ? scGetLastError()->code : SC_ERR_OPERATION_FAILED;
        scReportError(SC_FROM_STORAGE, code, "%s: %s", what, why ? why : "?");
    }
    if (err && clean)
        *err = TAKE_PTR(clean);
    return r;
}

/* ---- reports ------------------------------------------------------------- */

int
scLvmReportParse(scLvmReport *rep, char *text, const char *kind, const char **why)
{
    size_t where;
    int report, first;

    memset(rep, 0, sizeof(*rep));
    rep->text = text;
    rep->rows = -1;
    if (scJsonParse(&rep->doc, text, why, &where) < 0)
        return -1;
    /* {"report": [ {"KIND": [ {row}, ... ]} ]} */
    report = scJsonMember(&rep->doc, 0, "report");
    if (report < 0 || rep->doc.nodes[report].type != SC_JSON_ARRAY ||
        (first = rep->doc.nodes[report].child) < 0) {
        *why = "no \"report\" array";
        return -1;
    }
    rep->rows = scJsonMember(&rep->doc, first, kind);
    if (rep->rows < 0 || rep->doc.nodes[rep->rows].type != SC_JSON_ARRAY) {
        rep->rows = -1;
        *why = "no array of rows of the kind asked for";
        return -1;
    }
    for (int row = scLvmReportFirst(rep); row >= 0; row = scLvmReportNext(rep, row)) {
        if (rep->doc.nodes[row].type != SC_JSON_OBJECT) {
            *why = "a row that is not an object";
            return -1;
        }
    }
    return 0;
}

int
scLvmReportRun(scLvmReport *rep, const char *what, const char *prog, const char *kind,
               const char *fields, const char *const *args, char **err)
{
    const char *argv[MAX_ARGS];
    const char *why;
    char *out = NULL;
    size_t n = 0;

    memset(rep, 0, sizeof(*rep));
    rep->rows = -1;
    for (const char *const *p = (const char *const[]){ "--reportformat", "json", "--units", "b",
                                                       "--nosuffix", "-o", fields, NULL };
         *p; p++)
        argv[n++] = *p;
    for (size_t i = 0; args[i]; i++) {
        assert(n < MAX_ARGS - 1);
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    if (scLvmRun(what, prog, argv, &out, err) < 0)
        return -1;
    if (scLvmReportParse(rep, out, kind, &why) < 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "%s: %s printed a report that cannot be read: %s", what, base_name(prog),
                      why);
        scLvmReportClear(rep);
        return -1;
    }
    return 0;
}

void
scLvmReportClear(scLvmReport *rep)
{
    scJsonClear(&rep->doc);
    free(rep->text);
    rep->text = NULL;
    rep->rows = -1;
}

int
scLvmReportFirst(const scLvmReport *rep)
{
    return rep->rows < 0 ? -1 : rep->doc.nodes[rep->rows].child;
}

int
scLvmReportNext(const scLvmReport *rep, int row)
{
    return row < 0 ? -1 : rep->doc.nodes[row].next;
}

const char *
scLvmField(const scLvmReport *rep, int row, const char *name)
{
    const char *v = scJsonString(&rep->doc, scJsonMember(&rep->doc, row, name));

    return v ? v : "";
}

int
scLvmFieldNum(const scLvmReport *rep, int row, const char *name, unsigned long long *value)
{
    const char *v = scLvmField(rep, row, name);
    char *end;

    if (!*v || strspn(v, "0123456789") != strlen(v))
        return -1;
    errno = 0;
    *value = strtoull(v, &end, 10);
    return errno ? -1 : 0;
}

/* ---- names ---------------------------------------------------------------- */

#define NAME_RULES                                                                                 \
 "lvm2's names hold only letters, digits and '+', '_', '.', '-', do not begin "                    \
 "with '-', are not '.' or '..' and are at most 127 characters; an LV's does not "                 \
 "begin with 'snapshot' or 'pvmove', does not contain '_cdata', '_cmeta', '_corig', "              \
 "'_cpool', '_cvol', '_imeta', '_iorig', '_mimage', '_mlog', '_pmspare', '_rimage', "              \
 "'_rmeta', '_tdata', '_tmeta', '_vdata', '_vorigin' or '_wcorig', and takes at most "             \
 "124 characters with its volume group's"

static const char *const reserved_prefixes[] = { "snapshot", "pvmove" };
static const char *const reserved_strings[] = {
    "_cdata",   "_cmeta",  "_corig", "_cpool", "_cvol",  "_imeta", "_iorig",   "_mimage", "_mlog",
    "_pmspare", "_rimage", "_rmeta", "_tdata", "_tmeta", "_vdata", "_vorigin", "_wcorig",
};

/* Why lvm2 refuses @name as any name, in @buf; NULL if it does not. */
static const char *
name_problem(const char *name, char *buf, size_t n)
{
    if (!*name)
        return "it is empty";
    if (name[0] == '-')
        return "it begins with '-'";
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return "it is '.' or '..'";
    for (const char *p = name; *p; p++) {
        unsigned char c = (unsigned char) *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '_' || c == '.' || c == '-')) {
            if (c >= 0x20 && c < 0x7f)
                snprintf(buf, n, "it contains '%c'", c);
            else
                snprintf(buf, n, "it contains the byte 0x%02x", c);
            return buf;
        }
    }
    if (strlen(name) > 127) {
        snprintf(buf, n, "it has %zu characters", strlen(name));
        return buf;
    }
    return NULL;
}

int
scLvmCheckName(const char *kind, const char *vg, const char *lv)
{
    const char *name = lv ? lv : vg;
    const char *why;
    char buf[128];

    if (!(why = name_problem(name, buf, sizeof(buf))) && lv) {
        for (size_t i = 0; !why && i < SC_N_ELEMENTS(reserved_prefixes); i++)
            if (strncmp(lv, reserved_prefixes[i], strlen(reserved_prefixes[i])) == 0) {
                snprintf(buf, sizeof(buf), "it begins with '%s'", reserved_prefixes[i]);
                why = buf;
            }
        for (size_t i = 0; !why && i < SC_N_ELEMENTS(reserved_strings); i++)
            if (strstr(lv, reserved_strings[i])) {
                snprintf(buf, sizeof(buf), "it contains '%s'", reserved_strings[i]);
                why = buf;
            }
        if (!why && strlen(vg) + strlen(lv) > 124) {
            snprintf(buf, sizeof(buf), "it has %zu characters with volume group '%.40s'",
                     strlen(vg) + strlen(lv), vg);
            why = buf;
        }
    }
    if (!why)
        return 0;
    scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                  "%s '%.200s': lvm2 refuses this name: %s (%s)", kind, name, why, NAME_RULES);
    return -1;
}

/* Appends @s with each '-' doubled at @out; returns the end. */
static char *
put_doubled(char *out, const char *s)
{
    for (; *s; s++) {
        *out++ = *s;
        if (*s == '-')
            *out++ = '-';
    }
    return out;
}

char *
scLvmDmName(const char *vg, const char *lv)
{
    char *name = scAlloc(2 * (strlen(vg) + strlen(lv)) + 2), *p;

    if (!name)
        return NULL;
    p = put_doubled(name, vg);
    *p++ = '-';
    p = put_doubled(p, lv);
    *p = '\0';
    return name;
}

/* The part of @s up to a single '-' (or its end), undoubled, into a new
 * string at *@part; *@s moves past it and its separator. -1 OOM. */
static int
take_part(const char **s, char **part, bool *more)
{
    const char *p = *s;
    char *out = scAlloc(strlen(p) + 1), *w = out;

    if (!out)
        return -1;
    *more = false;
    while (*p) {
        if (p[0] == '-' && p[1] == '-') {
            *w++ = '-';
            p += 2;
        } else if (p[0] == '-') {
            *more = true;
            p++;
            break;
        } else {
            *w++ = *p++;
        }
    }
    *w = '\0';
    *s = p;
    *part = out;
    return 0;
}

int
scLvmDmSplit(const char *dm, char **vg, char **lv)
{
    bool more;

    *vg = *lv = NULL;
    if (take_part(&dm, vg, &more) < 0)
        return -1;
    if (!more || !**vg) {
        free(*vg);
        *vg = NULL;
        return 0;
    }
    if (take_part(&dm, lv, &more) < 0) {
        free(*vg);
        *vg = NULL;
        return -1;
    }
    if (more || !**lv) {
        free(*vg);
        free(*lv);
        *vg = *lv = NULL;
        return 0;
    }
    return 1;
}
