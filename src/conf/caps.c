/*
 * caps.c: the capability documents of a connection (see caps.h).
 */
#include <config.h>

#include <sys/utsname.h>

#include "caps.h"
#include "pool_conf_priv.h"
#include "vol_conf.h"
#include "xml.h"

/* libvirt's order of pool types in <storagepoolCapabilities>. */
static const scPoolType caps_order[] = {
    SC_POOL_DIR,   SC_POOL_FS,   SC_POOL_NETFS,    SC_POOL_LOGICAL, SC_POOL_DISK,
    SC_POOL_ISCSI, SC_POOL_ISCSI_DIRECT, SC_POOL_SCSI, SC_POOL_MPATH, SC_POOL_RBD,
    SC_POOL_SHEEPDOG, SC_POOL_GLUSTER, SC_POOL_ZFS, SC_POOL_VSTORAGE,
};
_Static_assert(SC_N_ELEMENTS(caps_order) == SC_POOL_TYPE_LAST, "a pool type is missing");

static void
formatEnum(scXmlBuf *b, const char *name, const char *first, const char *const *values)
{
    scXmlBufAdd(b, "<enum name='%s'>\n", name);
    b->indent += 2;
    if (first)
        scXmlBufElem(b, "value", first);
    for (size_t i = 0; values && values[i]; i++)
        scXmlBufElem(b, "value", values[i]);
    b->indent -= 2;
    scXmlBufAdd(b, "</enum>\n");
}

/* <volOptions>: as libvirt, the file formats listed after "none", and
 * rbd's raw volumes without a list. */
static void
formatVolOptions(scXmlBuf *b, scPoolType type)
{
    const char *const *formats = scVolFormats(type);
    bool file = type != SC_POOL_DISK;

    if (!formats)
        return;
    scXmlBufAdd(b, "<volOptions>\n");
    b->indent += 2;
    scXmlBufAdd(b, "<defaultFormat type='%s'/>\n", formats[0]);
    if (type == SC_POOL_RBD)
        formatEnum(b, "targetFormatType", NULL, NULL);
    else
        formatEnum(b, "targetFormatType", file ? "none" : NULL, formats);
    b->indent -= 2;
    scXmlBufAdd(b, "</volOptions>\n");
}

char *
scPoolCapsFormat(scPoolTypeSupported supported)
{
    scXmlBuf b = { 0 };

    scXmlBufAdd(&b, "<storagepoolCapabilities>\n");
    b.indent += 2;
    for (size_t i = 0; i < SC_N_ELEMENTS(caps_order); i++) {
        scPoolType type = caps_order[i];
        const PoolTypeInfo *ti = &scPoolTypes[type];

        scXmlBufAdd(&b, "<pool type='%s' supported='%s'>\n", scPoolTypeToString(type),
                    supported(type) ? "yes" : "no");
        b.indent += 2;
        if (ti->formats) {
            scXmlBufAdd(&b, "<poolOptions>\n");
            b.indent += 2;
            scXmlBufAdd(&b, "<defaultFormat type='%s'/>\n", ti->default_format);
            formatEnum(&b, "sourceFormatType", NULL, ti->formats);
            b.indent -= 2;
            scXmlBufAdd(&b, "</poolOptions>\n");
        }
        formatVolOptions(&b, type);
        b.indent -= 2;
        scXmlBufAdd(&b, "</pool>\n");
    }
    b.indent -= 2;
    scXmlBufAdd(&b, "</storagepoolCapabilities>\n");
    return scXmlBufFinish(&b);
}

char *
scHostCapsFormat(scPoolTypeSupported supported, const char *catalog, bool readonly)
{
    scXmlBuf b = { 0 };
    struct utsname u;

    if (uname(&u) < 0)
        snprintf(u.machine, sizeof(u.machine), "unknown");
    scXmlBufAdd(&b, "<capabilities>\n");
    b.indent += 2;
    scXmlBufAdd(&b, "<host>\n");
    b.indent += 2;
    scXmlBufAdd(&b, "<cpu>\n");
    b.indent += 2;
    scXmlBufElem(&b, "arch", u.machine);
    b.indent -= 2;
    scXmlBufAdd(&b, "</cpu>\n");
    b.indent -= 2;
    scXmlBufAdd(&b, "</host>\n");
    scXmlBufAdd(&b, "<storage>\n");
    b.indent += 2;
    scXmlBufAdd(&b, "<driver name='storcat' version='%s'/>\n", PACKAGE_VERSION);
    scXmlBufAdd(&b, "<catalog");
    scXmlBufAttr(&b, "path", catalog);
    scXmlBufAdd(&b, " readonly='%s'/>\n", readonly ? "yes" : "no");
    for (size_t i = 0; i < SC_N_ELEMENTS(caps_order); i++)
        if (supported(caps_order[i]))
            scXmlBufAdd(&b, "<pool type='%s'/>\n", scPoolTypeToString(caps_order[i]));
    b.indent -= 2;
    scXmlBufAdd(&b, "</storage>\n");
    b.indent -= 2;
    scXmlBufAdd(&b, "</capabilities>\n");
    return scXmlBufFinish(&b);
}
