/*
 * domain_conf.c: the parts of a libvirt domain's XML storcat reads: its
 * name, its UUID and the <disk>s of its <devices> (formatdomain's "Hard
 * drives, floppy disks, CDROMs"). Everything else of the document is
 * ignored. XML from a caller is hostile until checked: the document is
 * read without network or entities, and names and paths that could
 * mislead a message or a lookup (control characters, '/', relative paths)
 * refuse the whole document.
 */
#include <config.h>

#include <limits.h>
#include <stdio.h>

#include "domain_conf.h"
#include "util/util.h"
#include "xml.h"

/* A domain name's limit: libvirt's names are file names in /etc/libvirt. */
#define DOMAIN_NAME_MAX 255

/* The <disk type>s libvirt knows, and whether their source is a path. */
static const struct {
    const char *type;
    const char *attr; /* the <source> attribute holding the path, or NULL */
} disk_types[] = {
    { "file", "file" }, { "block", "dev" }, { "dir", "dir" },      { "network", NULL },
    { "volume", NULL }, { "nvme", NULL },   { "vhostuser", NULL }, { "vhostvdpa", NULL },
};

static const char *const disk_devices[] = { "disk", "cdrom", "floppy", "lun" };

void
scDomainDefClear(scDomainDef *d)
{
    for (size_t i = 0; i < d->n; i++) {
        scDomainDisk *k = &d->disks[i];
        free(k->target);
        free(k->device);
        free(k->type);
        free(k->source);
        free(k->path);
        free(k->alt_path);
        free(k->pool);
        free(k->volume);
    }
    free(d->disks);
    free(d->name);
    memset(d, 0, sizeof(*d));
}

bool
scDomainHasControl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char) *s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

/* The name a disk goes by in messages. */
static const char *
disk_label(const scDomainDisk *k, size_t i, char *buf, size_t len)
{
    if (k->target)
        return k->target;
    snprintf(buf, len, "#%zu", i + 1);
    return buf;
}

/* Parse the <source> of disk @k (its type known). 0 or -1 reported. */
static int
parse_source(const scDomainDef *d, scDomainDisk *k, xmlNodePtr node, const char *attr,
             const char *label)
{
    xmlNodePtr src = scXmlFindElement(node, "source", NULL);
    _cleanup_free_ char *path = NULL;

    if (!src)
        return 0; /* an empty drive */
    if (attr) {
        if (scXmlGetPropNonEmpty(src, attr, &path) < 0)
            return -1;
        if (!path)
            return 0;
        if (scDomainHasControl(path)) {
            scXmlReportError("domain '%s': disk '%s': its source path has control characters",
                             d->name, label);
            return -1;
        }
        if (path[0] != '/' || strlen(path) >= PATH_MAX) {
            scXmlReportError("domain '%s': disk '%s': source '%s' is not an absolute path", d->name,
                             label, path);
            return -1;
        }
        k->source = TAKE_PTR(path);
        k->has_path = true;
        return 0;
    }
    if (strcmp(k->type, "volume") == 0) {
        if (scXmlGetPropNonEmpty(src, "pool", &k->pool) < 0 ||
            scXmlGetPropNonEmpty(src, "volume", &k->volume) < 0)
            return -1;
        if (!k->pool || !k->volume) {
            scXmlReportError("domain '%s': disk '%s': a volume source needs both a pool and "
                             "a volume",
                             d->name, label);
            return -1;
        }
        return (k->source = scAsprintf("%s/%s", k->pool, k->volume)) ? 0 : -1;
    }
    if (strcmp(k->type, "network") == 0) {
        _cleanup_free_ char *protocol = NULL, *name = NULL;
        if (scXmlGetPropNonEmpty(src, "protocol", &protocol) < 0 ||
            scXmlGetPropNonEmpty(src, "name", &name) < 0)
            return -1;
        k->source = scAsprintf("%s:%s", protocol ? protocol : "?", name ? name : "");
        return k->source ? 0 : -1;
    }
    return 0; /* nvme, vhostuser: no path storcat could know */
}

/* Parse one <disk>, the @i-th. 0 or -1 reported. */
static int
parse_disk(const scDomainDef *d, xmlNodePtr node, size_t i, scDomainDisk *k)
{
    const char *attr = NULL;
    char buf[32];
    const char *label;
    bool known = false;

    if (scXmlGetPathAttr(node, "target", "dev", &k->target) < 0 ||
        scXmlGetPropNonEmpty(node, "type", &k->type) < 0 ||
        scXmlGetPropNonEmpty(node, "device", &k->device) < 0)
        return -1;
    if ((!k->type && !(k->type = scStrdup("file"))) ||
        (!k->device && !(k->device = scStrdup("disk"))))
        return -1;
    if (k->target && (scDomainHasControl(k->target) || strlen(k->target) > DOMAIN_NAME_MAX)) {
        scXmlReportError("domain '%s': disk #%zu: its target is not a device name", d->name, i + 1);
        return -1;
    }
    label = disk_label(k, i, buf, sizeof(buf));
    for (size_t t = 0; t < SC_N_ELEMENTS(disk_types); t++)
        if (strcmp(k->type, disk_types[t].type) == 0) {
            known = true;
            attr = disk_types[t].attr;
        }
    if (!known) {
        scXmlReportError("domain '%s': disk '%s': unknown disk type '%s'", d->name, label,
                         scDomainHasControl(k->type) ? "?" : k->type);
        return -1;
    }
    known = false;
    for (size_t t = 0; t < SC_N_ELEMENTS(disk_devices); t++)
        known = known || strcmp(k->device, disk_devices[t]) == 0;
    if (!known) {
        scXmlReportError("domain '%s': disk '%s': unknown disk device '%s'", d->name, label,
                         scDomainHasControl(k->device) ? "?" : k->device);
        return -1;
    }
    k->readonly = scXmlFindElement(node, "readonly", NULL) != NULL;
    return parse_source(d, k, node, attr, label);
}

/* The name and UUID of <domain> @root. 0 or -1 reported. */
static int
parse_identity(xmlNodePtr root, scDomainDef *d)
{
    _cleanup_free_ char *uuid = NULL;
    unsigned char raw[SC_UUID_BUFLEN];

    if (scXmlGetText(root, "name", &d->name) < 0)
        return -1;
    if (!d->name) {
        scXmlReportError("domain XML: missing domain name");
        return -1;
    }
    if (strchr(d->name, '/') || scDomainHasControl(d->name) || strlen(d->name) > DOMAIN_NAME_MAX) {
        scXmlReportError("domain XML: domain name '%s' is not a valid name (no '/', no control "
                         "characters, at most %d bytes)",
                         scDomainHasControl(d->name) ? "?" : d->name, DOMAIN_NAME_MAX);
        return -1;
    }
    if (scXmlGetText(root, "uuid", &uuid) < 0)
        return -1;
    if (uuid) {
        if (scUUIDParse(uuid, raw) < 0) {
            scXmlReportError("domain '%s': malformed uuid element", d->name);
            return -1;
        }
        scUUIDFormat(raw, d->uuid);
    }
    return 0;
}

int
scDomainDefParse(const char *xml, scDomainDef *d)
{
    _cleanup_(scXmlFreeDocp) xmlDocPtr doc = scXmlReadDocument(xml, "domain XML", SC_FROM_STORAGE);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    xmlNodePtr devices;
    size_t n;

    if (!doc)
        return -1;
    if (!root || !scXmlIsElement(root, "domain")) {
        scXmlReportError("domain XML: the root element is <%s>, not <domain>",
                         root ? (const char *) root->name : "");
        return -1;
    }
    if (parse_identity(root, d) < 0)
        goto error;
    devices = scXmlFindElement(root, "devices", NULL);
    if (!devices || !(n = scXmlCountChildren(devices, "disk")))
        return 0;
    if (!(d->disks = calloc(n, sizeof(*d->disks)))) {
        scReportOOM();
        goto error;
    }
    for (xmlNodePtr c = devices->children; c; c = c->next) {
        if (!scXmlIsElement(c, "disk"))
            continue;
        if (parse_disk(d, c, d->n, &d->disks[d->n]) < 0) {
            d->n++;
            goto error;
        }
        d->n++;
    }
    return 0;
error:
    scDomainDefClear(d);
    return -1;
}
