/*
 * logical_vol.c: the volumes of a logical pool: its VG's logical volumes
 * (logical_report.c says which LVs are volumes and what their records
 * hold, as libvirt 9.0's logical backend reads them).
 *
 * A refresh first reads the VG's metadata sequence number from the disk of
 * one of its PVs (lvmmeta.h), checking that every PV start saw is still
 * there: when it equals the last refresh's, no lvm2 command runs at all.
 * Otherwise one lvs report (one row per segment) gives every LV and the
 * VG's sizes. An LV's change signature is a digest of its report rows and
 * of its device node's owner and mode.
 */
#include <config.h>

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/common/lvmmeta.h"
#include "logical_priv.h"
#include "util/util.h"

bool scLogicalFailAfterCreate;

/* ---- a pool's context ---------------------------------------------------- */

typedef struct {
    const scPoolDef *def;
    scLogicalState st;
    const char *vg;
    const char *target; /* the directory of volume paths */
} Pool;

static int
pool_load(const scPoolCtx *ctx, Pool *p)
{
    p->def = ctx->def;
    p->vg = scLogicalVg(ctx->def);
    p->target = ctx->def->target_path;
    return scLogicalStateParse(ctx->def->name, ctx->rt ? ctx->rt->state : NULL, &p->st);
}

static void
pool_clear(Pool *p)
{
    scLogicalStateClear(&p->st);
}

/* "VG/LV", in @buf of @n bytes. */
static const char *
full_name(const Pool *p, const char *lv, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s", p->vg, lv);
    return buf;
}

/* A VG that lvm2 no longer finds: renamed behind storcat's back (another
 * VG has its UUID), or removed. Reports which. */
static void
report_vg_gone(const Pool *p)
{
    static const char *const none[] = { NULL };
    scErrorSaved *saved = scErrorSave();
    char *renamed = NULL;
    scLvmReport rep;

    if (scLvmReportRun(&rep, "cannot list volume groups", VGS, "vg", "vg_name,vg_uuid", none,
                       NULL) == 0) {
        for (int row = scLvmReportFirst(&rep); row >= 0 && !renamed;
             row = scLvmReportNext(&rep, row))
            if (strcmp(scLvmField(&rep, row, "vg_uuid"), p->st.vg_uuid) == 0)
                renamed = scStrdup(scLvmField(&rep, row, "vg_name"));
        scLvmReportClear(&rep);
    }
    scErrorRestore(&saved);
    if (renamed)
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "pool '%s': volume group '%s' was renamed to '%s' behind storcat's back "
                      "(same UUID '%s'): stop the pool and define it with source name '%s'",
                      p->def->name, p->vg, renamed, p->st.vg_uuid, renamed);
    else
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "pool '%s': volume group '%s' (UUID '%s') is gone: removed behind storcat's "
                      "back, or its devices vanished",
                      p->def->name, p->vg, p->st.vg_uuid);
    free(renamed);
}

static void
report_missing_pvs(const Pool *p, unsigned long long missing)
{
    scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                  "pool '%s': volume group '%s' is missing %llu physical volume(s): bring the "
                  "device back, or remove it from the group (vgreduce --removemissing)",
                  p->def->name, p->vg, missing);
}

/* ---- discovery -------------------------------------------------------------- */

/* The change token from the PVs' disks: 1 with *@token set, 0 when it
 * cannot be told that way (a PV missing or not what start saw, no
 * readable metadata: lvm2 is asked), -1 (reported: the VG was renamed). */
static int
disk_token(const Pool *p, char **token)
{
    scLvmPvMeta meta, found = { 0 };
    const char *why;

    *token = NULL;
    for (size_t i = 0; i < p->st.npvs; i++) {
        int r = scLvmMetaReadDevice(p->st.pvs[i].path, &meta, &why);
        if (r < 0 || !scLvmUuidEqual(p->st.pvs[i].uuid, meta.pv_uuid))
            return 0;
        if (r > 0 && !found.has_meta && strcmp(meta.vg_id, p->st.vg_uuid) == 0)
            found = meta;
    }
    if (!found.has_meta)
        return 0;
    if (strcmp(found.vg_name, p->vg) != 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "pool '%s': volume group '%s' was renamed to '%s' behind storcat's back "
                      "(same UUID '%s'): stop the pool and define it with source name '%s'",
                      p->def->name, p->vg, found.vg_name, p->st.vg_uuid, found.vg_name);
        return -1;
    }
    *token = scAsprintf("lvm2:%s:%llu:%08x:%llu:%llu", found.vg_id, found.seqno,
                        (unsigned int) found.text_crc, (unsigned long long) found.text_offset,
                        (unsigned long long) found.text_size);
    return *token ? 1 : -1;
}

/* The lvs report of the VG (@lv NULL) or of one LV, its rows sorted. 0, 1
 * when that LV does not exist, -1. */
static int
report_lvs(const Pool *p, const char *lv, scLogicalLvs *lvs)
{
    char what[SC_LOGICAL_WHAT_MAX], full[2 * SC_LVM_NAME_MAX + 2];
    const char *args[] = { lv ? full_name(p, lv, full, sizeof(full)) : p->vg, NULL };
    _cleanup_free_ char *err = NULL;

    if (lv)
        scLogicalWhat(what, p->def, "cannot read logical volume '%s'", full);
    else
        scLogicalWhat(what, p->def, "cannot list the logical volumes of '%s'", p->vg);
    if (scLvmReportRun(&lvs->rep, what, LVS, "lv", SC_LOGICAL_LV_FIELDS, args, &err) == 0)
        return scLogicalLvsLoad(lvs);
    if (scLogicalNoSuchVg(err)) {
        report_vg_gone(p);
        return -1;
    }
    if (lv && scLogicalNoSuchLv(err)) {
        scResetLastError();
        return 1;
    }
    return -1;
}

/* The VG's sizes and PV state in a report's first row (none without
 * LVs). 1 sizes given to @sink, 0 no rows, -1 (reported: PVs missing). */
static int
report_sizes(const Pool *p, const scLogicalLvs *lvs, scDiscoverSink *sink)
{
    unsigned long long missing = 0;
    scStoragePoolInfo info = { 0 };
    const scLogicalRow *row = lvs->rows;

    if (lvs->n == 0)
        return 0;
    missing = strtoull(row->f[SC_LOGICAL_F_MISSING], NULL, 10);
    if (missing) {
        report_missing_pvs(p, missing);
        return -1;
    }
    if (!sink || !*row->f[SC_LOGICAL_F_VG_SIZE] || !*row->f[SC_LOGICAL_F_VG_FREE])
        return 0; /* the pool_info slot will ask */
    info.capacity = strtoull(row->f[SC_LOGICAL_F_VG_SIZE], NULL, 10);
    info.available = strtoull(row->f[SC_LOGICAL_F_VG_FREE], NULL, 10);
    if (info.available > info.capacity)
        return 0;
    info.allocation = info.capacity - info.available;
    return scSinkPoolInfo(sink, &info) < 0 ? -1 : 1;
}

/* Every volume of the report to @sink, in name order. */
static int
discover_report(const Pool *p, const scLogicalLvs *lvs, scDiscoverSink *sink)
{
    unsigned char sig[SC_VOL_SIG_MAX];
    char path[PATH_MAX];
    scVolRecord rec;
    scLogicalLv lv;
    size_t i = 0;
    int r = 0;

    scVolRecordInit(&rec);
    while (r >= 0 && scLogicalLvsNext(lvs, &i, &lv)) {
        int want;
        if (!scLogicalIsVolume(&lv))
            continue;
        snprintf(path, sizeof(path), "%s/%s", p->target, scLogicalLvName(&lv));
        if ((want = scSinkEntry(sink, scLogicalLvName(&lv), sig,
                                scLogicalLvSig(&lv, p->st.activation, path, sig))) <= 0) {
            r = want;
            continue;
        }
        r = scLogicalLvRecord(&lv, p->vg, p->target, p->st.activation, &rec) < 0
                ? -1
                : scSinkRecord(sink, &rec, want);
        scVolRecordClear(&rec);
    }
    return r < 0 ? -1 : 0;
}

int
scLogicalDiscoverReport(const scPoolCtx *ctx, char *json, scDiscoverSink *sink)
{
    scLogicalLvs lvs = { .rows = NULL };
    const char *why;
    Pool p;
    int r = -1;

    if (scLvmReportParse(&lvs.rep, json, "lv", &why) < 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "pool '%s': an lvs report that cannot be read: %s", ctx->def->name, why);
        scLogicalLvsClear(&lvs);
        return -1;
    }
    if (scLogicalLvsLoad(&lvs) == 0 && pool_load(ctx, &p) == 0) {
        if (report_sizes(&p, &lvs, sink) >= 0)
            r = discover_report(&p, &lvs, sink);
        pool_clear(&p);
    }
    scLogicalLvsClear(&lvs);
    return r;
}

int
scLogicalDiscover(const scPoolCtx *ctx, scDiscoverSink *sink)
{
    _cleanup_free_ char *token = NULL;
    scLogicalLvs lvs = { .rep = { .rows = -1 } };
    Pool p;
    int r;

    if (pool_load(ctx, &p) < 0)
        return -1;
    if ((r = disk_token(&p, &token)) > 0 && (r = scSinkToken(sink, token)) == 0) {
        /* Unchanged: so are the VG's sizes. No lvm2 command. */
        r = scSinkPoolInfo(sink, NULL);
        goto out;
    }
    if (r < 0)
        goto out;
    /* One report for every LV and the VG's sizes. */
    if ((r = report_lvs(&p, NULL, &lvs)) == 0 && (r = report_sizes(&p, &lvs, sink)) >= 0)
        r = discover_report(&p, &lvs, sink);
out:
    scLogicalLvsClear(&lvs);
    pool_clear(&p);
    return r < 0 ? -1 : 0;
}

int
scLogicalVolProbe(const scPoolCtx *ctx, const char *name, scVolRecord *rec)
{
    scLogicalLvs lvs = { .rep = { .rows = -1 } };
    scLogicalLv lv;
    size_t i = 0;
    Pool p;
    int r;

    scVolRecordClear(rec);
    /* A name lvm2 refuses is no LV's (a lookup of an odd path, say). */
    if (scLvmCheckName("volume", scLogicalVg(ctx->def), name) < 0) {
        scResetLastError();
        return 0;
    }
    if (pool_load(ctx, &p) < 0)
        return -1;
    if ((r = report_lvs(&p, name, &lvs)) != 0)
        r = r > 0 ? 0 : -1;
    else if (report_sizes(&p, &lvs, NULL) < 0)
        r = -1;
    else if (scLogicalLvsNext(&lvs, &i, &lv) && strcmp(scLogicalLvName(&lv), name) == 0 &&
             scLogicalIsVolume(&lv))
        r = scLogicalLvRecord(&lv, p.vg, p.target, p.st.activation, rec) < 0 ? -1 : 1;
    scLogicalLvsClear(&lvs);
    pool_clear(&p);
    return r;
}

int
scLogicalVolLookupPath(const scPoolCtx *ctx, const char *path, char **name)
{
    const char *vg = scLogicalVg(ctx->def), *base;
    _cleanup_free_ char *dir = scPathDirname(path, &base);
    _cleanup_free_ char *vgdir = scAsprintf("/dev/%s", vg);
    char *dm_vg = NULL, *dm_lv = NULL;
    int r;

    *name = NULL;
    if (!dir || !vgdir)
        return -1;
    if (!*base)
        return 0;
    if (strcmp(dir, ctx->def->target_path) == 0 || strcmp(dir, vgdir) == 0)
        return (*name = scStrdup(base)) ? 1 : -1;
    if (strcmp(dir, "/dev/mapper") != 0)
        return 0;
    if ((r = scLvmDmSplit(base, &dm_vg, &dm_lv)) > 0 && strcmp(dm_vg, vg) == 0) {
        *name = dm_lv;
        dm_lv = NULL;
    } else if (r > 0) {
        r = 0;
    }
    free(dm_vg);
    free(dm_lv);
    return r;
}

/* ---- creating -------------------------------------------------------------- */

/* The LV of volume path @path in this VG (a backing store), in *@lv. */
static int
lv_of_path(const Pool *p, const char *path, char **lv)
{
    scPoolRuntime rt = { NULL, NULL };
    scPoolCtx ctx = { .def = p->def, .rt = &rt };

    return scLogicalVolLookupPath(&ctx, path, lv);
}

/* What a new volume @vol needs, checked before lvm2 runs; its backing
 * LV's name in *@origin (NULL without one). 0 or -1. */
static int
check_new(const Pool *p, const scVolDef *vol, char **origin)
{
    *origin = NULL;
    if (scLvmCheckName("volume", p->vg, vol->name) < 0)
        return -1;
    if (vol->encryption) {
        scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                      "volume '%s': storcat cannot encrypt the volumes of logical pools",
                      vol->name);
        return -1;
    }
    if (vol->backing_path) {
        int r = lv_of_path(p, vol->backing_path, origin);
        if (r < 0)
            return -1;
        if (r == 0 || scLvmCheckName("volume", p->vg, *origin) < 0) {
            free(*origin);
            *origin = NULL;
            scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                          "volume '%s': backing store '%s' is not a logical volume of volume "
                          "group '%s'",
                          vol->name, vol->backing_path, p->vg);
            return -1;
        }
    }
    return 0;
}

int
scLogicalVolPlan(const scPoolCtx *ctx, const scVolDef *vol, scVolRecord *plan)
{
    _cleanup_free_ char *origin = NULL;
    Pool p;
    int r = -1;

    scVolRecordClear(plan);
    if (pool_load(ctx, &p) < 0)
        return -1;
    if (check_new(&p, vol, &origin) == 0) {
        /* The LV UUID does not exist yet: a key unique until lvcreate's
         * record replaces it. */
        plan->type = SC_STORAGE_VOL_BLOCK;
        plan->capacity = vol->capacity;
        plan->allocation = vol->allocation < vol->capacity ? vol->allocation : vol->capacity;
        if ((plan->name = scStrdup(vol->name)) &&
            (plan->key = scAsprintf("creating:%s/%s", p.vg, vol->name)) &&
            (plan->path = scAsprintf("%s/%s", p.target, vol->name)))
            r = 0;
        else
            scVolRecordClear(plan);
    }
    pool_clear(&p);
    return r;
}

/* "SIZEK": lvm2's size in KiB, rounded up (lvm2 rounds it up to whole
 * extents in turn). */
static void
kib(char *buf, size_t n, unsigned long long bytes)
{
    snprintf(buf, n, "%lluK", bytes / 1024 + (bytes % 1024 != 0));
}

/* Remove LV @name if it exists now: what a failed lvcreate may have left
 * (best effort, keeping the first error). */
static void
remove_halfway(const Pool *p, const char *name)
{
    scErrorSaved *saved = scErrorSave();
    char what[SC_LOGICAL_WHAT_MAX], full[2 * SC_LVM_NAME_MAX + 2];
    const char *args[] = { "-f", full_name(p, name, full, sizeof(full)), NULL };
    scLogicalLvs lvs = { .rep = { .rows = -1 } };

    if (report_lvs(p, name, &lvs) == 0 && lvs.n > 0)
        scLvmRun(scLogicalWhat(what, p->def, "cannot remove half-made logical volume '%s'", full),
                 LVREMOVE, args, NULL, NULL);
    scLogicalLvsClear(&lvs);
    scErrorRestore(&saved);
}

/* Set the owner and mode libvirt gives a new LV's device node (mode 0600
 * unless asked), where there is a node. 0 or -1. */
static int
set_perms(const Pool *p, const scVolDef *vol, const char *path)
{
    mode_t mode = vol->perms.mode >= 0 ? (mode_t) vol->perms.mode : 0600;
    struct stat st;

    if (!p->st.activation || stat(path, &st) < 0 || !S_ISBLK(st.st_mode))
        return 0;
    if (chmod(path, mode) < 0 ||
        ((vol->perms.uid >= 0 || vol->perms.gid >= 0) &&
         chown(path, vol->perms.uid >= 0 ? (uid_t) vol->perms.uid : (uid_t) -1,
               vol->perms.gid >= 0 ? (gid_t) vol->perms.gid : (gid_t) -1) < 0)) {
        scReportSystemError(SC_FROM_STORAGE, errno,
                            "volume '%s': cannot set the permissions of '%s'", vol->name, path);
        return -1;
    }
    return 0;
}

/* Remove the LV of @rec (by its UUID: never another LV that took its
 * name). 0, or -1 (reported). */
static int
remove_lv(const Pool *p, const scVolRecord *rec)
{
    char what[SC_LOGICAL_WHAT_MAX], select[80];
    const char *args[] = { "-f", "--select", select, p->vg, NULL };
    const char *chg[] = { "-aln", "--select", select, p->vg, NULL };

    /* An LV UUID is letters, digits and dashes: safe in a selection. */
    if (strspn(rec->key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") !=
            strlen(rec->key) ||
        strlen(rec->key) > 40) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INTERNAL_ERROR,
                      "volume '%s': its key '%s' is not an LV UUID", rec->name, rec->key);
        return -1;
    }
    snprintf(select, sizeof(select), "lv_uuid=%s", rec->key);
    scLogicalWhat(what, p->def, "cannot remove logical volume '%s/%s'", p->vg, rec->name);
    if (scLvmRun(what, LVREMOVE, args, NULL, NULL) == 0)
        return 0;
    /* As libvirt: an LV that would not go may go once deactivated. */
    if (!p->st.activation)
        return -1;
    scResetLastError();
    if (scLvmRun(scLogicalWhat(what, p->def, "cannot deactivate logical volume '%s/%s'", p->vg,
                               rec->name),
                 LVCHANGE, chg, NULL, NULL) < 0)
        return -1;
    return scLvmRun(
        scLogicalWhat(what, p->def, "cannot remove logical volume '%s/%s'", p->vg, rec->name),
        LVREMOVE, args, NULL, NULL);
}

/* lvcreate as libvirt runs it: a plain LV of the capacity; a sparse one
 * (allocation below capacity) as a snapshot of a virtual origin; a
 * snapshot of its backing LV. Then its device node's permissions and its
 * record. What lvcreate leaves behind when it fails, or an LV that cannot
 * be finished or recorded, is removed. */
static int
create_lv(const scPoolCtx *ctx, const Pool *p, const scVolDef *vol, scVolRecord *rec)
{
    _cleanup_free_ char *origin = NULL;
    _cleanup_free_ char *err = NULL;
    _cleanup_free_ char *path = NULL;
    char what[SC_LOGICAL_WHAT_MAX], cap[32], alloc[32], from[2 * SC_LVM_NAME_MAX + 2];
    bool sparse = vol->allocation < vol->capacity;
    const char *args[16];
    size_t n = 0;
    int r;

    if (check_new(p, vol, &origin) < 0 || !(path = scAsprintf("%s/%s", p->target, vol->name)))
        return -1;
    if (vol->capacity == 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "volume '%s': a logical volume cannot have a capacity of 0", vol->name);
        return -1;
    }
    kib(cap, sizeof(cap), vol->capacity);
    kib(alloc, sizeof(alloc), vol->allocation ? vol->allocation : 1);
    args[n++] = "--name";
    args[n++] = vol->name;
    args[n++] = "-L";
    if (sparse) {
        args[n++] = alloc;
        args[n++] = "--type";
        args[n++] = "snapshot";
        args[n++] = "--virtualsize";
    }
    args[n++] = cap;
    if (origin) {
        args[n++] = "-s";
        args[n++] = full_name(p, origin, from, sizeof(from));
    } else {
        args[n++] = p->vg;
    }
    args[n++] = "--yes";
    args[n] = NULL;
    scLogicalWhat(what, p->def, "cannot create volume '%s' in volume group '%s'", vol->name, p->vg);
    if (scLvmRun(what, LVCREATE, args, NULL, &err) < 0) {
        if (err && strstr(err, "already exists")) {
            scReportError(SC_FROM_STORAGE, SC_ERR_STORAGE_VOL_EXIST,
                          "'%s' (a logical volume of that name is in volume group '%s')",
                          vol->name, p->vg);
            return -1;
        }
        remove_halfway(p, vol->name);
        return -1;
    }
    if (scLogicalFailAfterCreate) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "volume '%s': failure injected after lvcreate (tests)", vol->name);
        remove_halfway(p, vol->name);
        return -1;
    }
    if (set_perms(p, vol, path) < 0 || (r = scLogicalVolProbe(ctx, vol->name, rec)) < 0) {
        remove_halfway(p, vol->name);
        return -1;
    }
    if (r == 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "volume '%s': lvcreate made it, but lvs does not show it as a volume",
                      vol->name);
        remove_halfway(p, vol->name);
        return -1;
    }
    /* Its identity (the LV UUID lvs told) to the core's journal before
     * anything else, so that a refresh after a crash from here on removes
     * it; a crash before leaves it 'incomplete'. */
    if (scPoolCtxVolMade(ctx, rec->ident, rec->ident_len) < 0) {
        remove_halfway(p, vol->name);
        return -1;
    }
    return 0;
}

int
scLogicalVolBuild(const scPoolCtx *ctx, const scVolDef *vol, unsigned int flags,
                  const scProgress *progress, scVolRecord *rec)
{
    Pool p;
    int r;

    (void) flags;
    (void) progress;
    if (pool_load(ctx, &p) < 0)
        return -1;
    r = create_lv(ctx, &p, vol, rec);
    pool_clear(&p);
    return r;
}

int
scLogicalVolBuildFrom(const scPoolCtx *ctx, const scVolDef *vol, const scPoolCtx *src_pool,
                      const scVolRecord *src, unsigned int flags, const scProgress *progress,
                      scVolRecord *rec)
{
    scVolDef def = *vol;
    unsigned long long size;
    const char *why;
    Pool p;
    int fd, r = -1;

    (void) src_pool;
    (void) flags;
    if (pool_load(ctx, &p) < 0)
        return -1;
    /* The data goes through the new LV's device: none, no clone (and no LV
     * made to be removed again). */
    if (!p.st.activation || !scLvmDmAvailable(&why)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "volume '%s': cannot clone '%s' into volume group '%s': its logical "
                      "volumes have no device nodes (activation is off: the kernel has no "
                      "device-mapper, or STORCAT_LVM_CONFIG disables it)",
                      vol->name, src->name, p.vg);
        goto out;
    }
    /* As large as the source at least, and fully allocated: the copy
     * writes every byte. */
    if (def.capacity < src->capacity)
        def.capacity = src->capacity;
    def.allocation = def.capacity;
    def.backing_path = NULL;
    if (create_lv(ctx, &p, &def, rec) < 0)
        goto out;
    if ((fd = scLogicalOpenLv(ctx, rec, O_WRONLY, &size)) >= 0) {
        r = scLogicalCopyInto(fd, size, vol->name, src, progress);
        close(fd);
    }
    if (r < 0) {
        scErrorSaved *saved = scErrorSave();
        remove_lv(&p, rec);
        scErrorRestore(&saved);
        scVolRecordClear(rec);
    }
out:
    pool_clear(&p);
    return r;
}

/* ---- changing -------------------------------------------------------------- */

int
scLogicalVolDelete(const scPoolCtx *ctx, const scVolRecord *vol, unsigned int flags)
{
    Pool p;
    int r = -1;

    if (pool_load(ctx, &p) < 0)
        return -1;
    if (!(flags & SC_STORAGE_VOL_DELETE_ZEROED) ||
        scLogicalWipe(ctx, vol, SC_STORAGE_VOL_WIPE_ALG_ZERO, NULL) == 0)
        r = remove_lv(&p, vol);
    pool_clear(&p);
    return r;
}

int
scLogicalVolResize(const scPoolCtx *ctx, const scVolRecord *vol, unsigned long long capacity,
                   unsigned int flags)
{
    const char *attr = scVolRecordAttr(vol, "lv_attr");
    char what[SC_LOGICAL_WHAT_MAX], size[32], full[2 * SC_LVM_NAME_MAX + 2];
    bool shrink = capacity < vol->capacity;
    const char *args[8];
    size_t n = 0;
    Pool p;
    int r = -1;

    (void) flags;
    if (pool_load(ctx, &p) < 0)
        return -1;
    /* lvresize of a snapshot resizes its copy-on-write store, not what a
     * guest sees. */
    if (attr && (attr[0] == 's' || attr[0] == 'S')) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "volume '%s' is a snapshot (sparse): lvresize would resize its "
                      "copy-on-write store, not its capacity",
                      vol->name);
        goto out;
    }
    if (scLvmCheckName("volume", p.vg, vol->name) < 0)
        goto out;
    kib(size, sizeof(size), capacity);
    if (shrink)
        args[n++] = "-f"; /* lvreduce asks otherwise; the core checked the flag */
    args[n++] = "-L";
    args[n++] = size;
    args[n++] = full_name(&p, vol->name, full, sizeof(full));
    args[n++] = "--yes";
    args[n] = NULL;
    r = scLvmRun(
        scLogicalWhat(what, p.def, "cannot resize volume '%s' to %llu bytes", vol->name, capacity),
        LVRESIZE, args, NULL, NULL);
out:
    pool_clear(&p);
    return r;
}
