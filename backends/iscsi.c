/*
 * iscsi.c: the "iscsi" backend: an iSCSI target reached through the
 * kernel's initiator, driven by open-iscsi's iscsiadm (through the
 * command runner: an argument vector, a timeout, a clean environment).
 *
 * Start logs in as libvirt 9.0 does (an iface for the initiator IQN,
 * sendtargets when the node is unknown, CHAP through node updates, then
 * --login and a rescan of the session); stop logs out. The LUNs are the
 * kernel's block devices, named by udev /dev/disk/by-path/ip-PORTAL-iscsi-
 * IQN-lun-N: that is each volume's path, its name "unit:0:0:N", and its
 * key the id udev's scsi_id gives it ("3" and the NAA designator of VPD
 * 0x83, read here with SG_IO), as libvirt's iscsi backend keys LUNs; the
 * records come from backends/common/lun.c, so the same LUN reached through
 * an iscsi-direct pool has the same designator, attributes and aliases.
 *
 * Where the kernel has no iSCSI initiator (no /sys/class/iscsi_transport,
 * no iscsi_tcp module), every operation fails saying so before anything
 * is run. Volume data (wipe, upload, download) is not handled yet.
 */
#include <config.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <scsi/sg.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/common/command.h"
#include "backends/common/iscsi_session.h"
#include "backends/common/iscsiadm.h"
#include "backends/common/iscsi_sources.h"
#include "backends/common/lun.h"
#include "util/util.h"

#define BY_PATH "/dev/disk/by-path"

typedef struct {
    char portal[300];
    const char *target;
    const char *initiator; /* or NULL */
    char prefix[1024];     /* "ip-PORTAL-iscsi-IQN-lun-" */
} Node;

static int
node(const scPoolDef *def, Node *n)
{
    const scPoolSource *src = &def->source;
    char why[256];

    if (!scIscsiKernelHasInitiator(why, sizeof(why))) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "pool '%s': %s: use an iscsi-direct pool (user-space initiator) instead",
                      def->name, why);
        return -1;
    }
    if (src->nhosts != 1 || src->ndevices != 1) {
        scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                      "pool '%s': an iscsi pool needs exactly 1 host and 1 device (the target "
                      "IQN)",
                      def->name);
        return -1;
    }
    if (access(scIscsiadmPath, X_OK) != 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "pool '%s': iscsiadm ('%s') is not installed (Debian package open-iscsi)",
                      def->name, scIscsiadmPath);
        return -1;
    }
    if (scIscsiPortal(src->hosts[0].name, src->hosts[0].port, n->portal, sizeof(n->portal)) < 0)
        return -1;
    n->target = src->devices[0].path;
    n->initiator = src->initiator_iqn;
    snprintf(n->prefix, sizeof(n->prefix), "ip-%s-iscsi-%s-lun-", n->portal, n->target);
    return 0;
}

/* Run iscsiadm @argv; its output in *@out when not NULL. */
static int
run(const char *const *argv, char **out)
{
    return scCommandRun(argv, NULL, 0, scBackendTimeoutMs() / 1000 + 30, out);
}

/* The iface of the pool's initiator IQN, made if missing (libvirt's). */
static int
iface_for(const Node *n, char *iface, size_t size)
{
    const char *argv[SC_ISCSIADM_ARGV_MAX];
    _cleanup_free_ char *out = NULL;

    scIscsiadmIfaceListArgv(argv);
    if (run(argv, &out) < 0)
        return -1;
    if (scIscsiadmFindIface(out, n->initiator, iface, size))
        return 0;
    snprintf(iface, size, "libvirt-iface-%08x", (unsigned) (rand() & 0x3fffffff));
    scIscsiadmIfaceNewArgv(argv, iface);
    if (run(argv, NULL) < 0)
        return -1;
    scIscsiadmIfaceSetArgv(argv, iface, n->initiator);
    if (run(argv, NULL) < 0)
        return -1;
    /* iscsiadm knows no node of a new iface before a sendtargets. */
    scIscsiadmDiscoveryArgv(argv, n->portal);
    return run(argv, NULL);
}

static int
set_chap(const scPoolDef *def, const Node *n)
{
    const scPoolAuth *auth = &def->source.auth;
    const char *argv[SC_ISCSIADM_ARGV_MAX];
    char *pwd;
    int r;

    if (auth->type == SC_AUTH_NONE)
        return 0;
    if (auth->type != SC_AUTH_CHAP || !auth->secret_value ||
        memchr(auth->secret_value, 0, auth->secret_len)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                      "pool '%s': an iscsi pool takes CHAP auth with a text secret", def->name);
        return -1;
    }
    scIscsiadmUpdateArgv(argv, n->portal, n->target, "node.session.auth.authmethod", "CHAP");
    if (run(argv, NULL) < 0)
        return -1;
    scIscsiadmUpdateArgv(argv, n->portal, n->target, "node.session.auth.username", auth->username);
    if (run(argv, NULL) < 0 || !(pwd = scAlloc(auth->secret_len + 1)))
        return -1;
    memcpy(pwd, auth->secret_value, auth->secret_len);
    /* As libvirt: iscsiadm takes the password as an argument. */
    scIscsiadmUpdateArgv(argv, n->portal, n->target, "node.session.auth.password", pwd);
    r = run(argv, NULL);
    explicit_bzero(pwd, auth->secret_len);
    free(pwd);
    return r;
}

static int
session_of(const Node *n, char *sid, size_t size)
{
    const char *argv[SC_ISCSIADM_ARGV_MAX];
    _cleanup_free_ char *out = NULL;

    scIscsiadmSessionsArgv(argv);
    /* No session at all is an exit status of 21: not an error here. */
    if (run(argv, &out) < 0)
        return 0;
    return scIscsiadmFindSession(out, n->portal, n->target, sid, size);
}

static int
iscsi_start(const scPoolDef *def, scPoolRuntime *rt)
{
    const char *argv[SC_ISCSIADM_ARGV_MAX];
    char iface[128], sid[64];
    Node n;

    if (node(def, &n) < 0)
        return -1;
    if (!session_of(&n, sid, sizeof(sid))) {
        if ((n.initiator && iface_for(&n, iface, sizeof(iface)) < 0) || set_chap(def, &n) < 0)
            return -1;
        scIscsiadmLoginArgv(argv, n.portal, n.target, n.initiator ? iface : NULL, 1);
        if (run(argv, NULL) < 0) {
            /* A node iscsiadm does not know yet: ask the portal, log in again. */
            const char *disc[SC_ISCSIADM_ARGV_MAX];
            scIscsiadmDiscoveryArgv(disc, n.portal);
            if (run(disc, NULL) < 0 || run(argv, NULL) < 0)
                return -1;
        }
        if (!session_of(&n, sid, sizeof(sid))) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "pool '%s': logged in to iSCSI target '%s' at portal %s, but iscsiadm "
                          "shows no session",
                          def->name, n.target, n.portal);
            return -1;
        }
    }
    scIscsiadmRescanArgv(argv, sid);
    if (run(argv, NULL) < 0 ||
        !(rt->state = scAsprintf("%s %s session %s", n.portal, n.target, sid)) ||
        scPoolRuntimeAddDir(rt, BY_PATH) < 0) {
        scPoolRuntimeClear(rt);
        return -1;
    }
    return 0;
}

static int
iscsi_stop(const scPoolDef *def, const scPoolRuntime *rt)
{
    const char *argv[SC_ISCSIADM_ARGV_MAX];
    char sid[64];
    Node n;

    (void) rt;
    if (node(def, &n) < 0)
        return -1;
    if (!session_of(&n, sid, sizeof(sid)))
        return 0;
    scIscsiadmLoginArgv(argv, n.portal, n.target, NULL, 0);
    return run(argv, NULL);
}

static int
iscsi_check(const scPoolDef *def, bool *active)
{
    char sid[64];
    Node n;

    *active = false;
    if (node(def, &n) < 0)
        return -1;
    *active = session_of(&n, sid, sizeof(sid)) > 0;
    return 0;
}

/* ---- the LUNs: SG_IO on the kernel's devices -------------------------------- */

static int
sg_cmd(int fd, const unsigned char *cdb, int cdb_len, unsigned char *buf, unsigned int len)
{
    unsigned char sense[32];
    sg_io_hdr_t io = {
        .interface_id = 'S',
        .dxfer_direction = SG_DXFER_FROM_DEV,
        .cmd_len = (unsigned char) cdb_len,
        .mx_sb_len = sizeof(sense),
        .dxfer_len = len,
        .dxferp = buf,
        .cmdp = (unsigned char *) cdb,
        .sbp = sense,
        .timeout = 30000,
    };

    if (ioctl(fd, SG_IO, &io) < 0 || io.status || io.host_status || io.driver_status)
        return -1;
    return (int) (len - (unsigned int) io.resid);
}

static int
sg_inquiry(int fd, int evpd, int page, unsigned char *buf, unsigned int len)
{
    unsigned char cdb[6] = { 0x12,
                             (unsigned char) evpd,
                             (unsigned char) page,
                             (unsigned char) (len >> 8),
                             (unsigned char) len,
                             0 };

    return sg_cmd(fd, cdb, 6, buf, len);
}

static int
sg_capacity16(int fd, unsigned char *buf)
{
    unsigned char cdb[16] = { 0x9e, 0x10, [13] = 32 };

    return sg_cmd(fd, cdb, 16, buf, 32);
}

/* The LUN behind by-path entry @entry ("ip-...-lun-N"): 1, 0 (not one of
 * the pool's, or gone), -1. */
static int
lun_info(const Node *n, const char *entry, scLunInfo *info, char *path, size_t size)
{
    unsigned char buf[1024];
    const char *num;
    char name[32];
    unsigned int lun;
    int fd, len;

    if (strncmp(entry, n->prefix, strlen(n->prefix)) != 0)
        return 0;
    num = entry + strlen(n->prefix);
    snprintf(name, sizeof(name), SC_LUN_NAME_PREFIX "%.10s", num);
    if (strlen(num) > 5 || scLunFromName(name, &lun) < 0)
        return 0;
    snprintf(path, size, BY_PATH "/%s", entry);
    if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
        if (errno == ENOENT)
            return 0;
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot open LUN '%s'", path);
        return -1;
    }
    memset(info, 0, sizeof(*info));
    info->lun = lun;
    if ((len = sg_inquiry(fd, 0, 0, buf, 96)) < 0 ||
        scLunParseInquiry(buf, (size_t) len, info) < 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "LUN '%s': INQUIRY through SG_IO failed", path);
        close(fd);
        return -1;
    }
    if ((len = sg_inquiry(fd, 1, 0x83, buf, sizeof(buf))) > 0)
        scLunParseDesignators(buf, (size_t) len, info);
    if ((len = sg_inquiry(fd, 1, 0x80, buf, 255)) > 0)
        scLunParseSerial(buf, (size_t) len, info);
    if ((len = sg_capacity16(fd, buf)) > 0)
        scLunParseCapacity16(buf, (size_t) len, info);
    close(fd);
    return 1;
}

/* The record of a LUN as libvirt's iscsi backend keys it: scsi_id's id,
 * else the path. */
static int
lun_record(const scLunInfo *info, const char *path, scVolRecord *rec)
{
    char name[32];

    snprintf(name, sizeof(name), SC_LUN_NAME_PREFIX "%u", info->lun);
    return scLunRecord(info, name, info->udev_id[0] ? info->udev_id : path, path,
                       SC_STORAGE_VOL_BLOCK, rec);
}

typedef struct {
    scLunInfo info;
    char path[PATH_MAX];
    char name[32];
} Found;

static int
cmp_found(const void *a, const void *b)
{
    return strcmp(((const Found *) a)->name, ((const Found *) b)->name);
}

static int
iscsi_discover(const scPoolCtx *pool, scDiscoverSink *sink)
{
    unsigned char sig[SC_VOL_SIG_MAX];
    scLunDigest digest = { { 0, 0 }, 0 };
    Found *found = NULL;
    size_t n = 0;
    char token[64];
    struct dirent *e;
    DIR *d;
    Node nd;
    int r = 0;

    if (node(pool->def, &nd) < 0)
        return -1;
    if (!(d = opendir(BY_PATH)))
        return errno == ENOENT ? (scSinkToken(sink, "luns:0") < 0 ? -1 : 0) : -1;
    while (r >= 0 && (e = readdir(d))) {
        Found *f = reallocarray(found, n + 1, sizeof(*f));
        if (!f) {
            scReportOOM();
            r = -1;
            break;
        }
        found = f;
        if ((r = lun_info(&nd, e->d_name, &found[n].info, found[n].path, PATH_MAX)) > 0) {
            snprintf(found[n].name, sizeof(found[n].name), SC_LUN_NAME_PREFIX "%u",
                     found[n].info.lun);
            n++;
        }
    }
    closedir(d);
    if (r >= 0) {
        qsort(found, n, sizeof(*found), cmp_found);
        for (size_t i = 0; i < n; i++)
            scLunDigestAdd(&digest, found[i].name, sig, scLunSignature(&found[i].info, sig));
        scLunDigestFormat(&digest, token, sizeof(token));
        r = scSinkToken(sink, token);
    }
    for (size_t i = 0; r > 0 && i < n; i++) {
        int want = scSinkEntry(sink, found[i].name, sig, scLunSignature(&found[i].info, sig));
        scVolRecord rec;
        if (want <= 0) {
            r = want < 0 ? -1 : 1;
            continue;
        }
        scVolRecordInit(&rec);
        r = lun_record(&found[i].info, found[i].path, &rec) < 0 ||
                    scSinkRecord(sink, &rec, want) < 0
                ? -1
                : 1;
        scVolRecordClear(&rec);
    }
    free(found);
    return r < 0 ? -1 : 0;
}

static int
iscsi_vol_probe(const scPoolCtx *pool, const char *name, scVolRecord *rec)
{
    char entry[1100], path[PATH_MAX];
    unsigned int lun;
    scLunInfo info;
    Node nd;
    int r;

    if (scLunFromName(name, &lun) < 0)
        return 0;
    if (node(pool->def, &nd) < 0)
        return -1;
    snprintf(entry, sizeof(entry), "%s%u", nd.prefix, lun);
    if ((r = lun_info(&nd, entry, &info, path, sizeof(path))) <= 0)
        return r;
    return lun_record(&info, path, rec) < 0 ? -1 : 1;
}

static int
iscsi_vol_lookup_path(const scPoolCtx *pool, const char *path, char **name)
{
    const char *base = strrchr(path, '/'), *num;
    char buf[32];
    unsigned int lun;
    Node nd;

    *name = NULL;
    if (!base || node(pool->def, &nd) < 0 || strncmp(base + 1, nd.prefix, strlen(nd.prefix)))
        return base && scErrorIsSet() ? -1 : 0;
    num = base + 1 + strlen(nd.prefix);
    snprintf(buf, sizeof(buf), SC_LUN_NAME_PREFIX "%.10s", num);
    if (strlen(num) > 5 || scLunFromName(buf, &lun) < 0)
        return 0;
    return (*name = scStrdup(buf)) ? 1 : -1;
}

/* <sources> of a sendtargets through iscsiadm, as libvirt's iscsi backend
 * gives them: the spec's host and each target. */
static int
iscsi_find_sources(const char *srcspec, unsigned int flags, char **xml)
{
    _cleanup_free_ char *out = NULL;
    const char *argv[SC_ISCSIADM_ARGV_MAX];
    char why[256], portal[300];
    scIscsiSourceSpec sp;
    scIscsiSources list;
    int r;

    (void) flags;
    if (!scIscsiKernelHasInitiator(why, sizeof(why))) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "iscsi source discovery: %s: use type iscsi-direct", why);
        return -1;
    }
    if (scIscsiSourceSpecParse(srcspec, "iscsi", false, &sp) < 0)
        return -1;
    if (access(scIscsiadmPath, X_OK) != 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "iscsiadm ('%s') is not installed (Debian package open-iscsi)",
                      scIscsiadmPath);
        scIscsiSourceSpecClear(&sp);
        return -1;
    }
    if (scIscsiPortal(sp.host, sp.port, portal, sizeof(portal)) < 0) {
        scIscsiSourceSpecClear(&sp);
        return -1;
    }
    scIscsiadmDiscoveryArgv(argv, portal);
    r = run(argv, &out);
    scIscsiSourcesBegin(&list, &sp, false);
    if (r >= 0)
        r = scIscsiadmEachTarget(out, scIscsiSourcesAdd, &list);
    r = scIscsiSourcesFinish(&list, r >= 0, xml);
    scIscsiSourceSpecClear(&sp);
    return r;
}

const scBackend scBackendIscsi = {
    .version = SC_BACKEND_VERSION,
    .type = SC_POOL_ISCSI,
    .check = iscsi_check,
    .start = iscsi_start,
    .stop = iscsi_stop,
    .find_sources = iscsi_find_sources,
    .discover = iscsi_discover,
    .vol_probe = iscsi_vol_probe,
    .vol_lookup_path = iscsi_vol_lookup_path,
};
