/*
 * iscsiadm.c: iscsiadm's command lines and output (see iscsiadm.h), with
 * libvirt 9.0's arguments (src/util/viriscsi.c) and its parsing rules.
 */
#include <config.h>

#include <stdio.h>
#include <sys/stat.h>

#include "iscsiadm.h"
#include "util/internal.h"

const char *scIscsiadmPath = ISCSIADM;
const char *scIscsiSysfsRoot = "/sys";

void
scIscsiadmLoginArgv(const char **argv, const char *portal, const char *target, const char *iface,
                    int login)
{
    int n = 0;

    argv[n++] = scIscsiadmPath;
    argv[n++] = "--mode";
    argv[n++] = "node";
    argv[n++] = "--portal";
    argv[n++] = portal;
    argv[n++] = "--targetname";
    argv[n++] = target;
    if (iface) {
        argv[n++] = "--interface";
        argv[n++] = iface;
    }
    argv[n++] = login ? "--login" : "--logout";
    argv[n] = NULL;
}

void
scIscsiadmDiscoveryArgv(const char **argv, const char *portal)
{
    const char *v[] = { scIscsiadmPath, "--mode", "discovery", "--type",        "sendtargets",
                        "--portal",     portal,   "--op",      "nonpersistent", NULL };

    memcpy(argv, v, sizeof(v));
}

void
scIscsiadmSessionsArgv(const char **argv)
{
    const char *v[] = { scIscsiadmPath, "--mode", "session", NULL };

    memcpy(argv, v, sizeof(v));
}

void
scIscsiadmRescanArgv(const char **argv, const char *session)
{
    const char *v[] = { scIscsiadmPath, "--mode", "session", "-r", session, "-R", NULL };

    memcpy(argv, v, sizeof(v));
}

void
scIscsiadmUpdateArgv(const char **argv, const char *portal, const char *target, const char *name,
                     const char *value)
{
    const char *v[] = { scIscsiadmPath, "--mode",  "node", "--portal", portal,
                        "--target",     target,    "--op", "update",   "--name",
                        name,           "--value", value,  NULL };

    memcpy(argv, v, sizeof(v));
}

void
scIscsiadmIfaceListArgv(const char **argv)
{
    const char *v[] = { scIscsiadmPath, "--mode", "iface", NULL };

    memcpy(argv, v, sizeof(v));
}

void
scIscsiadmIfaceNewArgv(const char **argv, const char *iface)
{
    const char *v[] = {
        scIscsiadmPath, "--mode", "iface", "--interface", iface, "--op", "new", NULL
    };

    memcpy(argv, v, sizeof(v));
}

void
scIscsiadmIfaceSetArgv(const char **argv, const char *iface, const char *iqn)
{
    const char *v[] = { scIscsiadmPath, "--mode", "iface",
                        "--interface",  iface,    "--op",
                        "update",       "--name", "iface.initiatorname",
                        "--value",      iqn,      NULL };

    memcpy(argv, v, sizeof(v));
}

/* The next line of @out into @line (at most @size - 1 bytes kept); the
 * rest of the text, or NULL at the end. */
static const char *
next_line(const char *out, char *line, size_t size)
{
    size_t n;

    if (!out || !*out)
        return NULL;
    n = strcspn(out, "\n");
    snprintf(line, size, "%.*s", (int) (n < size ? n : size - 1), out);
    return out + n + (out[n] == '\n');
}

int
scIscsiadmFindSession(const char *out, const char *portal, const char *target, char *buf,
                      size_t size)
{
    char line[1024], id[64], where[512], name[512];

    /* "tcp: [1] 192.168.122.170:3260,1 iqn... (non-flash)": id, portal
     * with its tag, target. */
    while ((out = next_line(out, line, sizeof(line)))) {
        if (sscanf(line, "tcp: [%63[^]]] %511s %511s", id, where, name) != 3)
            continue;
        where[strcspn(where, ",")] = '\0';
        if (strcmp(name, target) == 0 && (!portal || strcmp(where, portal) == 0)) {
            snprintf(buf, size, "%s", id);
            return 1;
        }
    }
    return 0;
}

int
scIscsiadmEachTarget(const char *out, int (*cb)(const char *target, void *opaque), void *opaque)
{
    char line[1024], where[512], name[512];
    int r;

    while ((out = next_line(out, line, sizeof(line))))
        if (sscanf(line, " %511s %511s", where, name) == 2 && (r = cb(name, opaque)) != 0)
            return r;
    return 0;
}

int
scIscsiadmFindIface(const char *out, const char *iqn, char *buf, size_t size)
{
    char line[1024];

    while ((out = next_line(out, line, sizeof(line)))) {
        const char *comma = strrchr(line, ','), *space = strchr(line, ' ');
        if (comma && space && strcmp(comma + 1, iqn) == 0) {
            snprintf(buf, size, "%.*s", (int) (space - line), line);
            return 1;
        }
    }
    return 0;
}

int
scIscsiKernelHasInitiator(char *why, size_t size)
{
    char a[512], b[512];
    struct stat st;

    snprintf(a, sizeof(a), "%s/class/iscsi_transport", scIscsiSysfsRoot);
    snprintf(b, sizeof(b), "%s/module/iscsi_tcp", scIscsiSysfsRoot);
    if (stat(a, &st) == 0 || stat(b, &st) == 0)
        return 1;
    snprintf(why, size,
             "this host's kernel has no iSCSI initiator (no %s, module iscsi_tcp not loaded)", a);
    return 0;
}
