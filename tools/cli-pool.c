/*
 * cli-pool.c: the pool verbs of the storcat tool that make and change
 * pools (pool-define, pool-start, pool-build, pool-refresh, ...; listing
 * and showing them is cli-pool-info.c), with virsh's names, options and
 * output, so that an operator's habits and scripts carry over.
 *
 * Each verb is one function over its parsed arguments; the table at the end
 * describes the verbs' arguments and options, from which the parser, the
 * usage errors and the help are derived (cli-util.c).
 */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

/* Pool argument shared by most verbs. */
static const cliOption poolParam[] = {
    { "POOL", NULL, "pool name or UUID" },
    { NULL, NULL, NULL },
};

/* ---- init --------------------------------------------------------------- */

static int
cmdInit(cliContext *ctx, const cliArgs *args)
{
    scConnect *conn;
    _cleanup_free_ char *uri = NULL;

    cliJson j;

    (void) args;
    ctx->create = true;
    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    if (!(uri = scConnectGetURI(conn)))
        return cliLibError(NULL, "failed to read the catalog's URI");
    if (cliJsonMode()) {
        cliJsonBegin(&j, stdout, false);
        cliJsonOpen(&j, "catalog", '{');
        cliJsonStr(&j, "path", scConnectGetCatalogPath(conn));
        cliJsonStr(&j, "uri", uri);
        cliJsonBool(&j, "readonly", scConnectIsReadOnly(conn) == 1);
        cliJsonClose(&j, '}');
        cliJsonEnd(&j);
        return CLI_EXIT_OK;
    }
    cliInfo("Catalog %s ready (%s)", scConnectGetCatalogPath(conn), uri);
    return CLI_EXIT_OK;
}

/* ---- pool-define, pool-define-as ------------------------------------ */

static int
cmdPoolDefine(cliContext *ctx, const cliArgs *args)
{
    const char *file = args->params[0];
    _cleanup_free_ char *xml = NULL;
    _cleanup_pool_ scStoragePool *pool = NULL;
    scConnect *conn;

    ctx->create = true;
    if (!(xml = cliReadFile(file)) || !(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    /* The library's message names the pool, not the file it came from. */
    if (!(pool = scStoragePoolDefineXML(conn, xml, 0)))
        return cliLibError(NULL, "failed to define pool from '%s'", cliSafe(file));
    if (cliJsonMode())
        return cliPutDocument(cliPoolDocument(pool));
    cliInfo("Pool %s defined from %s", scStoragePoolGetName(pool), file);
    return CLI_EXIT_OK;
}

/* Builds the pool XML of pool-define-as as virsh's virshBuildPoolXML does:
 * --source-path is <dir path>, --source-dev <device path> (for iscsi, the
 * target IQN). Returns a new string, or NULL after printing why. */
static char *
buildPoolXML(const cliArgs *args)
{
    const char *host = cliOptValue(args, "source-host");
    const char *path = cliOptValue(args, "source-path");
    const char *dev = cliOptValue(args, "source-dev");
    const char *format = cliOptValue(args, "source-format");
    const char *srcname = cliOptValue(args, "source-name");
    const char *target = cliOptValue(args, "target");
    const char *initiator = cliOptValue(args, "source-initiator");
    const char *auth_type = cliOptValue(args, "auth-type");
    const char *auth_user = cliOptValue(args, "auth-username");
    const char *secret_usage = cliOptValue(args, "secret-usage");
    const char *secret_uuid = cliOptValue(args, "secret-uuid");
    bool auth = auth_type && auth_user && (secret_usage || secret_uuid);
    char *xml = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&xml, &len);

    if (!out) {
        cliError("out of memory");
        return NULL;
    }
    cliXmlLine(out, "<pool type='", args->params[1], "'>\n");
    cliXmlLine(out, "  <name>", args->params[0], "</name>\n");
    if (host || path || dev || format || srcname || initiator || auth) {
        fputs("  <source>\n", out);
        cliXmlLine(out, "    <host name='", host, "'/>\n");
        cliXmlLine(out, "    <dir path='", path, "'/>\n");
        cliXmlLine(out, "    <device path='", dev, "'/>\n");
        cliXmlLine(out, "    <initiator>\n      <iqn name='", initiator,
                   "'/>\n    </initiator>\n");
        if (auth) {
            cliXmlLine(out, "    <auth type='", auth_type, "'");
            cliXmlLine(out, " username='", auth_user, "'>\n");
            if (secret_usage)
                cliXmlLine(out, "      <secret usage='", secret_usage, "'/>\n");
            else
                cliXmlLine(out, "      <secret uuid='", secret_uuid, "'/>\n");
            fputs("    </auth>\n", out);
        }
        cliXmlLine(out, "    <format type='", format, "'/>\n");
        cliXmlLine(out, "    <name>", srcname, "</name>\n");
        fputs("  </source>\n", out);
    }
    if (target) {
        fputs("  <target>\n", out);
        cliXmlLine(out, "    <path>", target, "</path>\n");
        fputs("  </target>\n", out);
    }
    fputs("</pool>\n", out);
    return cliMemstreamClose(out, &xml);
}

/* --overwrite and --no-overwrite of pool-build, pool-start and
 * pool-create(-as), which exclude each other (as virsh's
 * VSH_EXCLUSIVE_OPTIONS). */
static int
checkOverwrite(const cliArgs *args)
{
    if (cliOptFlag(args, "overwrite") && cliOptFlag(args, "no-overwrite"))
        return cliUsageError(args->verb, "--overwrite and --no-overwrite exclude each other");
    return CLI_CONTINUE;
}

/* --build, --overwrite and --no-overwrite of pool-start, pool-create and
 * pool-create-as: the flags of scStoragePoolCreate(XML), as virsh sets
 * them (either overwrite option alone builds too). */
static int
startFlags(const cliArgs *args, unsigned int *flags)
{
    int status;

    *flags = 0;
    if ((status = checkOverwrite(args)) != CLI_CONTINUE)
        return status;
    if (cliOptFlag(args, "build"))
        *flags |= SC_STORAGE_POOL_CREATE_WITH_BUILD;
    if (cliOptFlag(args, "overwrite"))
        *flags |= SC_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE;
    if (cliOptFlag(args, "no-overwrite"))
        *flags |= SC_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE;
    return CLI_CONTINUE;
}

/* pool-define-as and pool-create-as (@create: a transient pool, started;
 * its build options). */
static int
poolFromArgs(cliContext *ctx, const cliArgs *args, bool create)
{
    const char *name = args->params[0];
    _cleanup_free_ char *xml = NULL;
    _cleanup_pool_ scStoragePool *pool = NULL;
    unsigned int flags = 0;
    int status;

    if ((status = cliCheckName(args->verb, "pool", name)) != CLI_CONTINUE ||
        (create && (status = startFlags(args, &flags)) != CLI_CONTINUE))
        return status;
    if (!cliKnownPoolType(args->params[1]))
        return cliUsageError(args->verb, "unknown pool type '%s'", cliSafe(args->params[1]));
    if (!(xml = buildPoolXML(args)))
        return CLI_EXIT_FAILED;
    if (cliOptFlag(args, "print-xml"))
        return cliPrintXML(xml);
    ctx->create = true;
    if (!cliConnect(ctx))
        return CLI_EXIT_FAILED;
    if (create) {
        cliProgressBegin(ctx);
        pool = scStoragePoolCreateXML(ctx->conn, xml, flags);
        cliProgressEnd();
    } else {
        pool = scStoragePoolDefineXML(ctx->conn, xml, 0);
    }
    if (!pool)
        return cliLibError(name, "failed to %s pool '%s'", create ? "create" : "define",
                           cliSafe(name));
    if (cliJsonMode())
        return cliPutDocument(cliPoolDocument(pool));
    cliInfo("Pool %s %s", scStoragePoolGetName(pool), create ? "created" : "defined");
    return CLI_EXIT_OK;
}

static int
cmdPoolDefineAs(cliContext *ctx, const cliArgs *args)
{
    return poolFromArgs(ctx, args, false);
}

static int
cmdPoolCreateAs(cliContext *ctx, const cliArgs *args)
{
    return poolFromArgs(ctx, args, true);
}

/* pool-create FILE: a transient pool, started, from an XML file; it is
 * in the catalog while it runs (pool-destroy removes it), as libvirt's. */
static int
cmdPoolCreate(cliContext *ctx, const cliArgs *args)
{
    const char *file = args->params[0];
    _cleanup_free_ char *xml = NULL;
    _cleanup_pool_ scStoragePool *pool = NULL;
    unsigned int flags;
    int status;

    if ((status = startFlags(args, &flags)) != CLI_CONTINUE)
        return status;
    ctx->create = true;
    if (!(xml = cliReadFile(file)) || !cliConnect(ctx))
        return CLI_EXIT_FAILED;
    cliProgressBegin(ctx);
    pool = scStoragePoolCreateXML(ctx->conn, xml, flags);
    cliProgressEnd();
    /* The library's message names the pool, not the file it came from. */
    if (!pool)
        return cliLibError(NULL, "failed to create pool from '%s'", cliSafe(file));
    if (cliJsonMode())
        return cliPutDocument(cliPoolDocument(pool));
    cliInfo("Pool %s created from %s", scStoragePoolGetName(pool), file);
    return CLI_EXIT_OK;
}

/* ---- pool-undefine, -start, -destroy, -build, -delete, -refresh ----- */

/* A verb that does one thing to one pool and says so. */
typedef struct poolAction {
    int (*act)(scStoragePool *pool, unsigned int flags); /* the library call */
    const char *infinitive; /* "start": "failed to start pool 'NAME'" */
    const char *done;       /* "started": "Pool NAME started" */
    bool long_running;      /* may take a while: show a progress bar */
} poolAction;

static int
runPoolAction(cliContext *ctx, const cliArgs *args, const poolAction *action, unsigned int flags)
{
    _cleanup_pool_ scStoragePool *pool = NULL;
    const char *name;
    int rc;

    if (!(pool = cliLookupPool(ctx, args->params[0])))
        return CLI_EXIT_FAILED;
    name = scStoragePoolGetName(pool);
    if (action->long_running)
        cliProgressBegin(ctx);
    rc = action->act(pool, flags);
    if (action->long_running)
        cliProgressEnd();
    if (rc < 0)
        return cliLibError(name, "failed to %s pool '%s'", action->infinitive, cliSafe(name));
    if (cliJsonMode())
        return cliPutDocument(cliPoolDocument(pool));
    cliInfo("Pool %s %s", name, action->done);
    return CLI_EXIT_OK;
}

/* The library call without flags, in poolAction's shape. */
static int
destroyPool(scStoragePool *pool, unsigned int flags)
{
    return scStoragePoolDestroy(pool);
}

/* pool-undefine says how many identities of its volumes the catalog
 * keeps for a pool defined again with its UUID; --json prints the pool
 * as it was, written before it goes, and that number:
 * {"pool": {...}, "identities_kept": N}. */
static int
cmdPoolUndefine(cliContext *ctx, const cliArgs *args)
{
    _cleanup_pool_ scStoragePool *pool = NULL;
    _cleanup_free_ char *doc = NULL;
    char uuid[SC_UUID_STRING_BUFLEN];
    FILE *out = NULL;
    const char *name;
    size_t len = 0;
    cliJson j;
    int kept;

    if (!(pool = cliLookupPool(ctx, args->params[0])))
        return CLI_EXIT_FAILED;
    name = scStoragePoolGetName(pool);
    if (scStoragePoolGetUUIDString(pool, uuid) < 0)
        return cliLibError(name, "failed to undefine pool '%s'", cliSafe(name));
    if (cliJsonMode() && !(out = cliPoolDocumentBegin(pool, &j, &doc, &len)))
        return CLI_EXIT_FAILED;
    if (scStoragePoolUndefine(pool) < 0) {
        if (out)
            cliPoolDocumentEnd(out, &j, &doc, false);
        return cliLibError(name, "failed to undefine pool '%s'", cliSafe(name));
    }
    kept = scConnectNumOfStorageVolHistory(ctx->conn, uuid);
    if (out) {
        if (kept < 0) /* undefined all the same; the number is not known */
            cliJsonNull(&j, "identities_kept");
        else
            cliJsonNum(&j, "identities_kept", (unsigned long long) kept);
        return cliPutDocument(cliPoolDocumentEnd(out, &j, &doc, true) ? TAKE_PTR(doc) : NULL);
    }
    /* virsh's words when there is nothing more to say. */
    if (kept <= 0)
        cliInfo("Pool %s has been undefined", name);
    else
        cliInfo("Pool %s has been undefined (%d volume %s kept for a pool defined again with "
                "its UUID)",
                name, kept, kept == 1 ? "identity" : "identities");
    return CLI_EXIT_OK;
}

static int
cmdPoolStart(cliContext *ctx, const cliArgs *args)
{
    static const poolAction start = { scStoragePoolCreate, "start", "started", true };
    unsigned int flags;
    int status;

    if ((status = startFlags(args, &flags)) != CLI_CONTINUE)
        return status;
    return runPoolAction(ctx, args, &start, flags);
}

static int
cmdPoolDestroy(cliContext *ctx, const cliArgs *args)
{
    static const poolAction destroy = { destroyPool, "destroy", "destroyed", false };

    return runPoolAction(ctx, args, &destroy, 0);
}

static int
cmdPoolBuild(cliContext *ctx, const cliArgs *args)
{
    static const poolAction build = { scStoragePoolBuild, "build", "built", false };
    unsigned int flags = 0;
    int status;

    if ((status = checkOverwrite(args)) != CLI_CONTINUE)
        return status;
    if (cliOptFlag(args, "overwrite"))
        flags |= SC_STORAGE_POOL_BUILD_OVERWRITE;
    if (cliOptFlag(args, "no-overwrite"))
        flags |= SC_STORAGE_POOL_BUILD_NO_OVERWRITE;
    /* storcat's own: SC_STORAGE_POOL_BUILD_REPAIR, which virsh has no
     * option for (a disk pool's GPT from its good copy). */
    if (cliOptFlag(args, "repair"))
        flags |= SC_STORAGE_POOL_BUILD_REPAIR;
    return runPoolAction(ctx, args, &build, flags);
}

static int
cmdPoolDelete(cliContext *ctx, const cliArgs *args)
{
    static const poolAction delete = { scStoragePoolDelete, "delete", "deleted", false };

    return runPoolAction(ctx, args, &delete, 0);
}

static int
cmdPoolRefresh(cliContext *ctx, const cliArgs *args)
{
    static const poolAction refresh = { scStoragePoolRefresh, "refresh", "refreshed", true };

    return runPoolAction(ctx, args, &refresh,
                         cliOptFlag(args, "prune") ? SC_STORAGE_POOL_REFRESH_PRUNE : 0);
}

/* history-prune [POOL-UUID]: drop the volume identities kept for
 * undefined pools (for one pool UUID, or all); --json:
 * {"identities_dropped": N}. */
static int
cmdHistoryPrune(cliContext *ctx, const cliArgs *args)
{
    const char *uuid = args->params[0];
    cliJson j;
    int n;

    if (uuid && !cliLooksLikeUUID(uuid))
        return cliUsageError(args->verb, "'%s' is not a pool UUID", cliSafe(uuid));
    if (!cliConnect(ctx))
        return CLI_EXIT_FAILED;
    if ((n = scConnectPruneStorageVolHistory(ctx->conn, uuid, 0)) < 0)
        return cliLibError(NULL, "failed to prune the volume history");
    if (cliJsonMode()) {
        cliJsonBegin(&j, stdout, false);
        cliJsonNum(&j, "identities_dropped", (unsigned long long) n);
        cliJsonEnd(&j);
        return CLI_EXIT_OK;
    }
    cliInfo("%d volume %s dropped", n, n == 1 ? "identity" : "identities");
    return CLI_EXIT_OK;
}

/* ---- autostart -------------------------------------------------------- */

/* Start every inactive pool marked autostart: what a host runs at boot,
 * since a pool's active state does not survive a reboot. Each pool is
 * tried; the status is 1 if any failed. */
static int
cmdAutostart(cliContext *ctx, const cliArgs *args)
{
    scStoragePool **pools = NULL;
    int status = CLI_EXIT_OK, n;
    scConnect *conn;
    cliJson j;

    (void) args;
    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    n = scConnectListAllStoragePools(conn, &pools, SC_CONNECT_LIST_STORAGE_POOLS_AUTOSTART |
                                                       SC_CONNECT_LIST_STORAGE_POOLS_INACTIVE);
    if (n < 0)
        return cliLibError(NULL, "failed to list pools");
    /* --json: the pools it started, {"pools": [...]}; each failure is an
     * error on stderr. */
    if (cliJsonMode()) {
        cliJsonBegin(&j, stdout, false);
        cliJsonOpen(&j, "pools", '[');
    }
    for (int i = 0; i < n; i++) {
        _cleanup_free_ char *name = strdup(scStoragePoolGetName(pools[i]));
        if (scStoragePoolCreate(pools[i], 0) < 0) {
            cliLibError(name, "failed to start pool '%s'", name ? cliSafe(name) : "?");
            status = CLI_EXIT_FAILED;
        } else if (cliJsonMode()) {
            if (cliPoolJSON(&j, NULL, pools[i]) < 0)
                status = CLI_EXIT_FAILED;
        } else {
            cliInfo("Pool %s started", name ? name : "?");
        }
        scStoragePoolFree(pools[i]);
    }
    free(pools);
    if (cliJsonMode()) {
        cliJsonClose(&j, ']');
        cliJsonEnd(&j);
    }
    return status;
}

/* ---- pool-autostart ------------------------------------------------- */

static int
cmdPoolAutostart(cliContext *ctx, const cliArgs *args)
{
    int autostart = !cliOptFlag(args, "disable");
    _cleanup_pool_ scStoragePool *pool = NULL;
    const char *name;

    if (!(pool = cliLookupPool(ctx, args->params[0])))
        return CLI_EXIT_FAILED;
    name = scStoragePoolGetName(pool);
    if (scStoragePoolSetAutostart(pool, autostart) < 0)
        return cliLibError(name, "failed to %s pool '%s' as autostarted",
                           autostart ? "mark" : "unmark", cliSafe(name));
    if (cliJsonMode())
        return cliPutDocument(cliPoolDocument(pool));
    cliInfo("Pool %s %s as autostarted", name, autostart ? "marked" : "unmarked");
    return CLI_EXIT_OK;
}

/* ---- pool-edit ------------------------------------------------------ */

/* Runs the user's editor on @path as virsh does: $VISUAL, else $EDITOR,
 * else vi. The variable may carry options ("emacs -nw"), so the shell
 * runs it, with the file as its argument ("$1"), never spliced into the
 * command. Returns 0, or -1 after printing why. */
static int
runEditor(const char *path)
{
    const char *editor = getenv("VISUAL");
    _cleanup_free_ char *cmd = NULL;
    struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_quit;
    int status = 0, err;
    pid_t pid, waited = -1;

    if (!editor || !*editor)
        editor = getenv("EDITOR");
    if (!editor || !*editor)
        editor = "vi";
    if (asprintf(&cmd, "%s \"$1\"", editor) < 0) {
        cmd = NULL;
        cliErrorCode(CLI_EXIT_FAILED, SC_ERR_NO_MEMORY, SC_FROM_NONE, "out of memory");
        return -1;
    }
    fflush(NULL);
    /* The terminal's ^C is the editor's, as for system(3). */
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGQUIT, &ign, &old_quit);
    if ((pid = fork()) == 0) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGQUIT, &old_quit, NULL);
        execl("/bin/sh", "sh", "-c", cmd, "sh", path, (char *) NULL);
        _exit(127);
    }
    if (pid > 0) {
        while ((waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
            ;
    }
    err = errno;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);
    if (pid < 0 || waited < 0) {
        cliErrorCode(CLI_EXIT_FAILED, SC_ERR_SYSTEM_ERROR, SC_FROM_NONE,
                     "cannot run the editor '%s': %s", cliSafe(editor), strerror(err));
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        cliErrorCode(CLI_EXIT_FAILED, SC_ERR_SYSTEM_ERROR, SC_FROM_NONE,
                     "the editor '%s' failed (%s %d): the pool is unchanged", cliSafe(editor),
                     WIFEXITED(status) ? "exit status" : "signal",
                     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        return -1;
    }
    return 0;
}

/* After a definition the library refused: on a terminal, "Try again?"
 * as virsh asks (the file keeps the edits); elsewhere, no. */
static bool
askReedit(void)
{
    char answer[16];

    if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
        return false;
    for (;;) {
        fputs("Failed. Try again? [y,n]: ", stderr);
        if (!fgets(answer, sizeof(answer), stdin))
            return false;
        if (answer[0] == 'y' || answer[0] == 'Y')
            return true;
        if (answer[0] == 'n' || answer[0] == 'N')
            return false;
    }
}

/* Writes @text into the new file @fd, and closes it: 0, or -1 with errno. */
static int
writeAll(int fd, const char *text)
{
    size_t len = strlen(text);
    ssize_t n = 0;
    int err;

    while (len > 0 && (n = write(fd, text, len)) > 0) {
        text += n;
        len -= (size_t) n;
    }
    err = len == 0 ? 0 : n < 0 ? errno : EIO;
    if (close(fd) < 0 && !err)
        err = errno;
    errno = err;
    return err ? -1 : 0;
}

/* pool-edit POOL: its persistent definition (the inactive XML) in the
 * user's editor, then defined again if it changed, as virsh's: not over
 * a definition another process changed meanwhile. */
static int
cmdPoolEdit(cliContext *ctx, const cliArgs *args)
{
    const char *tmpdir = getenv("TMPDIR");
    _cleanup_pool_ scStoragePool *pool = NULL;
    _cleanup_pool_ scStoragePool *edited = NULL;
    _cleanup_free_ char *xml = NULL, *path = NULL, *now = NULL;
    int status = CLI_EXIT_FAILED, fd;
    char *doc = NULL;
    const char *name;

    if (!(pool = cliLookupPool(ctx, args->params[0])))
        return CLI_EXIT_FAILED;
    name = scStoragePoolGetName(pool);
    if (!(xml = scStoragePoolGetXMLDesc(pool, SC_STORAGE_XML_INACTIVE)))
        return cliLibError(name, "failed to get the XML of pool '%s'", cliSafe(name));
    if (!tmpdir || tmpdir[0] != '/')
        tmpdir = "/tmp";
    if (asprintf(&path, "%s/storcat-pool-edit.XXXXXX.xml", tmpdir) < 0) {
        path = NULL;
        return cliErrorCode(CLI_EXIT_FAILED, SC_ERR_NO_MEMORY, SC_FROM_NONE, "out of memory");
    }
    if ((fd = mkstemps(path, 4)) < 0 || writeAll(fd, xml) < 0) {
        cliErrorCode(CLI_EXIT_FAILED, SC_ERR_SYSTEM_ERROR, SC_FROM_NONE,
                     "cannot write the XML of pool '%s' to '%s': %s", cliSafe(name),
                     cliSafe(path), strerror(errno));
        if (fd >= 0)
            unlink(path);
        return CLI_EXIT_FAILED;
    }
    for (;;) {
        free(doc);
        doc = NULL;
        if (runEditor(path) < 0 || !(doc = cliReadFile(path)))
            break;
        if (strcmp(doc, xml) == 0) {
            if (cliJsonMode()) {
                status = cliPutDocument(cliPoolDocument(pool));
                break;
            }
            cliInfo("Pool %s XML configuration not changed.", name);
            status = CLI_EXIT_OK;
            break;
        }
        /* Changed by another process while it was edited (or gone)? */
        free(now);
        if (!(now = scStoragePoolGetXMLDesc(pool, SC_STORAGE_XML_INACTIVE))) {
            cliLibError(name, "failed to get the XML of pool '%s'", cliSafe(name));
            break;
        }
        if (strcmp(now, xml) != 0) {
            cliErrorCode(CLI_EXIT_FAILED, SC_ERR_OPERATION_FAILED, SC_FROM_NONE,
                         "pool '%s': its XML configuration was changed by another process "
                         "while it was edited: the edits are not defined",
                         cliSafe(name));
            /* On a terminal, edit again over the definition as it is. */
            free(xml);
            xml = TAKE_PTR(now);
            if (!askReedit())
                break;
            continue;
        }
        if ((edited = scStoragePoolDefineXML(ctx->conn, doc, 0))) {
            if (cliJsonMode()) {
                status = cliPutDocument(cliPoolDocument(edited));
                break;
            }
            cliInfo("Pool %s XML configuration edited.", scStoragePoolGetName(edited));
            status = CLI_EXIT_OK;
            break;
        }
        cliLibError(name, "failed to define pool '%s' from the edited XML", cliSafe(name));
        if (!askReedit())
            break;
    }
    free(doc);
    unlink(path);
    return status;
}

/* ---- the table ------------------------------------------------------ */

static const cliOption defineParams[] = {
    { "FILE", NULL, "file with the pool's XML definition ('-': standard input)" },
    { NULL, NULL, NULL },
};

static const cliOption defineAsParams[] = {
    { "NAME", NULL, "name of the pool" },
    { "TYPE", NULL, "type of the pool (dir, fs, netfs, logical, disk, iscsi, ...)" },
    { NULL, NULL, NULL },
};

/* virsh's VIRSH_COMMON_OPT_POOL_X_AS: the options of pool-define-as and
 * pool-create-as. */
#define POOL_X_AS_OPTIONS                                                                          \
    { "source-host", "HOST", "host of the source storage (netfs, iscsi)" },                        \
    { "source-path", "PATH", "source directory (netfs: the export)" },                             \
    { "source-dev", "DEVICE", "source device (fs, logical, disk; iscsi: the target IQN)" },        \
    { "source-name", "NAME", "source name (logical: the volume group)" },                          \
    { "source-format", "FORMAT", "format of the source (ext4, nfs, gpt, lvm2, ...)" },             \
    { "target", "PATH", "target directory of the pool" },                                          \
    { "source-initiator", "IQN", "initiator IQN (iscsi, iscsi-direct)" },                          \
    { "auth-type", "TYPE", "auth type (chap), with --auth-username and a secret" },                \
    { "auth-username", "USER", "auth username" },                                                  \
    { "secret-usage", "USAGE", "the auth secret's usage (its iSCSI target name)" },                \
    { "secret-uuid", "UUID", "the auth secret's UUID" }

#define START_OPTIONS                                                                              \
    { "build", NULL, "build the pool first" },                                                     \
    { "overwrite", NULL, "build, overwriting existing storage" },                                  \
    { "no-overwrite", NULL, "build, but refuse to overwrite existing storage" }

static const cliOption defineAsOptions[] = {
    POOL_X_AS_OPTIONS,
    { "print-xml", NULL, "print the XML document, do not define the pool" },
    { NULL, NULL, NULL },
};

static const cliOption createAsOptions[] = {
    POOL_X_AS_OPTIONS,
    { "print-xml", NULL, "print the XML document, do not create the pool" },
    START_OPTIONS,
    { NULL, NULL, NULL },
};

static const cliOption startOptions[] = {
    START_OPTIONS,
    { NULL, NULL, NULL },
};

static const cliOption buildOptions[] = {
    { "overwrite", NULL, "overwrite existing storage" },
    { "no-overwrite", NULL, "refuse to overwrite existing storage" },
    { "repair", NULL, "repair the storage (disk: a GPT from its good copy)" },
    { NULL, NULL, NULL },
};

static const cliOption autostartOptions[] = {
    { "disable", NULL, "disable autostarting" },
    { NULL, NULL, NULL },
};

/* ---- find-storage-pool-sources(-as) ---------------------------------- */

/* Prints what the pool type's backend says this host could define. */
static int
findSources(cliContext *ctx, const char *type, const char *spec)
{
    _cleanup_free_ char *xml = NULL;

    if (!cliConnectAny(ctx, false))
        return CLI_EXIT_FAILED;
    if (!(xml = scConnectFindStoragePoolSources(ctx->conn, type, spec, 0)))
        return cliLibError(NULL, "failed to find the sources of '%s' pools", cliSafe(type));
    return cliPrintXML(xml);
}

static int
cmdFindSources(cliContext *ctx, const cliArgs *args)
{
    const char *file = args->params[1];
    _cleanup_free_ char *spec = NULL;

    if (!cliKnownPoolType(args->params[0]))
        return cliUsageError(args->verb, "unknown pool type '%s'", cliSafe(args->params[0]));
    if (file && !(spec = cliReadFile(file)))
        return CLI_EXIT_FAILED;
    return findSources(ctx, args->params[0], spec);
}

/* As virsh: the <source> of where to look, from a host, a port and an
 * initiator IQN. */
static int
cmdFindSourcesAs(cliContext *ctx, const cliArgs *args)
{
    const char *host = args->params[1], *port = args->params[2], *iqn = args->params[3];
    _cleanup_free_ char *spec = NULL;
    size_t len = 0;
    FILE *out;

    if (port && (strspn(port, "0123456789") != strlen(port) || !*port || strlen(port) > 5 ||
                 atoi(port) < 1 || atoi(port) > 65535))
        return cliUsageError(args->verb, "port '%s' is not a number from 1 to 65535",
                             cliSafe(port));
    if (!host && (port || iqn))
        return cliUsageError(args->verb, "a port or an initiator needs a host");
    if (!cliKnownPoolType(args->params[0]))
        return cliUsageError(args->verb, "unknown pool type '%s'", cliSafe(args->params[0]));
    if (host) {
        if (!(out = open_memstream(&spec, &len)))
            return cliErrorCode(CLI_EXIT_FAILED, SC_ERR_NO_MEMORY, SC_FROM_NONE, "out of memory");
        cliXmlLine(out, "<source>\n  <host name='", host, "'");
        cliXmlLine(out, " port='", port, "'");
        fputs("/>\n", out);
        cliXmlLine(out, "  <initiator>\n    <iqn name='", iqn, "'/>\n  </initiator>\n");
        fputs("</source>\n", out);
        if (!cliMemstreamClose(out, &spec))
            return CLI_EXIT_FAILED;
    }
    return findSources(ctx, args->params[0], spec);
}

static const cliOption findParams[] = {
    { "TYPE", NULL, "the pool type: logical, iscsi, iscsi-direct, netfs, ..." },
    { "[SRCSPEC]", NULL, "a file with libvirt's <source> XML of where to look" },
    { NULL, NULL, NULL },
};

static const cliOption findAsParams[] = {
    { "TYPE", NULL, "the pool type: logical, iscsi, iscsi-direct, netfs, ..." },
    { "[HOST]", NULL, "the host to ask (network pool types)" },
    { "[PORT]", NULL, "its port" },
    { "[INITIATOR]", NULL, "the initiator IQN to ask as (iSCSI)" },
    { NULL, NULL, NULL },
};

static const cliOption refreshOptions[] = {
    { "prune", NULL, "also forget the volumes whose storage is gone (state missing)" },
    { NULL, NULL, NULL },
};

static const cliOption historyParams[] = {
    { "[POOL-UUID]", NULL, "the UUID of an undefined pool (default: every pool's)" },
    { NULL, NULL, NULL },
};

const cliVerb cliPoolVerbs[] = {
    { "init", cmdInit, "create the catalog if it does not exist, and say where it is", NULL,
      NULL },
    { "pool-define", cmdPoolDefine, "define (but don't start) a pool from an XML file",
      defineParams, NULL },
    { "pool-define-as", cmdPoolDefineAs, "define a pool from a set of arguments", defineAsParams,
      defineAsOptions },
    { "pool-create", cmdPoolCreate, "create and start a transient pool from an XML file",
      defineParams, startOptions },
    { "pool-create-as", cmdPoolCreateAs, "create and start a transient pool from a set of arguments",
      defineAsParams, createAsOptions },
    { "pool-edit", cmdPoolEdit, "edit a pool's XML definition in $VISUAL or $EDITOR", poolParam,
      NULL },
    { "pool-undefine", cmdPoolUndefine, "undefine an inactive pool", poolParam, NULL },
    { "pool-build", cmdPoolBuild, "build a pool's storage", poolParam, buildOptions },
    { "pool-start", cmdPoolStart, "start a previously defined inactive pool", poolParam,
      startOptions },
    { "pool-destroy", cmdPoolDestroy, "destroy (stop) a pool", poolParam, NULL },
    { "pool-delete", cmdPoolDelete, "delete a pool's storage", poolParam, NULL },
    { "pool-refresh", cmdPoolRefresh, "refresh a pool's volumes from its storage", poolParam,
      refreshOptions },
    { "pool-autostart", cmdPoolAutostart, "mark or unmark a pool to be started at boot", poolParam,
      autostartOptions },
    { "autostart", cmdAutostart, "start every inactive pool marked autostart (run it at boot)",
      NULL, NULL },
    { "find-storage-pool-sources", cmdFindSources,
      "list the pools of a type this host could define (also: find-pool-sources)", findParams,
      NULL },
    { "find-pool-sources", cmdFindSources, "the same as find-storage-pool-sources", findParams,
      NULL },
    { "find-storage-pool-sources-as", cmdFindSourcesAs,
      "list potential pool sources from a host, a port and an initiator (also: "
      "find-pool-sources-as)", findAsParams, NULL },
    { "find-pool-sources-as", cmdFindSourcesAs, "the same as find-storage-pool-sources-as",
      findAsParams, NULL },
    { "history-prune", cmdHistoryPrune,
      "forget the volume identities kept for undefined pools", historyParams, NULL },
    { NULL, NULL, NULL, NULL, NULL },
};
