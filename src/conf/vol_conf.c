/*
 * vol_conf.c: libvirt's storage volume XML, read into an scVolDef in the
 * context of its pool and written back byte for byte as libvirt writes it.
 *
 * The rules are libvirt's (src/conf/storage_conf.c and
 * storage_encryption_conf.c), checked against libvirt's own test vectors
 * by tests/test_vol_xml.c. The pool type decides the volume formats: file
 * formats for dir, fs, netfs, gluster, vstorage and rbd pools (default
 * raw), partition types for disk pools (default none), and no <format> at
 * all for the others. What libvirt reads but never prints is dropped:
 * <source> extents, <timestamps> (storcat fills them from stat() instead)
 * and <nocow/>. Sizes are printed in bytes. What libvirt prints but never
 * reads, storcat fills from what its backends found: <physical> and the
 * <source> extents (from the volume's "extent.N" attributes).
 *
 * The document reader, the lookups and the output buffer are src/xml.c's.
 */
#include <config.h>

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <strings.h>

#include "util/util.h"
#include "vol_conf.h"
#include "xml.h"

SC_ENUM_IMPL(scStorageVolType, SC_STORAGE_VOL_LAST, "file", "block", "dir", "network",
             "netdir", "ploop")

/* libvirt's virStorageFileFormat names, without "none", which it refuses
 * for a volume; the first is the default. */
static const char *const file_formats[] = { "raw",  "dir",   "bochs", "cloop", "dmg",   "iso",
                                            "vpc",  "vdi",   "fat",   "vhd",   "ploop", "cow",
                                            "qcow", "qcow2", "qed",   "vmdk",  NULL };
/* libvirt's virStorageVolFormatDisk names (partition types). */
static const char *const disk_formats[] = { "none",       "linux",      "fat16",
                                            "fat32",      "linux-swap", "linux-lvm",
                                            "linux-raid", "extended",   NULL };
static const char *const encryption_formats[] = { "default", "qcow", "luks", "luks2", NULL };
static const char *const encryption_engines[] = { "qemu", "librbd", NULL };

/* The volume formats of a pool type, default first; NULL when its volumes
 * have no <format> (libvirt's volOptions without formatToString). */
const char *const *
scVolFormats(scPoolType type)
{
    switch (type) {
    case SC_POOL_DIR:
    case SC_POOL_FS:
    case SC_POOL_NETFS:
    case SC_POOL_RBD:
    case SC_POOL_GLUSTER:
    case SC_POOL_VSTORAGE:
        return file_formats;
    case SC_POOL_DISK:
        return disk_formats;
    default:
        return NULL;
    }
}

/* The entry of NULL-terminated @table equal to @name, or NULL. */
static const char *
lookup(const char *const *table, const char *name)
{
    for (size_t i = 0; table[i]; i++)
        if (strcmp(table[i], name) == 0)
            return table[i];
    return NULL;
}

/* ---- sizes ---------------------------------------------------------------- */

/* The multiplier of a libvirt size unit (case-insensitive, as libvirt's
 * virScaleInteger): none, b, byte, bytes: 1; k, m, g, t, p, e alone or
 * followed by "iB": powers of 1024; followed by "B": powers of 1000.
 * 0 for an unknown unit. */
static unsigned long long
unitScale(const char *unit)
{
    static const char powers[] = "kmgtpe";
    const char *power;
    unsigned long long base;
    unsigned long long scale = 1;

    if (!unit || !*unit || strcasecmp(unit, "b") == 0 || strcasecmp(unit, "byte") == 0 ||
        strcasecmp(unit, "bytes") == 0)
        return 1;
    if (!unit[1] || strcasecmp(unit + 1, "iB") == 0)
        base = 1024;
    else if (tolower((unsigned char) unit[1]) == 'b' && !unit[2])
        base = 1000;
    else
        return 0;
    if (!(power = strchr(powers, tolower((unsigned char) unit[0]))))
        return 0;
    for (const char *p = powers; p <= power; p++)
        scale *= base;
    return scale;
}

/* scParseScaledSize with the error's domain and code and the largest value
 * allowed as arguments. */
static int
scaleSize(int domain, int code, const char *what, const char *number, const char *unit,
          unsigned long long limit, unsigned long long *bytes)
{
    unsigned long long value;
    unsigned long long scale;
    char *end;

    if (!number || strchr(number, '-')) {
        scReportError(domain, code, "%s: '%.64s' is not a non-negative integer", what,
                      number ? number : "");
        return -1;
    }
    errno = 0;
    value = strtoull(number, &end, 10);
    if (end == number || *end || (errno && errno != ERANGE)) {
        scReportError(domain, code, "%s: '%.64s' is not a non-negative integer", what, number);
        return -1;
    }
    if (!(scale = unitScale(unit))) {
        scReportError(domain, code, "%s: unknown unit '%.64s'", what, unit);
        return -1;
    }
    if (errno == ERANGE || value > limit / scale) {
        scReportError(domain, code, "%s: '%.64s%s%.64s' is too large: the limit is %llu bytes",
                      what, number, unit && *unit ? " " : "", unit ? unit : "", limit);
        return -1;
    }
    *bytes = value * scale;
    return 0;
}

int
scParseScaledSize(const char *what, const char *number, const char *unit, unsigned long long *bytes)
{
    return scaleSize(SC_FROM_NONE, SC_ERR_INVALID_ARG, what, number, unit, LLONG_MAX, bytes);
}

/* The size in element @path of @root and its unit= attribute, if there is
 * one: @present tells. At most @limit bytes. */
static int
parseSize(xmlNodePtr root, const char *path, const char *what, unsigned long long limit,
          bool *present, unsigned long long *out)
{
    _cleanup_free_ char *text = NULL;
    _cleanup_free_ char *unit = NULL;

    if (scXmlGetText(root, path, &text) < 0 || scXmlGetPathAttr(root, path, "unit", &unit) < 0)
        return -1;
    *present = text != NULL;
    if (!text)
        return 0;
    return scaleSize(SC_FROM_STORAGE, SC_ERR_XML_ERROR, what, text, unit, limit, out);
}

/* ---- freeing ---------------------------------------------------------------- */

static void
encryptionFree(scVolEncryption *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->nsecrets; i++) {
        free(e->secrets[i].type);
        free(e->secrets[i].uuid);
        free(e->secrets[i].usage);
    }
    free(e->secrets);
    free(e->format);
    free(e->engine);
    free(e->cipher_name);
    free(e->cipher_mode);
    free(e->cipher_hash);
    free(e->ivgen_name);
    free(e->ivgen_hash);
    free(e);
}
SC_DEFINE_CLEANUP(scVolEncryption, encryptionFree)

void
scVolDefClearExtents(scVolDef *def)
{
    for (size_t i = 0; i < def->nextents; i++)
        free(def->extents[i].path);
    free(def->extents);
    def->extents = NULL;
    def->nextents = 0;
}

void
scVolDefFree(scVolDef *def)
{
    if (!def)
        return;
    scVolDefClearExtents(def);
    free(def->name);
    free(def->key);
    free(def->target_path);
    free(def->format);
    free(def->perms.label);
    free(def->compat);
    encryptionFree(def->encryption);
    free(def->backing_path);
    free(def->backing_format);
    free(def->backing_perms.label);
    free(def);
}

/* ---- extents -------------------------------------------------------------- */

/* A decimal number at *@p, only digits, followed by @after (moved past
 * both). False if there is none, or it overflows. */
static bool
extentNumber(const char **p, unsigned long long *v, char after)
{
    char *end;

    if (!isdigit((unsigned char) **p))
        return false;
    errno = 0;
    *v = strtoull(*p, &end, 10);
    if (errno || *end != after)
        return false;
    *p = after ? end + 1 : end;
    return true;
}

char *
scVolExtentFormat(const char *path, unsigned long long start, unsigned long long end)
{
    return scAsprintf("%llu %llu %s", start, end, path);
}

int
scVolDefAddExtentAttr(scVolDef *def, const char *name, const char *value)
{
    const size_t plen = strlen(SC_ATTR_EXTENT_PREFIX);
    unsigned long long index, start, end;
    const char *p = value;
    scVolExtent *e;
    size_t at;

    if (strncmp(name, SC_ATTR_EXTENT_PREFIX, plen) != 0)
        return 0;
    p = name + plen;
    if (!extentNumber(&p, &index, '\0') || index >= SC_VOL_EXTENTS_MAX || !(p = value) ||
        !extentNumber(&p, &start, ' ') || !extentNumber(&p, &end, ' ') || !*p || end < start) {
        scReportError(SC_FROM_CATALOG, SC_ERR_INTERNAL_ERROR,
                      "volume '%s': malformed extent attribute '%s' = '%s'",
                      def->name ? def->name : "", name, value ? value : "");
        return -1;
    }
    if (!(e = reallocarray(def->extents, def->nextents + 1, sizeof(*e)))) {
        scReportOOM();
        return -1;
    }
    def->extents = e;
    /* In the order of the numbers ("extent.10" sorts before "extent.2"). */
    for (at = def->nextents; at > 0 && e[at - 1].index > index; at--)
        ;
    memmove(e + at + 1, e + at, (def->nextents - at) * sizeof(*e));
    e[at] = (scVolExtent){ .path = scStrdup(p), .start = start, .end = end,
                           .index = (unsigned int) index };
    def->nextents++;
    return e[at].path ? 1 : -1;
}

/* ---- <encryption> ------------------------------------------------------------ */

static int
parseSecret(xmlNodePtr node, scVolSecret *secret)
{
    _cleanup_free_ char *uuid = NULL;
    unsigned char raw[SC_UUID_BUFLEN];

    if (scXmlGetPropNonEmpty(node, "type", &secret->type) < 0 ||
        scXmlGetProp(node, "uuid", &uuid) < 0 || scXmlGetProp(node, "usage", &secret->usage) < 0)
        return -1;
    if (!secret->type) {
        scXmlReportError("volume XML: missing type in <encryption><secret type=...>");
        return -1;
    }
    if (strcmp(secret->type, "passphrase") != 0) {
        scXmlReportError("volume XML: unknown secret type '%.64s' in <encryption><secret type=...>",
                         secret->type);
        return -1;
    }
    if (!uuid == !secret->usage) {
        scXmlReportError(
            "volume XML: <encryption><secret> needs either uuid=... or usage=..., and not both");
        return -1;
    }
    if (!uuid)
        return 0;
    if (scUUIDParse(uuid, raw) < 0) {
        scXmlReportError("volume XML: <encryption><secret uuid='%.64s'> is malformed", uuid);
        return -1;
    }
    if (!(secret->uuid = scAlloc(SC_UUID_STRING_BUFLEN)))
        return -1;
    scUUIDFormat(raw, secret->uuid);
    return 0;
}

/* LUKS's <cipher> and <ivgen>: the first of each. */
static int
parseCipher(xmlNodePtr node, scVolEncryption *e)
{
    xmlNodePtr cipher = scXmlFindElement(node, "cipher", NULL);
    xmlNodePtr ivgen = scXmlFindElement(node, "ivgen", NULL);
    _cleanup_free_ char *size = NULL;

    if (cipher) {
        if (scXmlGetProp(cipher, "name", &e->cipher_name) < 0 ||
            scXmlGetProp(cipher, "size", &size) < 0 ||
            scXmlGetProp(cipher, "mode", &e->cipher_mode) < 0 ||
            scXmlGetProp(cipher, "hash", &e->cipher_hash) < 0)
            return -1;
        if (!e->cipher_name) {
            scXmlReportError("volume XML: <encryption><cipher> has no name");
            return -1;
        }
        if (!scXmlParseUInt(size, 10, &e->cipher_size)) {
            scXmlReportError(
                "volume XML: <encryption><cipher size='%.64s'> is missing or not a number",
                size ? size : "");
            return -1;
        }
    }
    if (!ivgen)
        return 0;
    if (!e->cipher_name) {
        scXmlReportError("volume XML: <encryption><ivgen> needs a <cipher>");
        return -1;
    }
    if (scXmlGetProp(ivgen, "name", &e->ivgen_name) < 0 ||
        scXmlGetProp(ivgen, "hash", &e->ivgen_hash) < 0)
        return -1;
    if (!e->ivgen_name) {
        scXmlReportError("volume XML: <encryption><ivgen> has no name");
        return -1;
    }
    return 0;
}

static int
parseEncryption(xmlNodePtr node, scVolEncryption **out)
{
    _cleanup_(encryptionFreep) scVolEncryption *e = scAlloc(sizeof(*e));
    size_t n;

    if (!e || scXmlGetPropNonEmpty(node, "format", &e->format) < 0 ||
        scXmlGetProp(node, "engine", &e->engine) < 0)
        return -1;
    if (!e->format) {
        scXmlReportError("volume XML: missing format in <encryption format=...>");
        return -1;
    }
    if (!lookup(encryption_formats, e->format)) {
        scXmlReportError("volume XML: unknown encryption format '%.64s' in <encryption format=...>",
                         e->format);
        return -1;
    }
    if (e->engine && !lookup(encryption_engines, e->engine)) {
        scXmlReportError("volume XML: unknown encryption engine '%.64s' in <encryption engine=...>",
                         e->engine);
        return -1;
    }
    if ((n = scXmlCountChildren(node, "secret")) > 0 &&
        !(e->secrets = scAlloc(n * sizeof(*e->secrets))))
        return -1;
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (scXmlIsElement(c, "secret") && parseSecret(c, &e->secrets[e->nsecrets++]) < 0)
            return -1;
    }
    if (strcmp(e->format, "luks") == 0 && parseCipher(node, e) < 0)
        return -1;
    *out = TAKE_PTR(e);
    return 0;
}

/* ---- the rest of <volume> ------------------------------------------------------ */

/* The name (which scCheckName refuses is re-reported as an XML error), the
 * key and the type. A '/' is the one thing scCheckName refuses that the
 * parser takes, as libvirt's: creating the volume refuses it, in libvirt's
 * words (the other checks see it as any other character). */
static int
parseIdentity(xmlNodePtr root, scVolDef *def)
{
    _cleanup_free_ char *type = NULL;
    _cleanup_free_ char *checked = NULL;
    int t = SC_STORAGE_VOL_FILE;

    if (scXmlGetText(root, "name", &def->name) < 0)
        return -1;
    if (!def->name) {
        scXmlReportError("volume XML: missing <name>");
        return -1;
    }
    if (!(checked = scStrdup(def->name)))
        return -1;
    for (char *p = checked; (p = strchr(p, '/')); p++)
        *p = '_';
    if (scCheckName("volume", checked) < 0) {
        _cleanup_free_ char *why = scStrdup(scGetLastErrorDetail());

        scXmlReportError("volume XML: <name>: %s", why ? why : "invalid volume name");
        return -1;
    }
    if (scXmlGetText(root, "key", &def->key) < 0 || scXmlGetPropNonEmpty(root, "type", &type) < 0)
        return -1;
    if (type && (t = scStorageVolTypeFromString(type)) < 0) {
        scXmlReportError("volume XML: unknown volume type '%.64s' in <volume type=...>", type);
        return -1;
    }
    def->type = t;
    return 0;
}

/* <@parent><format type=...>, one of @formats; the default when absent.
 * Nothing when the pool type has no volume formats. */
static int
parseFormat(xmlNodePtr root, const char *parent, const char *const *formats, char **out)
{
    _cleanup_free_ char *type = NULL;
    char path[32];
    const char *name;

    if (!formats)
        return 0;
    snprintf(path, sizeof(path), "%s/format", parent);
    if (scXmlGetPathAttr(root, path, "type", &type) < 0)
        return -1;
    /* libvirt's code and words, for <target> and <backingStore> alike. */
    if (!(name = type ? lookup(formats, type) : formats[0])) {
        scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                      "unknown volume format type %.64s", type);
        return -1;
    }
    *out = scStrdup(name);
    return *out ? 0 : -1;
}

/* A qcow2 compatibility level is two numbers and a dot, like "1.1", and
 * short: it goes into qemu-img's options. */
static int
checkCompat(const char *compat)
{
    size_t major = compat ? strspn(compat, "0123456789") : 0;

    if (!compat || (major > 0 && compat[major] == '.' && compat[major + 1] &&
                    !compat[major + 1 + strspn(compat + major + 1, "0123456789")] &&
                    strlen(compat) <= 16))
        return 0;
    scXmlReportError("volume XML: <target><compat> '%.64s' is not a version like '1.1'", compat);
    return -1;
}

/* Every element child of every <target><features>: libvirt's XPath
 * selects them all, whatever their namespace. */
static int
parseFeatures(xmlNodePtr root, scVolDef *def)
{
    if (!scXmlFindElement(root, "target/features", NULL))
        return 0;
    def->has_features = true;
    if (!def->compat && !(def->compat = scStrdup("1.1")))
        return -1;
    for (xmlNodePtr t = root->children; t; t = t->next) {
        for (xmlNodePtr f = scXmlIsElement(t, "target") ? t->children : NULL; f; f = f->next) {
            for (xmlNodePtr c = scXmlIsElement(f, "features") ? f->children : NULL; c;
                 c = c->next) {
                if (c->type != XML_ELEMENT_NODE)
                    continue;
                if (xmlStrEqual(c->name, (const xmlChar *) "lazy_refcounts")) {
                    def->lazy_refcounts = true;
                } else if (xmlStrEqual(c->name, (const xmlChar *) "extended_l2")) {
                    def->extended_l2 = true;
                } else {
                    /* libvirt's code and words. */
                    scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                                  "unsupported feature %.64s", (const char *) c->name);
                    return -1;
                }
            }
        }
    }
    return 0;
}

static int
parseTarget(xmlNodePtr root, scVolDef *def, const char *const *formats, const char *pool_type)
{
    xmlNodePtr node;
    bool has_cluster;

    if (scXmlGetText(root, "target/path", &def->target_path) < 0 ||
        parseFormat(root, "target", formats, &def->format) < 0 ||
        scXmlParsePerms(scXmlFindElement(root, "target/permissions", NULL), "volume XML", "target",
                        &def->perms) < 0)
        return -1;
    if ((node = scXmlFindElement(root, "target/encryption", NULL)) &&
        parseEncryption(node, &def->encryption) < 0)
        return -1;
    if (scXmlGetText(root, "target/compat", &def->compat) < 0 || checkCompat(def->compat) < 0)
        return -1;
    def->nocow = scXmlFindElement(root, "target/nocow", NULL) != NULL;
    if (parseSize(root, "target/clusterSize", "volume XML: <target><clusterSize>", ULLONG_MAX,
                  &has_cluster, &def->cluster_size) < 0)
        return -1;
    return parseFeatures(root, def);
}

/* <backingStore>: read only when it has a <path>, as libvirt does. */
static int
parseBacking(xmlNodePtr root, scVolDef *def, const char *const *formats, const char *pool_type)
{
    if (scXmlGetText(root, "backingStore/path", &def->backing_path) < 0)
        return -1;
    if (!def->backing_path)
        return 0;
    if (parseFormat(root, "backingStore", formats, &def->backing_format) < 0)
        return -1;
    return scXmlParsePerms(scXmlFindElement(root, "backingStore/permissions", NULL), "volume XML",
                           "backingStore", &def->backing_perms);
}

static int
parseVolume(xmlNodePtr root, const scPoolDef *pool, unsigned int flags, scVolDef *def)
{
    const char *const *formats = scVolFormats(pool->type);
    const char *pool_type = scPoolTypeToString(pool->type);

    if (parseIdentity(root, def) < 0 || parseBacking(root, def, formats, pool_type) < 0)
        return -1;
    if (parseSize(root, "capacity", "volume XML: <capacity>", LLONG_MAX, &def->has_capacity,
                  &def->capacity) < 0)
        return -1;
    if (!def->has_capacity && !(flags & SC_VOL_XML_PARSE_NO_CAPACITY) &&
        !((flags & SC_VOL_XML_PARSE_OPT_CAPACITY) && def->backing_path)) {
        scXmlReportError("volume XML: missing <capacity>");
        return -1;
    }
    if (parseSize(root, "allocation", "volume XML: <allocation>", LLONG_MAX, &def->has_allocation,
                  &def->allocation) < 0)
        return -1;
    if (!def->has_allocation)
        def->allocation = def->capacity;
    return parseTarget(root, def, formats, pool_type);
}

scVolDef *
scVolDefParseString(const scPoolDef *pool, const char *xml, unsigned int flags)
{
    _cleanup_(scXmlFreeDocp) xmlDocPtr doc = NULL;
    _cleanup_(scVolDefFreep) scVolDef *def = NULL;
    xmlNodePtr root;

    if (scCheckFlags(flags, SC_VOL_XML_PARSE_NO_CAPACITY | SC_VOL_XML_PARSE_OPT_CAPACITY) < 0)
        return NULL;
    if (!xml || !pool || (unsigned int) pool->type >= SC_POOL_TYPE_LAST) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "volume XML: no document or no valid pool given");
        return NULL;
    }
    if (!(doc = scXmlReadDocument(xml, "volume XML", SC_FROM_STORAGE)))
        return NULL;
    root = xmlDocGetRootElement(doc);
    if (!root || !xmlStrEqual(root->name, (const xmlChar *) "volume")) {
        scXmlReportError("volume XML: root element is <%.64s>, expected <volume>",
                         root ? (const char *) root->name : "");
        return NULL;
    }
    if (!(def = scAlloc(sizeof(*def))))
        return NULL;
    def->perms.mode = def->perms.uid = def->perms.gid = -1;
    def->backing_perms.mode = def->backing_perms.uid = def->backing_perms.gid = -1;
    if (parseVolume(root, pool, flags, def) < 0)
        return NULL;
    return TAKE_PTR(def);
}

/* ---- formatting ------------------------------------------------------------------- */

static void
formatEncryption(scXmlBuf *b, const scVolEncryption *e)
{
    scXmlBufAdd(b, "<encryption");
    scXmlBufAttr(b, "format", e->format ? e->format : "default");
    scXmlBufAttr(b, "engine", e->engine);
    scXmlBufAdd(b, ">\n");
    b->indent += 2;
    for (size_t i = 0; i < e->nsecrets; i++) {
        scXmlBufAdd(b, "<secret");
        scXmlBufAttr(b, "type", e->secrets[i].type);
        if (e->secrets[i].uuid)
            scXmlBufAttr(b, "uuid", e->secrets[i].uuid);
        else
            scXmlBufAttr(b, "usage", e->secrets[i].usage);
        scXmlBufAdd(b, "/>\n");
    }
    if (e->format && strcmp(e->format, "luks") == 0 && e->cipher_name) {
        scXmlBufAdd(b, "<cipher");
        scXmlBufAttr(b, "name", e->cipher_name);
        scXmlBufAdd(b, " size='%u'", e->cipher_size);
        scXmlBufAttr(b, "mode", e->cipher_mode);
        scXmlBufAttr(b, "hash", e->cipher_hash);
        scXmlBufAdd(b, "/>\n");
        if (e->ivgen_name) {
            scXmlBufAdd(b, "<ivgen");
            scXmlBufAttr(b, "name", e->ivgen_name);
            scXmlBufAttr(b, "hash", e->ivgen_hash);
            scXmlBufAdd(b, "/>\n");
        }
    }
    b->indent -= 2;
    scXmlBufAdd(b, "</encryption>\n");
}

/* libvirt's seconds[.nanoseconds], the fraction only when not zero. */
static void
formatTimestamp(scXmlBuf *b, const char *name, const struct timespec *ts)
{
    if (ts->tv_nsec < 0)
        return;
    scXmlBufAdd(b, "<%s>%llu", name, (unsigned long long) ts->tv_sec);
    if (ts->tv_nsec)
        scXmlBufAdd(b, ".%09ld", (long) ts->tv_nsec);
    scXmlBufAdd(b, "</%s>\n", name);
}

static void
formatTimestamps(scXmlBuf *b, const scVolTimes *t)
{
    if (!t->set)
        return;
    scXmlBufAdd(b, "<timestamps>\n");
    b->indent += 2;
    formatTimestamp(b, "atime", &t->atime);
    formatTimestamp(b, "mtime", &t->mtime);
    formatTimestamp(b, "ctime", &t->ctime);
    formatTimestamp(b, "btime", &t->btime);
    b->indent -= 2;
    scXmlBufAdd(b, "</timestamps>\n");
}

static void
formatFeatures(scXmlBuf *b, const scVolDef *def)
{
    if (!def->lazy_refcounts && !def->extended_l2) {
        scXmlBufAdd(b, "<features/>\n");
        return;
    }
    scXmlBufAdd(b, "<features>\n");
    b->indent += 2;
    if (def->lazy_refcounts)
        scXmlBufAdd(b, "<lazy_refcounts/>\n");
    if (def->extended_l2)
        scXmlBufAdd(b, "<extended_l2/>\n");
    b->indent -= 2;
    scXmlBufAdd(b, "</features>\n");
}

/* <format type=...> where the pool type has volume formats. */
static void
formatFormat(scXmlBuf *b, const char *const *formats, const char *format)
{
    if (!formats)
        return;
    scXmlBufAdd(b, "<format");
    scXmlBufAttr(b, "type", format ? format : formats[0]);
    scXmlBufAdd(b, "/>\n");
}

static void
formatTarget(scXmlBuf *b, const char *const *formats, const scVolDef *def)
{
    scXmlBufAdd(b, "<target>\n");
    b->indent += 2;
    scXmlBufElem(b, "path", def->target_path);
    formatFormat(b, formats, def->format);
    scXmlBufPerms(b, &def->perms);
    formatTimestamps(b, &def->times);
    if (def->encryption)
        formatEncryption(b, def->encryption);
    scXmlBufElem(b, "compat", def->compat);
    if (def->cluster_size > 0)
        scXmlBufAdd(b, "<clusterSize unit='B'>%llu</clusterSize>\n", def->cluster_size);
    if (def->has_features || def->lazy_refcounts || def->extended_l2)
        formatFeatures(b, def);
    b->indent -= 2;
    scXmlBufAdd(b, "</target>\n");
}

/* libvirt's <source>: consecutive extents on one device share a
 * <device>; nothing at all without extents. */
static void
formatSourceExtents(scXmlBuf *b, const scVolDef *def)
{
    const char *dev = NULL;

    if (!def->nextents)
        return;
    scXmlBufAdd(b, "<source>\n");
    b->indent += 2;
    for (size_t i = 0; i < def->nextents; i++) {
        const scVolExtent *e = &def->extents[i];
        if (!dev || strcmp(dev, e->path) != 0) {
            if (dev)
                scXmlBufAdd(b, "</device>\n");
            scXmlBufAdd(b, "<device");
            scXmlBufAttr(b, "path", e->path);
            scXmlBufRaw(b, ">\n", 2);
        }
        scXmlBufAdd(b, "  <extent start='%llu' end='%llu'/>\n", e->start, e->end);
        dev = e->path;
    }
    scXmlBufAdd(b, "</device>\n");
    b->indent -= 2;
    scXmlBufAdd(b, "</source>\n");
}

static void
formatBacking(scXmlBuf *b, const char *const *formats, const scVolDef *def)
{
    scXmlBufAdd(b, "<backingStore>\n");
    b->indent += 2;
    scXmlBufElem(b, "path", def->backing_path);
    formatFormat(b, formats, def->backing_format);
    scXmlBufPerms(b, &def->backing_perms);
    formatTimestamps(b, &def->backing_times);
    b->indent -= 2;
    scXmlBufAdd(b, "</backingStore>\n");
}

char *
scVolDefFormat(const scPoolDef *pool, const scVolDef *def)
{
    const char *const *formats;
    const char *type = def ? scStorageVolTypeToString(def->type) : NULL;
    scXmlBuf b = { 0 };

    if (!pool || (unsigned int) pool->type >= SC_POOL_TYPE_LAST || !type) {
        scReportError(SC_FROM_XML, SC_ERR_INTERNAL_ERROR,
                      "volume definition of unknown type %d, or in a pool of unknown type %d",
                      def ? def->type : -1, pool ? (int) pool->type : -1);
        return NULL;
    }
    formats = scVolFormats(pool->type);
    scXmlBufAdd(&b, "<volume type='%s'>\n", type);
    b.indent = 2;
    scXmlBufElem(&b, "name", def->name);
    scXmlBufElem(&b, "key", def->key);
    formatSourceExtents(&b, def);
    scXmlBufAdd(&b, "<capacity unit='bytes'>%llu</capacity>\n", def->capacity);
    scXmlBufAdd(&b, "<allocation unit='bytes'>%llu</allocation>\n", def->allocation);
    if (def->physical)
        scXmlBufAdd(&b, "<physical unit='bytes'>%llu</physical>\n", def->physical);
    formatTarget(&b, formats, def);
    if (def->backing_path)
        formatBacking(&b, formats, def);
    b.indent = 0;
    scXmlBufAdd(&b, "</volume>\n");
    return scXmlBufFinish(&b);
}
