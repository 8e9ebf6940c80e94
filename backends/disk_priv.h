/*
 * disk_priv.h: what the files of the "disk" backend share and nothing
 * else sees.
 *
 * A disk pool is a whole disk (<source><device path=...>) with a GPT or
 * dos partition table; its volumes are the partitions. The files split
 * the work by meaning: disk_table.c reads the disk (the change token from
 * the raw sectors, the table with libfdisk, signatures with libblkid) and
 * computes where a new partition goes; disk_kernel.c names partitions as
 * the kernel does and keeps the kernel's view in step with the table
 * (BLKPG, one partition at a time), and knows what is in use; disk.c has
 * the pool slots and writes labels; disk_vol.c has the volume slots.
 *
 * Sizes inside are in sectors of the disk's logical sector size unless a
 * name says bytes; the boundary (records, extents, XML) speaks bytes.
 */
#ifndef SC_DISK_PRIV_H
#define SC_DISK_PRIV_H

#include <stdbool.h>
#include <sys/types.h>

#include <libfdisk/libfdisk.h>

#include "backends/backend.h"

/* ---- the disk ------------------------------------------------------------ */

typedef enum {
    DISK_LABEL_NONE = 0,
    DISK_LABEL_DOS,
    DISK_LABEL_GPT,
} DiskLabel;

/* How a disk is opened. */
typedef enum {
    DISK_READ = 0,       /* read-only: discovery, checks */
    DISK_WRITE = 1 << 0, /* read-write: the table is changed */
} DiskMode;

/* The pool's disk, opened. */
typedef struct {
    const char *pool;         /* the pool's name, for messages */
    const char *path;         /* <source><device path=...> as defined */
    char *node;               /* the device node, symlinks resolved ("/dev/loop0") */
    char *kname;              /* the kernel's name of the disk ("loop0", "dm-3") */
    char *prefix;             /* a partition's node is PREFIX + number ("/dev/loop0p") */
    bool dm;                  /* a device-mapper disk: kpartx, not the kernel, makes
                                 partition nodes; BLKPG does not apply */
    dev_t devno;
    int fd;                   /* -1 when closed */
    unsigned long sector;     /* logical sector size, bytes */
    unsigned long long bytes; /* size, bytes */
    struct blkid_struct_probe *probe; /* libblkid's prober of partitions' content, made by
                                         the first diskProbeContent, reused by the others */
} Disk;

/* Open the disk of pool @def. Refused with a clear error: a source that
 * is missing, not a block device, a partition rather than a whole disk,
 * or of size 0 (a loop device detached, a disk gone). 0 or -1. */
int diskOpen(const scPoolDef *def, DiskMode mode, Disk *d);
void diskClose(Disk *d);

/* The libvirt format of the pool's label (gpt or dos; "unknown" and none
 * are dos, as libvirt's); other formats are refused by name. */
int diskWantedLabel(const scPoolDef *def, DiskLabel *label);
const char *diskLabelName(DiskLabel label);

/* ---- the raw table: the change token ------------------------------------ */

/* What one read of the table's sectors says. */
typedef struct {
    DiskLabel label;   /* what sector 0 and the GPT headers hold */
    bool protective;   /* sector 0 is a GPT protective MBR */
    bool primary_ok;   /* GPT: the primary header and its entries check out */
    bool backup_ok;    /* GPT: so does the backup (read only when the primary is bad) */
} DiskRaw;

/* Read the table's sectors once (dos: the MBR and its EBR chain; GPT: the
 * protective MBR, the primary header and entries; the backup only when
 * the primary is bad) and make the change token: "gpt:HEADERCRC:
 * ENTRIESCRC" or "dos:HASH" of those bytes ("none" without a table). What
 * the sectors say is in @raw. 0 or -1. */
int diskReadToken(Disk *d, char **token, DiskRaw *raw);
/* Refuse a table storcat must not use (reported): a GPT whose primary
 * header is corrupt, saying whether its backup is good and how to repair
 * it; a label other than the pool's @want (DISK_LABEL_NONE: any). */
int diskRawCheck(const Disk *d, const DiskRaw *raw, DiskLabel want);

/* ---- the table as libfdisk reads it -------------------------------------- */

typedef enum {
    PART_PRIMARY = 0,
    PART_LOGICAL,
    PART_EXTENDED,
} PartKind;

typedef struct {
    size_t partno;            /* the kernel's number, from 1 */
    unsigned long long start; /* sectors */
    unsigned long long size;  /* sectors */
    PartKind kind;
    unsigned int code;        /* dos: the type byte; GPT: 0 */
    char *type;               /* GPT: the type GUID (upper case, libfdisk's); dos: "0x83" */
    char *type_name;          /* libfdisk's name of the type, or NULL */
    char *uuid;               /* GPT: the partition's UUID, lower case; dos: NULL */
    char *name;               /* GPT: its name, or NULL */
    char *attrs;              /* GPT: its attribute bits as libfdisk spells them, or NULL */
    bool boot;                /* dos: the boot flag */
} DiskPart;

typedef struct {
    DiskLabel label;
    char *id;                 /* GPT: the disk GUID, lower case; dos: 8 hex digits */
    unsigned long sector;     /* bytes */
    unsigned long long first; /* first usable sector */
    unsigned long long last;  /* last usable sector */
    unsigned long long grain; /* alignment of a new partition, sectors */
    unsigned long long lba;   /* dos: the gap (libfdisk's first_lba) before a logical
                                 partition's data, its EBR in front; GPT: 0 */
    size_t max_entries;       /* GPT: entries in the table; dos: 4 primary slots */
    DiskPart *parts;          /* by number */
    size_t nparts;
} DiskTable;

/* Read the table with libfdisk, read-only, from @d's descriptor (the
 * disk is never opened for writing to read it). A disk without a dos or
 * GPT table is an error naming what it has instead. 0 or -1. */
int diskReadTable(Disk *d, DiskTable *t);
/* The same with the libfdisk context kept in *@cxt (the caller's to
 * fdisk_unref_context) to change the table: @write needs a disk opened
 * with DISK_WRITE. */
int diskOpenTable(Disk *d, bool write, struct fdisk_context **cxt, DiskTable *t);
/* Read @t again from @cxt after a change in memory. 0 or -1. */
int diskTableRefill(Disk *d, struct fdisk_context *cxt, DiskTable *t);
void diskTableClear(DiskTable *t);
/* The partition of number @partno, or NULL. */
const DiskPart *diskTableFind(const DiskTable *t, size_t partno);
const DiskPart *diskTableExtended(const DiskTable *t);

/* A free region of the table: sectors [start, end], inside the extended
 * partition (logical) or not. */
typedef struct {
    unsigned long long start;
    unsigned long long end;
    bool logical;
} DiskRegion;

/* The free regions in disk order (dos: the ones inside the extended
 * partition are logical; a logical partition's EBR and its gap count as
 * used). A new array in *@v (caller frees). 0 or -1. */
int diskFreeRegions(const DiskTable *t, DiskRegion **v, size_t *n);

/* Where a new partition of @sectors goes: the first free region (logical
 * ones for a logical partition, the others otherwise) where an aligned
 * start leaves room. 1 with *@start set, or 0 (no room) with *@largest
 * the most a new partition of that kind could have, sectors. -1 (OOM). */
int diskPlace(const DiskTable *t, bool logical, unsigned long long sectors,
              unsigned long long *start, unsigned long long *largest);

/* What a new partition of pool @def will be: its number and kind, by
 * libvirt's rules (dos: primary while a primary slot is free, then
 * logical inside the extended partition; "extended" asks for one), with
 * clear errors for a full table. 0 or -1. */
int diskNextPartition(const Disk *d, const DiskTable *t, bool extended, size_t *partno,
                      PartKind *kind);

/* ---- signatures ------------------------------------------------------------ */

/* What libblkid finds on the whole disk (a partition table, a file
 * system, a RAID or LVM member): a phrase for a message ("a dos partition
 * table", "an ext4 file system"), or NULL for nothing. 0 or -1. */
int diskProbeWhole(Disk *d, char **what);

/* The signature libblkid finds inside [@off, @off + @len) bytes of the
 * disk, as the record's content.* attributes. 0 or -1. */
int diskProbeContent(Disk *d, unsigned long long off, unsigned long long len,
                     scVolRecord *rec);
/* Ask the kernel to start reading, without waiting, the areas of
 * [@off, @off + @len) where diskProbeContent's libblkid will look: called
 * for every partition about to be probed before the first probe, so that
 * the reads of all of them are in flight at once rather than one after
 * the other. A hint: nothing is read into memory, nothing fails. */
void diskProbePrefetch(const Disk *d, unsigned long long off, unsigned long long len);

/* ---- partitions and the kernel (disk_kernel.c) --------------------------- */

/* The name of partition @partno ("loop0p3", "sdb3", "mpathap3"), and its
 * node. New strings, or NULL (OOM). */
char *diskPartName(const Disk *d, size_t partno);
char *diskPartPath(const Disk *d, size_t partno);
/* The number of partition @name of @d: 1 and *@partno, or 0 (not one of
 * its partitions' names). */
int diskPartnoOf(const Disk *d, const char *name, size_t *partno);

/* Tell the kernel of one partition, as partx does (BLKPG; an extended
 * partition is given 2 sectors, as the kernel gives it), and wait for its
 * node. 0 or -1. */
int diskKernelAdd(Disk *d, const DiskPart *p);
/* Take one partition from the kernel; gone already is fine. 0 or -1. */
int diskKernelDel(Disk *d, size_t partno);
/* What diskKernelSync does with a partition the kernel has that @t does
 * not (or has elsewhere). */
typedef enum {
    DISK_SYNC_CHECK, /* an error naming it (a start) */
    DISK_SYNC_KEEP,  /* left alone, and so is a table partition that its
                      * number or place clashes with (a refresh: the start
                      * reports them); adding the others is best effort */
    DISK_SYNC_FIX,   /* taken away (a new label, a deleted table) */
} DiskSync;

/* Make the kernel's partitions those of @t: the ones it lacks are added;
 * one it has that the table does not, as @how says. 0 or -1. */
int diskKernelSync(Disk *d, const DiskTable *t, DiskSync how);
/* How many partitions the kernel has of the disk, in *@n: one read of its
 * sysfs directory. 0 or -1. */
int diskKernelCount(const Disk *d, size_t *n);

/* Is the whole disk (@partno 0) or partition @partno in use: mounted,
 * held (LVM, RAID, dm), or open exclusively? 1 with *@why a phrase
 * ("partition '/dev/loop0p1' is mounted on '/mnt'"), 0, or -1. */
int diskInUse(const Disk *d, size_t partno, char **why);

/* Open partition @p's node (after telling the kernel of it if it does
 * not know it), checking that the node is that partition (the kernel's
 * start and size are the table's). O_EXCL is added to write. A
 * descriptor, or -1. */
int diskOpenPart(Disk *d, const DiskPart *p, int flags);

/* The links under /dev/disk/by-* (partuuid, partlabel, id, path, uuid),
 * and in the pool's @target directory when it is not /dev, that resolve
 * to a device node: loaded once per discovery, asked per partition. */
typedef struct {
    char **links;   /* the link */
    char **targets; /* the node's name it resolves to ("loop0p3") */
    size_t n;
} DiskAliases;

int diskAliasesLoad(const Disk *d, const char *target, DiskAliases *a);
void diskAliasesClear(DiskAliases *a);
/* Add the links to partition node @node to @rec's aliases. 0 or -1. */
int diskAliasesAdd(const DiskAliases *a, const char *node, scVolRecord *rec);

/* ---- records (disk_vol.c) ------------------------------------------------ */

/* The record of partition @p of table @t. @probe: read its signature
 * (libblkid) and its node's permissions too. 0 or -1. */
int diskRecord(Disk *d, const DiskTable *t, const DiskPart *p, const DiskAliases *aliases,
               const char *target, bool probe, scVolRecord *rec);

/* libvirt's name of a partition's type for the volume XML's <format>
 * ("linux", "linux-swap", ..., "none"), and the other way for a new
 * partition of a table of @label (the GPT type GUID or the dos code in
 * *@type): 0, or -1 for a format the label cannot have (reported). */
const char *diskFormatOf(const DiskTable *t, const DiskPart *p, const char *content);
int diskTypeFor(const char *volname, DiskLabel label, const char *format, const char **type);

/* The volume slots (disk_vol.c), and discovery once the pool's slot has
 * read the token and the table @t of disk @d. */
int diskDiscoverTable(const scPoolCtx *pool, Disk *d, DiskTable *t, scDiscoverSink *sink);
int diskVolProbe(const scPoolCtx *pool, const char *name, scVolRecord *rec);
int diskVolLookupPath(const scPoolCtx *pool, const char *path, char **name);
int diskVolPlan(const scPoolCtx *pool, const scVolDef *vol, scVolRecord *plan);
int diskVolBuild(const scPoolCtx *pool, const scVolDef *vol, unsigned int flags,
                 const scProgress *progress, scVolRecord *rec);
int diskVolBuildFrom(const scPoolCtx *pool, const scVolDef *vol, const scPoolCtx *src_pool,
                     const scVolRecord *src, unsigned int flags, const scProgress *progress,
                     scVolRecord *rec);
int diskVolDelete(const scPoolCtx *pool, const scVolRecord *vol, unsigned int flags);
int diskVolWipe(const scPoolCtx *pool, const scVolRecord *vol, unsigned int algorithm,
                const scProgress *progress);
int diskVolUpload(const scPoolCtx *pool, const scVolRecord *vol, int fd,
                  unsigned long long offset, unsigned long long length, unsigned int flags,
                  const scProgress *progress);
int diskVolDownload(const scPoolCtx *pool, const scVolRecord *vol, int fd,
                    unsigned long long offset, unsigned long long length, unsigned int flags,
                    const scProgress *progress);

/* ---- what attach holds ---------------------------------------------------- */

typedef struct {
    Disk disk;        /* opened by discover (fd -1 until then) */
    DiskTable table;  /* read by discover, for pool_info and pool_free_extents */
    bool have_table;
} DiskHeld;

#endif /* SC_DISK_PRIV_H */
