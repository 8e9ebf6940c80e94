/*
 * contract.h: what the contract tests (tests/test_contract.c) use of their
 * fixture (tests/contract.c).
 *
 * Each test gets a fresh temporary directory and catalog, and pool "p"
 * defined in it as <pool type='dir'>, served by the fake backend: its
 * in-memory storage for target "fake", the real dir backend behind it for
 * target "dir" (a real directory); or as the pool types of the targets
 * below. Storage is changed and compared
 * through the ctStorage* calls whatever the target; the catalog is read
 * and dumped with SQLite directly.
 */
#ifndef SC_CONTRACT_H
#define SC_CONTRACT_H

#include <stdbool.h>
#include <sys/types.h>

#include "fake_backend.h"
#include "testutil.h"
#include "tgt.h"

#define MiB  (1024ULL * 1024)
#define POOL "p" /* the fixture's pool */

/* TARGET_ISCSI: pool "p" is <pool type='iscsi-direct'> on a tgtd of the
 * test's own (tests/tgt.c), the real iscsi-direct backend behind the fake;
 * its storage is the target's LUNs, and only the operations that backend
 * has run (start, refresh, stop, wipe, upload, download, lookups).
 * TARGET_LOGICAL: pool "p" is <pool type='logical'> on a VG of the test's
 * own on a loop device, the real logical backend behind the fake; its
 * storage is the VG's LVs (tests/contract_real.c).
 * TARGET_DISK: pool "p" is <pool type='disk'> with a GPT on a loop device,
 * the real disk backend behind the fake; its storage is the partitions,
 * named by the kernel after their number (see ctVolName).
 * TARGET_FS: pool "p" is <pool type='fs'> on an ext4 file system (made by
 * the setup, without lost+found) on a loop device, mounted by the real fs
 * backend behind the fake on the test's "images" directory; its storage is
 * the target directory and the files of the file system, as TARGET_DIR's
 * (ctFiles), which the test reaches through a mount of its own (f->files)
 * whether the pool runs or not. */
typedef enum {
    TARGET_FAKE,
    TARGET_DIR,
    TARGET_ISCSI,
    TARGET_LOGICAL,
    TARGET_DISK,
    TARGET_FS
} Target;

typedef struct {
    Target target;
    char *dir; /* the test's temporary directory */
    char *catalog;
    char *images; /* the pool's target path (dir: a real directory) */
    char *files;  /* TARGET_FS: where the test reaches the pool's files, stopped or
                     running: the device mounted on a directory of the test's own
                     beside the pool's mount (one file system, seen in both); else
                     NULL (f->images) */
    scConnectPtr conn;
    scStoragePoolPtr pool;
    pid_t child;  /* a child to kill if the test fails, or 0 */
    int err_code; /* the error of the operation run last (see ctNoted) */
    Tgt tgt;      /* TARGET_ISCSI: the target */
    unsigned long long luns[16]; /* TARGET_ISCSI: LUN sizes (0: none), LUN 0 aside */
    char err_msg[1024];
    char *loop;     /* TARGET_LOGICAL, TARGET_DISK, TARGET_FS: the loop device, or NULL */
    char kname[32]; /* its kernel name (loopN) */
    char vg[48];    /* TARGET_LOGICAL: the VG, named uniquely */
    struct {
        char name[16]; /* a test's volume name */
        int partno;    /* the partition it stands for (0: slot unused) */
    } parts[16];       /* TARGET_DISK */
} Fixture;

/* Is the pool's storage files in f->images (a dir pool, or an fs pool's
 * mounted file system)? */
static inline bool
ctFiles(const Fixture *f)
{
    return f->target == TARGET_DIR || f->target == TARGET_FS;
}

/* cmocka's setup and teardown: the prestate is a const Target *. The
 * teardown fails the test if a backend slot ran while the catalog was
 * write-locked. */
int ctSetup(void **state);
int ctTeardown(void **state);

/* Note the last error (of the call that returned @r) in @f before the
 * next call resets it; returns @r. */
int ctNoted(Fixture *f, int r);
/* asprintf that cannot fail (the test does). */
char *ctPrintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A dir pool's XML. */
char *ctPoolXML(const char *name, const char *path);
bool ctIsFake(Fixture *f);
bool ctIsIscsi(Fixture *f);
bool ctIsLogical(Fixture *f);
bool ctIsDisk(Fixture *f);
/* Whether volumes' data can be read and written: not for LVs without
 * device-mapper (they have no device node). */
bool ctHasData(Fixture *f);
/* The name volume @name of the tests has in the pool: itself, or for an
 * iSCSI target the LUN it stands for ("v" is unit:0:0:1), or for a disk
 * the partition it was last given ("loop3p2"). Static buffer. */
const char *ctVolName(Fixture *f, const char *name);
/* The name of volume @name about to be created: for a disk, the lowest
 * free partition number's (the only name a new partition may take). */
const char *ctNewVolName(Fixture *f, const char *name);
/* The smallest step of a volume's size: an LV is whole extents (4 MiB,
 * the VG's default), the rest whole MiB here. */
unsigned long long ctUnit(Fixture *f);
/* strcmp for qsort of strings. */
int ctCmpStr(const void *a, const void *b);
/* Monotonic seconds. */
double ctNow(void);

/* ---- storage, either target (behind storcat's back) ---------------------- */

/* The path of @name in the pool directory (dir target). */
char *ctFileIn(Fixture *f, const char *name);
/* The path volume @name of the pool has. */
char *ctVolPath(Fixture *f, const char *name);
void ctStorageAdd(Fixture *f, const char *name, unsigned long long size);
void ctStorageRemove(Fixture *f, const char *name);
void ctStorageRename(Fixture *f, const char *from, const char *to);
void ctStorageResize(Fixture *f, const char *name, unsigned long long size);
bool ctStorageHas(Fixture *f, const char *name);
bool ctStorageBuilt(Fixture *f);
/* All storage as text (dir: entries with sizes and times). */
char *ctStorageSnapshot(Fixture *f);
/* The pool's volumes on storage, "name capacity\n" in name order. */
char *ctStorageVolumes(Fixture *f);
/* A file of @len bytes of @byte, open for reading at 0 (caller closes). */
int ctSourceFd(Fixture *f, int byte, size_t len);

/* ---- loop devices, LVM and partitions (tests/contract_real.c) ------------- */

/* Why @target cannot run on this host, or NULL. */
const char *ctRealUnavailable(Target target);
bool ctHaveDM(void);
/* Attach the fixture's loop device; the pool's XML. */
char *ctRealSetup(Fixture *f);
/* Remove the VG, PV, partitions and loop device the fixture made. */
void ctRealCleanup(Fixture *f);
/* Is the fs pool's file system mounted on its target? */
bool ctRealFsIsMounted(Fixture *f);
/* Fails the test when an fs pool runs without its file system mounted. */
void ctRealFsMounted(Fixture *f);
/* @fresh: see ctNewVolName. */
const char *ctDiskVolName(Fixture *f, const char *name, bool fresh);
void ctRealAdd(Fixture *f, const char *name, unsigned long long size);
void ctRealRemove(Fixture *f, const char *name);
void ctRealRename(Fixture *f, const char *from, const char *to);
void ctRealResize(Fixture *f, const char *name, unsigned long long size);
bool ctRealHas(Fixture *f, const char *name);
bool ctRealBuilt(Fixture *f);
char *ctRealSnapshot(Fixture *f);
char *ctRealVolumes(Fixture *f);

/* ---- the catalog ------------------------------------------------------------ */

/* The tables but for caches, clocks and row ids, as text. */
char *ctCatalogDump(Fixture *f);
/* The pool's present volumes as the catalog has them, as ctStorageVolumes. */
char *ctCatalogVolumes(Fixture *f);
/* One value of a query (sqlite3_mprintf format), "" for none. */
char *ctSqlText(Fixture *f, const char *fmt, ...);
long long ctSqlInt(Fixture *f, const char *sql);
/* Fail, showing the first line that differs, unless @a equals @b. */
void ctAssertSameText(const char *what, const char *context, const char *a, const char *b);

/* ---- the API ---------------------------------------------------------------- */

/* A raw volume of the pool, unallocated. */
scStorageVolPtr ctCreateVol(Fixture *f, const char *name, unsigned long long capacity);
/* Free a handle that may be NULL (scStorageVolFree(NULL) is an error). */
void ctVolFree(scStorageVolPtr vol);
void ctPoolFree(scStoragePoolPtr pool);
char *ctVolUUID(scStorageVolPtr vol);
unsigned long long ctVolCapacity(scStorageVolPtr vol);
/* Volume @name of the pool if the catalog has it present, else NULL. */
scStorageVolPtr ctPresentVol(Fixture *f, const char *name);

/* ---- backend calls ------------------------------------------------------------ */

#define CT_END (-1)
/* Assert the slot calls since the last fakeCountsClear(): pairs of a
 * FakeSlot and its count, ended by CT_END; every other slot not called
 * (attach once per discover, detach as attach). Clears the counts. */
void ctAssertCalls(const char *context, ...);

#endif /* SC_CONTRACT_H */
