/*
 * logical.c: the "logical" backend: a pool is an LVM volume group, its
 * volumes are the group's logical volumes (logical_vol.c), as libvirt's
 * logical backend (src/storage/storage_backend_logical.c) makes and reads
 * them, through lvm2's tools and its machine-readable reports.
 *
 * Here: the pool's slots. build checks with libblkid that each source
 * device is empty (refusing, unless asked to overwrite, a device that
 * carries a file system, a partition table or another PV, naming it),
 * zeroes its first and last MiB, runs pvcreate on each and vgcreate;
 * start checks that the VG is there whole and holds one of the source
 * devices, activates its LVs (vgchange -aly) and keeps the VG, its UUID
 * and its PVs as the pool's runtime state; stop deactivates them (an LV in
 * use is named); delete runs vgremove and pvremove. Where the kernel has no
 * device-mapper nothing can be activated: start and stop say so, unless
 * STORCAT_LVM_CONFIG (say 'global{activation=0}') tells lvm2 to manage
 * the metadata only.
 */
#include <config.h>

#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/common/signature.h"
#include "logical_priv.h"
#include "util/util.h"

/* Bytes zeroed at each end of a device before pvcreate (libvirt's). */
#define ZERO_BYTES (1024 * 1024)

/* ---- helpers shared by the backend's files ---------------------------- */

const char *
scLogicalVg(const scPoolDef *def)
{
    return def->source.name ? def->source.name : def->name;
}

const char *
scLogicalWhat(char *buf, const scPoolDef *def, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(buf, SC_LOGICAL_WHAT_MAX, "pool '%.120s': ", def->name);

    va_start(ap, fmt);
    vsnprintf(buf + n, SC_LOGICAL_WHAT_MAX - (size_t) n, fmt, ap);
    va_end(ap);
    return buf;
}

bool
scLogicalNoSuchLv(const char *err)
{
    return err && strstr(err, "Failed to find logical volume");
}

bool
scLogicalNoSuchVg(const char *err)
{
    return err && strstr(err, "Volume group \"") && strstr(err, "\" not found");
}

void
scLogicalStateClear(scLogicalState *st)
{
    free(st->vg);
    free(st->vg_uuid);
    for (size_t i = 0; i < st->npvs; i++) {
        free(st->pvs[i].uuid);
        free(st->pvs[i].path);
    }
    free(st->pvs);
    memset(st, 0, sizeof(*st));
}

static int
state_add_pv(scLogicalState *st, const char *uuid, const char *path)
{
    scLogicalPv *pvs = reallocarray(st->pvs, st->npvs + 1, sizeof(*pvs));

    if (!pvs) {
        scReportOOM();
        return -1;
    }
    st->pvs = pvs;
    pvs[st->npvs] = (scLogicalPv){ scStrdup(uuid), scStrdup(path) };
    if (!pvs[st->npvs].uuid || !pvs[st->npvs].path) {
        free(pvs[st->npvs].uuid);
        free(pvs[st->npvs].path);
        return -1;
    }
    st->npvs++;
    return 0;
}

int
scLogicalStateParse(const char *pool, const char *text, scLogicalState *st)
{
    memset(st, 0, sizeof(*st));
    for (const char *p = text ? text : ""; *p;) {
        const char *eol = strchrnul(p, '\n');
        _cleanup_free_ char *line = strndup(p, (size_t) (eol - p));
        char *sp;
        int r = 0;

        p = *eol ? eol + 1 : eol;
        if (!line) {
            scReportOOM();
            goto error;
        }
        if (strncmp(line, "vg=", 3) == 0)
            r = (st->vg = scStrdup(line + 3)) ? 0 : -1;
        else if (strncmp(line, "vg_uuid=", 8) == 0)
            r = (st->vg_uuid = scStrdup(line + 8)) ? 0 : -1;
        else if (strncmp(line, "activation=", 11) == 0)
            st->activation = strcmp(line + 11, "yes") == 0;
        else if (strncmp(line, "pv=", 3) == 0 && (sp = strchr(line + 3, ' ')))
            r = (*sp = '\0', state_add_pv(st, line + 3, sp + 1));
        if (r < 0)
            goto error;
    }
    if (st->vg && st->vg_uuid)
        return 0;
    scReportError(SC_FROM_STORAGE, SC_ERR_INTERNAL_ERROR,
                  "pool '%s': its runtime state is not a logical pool's: start it again", pool);
error:
    scLogicalStateClear(st);
    return -1;
}

static char *
state_format(const scLogicalState *st)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    if (!f) {
        scReportOOM();
        return NULL;
    }
    fprintf(f, "vg=%s\nvg_uuid=%s\nactivation=%s\n", st->vg, st->vg_uuid,
            st->activation ? "yes" : "no");
    for (size_t i = 0; i < st->npvs; i++)
        fprintf(f, "pv=%s %s\n", st->pvs[i].uuid, st->pvs[i].path);
    if (fclose(f) != 0) {
        free(text);
        scReportOOM();
        return NULL;
    }
    return text;
}

/* Activation needs device-mapper, unless lvm2 is told not to activate. */
static int
check_activation(const scPoolDef *def, const char *verb, bool *dm)
{
    const char *why;

    if ((*dm = scLvmDmAvailable(&why)) || scLvmConfig())
        return 0;
    scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                  "pool '%s': cannot %s volume group '%s': the kernel has no device-mapper (%s), "
                  "so its logical volumes cannot be activated; to manage its metadata only, set "
                  "STORCAT_LVM_CONFIG='global{activation=0}'",
                  def->name, verb, scLogicalVg(def), why);
    return -1;
}

/* ---- check, build, delete ----------------------------------------------- */

static int
logical_check(const scPoolDef *def, bool *active)
{
    char what[SC_LOGICAL_WHAT_MAX];
    const char *args[] = { scLogicalVg(def), NULL };
    _cleanup_free_ char *err = NULL;
    scLvmReport rep;

    *active = false;
    if (scLvmCheckName("volume group", scLogicalVg(def), NULL) < 0)
        return -1;
    scLogicalWhat(what, def, "cannot check volume group '%s'", scLogicalVg(def));
    if (scLvmReportRun(&rep, what, VGS, "vg", "vg_name", args, &err) < 0) {
        if (!scLogicalNoSuchVg(err))
            return -1;
        scResetLastError();
        return 0;
    }
    *active = scLvmReportFirst(&rep) >= 0;
    scLvmReportClear(&rep);
    return 0;
}

/* Zero the first and last ZERO_BYTES of @path (opened exclusively: a
 * mounted or otherwise held device is refused), as libvirt does before
 * pvcreate, so that no old label or table confuses lvm2. */
static int
zero_ends(const scPoolDef *def, const char *path)
{
    static const char zero[64 * 1024];
    unsigned long long size = 0;
    struct stat st;
    int fd = open(path, O_WRONLY | O_EXCL | O_CLOEXEC);

    if (fd < 0 || fstat(fd, &st) < 0 ||
        (S_ISBLK(st.st_mode) ? ioctl(fd, BLKGETSIZE64, &size) < 0
                             : (size = (unsigned long long) st.st_size, false))) {
        scReportSystemError(SC_FROM_STORAGE, errno, "pool '%s': cannot open device '%s'", def->name,
                            path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    for (int end = 0; end < 2; end++) {
        unsigned long long len = size < ZERO_BYTES ? size : ZERO_BYTES;
        unsigned long long at = end ? size - len : 0;
        for (unsigned long long done = 0; done < len;) {
            size_t n = len - done < sizeof(zero) ? (size_t) (len - done) : sizeof(zero);
            ssize_t w = pwrite(fd, zero, n, (off_t) (at + done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                scReportSystemError(SC_FROM_STORAGE, w < 0 ? errno : EIO,
                                    "pool '%s': cannot clear the ends of device '%s'", def->name,
                                    path);
                close(fd);
                return -1;
            }
            done += (unsigned long long) w;
        }
    }
    if (fsync(fd) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "pool '%s': cannot clear device '%s'",
                            def->name, path);
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

/* pvremove the first @n source devices (undoing a build; best effort). */
static void
pvremove_devices(const scPoolDef *def, size_t n)
{
    scErrorSaved *saved = scErrorSave();
    char what[SC_LOGICAL_WHAT_MAX];

    for (size_t i = 0; i < n; i++) {
        const char *args[] = { "-ff", "-y", def->source.devices[i].path, NULL };
        scLogicalWhat(what, def, "cannot remove physical volume '%s'", def->source.devices[i].path);
        scLvmRun(what, PVREMOVE, args, NULL, NULL);
    }
    scErrorRestore(&saved);
}

static int
logical_build(const scPoolDef *def, unsigned int flags)
{
    const char *vg = scLogicalVg(def);
    bool overwrite = flags & SC_STORAGE_POOL_BUILD_OVERWRITE;
    char what[SC_LOGICAL_WHAT_MAX], found[SC_SIGNATURE_MAX];
    const char *args[4 + 64];
    size_t i, n = 0;

    if (flags & (SC_STORAGE_POOL_BUILD_REPAIR | SC_STORAGE_POOL_BUILD_RESIZE)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "pool '%s': a logical pool cannot be repaired or resized", def->name);
        return -1;
    }
    if (scLvmCheckName("volume group", vg, NULL) < 0)
        return -1;
    if (def->source.ndevices == 0 || def->source.ndevices > 64) {
        scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                      "pool '%s': volume group '%s' is built on 1 to 64 source devices "
                      "(<source><device path=.../>), not %zu",
                      def->name, vg, def->source.ndevices);
        return -1;
    }
    /* Every device is checked before any is touched. */
    for (i = 0; !overwrite && i < def->source.ndevices; i++) {
        const char *path = def->source.devices[i].path;
        char type[SC_SIGNATURE_MAX];
        int r = scDeviceSignature(def->name, path, type, found);
        if (r < 0)
            return -1;
        if (r > 0) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                          "pool '%s': device '%s' is not empty: libblkid found %s on it; build "
                          "with overwrite to destroy it",
                          def->name, path, found);
            return -1;
        }
    }
    args[n++] = vg;
    for (i = 0; i < def->source.ndevices; i++) {
        const char *path = def->source.devices[i].path;
        const char *pv[] = { "-y", path, NULL };
        if (zero_ends(def, path) < 0 ||
            scLvmRun(scLogicalWhat(what, def, "cannot make device '%s' a physical volume", path),
                     PVCREATE, pv, NULL, NULL) < 0) {
            pvremove_devices(def, i);
            return -1;
        }
        args[n++] = path;
    }
    args[n] = NULL;
    if (scLvmRun(scLogicalWhat(what, def, "cannot create volume group '%s'", vg), VGCREATE, args,
                 NULL, NULL) < 0) {
        pvremove_devices(def, def->source.ndevices);
        return -1;
    }
    return 1;
}

static int
logical_delete(const scPoolDef *def, unsigned int flags)
{
    const char *vg = scLogicalVg(def);
    const char *args[] = { "-f", vg, NULL };
    _cleanup_free_ char *err = NULL;
    char what[SC_LOGICAL_WHAT_MAX];

    if (flags & SC_STORAGE_POOL_DELETE_ZEROED) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "pool '%s': a logical pool cannot be deleted zeroed", def->name);
        return -1;
    }
    if (scLvmCheckName("volume group", vg, NULL) < 0)
        return -1;
    /* As libvirt: vgremove -f (its LVs go with it). A group removed
     * already (a delete cut short after it) is not an error. */
    if (scLvmRun(scLogicalWhat(what, def, "cannot remove volume group '%s'", vg), VGREMOVE, args,
                 NULL, &err) < 0) {
        if (!scLogicalNoSuchVg(err))
            return -1;
        scResetLastError();
    }
    for (size_t i = 0; i < def->source.ndevices; i++) {
        const char *path = def->source.devices[i].path;
        const char *pv[] = { "-y", path, NULL };
        free(err);
        err = NULL;
        if (scLvmRun(scLogicalWhat(what, def, "cannot remove physical volume '%s'", path), PVREMOVE,
                     pv, NULL, &err) < 0) {
            /* Not a PV (any more): nothing to remove. */
            if (!err || !strstr(err, "not a PV"))
                return -1;
            scResetLastError();
        }
    }
    return 0;
}

/* ---- start and stop ------------------------------------------------------ */

/* Is canonical device @pv one of the definition's devices? */
static bool
is_source_device(const scPoolDef *def, const char *pv)
{
    char a[PATH_MAX], b[PATH_MAX];

    for (size_t i = 0; i < def->source.ndevices; i++) {
        const char *d = def->source.devices[i].path;
        if (strcmp(d, pv) == 0 || (realpath(d, a) && realpath(pv, b) && strcmp(a, b) == 0))
            return true;
    }
    return false;
}

/* The VG's UUID and PVs into @st, checking it is whole and holds one of
 * the source devices (libvirt's virStorageBackendLogicalMatchPoolSource). */
static int
read_group(const scPoolDef *def, scLogicalState *st)
{
    const char *vg = scLogicalVg(def);
    const char *args[] = { vg, NULL };
    char what[SC_LOGICAL_WHAT_MAX];
    _cleanup_free_ char *err = NULL;
    unsigned long long missing = 0;
    bool matched = def->source.ndevices == 0;
    scLvmReport rep;
    int r = -1;

    scLogicalWhat(what, def, "cannot read volume group '%s'", vg);
    if (scLvmReportRun(&rep, what, VGS, "vg", "vg_uuid,pv_name,pv_uuid,vg_missing_pv_count", args,
                       &err) < 0) {
        if (scLogicalNoSuchVg(err))
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "pool '%s': volume group '%s' not found (build the pool first?)",
                          def->name, vg);
        return -1;
    }
    for (int row = scLvmReportFirst(&rep); row >= 0; row = scLvmReportNext(&rep, row)) {
        const char *pv = scLvmField(&rep, row, "pv_name");
        if (!st->vg_uuid && !(st->vg_uuid = scStrdup(scLvmField(&rep, row, "vg_uuid"))))
            goto out;
        scLvmFieldNum(&rep, row, "vg_missing_pv_count", &missing);
        if (missing)
            continue;
        matched = matched || is_source_device(def, pv);
        if (state_add_pv(st, scLvmField(&rep, row, "pv_uuid"), pv) < 0)
            goto out;
    }
    if (!st->vg_uuid || !*st->vg_uuid) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "pool '%s': volume group '%s' not found (build the pool first?)", def->name,
                      vg);
    } else if (missing) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "pool '%s': volume group '%s' is missing %llu physical volume(s): bring the "
                      "device back, or remove it from the group (vgreduce --removemissing)",
                      def->name, vg, missing);
    } else if (!matched) {
        scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                      "pool '%s': none of its source devices is a physical volume of volume group "
                      "'%s' (first: '%s')",
                      def->name, vg, def->source.devices[0].path);
    } else {
        r = 0;
    }
out:
    scLvmReportClear(&rep);
    return r;
}

static int
logical_start(const scPoolDef *def, scPoolRuntime *rt)
{
    const char *vg = scLogicalVg(def);
    const char *args[] = { "-aly", vg, NULL };
    char what[SC_LOGICAL_WHAT_MAX];
    _cleanup_free_ char *vgdir = NULL;
    scLogicalState st = { 0 };
    bool dm;

    if (scLvmCheckName("volume group", vg, NULL) < 0 || check_activation(def, "start", &dm) < 0 ||
        !(st.vg = scStrdup(vg)) || read_group(def, &st) < 0)
        goto error;
    st.activation = dm;
    if (dm && scLvmRun(scLogicalWhat(what, def, "cannot activate volume group '%s'", vg), VGCHANGE,
                       args, NULL, NULL) < 0)
        goto error;
    /* Volume paths are in the target directory (/dev/VG by default), and
     * /dev/VG and /dev/mapper name them too. */
    if (!(rt->state = state_format(&st)) || !(vgdir = scAsprintf("/dev/%s", vg)) ||
        scPoolRuntimeAddDir(rt, def->target_path) < 0 ||
        (strcmp(vgdir, def->target_path) != 0 && scPoolRuntimeAddDir(rt, vgdir) < 0) ||
        scPoolRuntimeAddDir(rt, "/dev/mapper") < 0) {
        scPoolRuntimeClear(rt);
        goto error;
    }
    scLogicalStateClear(&st);
    return 0;
error:
    scLogicalStateClear(&st);
    return -1;
}

/* After a failed deactivation: the LVs that are open, named in @buf. */
static void
open_lvs(const scPoolDef *def, char *buf, size_t n)
{
    const char *args[] = { scLogicalVg(def), NULL };
    char what[SC_LOGICAL_WHAT_MAX];
    scErrorSaved *saved = scErrorSave();
    scLvmReport rep;
    size_t len = 0;

    buf[0] = '\0';
    scLogicalWhat(what, def, "cannot list the open logical volumes");
    if (scLvmReportRun(&rep, what, LVS, "lv", "lv_name,lv_device_open", args, NULL) == 0) {
        for (int row = scLvmReportFirst(&rep); row >= 0; row = scLvmReportNext(&rep, row)) {
            if (strcmp(scLvmField(&rep, row, "lv_device_open"), "open") != 0 || len + 8 > n)
                continue;
            len += (size_t) snprintf(buf + len, n - len, "%s'%s'", len ? ", " : "",
                                     scLvmField(&rep, row, "lv_name"));
            if (len >= n)
                len = n - 1;
        }
        scLvmReportClear(&rep);
    }
    scErrorRestore(&saved);
}

static int
logical_stop(const scPoolDef *def, const scPoolRuntime *rt)
{
    const char *vg = scLogicalVg(def);
    const char *args[] = { "-aln", vg, NULL };
    char what[SC_LOGICAL_WHAT_MAX], open_names[256];
    _cleanup_free_ char *err = NULL;
    bool dm;

    (void) rt;
    if (scLvmCheckName("volume group", vg, NULL) < 0 || check_activation(def, "stop", &dm) < 0)
        return -1;
    if (!dm)
        return 0; /* nothing was activated */
    if (scLvmRun(scLogicalWhat(what, def, "cannot deactivate volume group '%s'", vg), VGCHANGE,
                 args, NULL, &err) == 0)
        return 0;
    if (scLogicalNoSuchVg(err)) {
        scResetLastError();
        return 0; /* nothing left to deactivate */
    }
    open_lvs(def, open_names, sizeof(open_names));
    if (open_names[0])
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "pool '%s': cannot stop volume group '%s': logical volume(s) %s in use "
                      "(lvm2: %s)",
                      def->name, vg, open_names, err ? err : "");
    return -1;
}

/* ---- sizes and sources ---------------------------------------------------- */

static int
logical_pool_info(const scPoolCtx *pool, scStoragePoolInfo *info)
{
    const char *vg = scLogicalVg(pool->def);
    const char *args[] = { vg, NULL };
    char what[SC_LOGICAL_WHAT_MAX];
    unsigned long long size = 0, free_ = 0, missing = 0;
    scLvmReport rep;
    int row, r = -1;

    scLogicalWhat(what, pool->def, "cannot read the size of volume group '%s'", vg);
    if (scLvmReportRun(&rep, what, VGS, "vg", "vg_size,vg_free,vg_missing_pv_count", args, NULL) <
        0)
        return -1;
    if ((row = scLvmReportFirst(&rep)) < 0 || scLvmFieldNum(&rep, row, "vg_size", &size) < 0 ||
        scLvmFieldNum(&rep, row, "vg_free", &free_) < 0 || free_ > size) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED, "%s: vgs reported no sizes", what);
    } else if (scLvmFieldNum(&rep, row, "vg_missing_pv_count", &missing) == 0 && missing) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "pool '%s': volume group '%s' is missing %llu physical volume(s): bring the "
                      "device back, or remove it from the group (vgreduce --removemissing)",
                      pool->def->name, vg, missing);
    } else {
        info->capacity = size;
        info->available = free_;
        info->allocation = size - free_;
        r = 0;
    }
    scLvmReportClear(&rep);
    return r;
}

/* The source of VG @vg in @list (added if new). NULL on OOM. */
static scPoolSource *
source_of(scPoolSource **list, size_t *n, const char *vg)
{
    scPoolSource *s;

    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i].name, vg) == 0)
            return &(*list)[i];
    if (!(s = reallocarray(*list, *n + 1, sizeof(*s)))) {
        scReportOOM();
        return NULL;
    }
    *list = s;
    s = &s[*n];
    memset(s, 0, sizeof(*s));
    if (!(s->name = scStrdup(vg)))
        return NULL;
    (*n)++;
    return s;
}

/* As libvirt: vgscan (its failure does not matter), then every PV that
 * belongs to a VG, grouped by VG in the order pvs lists them. */
static int
logical_find_sources(const char *srcspec, unsigned int flags, char **xml)
{
    static const char *const none[] = { NULL };
    scPoolSource *list = NULL;
    scLvmReport rep;
    size_t n = 0;
    int r = -1;

    (void) srcspec;
    (void) flags;
    if (scLvmRun("cannot scan for volume groups", VGSCAN, none, NULL, NULL) < 0)
        scResetLastError();
    if (scLvmReportRun(&rep, "cannot list the physical volumes of this host", PVS, "pv",
                       "pv_name,vg_name", none, NULL) < 0)
        return -1;
    for (int row = scLvmReportFirst(&rep); row >= 0; row = scLvmReportNext(&rep, row)) {
        const char *vg = scLvmField(&rep, row, "vg_name");
        scPoolSourceDevice *d;
        scPoolSource *s;
        if (!*vg)
            continue;
        if (!(s = source_of(&list, &n, vg)) ||
            !(d = reallocarray(s->devices, s->ndevices + 1, sizeof(*d))))
            goto out;
        s->devices = d;
        d[s->ndevices] =
            (scPoolSourceDevice){ .path = scStrdup(scLvmField(&rep, row, "pv_name")),
                                  .part_separator = SC_TRISTATE_ABSENT };
        if (!d[s->ndevices++].path)
            goto out;
        if (!s->format && !(s->format = scStrdup("lvm2")))
            goto out;
    }
    r = (*xml = scPoolSourceListFormat(SC_POOL_LOGICAL, list, n)) ? 0 : -1;
out:
    if (r < 0 && !scErrorIsSet())
        scReportOOM();
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < list[i].ndevices; j++)
            free(list[i].devices[j].path);
        free(list[i].devices);
        free(list[i].name);
        free(list[i].format);
    }
    free(list);
    scLvmReportClear(&rep);
    return r;
}

const scBackend scBackendLogical = {
    .version = SC_BACKEND_VERSION,
    .type = SC_POOL_LOGICAL,
    .check = logical_check,
    .build = logical_build,
    .start = logical_start,
    .stop = logical_stop,
    .delete_pool = logical_delete,
    .delete_removes_volumes = true,
    .pool_info = logical_pool_info,
    .find_sources = logical_find_sources,
    .discover = scLogicalDiscover,
    .vol_probe = scLogicalVolProbe,
    .vol_lookup_path = scLogicalVolLookupPath,
    .vol_plan = scLogicalVolPlan,
    .vol_build = scLogicalVolBuild,
    .vol_build_from = scLogicalVolBuildFrom,
    .vol_delete = scLogicalVolDelete,
    .vol_resize = scLogicalVolResize,
    .vol_wipe = scLogicalWipe,
    .vol_upload = scLogicalUpload,
    .vol_download = scLogicalDownload,
};
