/*
 * secret_conf.c: libvirt's <secret> XML, read and written as libvirt 9.0's
 * src/conf/secret_conf.c does: ephemeral and private yes/no, an optional
 * <uuid> and <description>, and a <usage type=...> whose child names what
 * the secret is for (an iSCSI <target>, a Ceph or TLS <name>, a <volume>).
 */
#include <config.h>

#include "secret_conf.h"
#include "util/util.h"
#include "xml.h"

SC_ENUM_IMPL(scSecretUsageType, SC_SECRET_USAGE_TYPE_LAST, "none", "volume", "ceph", "iscsi", "tls",
             "vtpm")

/* The element that carries the usage id of each usage type. */
static const char *const usage_elem[SC_SECRET_USAGE_TYPE_LAST] = {
    [SC_SECRET_USAGE_TYPE_VOLUME] = "volume", [SC_SECRET_USAGE_TYPE_CEPH] = "name",
    [SC_SECRET_USAGE_TYPE_ISCSI] = "target",  [SC_SECRET_USAGE_TYPE_TLS] = "name",
    [SC_SECRET_USAGE_TYPE_VTPM] = "name",
};

void
scSecretDefFree(scSecretDef *def)
{
    if (!def)
        return;
    free(def->description);
    free(def->usage_id);
    free(def);
}

/* A yes/no attribute (absent: no). 0 or -1 (reported). */
static int
yes_no(xmlNodePtr root, const char *name, bool *out)
{
    _cleanup_free_ char *v = NULL;

    if (scXmlGetPropNonEmpty(root, name, &v) < 0)
        return -1;
    if (!v || strcmp(v, "no") == 0) {
        *out = false;
    } else if (strcmp(v, "yes") == 0) {
        *out = true;
    } else {
        scReportError(SC_FROM_XML, SC_ERR_XML_ERROR,
                      "secret XML: invalid value '%.64s' of '%s' (yes or no)", v, name);
        return -1;
    }
    return 0;
}

static int
parse_usage(xmlNodePtr usage, scSecretDef *def)
{
    _cleanup_free_ char *type = NULL;
    const char *elem;

    if (scXmlGetPropNonEmpty(usage, "type", &type) < 0)
        return -1;
    if (!type) {
        scReportError(SC_FROM_XML, SC_ERR_XML_ERROR, "secret XML: <usage> has no type");
        return -1;
    }
    if ((def->usage_type = scSecretUsageTypeFromString(type)) < 0) {
        scReportError(SC_FROM_XML, SC_ERR_CONFIG_UNSUPPORTED,
                      "secret XML: unknown secret usage type '%.64s'", type);
        return -1;
    }
    if (!(elem = usage_elem[def->usage_type]))
        return 0;
    if (scXmlGetText(usage, elem, &def->usage_id) < 0)
        return -1;
    if (!def->usage_id) {
        scReportError(SC_FROM_XML, SC_ERR_XML_ERROR,
                      "secret XML: %s usage specified, but <usage><%s> is missing", type, elem);
        return -1;
    }
    return 0;
}

scSecretDef *
scSecretDefParseString(const char *xml)
{
    _cleanup_(scXmlFreeDocp) xmlDocPtr doc = NULL;
    _cleanup_(scSecretDefFreep) scSecretDef *def = NULL;
    _cleanup_free_ char *uuid = NULL;
    xmlNodePtr root, usage;

    if (!xml) {
        scReportError(SC_FROM_XML, SC_ERR_INVALID_ARG, "secret XML: no document");
        return NULL;
    }
    if (!(doc = scXmlReadDocument(xml, "secret XML", SC_FROM_XML)))
        return NULL;
    root = xmlDocGetRootElement(doc);
    if (!root || !scXmlIsElement(root, "secret")) {
        scReportError(SC_FROM_XML, SC_ERR_XML_ERROR,
                      "secret XML: unexpected root element <%.64s>, expecting <secret>",
                      root ? (const char *) root->name : "");
        return NULL;
    }
    if (!(def = scAlloc(sizeof(*def))) || yes_no(root, "ephemeral", &def->ephemeral) < 0 ||
        yes_no(root, "private", &def->private_) < 0 || scXmlGetText(root, "uuid", &uuid) < 0 ||
        scXmlGetText(root, "description", &def->description) < 0)
        return NULL;
    if (!uuid) {
        scUUIDGenerate(def->uuid);
    } else if (scUUIDParse(uuid, def->uuid) < 0) {
        scReportError(SC_FROM_XML, SC_ERR_XML_ERROR, "secret XML: malformed <uuid> '%.64s'", uuid);
        return NULL;
    }
    if ((usage = scXmlFindElement(root, "usage", NULL)) && parse_usage(usage, def) < 0)
        return NULL;
    return TAKE_PTR(def);
}

char *
scSecretDefFormat(const scSecretDef *def)
{
    scXmlBuf b = { 0 };
    char uuid[SC_UUID_STRING_BUFLEN];
    const char *elem = usage_elem[def->usage_type];

    scUUIDFormat(def->uuid, uuid);
    scXmlBufAdd(&b, "<secret ephemeral='%s' private='%s'>\n", def->ephemeral ? "yes" : "no",
                def->private_ ? "yes" : "no");
    b.indent += 2;
    scXmlBufElem(&b, "uuid", uuid);
    scXmlBufElem(&b, "description", def->description);
    if (def->usage_type != SC_SECRET_USAGE_TYPE_NONE) {
        scXmlBufAdd(&b, "<usage type='%s'>\n", scSecretUsageTypeToString(def->usage_type));
        b.indent += 2;
        if (elem)
            scXmlBufElem(&b, elem, def->usage_id);
        b.indent -= 2;
        scXmlBufAdd(&b, "</usage>\n");
    }
    b.indent -= 2;
    scXmlBufAdd(&b, "</secret>\n");
    return scXmlBufFinish(&b);
}
