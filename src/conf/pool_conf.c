/*
 * pool_conf.c: libvirt's storage pool XML, read into an scPoolDef and
 * written back byte for byte as libvirt writes it.
 *
 * The rules (which source parts each pool type has, the defaults, the
 * element order, when <permissions> is printed) are libvirt's, learned from
 * its src/conf/storage_conf.c and checked against libvirt's own test
 * vectors by tests/test_pool_xml.c. Elements are found as libvirt's XPath
 * expressions find them: the first child of that name in no namespace. A
 * value read through XPath's string() counts as absent when empty; an
 * attribute libvirt reads directly keeps "". The document reader, the
 * lookups and the output buffer are src/xml.c's, shared with the volume
 * XML.
 */
#include <config.h>

#include <ctype.h>
#include <limits.h>
#include <stdint.h>

#include "pool_conf_priv.h"
#include "util/util.h"
#include "xml.h"

SC_ENUM_IMPL(scPoolType, SC_POOL_TYPE_LAST, "dir", "fs", "netfs", "logical", "disk", "iscsi",
             "scsi", "mpath", "rbd", "sheepdog", "gluster", "zfs", "vstorage", "iscsi-direct")

/* ---- what each pool type has (libvirt's poolTypeInfo table) --------- */

static const char *const fs_formats[] = { "auto",    "ext2", "ext3",  "ext4", "ufs",
                                          "iso9660", "udf",  "gfs",   "gfs2", "vfat",
                                          "hfs+",    "xfs",  "ocfs2", "vmfs", NULL };
static const char *const netfs_formats[] = { "auto", "nfs", "glusterfs", "cifs", NULL };
static const char *const disk_formats[] = { "unknown", "dos",  "dvh", "gpt",  "mac",
                                            "bsd",     "pc98", "sun", "lvm2", NULL };
static const char *const logical_formats[] = { "unknown", "lvm2", NULL };

static const PoolNamespace fs_ns = {
    .prefix = "fs",
    .uri = "http://libvirt.org/schemas/storagepool/fs/1.0",
    .container = "mount_opts",
    .has_value = false,
};
static const PoolNamespace rbd_ns = {
    .prefix = "rbd",
    .uri = "http://libvirt.org/schemas/storagepool/rbd/1.0",
    .container = "config_opts",
    .has_value = true,
};

/* libvirt requires a <device> only of fs and disk pools at parse time; we
 * also require it of iscsi and iscsi-direct, whose backends cannot start
 * without a target. */
const PoolTypeInfo scPoolTypes[SC_POOL_TYPE_LAST] = {
    [SC_POOL_DIR] = { .flags = 0 },
    [SC_POOL_FS] = { .flags = SRC_DEVICE | SRC_NEED_DEVICE,
                     .formats = fs_formats,
                     .default_format = "auto",
                     .ns = &fs_ns },
    [SC_POOL_NETFS] = { .flags = SRC_HOST | SRC_DIR,
                        .formats = netfs_formats,
                        .default_format = "auto",
                        .ns = &fs_ns },
    [SC_POOL_LOGICAL] = { .flags = SRC_NAME | SRC_DEVICE,
                          .formats = logical_formats,
                          .default_format = "lvm2" },
    [SC_POOL_DISK] = { .flags = SRC_DEVICE | SRC_NEED_DEVICE,
                       .formats = disk_formats,
                       .default_format = "unknown" },
    [SC_POOL_ISCSI] = { .flags = SRC_HOST | SRC_DEVICE | SRC_IQN | SRC_NEED_DEVICE },
    [SC_POOL_SCSI] = { .flags = SRC_ADAPTER },
    [SC_POOL_MPATH] = { .flags = 0 },
    [SC_POOL_RBD] = { .flags = SRC_HOST | SRC_NETWORK | SRC_NAME, .ns = &rbd_ns },
    [SC_POOL_SHEEPDOG] = { .flags = SRC_HOST | SRC_NETWORK | SRC_NAME },
    [SC_POOL_GLUSTER] = { .flags = SRC_HOST | SRC_NETWORK | SRC_NAME | SRC_DIR },
    [SC_POOL_ZFS] = { .flags = SRC_NAME | SRC_DEVICE },
    [SC_POOL_VSTORAGE] = { .flags = SRC_NAME },
    [SC_POOL_ISCSI_DIRECT] = { .flags = SRC_HOST | SRC_DEVICE | SRC_NETWORK | SRC_IQN |
                                        SRC_NEED_DEVICE | SRC_NEED_IQN },
};

static int
formatIndex(const PoolTypeInfo *ti, const char *name)
{
    for (int i = 0; ti->formats && ti->formats[i]; i++)
        if (strcmp(ti->formats[i], name) == 0)
            return i;
    return -1;
}

const char *
scTristateToString(scTristate t)
{
    return t == SC_TRISTATE_YES ? "yes" : "no";
}

/* ---- freeing ---------------------------------------------------------- */

static void
adapterClear(scPoolAdapter *a)
{
    free(a->name);
    free(a->parent);
    free(a->parent_wwnn);
    free(a->parent_wwpn);
    free(a->parent_fabric_wwn);
    free(a->wwnn);
    free(a->wwpn);
    memset(a, 0, sizeof(*a));
}

static void
hostsClear(scPoolSource *s)
{
    for (size_t i = 0; i < s->nhosts; i++)
        free(s->hosts[i].name);
    free(s->hosts);
    s->hosts = NULL;
    s->nhosts = 0;
}

static void
devicesClear(scPoolSource *s)
{
    for (size_t i = 0; i < s->ndevices; i++) {
        free(s->devices[i].path);
        free(s->devices[i].free_extents);
    }
    free(s->devices);
    s->devices = NULL;
    s->ndevices = 0;
}

void
scPoolDefFree(scPoolDef *def)
{
    scPoolSource *s;

    if (!def)
        return;
    s = &def->source;
    hostsClear(s);
    devicesClear(s);
    adapterClear(&s->adapter);
    free(s->dir);
    free(s->name);
    free(s->initiator_iqn);
    free(s->format);
    free(s->auth.username);
    free(s->auth.secret_type);
    free(s->auth.secret_uuid);
    free(s->auth.secret_usage);
    if (s->auth.secret_value)
        explicit_bzero(s->auth.secret_value, s->auth.secret_len);
    free(s->auth.secret_value);
    free(s->protocol_ver);
    free(s->vendor);
    free(s->product);
    for (size_t i = 0; i < def->nns_options; i++) {
        free(def->ns_options[i].name);
        free(def->ns_options[i].value);
    }
    free(def->ns_options);
    free(def->name);
    free(def->target_path);
    free(def->perms.label);
    free(def);
}

static int
getTristate(xmlNodePtr node, const char *where, const char *name, scTristate *out)
{
    _cleanup_free_ char *value = NULL;

    *out = SC_TRISTATE_ABSENT;
    if (scXmlGetProp(node, name, &value) < 0)
        return -1;
    if (!value)
        return 0;
    if (strcmp(value, "yes") == 0) {
        *out = SC_TRISTATE_YES;
    } else if (strcmp(value, "no") == 0) {
        *out = SC_TRISTATE_NO;
    } else {
        scXmlReportError("pool XML: <%s %s='%.64s'> must be 'yes' or 'no'", where, name, value);
        return -1;
    }
    return 0;
}

/* ---- <source> ------------------------------------------------------------ */

static int
parseHosts(xmlNodePtr src, scPoolSource *s)
{
    size_t n = scXmlCountChildren(src, "host");

    if (n == 0)
        return 0;
    if (!(s->hosts = scAlloc(n * sizeof(*s->hosts))))
        return -1;
    for (xmlNodePtr c = src->children; c; c = c->next) {
        scPoolSourceHost *host = &s->hosts[s->nhosts];
        _cleanup_free_ char *port = NULL;
        long long v;

        if (!scXmlIsElement(c, "host"))
            continue;
        s->nhosts++;
        if (scXmlGetProp(c, "name", &host->name) < 0 || scXmlGetProp(c, "port", &port) < 0)
            return -1;
        if (!host->name) {
            scXmlReportError("pool XML: <source><host> has no name");
            return -1;
        }
        if (port && !scXmlParseLL(port, 10, INT_MIN, INT_MAX, &v)) {
            scXmlReportError("pool XML: <source><host port='%.64s'> is not an integer", port);
            return -1;
        }
        host->port = port ? (int) v : 0;
    }
    return 0;
}

static int
parseDevices(xmlNodePtr src, scPoolSource *s)
{
    size_t n = scXmlCountChildren(src, "device");

    if (n == 0)
        return 0;
    if (!(s->devices = scAlloc(n * sizeof(*s->devices))))
        return -1;
    for (xmlNodePtr c = src->children; c; c = c->next) {
        scPoolSourceDevice *dev = &s->devices[s->ndevices];

        if (!scXmlIsElement(c, "device"))
            continue;
        s->ndevices++;
        if (scXmlGetProp(c, "path", &dev->path) < 0)
            return -1;
        if (!dev->path) {
            scXmlReportError("pool XML: <source><device> has no path");
            return -1;
        }
        if (getTristate(c, "source><device", "part_separator", &dev->part_separator) < 0)
            return -1;
    }
    return 0;
}

static int
parsePCIAddress(xmlNodePtr node, scPoolAdapter *a)
{
    static const char *const names[] = { "domain", "bus", "slot", "function" };
    unsigned int *fields[] = { &a->addr_domain, &a->addr_bus, &a->addr_slot, &a->addr_function };

    for (size_t i = 0; i < SC_N_ELEMENTS(names); i++) {
        _cleanup_free_ char *value = NULL;

        if (scXmlGetProp(node, names[i], &value) < 0)
            return -1;
        if (value && !scXmlParseUInt(value, 0, fields[i])) {
            scXmlReportError("pool XML: <parentaddr><address %s='%.64s'> is not a number", names[i],
                             value);
            return -1;
        }
    }
    if (!(a->addr_domain | a->addr_bus | a->addr_slot | a->addr_function))
        return 0;
    if (a->addr_bus > 0xff || a->addr_slot > 0x1f || a->addr_function > 7 ||
        !(a->addr_domain | a->addr_bus | a->addr_slot)) {
        scXmlReportError(
            "pool XML: <parentaddr><address> %04x:%02x:%02x.%x is not a valid PCI address",
            a->addr_domain, a->addr_bus, a->addr_slot, a->addr_function);
        return -1;
    }
    return 0;
}

static int
parseParentAddr(xmlNodePtr adapter, scPoolAdapter *a)
{
    xmlNodePtr parentaddr = scXmlFindElement(adapter, "parentaddr", NULL);
    xmlNodePtr address = scXmlFindElement(adapter, "parentaddr/address", NULL);
    _cleanup_free_ char *unique_id = NULL;
    long long v;

    if (!parentaddr)
        return 0;
    if (!address) {
        scXmlReportError("pool XML: missing <address> in <source><adapter><parentaddr>");
        return -1;
    }
    a->has_parentaddr = true;
    if (parsePCIAddress(address, a) < 0 ||
        scXmlGetPathAttr(adapter, "parentaddr", "unique_id", &unique_id) < 0)
        return -1;
    if (!scXmlParseLL(unique_id, 10, 0, INT_MAX, &v)) {
        scXmlReportError(
            "pool XML: <source><adapter><parentaddr unique_id='%.64s'> is missing or not a non-negative integer",
            unique_id ? unique_id : "");
        return -1;
    }
    a->unique_id = (int) v;
    return 0;
}

static int
parseAdapter(xmlNodePtr node, scPoolAdapter *a)
{
    _cleanup_free_ char *type = NULL;

    if (scXmlGetProp(node, "type", &type) < 0)
        return -1;
    if (!type) {
        /* Before type= existed an adapter was a scsi_host named by name=. */
        if (xmlHasNsProp(node, (const xmlChar *) "wwnn", NULL) ||
            xmlHasNsProp(node, (const xmlChar *) "wwpn", NULL) ||
            xmlHasNsProp(node, (const xmlChar *) "parent", NULL)) {
            scXmlReportError(
                "pool XML: <source><adapter> with wwnn, wwpn or parent needs type='fc_host'");
            return -1;
        }
        if (scXmlFindElement(node, "parentaddr", NULL)) {
            scXmlReportError("pool XML: <source><adapter><parentaddr> needs type='scsi_host'");
            return -1;
        }
        if (scXmlGetProp(node, "name", &a->name) < 0)
            return -1;
        a->type = a->name ? SC_ADAPTER_SCSI_HOST : SC_ADAPTER_NONE;
        return 0;
    }
    if (strcmp(type, "scsi_host") == 0) {
        a->type = SC_ADAPTER_SCSI_HOST;
        if (scXmlGetProp(node, "name", &a->name) < 0)
            return -1;
        return parseParentAddr(node, a);
    }
    if (strcmp(type, "fc_host") == 0) {
        a->type = SC_ADAPTER_FC_HOST;
        if (getTristate(node, "source><adapter", "managed", &a->managed) < 0 ||
            scXmlGetProp(node, "parent", &a->parent) < 0 ||
            scXmlGetProp(node, "parent_wwnn", &a->parent_wwnn) < 0 ||
            scXmlGetProp(node, "parent_wwpn", &a->parent_wwpn) < 0 ||
            scXmlGetProp(node, "parent_fabric_wwn", &a->parent_fabric_wwn) < 0 ||
            scXmlGetProp(node, "wwnn", &a->wwnn) < 0 || scXmlGetProp(node, "wwpn", &a->wwpn) < 0)
            return -1;
        return 0;
    }
    scXmlReportError("pool XML: unknown adapter type '%.64s' in <source><adapter type=...>", type);
    return -1;
}

/* A WWN is 16 hex digits, optionally after "0x" (libvirt's virValidateWWN). */
static int
checkWWN(const char *attr, const char *wwn)
{
    const char *p = wwn;
    size_t i;

    if (!wwn)
        return 0;
    if (strncmp(p, "0x", 2) == 0)
        p += 2;
    for (i = 0; p[i] && isxdigit((unsigned char) p[i]); i++)
        ;
    if (i == 16 && !p[i])
        return 0;
    scXmlReportError("pool XML: <source><adapter %s='%.64s'> is not a WWN of 16 hex digits", attr,
                     wwn);
    return -1;
}

static int
validateAdapter(const scPoolAdapter *a)
{
    switch (a->type) {
    case SC_ADAPTER_NONE:
        scXmlReportError("pool XML: missing <source><adapter>, which pool type 'scsi' requires");
        return -1;
    case SC_ADAPTER_SCSI_HOST:
        if (!a->name == !a->has_parentaddr) {
            scXmlReportError(
                "pool XML: <source><adapter type='scsi_host'> needs either name=... or <parentaddr>, and not both");
            return -1;
        }
        return 0;
    case SC_ADAPTER_FC_HOST:
        if (!a->wwnn || !a->wwpn) {
            scXmlReportError(
                "pool XML: <source><adapter type='fc_host'> needs both wwnn=... and wwpn=...");
            return -1;
        }
        if (!a->parent_wwnn != !a->parent_wwpn) {
            scXmlReportError(
                "pool XML: <source><adapter> needs parent_wwnn=... and parent_wwpn=... together");
            return -1;
        }
        if (checkWWN("wwnn", a->wwnn) < 0 || checkWWN("wwpn", a->wwpn) < 0 ||
            checkWWN("parent_wwnn", a->parent_wwnn) < 0 ||
            checkWWN("parent_wwpn", a->parent_wwpn) < 0 ||
            checkWWN("parent_fabric_wwn", a->parent_fabric_wwn) < 0)
            return -1;
        return 0;
    }
    return 0;
}

static int
parseAuth(xmlNodePtr node, scPoolAuth *auth)
{
    _cleanup_free_ char *type = NULL;
    _cleanup_free_ char *uuid = NULL;
    unsigned char raw[SC_UUID_BUFLEN];
    xmlNodePtr secret;

    if (scXmlGetPropNonEmpty(node, "username", &auth->username) < 0 ||
        scXmlGetPropNonEmpty(node, "type", &type) < 0)
        return -1;
    if (!auth->username) {
        scXmlReportError("pool XML: <source><auth> has no username");
        return -1;
    }
    if (type && strcmp(type, "chap") == 0) {
        auth->type = SC_AUTH_CHAP;
    } else if (type && strcmp(type, "ceph") == 0) {
        auth->type = SC_AUTH_CEPH;
    } else if (type && strcmp(type, "none") != 0) {
        scXmlReportError("pool XML: unknown auth type '%.64s' in <source><auth type=...>", type);
        return -1;
    }
    if (!(secret = scXmlFindElement(node, "secret", NULL))) {
        scXmlReportError("pool XML: <source><auth> has no <secret>");
        return -1;
    }
    if (scXmlGetProp(secret, "type", &auth->secret_type) < 0 ||
        scXmlGetProp(secret, "uuid", &uuid) < 0 ||
        scXmlGetProp(secret, "usage", &auth->secret_usage) < 0)
        return -1;
    if (!uuid == !auth->secret_usage) {
        scXmlReportError(
            "pool XML: <source><auth><secret> needs either uuid=... or usage=..., and not both");
        return -1;
    }
    if (uuid) {
        if (scUUIDParse(uuid, raw) < 0) {
            scXmlReportError("pool XML: <source><auth><secret uuid='%.64s'> is malformed", uuid);
            return -1;
        }
        if (!(auth->secret_uuid = scAlloc(SC_UUID_STRING_BUFLEN)))
            return -1;
        scUUIDFormat(raw, auth->secret_uuid);
    }
    if (auth->type == SC_AUTH_NONE) {
        scXmlReportError("pool XML: <source><auth> needs type='chap' or type='ceph'");
        return -1;
    }
    return 0;
}

static int
parseFormat(xmlNodePtr src, scPoolDef *def)
{
    const PoolTypeInfo *ti = &scPoolTypes[def->type];
    _cleanup_free_ char *type = NULL;
    int i;

    if (!ti->formats)
        return 0;
    if (scXmlGetPathAttr(src, "format", "type", &type) < 0)
        return -1;
    if (!type)
        return 0; /* the default is filled in by applyTypeRules() */
    if ((i = formatIndex(ti, type)) < 0) {
        scXmlReportError("pool XML: unknown %s pool format '%.64s' in <source><format type=...>",
                         scPoolTypeToString(def->type), type);
        return -1;
    }
    def->source.format = scStrdup(ti->formats[i]);
    return def->source.format ? 0 : -1;
}

/* The NFS protocol version. libvirt allows it when the format's position
 * in the type's list is that of netfs' "auto" or "nfs" (0 or 1), and for
 * types without formats; we keep that rule so the same documents pass. */
static int
parseProtocol(xmlNodePtr src, scPoolDef *def)
{
    const PoolTypeInfo *ti = &scPoolTypes[def->type];
    scPoolSource *s = &def->source;
    const char *format = s->format ? s->format : ti->default_format;

    if (scXmlGetPathAttr(src, "protocol", "ver", &s->protocol_ver) < 0)
        return -1;
    if (!s->protocol_ver)
        return 0;
    if (ti->formats && formatIndex(ti, format) > 1) {
        scXmlReportError("pool XML: <source><protocol ver=...> does not go with <format type='%s'>",
                         format);
        return -1;
    }
    if (strchr(s->protocol_ver, ',')) {
        scXmlReportError("pool XML: <source><protocol ver='%.64s'> must not contain ','",
                         s->protocol_ver);
        return -1;
    }
    return 0;
}

static int
parseSource(xmlNodePtr src, scPoolDef *def)
{
    scPoolSource *s = &def->source;
    _cleanup_free_ char *dir = NULL;
    xmlNodePtr node;

    if (scXmlGetText(src, "name", &s->name) < 0)
        return -1;
    if (def->type == SC_POOL_RBD && !s->name) {
        scXmlReportError("pool XML: missing <source><name>, which pool type 'rbd' requires");
        return -1;
    }
    if (parseFormat(src, def) < 0 || parseHosts(src, s) < 0 ||
        scXmlGetPathAttr(src, "initiator/iqn", "name", &s->initiator_iqn) < 0 ||
        parseDevices(src, s) < 0 || scXmlGetPathAttr(src, "dir", "path", &dir) < 0)
        return -1;
    if (dir && !(s->dir = scPathSanitize(dir)))
        return -1;
    if ((node = scXmlFindElement(src, "adapter", NULL)) && parseAdapter(node, &s->adapter) < 0)
        return -1;
    if ((node = scXmlFindElement(src, "auth", NULL)) && parseAuth(node, &s->auth) < 0)
        return -1;
    if (parseProtocol(src, def) < 0 || scXmlGetPathAttr(src, "vendor", "name", &s->vendor) < 0 ||
        scXmlGetPathAttr(src, "product", "name", &s->product) < 0)
        return -1;
    return 0;
}

/* ---- the rest of <pool> ------------------------------------------------- */

static int
parsePoolType(xmlNodePtr root, scPoolDef *def)
{
    _cleanup_free_ char *type = NULL;
    int t;

    if (scXmlGetProp(root, "type", &type) < 0)
        return -1;
    /* libvirt reads the type with virXMLPropEnum: its errors are its XML
     * utilities' (SC_FROM_XML), not the storage driver's. */
    if (!type) {
        scReportError(SC_FROM_XML, SC_ERR_XML_ERROR, "pool XML: missing type in <pool type=...>");
        return -1;
    }
    if ((t = scPoolTypeFromString(type)) < 0) {
        scReportError(SC_FROM_XML, SC_ERR_XML_ERROR,
                      "pool XML: unknown pool type '%.64s' in <pool type=...>", type);
        return -1;
    }
    def->type = t;
    return 0;
}

/* The name (from the source name where the type has one) and the UUID. A
 * name that scCheckName refuses is re-reported as an XML error. */
static int
parseIdentity(xmlNodePtr root, scPoolDef *def)
{
    _cleanup_free_ char *uuid = NULL;

    if (scXmlGetText(root, "name", &def->name) < 0)
        return -1;
    if (!def->name && (scPoolTypes[def->type].flags & SRC_NAME) && def->source.name &&
        !(def->name = scStrdup(def->source.name)))
        return -1;
    if (!def->name) {
        scXmlReportError("pool XML: missing <name>");
        return -1;
    }
    if (scCheckName("pool", def->name) < 0) {
        _cleanup_free_ char *why = scStrdup(scGetLastErrorDetail());

        scXmlReportError("pool XML: <name>: %s", why ? why : "invalid pool name");
        return -1;
    }
    if (scXmlGetText(root, "uuid", &uuid) < 0)
        return -1;
    if (!uuid) {
        scUUIDGenerate(def->uuid);
    } else if (scUUIDParse(uuid, def->uuid) < 0) {
        scXmlReportError("pool XML: <uuid> '%.64s' is malformed", uuid);
        return -1;
    }
    return 0;
}

static int
parseFeatures(xmlNodePtr root, scPoolDef *def)
{
    xmlNodePtr cow = scXmlFindElement(root, "features/cow", NULL);

    if (getTristate(cow, "features><cow", "state", &def->cow) < 0)
        return -1;
    if (def->cow != SC_TRISTATE_ABSENT && def->type != SC_POOL_DIR && def->type != SC_POOL_FS) {
        scXmlReportError("pool XML: <features><cow> is only for dir and fs pools, not '%s'",
                         scPoolTypeToString(def->type));
        return -1;
    }
    return 0;
}

/* libvirt's per-type checks and defaults, in its order. */
static int
applyTypeRules(scPoolDef *def)
{
    const PoolTypeInfo *ti = &scPoolTypes[def->type];
    const char *type = scPoolTypeToString(def->type);
    scPoolSource *s = &def->source;

    if ((ti->flags & SRC_HOST) && s->nhosts == 0) {
        scXmlReportError("pool XML: missing <source><host name=...>, which pool type '%s' requires",
                         type);
        return -1;
    }
    if (def->type == SC_POOL_GLUSTER && !s->dir && !(s->dir = scStrdup("/")))
        return -1;
    if ((ti->flags & SRC_DIR) && !s->dir) {
        scXmlReportError("pool XML: missing <source><dir path=...>, which pool type '%s' requires",
                         type);
        return -1;
    }
    if ((ti->flags & SRC_NAME) && !s->name && !(s->name = scStrdup(def->name)))
        return -1;
    if ((ti->flags & SRC_ADAPTER) && validateAdapter(&s->adapter) < 0)
        return -1;
    if ((ti->flags & SRC_NEED_DEVICE) && s->ndevices == 0) {
        scXmlReportError(
            "pool XML: missing <source><device path=...>, which pool type '%s' requires", type);
        return -1;
    }
    if (ti->formats && !s->format && !(s->format = scStrdup(ti->default_format)))
        return -1;
    return 0;
}

/* The target path (computed for logical and zfs pools) and permissions;
 * network pools have no target. */
static int
parseTarget(xmlNodePtr root, scPoolDef *def)
{
    _cleanup_free_ char *path = NULL;

    if (scPoolTypes[def->type].flags & SRC_NETWORK)
        return 0;
    if (def->type == SC_POOL_LOGICAL) {
        path = scAsprintf("/dev/%s", def->source.name);
    } else if (def->type == SC_POOL_ZFS) {
        path = scAsprintf("/dev/zvol/%s", def->source.name);
    } else {
        if (scXmlGetText(root, "target/path", &path) < 0)
            return -1;
        if (!path) {
            scXmlReportError("pool XML: missing <target><path>");
            return -1;
        }
    }
    if (!path || !(def->target_path = scPathSanitize(path)))
        return -1;
    return scXmlParsePerms(scXmlFindElement(root, "target/permissions", NULL), "pool XML", "target",
                           &def->perms);
}

static int
parseRefresh(xmlNodePtr root, scPoolDef *def)
{
    _cleanup_free_ char *allocation = NULL;

    if (scXmlGetPathAttr(root, "refresh/volume", "allocation", &allocation) < 0)
        return -1;
    if (!allocation)
        return 0;
    if (strcmp(allocation, "capacity") == 0) {
        def->refresh_alloc_capacity = true;
    } else if (strcmp(allocation, "default") != 0) {
        scXmlReportError(
            "pool XML: <refresh><volume allocation='%.64s'> must be 'default' or 'capacity'",
            allocation);
        return -1;
    }
    def->has_refresh = true;
    return 0;
}

static bool
isNsElement(xmlNodePtr node, const PoolNamespace *ns, const char *name)
{
    return node->type == XML_ELEMENT_NODE && node->ns && node->ns->href &&
           xmlStrEqual(node->ns->href, (const xmlChar *) ns->uri) &&
           xmlStrEqual(node->name, (const xmlChar *) name);
}

static int
parseNsOption(xmlNodePtr node, const PoolNamespace *ns, scPoolNsOption *opt)
{
    if (scXmlGetProp(node, "name", &opt->name) < 0)
        return -1;
    if (!opt->name || (ns->has_value && !opt->name[0])) {
        scXmlReportError("pool XML: <%s:option> has no name", ns->prefix);
        return -1;
    }
    if (!ns->has_value)
        return 0;
    if (scXmlGetProp(node, "value", &opt->value) < 0)
        return -1;
    if (!opt->value || !opt->value[0]) {
        scXmlReportError("pool XML: <%s:option name='%.64s'> has no value", ns->prefix, opt->name);
        return -1;
    }
    return 0;
}

/* The options of the type's backend namespace, matched by namespace URI
 * whatever prefix the document gave it. */
static int
parseNamespace(xmlNodePtr root, scPoolDef *def)
{
    const PoolNamespace *ns = scPoolTypes[def->type].ns;
    size_t n = 0;

    if (!ns)
        return 0;
    for (xmlNodePtr c = root->children; c; c = c->next)
        for (xmlNodePtr o = isNsElement(c, ns, ns->container) ? c->children : NULL; o; o = o->next)
            n += isNsElement(o, ns, "option");
    if (n == 0)
        return 0;
    if (!(def->ns_options = scAlloc(n * sizeof(*def->ns_options))))
        return -1;
    for (xmlNodePtr c = root->children; c; c = c->next) {
        for (xmlNodePtr o = isNsElement(c, ns, ns->container) ? c->children : NULL; o;
             o = o->next) {
            if (!isNsElement(o, ns, "option"))
                continue;
            if (parseNsOption(o, ns, &def->ns_options[def->nns_options++]) < 0)
                return -1;
        }
    }
    return 0;
}

/* Drop the source parts libvirt never prints for this type. */
static void
dropUnused(scPoolDef *def)
{
    unsigned int flags = scPoolTypes[def->type].flags;
    scPoolSource *s = &def->source;

    if (!(flags & SRC_HOST))
        hostsClear(s);
    if (!(flags & SRC_DEVICE))
        devicesClear(s);
    if (!(flags & SRC_ADAPTER))
        adapterClear(&s->adapter);
    if (!(flags & SRC_DIR)) {
        free(s->dir);
        s->dir = NULL;
    }
    if (!(flags & SRC_NAME)) {
        free(s->name);
        s->name = NULL;
    }
    if (!(flags & SRC_IQN)) {
        free(s->initiator_iqn);
        s->initiator_iqn = NULL;
    }
}

static int
parsePool(xmlNodePtr root, scPoolDef *def)
{
    xmlNodePtr src = scXmlFindElement(root, "source", NULL);

    if (parsePoolType(root, def) < 0)
        return -1;
    if (src && parseSource(src, def) < 0)
        return -1;
    if (parseIdentity(root, def) < 0 || parseFeatures(root, def) < 0 || applyTypeRules(def) < 0 ||
        parseTarget(root, def) < 0)
        return -1;
    if ((scPoolTypes[def->type].flags & SRC_NEED_IQN) && !def->source.initiator_iqn) {
        scXmlReportError(
            "pool XML: missing <source><initiator><iqn name=...>, which pool type '%s' requires",
            scPoolTypeToString(def->type));
        return -1;
    }
    if (parseRefresh(root, def) < 0 || parseNamespace(root, def) < 0)
        return -1;
    dropUnused(def);
    return 0;
}

scPoolDef *
scPoolDefParseString(const char *xml)
{
    _cleanup_(scXmlFreeDocp) xmlDocPtr doc = NULL;
    _cleanup_(scPoolDefFreep) scPoolDef *def = NULL;
    xmlNodePtr root;

    if (!xml) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG, "pool XML: no document given");
        return NULL;
    }
    if (!(doc = scXmlReadDocument(xml, "pool XML", SC_FROM_STORAGE)))
        return NULL;
    root = xmlDocGetRootElement(doc);
    if (!root || !xmlStrEqual(root->name, (const xmlChar *) "pool")) {
        scXmlReportError("pool XML: root element is <%.64s>, expected <pool>",
                         root ? (const char *) root->name : "");
        return NULL;
    }
    if (!(def = scAlloc(sizeof(*def))))
        return NULL;
    def->perms.mode = def->perms.uid = def->perms.gid = -1;
    if (parsePool(root, def) < 0)
        return NULL;
    return TAKE_PTR(def);
}

