/*
 * cli-domain.c: what storcat takes from a libvirt host: the guest-disk
 * map (domain-import of libvirt domain XML files, or of the directories
 * holding them such as /etc/libvirt/qemu; domain-forget) and the pools of
 * /etc/libvirt/storage (import-libvirt). What the map protects shows in
 * vol-info ("Used by") and in the refusals of vol-delete, vol-wipe,
 * vol-resize and vol-upload.
 *
 * With --json each prints one document (storcat(1), JSON OUTPUT): the
 * files imported, the domain forgotten, the pools imported or not.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

#include "cli.h"

/* Import one domain XML file; prints what was done (with --json, its
 * import object into @j). 0 or -1 (printed). */
static int
importFile(scConnect *conn, const char *file, cliJson *j)
{
    _cleanup_free_ char *xml = cliReadFile(file);
    int n;

    if (!xml)
        return -1;
    if ((n = scConnectDomainImportXML(conn, xml, strcmp(file, "-") != 0 ? file : NULL, 0)) < 0) {
        cliLibError(NULL, "failed to import domain XML '%s'", cliSafe(file));
        return -1;
    }
    cliInfo("Domain XML '%s' imported: %d disk%s", cliSafe(file), n, n == 1 ? "" : "s");
    if (j) {
        /* storcat(1), JSON OUTPUT, "The domain import object". */
        cliJsonOpen(j, NULL, '{');
        cliJsonStr(j, "file", strcmp(file, "-") != 0 ? file : NULL);
        cliJsonNum(j, "disks", (unsigned long long) n);
        cliJsonClose(j, '}');
    }
    return 0;
}

static int
isXmlFile(const struct dirent *e)
{
    size_t len = strlen(e->d_name);

    return e->d_name[0] != '.' && len > 4 && strcmp(e->d_name + len - 4, ".xml") == 0;
}

/* Import every NAME.xml of directory @dir that is a regular file (not
 * autostart/ nor networks/), in name order. 0, or -1 if any failed. */
static int
importDir(scConnect *conn, const char *dir, cliJson *j)
{
    struct dirent **list = NULL;
    int n = scandir(dir, &list, isXmlFile, alphasort);
    int r = 0, imported = 0;

    if (n < 0) {
        cliError("cannot read directory '%s': %s", cliSafe(dir), strerror(errno));
        return -1;
    }
    for (int i = 0; i < n; i++) {
        _cleanup_free_ char *file = NULL;
        struct stat st;

        if (asprintf(&file, "%s/%s", dir, list[i]->d_name) < 0) {
            file = NULL;
            cliError("out of memory");
            r = -1;
        } else if (stat(file, &st) == 0 && S_ISREG(st.st_mode)) {
            if (importFile(conn, file, j) < 0)
                r = -1;
            else
                imported++;
        }
        free(list[i]);
    }
    free(list);
    if (!imported && r == 0)
        cliNote("no domain XML in '%s'", cliSafe(dir));
    return r;
}

static int
cmdDomainImport(cliContext *ctx, const cliArgs *args)
{
    scConnect *conn = cliConnect(ctx);
    int status = CLI_EXIT_OK;
    cliJson j, *jp = NULL;

    if (!conn)
        return CLI_EXIT_FAILED;
    if (cliJsonMode()) {
        cliJsonBegin(&j, stdout, false);
        cliJsonOpen(&j, "imported", '[');
        jp = &j;
    }
    for (size_t i = 0; i <= args->nrest; i++) {
        const char *arg = i ? args->rest[i - 1] : args->params[0];
        struct stat st;
        int r = strcmp(arg, "-") != 0 && stat(arg, &st) == 0 && S_ISDIR(st.st_mode)
                    ? importDir(conn, arg, jp)
                    : importFile(conn, arg, jp);
        if (r < 0)
            status = CLI_EXIT_FAILED;
    }
    if (jp) {
        cliJsonClose(&j, ']');
        cliJsonEnd(&j);
    }
    return status;
}

static int
cmdDomainForget(cliContext *ctx, const cliArgs *args)
{
    const char *name = args->params[0];
    scConnect *conn = cliConnect(ctx);
    cliJson j;

    if (!conn)
        return CLI_EXIT_FAILED;
    /* No such domain: SC_ERR_NO_DOMAIN, exit status 3. */
    if (scConnectDomainForget(conn, name, 0) < 0)
        return cliLibError(name, "failed to forget domain '%s'", cliSafe(name));
    cliInfo("Domain '%s' forgotten", cliSafe(name));
    if (cliJsonMode()) {
        cliJsonBegin(&j, stdout, false);
        cliJsonStr(&j, "forgotten_domain", name);
        cliJsonEnd(&j);
    }
    return CLI_EXIT_OK;
}

/* cliDomainNames: each name of the "name" column, to @fn. */
typedef struct {
    void (*fn)(const char *name, void *opaque);
    void *opaque;
} domainNames;

static int
domainName(int ncols, const char *const *names, const char *const *values, const int *types,
           void *opaque)
{
    domainNames *d = opaque;

    (void) names;
    (void) types;
    if (values && ncols == 1 && values[0])
        d->fn(values[0], d->opaque);
    return 0;
}

void
cliDomainNames(scConnect *conn, void (*fn)(const char *name, void *opaque), void *opaque)
{
    domainNames d = { fn, opaque };

    /* Errors are not printed: completion never prints one. */
    scConnectQuery(conn, "SELECT name FROM domains ORDER BY name", domainName, &d, 0);
}

/* The counts of import-libvirt, by status (-1, 0, 1), and with --json
 * the "pools" array being written. */
typedef struct {
    int counts[3];
    cliJson *j;
} ImportCounts;

static void
printImported(const char *name, int status, const char *message, void *opaque)
{
    static const char *const words[] = { "failed", "imported", "skipped" };
    ImportCounts *c = opaque;

    c->counts[status + 1]++;
    if (status == 0)
        cliInfo("Pool %s imported", cliSafe(name));
    else if (status > 0)
        cliInfo("Pool %s skipped: defined already, identically", cliSafe(name));
    else
        cliError("failed to import '%s': %s", cliSafe(name), cliSafe(message));
    if (c->j) {
        /* storcat(1), JSON OUTPUT, "The pool import object". */
        cliJsonOpen(c->j, NULL, '{');
        cliJsonStr(c->j, "name", name);
        cliJsonStr(c->j, "status", words[status + 1]);
        cliJsonStr(c->j, "message", status < 0 ? message : NULL);
        cliJsonClose(c->j, '}');
    }
}

static int
cmdImportLibvirt(cliContext *ctx, const cliArgs *args)
{
    const char *dir = args->params[0] ? args->params[0] : "/etc/libvirt/storage";
    ImportCounts c = { { 0 }, NULL };
    scConnect *conn;
    cliJson j;
    int rc;

    ctx->create = true;
    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    if (cliJsonMode()) {
        cliJsonBegin(&j, stdout, false);
        cliJsonOpen(&j, "pool_imports", '[');
        c.j = &j;
    }
    rc = scConnectImportLibvirt(conn, dir, printImported, &c, 0);
    if (c.j) {
        cliJsonClose(&j, ']');
        cliJsonEnd(&j);
    }
    if (rc < 0)
        return cliLibError(dir, "failed to import the pools of '%s'", cliSafe(dir));
    cliInfo("%d imported, %d skipped, %d not imported", c.counts[1], c.counts[2], c.counts[0]);
    return c.counts[0] ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}

static const cliOption importLibvirtParams[] = {
    { "[DIR]", NULL, "libvirt's storage configuration directory (default /etc/libvirt/storage)" },
    { NULL, NULL, NULL },
};

static const cliOption importParams[] = {
    { "FILE...", NULL,
      "domain XML file ('-': standard input), or a directory of NAME.xml files such as "
      "/etc/libvirt/qemu" },
    { NULL, NULL, NULL },
};

static const cliOption forgetParams[] = {
    { "DOMAIN", NULL, "name of an imported domain" },
    { NULL, NULL, NULL },
};

const cliVerb cliDomainVerbs[] = {
    { "domain-import", cmdDomainImport,
      "record which volumes libvirt domains use, from their XML (again: replaced)", importParams,
      NULL },
    { "domain-forget", cmdDomainForget, "forget an imported domain and its disks", forgetParams,
      NULL },
    { "import-libvirt", cmdImportLibvirt,
      "define the pools of libvirt's configuration (NAME.xml, autostart/ links)",
      importLibvirtParams, NULL },
    { NULL, NULL, NULL, NULL, NULL },
};
