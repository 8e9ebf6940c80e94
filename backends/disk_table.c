/*
 * disk_table.c: reading a disk pool's disk: the device itself, its change
 * token from the raw sectors of its partition table, the table as
 * libfdisk reads it (read-only, from a descriptor opened read-only), the
 * free regions and where a new partition goes, and the signatures
 * libblkid finds on the disk or inside a partition.
 *
 * The token is what makes an unchanged refresh cheap: the table's own
 * checksums (GPT: the header's CRC and the entries' CRC, which the header
 * covers; dos: a hash of the MBR's table and of every EBR in the chain),
 * computed from one read of those sectors. Reading them also checks them,
 * as libfdisk does, so that a corrupt GPT is told apart from a good one.
 */
#include <config.h>

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <blkid/blkid.h>

#include "disk_priv.h"
#include "util/util.h"

/* ---- the device -------------------------------------------------------- */

const char *
diskLabelName(DiskLabel label)
{
    return label == DISK_LABEL_GPT ? "gpt" : label == DISK_LABEL_DOS ? "dos" : "none";
}

int
diskWantedLabel(const scPoolDef *def, DiskLabel *label)
{
    const char *f = def->source.format;

    if (!f || strcmp(f, "unknown") == 0 || strcmp(f, "dos") == 0) {
        *label = DISK_LABEL_DOS; /* libvirt's default */
        return 0;
    }
    if (strcmp(f, "gpt") == 0) {
        *label = DISK_LABEL_GPT;
        return 0;
    }
    scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                  "pool '%s': disk label format '%s' is not supported by storcat (gpt, dos)",
                  def->name, f);
    return -1;
}

/* The kernel's name of block device @devno, from sysfs; *@partition is
 * set when it is a partition. New string or NULL (reported). */
static char *
kernel_name(const Disk *d, dev_t devno, bool *partition)
{
    char link[64], buf[PATH_MAX];
    ssize_t n;
    const char *base;
    char *name;

    snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(devno), minor(devno));
    if ((n = readlink(link, buf, sizeof(buf) - 1)) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno,
                            "pool '%s': the kernel does not know block device '%s' (%s)", d->pool,
                            d->path, link);
        return NULL;
    }
    buf[n] = '\0';
    base = strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf;
    name = scStrdup(base);
    snprintf(buf, sizeof(buf), "%s/partition", link);
    *partition = access(buf, F_OK) == 0;
    return name;
}

/* Where the partition nodes of the disk are, as the kernel names them:
 * "/dev/sdb" + "1", "/dev/loop0" + "p1" (a name ending in a digit takes
 * a "p"). A device-mapper disk's partitions are kpartx's, by libvirt's
 * rule: /dev/mapper/NAME + "p" when NAME ends in a digit or the
 * definition says part_separator='yes'. */
static int
set_prefix(Disk *d, const scPoolDef *def)
{
    const char *name = d->kname;
    _cleanup_free_ char *dmname = NULL;
    size_t len;

    if (d->dm) {
        char sysname[96];
        FILE *f;
        snprintf(sysname, sizeof(sysname), "/sys/block/%s/dm/name", d->kname);
        if ((f = fopen(sysname, "re"))) {
            char buf[256];
            if (fgets(buf, sizeof(buf), f)) {
                buf[strcspn(buf, "\n")] = '\0';
                dmname = scStrdup(buf);
            }
            fclose(f);
        }
        name = dmname ? dmname : d->kname;
    }
    len = strlen(name);
    if (d->dm)
        d->prefix = scAsprintf("/dev/mapper/%s%s", name,
                               (len && isdigit((unsigned char) name[len - 1])) ||
                                       def->source.devices[0].part_separator == SC_TRISTATE_YES
                                   ? "p"
                                   : "");
    else
        d->prefix =
            scAsprintf("/dev/%s%s", name, len && isdigit((unsigned char) name[len - 1]) ? "p" : "");
    return d->prefix ? 0 : -1;
}

/* How long a disk may stay locked by another program before an operation
 * gives up (sfdisk --lock, systemd-repart, another storcat). */
#define LOCK_WAIT_MS 10000

/*
 * The lock that sfdisk, udev and systemd take on a whole disk (BSD flock):
 * exclusive to change the table (read, made and written under it), shared
 * to read it, so that a refresh never reads a table half written by
 * another storcat process or a tool that locks. Another holder is waited
 * for LOCK_WAIT_MS, then the operation fails naming the disk.
 */
static int
lock_disk(const Disk *d, DiskMode mode)
{
    int how = (mode & DISK_WRITE ? LOCK_EX : LOCK_SH) | LOCK_NB;

    for (long waited = 0; flock(d->fd, how) < 0; waited += 10) {
        struct timespec ts = { 0, 10 * 1000000L };
        if (errno != EWOULDBLOCK && errno != EINTR) {
            scReportSystemError(SC_FROM_STORAGE, errno,
                                "pool '%s': cannot lock source device '%s'", d->pool, d->path);
            return -1;
        }
        if (waited >= LOCK_WAIT_MS) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "pool '%s': source device '%s' stayed locked by another program for "
                          "%d s",
                          d->pool, d->path, LOCK_WAIT_MS / 1000);
            return -1;
        }
        nanosleep(&ts, NULL);
    }
    return 0;
}

int
diskOpen(const scPoolDef *def, DiskMode mode, Disk *d)
{
    char buf[PATH_MAX];
    struct stat st;
    bool partition = false;
    int sector = 0;

    memset(d, 0, sizeof(*d));
    d->fd = -1;
    d->pool = def->name;
    if (!def->source.ndevices || !def->source.devices[0].path) {
        scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                      "pool '%s': a disk pool needs <source><device path=...>", def->name);
        return -1;
    }
    d->path = def->source.devices[0].path;
    if (stat(d->path, &st) < 0) {
        if (errno == ENOENT)
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                          "pool '%s': source device '%s' does not exist", def->name, d->path);
        else
            scReportSystemError(SC_FROM_STORAGE, errno, "pool '%s': cannot stat source device '%s'",
                                def->name, d->path);
        return -1;
    }
    if (!S_ISBLK(st.st_mode)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "pool '%s': source '%s' is not a block device", def->name, d->path);
        return -1;
    }
    d->devno = st.st_rdev;
    if (!realpath(d->path, buf) || !(d->node = scStrdup(buf)) ||
        !(d->kname = kernel_name(d, d->devno, &partition)))
        goto error;
    if (partition) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "pool '%s': '%s' is a partition, not a whole disk: a disk pool's source is "
                      "the disk that holds the partition table",
                      def->name, d->path);
        goto error;
    }
    d->dm = strncmp(d->kname, "dm-", 3) == 0;
    if (set_prefix(d, def) < 0)
        goto error;
    d->fd = open(d->node, (mode & DISK_WRITE ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NONBLOCK);
    if (d->fd < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "pool '%s': cannot open source device '%s'",
                            def->name, d->path);
        goto error;
    }
    /* The node opened must be the device stat'ed (no swap in between). */
    if (fstat(d->fd, &st) < 0 || !S_ISBLK(st.st_mode) || st.st_rdev != d->devno) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "pool '%s': source device '%s' changed while it was opened", def->name,
                      d->path);
        goto error;
    }
    if (lock_disk(d, mode) < 0)
        goto error;
    if (ioctl(d->fd, BLKGETSIZE64, &d->bytes) < 0 || ioctl(d->fd, BLKSSZGET, &sector) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno,
                            "pool '%s': cannot read the size of source device '%s'", def->name,
                            d->path);
        goto error;
    }
    d->sector = sector > 0 ? (unsigned long) sector : 512;
    /* The table and the signatures are small reads far apart: no
     * readahead (on a disk just opened, the kernel's page cache of it is
     * empty, and a readahead window per probe costs more than the probes). */
    posix_fadvise(d->fd, 0, 0, POSIX_FADV_RANDOM);
    if (d->bytes < 3 * (unsigned long long) d->sector) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "pool '%s': source device '%s' has no medium (size %llu): a loop device "
                      "detached, or a disk gone?",
                      def->name, d->path, d->bytes);
        goto error;
    }
    return 0;

error:
    diskClose(d);
    return -1;
}

void
diskClose(Disk *d)
{
    if (d->probe)
        blkid_free_probe(d->probe);
    if (d->fd >= 0)
        close(d->fd);
    free(d->node);
    free(d->kname);
    free(d->prefix);
    memset(d, 0, sizeof(*d));
    d->fd = -1;
}

/* ---- the change token ---------------------------------------------------- */

static uint32_t
crc32_ieee(const unsigned char *p, size_t n)
{
    static uint32_t table[256];
    static bool ready;
    uint32_t c = 0xffffffffu;

    if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t v = i;
            for (int k = 0; k < 8; k++)
                v = v & 1 ? 0xedb88320u ^ (v >> 1) : v >> 1;
            table[i] = v;
        }
        __atomic_store_n(&ready, true, __ATOMIC_RELEASE);
    }
    while (n--)
        c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

static uint32_t
le32(const unsigned char *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static uint64_t
le64(const unsigned char *p)
{
    return (uint64_t) le32(p) | (uint64_t) le32(p + 4) << 32;
}

/* Read exactly @len bytes at @off. 0, or -1 (reported; a short read of a
 * disk that shrank is an I/O error too). */
static int
read_at(const Disk *d, void *buf, size_t len, unsigned long long off)
{
    size_t done = 0;

    while (done < len) {
        ssize_t r = pread(d->fd, (char *) buf + done, len - done, (off_t) (off + done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            scReportSystemError(SC_FROM_STORAGE, r < 0 ? errno : EIO,
                                "pool '%s': cannot read source device '%s' at offset %llu", d->pool,
                                d->path, off + done);
            return -1;
        }
        done += (size_t) r;
    }
    return 0;
}

/* A GPT header at @lba, from the @hdr sector already read; its entries
 * are read (from @have when they lie in it, else from the disk) and
 * checked. true when it is whole; its CRCs in @crcs. */
static bool
gpt_header_ok(const Disk *d, const unsigned char *hdr, unsigned long long lba,
              const unsigned char *have, unsigned long long have_off, size_t have_len,
              uint32_t crcs[2])
{
    unsigned char copy[512];
    uint32_t hsize = le32(hdr + 12), nents = le32(hdr + 80), esize = le32(hdr + 84);
    unsigned long long elba = le64(hdr + 72), eoff, elen;
    _cleanup_free_ unsigned char *ents = NULL;
    const unsigned char *e;

    if (memcmp(hdr, "EFI PART", 8) != 0 || hsize < 92 || hsize > sizeof(copy) ||
        hsize > d->sector || le64(hdr + 24) != lba || esize < 128 || esize > 4096 ||
        (esize & (esize - 1)) || nents == 0 || nents > 16384)
        return false;
    memcpy(copy, hdr, hsize);
    memset(copy + 16, 0, 4);
    if (crc32_ieee(copy, hsize) != le32(hdr + 16))
        return false;
    eoff = elba * d->sector;
    elen = (unsigned long long) nents * esize;
    if (eoff + elen > d->bytes)
        return false;
    if (have && eoff >= have_off && eoff + elen <= have_off + have_len) {
        e = have + (eoff - have_off);
    } else {
        if (!(ents = malloc(elen)) || read_at(d, ents, elen, eoff) < 0) {
            scResetLastError();
            return false;
        }
        e = ents;
    }
    if (crc32_ieee(e, elen) != le32(hdr + 88))
        return false;
    crcs[0] = le32(hdr + 16);
    crcs[1] = le32(hdr + 88);
    return true;
}

static bool
is_extended(unsigned int code)
{
    return code == 0x05 || code == 0x0f || code == 0x85;
}

/* FNV-1a, 64 bits, over @n bytes, continuing @h. */
static uint64_t
fnv1a(uint64_t h, const unsigned char *p, size_t n)
{
    while (n--) {
        h ^= *p++;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* The dos token: the MBR's disk identifier and table, then each EBR's
 * table along the chain (a loop in the chain ends it). */
static int
dos_token(const Disk *d, const unsigned char *mbr, char **token)
{
    uint64_t h = fnv1a(0xcbf29ce484222325ULL, mbr + 440, 72);
    unsigned char *ebr = NULL;

    for (int i = 0; i < 4; i++) {
        const unsigned char *e = mbr + 446 + 16 * i;
        unsigned long long ext = le32(e + 8), next = ext;
        if (!is_extended(e[4]) || !ext)
            continue;
        if (!ebr && !(ebr = malloc(d->sector))) {
            scReportOOM();
            return -1;
        }
        for (int n = 0; n < 256 && next && (next + 1) * d->sector <= d->bytes; n++) {
            if (read_at(d, ebr, d->sector, next * d->sector) < 0) {
                free(ebr);
                return -1;
            }
            h = fnv1a(h, ebr + 446, 66);
            if (ebr[510] != 0x55 || ebr[511] != 0xaa || !is_extended(ebr[446 + 16 + 4]))
                break;
            next = ext + le32(ebr + 446 + 16 + 8);
            if (next == ext)
                break;
        }
    }
    free(ebr);
    return (*token = scAsprintf("dos:%016llx", (unsigned long long) h)) ? 0 : -1;
}

int
diskReadToken(Disk *d, char **token, DiskRaw *raw)
{
    /* The protective MBR, the primary header and 128 entries of 128
     * bytes: one read for the usual layout. */
    size_t len = 2 * d->sector + 128 * 128 < d->bytes ? 2 * d->sector + 128 * 128 : d->bytes;
    _cleanup_free_ unsigned char *buf = malloc(len);
    uint32_t crcs[2] = { 0, 0 };

    memset(raw, 0, sizeof(*raw));
    *token = NULL;
    if (!buf) {
        scReportOOM();
        return -1;
    }
    if (read_at(d, buf, len, 0) < 0)
        return -1;
    if (buf[510] != 0x55 || buf[511] != 0xaa) {
        raw->label = DISK_LABEL_NONE;
        return (*token = scStrdup("none")) ? 0 : -1;
    }
    for (int i = 0; i < 4; i++)
        if (buf[446 + 16 * i + 4] == 0xee)
            raw->protective = true;
    if (!raw->protective) {
        raw->label = DISK_LABEL_DOS;
        return dos_token(d, buf, token);
    }
    raw->label = DISK_LABEL_GPT;
    raw->primary_ok = gpt_header_ok(d, buf + d->sector, 1, buf, 0, len, crcs);
    if (!raw->primary_ok) {
        /* As libfdisk: the backup at the last sector of the disk. */
        unsigned long long last = d->bytes / d->sector - 1;
        _cleanup_free_ unsigned char *hdr = malloc(d->sector);
        if (!hdr) {
            scReportOOM();
            return -1;
        }
        if (read_at(d, hdr, d->sector, last * d->sector) < 0)
            return -1;
        raw->backup_ok = gpt_header_ok(d, hdr, last, NULL, 0, 0, crcs);
    }
    *token = scAsprintf("gpt%s:%08x:%08x", raw->primary_ok ? "" : "-backup", crcs[0], crcs[1]);
    return *token ? 0 : -1;
}

int
diskRawCheck(const Disk *d, const DiskRaw *raw, DiskLabel want)
{
    if (raw->label == DISK_LABEL_GPT && !raw->primary_ok) {
        if (raw->backup_ok)
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                          "pool '%s': the primary GPT header of '%s' is corrupt but its backup "
                          "is good: repair the table from the backup (pool-build --repair) "
                          "before using the pool",
                          d->pool, d->path);
        else
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                          "pool '%s': '%s' has no valid GPT: its primary and its backup headers "
                          "are both corrupt",
                          d->pool, d->path);
        return -1;
    }
    if (raw->label == DISK_LABEL_NONE) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "pool '%s': '%s' has no partition table: build the pool first", d->pool,
                      d->path);
        return -1;
    }
    if (want != DISK_LABEL_NONE && raw->label != want) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "pool '%s': '%s' has a %s partition table, not the %s of the pool's "
                      "definition",
                      d->pool, d->path, diskLabelName(raw->label), diskLabelName(want));
        return -1;
    }
    return 0;
}

/* ---- the table ------------------------------------------------------------- */

/* libfdisk's questions get no answer (storcat gives it every value), its
 * warnings are kept for the error message. */
static int
fdisk_ask_cb(struct fdisk_context *cxt, struct fdisk_ask *ask, void *data)
{
    char *last = data;

    (void) cxt;
    switch (fdisk_ask_get_type(ask)) {
    case FDISK_ASKTYPE_INFO:
    case FDISK_ASKTYPE_WARN:
    case FDISK_ASKTYPE_WARNX:
        if (fdisk_ask_print_get_mesg(ask))
            snprintf(last, 256, "%s", fdisk_ask_print_get_mesg(ask));
        return 0;
    default:
        return -EINVAL;
    }
}

static char *
lowercase(const char *s)
{
    char *r = scStrdup(s);

    for (char *p = r; p && *p; p++)
        *p = (char) tolower((unsigned char) *p);
    return r;
}

static int
part_from_fdisk(struct fdisk_partition *pa, DiskPart *p)
{
    struct fdisk_parttype *type = fdisk_partition_get_type(pa);
    const char *s;

    p->partno = fdisk_partition_get_partno(pa) + 1;
    p->start = fdisk_partition_get_start(pa);
    p->size = fdisk_partition_get_size(pa);
    p->kind = fdisk_partition_is_container(pa) ? PART_EXTENDED
              : fdisk_partition_is_nested(pa)  ? PART_LOGICAL
                                               : PART_PRIMARY;
    p->boot = fdisk_partition_is_bootable(pa) == 1;
    if (type) {
        p->code = fdisk_parttype_get_code(type);
        if ((s = fdisk_parttype_get_string(type)) && !(p->type = scStrdup(s)))
            return -1;
        if (!p->type && !(p->type = scAsprintf("0x%02x", p->code)))
            return -1;
        if ((s = fdisk_parttype_get_name(type)) && !(p->type_name = scStrdup(s)))
            return -1;
    }
    if (((s = fdisk_partition_get_uuid(pa)) && *s && !(p->uuid = lowercase(s))) ||
        ((s = fdisk_partition_get_name(pa)) && *s && !(p->name = scStrdup(s))) ||
        ((s = fdisk_partition_get_attrs(pa)) && *s && !(p->attrs = scStrdup(s))))
        return -1;
    return 0;
}

static int
cmp_partno(const void *a, const void *b)
{
    const DiskPart *x = a, *y = b;
    return x->partno < y->partno ? -1 : x->partno > y->partno;
}

/* Fill @t from a context that has a dos or GPT label. */
static int
table_from_fdisk(Disk *d, struct fdisk_context *cxt, DiskTable *t)
{
    struct fdisk_table *tb = NULL;
    char *id = NULL;
    size_t n;
    int rc;

    t->label = fdisk_is_label(cxt, GPT) ? DISK_LABEL_GPT : DISK_LABEL_DOS;
    t->sector = fdisk_get_sector_size(cxt);
    t->first = fdisk_get_first_lba(cxt);
    t->last = fdisk_get_last_lba(cxt);
    t->grain = fdisk_get_grain_size(cxt) / t->sector;
    if (t->grain == 0)
        t->grain = 1;
    t->lba = t->label == DISK_LABEL_DOS ? t->first : 0;
    t->max_entries = t->label == DISK_LABEL_GPT ? fdisk_get_npartitions(cxt) : 4;
    if (fdisk_get_disklabel_id(cxt, &id) == 0 && id) {
        t->id = lowercase(strncmp(id, "0x", 2) == 0 ? id + 2 : id);
        free(id);
        if (!t->id)
            return -1;
    }
    if ((rc = fdisk_get_partitions(cxt, &tb)) < 0) {
        scReportSystemError(SC_FROM_STORAGE, -rc, "pool '%s': cannot read the partitions of '%s'",
                            d->pool, d->path);
        return -1;
    }
    n = tb ? fdisk_table_get_nents(tb) : 0;
    if (n && !(t->parts = scAlloc(n * sizeof(*t->parts)))) {
        fdisk_unref_table(tb);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        struct fdisk_partition *pa = fdisk_table_get_partition(tb, i);
        if (!pa || !fdisk_partition_is_used(pa))
            continue;
        if (part_from_fdisk(pa, &t->parts[t->nparts++]) < 0) {
            fdisk_unref_table(tb);
            return -1;
        }
    }
    fdisk_unref_table(tb);
    if (t->nparts > 1)
        qsort(t->parts, t->nparts, sizeof(*t->parts), cmp_partno);
    return 0;
}

int
diskOpenTable(Disk *d, bool write, struct fdisk_context **cxtp, DiskTable *t)
{
    struct fdisk_context *cxt = fdisk_new_context();
    static _Thread_local char msg[256]; /* libfdisk's last warning, for a message */
    int rc;

    memset(t, 0, sizeof(*t));
    if (cxtp)
        *cxtp = NULL;
    if (!cxt) {
        scReportOOM();
        return -1;
    }
    msg[0] = '\0';
    fdisk_set_ask(cxt, fdisk_ask_cb, msg);
    /* Read-only, list-only: no search for other signatures, nothing
     * written, the descriptor opened read-only. */
    fdisk_enable_listonly(cxt, !write);
    if ((rc = fdisk_assign_device_by_fd(cxt, d->fd, d->node, !write)) < 0) {
        scReportSystemError(SC_FROM_STORAGE, -rc,
                            "pool '%s': cannot read the partition table of '%s'", d->pool, d->path);
        goto error;
    }
    if (!fdisk_has_label(cxt) || (!fdisk_is_label(cxt, GPT) && !fdisk_is_label(cxt, DOS))) {
        struct fdisk_label *lb = fdisk_get_label(cxt, NULL);
        if (fdisk_has_label(cxt) && lb)
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                          "pool '%s': '%s' has a %s partition table, which storcat does not "
                          "manage (gpt, dos)",
                          d->pool, d->path, fdisk_label_get_name(lb));
        else
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                          "pool '%s': '%s' has no partition table%s%s: build the pool first",
                          d->pool, d->path, *msg ? ": " : "", msg);
        goto error;
    }
    if (table_from_fdisk(d, cxt, t) < 0)
        goto error;
    if (cxtp)
        *cxtp = cxt;
    else
        fdisk_unref_context(cxt);
    return 0;

error:
    fdisk_unref_context(cxt);
    diskTableClear(t);
    return -1;
}

int
diskReadTable(Disk *d, DiskTable *t)
{
    return diskOpenTable(d, false, NULL, t);
}

int
diskTableRefill(Disk *d, struct fdisk_context *cxt, DiskTable *t)
{
    diskTableClear(t);
    if (table_from_fdisk(d, cxt, t) < 0) {
        diskTableClear(t);
        return -1;
    }
    return 0;
}

void
diskTableClear(DiskTable *t)
{
    for (size_t i = 0; i < t->nparts; i++) {
        free(t->parts[i].type);
        free(t->parts[i].type_name);
        free(t->parts[i].uuid);
        free(t->parts[i].name);
        free(t->parts[i].attrs);
    }
    free(t->parts);
    free(t->id);
    memset(t, 0, sizeof(*t));
}

const DiskPart *
diskTableFind(const DiskTable *t, size_t partno)
{
    for (size_t i = 0; i < t->nparts; i++)
        if (t->parts[i].partno == partno)
            return &t->parts[i];
    return NULL;
}

const DiskPart *
diskTableExtended(const DiskTable *t)
{
    for (size_t i = 0; i < t->nparts; i++)
        if (t->parts[i].kind == PART_EXTENDED)
            return &t->parts[i];
    return NULL;
}

/* ---- free regions and placement -------------------------------------------- */

typedef struct {
    unsigned long long start, end; /* inclusive */
} Used;

static int
cmp_used(const void *a, const void *b)
{
    const Used *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Append the gaps of [lo, hi] between the sorted @used areas. */
static int
add_gaps(DiskRegion **v, size_t *n, const Used *used, size_t nused, unsigned long long lo,
         unsigned long long hi, bool logical)
{
    unsigned long long at = lo;

    for (size_t i = 0; i <= nused && at <= hi; i++) {
        unsigned long long stop = i < nused ? used[i].start : hi + 1;
        if (stop > hi + 1)
            stop = hi + 1;
        if (stop > at) {
            DiskRegion *r = reallocarray(*v, *n + 1, sizeof(**v));
            if (!r) {
                scReportOOM();
                return -1;
            }
            *v = r;
            r[(*n)++] = (DiskRegion){ .start = at, .end = stop - 1, .logical = logical };
        }
        if (i < nused && used[i].end + 1 > at)
            at = used[i].end + 1;
    }
    return 0;
}

static int
cmp_region(const void *a, const void *b)
{
    const DiskRegion *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

int
diskFreeRegions(const DiskTable *t, DiskRegion **v, size_t *n)
{
    const DiskPart *ext = diskTableExtended(t);
    _cleanup_free_ Used *outer = scAlloc((t->nparts + 1) * sizeof(Used));
    _cleanup_free_ Used *inner = scAlloc((t->nparts + 1) * sizeof(Used));
    size_t nouter = 0, ninner = 0;

    *v = NULL;
    *n = 0;
    if (!outer || !inner)
        return -1;
    for (size_t i = 0; i < t->nparts; i++) {
        const DiskPart *p = &t->parts[i];
        if (p->kind == PART_LOGICAL) {
            /* Its EBR and the gap libfdisk leaves before its data. */
            unsigned long long s = p->start > t->lba ? p->start - t->lba : 0;
            inner[ninner++] = (Used){ s, p->start + p->size - 1 };
        } else if (p->size) {
            outer[nouter++] = (Used){ p->start, p->start + p->size - 1 };
        }
    }
    if (nouter > 1)
        qsort(outer, nouter, sizeof(Used), cmp_used);
    if (ninner > 1)
        qsort(inner, ninner, sizeof(Used), cmp_used);
    if (add_gaps(v, n, outer, nouter, t->first, t->last, false) < 0)
        goto error;
    /* Inside the extended partition, past the first EBR and its gap. */
    if (ext && ext->size > t->lba &&
        add_gaps(v, n, inner, ninner, ext->start, ext->start + ext->size - 1, true) < 0)
        goto error;
    if (*n > 1)
        qsort(*v, *n, sizeof(**v), cmp_region);
    return 0;
error:
    free(*v);
    *v = NULL;
    *n = 0;
    return -1;
}

static unsigned long long
align_up(unsigned long long v, unsigned long long grain)
{
    return grain > 1 ? (v + grain - 1) / grain * grain : v;
}

int
diskPlace(const DiskTable *t, bool logical, unsigned long long sectors, unsigned long long *start,
          unsigned long long *largest)
{
    _cleanup_free_ DiskRegion *v = NULL;
    size_t n;

    *largest = 0;
    if (diskFreeRegions(t, &v, &n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        /* A logical partition's data comes after its EBR and a gap. */
        unsigned long long s = align_up(v[i].start + (logical ? t->lba : 0), t->grain);
        unsigned long long room;
        if (v[i].logical != logical || s > v[i].end)
            continue;
        room = v[i].end - s + 1;
        if (room > *largest)
            *largest = room;
        if (room >= sectors) {
            *start = s;
            return 1;
        }
    }
    return 0;
}

int
diskNextPartition(const Disk *d, const DiskTable *t, bool extended, size_t *partno, PartKind *kind)
{
    size_t used = 0;

    if (t->label == DISK_LABEL_GPT) {
        if (extended) {
            scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                          "pool '%s': a GPT has no extended partitions (format 'extended' is "
                          "for dos tables)",
                          d->pool);
            return -1;
        }
        for (size_t n = 1; n <= t->max_entries; n++) {
            if (!diskTableFind(t, n)) {
                *partno = n;
                *kind = PART_PRIMARY;
                return 0;
            }
        }
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "pool '%s': the GPT of '%s' has no free entry: all %zu are used", d->pool,
                      d->path, t->max_entries);
        return -1;
    }
    /* dos, as libvirt: primary partitions while a slot is free (one
     * holding the extended partition counts), then logical ones. */
    for (size_t i = 0; i < t->nparts; i++)
        if (t->parts[i].kind != PART_LOGICAL)
            used++;
    if (extended && diskTableExtended(t)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "pool '%s': the dos table of '%s' has an extended partition already", d->pool,
                      d->path);
        return -1;
    }
    if (used < 4) {
        for (size_t n = 1; n <= 4; n++) {
            if (!diskTableFind(t, n)) {
                *partno = n;
                *kind = extended ? PART_EXTENDED : PART_PRIMARY;
                return 0;
            }
        }
    }
    if (extended || !diskTableExtended(t)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "pool '%s': the dos table of '%s' has 4 primary partitions and no "
                      "extended one: no other partition can be made",
                      d->pool, d->path);
        return -1;
    }
    *partno = 5;
    for (size_t i = 0; i < t->nparts; i++)
        if (t->parts[i].kind == PART_LOGICAL && t->parts[i].partno >= *partno)
            *partno = t->parts[i].partno + 1;
    *kind = PART_LOGICAL;
    return 0;
}

/* ---- signatures ----------------------------------------------------------- */

static blkid_probe
new_probe(Disk *d, unsigned long long off, unsigned long long len)
{
    blkid_probe pr = blkid_new_probe();

    if (!pr) {
        scReportOOM();
        return NULL;
    }
    if (blkid_probe_set_device(pr, d->fd, (blkid_loff_t) off, (blkid_loff_t) len) < 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "pool '%s': libblkid cannot probe '%s' at offset %llu", d->pool, d->path,
                      off);
        blkid_free_probe(pr);
        return NULL;
    }
    return pr;
}

int
diskProbeWhole(Disk *d, char **what)
{
    blkid_probe pr = new_probe(d, 0, 0);
    const char *type = NULL, *usage = NULL;
    int rc;

    *what = NULL;
    if (!pr)
        return -1;
    blkid_probe_enable_superblocks(pr, 1);
    blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_USAGE);
    blkid_probe_enable_partitions(pr, 1);
    blkid_probe_set_partitions_flags(pr, BLKID_PARTS_FORCE_GPT);
    rc = blkid_do_safeprobe(pr);
    if (rc == -2) {
        *what = scStrdup("several conflicting signatures");
    } else if (rc == 0) {
        if (blkid_probe_lookup_value(pr, "PTTYPE", &type, NULL) == 0)
            *what = scAsprintf("a %s partition table", type);
        else if (blkid_probe_lookup_value(pr, "TYPE", &type, NULL) == 0) {
            blkid_probe_lookup_value(pr, "USAGE", &usage, NULL);
            *what =
                scAsprintf("%s %s %s", usage && strcmp(usage, "filesystem") == 0 ? "an" : "a", type,
                           !usage                             ? "signature"
                           : strcmp(usage, "filesystem") == 0 ? "file system"
                           : strcmp(usage, "raid") == 0       ? "RAID/LVM member signature"
                           : strcmp(usage, "crypto") == 0     ? "encryption header"
                                                              : "signature");
        } else {
            *what = scStrdup("a signature");
        }
    }
    blkid_free_probe(pr);
    if (rc < 0 && rc != -2) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "pool '%s': libblkid failed to probe '%s'", d->pool, d->path);
        return -1;
    }
    return rc == 1 || *what ? 0 : -1;
}

int
diskProbeContent(Disk *d, unsigned long long off, unsigned long long len, scVolRecord *rec)
{
    static const char *const keys[][2] = {
        { "TYPE", "content.type" },   { "USAGE", "content.usage" },     { "UUID", "content.uuid" },
        { "LABEL", "content.label" }, { "VERSION", "content.version" },
    };
    int rc, r = 0;

    /* One prober for all the partitions of the disk: made and set up
     * once, pointed at each partition in turn (which forgets the last
     * one's results and buffers, not its settings). */
    if (!d->probe) {
        if (!(d->probe = blkid_new_probe())) {
            scReportOOM();
            return -1;
        }
        blkid_probe_enable_superblocks(d->probe, 1);
        blkid_probe_set_superblocks_flags(d->probe, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_USAGE |
                                                        BLKID_SUBLKS_UUID | BLKID_SUBLKS_LABEL |
                                                        BLKID_SUBLKS_VERSION);
        blkid_probe_enable_partitions(d->probe, 0);
    }
    if (blkid_probe_set_device(d->probe, d->fd, (blkid_loff_t) off, (blkid_loff_t) len) < 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "pool '%s': libblkid cannot probe '%s' at offset %llu", d->pool, d->path,
                      off);
        return -1;
    }
    rc = blkid_do_safeprobe(d->probe);
    if (rc == 0) {
        for (size_t i = 0; i < SC_N_ELEMENTS(keys) && r == 0; i++) {
            const char *v = NULL;
            if (blkid_probe_lookup_value(d->probe, keys[i][0], &v, NULL) == 0 && v && *v)
                r = scVolRecordSetAttr(rec, keys[i][1], v);
        }
    } else if (rc == -2) {
        r = scVolRecordSetAttr(rec, "content.type", "ambivalent");
    }
    return r;
}

/* Start reading @len bytes at @off of the partition at @base of @size
 * bytes, clipped to it. */
static void
prefetch(const Disk *d, unsigned long long base, unsigned long long size, unsigned long long off,
         unsigned long long len)
{
    if (off >= size)
        return;
    if (len > size - off)
        len = size - off;
    posix_fadvise(d->fd, (off_t) (base + off), (off_t) len, POSIX_FADV_WILLNEED);
}

/*
 * Where libblkid's superblock probers read inside a partition (traced
 * with LIBBLKID_DEBUG=lowprobe on util-linux 2.38): the first 20 KiB (most
 * magics: xfs, ext, LVM2, md 1.1/1.2, LUKS, swap, vfat, ntfs, ...), one
 * sector at 32 KiB and at each power of two above up to 4 MiB (iso9660,
 * udf, btrfs, reiserfs; LUKS2's secondary headers), the last 8 KiB and,
 * on a partition above 1440 KiB (smaller ones are "tiny" to libblkid and
 * skip those probers), the last 512 KiB (RAID metadata, ZFS's labels 2 and
 * 3), and on one of 64 MiB or more ZFS's labels 0 and 1 (512 KiB). This
 * is only where the reads are started ahead: a prober that reads
 * elsewhere still reads what it needs, one read later.
 */
void
diskProbePrefetch(const Disk *d, unsigned long long off, unsigned long long len)
{
    prefetch(d, off, len, 0, len >= 64ULL << 20 ? 512 << 10 : 20 << 10);
    for (unsigned long long at = 32 << 10; at <= 4 << 20; at *= 2)
        prefetch(d, off, len, at, 4096);
    if (len > 1440 << 10)
        prefetch(d, off, len, len - (512 << 10), 512 << 10);
    else
        prefetch(d, off, len, len > 8192 ? len - 8192 : 0, 8192);
}
