/*
 * iscsi_sources.c: source discovery of the iSCSI backends (see the header).
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "iscsi_sources.h"
#include "util/util.h"

void
scIscsiSourceSpecClear(scIscsiSourceSpec *sp)
{
    free(sp->host);
    free(sp->initiator);
}

int
scIscsiSourceSpecParse(const char *xml, const char *type, bool need_initiator,
                       scIscsiSourceSpec *sp)
{
    _cleanup_(scXmlFreeDocp) xmlDocPtr doc = NULL;
    _cleanup_free_ char *port = NULL;
    xmlNodePtr root, host;
    long long v;

    memset(sp, 0, sizeof(*sp));
    if (!xml) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "hostname must be specified for %s sources", type);
        return -1;
    }
    if (!(doc = scXmlReadDocument(xml, "source XML", SC_FROM_STORAGE)))
        return -1;
    root = xmlDocGetRootElement(doc);
    if (!root || !scXmlIsElement(root, "source")) {
        scReportError(SC_FROM_STORAGE, SC_ERR_XML_ERROR,
                      "source XML: the root element must be <source>");
        return -1;
    }
    if (scXmlCountChildren(root, "host") != 1) {
        scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                      "Expected exactly 1 host for the storage pool");
        return -1;
    }
    host = scXmlFindElement(root, "host", NULL);
    if (scXmlGetPropNonEmpty(host, "name", &sp->host) < 0 ||
        scXmlGetPropNonEmpty(host, "port", &port) < 0 ||
        scXmlGetPathAttr(root, "initiator/iqn", "name", &sp->initiator) < 0)
        goto error;
    if (!sp->host) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "hostname must be specified for %s sources", type);
        goto error;
    }
    if (port && !scXmlParseLL(port, 10, 1, 65535, &v)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_XML_ERROR,
                      "source XML: <host port='%.32s'> is not a port number", port);
        goto error;
    }
    sp->port = port ? (int) v : 0;
    if (need_initiator && !sp->initiator) {
        scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED, "missing initiator IQN");
        goto error;
    }
    return 0;
error:
    scIscsiSourceSpecClear(sp);
    return -1;
}

int
scIscsiSourcesAdd(const char *target, void *opaque)
{
    scIscsiSources *o = opaque;
    char port[16];

    scXmlBufAdd(&o->b, "<source>\n");
    o->b.indent += 2;
    scXmlBufAdd(&o->b, "<host");
    scXmlBufAttr(&o->b, "name", o->sp->host);
    snprintf(port, sizeof(port), "%d", o->sp->port);
    scXmlBufAttr(&o->b, "port", o->sp->port ? port : NULL);
    scXmlBufAdd(&o->b, "/>\n");
    scXmlBufAdd(&o->b, "<device");
    scXmlBufAttr(&o->b, "path", target);
    scXmlBufAdd(&o->b, "/>\n");
    if (o->with_initiator && o->sp->initiator) {
        scXmlBufAdd(&o->b, "<initiator>\n");
        o->b.indent += 2;
        scXmlBufAdd(&o->b, "<iqn");
        scXmlBufAttr(&o->b, "name", o->sp->initiator);
        scXmlBufAdd(&o->b, "/>\n");
        o->b.indent -= 2;
        scXmlBufAdd(&o->b, "</initiator>\n");
    }
    o->b.indent -= 2;
    scXmlBufAdd(&o->b, "</source>\n");
    return 0;
}

void
scIscsiSourcesBegin(scIscsiSources *o, const scIscsiSourceSpec *sp, bool with_initiator)
{
    memset(o, 0, sizeof(*o));
    o->sp = sp;
    o->with_initiator = with_initiator;
    scXmlBufAdd(&o->b, "<sources>\n");
    o->b.indent += 2;
}

int
scIscsiSourcesFinish(scIscsiSources *o, bool ok, char **xml)
{
    o->b.indent -= 2;
    scXmlBufAdd(&o->b, "</sources>\n");
    if (!ok) {
        free(scXmlBufFinish(&o->b));
        return -1;
    }
    return (*xml = scXmlBufFinish(&o->b)) ? 0 : -1;
}
