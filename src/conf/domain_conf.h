/*
 * domain_conf.h: a libvirt domain's name, UUID and disks, from its XML.
 */
#ifndef SC_DOMAIN_CONF_H
#define SC_DOMAIN_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "util/internal.h"

/* One <disk>. Strings may be NULL but @device and @type. */
typedef struct {
    char *target;   /* <target dev>: "vda" */
    char *device;   /* disk (the default), cdrom, floppy, lun */
    char *type;     /* file (the default), block, dir, volume, network, nvme, ... */
    char *source;   /* as written: a path, "POOL/VOLUME", "PROTOCOL:NAME"; NULL: empty */
    bool has_path;  /* @source is an absolute path (file, block, dir) */
    char *pool;     /* a volume disk's pool */
    char *volume;   /* ... and volume */
    bool readonly;  /* <readonly/> */
    char *path;     /* filled by the caller: the canonical path */
    char *alt_path; /* ... and another spelling */
} scDomainDisk;

typedef struct {
    char *name;
    char uuid[SC_UUID_STRING_BUFLEN]; /* canonical; "" when the XML has none */
    scDomainDisk *disks;
    size_t n;
} scDomainDef;

/*
 * scDomainDefParse:
 * Reads domain XML @xml into @def (zeroed by the caller). Returns 0, or -1
 * with SC_ERR_XML_ERROR naming the domain, the disk and the cause (@def
 * then cleared).
 */
int scDomainDefParse(const char *xml, scDomainDef *def);
/* Free what @def holds (and zero it). */
void scDomainDefClear(scDomainDef *def);
/* Has @s a control character? (Such text is never echoed into messages.) */
bool scDomainHasControl(const char *s);

#endif /* SC_DOMAIN_CONF_H */
