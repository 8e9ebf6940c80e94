/*
 * pool_format.c: an scPoolDef written back as libvirt writes pool XML:
 * its element order, its defaults left out or put in, its quoting (see
 * pool_conf.c for the reading side and the rules' origin), and what
 * libvirt shows of a started pool but never reads: the free extents of a
 * disk pool's device.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>

#include "pool_conf_priv.h"
#include "util/util.h"
#include "xml.h"

static void
formatAdapter(scXmlBuf *b, const scPoolAdapter *a)
{
    if (a->type == SC_ADAPTER_FC_HOST) {
        scXmlBufAdd(b, "<adapter type='fc_host'");
        scXmlBufAttr(b, "parent", a->parent);
        scXmlBufAttr(b, "parent_wwnn", a->parent_wwnn);
        scXmlBufAttr(b, "parent_wwpn", a->parent_wwpn);
        scXmlBufAttr(b, "parent_fabric_wwn", a->parent_fabric_wwn);
        if (a->managed != SC_TRISTATE_ABSENT)
            scXmlBufAdd(b, " managed='%s'", scTristateToString(a->managed));
        scXmlBufAttr(b, "wwnn", a->wwnn);
        scXmlBufAttr(b, "wwpn", a->wwpn);
        scXmlBufAdd(b, "/>\n");
        return;
    }
    scXmlBufAdd(b, "<adapter type='scsi_host'");
    if (a->name) {
        scXmlBufAttr(b, "name", a->name);
        scXmlBufAdd(b, "/>\n");
        return;
    }
    scXmlBufAdd(b, ">\n");
    b->indent += 2;
    scXmlBufAdd(b, "<parentaddr unique_id='%d'>\n", a->unique_id);
    b->indent += 2;
    scXmlBufAdd(b, "<address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%u'/>\n",
                a->addr_domain, a->addr_bus, a->addr_slot, a->addr_function);
    b->indent -= 2;
    scXmlBufAdd(b, "</parentaddr>\n");
    b->indent -= 2;
    scXmlBufAdd(b, "</adapter>\n");
}

static void
formatAuth(scXmlBuf *b, const scPoolAuth *auth)
{
    scXmlBufAdd(b, "<auth type='%s'", auth->type == SC_AUTH_CHAP ? "chap" : "ceph");
    scXmlBufAttr(b, "username", auth->username);
    scXmlBufAdd(b, ">\n");
    b->indent += 2;
    scXmlBufAdd(b, "<secret");
    scXmlBufAttr(b, "type", auth->secret_type);
    if (auth->secret_uuid)
        scXmlBufAttr(b, "uuid", auth->secret_uuid);
    else
        scXmlBufAttr(b, "usage", auth->secret_usage);
    scXmlBufAdd(b, "/>\n");
    b->indent -= 2;
    scXmlBufAdd(b, "</auth>\n");
}

/* <source>, its children in libvirt's order, each only where the type has it. */
static void
formatSource(scXmlBuf *b, const scPoolDef *def)
{
    const PoolTypeInfo *ti = &scPoolTypes[def->type];
    const scPoolSource *s = &def->source;

    scXmlBufAdd(b, "<source>\n");
    b->indent += 2;
    for (size_t i = 0; (ti->flags & SRC_HOST) && i < s->nhosts; i++) {
        scXmlBufAdd(b, "<host");
        scXmlBufAttr(b, "name", s->hosts[i].name);
        if (s->hosts[i].port)
            scXmlBufAdd(b, " port='%d'", s->hosts[i].port);
        scXmlBufAdd(b, "/>\n");
    }
    for (size_t i = 0; (ti->flags & SRC_DEVICE) && i < s->ndevices; i++) {
        const scPoolSourceDevice *d = &s->devices[i];
        scXmlBufAdd(b, "<device");
        scXmlBufAttr(b, "path", d->path);
        if (d->part_separator != SC_TRISTATE_ABSENT)
            scXmlBufAdd(b, " part_separator='%s'", scTristateToString(d->part_separator));
        if (!d->nfree_extents) {
            scXmlBufAdd(b, "/>\n");
            continue;
        }
        scXmlBufAdd(b, ">\n");
        for (size_t j = 0; j < d->nfree_extents; j++)
            scXmlBufAdd(b, "  <freeExtent start='%llu' end='%llu'/>\n", d->free_extents[j].start,
                        d->free_extents[j].end);
        scXmlBufAdd(b, "</device>\n");
    }
    if ((ti->flags & SRC_DIR) && s->dir) {
        scXmlBufAdd(b, "<dir");
        scXmlBufAttr(b, "path", s->dir);
        scXmlBufAdd(b, "/>\n");
    }
    if ((ti->flags & SRC_ADAPTER) && s->adapter.type != SC_ADAPTER_NONE)
        formatAdapter(b, &s->adapter);
    if (ti->flags & SRC_NAME)
        scXmlBufElem(b, "name", s->name);
    if ((ti->flags & SRC_IQN) && s->initiator_iqn) {
        scXmlBufAdd(b, "<initiator>\n");
        b->indent += 2;
        scXmlBufAdd(b, "<iqn");
        scXmlBufAttr(b, "name", s->initiator_iqn);
        scXmlBufAdd(b, "/>\n");
        b->indent -= 2;
        scXmlBufAdd(b, "</initiator>\n");
    }
    if (ti->formats) {
        scXmlBufAdd(b, "<format");
        scXmlBufAttr(b, "type", s->format ? s->format : ti->default_format);
        scXmlBufAdd(b, "/>\n");
    }
    if (s->auth.type != SC_AUTH_NONE)
        formatAuth(b, &s->auth);
    if (s->protocol_ver) {
        scXmlBufAdd(b, "<protocol");
        scXmlBufAttr(b, "ver", s->protocol_ver);
        scXmlBufAdd(b, "/>\n");
    }
    if (s->vendor) {
        scXmlBufAdd(b, "<vendor");
        scXmlBufAttr(b, "name", s->vendor);
        scXmlBufAdd(b, "/>\n");
    }
    if (s->product) {
        scXmlBufAdd(b, "<product");
        scXmlBufAttr(b, "name", s->product);
        scXmlBufAdd(b, "/>\n");
    }
    b->indent -= 2;
    scXmlBufAdd(b, "</source>\n");
}

/* <target>: the path and, when anything in them is set, the permissions. */
static void
formatTarget(scXmlBuf *b, const scPoolDef *def)
{
    scXmlBufAdd(b, "<target>\n");
    b->indent += 2;
    scXmlBufElem(b, "path", def->target_path);
    scXmlBufPerms(b, &def->perms);
    b->indent -= 2;
    scXmlBufAdd(b, "</target>\n");
}

/* <refresh> and the backend namespace's options, after <target>. */
static void
formatExtras(scXmlBuf *b, const scPoolDef *def, const PoolNamespace *ns)
{
    if (def->has_refresh) {
        scXmlBufAdd(b, "<refresh>\n");
        b->indent += 2;
        scXmlBufAdd(b, "<volume allocation='%s'/>\n",
                    def->refresh_alloc_capacity ? "capacity" : "default");
        b->indent -= 2;
        scXmlBufAdd(b, "</refresh>\n");
    }
    if (!ns || def->nns_options == 0)
        return;
    scXmlBufAdd(b, "<%s:%s>\n", ns->prefix, ns->container);
    b->indent += 2;
    for (size_t i = 0; i < def->nns_options; i++) {
        scXmlBufAdd(b, "<%s:option", ns->prefix);
        scXmlBufAttr(b, "name", def->ns_options[i].name);
        if (ns->has_value)
            scXmlBufAttr(b, "value", def->ns_options[i].value);
        scXmlBufAdd(b, "/>\n");
    }
    b->indent -= 2;
    scXmlBufAdd(b, "</%s:%s>\n", ns->prefix, ns->container);
}

char *
scPoolDefFormat(const scPoolDef *def, const scStoragePoolInfo *info)
{
    char uuid[SC_UUID_STRING_BUFLEN];
    const PoolNamespace *ns;
    scXmlBuf b = { 0 };

    if (!def || (unsigned int) def->type >= SC_POOL_TYPE_LAST) {
        scReportError(SC_FROM_XML, SC_ERR_INTERNAL_ERROR, "pool definition of unknown type %d",
                      def ? (int) def->type : -1);
        return NULL;
    }
    ns = def->nns_options ? scPoolTypes[def->type].ns : NULL;
    scXmlBufAdd(&b, "<pool type='%s'", scPoolTypeToString(def->type));
    if (ns)
        scXmlBufAdd(&b, " xmlns:%s='%s'", ns->prefix, ns->uri);
    scXmlBufAdd(&b, ">\n");
    b.indent = 2;
    scXmlBufElem(&b, "name", def->name);
    scUUIDFormat(def->uuid, uuid);
    scXmlBufAdd(&b, "<uuid>%s</uuid>\n", uuid);
    scXmlBufAdd(&b, "<capacity unit='bytes'>%llu</capacity>\n", info ? info->capacity : 0);
    scXmlBufAdd(&b, "<allocation unit='bytes'>%llu</allocation>\n", info ? info->allocation : 0);
    scXmlBufAdd(&b, "<available unit='bytes'>%llu</available>\n", info ? info->available : 0);
    if (def->cow != SC_TRISTATE_ABSENT) {
        scXmlBufAdd(&b, "<features>\n");
        scXmlBufAdd(&b, "  <cow state='%s'/>\n", scTristateToString(def->cow));
        scXmlBufAdd(&b, "</features>\n");
    }
    formatSource(&b, def);
    if (!(scPoolTypes[def->type].flags & SRC_NETWORK))
        formatTarget(&b, def);
    formatExtras(&b, def, ns);
    b.indent = 0;
    scXmlBufAdd(&b, "</pool>\n");
    return scXmlBufFinish(&b);
}

int
scPoolDefSetFreeExtents(scPoolDef *def, const char *text)
{
    scPoolSource *s = &def->source;

    for (size_t i = 0; i < s->ndevices; i++) {
        free(s->devices[i].free_extents);
        s->devices[i].free_extents = NULL;
        s->devices[i].nfree_extents = 0;
    }
    for (const char *line = text; line && *line;) {
        const char *nl = strchr(line, '\n');
        unsigned long long start, end;
        size_t dev;
        int n = -1;
        scPoolFreeExtent *v;

        if (sscanf(line, "%zu %llu %llu%n", &dev, &start, &end, &n) != 3 || n < 0 ||
            (line[n] != '\n' && line[n] != '\0') || end < start) {
            scReportError(SC_FROM_CATALOG, SC_ERR_INTERNAL_ERROR,
                          "pool '%s': malformed free extent '%.*s' in the catalog", def->name,
                          (int) (nl ? nl - line : (long) strlen(line)), line);
            return -1;
        }
        line = nl ? nl + 1 : line + n;
        if (dev >= s->ndevices)
            continue;
        v = reallocarray(s->devices[dev].free_extents, s->devices[dev].nfree_extents + 1,
                         sizeof(*v));
        if (!v) {
            scReportOOM();
            return -1;
        }
        s->devices[dev].free_extents = v;
        v[s->devices[dev].nfree_extents++] = (scPoolFreeExtent){ .start = start, .end = end };
    }
    return 0;
}

char *
scPoolSourceListFormat(scPoolType type, const scPoolSource *sources, size_t n)
{
    scXmlBuf b = { 0 };

    if ((unsigned int) type >= SC_POOL_TYPE_LAST) {
        scReportError(SC_FROM_XML, SC_ERR_INTERNAL_ERROR, "pool sources of unknown type %d",
                      (int) type);
        return NULL;
    }
    scXmlBufAdd(&b, "<sources>\n");
    b.indent = 2;
    for (size_t i = 0; i < n; i++) {
        scPoolDef def = { .type = type, .source = sources[i] };
        formatSource(&b, &def);
    }
    b.indent = 0;
    scXmlBufAdd(&b, "</sources>\n");
    return scXmlBufFinish(&b);
}
