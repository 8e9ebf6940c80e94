/*
 * logical_report.c: the lvs report of a logical pool's LVs read into
 * volumes, as libvirt 9.0's logical backend reads the same report.
 *
 * Which LVs are volumes: those lvs lists without -a (hidden LVs, such as
 * mirror legs, RAID images and the parts of thin and cache pools, are not
 * listed), less thin pools (attribute 't'), LVs known to be inactive (only
 * 'a' and, where activation is disabled, the unknown 'X' state are kept)
 * and LVs with no devices of their own (thin volumes), as libvirt's
 * parsing of the same report skips them. A volume's path is the pool's
 * target directory (/dev/VG) and its name; its key and its identity across
 * renames are the LV UUID; /dev/mapper/VG-LV names it too. Its extents are
 * the segments' areas, as libvirt shows them: start = the first physical
 * extent times the extent size, end = start + the segment's size.
 *
 * Each row's fields are found once (lvm2 prints them in the order asked
 * for, which makes that one comparison each), then the rows are sorted by
 * LV name (strcmp: the order a discovery owes the core) and segment.
 */
#include <config.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include "logical_priv.h"
#include "util/util.h"

/* The fields of SC_LOGICAL_LV_FIELDS, in its order. */
static const char *const field_names[SC_LOGICAL_F_COUNT] = {
    "lv_name",      "lv_uuid", "lv_attr",        "lv_size", "origin",  "origin_size",
    "pool_lv",      "lv_tags", "lv_active",      "segtype", "stripes", "seg_size",
    "seg_start_pe", "devices", "vg_extent_size", "vg_size", "vg_free", "vg_missing_pv_count",
};

/* The fields that describe an LV (not the VG's, which change with other
 * LVs): what its change signature digests. */
#define LV_DESCRIBED_BY SC_LOGICAL_F_VG_SIZE

static int
cmp_rows(const void *a, const void *b)
{
    const scLogicalRow *x = a, *y = b;
    int c = strcmp(x->f[SC_LOGICAL_F_NAME], y->f[SC_LOGICAL_F_NAME]);

    if (c)
        return c;
    return x->seg_start < y->seg_start ? -1 : x->seg_start > y->seg_start;
}

/* The fields of row @node into @row; absent ones are "". */
static void
resolve(const scJsonDoc *doc, int node, scLogicalRow *row)
{
    size_t k = 0;

    for (size_t i = 0; i < SC_LOGICAL_F_COUNT; i++)
        row->f[i] = "";
    for (int m = doc->nodes[node].child; m >= 0; m = doc->nodes[m].next, k++) {
        const char *key = doc->nodes[m].key, *v = scJsonString(doc, m);
        size_t i = k;
        if (!v)
            continue;
        /* lvm2 keeps the order asked for; anything else is looked for. */
        if (i >= SC_LOGICAL_F_COUNT || strcmp(key, field_names[i]) != 0)
            for (i = 0; i < SC_LOGICAL_F_COUNT && strcmp(key, field_names[i]) != 0; i++)
                ;
        if (i < SC_LOGICAL_F_COUNT)
            row->f[i] = v;
    }
    row->seg_start = strtoull(row->f[SC_LOGICAL_F_SEG_START], NULL, 10);
}

int
scLogicalLvsLoad(scLogicalLvs *lvs)
{
    size_t n = 0, i = 0;

    lvs->rows = NULL;
    lvs->n = 0;
    for (int r = scLvmReportFirst(&lvs->rep); r >= 0; r = scLvmReportNext(&lvs->rep, r))
        n++;
    if (!(lvs->rows = scAlloc((n ? n : 1) * sizeof(*lvs->rows))))
        return -1;
    for (int r = scLvmReportFirst(&lvs->rep); r >= 0; r = scLvmReportNext(&lvs->rep, r))
        resolve(&lvs->rep.doc, r, &lvs->rows[i++]);
    qsort(lvs->rows, n, sizeof(*lvs->rows), cmp_rows);
    lvs->n = n;
    return 0;
}

void
scLogicalLvsClear(scLogicalLvs *lvs)
{
    free(lvs->rows);
    lvs->rows = NULL;
    lvs->n = 0;
    scLvmReportClear(&lvs->rep);
}

bool
scLogicalLvsNext(const scLogicalLvs *lvs, size_t *i, scLogicalLv *lv)
{
    size_t j;

    if (*i >= lvs->n)
        return false;
    for (j = *i + 1; j < lvs->n && strcmp(lvs->rows[j].f[SC_LOGICAL_F_NAME],
                                          lvs->rows[*i].f[SC_LOGICAL_F_NAME]) == 0;
         j++)
        ;
    lv->rows = lvs->rows + *i;
    lv->n = j - *i;
    *i = j;
    return true;
}

static const char *
field(const scLogicalLv *lv, int f)
{
    return lv->rows[0].f[f];
}

static int
field_num(const scLogicalRow *row, int f, unsigned long long *v)
{
    const char *s = row->f[f];
    char *end;

    if (!*s || strspn(s, "0123456789") != strlen(s))
        return -1;
    errno = 0;
    *v = strtoull(s, &end, 10);
    return errno ? -1 : 0;
}

const char *
scLogicalLvName(const scLogicalLv *lv)
{
    return field(lv, SC_LOGICAL_F_NAME);
}

bool
scLogicalIsVolume(const scLogicalLv *lv)
{
    const char *attr = field(lv, SC_LOGICAL_F_ATTR);

    if (strlen(attr) < 5 || attr[0] == 't' || (attr[4] != 'a' && attr[4] != 'X'))
        return false;
    for (size_t i = 0; i < lv->n; i++)
        if (*lv->rows[i].f[SC_LOGICAL_F_DEVICES])
            return true;
    return false;
}

/* The LV's device node's stat (owner, group, mode and device number),
 * when activation is possible; false when there is none. */
static bool
node_stat(bool activation, const char *path, struct stat *st)
{
    return activation && stat(path, st) == 0 && S_ISBLK(st->st_mode);
}

size_t
scLogicalLvSig(const scLogicalLv *lv, bool activation, const char *path, unsigned char *sig)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a, 64 bits */
    long long node[4] = { -1, -1, -1, -1 };
    struct stat st;

    for (size_t i = 0; i < lv->n; i++) {
        for (int f = 0; f < LV_DESCRIBED_BY; f++) {
            /* With its NUL: the fields stay apart. */
            for (const unsigned char *p = (const unsigned char *) lv->rows[i].f[f];; p++) {
                h = (h ^ *p) * 0x100000001b3ULL;
                if (!*p)
                    break;
            }
        }
    }
    if (node_stat(activation, path, &st)) {
        node[0] = st.st_mode;
        node[1] = st.st_uid;
        node[2] = st.st_gid;
        node[3] = (long long) st.st_rdev;
    }
    for (const unsigned char *p = (const unsigned char *) path; *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    for (size_t i = 0; i < sizeof(node); i++)
        h = (h ^ ((const unsigned char *) node)[i]) * 0x100000001b3ULL;
    memcpy(sig, &h, sizeof(h));
    return sizeof(h);
}

/* The extents of segment row @row into @rec from index *@index on: as
 * libvirt, a striped, mirror or raid segment has one per stripe (its
 * devices field lists them, comma-separated), another one; each spans the
 * segment's size from its first extent. */
static int
add_extents(scVolRecord *rec, const scLogicalLv *lv, const scLogicalRow *row,
            unsigned long long extent_size, size_t *index)
{
    const char *segtype = row->f[SC_LOGICAL_F_SEGTYPE], *p = row->f[SC_LOGICAL_F_DEVICES];
    unsigned long long n = 1, seg_size;

    if (!*p)
        return 0;
    if ((strcmp(segtype, "striped") == 0 || strcmp(segtype, "mirror") == 0 ||
         strncmp(segtype, "raid", 4) == 0) &&
        field_num(row, SC_LOGICAL_F_STRIPES, &n) < 0)
        goto malformed;
    if (field_num(row, SC_LOGICAL_F_SEG_SIZE, &seg_size) < 0 || n == 0 || n > 1024)
        goto malformed;
    for (unsigned long long k = 0; k < n; k++) {
        const char *end = strchrnul(p, ','), *open = NULL;
        char name[32], value[PATH_MAX + 64];
        unsigned long long pe, start;
        for (const char *q = p; q < end; q++)
            if (*q == '(')
                open = q;
        if (!open || end[-1] != ')' || open + 2 > end - 1 || open == p ||
            strspn(open + 1, "0123456789") != (size_t) (end - 1 - (open + 1)) ||
            (size_t) (open - p) > PATH_MAX)
            goto malformed;
        pe = strtoull(open + 1, NULL, 10);
        if (extent_size && pe > UINT64_MAX / extent_size)
            goto malformed;
        start = pe * extent_size;
        if (start > UINT64_MAX - seg_size || *index >= SC_VOL_EXTENTS_MAX)
            goto malformed;
        snprintf(name, sizeof(name), SC_ATTR_EXTENT_PREFIX "%zu", (*index)++);
        snprintf(value, sizeof(value), "%llu %llu %.*s", start, start + seg_size, (int) (open - p),
                 p);
        if (scVolRecordSetAttr(rec, name, value) < 0)
            return -1;
        if (!*end && k + 1 < n)
            goto malformed;
        p = *end ? end + 1 : end;
    }
    return 0;
malformed:
    scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                  "logical volume '%s': lvs reported a segment that cannot be read (segtype '%s', "
                  "devices '%s')",
                  field(lv, SC_LOGICAL_F_NAME), segtype, row->f[SC_LOGICAL_F_DEVICES]);
    return -1;
}

/* The attributes: lvm2's fields (the segment types, comma-separated when
 * they differ), "sparse" as libvirt's, and the extents. */
static int
add_attrs(scVolRecord *rec, const scLogicalLv *lv)
{
    static const struct {
        const char *name;
        int f;
    } attrs[] = {
        { "lv_attr", SC_LOGICAL_F_ATTR },     { "pool_lv", SC_LOGICAL_F_POOL },
        { "origin", SC_LOGICAL_F_ORIGIN },    { "lv_tags", SC_LOGICAL_F_TAGS },
        { "lv_active", SC_LOGICAL_F_ACTIVE },
    };
    char segtypes[256] = "";
    unsigned long long extent_size = 0;
    size_t index = 0, len = 0;

    for (size_t i = 0; i < SC_N_ELEMENTS(attrs); i++) {
        const char *v = field(lv, attrs[i].f);
        if (*v && scVolRecordSetAttr(rec, attrs[i].name, v) < 0)
            return -1;
    }
    for (size_t i = 0; i < lv->n; i++) {
        const char *t = lv->rows[i].f[SC_LOGICAL_F_SEGTYPE];
        if (*t && !strstr(segtypes, t) && len + strlen(t) + 2 < sizeof(segtypes))
            len += (size_t) snprintf(segtypes + len, sizeof(segtypes) - len, "%s%s", len ? "," : "",
                                     t);
    }
    if ((*segtypes && scVolRecordSetAttr(rec, "segtype", segtypes) < 0) ||
        (field(lv, SC_LOGICAL_F_ATTR)[0] == 's' && scVolRecordSetAttr(rec, "sparse", "yes") < 0))
        return -1;
    if (field_num(&lv->rows[0], SC_LOGICAL_F_EXTENT_SIZE, &extent_size) < 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "logical volume '%s': lvs reported no extent size",
                      field(lv, SC_LOGICAL_F_NAME));
        return -1;
    }
    for (size_t i = 0; i < lv->n; i++)
        if (add_extents(rec, lv, &lv->rows[i], extent_size, &index) < 0)
            return -1;
    return 0;
}

int
scLogicalLvRecord(const scLogicalLv *lv, const char *vg, const char *target, bool activation,
                  scVolRecord *rec)
{
    const char *name = field(lv, SC_LOGICAL_F_NAME), *uuid = field(lv, SC_LOGICAL_F_UUID);
    const char *origin = field(lv, SC_LOGICAL_F_ORIGIN), *attr = field(lv, SC_LOGICAL_F_ATTR);
    _cleanup_free_ char *dm = NULL;
    _cleanup_free_ char *vgpath = NULL;
    _cleanup_free_ char *mapper = NULL;
    unsigned long long size = 0, origin_size = 0;
    unsigned char sig[SC_VOL_SIG_MAX];
    struct stat st;

    scVolRecordClear(rec);
    if (field_num(&lv->rows[0], SC_LOGICAL_F_SIZE, &size) < 0 || !*uuid ||
        strlen(uuid) > SC_VOL_SIG_MAX) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "logical volume '%s': lvs reported no size or UUID", name);
        return -1;
    }
    /* A snapshot's device is as large as its origin (a sparse volume's as
     * its virtual size); its LV holds the copy-on-write data. */
    if ((attr[0] == 's' || attr[0] == 'S') &&
        field_num(&lv->rows[0], SC_LOGICAL_F_ORIGIN_SIZE, &origin_size) == 0 && origin_size)
        rec->capacity = origin_size;
    else
        rec->capacity = size;
    rec->allocation = size;
    rec->physical = rec->capacity;
    rec->type = SC_STORAGE_VOL_BLOCK;
    if (!(rec->name = scStrdup(name)) || !(rec->key = scStrdup(uuid)) ||
        !(rec->path = scAsprintf("%s/%s", target, name)) ||
        !(vgpath = scAsprintf("/dev/%s/%s", vg, name)) || !(dm = scLvmDmName(vg, name)) ||
        !(mapper = scAsprintf("/dev/mapper/%s", dm)))
        goto error;
    /* As libvirt: an origin names the backing store, unless it is the
     * hidden "[LV_vorigin]" of a sparse volume. */
    if (*origin && origin[0] != '[' && !(rec->backing_path = scAsprintf("%s/%s", target, origin)))
        goto error;
    if ((strcmp(vgpath, rec->path) != 0 && scVolRecordAddAlias(rec, vgpath) < 0) ||
        scVolRecordAddAlias(rec, mapper) < 0 || add_attrs(rec, lv) < 0)
        goto error;
    if (node_stat(activation, rec->path, &st)) {
        rec->mode = st.st_mode & 07777;
        rec->uid = st.st_uid;
        rec->gid = st.st_gid;
    }
    scVolRecordSetSig(rec, sig, scLogicalLvSig(lv, activation, rec->path, sig));
    scVolRecordSetIdent(rec, uuid, strlen(uuid));
    return 0;
error:
    scVolRecordClear(rec);
    return -1;
}
