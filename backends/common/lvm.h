/*
 * lvm.h: running lvm2 for the logical backend, and lvm2's rules.
 *
 * Every lvm2 command goes through scLvmRun: an argument vector run by the
 * one command runner (backends/common/command.h) with a clean environment
 * plus LVM_SUPPRESS_FD_WARNINGS=1, `--config $STORCAT_LVM_CONFIG` when
 * that is set (say `global{activation=0}` on a host whose kernel has no
 * device-mapper), and a timeout ($STORCAT_LVM_TIMEOUT seconds, else
 * SC_LVM_TIMEOUT): lvm2 waits for a volume group's lock as long as another
 * command holds it, storcat no longer than that. A failure is reported in
 * one line with lvm2's own messages (less its warnings about disabled
 * activation and fd leaks, when it said more).
 *
 * Reports are lvm2's machine-readable ones (--reportformat json, sizes in
 * bytes without suffix), never its human tables.
 */
#ifndef SC_LVM_H
#define SC_LVM_H

#include <stdbool.h>

#include "json.h"

/* Seconds an lvm2 command may take, unless STORCAT_LVM_TIMEOUT says. */
#define SC_LVM_TIMEOUT 120
/* Most bytes of a report kept (a VG of 100,000 LVs). */
#define SC_LVM_REPORT_MAX (256u << 20)

/* STORCAT_LVM_TIMEOUT (whole seconds, 1 to 86400) or SC_LVM_TIMEOUT. */
int scLvmTimeout(void);

/* STORCAT_LVM_CONFIG when set and not empty, else NULL. */
const char *scLvmConfig(void);

/* Can this host's kernel activate LVs: does /dev/mapper/control open?
 * (It may exist without a driver behind it: ENODEV.) false with *@why a
 * static description when not. */
bool scLvmDmAvailable(const char **why);

/*
 * scLvmRun:
 * Runs lvm2's program @prog (an absolute path from configure: LVCREATE,
 * VGS, ...) with the arguments @args (NULL-terminated) and `--config`
 * when STORCAT_LVM_CONFIG is set, as described above. stdout goes to
 * *@out (up to SC_LVM_REPORT_MAX bytes; caller frees) when @out is not
 * NULL; lvm2's stderr, cleaned, to *@err when @err is not NULL (set
 * whenever the command ran, "" if it said nothing; caller frees).
 * Returns 0 if it exited with status 0; otherwise -1 with
 * SC_ERR_OPERATION_FAILED "@what: PROG failed: <lvm2's messages>", or
 * "@what: PROG did not finish within N s (...)" after a timeout.
 */
int scLvmRun(const char *what, const char *prog, const char *const *args, char **out, char **err);

/* lvm2's stderr @text as one line: the warnings that say nothing of the
 * failure (activation disabled, zeroing skipped, descriptors leaked) left
 * out when there is more, lines joined by "; ". A new string, or NULL
 * (OOM reported). */
char *scLvmCleanMessages(const char *text);

/* ---- reports ------------------------------------------------------------- */

/* A parsed report: the rows of one kind ("lv", "vg", "pv"). */
typedef struct {
    char *text; /* lvm2's output, parsed in place */
    scJsonDoc doc;
    int rows; /* the array of rows, or -1 */
} scLvmReport;

/*
 * scLvmReportRun:
 * Runs report program @prog (LVS, VGS or PVS) with --reportformat json,
 * --units b, --nosuffix, -o @fields and then @args (the VG or LV asked
 * for), and parses its rows of kind @kind into @rep. Returns 0, or -1
 * (reported: the command's failure, or "@what: PROG printed a report that
 * cannot be read: <why>"); on failure, *@err (when not NULL) holds lvm2's
 * messages as for scLvmRun, for a caller that tells "not found" apart.
 */
int scLvmReportRun(scLvmReport *rep, const char *what, const char *prog, const char *kind,
                   const char *fields, const char *const *args, char **err);

/* Parses report @text (taken: freed by scLvmReportClear, even on failure)
 * for rows of @kind. 0, or -1 with *@why set (nothing reported). */
int scLvmReportParse(scLvmReport *rep, char *text, const char *kind, const char **why);

void scLvmReportClear(scLvmReport *rep);

/* The first row, the row after @row, or -1. */
int scLvmReportFirst(const scLvmReport *rep);
int scLvmReportNext(const scLvmReport *rep, int row);
/* Field @name of @row ("lv_name", ...), or "" when it has none. */
const char *scLvmField(const scLvmReport *rep, int row, const char *name);
/* Field @name as a number (sizes in bytes): 0, or -1 when it is not one. */
int scLvmFieldNum(const scLvmReport *rep, int row, const char *name, unsigned long long *value);

/* ---- names ---------------------------------------------------------------- */

/*
 * scLvmCheckName:
 * lvm2's rules for a volume group's name (@lv NULL) or for logical volume
 * @lv of volume group @vg: letters, digits, '+', '_', '.' and '-' only; not
 * beginning with '-'; not "." or ".."; at most 127 characters; an LV's not
 * beginning with "snapshot" or "pvmove", not containing the suffixes of
 * lvm2's internal LVs (_cdata, _cmeta, _corig, _cpool, _cvol, _imeta,
 * _iorig, _mimage, _mlog, _pmspare, _rimage, _rmeta, _tdata, _tmeta,
 * _vdata, _vorigin, _wcorig), and at most 124 characters with its VG's.
 * Checked before lvm2 runs, so that a refusal names the rule. @kind names
 * the object ("pool", "volume"). Returns 0, or -1 with SC_ERR_INVALID_ARG:
 * "KIND 'NAME': lvm2 refuses this name: WHY (RULES)".
 */
int scLvmCheckName(const char *kind, const char *vg, const char *lv);

/* The name of LV @lv of VG @vg in /dev/mapper: each '-' of both doubled,
 * joined by '-' (lvm2's dm names). A new string, or NULL (OOM). */
char *scLvmDmName(const char *vg, const char *lv);

/* The VG and LV of /dev/mapper name @dm (single '-' separates, "--" is a
 * '-'): 1 with new strings in *@vg and *@lv, 0 when @dm is not a plain
 * LV's name (no separator, an empty part, a third part: an internal
 * layer), -1 (OOM). */
int scLvmDmSplit(const char *dm, char **vg, char **lv);

#endif /* SC_LVM_H */
