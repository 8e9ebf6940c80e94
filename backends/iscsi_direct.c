/*
 * iscsi_direct.c: the "iscsi-direct" backend: a pool is an iSCSI target
 * reached in user space with libiscsi; its volumes are the target's LUNs.
 *
 * A user-space session lives as long as its process, so there is nothing
 * to keep between calls: start logs in once to check that the target
 * answers (and that the CHAP secret is right) and records the portal,
 * target and initiator as the runtime state; every later call (discover,
 * probe, wipe, upload, download) logs in for itself and out again. Every
 * wait is bounded by scBackendTimeoutMs (backends/common/iscsi_session.c).
 *
 * Names and paths are libvirt 9.0's (storage_backend_iscsi_direct.c):
 * LUN N is volume "unit:0:0:N" with path "ip-HOST:PORT-iscsi-IQN-lun-N"
 * (not an absolute path: lookups by path accept it through the runtime
 * prefix "ip-HOST:PORT-iscsi-IQN-lun-"), type network, and the pool's
 * capacity and allocation are the sums of its LUNs'. Two departures from
 * libvirt 9.0: a LUN's capacity is its whole size (libvirt's READ
 * CAPACITY arithmetic drops the last block), and its key is the LUN's
 * designator as udev's scsi_id prints it ("3" and the NAA of VPD 0x83), as
 * libvirt's kernel-initiator backend keys LUNs, not the path: libvirt
 * documents a key as the same for a volume however it is reached, and
 * its iscsi-direct key names the portal. A LUN without a designator keeps
 * libvirt's key, the path. What libvirt does not record storcat adds from
 * INQUIRY: the designator (identity, attribute and udev's /dev/disk/by-id
 * aliases), vendor, product, revision, serial, block size and thin
 * provisioning.
 *
 * A refresh is REPORT LUNS, then for every LUN at once (pipelined on the
 * session) a standard INQUIRY, VPD 0x83 and READ CAPACITY(16): their
 * digest is the pool's change token; VPD 0x80 is asked only of the LUNs
 * whose signature changed.
 */
#include <config.h>

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/common/iscsi_session.h"
#include "backends/common/iscsi_sources.h"
#include "backends/common/libiscsi.h"
#include "backends/common/lun.h"
#include "conf/xml.h"
#include "util/util.h"

/* Commands in flight at once on a session. */
#define WINDOW 64
/* Bytes moved by one READ or WRITE of an upload, a download or a wipe. */
#define CHUNK (1024 * 1024)

/* ---- where a pool's target is ------------------------------------------ */

typedef struct {
    char portal[300];
    const char *host;
    const char *target;    /* the IQN of <device path> */
    const char *initiator; /* <initiator><iqn name> */
    char prefix[1024];     /* "ip-PORTAL-iscsi-IQN-lun-" */
    char what[300];        /* "pool 'NAME'" */
} Where;

static int
where(const scPoolDef *def, Where *w)
{
    const scPoolSource *src = &def->source;

    if (src->nhosts != 1 || src->ndevices != 1 || !src->initiator_iqn) {
        scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                      "pool '%s': an iscsi-direct pool needs exactly 1 host, 1 device (the "
                      "target IQN) and an initiator IQN",
                      def->name);
        return -1;
    }
    if (scIscsiPortal(src->hosts[0].name, src->hosts[0].port, w->portal, sizeof(w->portal)) < 0)
        return -1;
    w->host = src->hosts[0].name;
    w->target = src->devices[0].path;
    w->initiator = src->initiator_iqn;
    if ((size_t) snprintf(w->prefix, sizeof(w->prefix), "ip-%s-iscsi-%s-lun-", w->portal,
                          w->target) >= sizeof(w->prefix)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                      "pool '%s': target IQN '%.64s...' is too long", def->name, w->target);
        return -1;
    }
    snprintf(w->what, sizeof(w->what), "pool '%s'", def->name);
    return 0;
}

/* Log in to the pool's target: 0, SC_BACKEND_UNREACHABLE or -1. */
static int
session_open(const scPoolDef *def, Where *w, scIscsi *s)
{
    const scPoolAuth *auth = &def->source.auth;

    if (where(def, w) < 0)
        return -1;
    if (auth->type == SC_AUTH_CEPH) {
        scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                      "pool '%s': an iscsi-direct pool only supports 'chap' auth", def->name);
        return -1;
    }
    if (auth->type == SC_AUTH_CHAP && !auth->secret_value) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INTERNAL_ERROR,
                      "pool '%s': the CHAP secret was not loaded", def->name);
        return -1;
    }
    return scIscsiOpen(s, w->what, w->portal, w->target, w->initiator,
                       auth->type == SC_AUTH_CHAP ? auth->username : NULL, auth->secret_value,
                       auth->secret_len);
}

/* ---- commands ------------------------------------------------------------- */

typedef struct {
    unsigned int lun;
    int evpd, page, maxsize;
} InqArg;

static struct scsi_task *
submit_inquiry(struct iscsi_context *ctx, void *arg,
               void (*cb)(struct iscsi_context *, int, void *, void *), void *cmd)
{
    InqArg *a = arg;

    return iscsi_inquiry_task(ctx, (int) a->lun, a->evpd, a->page, a->maxsize, cb, cmd);
}

static struct scsi_task *
submit_rc16(struct iscsi_context *ctx, void *arg,
            void (*cb)(struct iscsi_context *, int, void *, void *), void *cmd)
{
    return iscsi_readcapacity16_task(ctx, (int) ((InqArg *) arg)->lun, cb, cmd);
}

/* What one refresh or probe asks of each LUN. */
typedef struct {
    InqArg std, vpd83, vpd80;
    scIscsiCmd c_std, c_83, c_rc, c_80;
    scLunInfo info;
    char name[32];
    int want;
} Lun;

/* The commands of a batch, as scIscsiRun wants them: one submit, args. */
typedef struct {
    scIscsiSubmit submit;
    void *arg;
} Call;

static struct scsi_task *
submit_call(struct iscsi_context *ctx, void *arg,
            void (*cb)(struct iscsi_context *, int, void *, void *), void *cmd)
{
    Call *call = arg;

    return call->submit(ctx, call->arg, cb, cmd);
}

/* Run @n calls into @cmds: scIscsiRun over mixed commands. */
static int
run_calls(scIscsi *s, const char *what, Call *calls, size_t n, scIscsiCmd **cmds)
{
    _cleanup_free_ void **args = scAlloc((n ? n : 1) * sizeof(*args));
    scIscsiCmd *tmp = scAlloc((n ? n : 1) * sizeof(*tmp));
    int r;

    if (!args || !tmp) {
        free(tmp);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        args[i] = &calls[i];
    r = scIscsiRun(s, what, n, submit_call, args, tmp, WINDOW);
    /* Hand each answer to its owner's slot. */
    for (size_t i = 0; i < n; i++)
        *cmds[i] = tmp[i];
    free(tmp);
    return r;
}

static void
lun_free(Lun *l)
{
    scIscsiCmdsFree(&l->c_std, 1);
    scIscsiCmdsFree(&l->c_83, 1);
    scIscsiCmdsFree(&l->c_rc, 1);
    scIscsiCmdsFree(&l->c_80, 1);
}

/* Ask the standard INQUIRY, VPD 0x83 and READ CAPACITY(16) of @n LUNs
 * (pipelined), and parse them. A LUN whose INQUIRY fails, or a disk whose
 * capacity cannot be read, fails the whole batch, naming it. */
static int
ask_luns(scIscsi *s, const Where *w, Lun *luns, size_t n)
{
    _cleanup_free_ Call *calls = scAlloc((3 * n + 1) * sizeof(*calls));
    _cleanup_free_ scIscsiCmd **slots = scAlloc((3 * n + 1) * sizeof(*slots));
    char why[256];
    size_t len;
    int r;

    if (!calls || !slots)
        return -1;
    for (size_t i = 0; i < n; i++) {
        Lun *l = &luns[i];
        l->std = (InqArg){ l->info.lun, 0, 0, 96 };
        l->vpd83 = (InqArg){ l->info.lun, 1, 0x83, 1024 };
        calls[3 * i] = (Call){ submit_inquiry, &l->std };
        calls[3 * i + 1] = (Call){ submit_inquiry, &l->vpd83 };
        calls[3 * i + 2] = (Call){ submit_rc16, &l->std };
        slots[3 * i] = &l->c_std;
        slots[3 * i + 1] = &l->c_83;
        slots[3 * i + 2] = &l->c_rc;
    }
    if ((r = run_calls(s, "INQUIRY and READ CAPACITY(16)", calls, 3 * n, slots)) < 0)
        return r;
    for (size_t i = 0; i < n; i++) {
        Lun *l = &luns[i];
        const unsigned char *d = scIscsiData(&l->c_std, &len);
        if (!d || scLunParseInquiry(d, len, &l->info) < 0) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "%s: LUN %u of iSCSI target '%s' at portal %s: INQUIRY failed: %s",
                          w->what, l->info.lun, w->target, w->portal,
                          scIscsiCmdError(s, &l->c_std, why, sizeof(why)));
            return -1;
        }
        if ((d = scIscsiData(&l->c_83, &len)))
            scLunParseDesignators(d, len, &l->info);
        if ((d = scIscsiData(&l->c_rc, &len)))
            scLunParseCapacity16(d, len, &l->info);
        else if (l->info.device_type == SCSI_INQUIRY_PERIPHERAL_DEVICE_TYPE_DIRECT_ACCESS) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "%s: LUN %u of iSCSI target '%s' at portal %s: READ CAPACITY(16) "
                          "failed: %s",
                          w->what, l->info.lun, w->target, w->portal,
                          scIscsiCmdError(s, &l->c_rc, why, sizeof(why)));
            return -1;
        }
    }
    return 0;
}

/* VPD 0x80 of the LUNs of @luns whose want is set (or all when @all). */
static int
ask_serials(scIscsi *s, Lun *luns, size_t n, bool all)
{
    _cleanup_free_ Call *calls = scAlloc((n + 1) * sizeof(*calls));
    _cleanup_free_ scIscsiCmd **slots = scAlloc((n + 1) * sizeof(*slots));
    size_t k = 0, len;
    int r;

    if (!calls || !slots)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!all && luns[i].want <= 0)
            continue;
        luns[i].vpd80 = (InqArg){ luns[i].info.lun, 1, 0x80, 255 };
        calls[k] = (Call){ submit_inquiry, &luns[i].vpd80 };
        slots[k++] = &luns[i].c_80;
    }
    if ((r = run_calls(s, "INQUIRY (unit serial number)", calls, k, slots)) < 0)
        return r;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *d = scIscsiData(&luns[i].c_80, &len);
        if (d)
            scLunParseSerial(d, len, &luns[i].info);
    }
    return 0;
}

/* The key is the LUN's, not the portal's: udev's scsi_id id of its
 * designator, as the kernel-initiator backend keys it (a LUN without a
 * designator keeps libvirt's key, its path). */
static int
record(const Where *w, const Lun *l, scVolRecord *rec)
{
    char path[1100];

    snprintf(path, sizeof(path), "%s%u", w->prefix, l->info.lun);
    return scLunRecord(&l->info, l->name, l->info.udev_id[0] ? l->info.udev_id : path, path,
                       SC_STORAGE_VOL_NETWORK, rec);
}

/* ---- pool slots -------------------------------------------------------------- */

static int
idirect_start(const scPoolDef *def, scPoolRuntime *rt)
{
    scIscsi s;
    Where w;

    /* The target answers and lets us in: that is all a start can check. */
    if (session_open(def, &w, &s) < 0)
        return -1;
    scIscsiClose(&s);
    if (!(rt->state = scAsprintf("%s %s %s", w.portal, w.target, w.initiator)) ||
        scPoolRuntimeAddDir(rt, w.prefix) < 0) {
        scPoolRuntimeClear(rt);
        return -1;
    }
    return 0;
}

static int
cmp_lun_name(const void *a, const void *b)
{
    return strcmp(((const Lun *) a)->name, ((const Lun *) b)->name);
}

/* The LUNs of the target, named and in name order, into *@out. */
static int
list_luns(scIscsi *s, Lun **out, size_t *n)
{
    _cleanup_free_ unsigned int *nums = NULL;
    Lun *luns;
    int r;

    *out = NULL;
    if ((r = scIscsiReportLuns(s, &nums, n)) < 0)
        return r;
    if (!(luns = scAlloc((*n ? *n : 1) * sizeof(*luns))))
        return -1;
    for (size_t i = 0; i < *n; i++) {
        luns[i].info.lun = nums[i];
        snprintf(luns[i].name, sizeof(luns[i].name), SC_LUN_NAME_PREFIX "%u", nums[i]);
    }
    /* The sink wants strcmp order: "unit:0:0:10" before "unit:0:0:2". */
    qsort(luns, *n, sizeof(*luns), cmp_lun_name);
    *out = luns;
    return 0;
}

static void
luns_free(Lun *luns, size_t n)
{
    for (size_t i = 0; luns && i < n; i++)
        lun_free(&luns[i]);
    free(luns);
}

static int
discover_session(scIscsi *s, const Where *w, scDiscoverSink *sink)
{
    unsigned char sig[SC_VOL_SIG_MAX];
    scLunDigest digest = { { 0, 0 }, 0 };
    char token[64];
    Lun *luns = NULL;
    size_t n = 0;
    int r;

    if ((r = list_luns(s, &luns, &n)) < 0 || (r = ask_luns(s, w, luns, n)) < 0)
        goto out;
    for (size_t i = 0; i < n; i++)
        scLunDigestAdd(&digest, luns[i].name, sig, scLunSignature(&luns[i].info, sig));
    scLunDigestFormat(&digest, token, sizeof(token));
    if ((r = scSinkToken(sink, token)) <= 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        size_t len = scLunSignature(&luns[i].info, sig);
        if ((luns[i].want = scSinkEntry(sink, luns[i].name, sig, len)) < 0) {
            r = -1;
            goto out;
        }
    }
    if ((r = ask_serials(s, luns, n, false)) < 0)
        goto out;
    for (size_t i = 0; i < n && r >= 0; i++) {
        scVolRecord rec;
        if (luns[i].want <= 0)
            continue;
        scVolRecordInit(&rec);
        r = record(w, &luns[i], &rec) < 0 ? -1 : scSinkRecord(sink, &rec, luns[i].want);
        scVolRecordClear(&rec);
    }
out:
    luns_free(luns, n);
    return r < 0 ? r : 0;
}

static int
idirect_discover(const scPoolCtx *pool, scDiscoverSink *sink)
{
    scIscsi s;
    Where w;
    int r;

    if ((r = session_open(pool->def, &w, &s)) < 0)
        return r;
    r = discover_session(&s, &w, sink);
    scIscsiClose(&s);
    return r;
}

/* LUN @lun of the session's target, asked everything: 1, 0 (no such LUN),
 * SC_BACKEND_UNREACHABLE or -1. */
static int
probe_session(scIscsi *s, const Where *w, unsigned int lun, Lun *l)
{
    _cleanup_free_ unsigned int *nums = NULL;
    size_t n;
    bool found = false;
    int r;

    if ((r = scIscsiReportLuns(s, &nums, &n)) < 0)
        return r;
    for (size_t i = 0; i < n; i++)
        found = found || nums[i] == lun;
    if (!found)
        return 0;
    l->info.lun = lun;
    snprintf(l->name, sizeof(l->name), SC_LUN_NAME_PREFIX "%u", lun);
    if ((r = ask_luns(s, w, l, 1)) < 0 || (r = ask_serials(s, l, 1, true)) < 0)
        return r;
    return 1;
}

static int
idirect_vol_probe(const scPoolCtx *pool, const char *name, scVolRecord *rec)
{
    Lun l = { 0 };
    unsigned int lun;
    scIscsi s;
    Where w;
    int r;

    if (scLunFromName(name, &lun) < 0)
        return 0;
    if ((r = session_open(pool->def, &w, &s)) < 0)
        return -1;
    r = probe_session(&s, &w, lun, &l);
    scIscsiClose(&s);
    if (r > 0 && record(&w, &l, rec) < 0)
        r = -1;
    lun_free(&l);
    return r < 0 ? -1 : r;
}

static int
idirect_vol_lookup_path(const scPoolCtx *pool, const char *path, char **name)
{
    const char *prefix = pool->rt && pool->rt->dirs ? pool->rt->dirs[0] : NULL;
    const char *rest;
    unsigned int lun;
    char buf[32];

    *name = NULL;
    if (!prefix || strncmp(path, prefix, strlen(prefix)) != 0)
        return 0;
    rest = path + strlen(prefix);
    snprintf(buf, sizeof(buf), SC_LUN_NAME_PREFIX "%.10s", rest);
    if (strlen(rest) > 5 || scLunFromName(buf, &lun) < 0)
        return 0;
    return (*name = scStrdup(buf)) ? 1 : -1;
}

/* ---- volume slots: the LUN, checked ---------------------------------------- */

/* Log in and find the LUN of @vol as the catalog recorded it: the same
 * designator (a LUN number now given to another device is refused). Its
 * geometry into @l. 0 or -1 (session closed on failure). */
static int
vol_open(const scPoolCtx *pool, const scVolRecord *vol, Where *w, scIscsi *s, Lun *l)
{
    const char *designator = scVolRecordAttr(vol, "designator");
    unsigned int lun;
    int r;

    if (scLunFromName(vol->name, &lun) < 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INTERNAL_ERROR,
                      "volume '%s' is not a LUN name (unit:0:0:N)", vol->name);
        return -1;
    }
    if (session_open(pool->def, w, s) < 0)
        return -1;
    memset(l, 0, sizeof(*l));
    if ((r = probe_session(s, w, lun, l)) <= 0 ||
        (designator && strcmp(designator, l->info.designator) != 0) ||
        l->info.device_type != SCSI_INQUIRY_PERIPHERAL_DEVICE_TYPE_DIRECT_ACCESS ||
        !l->info.block_size || !scLunCapacity(&l->info)) {
        if (r == 0)
            scReportError(SC_FROM_STORAGE, SC_ERR_NO_STORAGE_VOL,
                          "volume '%s': iSCSI target '%s' at portal %s has no LUN %u now",
                          vol->name, w->target, w->portal, lun);
        else if (r > 0 && designator && strcmp(designator, l->info.designator) != 0)
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                          "volume '%s': LUN %u of iSCSI target '%s' is another device now "
                          "(designator '%s', recorded '%s'): refresh pool '%s'",
                          vol->name, lun, w->target, l->info.designator, designator,
                          pool->def->name);
        else if (r > 0)
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                          "volume '%s': LUN %u of iSCSI target '%s' is not a disk with blocks "
                          "(device type %d, %llu bytes)",
                          vol->name, lun, w->target, l->info.device_type, scLunCapacity(&l->info));
        lun_free(l);
        scIscsiClose(s);
        return -1;
    }
    return 0;
}

typedef struct {
    unsigned int lun;
    uint64_t lba;
    unsigned char *data;
    uint32_t len;
    uint32_t bs;
} IoArg;

static struct scsi_task *
submit_read16(struct iscsi_context *ctx, void *arg,
              void (*cb)(struct iscsi_context *, int, void *, void *), void *cmd)
{
    IoArg *a = arg;

    return iscsi_read16_task(ctx, (int) a->lun, a->lba, a->len, (int) a->bs, 0, 0, 0, 0, 0, cb,
                             cmd);
}

static struct scsi_task *
submit_write16(struct iscsi_context *ctx, void *arg,
               void (*cb)(struct iscsi_context *, int, void *, void *), void *cmd)
{
    IoArg *a = arg;

    return iscsi_write16_task(ctx, (int) a->lun, a->lba, a->data, a->len, (int) a->bs, 0, 0, 0, 0,
                              0, cb, cmd);
}

static struct scsi_task *
submit_writesame16(struct iscsi_context *ctx, void *arg,
                   void (*cb)(struct iscsi_context *, int, void *, void *), void *cmd)
{
    IoArg *a = arg;

    /* @len is the number of blocks here; @data one zero block. */
    return iscsi_writesame16_task(ctx, (int) a->lun, a->lba, a->data, a->bs, a->len, 0, 0, 0, 0, cb,
                                  cmd);
}

static struct scsi_task *
submit_unmap(struct iscsi_context *ctx, void *arg,
             void (*cb)(struct iscsi_context *, int, void *, void *), void *cmd)
{
    IoArg *a = arg;
    struct unmap_list list = { a->lba, a->len };

    return iscsi_unmap_task(ctx, (int) a->lun, 0, 0, &list, 1, cb, cmd);
}

/* One command on the LUN, waited for: 0, or -1 naming @what (with
 * *@illegal set when the target refused the command itself). */
static int
io_one(scIscsi *s, const Where *w, const char *vol, const char *what, scIscsiSubmit submit,
       IoArg *a, unsigned char *out, bool *illegal)
{
    scIscsiCmd cmd = { 0 };
    void *arg = a;
    char why[256];
    size_t len;
    const unsigned char *d;
    int r = scIscsiRun(s, what, 1, submit, &arg, &cmd, 1);

    if (illegal)
        *illegal = r == 0 && scIscsiIllegalRequest(&cmd);
    if (r == 0 && cmd.status != SCSI_STATUS_GOOD) {
        if (!illegal || !*illegal)
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "volume '%s': %s at block %llu of LUN %u of iSCSI target '%s' failed: "
                          "%s",
                          vol, what, (unsigned long long) a->lba, a->lun, w->target,
                          scIscsiCmdError(s, &cmd, why, sizeof(why)));
        r = -1;
    }
    if (r == 0 && out) {
        if (!(d = scIscsiData(&cmd, &len)) || len < (size_t) a->len) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "volume '%s': %s at block %llu of LUN %u returned %zu bytes of %u", vol,
                          what, (unsigned long long) a->lba, a->lun, len, a->len);
            r = -1;
        } else {
            memcpy(out, d, a->len);
        }
    }
    scIscsiCmdsFree(&cmd, 1);
    return r < 0 ? -1 : 0;
}

/* ---- wipe ------------------------------------------------------------------- */

/* Zero (or, with @trim, unmap) the whole LUN: WRITE SAME(16) of a zero
 * block where the target takes it, else WRITEs of zeroes. */
static int
wipe_luns(scIscsi *s, const Where *w, const scVolRecord *vol, const Lun *l, bool trim,
          const scProgress *progress)
{
    uint32_t bs = l->info.block_size;
    uint64_t total = l->info.blocks, per = CHUNK / bs ? CHUNK / bs : 1;
    _cleanup_free_ unsigned char *zero = scAlloc(per * bs);
    bool same = !trim, illegal = false;

    if (!zero)
        return -1;
    for (uint64_t lba = 0; lba < total;) {
        uint64_t n = total - lba < per ? total - lba : per;
        IoArg a = { l->info.lun, lba, zero, (uint32_t) n, bs };
        if (trim) {
            if (io_one(s, w, vol->name, "UNMAP", submit_unmap, &a, NULL, NULL) < 0)
                return -1;
        } else if (same) {
            if (io_one(s, w, vol->name, "WRITE SAME(16)", submit_writesame16, &a, NULL, &illegal) <
                0) {
                if (!illegal)
                    return -1;
                same = false; /* not supported: write zeroes instead */
                continue;
            }
        } else {
            a.len = (uint32_t) (n * bs);
            if (io_one(s, w, vol->name, "WRITE(16)", submit_write16, &a, NULL, NULL) < 0)
                return -1;
        }
        lba += n;
        if (scProgressReport(progress, lba * bs, total * bs) < 0)
            return -1;
    }
    return 0;
}

static int
idirect_vol_wipe(const scPoolCtx *pool, const scVolRecord *vol, unsigned int algorithm,
                 const scProgress *progress)
{
    scIscsi s;
    Where w;
    Lun l;
    int r;

    if (algorithm != SC_STORAGE_VOL_WIPE_ALG_ZERO && algorithm != SC_STORAGE_VOL_WIPE_ALG_TRIM) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "volume '%s': iSCSI LUNs can be wiped with zeroes or trimmed, not with "
                      "algorithm %u",
                      vol->name, algorithm);
        return -1;
    }
    if (vol_open(pool, vol, &w, &s, &l) < 0)
        return -1;
    if (algorithm == SC_STORAGE_VOL_WIPE_ALG_TRIM && !l.info.thin) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "volume '%s': LUN %u of iSCSI target '%s' does not support UNMAP (logical "
                      "block provisioning is not enabled)",
                      vol->name, l.info.lun, w.target);
        r = -1;
    } else {
        r = wipe_luns(&s, &w, vol, &l, algorithm == SC_STORAGE_VOL_WIPE_ALG_TRIM, progress);
    }
    lun_free(&l);
    scIscsiClose(&s);
    return r;
}

/* ---- upload and download ------------------------------------------------------ */

/* Read up to @len bytes from @fd (short only at its end). */
static ssize_t
read_full(int fd, unsigned char *buf, size_t len)
{
    size_t got = 0;

    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t) n;
    }
    return (ssize_t) got;
}

static int
write_full(int fd, const unsigned char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        buf += n;
        len -= (size_t) n;
    }
    return 0;
}

/* The byte range [@offset, @offset + *@length) checked against the LUN's
 * capacity (a length of 0: to the end). */
static int
check_range(const scVolRecord *vol, const Lun *l, unsigned long long offset,
            unsigned long long *length, bool upload)
{
    unsigned long long cap = scLunCapacity(&l->info);

    if (offset > cap || (*length && *length > cap - offset)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "volume '%s': %s of %llu bytes at offset %llu goes past its capacity %llu",
                      vol->name, upload ? "an upload" : "a download", *length, offset, cap);
        return -1;
    }
    if (!*length)
        *length = cap - offset;
    return 0;
}

static int
upload(scIscsi *s, const Where *w, const scVolRecord *vol, const Lun *l, int fd,
       unsigned long long offset, unsigned long long length, const scProgress *progress)
{
    uint32_t bs = l->info.block_size;
    _cleanup_free_ unsigned char *buf = scAlloc(CHUNK + 2 * (size_t) bs);
    _cleanup_free_ unsigned char *old = scAlloc(bs);
    unsigned long long done = 0, end = offset + length;

    if (!buf || !old)
        return -1;
    while (offset + done < end) {
        unsigned long long pos = offset + done;
        uint64_t lba = pos / bs;
        size_t head = (size_t) (pos % bs);
        size_t want = CHUNK - head < end - pos ? CHUNK - head : (size_t) (end - pos);
        ssize_t got = read_full(fd, buf + head, want);
        size_t span, tail;
        IoArg a = { l->info.lun, lba, old, bs, bs };

        if (got < 0) {
            scReportSystemError(SC_FROM_STORAGE, errno, "volume '%s': cannot read the upload",
                                vol->name);
            return -1;
        }
        if (got == 0)
            break;
        span = head + (size_t) got;
        tail = span % bs;
        /* Partial blocks keep what the LUN has around the new bytes. */
        if (head) {
            if (io_one(s, w, vol->name, "READ(16)", submit_read16, &a, old, NULL) < 0)
                return -1;
            memcpy(buf, old, head);
        }
        if (tail) {
            a.lba = lba + span / bs;
            if (!(head && span < bs) &&
                io_one(s, w, vol->name, "READ(16)", submit_read16, &a, old, NULL) < 0)
                return -1;
            memcpy(buf + span, old + tail, bs - tail);
            span += bs - tail;
        }
        a = (IoArg){ l->info.lun, lba, buf, (uint32_t) span, bs };
        if (io_one(s, w, vol->name, "WRITE(16)", submit_write16, &a, NULL, NULL) < 0)
            return -1;
        done += (unsigned long long) got;
        if (scProgressReport(progress, done, length) < 0)
            return -1;
        if ((size_t) got < want)
            break;
    }
    return 0;
}

static int
idirect_vol_upload(const scPoolCtx *pool, const scVolRecord *vol, int fd, unsigned long long offset,
                   unsigned long long length, unsigned int flags, const scProgress *progress)
{
    scIscsi s;
    Where w;
    Lun l;
    int r;

    /* SPARSE_STREAM: zero blocks are written as zeroes (a LUN has no holes
     * to leave; skipping them would keep old data). */
    (void) flags;
    if (vol_open(pool, vol, &w, &s, &l) < 0)
        return -1;
    r = check_range(vol, &l, offset, &length, true) < 0
            ? -1
            : upload(&s, &w, vol, &l, fd, offset, length, progress);
    lun_free(&l);
    scIscsiClose(&s);
    return r;
}

static bool
all_zero(const unsigned char *p, size_t n)
{
    return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

static int
download(scIscsi *s, const Where *w, const scVolRecord *vol, const Lun *l, int fd,
         unsigned long long offset, unsigned long long length, bool sparse,
         const scProgress *progress)
{
    uint32_t bs = l->info.block_size;
    _cleanup_free_ unsigned char *buf = scAlloc(CHUNK + (size_t) bs);
    unsigned long long done = 0;
    bool hole = false;
    off_t at = 0;

    if (!buf)
        return -1;
    while (done < length) {
        unsigned long long pos = offset + done;
        uint64_t lba = pos / bs;
        size_t head = (size_t) (pos % bs);
        size_t n = CHUNK - head < length - done ? CHUNK - head : (size_t) (length - done);
        size_t span = (head + n + bs - 1) / bs * bs;
        IoArg a = { l->info.lun, lba, NULL, (uint32_t) span, bs };

        if (io_one(s, w, vol->name, "READ(16)", submit_read16, &a, buf, NULL) < 0)
            return -1;
        if (sparse && all_zero(buf + head, n)) {
            if ((at = lseek(fd, (off_t) n, SEEK_CUR)) < 0)
                goto fail;
            hole = true;
        } else {
            if (write_full(fd, buf + head, n) < 0)
                goto fail;
            hole = false;
        }
        done += n;
        if (scProgressReport(progress, done, length) < 0)
            return -1;
    }
    /* A trailing hole: the file still ends where the data does. */
    if (hole && ftruncate(fd, at) < 0)
        goto fail;
    return 0;
fail:
    scReportSystemError(SC_FROM_STORAGE, errno, "volume '%s': cannot write the download",
                        vol->name);
    return -1;
}

static int
idirect_vol_download(const scPoolCtx *pool, const scVolRecord *vol, int fd,
                     unsigned long long offset, unsigned long long length, unsigned int flags,
                     const scProgress *progress)
{
    scIscsi s;
    Where w;
    Lun l;
    int r;

    if (vol_open(pool, vol, &w, &s, &l) < 0)
        return -1;
    r = check_range(vol, &l, offset, &length, false) < 0
            ? -1
            : download(&s, &w, vol, &l, fd, offset, length,
                       flags & SC_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM, progress);
    lun_free(&l);
    scIscsiClose(&s);
    return r;
}

/* ---- source discovery ---------------------------------------------------------- */

static int
idirect_find_sources(const char *srcspec, unsigned int flags, char **xml)
{
    scIscsiSourceSpec sp;
    scIscsiSources out;
    char portal[300];
    scIscsi s;
    int r;

    (void) flags;
    if (scIscsiSourceSpecParse(srcspec, "iscsi", true, &sp) < 0)
        return -1;
    if (scIscsiPortal(sp.host, sp.port, portal, sizeof(portal)) < 0 ||
        scIscsiOpen(&s, "iSCSI discovery", portal, NULL, sp.initiator, NULL, NULL, 0) < 0) {
        scIscsiSourceSpecClear(&sp);
        return -1;
    }
    scIscsiSourcesBegin(&out, &sp, true);
    r = scIscsiDiscover(&s, scIscsiSourcesAdd, &out);
    scIscsiClose(&s);
    r = scIscsiSourcesFinish(&out, r >= 0, xml);
    scIscsiSourceSpecClear(&sp);
    return r;
}

const scBackend scBackendIscsiDirect = {
    .version = SC_BACKEND_VERSION,
    .type = SC_POOL_ISCSI_DIRECT,
    .start = idirect_start,
    .find_sources = idirect_find_sources,
    .discover = idirect_discover,
    .vol_probe = idirect_vol_probe,
    .vol_lookup_path = idirect_vol_lookup_path,
    .vol_wipe = idirect_vol_wipe,
    .vol_upload = idirect_vol_upload,
    .vol_download = idirect_vol_download,
};
