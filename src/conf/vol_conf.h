/*
 * vol_conf.h: storage volume definitions and libvirt's volume XML.
 *
 * A volume is parsed and formatted in the context of its pool: the pool
 * type decides the default format, how format names are read and whether
 * <format> is printed at all (libvirt's rules).
 */
#ifndef SC_VOL_CONF_H
#define SC_VOL_CONF_H

#include <time.h>

#include "pool_conf.h"

/* Volume attributes (catalog table volume_attrs) that the volume XML
 * shows; a backend records them, the core formats them. */
#define SC_ATTR_COMPAT "compat"                 /* qcow2 <compat> */
#define SC_ATTR_LAZY_REFCOUNTS "lazy_refcounts" /* "yes": qcow2 <features><lazy_refcounts/> */
#define SC_ATTR_CLUSTER_SIZE "cluster_size"     /* bytes: <clusterSize> */
#define SC_ATTR_ENCRYPTION "encryption"         /* "aes" or "luks" */
/* A volume's extents on its pool's devices (libvirt's <source><device
 * path=...><extent start=... end=.../>: a partition's place on its disk,
 * the segments of a logical volume on its physical volumes) are the
 * attributes "extent.0", "extent.1", ... in that order, each with the
 * value "START END PATH": byte offsets on device PATH, END exclusive as
 * libvirt counts it. A backend adds them with scVolRecordAddExtent. */
#define SC_ATTR_EXTENT_PREFIX "extent."
/* At most so many extents per volume (a logical volume's segments). */
#define SC_VOL_EXTENTS_MAX 65536

/* Parse flags. */
typedef enum {
    SC_VOL_XML_PARSE_NO_CAPACITY = 1 << 0,  /* <capacity> may be absent (clone) */
    SC_VOL_XML_PARSE_OPT_CAPACITY = 1 << 1, /* ... absent if there is a <backingStore> */
} scVolXMLParseFlags;

SC_ENUM_DECL(scStorageVolType); /* "file", "block", "dir", "network", "netdir", "ploop" */

typedef struct {
    char *type;  /* "passphrase" (required by the parser; NULL prints no type=) */
    char *uuid;  /* <secret uuid=...> in canonical form, or */
    char *usage; /* <secret usage=...> */
} scVolSecret;

typedef struct {
    char *format;          /* <encryption format=...>: "default", "qcow", "luks", "luks2" */
    char *engine;          /* <encryption engine=...>: "qemu", "librbd", or NULL */
    scVolSecret *secrets;
    size_t nsecrets;
    char *cipher_name;     /* <cipher name= size= mode= hash=/> */
    unsigned int cipher_size;
    char *cipher_mode;
    char *cipher_hash;
    char *ivgen_name;      /* <ivgen name= hash=/> */
    char *ivgen_hash;
} scVolEncryption;

/* A file's times, as libvirt's <timestamps>: never parsed, formatted
 * when @set; a time with tv_nsec < 0 is left out. */
typedef struct {
    bool set;
    struct timespec atime, mtime, ctime, btime;
} scVolTimes;

/* One <source><device path=...><extent start=... end=.../>. */
typedef struct {
    char *path;               /* the device */
    unsigned long long start; /* bytes */
    unsigned long long end;   /* bytes, exclusive */
    unsigned int index;       /* its place in the list (the attribute's number) */
} scVolExtent;

typedef struct {
    char *name;
    char *key;                   /* NULL unless the input had one, or set by storcat */
    int type;                    /* an scStorageVolType, from <volume type=...>; file by default */
    unsigned long long capacity; /* bytes */
    bool has_capacity;
    unsigned long long allocation; /* bytes; equals capacity when absent */
    bool has_allocation;
    unsigned long long physical; /* <physical>, bytes: display only (never parsed),
                                    printed when not 0, as libvirt */
    scVolExtent *extents;        /* <source> extents: display only (never parsed; set
                                    by storcat from the SC_ATTR_EXTENT_PREFIX attributes),
                                    in index order */
    size_t nextents;
    char *target_path;           /* <target><path> */
    char *format;                /* <target><format type=...>; the pool's default when absent */
    scPoolPerms perms;
    char *compat;                /* qcow2 <compat>, e.g. "1.1" */
    bool nocow;                  /* <nocow/> */
    bool has_features;           /* <features> present (printed, maybe as <features/>) */
    bool lazy_refcounts;         /* <features><lazy_refcounts/></features> */
    bool extended_l2;            /* <features><extended_l2/></features> */
    unsigned long long cluster_size; /* <clusterSize>, bytes; 0 when absent */
    scVolEncryption *encryption; /* NULL when absent */
    scVolTimes times;            /* <timestamps>, formatted only when set (from stat) */
    char *backing_path;          /* <backingStore><path>; no <backingStore> when NULL */
    char *backing_format;        /* <backingStore><format type=...> */
    scPoolPerms backing_perms;
    scVolTimes backing_times;
} scVolDef;

/*
 * scVolDefParseString:
 * Parses a <volume> document for a volume of @pool (same hardening as the
 * pool parser: no network, no DTD, no entities). Sizes take libvirt's
 * units (see scParseScaledSize) and are overflow-checked. The name is
 * checked with scCheckName, but for a '/', which the parser takes as
 * libvirt's does (creating the volume refuses it). <capacity> is required unless @flags allow
 * otherwise; a missing <allocation> equals the capacity. The <format>
 * names are those of the pool type (file formats, default raw, for dir,
 * fs, netfs, gluster, vstorage and rbd pools; partition types, default
 * none, for disk pools; none at all otherwise). Read but never printed,
 * as in libvirt: <timestamps> (dropped), <nocow/> (kept in @nocow),
 * <source> extents (dropped); <physical> is not read. @flags: scVolXMLParseFlags.
 * Returns a new definition, or NULL: SC_ERR_XML_ERROR (domain
 * SC_FROM_STORAGE, as libvirt's) with a message "volume XML: ..." naming
 * the element and the cause, SC_ERR_XML_DETAIL for a document that does
 * not parse, SC_ERR_INVALID_ARG for a NULL argument or an unknown flag.
 */
scVolDef *scVolDefParseString(const scPoolDef *pool, const char *xml, unsigned int flags);

/*
 * scVolDefFormat:
 * Formats @def as libvirt does for a volume of @pool (element order,
 * single quotes, two-space indent, sizes in bytes, XML-escaped values;
 * <source> only when @def has extents, consecutive extents of one device
 * in one <device>; <physical> only when not 0; <timestamps> only when
 * @def->has_timestamps). Returns a new string (the
 * caller's to free()), or NULL: SC_ERR_NO_MEMORY, or SC_ERR_INTERNAL_ERROR
 * for a volume or pool of no known type.
 */
char *scVolDefFormat(const scPoolDef *pool, const scVolDef *def);

/* The volume formats of pool type @type, NULL-terminated, its default
 * first; NULL when its volumes have no <format>. */
const char *const *scVolFormats(scPoolType type);

void scVolDefFree(scVolDef *def);
SC_DEFINE_CLEANUP(scVolDef, scVolDefFree)

/*
 * scVolExtentFormat / scVolDefAddExtentAttr:
 * The attribute value of an extent ("START END PATH", see
 * SC_ATTR_EXTENT_PREFIX): a new string, or NULL (SC_ERR_NO_MEMORY). And
 * the other way: if attribute @name is an extent ("extent.N"), add it to
 * @def->extents in the place of its number N. Returns 1 added, 0 not an
 * extent attribute, -1 a malformed one (SC_ERR_INTERNAL_ERROR naming it)
 * or no memory.
 */
char *scVolExtentFormat(const char *path, unsigned long long start, unsigned long long end);
int scVolDefAddExtentAttr(scVolDef *def, const char *name, const char *value);
/* Free the extents of @def (one it does not own, as the core's). */
void scVolDefClearExtents(scVolDef *def);

/*
 * scParseScaledSize:
 * Converts the decimal @number in @unit to bytes, with libvirt's unit
 * names, case-insensitive: NULL, "", "b", "byte", "bytes": 1; "k", "KiB",
 * "M", "MiB", ... "E", "EiB": powers of 1024; "KB", "MB", "GB", "TB", "PB",
 * "EB": powers of 1000. A sign '-', junk, an unknown unit and a result
 * above LLONG_MAX (off_t's limit) are errors. @what names the value in the
 * message ("<what>: '20000000 PiB' is too large: ..."). Returns 0 with
 * *@bytes set, or -1 with SC_ERR_INVALID_ARG and *@bytes untouched.
 */
int scParseScaledSize(const char *what, const char *number, const char *unit,
                      unsigned long long *bytes);

#endif /* SC_VOL_CONF_H */
