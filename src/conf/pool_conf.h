/*
 * pool_conf.h: storage pool definitions and libvirt's pool XML.
 *
 * scPoolDef is the parsed form of a <pool> document; every pool type of
 * libvirt's schema parses, so definitions move between libvirt and storcat
 * unchanged. Which types storcat can *manage* is the backends' business.
 */
#ifndef SC_POOL_CONF_H
#define SC_POOL_CONF_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/internal.h"

/* Pool types, in the order of the SC_CONNECT_LIST_STORAGE_POOLS_* type bits:
 * the list flag of type t is 1 << (6 + t). */
typedef enum {
    SC_POOL_DIR,
    SC_POOL_FS,
    SC_POOL_NETFS,
    SC_POOL_LOGICAL,
    SC_POOL_DISK,
    SC_POOL_ISCSI,
    SC_POOL_SCSI,
    SC_POOL_MPATH,
    SC_POOL_RBD,
    SC_POOL_SHEEPDOG,
    SC_POOL_GLUSTER,
    SC_POOL_ZFS,
    SC_POOL_VSTORAGE,
    SC_POOL_ISCSI_DIRECT,
    SC_POOL_TYPE_LAST
} scPoolType;
SC_ENUM_DECL(scPoolType); /* "dir", "fs", ..., "iscsi-direct" */

#define SC_POOL_TYPE_LIST_FLAG(t) (1u << (6 + (t)))

typedef enum {
    SC_TRISTATE_ABSENT = 0,
    SC_TRISTATE_YES,
    SC_TRISTATE_NO,
} scTristate;

typedef struct {
    char *name; /* host name or address */
    int port;   /* 0 when absent */
} scPoolSourceHost;

/* A <freeExtent start=... end=.../> of a started disk pool's device:
 * bytes, END exclusive. */
typedef struct {
    unsigned long long start;
    unsigned long long end;
} scPoolFreeExtent;

typedef struct {
    char *path;                  /* device path, or iSCSI target IQN */
    scTristate part_separator;   /* disk pools: part_separator='yes|no' */
    scPoolFreeExtent *free_extents; /* display only (never parsed): what the
                                       backend found free on a started pool */
    size_t nfree_extents;
} scPoolSourceDevice;

typedef enum {
    SC_ADAPTER_NONE = 0,
    SC_ADAPTER_SCSI_HOST,
    SC_ADAPTER_FC_HOST,
} scAdapterType;

typedef struct {
    scAdapterType type;
    /* scsi_host */
    char *name;               /* "host0" */
    bool has_parentaddr;      /* <parentaddr unique_id=...><address .../> */
    int unique_id;
    unsigned int addr_domain, addr_bus, addr_slot, addr_function;
    /* fc_host */
    char *parent;             /* "scsi_host5" */
    char *parent_wwnn;
    char *parent_wwpn;
    char *parent_fabric_wwn;
    scTristate managed;
    char *wwnn;
    char *wwpn;
} scPoolAdapter;

typedef enum {
    SC_AUTH_NONE = 0,
    SC_AUTH_CHAP,
    SC_AUTH_CEPH,
} scAuthType;

typedef struct {
    scAuthType type;
    char *username;
    char *secret_type;   /* <secret type=...>, usually NULL */
    char *secret_uuid;   /* <secret uuid=.../> (canonical form), or */
    char *secret_usage;  /* <secret usage=.../> */
    /* Not XML: the secret's value, which the core loads for the backends
     * (never printed; wiped when the definition is freed), or NULL. */
    unsigned char *secret_value;
    size_t secret_len;
} scPoolAuth;

typedef struct {
    scPoolSourceHost *hosts;
    size_t nhosts;
    scPoolSourceDevice *devices;
    size_t ndevices;
    char *dir;               /* <dir path=.../> (sanitized) */
    scPoolAdapter adapter;
    char *name;              /* <name> (VG, rbd pool, gluster volume, ...) */
    char *initiator_iqn;     /* <initiator><iqn name=.../></initiator> */
    char *format;            /* <format type=.../>, validated per pool type */
    scPoolAuth auth;
    char *protocol_ver;      /* <protocol ver=.../> (netfs) */
    char *vendor;            /* <vendor name=.../> */
    char *product;           /* <product name=.../> */
} scPoolSource;

typedef struct {
    long long mode;   /* -1 when unset */
    long long uid;    /* -1 when unset */
    long long gid;    /* -1 when unset */
    char *label;
} scPoolPerms;

typedef struct {
    char *name;
    char *value;      /* NULL for fs mount options */
} scPoolNsOption;

typedef struct {
    char *name;
    unsigned char uuid[SC_UUID_BUFLEN];
    scPoolType type;
    scPoolSource source;
    char *target_path;          /* sanitized; NULL when absent */
    scPoolPerms perms;
    scTristate cow;             /* <features><cow state=.../></features> */
    bool has_refresh;           /* <refresh><volume allocation=.../> present */
    bool refresh_alloc_capacity; /* ... and it says 'capacity' (else 'default') */
    /* backend XML namespaces: fs/netfs <fs:mount_opts>, rbd <rbd:config_opts> */
    scPoolNsOption *ns_options;
    size_t nns_options;
} scPoolDef;

/*
 * scPoolDefParseString:
 * Parses a <pool> document (no network, no DTD, no entity expansion) and
 * applies libvirt's defaults (logical: source name <-> pool name, format
 * lvm2, target /dev/NAME; netfs: format auto; gluster: dir /; zfs: target
 * /dev/zvol/NAME). Generates a UUID when there is none. Source parts that
 * libvirt never prints for the pool's type (a <dir> in a dir pool, say) are
 * dropped, so the definition holds exactly what scPoolDefFormat prints.
 * Returns a new definition, or NULL with SC_ERR_XML_ERROR (domain
 * SC_FROM_STORAGE, as libvirt's) naming the element and the cause, or
 * SC_ERR_XML_DETAIL for a document that does not parse. That includes a name that
 * scCheckName refuses: its message is re-reported as "pool XML: <name>: ..."
 * so that every bad document gives the same code. A NULL @xml is
 * SC_ERR_INVALID_ARG.
 */
scPoolDef *scPoolDefParseString(const char *xml);

/*
 * scPoolDefFormat:
 * Formats @def as libvirt does (element order, single quotes, two-space
 * indent, trailing newline), with @info's capacity, allocation and
 * available (all 0 when @info is NULL). Text and attribute values are
 * XML-escaped. Returns a new string (the caller's to free()), or NULL:
 * SC_ERR_NO_MEMORY, or SC_ERR_INTERNAL_ERROR for a definition of no known
 * type.
 */
char *scPoolDefFormat(const scPoolDef *def, const scStoragePoolInfo *info);

/*
 * scPoolSourceListFormat:
 * libvirt's <sources> document (virStoragePoolSourceListFormat, what
 * virConnectFindStoragePoolSources returns): the @n @sources, each as the
 * <source> of a pool of type @type (its children in libvirt's order, the
 * type's default format where none is set). Returns a new string (the
 * caller's to free()), or NULL: SC_ERR_NO_MEMORY, or SC_ERR_INTERNAL_ERROR
 * for an unknown type.
 */
char *scPoolSourceListFormat(scPoolType type, const scPoolSource *sources, size_t n);

void scPoolDefFree(scPoolDef *def);
SC_DEFINE_CLEANUP(scPoolDef, scPoolDefFree)

/*
 * scPoolDefSetFreeExtents:
 * Give @def's source devices the free extents of @text, as the catalog
 * keeps them: one "DEVICE START END" line each (DEVICE the index in
 * <source><device>, bytes, END exclusive), formatted by scPoolDefFormat as
 * <freeExtent>s. NULL or "" is none. A line naming no device of @def is
 * dropped (the definition changed). Returns 0, or -1 for a malformed line
 * (SC_ERR_INTERNAL_ERROR) or no memory.
 */
int scPoolDefSetFreeExtents(scPoolDef *def, const char *text);

#endif /* SC_POOL_CONF_H */
