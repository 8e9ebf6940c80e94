/*
 * disk_vol.c: the volumes of a disk pool, its partitions: their records
 * (discovery, probes, lookups by path) and the operations on them.
 *
 * A partition's record: its name and node as the kernel names them; its
 * key the GPT partition UUID, or for dos the disk identifier and number
 * as the kernel spells a dos PARTUUID ("9e013df6-05"); its identity
 * across a renumbering the partition UUID (dos: the disk identifier and
 * the start); its change signature what the table says of it; its
 * extent on the disk; libvirt's <format> for its type; and, read with
 * libblkid when the record is wanted, the signature inside it.
 *
 * A new partition is planned from the table read-only (its number and
 * name, where it goes, its UUID), then made with libfdisk on a table read
 * again under the same rules: if the table changed meanwhile, so that the
 * planned name is no longer the next partition's, the create fails and
 * nothing is written. Every change to the table ends with the kernel told
 * of that one partition (disk_kernel.c).
 */
#include <config.h>

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/common/command.h"
#include "backends/common/fileops.h"
#include "disk_priv.h"
#include "util/testpoint.h"
#include "util/util.h"

#define QEMU_IMG_TIMEOUT 3600 /* seconds, as for file volumes */

/* ---- formats ----------------------------------------------------------------- */

/* libvirt's partition formats, with the dos type byte and the GPT type
 * GUID storcat gives a new partition of each ("none" is what libvirt's
 * parted calls gives it: a Linux data partition). */
static const struct {
    const char *format;
    unsigned int code;
    const char *guid;
} formats[] = {
    { "none", 0x83, "0FC63DAF-8483-4772-8E79-3D69D8477DE4" },
    { "linux", 0x83, "0FC63DAF-8483-4772-8E79-3D69D8477DE4" },
    { "fat16", 0x06, "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7" },
    { "fat32", 0x0c, "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7" },
    { "linux-swap", 0x82, "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F" },
    { "linux-lvm", 0x8e, "E6D6D379-F507-44C2-A23C-238F2A3DF928" },
    { "linux-raid", 0xfd, "A19D880F-05FC-4D3B-A006-743F0F84911E" },
    { "extended", 0x05, NULL },
};

const char *
diskFormatOf(const DiskTable *t, const DiskPart *p, const char *content)
{
    if (p->kind == PART_EXTENDED)
        return "extended";
    if (t->label == DISK_LABEL_DOS) {
        switch (p->code) {
        case 0x83:
            return "linux";
        case 0x82:
            return "linux-swap";
        case 0x8e:
            return "linux-lvm";
        case 0xfd:
            return "linux-raid";
        case 0x04:
        case 0x06:
        case 0x0e:
            return "fat16";
        case 0x0b:
        case 0x0c:
            return "fat32";
        default:
            return "none";
        }
    }
    for (size_t i = 1; p->type && i < SC_N_ELEMENTS(formats); i++) {
        if (formats[i].guid && strcasecmp(p->type, formats[i].guid) == 0) {
            /* One GUID for both FAT sizes: the file system inside tells. */
            if (strcmp(formats[i].format, "fat16") == 0)
                return content && strcmp(content, "FAT16") == 0 ? "fat16" : "fat32";
            return formats[i].format;
        }
    }
    /* The other Linux types (root, home, ...) are Linux data to libvirt. */
    if (p->type_name && strncmp(p->type_name, "Linux", 5) == 0)
        return "linux";
    return "none";
}

/* The entry of @format in formats[] for a table of @label, or -1. */
static int
format_index(const char *volname, DiskLabel label, const char *format)
{
    for (size_t i = 0; i < SC_N_ELEMENTS(formats); i++) {
        if (strcmp(formats[i].format, format ? format : "none") != 0)
            continue;
        if (label == DISK_LABEL_GPT && !formats[i].guid) {
            scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                          "volume '%s': a GPT has no extended partitions (format 'extended' is "
                          "for dos tables)",
                          volname);
            return -1;
        }
        return (int) i;
    }
    scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                  "volume '%s': unknown partition format '%s'", volname, format);
    return -1;
}

int
diskTypeFor(const char *volname, DiskLabel label, const char *format, const char **type)
{
    int i = format_index(volname, label, format);

    if (i < 0)
        return -1;
    *type = label == DISK_LABEL_GPT ? formats[i].guid : NULL;
    return 0;
}

/* ---- records ------------------------------------------------------------------ */

/* The key of partition @p: its UUID, or the dos PARTUUID the kernel
 * would give it. New string or NULL. */
static char *
part_key(const DiskTable *t, const DiskPart *p)
{
    if (p->uuid)
        return scStrdup(p->uuid);
    return scAsprintf("%s-%02zx", t->id ? t->id : "00000000", p->partno);
}

static const char *const kinds[] = { "primary", "logical", "extended" };

/* What the table says of @p, hashed with its place: the change signature. */
static void
part_sig(const DiskTable *t, const DiskPart *p, unsigned long long extra, scVolRecord *rec)
{
    unsigned char sig[24];
    uint64_t h = 0xcbf29ce484222325ULL;
    char buf[512];
    int n = snprintf(buf, sizeof(buf), "%zu|%s|%s|%s|%s|%s|%d|%llu|%lu", p->partno, kinds[p->kind],
                     p->type ? p->type : "", p->uuid ? p->uuid : "", p->name ? p->name : "",
                     p->attrs ? p->attrs : "", p->boot, extra, t->sector);

    for (int i = 0; i < n && i < (int) sizeof(buf); i++) {
        h ^= (unsigned char) buf[i];
        h *= 0x100000001b3ULL;
    }
    memcpy(sig, &p->start, 8);
    memcpy(sig + 8, &p->size, 8);
    memcpy(sig + 16, &h, 8);
    scVolRecordSetSig(rec, sig, sizeof(sig));
}

/* The identity: the partition UUID (16 bytes), else the dos disk
 * identifier and the start, which a renumbering keeps. Its length. */
static size_t
part_ident(const DiskTable *t, const DiskPart *p, char buf[static 48])
{
    int n;

    if (p->uuid && scUUIDParse(p->uuid, (unsigned char *) buf) == 0)
        return SC_UUID_BUFLEN;
    n = snprintf(buf, 48, "dos:%s:%llu", t->id ? t->id : "", p->start);
    return (size_t) n < 48 ? (size_t) n : 47;
}

/* The attributes of what the table says. */
static int
part_attrs(const DiskPart *p, scVolRecord *rec)
{
    if (scVolRecordSetAttrNum(rec, "part.number", p->partno) < 0 ||
        scVolRecordSetAttr(rec, "part.kind", kinds[p->kind]) < 0 ||
        (p->type && scVolRecordSetAttr(rec, "part.type", p->type) < 0) ||
        (p->type_name && scVolRecordSetAttr(rec, "part.type_name", p->type_name) < 0) ||
        (p->uuid && scVolRecordSetAttr(rec, "part.uuid", p->uuid) < 0) ||
        (p->name && scVolRecordSetAttr(rec, "part.name", p->name) < 0) ||
        (p->attrs && scVolRecordSetAttr(rec, "part.attrs", p->attrs) < 0) ||
        (p->boot && scVolRecordSetAttr(rec, "part.boot", "yes") < 0))
        return -1;
    return 0;
}

/* The path a volume is known by: the node, or, when the pool's target is
 * a directory of stable links (/dev/disk/by-path, ...), the link there
 * to the node, as libvirt's virStorageBackendStablePath. */
static char *
stable_path(const char *target, const char *node, const DiskAliases *aliases)
{
    size_t len = target ? strlen(target) : 0;

    if (len && strcmp(target, "/dev") != 0 && aliases) {
        char real[PATH_MAX];
        if (realpath(node, real)) {
            for (size_t i = 0; i < aliases->n; i++)
                if (strncmp(aliases->links[i], target, len) == 0 && aliases->links[i][len] == '/' &&
                    strcmp(aliases->targets[i], real) == 0)
                    return scStrdup(aliases->links[i]);
        }
    }
    return scStrdup(node);
}

int
diskRecord(Disk *d, const DiskTable *t, const DiskPart *p, const DiskAliases *aliases,
           const char *target, bool probe, scVolRecord *rec)
{
    unsigned long long start = p->start * t->sector, bytes = p->size * t->sector, logical = 0;
    _cleanup_free_ char *node = diskPartPath(d, p->partno);
    char ident[48];
    struct stat st;

    scVolRecordClear(rec);
    if (p->kind == PART_EXTENDED)
        for (size_t i = 0; i < t->nparts; i++)
            if (t->parts[i].kind == PART_LOGICAL)
                logical += t->parts[i].size * t->sector;
    rec->type = SC_STORAGE_VOL_BLOCK;
    rec->capacity = bytes;
    /* As libvirt: an extended partition holds what its logical ones do,
     * and its node is the kernel's 2 sectors. */
    rec->allocation = p->kind == PART_EXTENDED ? logical : bytes;
    rec->physical = p->kind == PART_EXTENDED && bytes > 1024 ? 1024 : bytes;
    part_sig(t, p, logical, rec);
    scVolRecordSetIdent(rec, ident, part_ident(t, p, ident));
    if (!node || !(rec->name = diskPartName(d, p->partno)) ||
        !(rec->path = stable_path(target, node, aliases)) || !(rec->key = part_key(t, p)) ||
        part_attrs(p, rec) < 0 || scVolRecordAddExtent(rec, d->path, start, start + bytes) < 0)
        goto error;
    if (strcmp(rec->path, node) != 0 && scVolRecordAddAlias(rec, node) < 0)
        goto error;
    if (probe) {
        if (p->kind != PART_EXTENDED && diskProbeContent(d, start, bytes, rec) < 0)
            goto error;
        if (stat(node, &st) == 0 && S_ISBLK(st.st_mode)) {
            rec->mode = st.st_mode & 07777;
            rec->uid = st.st_uid;
            rec->gid = st.st_gid;
        }
    }
    if (!(rec->format = scStrdup(diskFormatOf(t, p, scVolRecordAttr(rec, "content.version")))) ||
        diskAliasesAdd(aliases, node, rec) < 0)
        goto error;
    return 0;
error:
    scVolRecordClear(rec);
    return -1;
}

/* ---- the pool's disk, as the volume slots use it ----------------------------- */

/* Open the pool's disk (@mode), check its raw table against the pool's
 * label and read it; with @cxt, keep libfdisk's context to change it. */
static int
open_table(const scPoolCtx *pool, DiskMode mode, Disk *d, struct fdisk_context **cxt, DiskTable *t)
{
    _cleanup_free_ char *token = NULL;
    DiskLabel want;
    DiskRaw raw;

    memset(t, 0, sizeof(*t));
    if (diskWantedLabel(pool->def, &want) < 0 || diskOpen(pool->def, mode, d) < 0)
        return -1;
    if (diskReadToken(d, &token, &raw) < 0 || diskRawCheck(d, &raw, want) < 0 ||
        diskOpenTable(d, mode & DISK_WRITE, cxt, t) < 0) {
        diskClose(d);
        return -1;
    }
    return 0;
}

static void
close_table(Disk *d, struct fdisk_context *cxt, DiskTable *t)
{
    if (cxt)
        fdisk_unref_context(cxt);
    diskTableClear(t);
    diskClose(d);
}

/* The partition volume @name names, checked against @vol (the catalog's
 * record of it, or NULL): its key must still be the partition's, so that
 * a table rewritten behind storcat's back is not acted on blindly. 1 with
 * *@p, 0 no such partition, -1 (reported). */
static int
find_part(const scPoolCtx *pool, Disk *d, const DiskTable *t, const char *name,
          const scVolRecord *vol, const DiskPart **p)
{
    _cleanup_free_ char *key = NULL;
    size_t partno;

    if (!diskPartnoOf(d, name, &partno) || !(*p = diskTableFind(t, partno)))
        return 0;
    if (!vol)
        return 1;
    if (!(key = part_key(t, *p)))
        return -1;
    if (strcmp(key, vol->key) != 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "volume '%s': partition %zu of '%s' is no longer the one storcat knows "
                      "(key '%s', now '%s'): its table changed; refresh pool '%s'",
                      name, partno, d->path, vol->key, key, pool->def->name);
        return -1;
    }
    return 1;
}

/* ---- discovery and probes ------------------------------------------------------- */

/* The partitions' names with their index, to sort in strcmp order. */
typedef struct {
    char *name;
    size_t index;
} Named;

static int
cmp_named(const void *a, const void *b)
{
    return strcmp(((const Named *) a)->name, ((const Named *) b)->name);
}

int
diskDiscoverTable(const scPoolCtx *pool, Disk *d, DiskTable *t, scDiscoverSink *sink)
{
    _cleanup_free_ Named *names = scAlloc((t->nparts + 1) * sizeof(*names));
    _cleanup_free_ int *wants = scAlloc((t->nparts + 1) * sizeof(*wants));
    DiskAliases aliases;
    scVolRecord rec;
    int r = -1;

    if (!names || !wants || diskAliasesLoad(d, pool->def->target_path, &aliases) < 0)
        return -1;
    scVolRecordInit(&rec);
    for (size_t i = 0; i < t->nparts; i++) {
        names[i].index = i;
        if (!(names[i].name = diskPartName(d, t->parts[i].partno)))
            goto out;
    }
    if (t->nparts > 1)
        qsort(names, t->nparts, sizeof(*names), cmp_named);
    /* The signatures alone first: the sink wants few records. */
    for (size_t i = 0; i < t->nparts; i++) {
        const DiskPart *p = &t->parts[names[i].index];
        unsigned long long logical = 0;
        scVolRecordClear(&rec);
        if (p->kind == PART_EXTENDED)
            for (size_t j = 0; j < t->nparts; j++)
                if (t->parts[j].kind == PART_LOGICAL)
                    logical += t->parts[j].size * t->sector;
        part_sig(t, p, logical, &rec);
        if ((wants[i] = scSinkEntry(sink, names[i].name, rec.sig, rec.sig_len)) < 0)
            goto out;
    }
    /* Then the records wanted, each with a libblkid probe inside the
     * partition: the areas it reads are asked of the disk for all of
     * them before the first probe, so that they are read together rather
     * than one request at a time, each waited for (a table of many small
     * partitions probed one by one is mostly waiting). */
    for (size_t i = 0; i < t->nparts; i++) {
        const DiskPart *p = &t->parts[names[i].index];
        if (wants[i] > 0 && p->kind != PART_EXTENDED)
            diskProbePrefetch(d, p->start * t->sector, p->size * t->sector);
    }
    for (size_t i = 0; i < t->nparts; i++) {
        const DiskPart *p = &t->parts[names[i].index];
        if (wants[i] > 0 &&
            (diskRecord(d, t, p, &aliases, pool->def->target_path, true, &rec) < 0 ||
             scSinkRecord(sink, &rec, wants[i]) < 0))
            goto out;
    }
    r = 0;
out:
    for (size_t i = 0; i < t->nparts; i++)
        free(names[i].name);
    scVolRecordClear(&rec);
    diskAliasesClear(&aliases);
    return r;
}

int
diskVolProbe(const scPoolCtx *pool, const char *name, scVolRecord *rec)
{
    const DiskPart *p;
    DiskAliases aliases = { 0 };
    DiskTable t = { 0 };
    Disk d;
    int r;

    scVolRecordClear(rec);
    if (open_table(pool, DISK_READ, &d, NULL, &t) < 0)
        return -1;
    if ((r = find_part(pool, &d, &t, name, NULL, &p)) > 0 &&
        (diskAliasesLoad(&d, pool->def->target_path, &aliases) < 0 ||
         diskRecord(&d, &t, p, &aliases, pool->def->target_path, true, rec) < 0))
        r = -1;
    diskAliasesClear(&aliases);
    close_table(&d, NULL, &t);
    return r;
}

int
diskVolLookupPath(const scPoolCtx *pool, const char *path, char **name)
{
    /* The runtime state is the partitions' node prefix ("/dev/loop0p"):
     * no disk is opened to rule out the paths of other disks. */
    const char *prefix = pool->rt ? pool->rt->state : NULL;
    size_t len = prefix ? strlen(prefix) : 0;
    const char *p;

    *name = NULL;
    if (!len || strncmp(path, prefix, len) != 0 || !path[len] || path[len] == '0')
        return 0;
    for (p = path + len; *p; p++)
        if (!isdigit((unsigned char) *p))
            return 0;
    return (*name = scStrdup(strrchr(path, '/') + 1)) ? 1 : -1;
}

/* ---- creating ----------------------------------------------------------------- */

/* Where the new partition @vol goes in table @t: its number, kind,
 * start and size, by the rules of plan and build alike. 0 or -1. */
typedef struct {
    size_t partno;
    PartKind kind;
    unsigned long long start, size; /* sectors */
    int format;                     /* index in formats[] */
} NewPart;

static int
new_part(const scPoolCtx *pool, const Disk *d, const DiskTable *t, const scVolDef *vol,
         unsigned long long capacity, NewPart *np)
{
    _cleanup_free_ char *expected = NULL;
    unsigned long long largest;
    int r;

    if (vol->encryption || vol->backing_path) {
        scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                      "volume '%s': a partition has no %s in storcat", vol->name,
                      vol->encryption ? "encryption" : "backing store");
        return -1;
    }
    if ((np->format = format_index(vol->name, t->label, vol->format)) < 0 ||
        diskNextPartition(d, t, strcmp(formats[np->format].format, "extended") == 0, &np->partno,
                          &np->kind) < 0 ||
        !(expected = diskPartName(d, np->partno)))
        return -1;
    /* As libvirt: a partition is named by the kernel, after its number. */
    if (strcmp(vol->name, expected) != 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "volume '%s': the next partition of '%s' is number %zu, named '%s': a "
                      "partition volume takes the kernel's name (refresh pool '%s' if its "
                      "table changed)",
                      vol->name, d->path, np->partno, expected, pool->def->name);
        return -1;
    }
    if (capacity == 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "volume '%s': a partition needs a capacity above 0", vol->name);
        return -1;
    }
    np->size = (capacity + t->sector - 1) / t->sector;
    if ((r = diskPlace(t, np->kind == PART_LOGICAL, np->size, &np->start, &largest)) < 0)
        return -1;
    if (r == 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "volume '%s': %llu bytes do not fit in pool '%s': the largest %sfree "
                      "extent of '%s' holds %llu bytes",
                      vol->name, np->size * t->sector, pool->def->name,
                      np->kind == PART_LOGICAL ? "logical " : "", d->path, largest * t->sector);
        return -1;
    }
    return 0;
}

/* A new partition's UUID, random as libfdisk makes one (version 4). */
static char *
new_uuid(void)
{
    unsigned char raw[SC_UUID_BUFLEN];
    char buf[SC_UUID_STRING_BUFLEN];

    if (getrandom(raw, sizeof(raw), 0) != (ssize_t) sizeof(raw)) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot make a partition UUID");
        return NULL;
    }
    raw[6] = (unsigned char) ((raw[6] & 0x0f) | 0x40);
    raw[8] = (unsigned char) ((raw[8] & 0x3f) | 0x80);
    scUUIDFormat(raw, buf);
    return scStrdup(buf);
}

int
diskVolPlan(const scPoolCtx *pool, const scVolDef *vol, scVolRecord *plan)
{
    unsigned long long start;
    NewPart np;
    DiskTable t = { 0 };
    Disk d;
    int r = -1;

    scVolRecordClear(plan);
    if (open_table(pool, DISK_READ, &d, NULL, &t) < 0)
        return -1;
    if (new_part(pool, &d, &t, vol, vol->capacity, &np) < 0)
        goto out;
    start = np.start * t.sector;
    plan->type = SC_STORAGE_VOL_BLOCK;
    plan->capacity = plan->allocation = np.size * t.sector;
    if (!(plan->name = scStrdup(vol->name)) || !(plan->path = diskPartPath(&d, np.partno)) ||
        !(plan->format = scStrdup(formats[np.format].format)))
        goto out;
    if (t.label == DISK_LABEL_GPT)
        plan->key = new_uuid();
    else
        plan->key = scAsprintf("%s-%02zx", t.id ? t.id : "00000000", np.partno);
    if (!plan->key || scVolRecordAddExtent(plan, d.path, start, start + np.size * t.sector) < 0)
        goto out;
    r = 0;
out:
    if (r < 0)
        scVolRecordClear(plan);
    close_table(&d, NULL, &t);
    return r;
}

/* Write the table of @cxt and sync it. 0 or -1. */
static int
write_table(Disk *d, struct fdisk_context *cxt)
{
    int rc = fdisk_write_disklabel(cxt);

    if (rc < 0) {
        scReportSystemError(SC_FROM_STORAGE, -rc,
                            "pool '%s': cannot write the partition table of '%s'", d->pool,
                            d->path);
        return -1;
    }
    if (fsync(d->fd) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno,
                            "pool '%s': cannot sync the partition table of '%s'", d->pool, d->path);
        return -1;
    }
    return 0;
}

/* Add partition @np to the table of @cxt (in memory). 0 or -1. */
static int
add_part(Disk *d, struct fdisk_context *cxt, DiskLabel label, const NewPart *np, const char *uuid,
         const char *volname)
{
    struct fdisk_label *lb = fdisk_get_label(cxt, NULL);
    struct fdisk_partition *pa = fdisk_new_partition();
    struct fdisk_parttype *type;
    size_t got = 0;
    int rc = -ENOMEM;

    if (!pa || !lb)
        goto out;
    type = label == DISK_LABEL_GPT
               ? fdisk_label_get_parttype_from_string(lb, formats[np->format].guid)
               : fdisk_label_get_parttype_from_code(lb, formats[np->format].code);
    if ((rc = fdisk_partition_set_partno(pa, np->partno - 1)) < 0 ||
        (rc = fdisk_partition_set_start(pa, np->start)) < 0 ||
        (rc = fdisk_partition_set_size(pa, np->size)) < 0 ||
        (rc = fdisk_partition_size_explicit(pa, 1)) < 0 ||
        (type && (rc = fdisk_partition_set_type(pa, type)) < 0) ||
        (uuid && (rc = fdisk_partition_set_uuid(pa, uuid)) < 0))
        goto out;
    rc = fdisk_add_partition(cxt, pa, &got);
    if (rc == 0 && got + 1 != np->partno)
        rc = -ERANGE;
out:
    fdisk_unref_partition(pa);
    if (rc < 0)
        scReportSystemError(SC_FROM_STORAGE, -rc,
                            "volume '%s': libfdisk cannot add partition %zu (start %llu, %llu "
                            "sectors) to the table of '%s'",
                            volname, np->partno, np->start, np->size, d->path);
    return rc < 0 ? -1 : 0;
}

/* Has partition @p of @t the identity @ident (@len bytes) a create
 * journaled for it? Else an error naming volume @name. */
static bool
same_ident(const DiskTable *t, const DiskPart *p, const char *ident, size_t len, const char *name)
{
    char have[48];

    if (part_ident(t, p, have) == len && memcmp(have, ident, len) == 0)
        return true;
    scReportError(SC_FROM_STORAGE, SC_ERR_INTERNAL_ERROR,
                  "volume '%s': partition %zu was written elsewhere than planned (start %llu)",
                  name, p->partno, p->start);
    return false;
}

/* Make partition @vol of @capacity bytes: the table changed and written,
 * the kernel told, the record in @rec. On failure nothing is left. */
static int
make_partition(const scPoolCtx *pool, const scVolDef *vol, unsigned long long capacity, Disk *d,
               scVolRecord *rec)
{
    struct fdisk_context *cxt = NULL;
    const DiskPart *p;
    DiskAliases aliases = { 0 };
    DiskTable t = { 0 };
    DiskPart planned = { 0 };
    char ident[48];
    size_t ident_len;
    NewPart np;
    int r = -1;

    if (open_table(pool, DISK_WRITE, d, &cxt, &t) < 0)
        return -1;
    if (new_part(pool, d, &t, vol, capacity, &np) < 0)
        goto out;
    if (t.label == DISK_LABEL_GPT) {
        unsigned char raw[SC_UUID_BUFLEN];
        if (!vol->key || scUUIDParse(vol->key, raw) < 0) {
            scReportError(SC_FROM_STORAGE, SC_ERR_INTERNAL_ERROR,
                          "volume '%s': planned key '%s' is not a partition UUID", vol->name,
                          vol->key ? vol->key : "");
            goto out;
        }
        for (size_t i = 0; i < t.nparts; i++) {
            if (t.parts[i].uuid && strcasecmp(t.parts[i].uuid, vol->key) == 0) {
                scReportError(SC_FROM_STORAGE, SC_ERR_STORAGE_VOL_EXIST,
                              "'%s' (its partition UUID '%s' is partition %zu's)",
                              vol->name, vol->key, t.parts[i].partno);
                goto out;
            }
        }
    }
    /* Its identity (the partition UUID, or the disk identifier and the
     * start) is known before the table is written: to the core's journal
     * first, so that a refresh after a crash anywhere from here on finds
     * the partition, if it was written, to be this create's own, and
     * removes it (the kernel never left without its node). */
    planned.start = np.start;
    planned.uuid = t.label == DISK_LABEL_GPT ? vol->key : NULL;
    ident_len = part_ident(&t, &planned, ident);
    if (scPoolCtxVolMade(pool, ident, ident_len) < 0 ||
        add_part(d, cxt, t.label, &np, planned.uuid, vol->name) < 0 || write_table(d, cxt) < 0 ||
        diskTableRefill(d, cxt, &t) < 0)
        goto out;
    scTestPoint("vol-build:made");
    if (!(p = diskTableFind(&t, np.partno)) || !same_ident(&t, p, ident, ident_len, vol->name) ||
        diskKernelAdd(d, p) < 0 || diskAliasesLoad(d, pool->def->target_path, &aliases) < 0 ||
        diskRecord(d, &t, p, &aliases, pool->def->target_path, true, rec) < 0) {
        /* Undo: the partition goes from the table and the kernel. */
        scErrorSaved *saved = scErrorSave();
        if (fdisk_delete_partition(cxt, np.partno - 1) == 0 && write_table(d, cxt) == 0)
            diskKernelDel(d, np.partno);
        scErrorRestore(&saved);
        goto out;
    }
    r = 0;
out:
    diskAliasesClear(&aliases);
    if (cxt)
        fdisk_unref_context(cxt);
    diskTableClear(&t);
    return r;
}

int
diskVolBuild(const scPoolCtx *pool, const scVolDef *vol, unsigned int flags,
             const scProgress *progress, scVolRecord *rec)
{
    Disk d;
    int r;

    (void) flags;
    (void) progress;
    memset(&d, 0, sizeof(d));
    d.fd = -1;
    r = make_partition(pool, vol, vol->capacity, &d, rec);
    diskClose(&d);
    return r;
}

/* A format whose data is an image to convert, not the bytes themselves. */
static bool
is_image(const char *format)
{
    static const char *const raw[] = { "raw",        "iso",      "none",       "linux",
                                       "fat16",      "fat32",    "linux-swap", "linux-lvm",
                                       "linux-raid", "extended", "dir" };

    for (size_t i = 0; format && i < SC_N_ELEMENTS(raw); i++)
        if (strcmp(format, raw[i]) == 0)
            return false;
    return format != NULL;
}

/* Copy the data of @src into the new partition @rec. */
static int
copy_into(Disk *d, const DiskTable *t, const scVolRecord *src, const scVolRecord *rec,
          const scProgress *progress)
{
    size_t partno = 0;
    const DiskPart *p;
    int in = -1, out = -1, r = -1;
    struct stat st;

    if (!diskPartnoOf(d, rec->name, &partno) || !(p = diskTableFind(t, partno)))
        return -1;
    if ((in = open(src->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)) < 0 ||
        fstat(in, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))) {
        scReportSystemError(SC_FROM_STORAGE, in < 0 ? errno : EINVAL,
                            "volume '%s': cannot read source volume '%s'", rec->name, src->path);
        goto out;
    }
    if ((out = diskOpenPart(d, p, O_RDWR)) < 0)
        goto out;
    if (is_image(src->format)) {
        int fds[2] = { in, out };
        const char *argv[] = {
            QEMU_IMG,          "convert",         "-q", "-n", "-f", src->format, "-O", "raw",
            "/proc/self/fd/3", "/proc/self/fd/4", NULL
        };
        r = scCommandRun(argv, fds, 2, QEMU_IMG_TIMEOUT, NULL);
    } else {
        unsigned long long len =
            src->capacity < p->size * t->sector ? src->capacity : p->size * t->sector;
        r = scFdCopy(in, true, 0, out, true, 0, len, false, rec->name, progress) < 0 ? -1 : 0;
    }
    if (r == 0 && fsync(out) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "volume '%s': cannot sync", rec->name);
        r = -1;
    }
out:
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    return r;
}

int
diskVolBuildFrom(const scPoolCtx *pool, const scVolDef *vol, const scPoolCtx *src_pool,
                 const scVolRecord *src, unsigned int flags, const scProgress *progress,
                 scVolRecord *rec)
{
    unsigned long long capacity = vol->capacity > src->capacity ? vol->capacity : src->capacity;
    DiskTable t = { 0 };
    Disk d;
    int r;

    (void) src_pool;
    (void) flags;
    memset(&d, 0, sizeof(d));
    d.fd = -1;
    if (make_partition(pool, vol, capacity, &d, rec) < 0) {
        diskClose(&d);
        return -1;
    }
    r = diskReadTable(&d, &t) < 0 ? -1 : copy_into(&d, &t, src, rec, progress);
    diskTableClear(&t);
    diskClose(&d);
    if (r < 0) {
        scErrorSaved *saved = scErrorSave();
        diskVolDelete(pool, rec, 0);
        scErrorRestore(&saved);
        scVolRecordClear(rec);
    }
    return r;
}

/* ---- deleting ------------------------------------------------------------------- */

/* Does deleting @p from @t take @q from the kernel: @p itself, and on a
 * dos table the logical partitions after a logical @p, renumbered down? */
static bool
goes_with(const DiskPart *p, const DiskPart *q)
{
    return q == p || (p->kind == PART_LOGICAL && q->kind == PART_LOGICAL && q->partno > p->partno);
}

/* Give the kernel back the partitions of @t that deleting @p took from
 * it, those among the first @taken entries of @t, after the table could
 * not be written (or the kernel refused one): the kernel's view is the
 * unchanged table's again. Best effort: the error the caller reports is
 * kept. */
static void
kernel_give_back(Disk *d, const DiskTable *t, const DiskPart *p, size_t taken)
{
    scErrorSaved *saved = scErrorSave();

    for (size_t i = 0; i < taken; i++)
        if (goes_with(p, &t->parts[i]))
            diskKernelAdd(d, &t->parts[i]);
    scErrorRestore(&saved);
}

/*
 * Take from the kernel, before the table is written, the partitions that
 * deleting @p takes away. The kernel refuses (EBUSY) while anything has
 * one open, exclusively or not: a program that opened it without O_EXCL
 * is found no other way before the fact (diskInUse sees mounts, holders
 * and exclusive openers). Asked after the write, a refusal would leave a
 * table without the partition and a kernel still serving it to whoever
 * holds it. On a refusal the ones taken are given back. 0 or -1.
 */
static int
kernel_take(Disk *d, const DiskTable *t, const DiskPart *p)
{
    for (size_t i = 0; i < t->nparts; i++) {
        if (goes_with(p, &t->parts[i]) && diskKernelDel(d, t->parts[i].partno) < 0) {
            kernel_give_back(d, t, p, i);
            return -1;
        }
    }
    return 0;
}

/* The kernel after partition @partno went from a dos table: the logical
 * partitions after it were renumbered down by one. */
static int
kernel_after_delete(Disk *d, const DiskTable *before, const DiskTable *after, size_t partno)
{
    const DiskPart *gone = diskTableFind(before, partno);

    if (diskKernelDel(d, partno) < 0)
        return -1;
    if (!gone || gone->kind != PART_LOGICAL)
        return 0;
    for (size_t i = 0; i < before->nparts; i++)
        if (before->parts[i].kind == PART_LOGICAL && before->parts[i].partno > partno &&
            diskKernelDel(d, before->parts[i].partno) < 0)
            return -1;
    for (size_t i = 0; i < after->nparts; i++)
        if (after->parts[i].kind == PART_LOGICAL && after->parts[i].partno >= partno &&
            diskKernelAdd(d, &after->parts[i]) < 0)
            return -1;
    return 0;
}

int
diskVolDelete(const scPoolCtx *pool, const scVolRecord *vol, unsigned int flags)
{
    struct fdisk_context *cxt = NULL;
    _cleanup_free_ char *why = NULL;
    const DiskPart *p;
    DiskTable t, after = { 0 };
    scErrorSaved *saved;
    Disk d;
    int r = -1, found;

    if (flags & SC_STORAGE_VOL_DELETE_ZEROED) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "volume '%s': a partition cannot be deleted zeroed (as in libvirt): wipe "
                      "it first",
                      vol->name);
        return -1;
    }
    if (open_table(pool, DISK_WRITE, &d, &cxt, &t) < 0)
        return -1;
    if ((found = find_part(pool, &d, &t, vol->name, vol, &p)) <= 0) {
        r = found; /* gone already: nothing to delete */
        goto out;
    }
    if (p->kind == PART_EXTENDED) {
        for (size_t i = 0; i < t.nparts; i++) {
            if (t.parts[i].kind == PART_LOGICAL) {
                scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                              "volume '%s': the extended partition still holds logical "
                              "partitions: delete them first",
                              vol->name);
                goto out;
            }
        }
    }
    /* It, and for a dos logical partition those renumbered after it,
     * must be free. */
    for (size_t i = 0; i < t.nparts; i++) {
        const DiskPart *q = &t.parts[i];
        int u;
        if (!goes_with(p, q))
            continue;
        if ((u = diskInUse(&d, q->partno, &why)) != 0) {
            if (u > 0)
                scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                              "volume '%s' cannot be deleted: %s", vol->name, why);
            goto out;
        }
    }
    if (kernel_take(&d, &t, p) < 0)
        goto out;
    scTestPoint("disk-delete:taken");
    if (fdisk_delete_partition(cxt, p->partno - 1) < 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "volume '%s': libfdisk cannot delete partition %zu of '%s'", vol->name,
                      p->partno, d.path);
        kernel_give_back(&d, &t, p, t.nparts);
        goto out;
    }
    if (write_table(&d, cxt) < 0) {
        kernel_give_back(&d, &t, p, t.nparts);
        goto out;
    }
    scTestPoint("disk-delete:written");
    /* The partition is gone from the table: the delete is done, whatever
     * the kernel says now. Logical partitions after it were renumbered:
     * the catalog must follow (the core refreshes the pool). What the
     * kernel could not be told (a renumbered partition it would not take
     * back) is left to that refresh, which adds what the kernel lacks, as
     * after a crash here; a start reports what it still lacks. */
    r = 0;
    for (size_t i = 0; i < t.nparts; i++)
        if (&t.parts[i] != p && goes_with(p, &t.parts[i]))
            r = 1;
    saved = scErrorSave();
    if (diskTableRefill(&d, cxt, &after) < 0 || kernel_after_delete(&d, &t, &after, p->partno) < 0)
        r = 1;
    scErrorRestore(&saved);
out:
    diskTableClear(&after);
    close_table(&d, cxt, &t);
    return r;
}

/* ---- wipe, upload, download --------------------------------------------------- */

/* Open the partition of @vol (checked to be the catalog's) with @flags. */
static int
open_volume(const scPoolCtx *pool, const scVolRecord *vol, int flags, Disk *d,
            unsigned long long *size, bool *extended)
{
    const DiskPart *p;
    DiskTable t = { 0 };
    int fd = -1, r;

    if (open_table(pool, DISK_READ, d, NULL, &t) < 0)
        return -1;
    if ((r = find_part(pool, d, &t, vol->name, vol, &p)) == 0)
        scReportError(SC_FROM_STORAGE, SC_ERR_NO_STORAGE_VOL,
                      "volume '%s': '%s' has no such partition any more: refresh pool '%s'",
                      vol->name, d->path, pool->def->name);
    if (r > 0) {
        *size = p->size * t.sector;
        *extended = p->kind == PART_EXTENDED;
        if (*extended && (flags & O_ACCMODE) != O_RDONLY)
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                          "volume '%s': an extended partition holds the logical ones: it "
                          "cannot be written to",
                          vol->name);
        else
            fd = diskOpenPart(d, p, flags);
    }
    diskTableClear(&t);
    if (fd < 0)
        diskClose(d);
    return fd;
}

int
diskVolWipe(const scPoolCtx *pool, const scVolRecord *vol, unsigned int algorithm,
            const scProgress *progress)
{
    unsigned long long size = 0;
    bool extended = false;
    Disk d;
    int fd, r;

    if ((fd = open_volume(pool, vol, O_RDWR, &d, &size, &extended)) < 0)
        return -1;
    if (algorithm == SC_STORAGE_VOL_WIPE_ALG_TRIM) {
        r = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, (off_t) size);
        if (r < 0)
            scReportSystemError(SC_FROM_STORAGE, errno, "volume '%s': cannot discard its data",
                                vol->name);
    } else {
        r = scFdWipe(fd, vol->name, size, algorithm, progress);
    }
    close(fd);
    diskClose(&d);
    return r;
}

int
diskVolUpload(const scPoolCtx *pool, const scVolRecord *vol, int fd, unsigned long long offset,
              unsigned long long length, unsigned int flags, const scProgress *progress)
{
    unsigned long long size = 0, len;
    bool extended = false;
    long long n;
    char extra;
    Disk d;
    int out;

    if ((out = open_volume(pool, vol, O_RDWR, &d, &size, &extended)) < 0)
        return -1;
    n = -1;
    if (offset > size || (length && length > size - offset)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "volume '%s': an upload of %llu bytes at offset %llu does not fit in its "
                      "%llu bytes",
                      vol->name, length, offset, size);
        goto out;
    }
    len = length ? length : size - offset;
    n = scFdCopy(fd, false, 0, out, true, offset, len, flags & SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM,
                 vol->name, progress);
    /* All of the volume taken and more to come: the input is too large. */
    if (n >= 0 && !length && (unsigned long long) n == len && read(fd, &extra, 1) == 1) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "volume '%s': the upload is larger than its %llu bytes", vol->name, size);
        n = -1;
    }
    if (n >= 0 && fsync(out) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "volume '%s': cannot sync", vol->name);
        n = -1;
    }
out:
    close(out);
    diskClose(&d);
    return n < 0 ? -1 : 0;
}

int
diskVolDownload(const scPoolCtx *pool, const scVolRecord *vol, int fd, unsigned long long offset,
                unsigned long long length, unsigned int flags, const scProgress *progress)
{
    bool sparse = flags & SC_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM;
    unsigned long long size = 0;
    bool extended = false;
    struct stat st;
    off_t pos = -1;
    long long n = 0;
    Disk d;
    int in;

    if ((in = open_volume(pool, vol, O_RDONLY, &d, &size, &extended)) < 0)
        return -1;
    if (offset > size)
        offset = size;
    if (length == 0 || length > size - offset)
        length = size - offset;
    if (sparse && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        pos = lseek(fd, 0, SEEK_CUR);
    if (length)
        n = scFdCopy(in, true, offset, fd, pos >= 0, pos >= 0 ? (unsigned long long) pos : 0,
                     length, sparse, vol->name, progress);
    if (n >= 0 && pos >= 0) {
        off_t end = pos + (off_t) n;
        if (fstat(fd, &st) == 0 && st.st_size < end && ftruncate(fd, end) < 0)
            n = -1;
        else
            lseek(fd, end, SEEK_SET);
    }
    close(in);
    diskClose(&d);
    return n < 0 ? -1 : 0;
}
