/*
 * iscsi_sources.h: source discovery of the iSCSI backends: the source
 * spec a caller gives scConnectFindStoragePoolSources, and the <sources>
 * document of the targets a SendTargets discovery found, as libvirt 9.0's
 * iscsi and iscsi-direct backends read and write them.
 */
#ifndef SC_ISCSI_SOURCES_H
#define SC_ISCSI_SOURCES_H

#include <stdbool.h>

#include "conf/xml.h"

/* <source><host name port/><initiator><iqn name/></initiator></source>. */
typedef struct {
    char *host;
    int port; /* 0: the default */
    char *initiator;
} scIscsiSourceSpec;

/*
 * scIscsiSourceSpecParse:
 * Read @xml as libvirt reads a source spec: exactly one host, with a name;
 * the initiator's IQN, required when @need_initiator. @type names the pool
 * type in errors. On failure an error is set and @sp holds nothing.
 */
int scIscsiSourceSpecParse(const char *xml, const char *type, bool need_initiator,
                           scIscsiSourceSpec *sp);
void scIscsiSourceSpecClear(scIscsiSourceSpec *sp);

/* A <sources> document being written: one <source> per target, with the
 * spec's host (and its initiator when @with_initiator). */
typedef struct {
    scXmlBuf b;
    const scIscsiSourceSpec *sp;
    bool with_initiator;
} scIscsiSources;

void scIscsiSourcesBegin(scIscsiSources *o, const scIscsiSourceSpec *sp, bool with_initiator);
/* One target, with every character escaped; the callback of
 * scIscsiDiscover and scIscsiadmEachTarget. */
int scIscsiSourcesAdd(const char *target, void *opaque);
/* The document into *@xml (0), or -1 with an error set; when !@ok the
 * document is dropped and -1 returned. */
int scIscsiSourcesFinish(scIscsiSources *o, bool ok, char **xml);

#endif /* SC_ISCSI_SOURCES_H */
