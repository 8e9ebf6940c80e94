/*
 * cli-domain.c: the guest-disk map: domain-import (libvirt domain XML
 * files, or the directories holding them, such as /etc/libvirt/qemu) and
 * domain-forget. What the map protects shows in vol-info ("Used by") and
 * in the refusals of vol-delete, vol-wipe, vol-resize and vol-upload.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

#include "cli.h"

/* Import one domain XML file; prints what was done. 0 or -1 (printed). */
static int
importFile(scConnect *conn, const char *file)
{
    _cleanup_free_ char *xml = cliReadFile(file);
    int n;

    if (!xml)
        return -1;
    if ((n = scConnectDomainImportXML(conn, xml, strcmp(file, "-") != 0 ? file : NULL, 0)) < 0) {
        cliLibError(NULL, "failed to import domain XML '%s'", cliSafe(file));
        return -1;
    }
    printf("Domain XML '%s' imported: %d disk%s\n", cliSafe(file), n, n == 1 ? "" : "s");
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
importDir(scConnect *conn, const char *dir)
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
            if (importFile(conn, file) < 0)
                r = -1;
            else
                imported++;
        }
        free(list[i]);
    }
    free(list);
    if (!imported && r == 0)
        printf("No domain XML in '%s'\n", cliSafe(dir));
    return r;
}

static int
cmdDomainImport(cliContext *ctx, const cliArgs *args)
{
    scConnect *conn = cliConnect(ctx);
    int status = CLI_EXIT_OK;

    if (!conn)
        return CLI_EXIT_FAILED;
    for (size_t i = 0; i <= args->nrest; i++) {
        const char *arg = i ? args->rest[i - 1] : args->params[0];
        struct stat st;
        int r = strcmp(arg, "-") != 0 && stat(arg, &st) == 0 && S_ISDIR(st.st_mode)
                    ? importDir(conn, arg)
                    : importFile(conn, arg);
        if (r < 0)
            status = CLI_EXIT_FAILED;
    }
    return status;
}

static int
cmdDomainForget(cliContext *ctx, const cliArgs *args)
{
    const char *name = args->params[0];
    scConnect *conn = cliConnect(ctx);

    if (!conn)
        return CLI_EXIT_FAILED;
    if (scConnectDomainForget(conn, name, 0) < 0) {
        cliLibError(name, "failed to forget domain '%s'", cliSafe(name));
        return CLI_EXIT_FAILED;
    }
    printf("Domain '%s' forgotten\n", cliSafe(name));
    return CLI_EXIT_OK;
}

static const cliOption importParams[] = {
    { "FILE...", NULL,
      "domain XML file ('-': standard input), or a directory of NAME.xml files such as "
      "/etc/libvirt/qemu" },
    { NULL, NULL, NULL },
};

static const cliOption forgetParams[] = {
    { "NAME", NULL, "name of an imported domain" },
    { NULL, NULL, NULL },
};

const cliVerb cliDomainVerbs[] = {
    { "domain-import", cmdDomainImport,
      "record which volumes libvirt domains use, from their XML (again: replaced)", importParams,
      NULL },
    { "domain-forget", cmdDomainForget, "forget an imported domain and its disks", forgetParams,
      NULL },
    { NULL, NULL, NULL, NULL, NULL },
};
