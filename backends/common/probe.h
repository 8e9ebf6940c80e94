/*
 * probe.h: what an image file is, read from its header by storcat's own
 * parser (no qemu-img per file): raw, qcow (v1), qcow2 (v2/v3), qed, vmdk,
 * vdi, vpc (vhd), vhdx, iso9660 and luks, with the backing file.
 *
 * The header bytes are hostile: every offset and length read from them is
 * checked against the buffer and the file before use.
 */
#ifndef SC_PROBE_H
#define SC_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

typedef struct {
    char *format;                    /* "raw", "qcow", "qcow2", "qed", "vmdk", "vdi", "vpc",
                                        "vhdx", "iso", "luks" */
    unsigned long long capacity;     /* virtual size in bytes (raw, iso: the file size);
                                        0 if unknown or above INT64_MAX */
    char *backing_path;              /* as written in the header (may be relative), or NULL */
    char *backing_format;            /* from the header (qcow2 extension; qed: "raw" when its
                                        no-probe flag is set; vmdk: "vmdk"), or NULL */
    char *compat;                    /* qcow2: "0.10" (v2) or "1.1" (v3) */
    bool lazy_refcounts;             /* qcow2 v3: compatible feature bit 0 */
    unsigned long long cluster_size; /* qcow/qcow2/qed: bytes; 0 if unknown or invalid */
    char *encryption;                /* "aes" (qcow/qcow2 legacy), "luks", or NULL */
    char *data_file;                 /* qcow2: the external data file as written (may be
                                        relative), or NULL */
    char **extents;                  /* vmdk descriptor: the extent files as written, in
                                        order (a sparse vmdk with an embedded descriptor
                                        has none) */
    size_t nextents;
    char *problem;                   /* the first header field that could not be read (past
                                        the end of the file, too long, NUL in a name...),
                                        one line; NULL if none. The fields it names are
                                        unset: a backing_path of NULL with a problem set
                                        does not mean "no backing file" */
} scProbeResult;

/*
 * scProbeBuffer:
 * Probes @buf, the first @len bytes of a file of @file_size bytes (taken
 * as @len if smaller). Pure: no I/O (the libFuzzer target drives it).
 * Fields that need bytes beyond @len are left unset, silently if they lie
 * within @file_size, with @res->problem set if past it. Returns 0 (@res
 * filled; unknown data is "raw") or -1 on OOM (reported; @res untouched).
 */
int scProbeBuffer(const unsigned char *buf, size_t len, unsigned long long file_size,
                  scProbeResult *res);

/*
 * scProbeFile:
 * Probes the open file @fd (whose fstat is @st) with pread: the header,
 * then what it points to (the backing file name, a vmdk descriptor, the
 * vpc footer at the end, the vhdx metadata region). The size of a
 * non-regular file (a block device) is found with lseek, the file offset
 * being restored. Returns 0, or -1 with the error reported (naming @name;
 * @res untouched).
 */
int scProbeFile(int fd, const struct stat *st, const char *name, scProbeResult *res);

/* Frees the fields of @res and zeroes it; NULL and a cleared @res are fine. */
void scProbeResultClear(scProbeResult *res);

#endif /* SC_PROBE_H */
