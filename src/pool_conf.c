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
 * attribute libvirt reads directly keeps "".
 *
 * The document is hostile until checked: libxml2 runs without network
 * access and without entity substitution, a DOCTYPE stops the parser on
 * the spot (so no entity is ever declared, let alone expanded or fetched),
 * and libxml2's diagnostics become our error instead of going to stderr.
 */
#include <config.h>

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "pool_conf.h"
#include "util.h"

SC_ENUM_IMPL(scPoolType, SC_POOL_TYPE_LAST, "dir", "fs", "netfs", "logical", "disk", "iscsi",
             "scsi", "mpath", "rbd", "sheepdog", "gluster", "zfs", "vstorage", "iscsi-direct")

#define reportXML(...) scReportError(SC_FROM_XML, SC_ERR_XML_ERROR, __VA_ARGS__)

/* libxml2 2.12 made the structured error handler's argument const. */
#if LIBXML_VERSION >= 21200
# define SC_XML_ERROR_CONST const
#else
# define SC_XML_ERROR_CONST
#endif

/* ---- what each pool type has (libvirt's poolTypeInfo table) --------- */

enum {
    SRC_HOST = 1 << 0,        /* <host> list; at least one is required */
    SRC_DEVICE = 1 << 1,      /* <device> list */
    SRC_DIR = 1 << 2,         /* <dir path=...>; required */
    SRC_ADAPTER = 1 << 3,     /* <adapter>; required */
    SRC_NAME = 1 << 4,        /* <name>; defaults to the pool name */
    SRC_IQN = 1 << 5,         /* <initiator><iqn name=...> */
    SRC_NETWORK = 1 << 6,     /* not local: no <target> at all */
    SRC_NEED_DEVICE = 1 << 7, /* at least one <device> is required */
    SRC_NEED_IQN = 1 << 8,    /* the initiator IQN is required */
};

typedef struct {
    const char *prefix;    /* prefix we print: "fs", "rbd" */
    const char *uri;       /* the namespace that identifies the elements */
    const char *container; /* "mount_opts", "config_opts" */
    bool has_value;        /* options carry value= besides name= */
} PoolNamespace;

typedef struct {
    unsigned int flags;         /* SRC_* */
    const char *const *formats; /* <format type=...> names, NULL-terminated; NULL: none */
    const char *default_format; /* when <format> is absent */
    const PoolNamespace *ns;    /* the backend's XML namespace, or NULL */
} PoolTypeInfo;

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
static const PoolTypeInfo pool_types[SC_POOL_TYPE_LAST] = {
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

static const char *
tristateToString(scTristate t)
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
    for (size_t i = 0; i < s->ndevices; i++)
        free(s->devices[i].path);
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

/* ---- reading the document safely -------------------------------------- */

typedef struct {
    bool doctype;  /* a DOCTYPE or an entity declaration was met */
    char *message; /* libxml2's first error, made one short line */
    int line;      /* ... and where */
} ReadState;

/* libxml2 calls these with the parser context as @opaque. */
static void
recordError(void *opaque, SC_XML_ERROR_CONST xmlError *err)
{
    xmlParserCtxtPtr ctxt = opaque;
    ReadState *st = ctxt ? ctxt->_private : NULL;
    char *msg;
    size_t len;

    if (!st || st->message || !err || err->level < XML_ERR_ERROR)
        return;
    /* Keep it one line and short: a message may quote a long token. */
    if (!(msg = strndup(err->message ? err->message : "unknown error", 200)))
        return;
    for (char *p = msg; *p; p++)
        if ((unsigned char) *p < 0x20)
            *p = ' ';
    len = strlen(msg);
    if (len == 200) /* do not end inside a UTF-8 sequence */
        while (len > 0 && ((unsigned char) msg[len - 1] & 0x80))
            msg[--len] = '\0';
    while (len > 0 && msg[len - 1] == ' ')
        msg[--len] = '\0';
    st->message = msg;
    st->line = err->line;
}

/* Stop at the DOCTYPE itself, before its internal subset is read: that is
 * where entities are declared, so none is ever expanded or fetched. */
static void
refuseDoctype(void *opaque, const xmlChar *name, const xmlChar *external_id,
              const xmlChar *system_id)
{
    xmlParserCtxtPtr ctxt = opaque;

    (void) name;
    (void) external_id;
    (void) system_id;
    ((ReadState *) ctxt->_private)->doctype = true;
    xmlStopParser(ctxt);
}

static void
refuseEntity(void *opaque, const xmlChar *name, int type, const xmlChar *public_id,
             const xmlChar *system_id, xmlChar *content)
{
    (void) type;
    (void) public_id;
    (void) content;
    refuseDoctype(opaque, name, NULL, system_id);
}

static void
ignoreGenericError(void *ctx, const char *msg, ...)
{
    (void) ctx;
    (void) msg;
}

static void
freeDocp(xmlDocPtr *doc)
{
    if (*doc)
        xmlFreeDoc(*doc);
}

/* Parses @xml into a document, or reports why not. libxml2's per-thread
 * generic error handler is silenced for the call and then restored. */
static xmlDocPtr
readDocument(const char *xml)
{
    const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
    size_t len = strlen(xml);
    ReadState st = { 0 };
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc;
    xmlGenericErrorFunc old_handler;
    void *old_ctx;

    if (len > INT_MAX) {
        reportXML("pool XML: the document is %zu bytes long; at most %d are allowed", len, INT_MAX);
        return NULL;
    }
    xmlInitParser();
    if (!(ctxt = xmlNewParserCtxt())) {
        scReportOOM();
        return NULL;
    }
    ctxt->_private = &st;
    ctxt->sax->serror = recordError;
    ctxt->sax->internalSubset = refuseDoctype;
    ctxt->sax->externalSubset = refuseDoctype;
    ctxt->sax->entityDecl = refuseEntity;

    old_handler = xmlGenericError;
    old_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, ignoreGenericError);
    doc = xmlCtxtReadMemory(ctxt, xml, (int) len, NULL, NULL, options);
    xmlSetGenericErrorFunc(old_ctx, old_handler);

    if (st.doctype || (doc && doc->intSubset)) {
        reportXML("pool XML: DTDs and entities are not allowed");
    } else if (!doc || !ctxt->wellFormed || !ctxt->nsWellFormed || st.message) {
        reportXML("pool XML: malformed document at line %d: %s", st.message ? st.line : 0,
                  st.message ? st.message : "the parser gave up");
    } else {
        xmlFreeParserCtxt(ctxt);
        return doc;
    }
    freeDocp(&doc);
    xmlFreeParserCtxt(ctxt);
    free(st.message);
    return NULL;
}

/* ---- looking things up ------------------------------------------------ */

static bool
isElement(xmlNodePtr node, const char *name)
{
    return node->type == XML_ELEMENT_NODE && !node->ns &&
           xmlStrEqual(node->name, (const xmlChar *) name);
}

/* XPath's "./PATH" for a PATH like "target/path": the first element in
 * document order reached through children of those names in no namespace
 * (so a second <target> is searched when the first has no <path>), that
 * has attribute @attr when @attr is set. NULL if there is none. */
static xmlNodePtr
findElement(xmlNodePtr parent, const char *path, const char *attr)
{
    const char *slash = strchr(path, '/');
    size_t len = slash ? (size_t) (slash - path) : strlen(path);

    if (!parent)
        return NULL;
    for (xmlNodePtr c = parent->children; c; c = c->next) {
        xmlNodePtr found;

        if (c->type != XML_ELEMENT_NODE || c->ns || strlen((const char *) c->name) != len ||
            strncmp((const char *) c->name, path, len) != 0)
            continue;
        if (slash && (found = findElement(c, slash + 1, attr)))
            return found;
        if (!slash && (!attr || xmlHasNsProp(c, (const xmlChar *) attr, NULL)))
            return c;
    }
    return NULL;
}

static size_t
countChildren(xmlNodePtr parent, const char *name)
{
    size_t n = 0;

    for (xmlNodePtr c = parent->children; c; c = c->next)
        n += isElement(c, name);
    return n;
}

/* XPath's string(./PATH): a copy of the first such element's text, or
 * NULL when there is none or its text is empty. Returns 0, or -1 on OOM. */
static int
getText(xmlNodePtr parent, const char *path, char **out)
{
    xmlNodePtr node = findElement(parent, path, NULL);
    xmlChar *text;
    int ret = 0;

    *out = NULL;
    if (!node)
        return 0;
    if (!(text = xmlNodeGetContent(node))) {
        scReportOOM();
        return -1;
    }
    if (text[0] && !(*out = scStrdup((const char *) text)))
        ret = -1;
    xmlFree(text);
    return ret;
}

/* A copy of attribute @name (no namespace) of @node, or NULL when @node or
 * the attribute is absent, or when it is empty and !@keep_empty. Returns
 * 0, or -1 on OOM. */
static int
getAttr(xmlNodePtr node, const char *name, bool keep_empty, char **out)
{
    xmlChar *value;
    int ret = 0;

    *out = NULL;
    if (!node || !xmlHasNsProp(node, (const xmlChar *) name, NULL))
        return 0;
    if (!(value = xmlGetNoNsProp(node, (const xmlChar *) name))) {
        scReportOOM();
        return -1;
    }
    if ((value[0] || keep_empty) && !(*out = scStrdup((const char *) value)))
        ret = -1;
    xmlFree(value);
    return ret;
}

/* libvirt's virXMLPropString: "" stays "". */
static int
getProp(xmlNodePtr node, const char *name, char **out)
{
    return getAttr(node, name, true, out);
}

/* XPath's string(./@NAME): "" is absent. */
static int
getPropNonEmpty(xmlNodePtr node, const char *name, char **out)
{
    return getAttr(node, name, false, out);
}

/* XPath's string(./PATH/@ATTR): "" is absent. */
static int
getPathAttr(xmlNodePtr parent, const char *path, const char *attr, char **out)
{
    return getAttr(findElement(parent, path, attr), attr, false, out);
}

/* Reads yes/no attribute @name of the element @where names. */
static int
getTristate(xmlNodePtr node, const char *where, const char *name, scTristate *out)
{
    _cleanup_free_ char *value = NULL;

    *out = SC_TRISTATE_ABSENT;
    if (getProp(node, name, &value) < 0)
        return -1;
    if (!value)
        return 0;
    if (strcmp(value, "yes") == 0) {
        *out = SC_TRISTATE_YES;
    } else if (strcmp(value, "no") == 0) {
        *out = SC_TRISTATE_NO;
    } else {
        reportXML("pool XML: <%s %s='%.64s'> must be 'yes' or 'no'", where, name, value);
        return -1;
    }
    return 0;
}

/* All of @s as a number in @base within [@min, @max] (strtoll's syntax). */
static bool
parseLL(const char *s, int base, long long min, long long max, long long *out)
{
    char *end;
    long long v;

    if (!s || !*s)
        return false;
    errno = 0;
    v = strtoll(s, &end, base);
    if (errno || end == s || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

static bool
parseUInt(const char *s, int base, unsigned int *out)
{
    char *end;
    unsigned long v;

    if (!s || !*s || strchr(s, '-'))
        return false;
    errno = 0;
    v = strtoul(s, &end, base);
    if (errno || end == s || *end || v > UINT_MAX)
        return false;
    *out = (unsigned int) v;
    return true;
}

/* ---- <source> ------------------------------------------------------------ */

static int
parseHosts(xmlNodePtr src, scPoolSource *s)
{
    size_t n = countChildren(src, "host");

    if (n == 0)
        return 0;
    if (!(s->hosts = scAlloc(n * sizeof(*s->hosts))))
        return -1;
    for (xmlNodePtr c = src->children; c; c = c->next) {
        scPoolSourceHost *host = &s->hosts[s->nhosts];
        _cleanup_free_ char *port = NULL;
        long long v;

        if (!isElement(c, "host"))
            continue;
        s->nhosts++;
        if (getProp(c, "name", &host->name) < 0 || getProp(c, "port", &port) < 0)
            return -1;
        if (!host->name) {
            reportXML("pool XML: <source><host> has no name");
            return -1;
        }
        if (port && !parseLL(port, 10, INT_MIN, INT_MAX, &v)) {
            reportXML("pool XML: <source><host port='%.64s'> is not an integer", port);
            return -1;
        }
        host->port = port ? (int) v : 0;
    }
    return 0;
}

static int
parseDevices(xmlNodePtr src, scPoolSource *s)
{
    size_t n = countChildren(src, "device");

    if (n == 0)
        return 0;
    if (!(s->devices = scAlloc(n * sizeof(*s->devices))))
        return -1;
    for (xmlNodePtr c = src->children; c; c = c->next) {
        scPoolSourceDevice *dev = &s->devices[s->ndevices];

        if (!isElement(c, "device"))
            continue;
        s->ndevices++;
        if (getProp(c, "path", &dev->path) < 0)
            return -1;
        if (!dev->path) {
            reportXML("pool XML: <source><device> has no path");
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

        if (getProp(node, names[i], &value) < 0)
            return -1;
        if (value && !parseUInt(value, 0, fields[i])) {
            reportXML("pool XML: <parentaddr><address %s='%.64s'> is not a number", names[i],
                      value);
            return -1;
        }
    }
    if (!(a->addr_domain | a->addr_bus | a->addr_slot | a->addr_function))
        return 0;
    if (a->addr_bus > 0xff || a->addr_slot > 0x1f || a->addr_function > 7 ||
        !(a->addr_domain | a->addr_bus | a->addr_slot)) {
        reportXML("pool XML: <parentaddr><address> %04x:%02x:%02x.%x is not a valid PCI address",
                  a->addr_domain, a->addr_bus, a->addr_slot, a->addr_function);
        return -1;
    }
    return 0;
}

static int
parseParentAddr(xmlNodePtr adapter, scPoolAdapter *a)
{
    xmlNodePtr parentaddr = findElement(adapter, "parentaddr", NULL);
    xmlNodePtr address = findElement(adapter, "parentaddr/address", NULL);
    _cleanup_free_ char *unique_id = NULL;
    long long v;

    if (!parentaddr)
        return 0;
    if (!address) {
        reportXML("pool XML: missing <address> in <source><adapter><parentaddr>");
        return -1;
    }
    a->has_parentaddr = true;
    if (parsePCIAddress(address, a) < 0 ||
        getPathAttr(adapter, "parentaddr", "unique_id", &unique_id) < 0)
        return -1;
    if (!parseLL(unique_id, 10, 0, INT_MAX, &v)) {
        reportXML(
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

    if (getProp(node, "type", &type) < 0)
        return -1;
    if (!type) {
        /* Before type= existed an adapter was a scsi_host named by name=. */
        if (xmlHasNsProp(node, (const xmlChar *) "wwnn", NULL) ||
            xmlHasNsProp(node, (const xmlChar *) "wwpn", NULL) ||
            xmlHasNsProp(node, (const xmlChar *) "parent", NULL)) {
            reportXML("pool XML: <source><adapter> with wwnn, wwpn or parent needs type='fc_host'");
            return -1;
        }
        if (findElement(node, "parentaddr", NULL)) {
            reportXML("pool XML: <source><adapter><parentaddr> needs type='scsi_host'");
            return -1;
        }
        if (getProp(node, "name", &a->name) < 0)
            return -1;
        a->type = a->name ? SC_ADAPTER_SCSI_HOST : SC_ADAPTER_NONE;
        return 0;
    }
    if (strcmp(type, "scsi_host") == 0) {
        a->type = SC_ADAPTER_SCSI_HOST;
        if (getProp(node, "name", &a->name) < 0)
            return -1;
        return parseParentAddr(node, a);
    }
    if (strcmp(type, "fc_host") == 0) {
        a->type = SC_ADAPTER_FC_HOST;
        if (getTristate(node, "source><adapter", "managed", &a->managed) < 0 ||
            getProp(node, "parent", &a->parent) < 0 ||
            getProp(node, "parent_wwnn", &a->parent_wwnn) < 0 ||
            getProp(node, "parent_wwpn", &a->parent_wwpn) < 0 ||
            getProp(node, "parent_fabric_wwn", &a->parent_fabric_wwn) < 0 ||
            getProp(node, "wwnn", &a->wwnn) < 0 || getProp(node, "wwpn", &a->wwpn) < 0)
            return -1;
        return 0;
    }
    reportXML("pool XML: unknown adapter type '%.64s' in <source><adapter type=...>", type);
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
    reportXML("pool XML: <source><adapter %s='%.64s'> is not a WWN of 16 hex digits", attr, wwn);
    return -1;
}

static int
validateAdapter(const scPoolAdapter *a)
{
    switch (a->type) {
    case SC_ADAPTER_NONE:
        reportXML("pool XML: missing <source><adapter>, which pool type 'scsi' requires");
        return -1;
    case SC_ADAPTER_SCSI_HOST:
        if (!a->name == !a->has_parentaddr) {
            reportXML(
                "pool XML: <source><adapter type='scsi_host'> needs either name=... or <parentaddr>, and not both");
            return -1;
        }
        return 0;
    case SC_ADAPTER_FC_HOST:
        if (!a->wwnn || !a->wwpn) {
            reportXML(
                "pool XML: <source><adapter type='fc_host'> needs both wwnn=... and wwpn=...");
            return -1;
        }
        if (!a->parent_wwnn != !a->parent_wwpn) {
            reportXML(
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

    if (getPropNonEmpty(node, "username", &auth->username) < 0 ||
        getPropNonEmpty(node, "type", &type) < 0)
        return -1;
    if (!auth->username) {
        reportXML("pool XML: <source><auth> has no username");
        return -1;
    }
    if (type && strcmp(type, "chap") == 0) {
        auth->type = SC_AUTH_CHAP;
    } else if (type && strcmp(type, "ceph") == 0) {
        auth->type = SC_AUTH_CEPH;
    } else if (type && strcmp(type, "none") != 0) {
        reportXML("pool XML: unknown auth type '%.64s' in <source><auth type=...>", type);
        return -1;
    }
    if (!(secret = findElement(node, "secret", NULL))) {
        reportXML("pool XML: <source><auth> has no <secret>");
        return -1;
    }
    if (getProp(secret, "type", &auth->secret_type) < 0 || getProp(secret, "uuid", &uuid) < 0 ||
        getProp(secret, "usage", &auth->secret_usage) < 0)
        return -1;
    if (!uuid == !auth->secret_usage) {
        reportXML(
            "pool XML: <source><auth><secret> needs either uuid=... or usage=..., and not both");
        return -1;
    }
    if (uuid) {
        if (scUUIDParse(uuid, raw) < 0) {
            reportXML("pool XML: <source><auth><secret uuid='%.64s'> is malformed", uuid);
            return -1;
        }
        if (!(auth->secret_uuid = scAlloc(SC_UUID_STRING_BUFLEN)))
            return -1;
        scUUIDFormat(raw, auth->secret_uuid);
    }
    if (auth->type == SC_AUTH_NONE) {
        reportXML("pool XML: <source><auth> needs type='chap' or type='ceph'");
        return -1;
    }
    return 0;
}

static int
parseFormat(xmlNodePtr src, scPoolDef *def)
{
    const PoolTypeInfo *ti = &pool_types[def->type];
    _cleanup_free_ char *type = NULL;
    int i;

    if (!ti->formats)
        return 0;
    if (getPathAttr(src, "format", "type", &type) < 0)
        return -1;
    if (!type)
        return 0; /* the default is filled in by applyTypeRules() */
    if ((i = formatIndex(ti, type)) < 0) {
        reportXML("pool XML: unknown %s pool format '%.64s' in <source><format type=...>",
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
    const PoolTypeInfo *ti = &pool_types[def->type];
    scPoolSource *s = &def->source;
    const char *format = s->format ? s->format : ti->default_format;

    if (getPathAttr(src, "protocol", "ver", &s->protocol_ver) < 0)
        return -1;
    if (!s->protocol_ver)
        return 0;
    if (ti->formats && formatIndex(ti, format) > 1) {
        reportXML("pool XML: <source><protocol ver=...> does not go with <format type='%s'>",
                  format);
        return -1;
    }
    if (strchr(s->protocol_ver, ',')) {
        reportXML("pool XML: <source><protocol ver='%.64s'> must not contain ','", s->protocol_ver);
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

    if (getText(src, "name", &s->name) < 0)
        return -1;
    if (def->type == SC_POOL_RBD && !s->name) {
        reportXML("pool XML: missing <source><name>, which pool type 'rbd' requires");
        return -1;
    }
    if (parseFormat(src, def) < 0 || parseHosts(src, s) < 0 ||
        getPathAttr(src, "initiator/iqn", "name", &s->initiator_iqn) < 0 ||
        parseDevices(src, s) < 0 || getPathAttr(src, "dir", "path", &dir) < 0)
        return -1;
    if (dir && !(s->dir = scPathSanitize(dir)))
        return -1;
    if ((node = findElement(src, "adapter", NULL)) && parseAdapter(node, &s->adapter) < 0)
        return -1;
    if ((node = findElement(src, "auth", NULL)) && parseAuth(node, &s->auth) < 0)
        return -1;
    if (parseProtocol(src, def) < 0 || getPathAttr(src, "vendor", "name", &s->vendor) < 0 ||
        getPathAttr(src, "product", "name", &s->product) < 0)
        return -1;
    return 0;
}

/* ---- the rest of <pool> ------------------------------------------------- */

static int
parsePoolType(xmlNodePtr root, scPoolDef *def)
{
    _cleanup_free_ char *type = NULL;
    int t;

    if (getProp(root, "type", &type) < 0)
        return -1;
    if (!type) {
        reportXML("pool XML: missing type in <pool type=...>");
        return -1;
    }
    if ((t = scPoolTypeFromString(type)) < 0) {
        reportXML("pool XML: unknown pool type '%.64s' in <pool type=...>", type);
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

    if (getText(root, "name", &def->name) < 0)
        return -1;
    if (!def->name && (pool_types[def->type].flags & SRC_NAME) && def->source.name &&
        !(def->name = scStrdup(def->source.name)))
        return -1;
    if (!def->name) {
        reportXML("pool XML: missing <name>");
        return -1;
    }
    if (scCheckName("pool", def->name) < 0) {
        _cleanup_free_ char *why = scStrdup(scGetLastErrorMessage());

        reportXML("pool XML: <name>: %s", why ? why : "invalid pool name");
        return -1;
    }
    if (getText(root, "uuid", &uuid) < 0)
        return -1;
    if (!uuid) {
        scUUIDGenerate(def->uuid);
    } else if (scUUIDParse(uuid, def->uuid) < 0) {
        reportXML("pool XML: <uuid> '%.64s' is malformed", uuid);
        return -1;
    }
    return 0;
}

static int
parseFeatures(xmlNodePtr root, scPoolDef *def)
{
    xmlNodePtr cow = findElement(root, "features/cow", NULL);

    if (getTristate(cow, "features><cow", "state", &def->cow) < 0)
        return -1;
    if (def->cow != SC_TRISTATE_ABSENT && def->type != SC_POOL_DIR && def->type != SC_POOL_FS) {
        reportXML("pool XML: <features><cow> is only for dir and fs pools, not '%s'",
                  scPoolTypeToString(def->type));
        return -1;
    }
    return 0;
}

/* libvirt's per-type checks and defaults, in its order. */
static int
applyTypeRules(scPoolDef *def)
{
    const PoolTypeInfo *ti = &pool_types[def->type];
    const char *type = scPoolTypeToString(def->type);
    scPoolSource *s = &def->source;

    if ((ti->flags & SRC_HOST) && s->nhosts == 0) {
        reportXML("pool XML: missing <source><host name=...>, which pool type '%s' requires", type);
        return -1;
    }
    if (def->type == SC_POOL_GLUSTER && !s->dir && !(s->dir = scStrdup("/")))
        return -1;
    if ((ti->flags & SRC_DIR) && !s->dir) {
        reportXML("pool XML: missing <source><dir path=...>, which pool type '%s' requires", type);
        return -1;
    }
    if ((ti->flags & SRC_NAME) && !s->name && !(s->name = scStrdup(def->name)))
        return -1;
    if ((ti->flags & SRC_ADAPTER) && validateAdapter(&s->adapter) < 0)
        return -1;
    if ((ti->flags & SRC_NEED_DEVICE) && s->ndevices == 0) {
        reportXML("pool XML: missing <source><device path=...>, which pool type '%s' requires",
                  type);
        return -1;
    }
    if (ti->formats && !s->format && !(s->format = scStrdup(ti->default_format)))
        return -1;
    return 0;
}

/* A user or group ID: decimal (so "0744" is 744), -1 or 4294967295
 * (how older libvirt printed -1) for "unset". */
static int
parseId(xmlNodePtr perms, const char *name, long long *out)
{
    _cleanup_free_ char *text = NULL;
    long long v;

    *out = -1;
    if (!findElement(perms, name, NULL))
        return 0;
    if (getText(perms, name, &text) < 0)
        return -1;
    if (!parseLL(text, 10, -1, UINT32_MAX, &v)) {
        reportXML("pool XML: <target><permissions><%s> '%.64s' is not a valid ID", name,
                  text ? text : "");
        return -1;
    }
    *out = v == UINT32_MAX ? -1 : v;
    return 0;
}

static int
parsePerms(xmlNodePtr node, scPoolPerms *perms)
{
    _cleanup_free_ char *mode = NULL;

    if (!node)
        return 0;
    if (getText(node, "mode", &mode) < 0)
        return -1;
    if (mode && !parseLL(mode, 8, 0, 0777, &perms->mode)) {
        reportXML("pool XML: <target><permissions><mode> '%.64s' is not an octal mode", mode);
        return -1;
    }
    if (parseId(node, "owner", &perms->uid) < 0 || parseId(node, "group", &perms->gid) < 0)
        return -1;
    return getText(node, "label", &perms->label);
}

/* The target path (computed for logical and zfs pools) and permissions;
 * network pools have no target. */
static int
parseTarget(xmlNodePtr root, scPoolDef *def)
{
    _cleanup_free_ char *path = NULL;

    if (pool_types[def->type].flags & SRC_NETWORK)
        return 0;
    if (def->type == SC_POOL_LOGICAL) {
        path = scAsprintf("/dev/%s", def->source.name);
    } else if (def->type == SC_POOL_ZFS) {
        path = scAsprintf("/dev/zvol/%s", def->source.name);
    } else {
        if (getText(root, "target/path", &path) < 0)
            return -1;
        if (!path) {
            reportXML("pool XML: missing <target><path>");
            return -1;
        }
    }
    if (!path || !(def->target_path = scPathSanitize(path)))
        return -1;
    return parsePerms(findElement(root, "target/permissions", NULL), &def->perms);
}

static int
parseRefresh(xmlNodePtr root, scPoolDef *def)
{
    _cleanup_free_ char *allocation = NULL;

    if (getPathAttr(root, "refresh/volume", "allocation", &allocation) < 0)
        return -1;
    if (!allocation)
        return 0;
    if (strcmp(allocation, "capacity") == 0) {
        def->refresh_alloc_capacity = true;
    } else if (strcmp(allocation, "default") != 0) {
        reportXML("pool XML: <refresh><volume allocation='%.64s'> must be 'default' or 'capacity'",
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
    if (getProp(node, "name", &opt->name) < 0)
        return -1;
    if (!opt->name || (ns->has_value && !opt->name[0])) {
        reportXML("pool XML: <%s:option> has no name", ns->prefix);
        return -1;
    }
    if (!ns->has_value)
        return 0;
    if (getProp(node, "value", &opt->value) < 0)
        return -1;
    if (!opt->value || !opt->value[0]) {
        reportXML("pool XML: <%s:option name='%.64s'> has no value", ns->prefix, opt->name);
        return -1;
    }
    return 0;
}

/* The options of the type's backend namespace, matched by namespace URI
 * whatever prefix the document gave it. */
static int
parseNamespace(xmlNodePtr root, scPoolDef *def)
{
    const PoolNamespace *ns = pool_types[def->type].ns;
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
    unsigned int flags = pool_types[def->type].flags;
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
    xmlNodePtr src = findElement(root, "source", NULL);

    if (parsePoolType(root, def) < 0)
        return -1;
    if (src && parseSource(src, def) < 0)
        return -1;
    if (parseIdentity(root, def) < 0 || parseFeatures(root, def) < 0 || applyTypeRules(def) < 0 ||
        parseTarget(root, def) < 0)
        return -1;
    if ((pool_types[def->type].flags & SRC_NEED_IQN) && !def->source.initiator_iqn) {
        reportXML(
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
    _cleanup_(freeDocp) xmlDocPtr doc = NULL;
    _cleanup_(scPoolDefFreep) scPoolDef *def = NULL;
    xmlNodePtr root;

    if (!xml) {
        scReportError(SC_FROM_XML, SC_ERR_INVALID_ARG, "pool XML: no document given");
        return NULL;
    }
    if (!(doc = readDocument(xml)))
        return NULL;
    root = xmlDocGetRootElement(doc);
    if (!root || !xmlStrEqual(root->name, (const xmlChar *) "pool")) {
        reportXML("pool XML: root element is <%.64s>, expected <pool>",
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

/* ---- formatting --------------------------------------------------------- */

typedef struct {
    char *s;    /* the text so far, NUL-terminated */
    size_t len; /* its length */
    size_t cap; /* bytes allocated */
    int indent; /* spaces before each line */
    bool oom;   /* an allocation failed; nothing more is added */
} Buf;

static bool
bufGrow(Buf *b, size_t n)
{
    size_t cap = b->cap ? b->cap : 1024;
    char *s;

    if (b->oom)
        return false;
    if (n < b->cap - b->len)
        return true;
    while (cap - b->len <= n) {
        if (cap > SIZE_MAX / 2) {
            b->oom = true;
            return false;
        }
        cap *= 2;
    }
    if (!(s = realloc(b->s, cap))) {
        b->oom = true;
        return false;
    }
    b->s = s;
    b->cap = cap;
    return true;
}

static void
bufRaw(Buf *b, const char *s, size_t n)
{
    if (!bufGrow(b, n))
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

/* Indent when at the start of a line. Like libvirt's buffer, only each
 * call's start is indented, never a newline inside a value. */
static void
bufIndent(Buf *b)
{
    if ((b->len == 0 || b->s[b->len - 1] == '\n') && b->indent > 0 && bufGrow(b, b->indent)) {
        memset(b->s + b->len, ' ', b->indent);
        b->len += b->indent;
        b->s[b->len] = '\0';
    }
}

static void bufAdd(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
bufAdd(Buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    bufIndent(b);
    if (n < 0 || (size_t) n >= sizeof(small)) {
        b->oom = true; /* only short fixed texts come here; values are escaped */
        return;
    }
    bufRaw(b, small, n);
}

/* What byte @c becomes in XML text, or in a single-quoted attribute when
 * @attr: NULL to keep it as it is, "" to drop it. Quotes are escaped as
 * libvirt does; control characters XML cannot carry are dropped, as libvirt
 * does; tab and newline in attributes, and carriage return anywhere, are
 * character references, since a parser would otherwise normalize them. */
static const char *
escapeChar(unsigned char c, bool attr)
{
    switch (c) {
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '&':
        return "&amp;";
    case '\'':
        return "&apos;";
    case '"':
        return "&quot;";
    case '\r':
        return "&#13;";
    case '\t':
        return attr ? "&#9;" : NULL;
    case '\n':
        return attr ? "&#10;" : NULL;
    default:
        return c < 0x20 ? "" : NULL;
    }
}

static void
bufEscape(Buf *b, const char *s, bool attr)
{
    const char *run = s;
    const char *p;

    for (p = s; *p; p++) {
        const char *rep = escapeChar((unsigned char) *p, attr);

        if (!rep)
            continue;
        bufRaw(b, run, p - run);
        bufRaw(b, rep, strlen(rep));
        run = p + 1;
    }
    bufRaw(b, run, p - run);
}

/* <elem>text</elem>, when @text is set. The closing tag is appended raw:
 * a text ending in a newline must not get indentation after it. */
static void
bufElem(Buf *b, const char *elem, const char *text)
{
    if (!text)
        return;
    bufAdd(b, "<%s>", elem);
    bufEscape(b, text, false);
    bufRaw(b, "</", 2);
    bufRaw(b, elem, strlen(elem));
    bufRaw(b, ">\n", 2);
}

/* " attr='value'" within a tag, when @value is set. */
static void
bufAttr(Buf *b, const char *attr, const char *value)
{
    if (!value)
        return;
    bufAdd(b, " %s='", attr);
    bufEscape(b, value, true);
    bufRaw(b, "'", 1);
}

static void
formatAdapter(Buf *b, const scPoolAdapter *a)
{
    if (a->type == SC_ADAPTER_FC_HOST) {
        bufAdd(b, "<adapter type='fc_host'");
        bufAttr(b, "parent", a->parent);
        bufAttr(b, "parent_wwnn", a->parent_wwnn);
        bufAttr(b, "parent_wwpn", a->parent_wwpn);
        bufAttr(b, "parent_fabric_wwn", a->parent_fabric_wwn);
        if (a->managed != SC_TRISTATE_ABSENT)
            bufAdd(b, " managed='%s'", tristateToString(a->managed));
        bufAttr(b, "wwnn", a->wwnn);
        bufAttr(b, "wwpn", a->wwpn);
        bufAdd(b, "/>\n");
        return;
    }
    bufAdd(b, "<adapter type='scsi_host'");
    if (a->name) {
        bufAttr(b, "name", a->name);
        bufAdd(b, "/>\n");
        return;
    }
    bufAdd(b, ">\n");
    b->indent += 2;
    bufAdd(b, "<parentaddr unique_id='%d'>\n", a->unique_id);
    b->indent += 2;
    bufAdd(b, "<address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%u'/>\n",
           a->addr_domain, a->addr_bus, a->addr_slot, a->addr_function);
    b->indent -= 2;
    bufAdd(b, "</parentaddr>\n");
    b->indent -= 2;
    bufAdd(b, "</adapter>\n");
}

static void
formatAuth(Buf *b, const scPoolAuth *auth)
{
    bufAdd(b, "<auth type='%s'", auth->type == SC_AUTH_CHAP ? "chap" : "ceph");
    bufAttr(b, "username", auth->username);
    bufAdd(b, ">\n");
    b->indent += 2;
    bufAdd(b, "<secret");
    bufAttr(b, "type", auth->secret_type);
    if (auth->secret_uuid)
        bufAttr(b, "uuid", auth->secret_uuid);
    else
        bufAttr(b, "usage", auth->secret_usage);
    bufAdd(b, "/>\n");
    b->indent -= 2;
    bufAdd(b, "</auth>\n");
}

/* <source>, its children in libvirt's order, each only where the type has it. */
static void
formatSource(Buf *b, const scPoolDef *def)
{
    const PoolTypeInfo *ti = &pool_types[def->type];
    const scPoolSource *s = &def->source;

    bufAdd(b, "<source>\n");
    b->indent += 2;
    for (size_t i = 0; (ti->flags & SRC_HOST) && i < s->nhosts; i++) {
        bufAdd(b, "<host");
        bufAttr(b, "name", s->hosts[i].name);
        if (s->hosts[i].port)
            bufAdd(b, " port='%d'", s->hosts[i].port);
        bufAdd(b, "/>\n");
    }
    for (size_t i = 0; (ti->flags & SRC_DEVICE) && i < s->ndevices; i++) {
        bufAdd(b, "<device");
        bufAttr(b, "path", s->devices[i].path);
        if (s->devices[i].part_separator != SC_TRISTATE_ABSENT)
            bufAdd(b, " part_separator='%s'", tristateToString(s->devices[i].part_separator));
        bufAdd(b, "/>\n");
    }
    if ((ti->flags & SRC_DIR) && s->dir) {
        bufAdd(b, "<dir");
        bufAttr(b, "path", s->dir);
        bufAdd(b, "/>\n");
    }
    if ((ti->flags & SRC_ADAPTER) && s->adapter.type != SC_ADAPTER_NONE)
        formatAdapter(b, &s->adapter);
    if (ti->flags & SRC_NAME)
        bufElem(b, "name", s->name);
    if ((ti->flags & SRC_IQN) && s->initiator_iqn) {
        bufAdd(b, "<initiator>\n");
        b->indent += 2;
        bufAdd(b, "<iqn");
        bufAttr(b, "name", s->initiator_iqn);
        bufAdd(b, "/>\n");
        b->indent -= 2;
        bufAdd(b, "</initiator>\n");
    }
    if (ti->formats) {
        bufAdd(b, "<format");
        bufAttr(b, "type", s->format ? s->format : ti->default_format);
        bufAdd(b, "/>\n");
    }
    if (s->auth.type != SC_AUTH_NONE)
        formatAuth(b, &s->auth);
    if (s->protocol_ver) {
        bufAdd(b, "<protocol");
        bufAttr(b, "ver", s->protocol_ver);
        bufAdd(b, "/>\n");
    }
    if (s->vendor) {
        bufAdd(b, "<vendor");
        bufAttr(b, "name", s->vendor);
        bufAdd(b, "/>\n");
    }
    if (s->product) {
        bufAdd(b, "<product");
        bufAttr(b, "name", s->product);
        bufAdd(b, "/>\n");
    }
    b->indent -= 2;
    bufAdd(b, "</source>\n");
}

/* <target>: the path and, when anything in them is set, the permissions. */
static void
formatTarget(Buf *b, const scPoolDef *def)
{
    const scPoolPerms *p = &def->perms;

    bufAdd(b, "<target>\n");
    b->indent += 2;
    bufElem(b, "path", def->target_path);
    if (p->mode != -1 || p->uid != -1 || p->gid != -1 || p->label) {
        bufAdd(b, "<permissions>\n");
        b->indent += 2;
        if (p->mode != -1)
            bufAdd(b, "<mode>0%llo</mode>\n", (unsigned long long) p->mode);
        if (p->uid != -1)
            bufAdd(b, "<owner>%lld</owner>\n", p->uid);
        if (p->gid != -1)
            bufAdd(b, "<group>%lld</group>\n", p->gid);
        bufElem(b, "label", p->label);
        b->indent -= 2;
        bufAdd(b, "</permissions>\n");
    }
    b->indent -= 2;
    bufAdd(b, "</target>\n");
}

/* <refresh> and the backend namespace's options, after <target>. */
static void
formatExtras(Buf *b, const scPoolDef *def, const PoolNamespace *ns)
{
    if (def->has_refresh) {
        bufAdd(b, "<refresh>\n");
        b->indent += 2;
        bufAdd(b, "<volume allocation='%s'/>\n",
               def->refresh_alloc_capacity ? "capacity" : "default");
        b->indent -= 2;
        bufAdd(b, "</refresh>\n");
    }
    if (!ns || def->nns_options == 0)
        return;
    bufAdd(b, "<%s:%s>\n", ns->prefix, ns->container);
    b->indent += 2;
    for (size_t i = 0; i < def->nns_options; i++) {
        bufAdd(b, "<%s:option", ns->prefix);
        bufAttr(b, "name", def->ns_options[i].name);
        if (ns->has_value)
            bufAttr(b, "value", def->ns_options[i].value);
        bufAdd(b, "/>\n");
    }
    b->indent -= 2;
    bufAdd(b, "</%s:%s>\n", ns->prefix, ns->container);
}

char *
scPoolDefFormat(const scPoolDef *def, const scStoragePoolInfo *info)
{
    char uuid[SC_UUID_STRING_BUFLEN];
    const PoolNamespace *ns;
    Buf b = { 0 };

    if (!def || (unsigned int) def->type >= SC_POOL_TYPE_LAST) {
        scReportError(SC_FROM_XML, SC_ERR_INTERNAL_ERROR, "pool definition of unknown type %d",
                      def ? (int) def->type : -1);
        return NULL;
    }
    ns = def->nns_options ? pool_types[def->type].ns : NULL;
    bufAdd(&b, "<pool type='%s'", scPoolTypeToString(def->type));
    if (ns)
        bufAdd(&b, " xmlns:%s='%s'", ns->prefix, ns->uri);
    bufAdd(&b, ">\n");
    b.indent = 2;
    bufElem(&b, "name", def->name);
    scUUIDFormat(def->uuid, uuid);
    bufAdd(&b, "<uuid>%s</uuid>\n", uuid);
    bufAdd(&b, "<capacity unit='bytes'>%llu</capacity>\n", info ? info->capacity : 0);
    bufAdd(&b, "<allocation unit='bytes'>%llu</allocation>\n", info ? info->allocation : 0);
    bufAdd(&b, "<available unit='bytes'>%llu</available>\n", info ? info->available : 0);
    if (def->cow != SC_TRISTATE_ABSENT) {
        bufAdd(&b, "<features>\n");
        bufAdd(&b, "  <cow state='%s'/>\n", tristateToString(def->cow));
        bufAdd(&b, "</features>\n");
    }
    formatSource(&b, def);
    if (!(pool_types[def->type].flags & SRC_NETWORK))
        formatTarget(&b, def);
    formatExtras(&b, def, ns);
    b.indent = 0;
    bufAdd(&b, "</pool>\n");
    if (b.oom) {
        free(b.s);
        scReportOOM();
        return NULL;
    }
    return b.s;
}
