/*
 * logical_priv.h: what the files of the "logical" backend share: the
 * runtime state of a started pool, the report of its LVs, and the data
 * path on an LV's device.
 *
 * logical.c has the pool's slots (check, build, start, stop, delete, its
 * sizes and the sources of this host) and the backend's table;
 * logical_vol.c the volumes' (discovery, probe, lookup by path, create,
 * clone, delete, resize); logical_data.c what reads and writes an LV's
 * device (wipe, upload, download, the data of a clone).
 */
#ifndef SC_LOGICAL_PRIV_H
#define SC_LOGICAL_PRIV_H

#include "backends/backend.h"
#include "backends/common/lvm.h"

/* A PV of the pool's VG, as start saw it. */
typedef struct {
    char *uuid; /* dashed, as lvm2 prints it */
    char *path;
} scLogicalPv;

/*
 * The runtime state of a started logical pool, kept by the catalog as
 * text (scPoolRuntime.state), one "key=value" line each:
 *   vg=NAME           the volume group
 *   vg_uuid=UUID      its UUID (a VG renamed behind storcat's back keeps it)
 *   activation=yes|no whether the kernel could activate LVs at start
 *   pv=UUID PATH      each PV (the path last: it may hold spaces)
 */
typedef struct {
    char *vg;
    char *vg_uuid;
    bool activation;
    scLogicalPv *pvs;
    size_t npvs;
} scLogicalState;

/* Parse @text into @st (zeroed first). 0, or -1 (reported: a state this
 * backend did not write). */
int scLogicalStateParse(const char *pool, const char *text, scLogicalState *st);
void scLogicalStateClear(scLogicalState *st);

/* The pool's VG: its source name (the pool XML defaults it to the pool's
 * name). */
const char *scLogicalVg(const scPoolDef *def);

/* "pool 'NAME'" context for messages, in @buf. */
#define SC_LOGICAL_WHAT_MAX 320
const char *scLogicalWhat(char *buf, const scPoolDef *def, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The fields of the one lvs report that describes a pool's LVs (one row
 * per segment) and the VG's sizes, and their indexes. */
#define SC_LOGICAL_LV_FIELDS                                                                       \
 "lv_name,lv_uuid,lv_attr,lv_size,origin,origin_size,pool_lv,lv_tags,lv_active,"                   \
 "segtype,stripes,seg_size,seg_start_pe,devices,vg_extent_size,vg_size,vg_free,"                   \
 "vg_missing_pv_count"
enum {
    SC_LOGICAL_F_NAME,
    SC_LOGICAL_F_UUID,
    SC_LOGICAL_F_ATTR,
    SC_LOGICAL_F_SIZE,
    SC_LOGICAL_F_ORIGIN,
    SC_LOGICAL_F_ORIGIN_SIZE,
    SC_LOGICAL_F_POOL,
    SC_LOGICAL_F_TAGS,
    SC_LOGICAL_F_ACTIVE,
    SC_LOGICAL_F_SEGTYPE,
    SC_LOGICAL_F_STRIPES,
    SC_LOGICAL_F_SEG_SIZE,
    SC_LOGICAL_F_SEG_START,
    SC_LOGICAL_F_DEVICES,
    SC_LOGICAL_F_EXTENT_SIZE,
    SC_LOGICAL_F_VG_SIZE,
    SC_LOGICAL_F_VG_FREE,
    SC_LOGICAL_F_MISSING,
    SC_LOGICAL_F_COUNT
};

/* ---- the report of LVs (logical_report.c) ------------------------------- */

/* One row (one segment of an LV): its fields ("" when absent). */
typedef struct {
    const char *f[SC_LOGICAL_F_COUNT];
    unsigned long long seg_start;
} scLogicalRow;

/* A report and its rows, sorted by LV name (strcmp) and segment. */
typedef struct {
    scLvmReport rep;
    scLogicalRow *rows;
    size_t n;
} scLogicalLvs;

/* The rows of one LV. */
typedef struct {
    const scLogicalRow *rows;
    size_t n;
} scLogicalLv;

/* Find the fields of every row of @lvs->rep (parsed) and sort them. 0 or
 * -1 (OOM). */
int scLogicalLvsLoad(scLogicalLvs *lvs);
/* Frees the rows and the report. */
void scLogicalLvsClear(scLogicalLvs *lvs);
/* The next LV from row *@i on into @lv; false at the end. */
bool scLogicalLvsNext(const scLogicalLvs *lvs, size_t *i, scLogicalLv *lv);
const char *scLogicalLvName(const scLogicalLv *lv);
/* Is @lv a volume, as libvirt decides? */
bool scLogicalIsVolume(const scLogicalLv *lv);
/* @lv's change signature into @sig (SC_VOL_SIG_MAX bytes): a digest of
 * its rows' own fields, its path @path and (with @activation) its device
 * node's owner, mode and number. Returns its length. */
size_t scLogicalLvSig(const scLogicalLv *lv, bool activation, const char *path, unsigned char *sig);
/* The record of volume @lv of VG @vg whose paths lie in @target. 0 or -1. */
int scLogicalLvRecord(const scLogicalLv *lv, const char *vg, const char *target, bool activation,
                      scVolRecord *rec);

/* Is lvm2's message @err its "no such LV" or "no such VG"? */
bool scLogicalNoSuchLv(const char *err);
bool scLogicalNoSuchVg(const char *err);

/* ---- the data path (logical_data.c) ------------------------------------ */

/* Open the device of LV @vol (its record: path and LV UUID) of the VG
 * whose UUID is @vg_uuid, with @flags, checking that it is that LV's
 * device-mapper device; its size in *@size. A descriptor, or -1 (reported:
 * no device node, the kernel has no device-mapper, or another device). */
int scLogicalOpenLv(const scPoolCtx *pool, const scVolRecord *vol, int flags,
                    unsigned long long *size);

/* Copy the data of @src (a volume of any pool: raw data is copied,
 * another format converted by qemu-img) into the open LV device @out of
 * @size bytes, zeroing what lies past the source's end. 0 or -1. */
int scLogicalCopyInto(int out, unsigned long long size, const char *name, const scVolRecord *src,
                      const scProgress *progress);

int scLogicalWipe(const scPoolCtx *pool, const scVolRecord *vol, unsigned int algorithm,
                  const scProgress *progress);
int scLogicalUpload(const scPoolCtx *pool, const scVolRecord *vol, int fd,
                    unsigned long long offset, unsigned long long length, unsigned int flags,
                    const scProgress *progress);
int scLogicalDownload(const scPoolCtx *pool, const scVolRecord *vol, int fd,
                      unsigned long long offset, unsigned long long length, unsigned int flags,
                      const scProgress *progress);

/* For tests: make every LV creation fail just after lvcreate succeeded
 * (as a failure to set its permissions or to read it back would), to
 * show that nothing is left of it. */
extern bool scLogicalFailAfterCreate;

/* For tests: the discovery's second half on lvs report @json (taken,
 * freed) as if lvs had printed it for the started pool @ctx: its volumes,
 * as libvirt chooses them, and the VG's sizes, to @sink. 0 or -1. */
int scLogicalDiscoverReport(const scPoolCtx *ctx, char *json, scDiscoverSink *sink);

/* The volume slots (logical_vol.c), for the table in logical.c. */
int scLogicalDiscover(const scPoolCtx *pool, scDiscoverSink *sink);
int scLogicalVolProbe(const scPoolCtx *pool, const char *name, scVolRecord *rec);
int scLogicalVolLookupPath(const scPoolCtx *pool, const char *path, char **name);
int scLogicalVolPlan(const scPoolCtx *pool, const scVolDef *vol, scVolRecord *plan);
int scLogicalVolBuild(const scPoolCtx *pool, const scVolDef *vol, unsigned int flags,
                      const scProgress *progress, scVolRecord *rec);
int scLogicalVolBuildFrom(const scPoolCtx *pool, const scVolDef *vol, const scPoolCtx *src_pool,
                          const scVolRecord *src, unsigned int flags, const scProgress *progress,
                          scVolRecord *rec);
int scLogicalVolDelete(const scPoolCtx *pool, const scVolRecord *vol, unsigned int flags);
int scLogicalVolResize(const scPoolCtx *pool, const scVolRecord *vol, unsigned long long capacity,
                       unsigned int flags);

#endif /* SC_LOGICAL_PRIV_H */
