/*
 * caps.h: the capability documents of a connection: libvirt's
 * <storagepoolCapabilities> and storcat's own host <capabilities>.
 */
#ifndef SC_CAPS_H
#define SC_CAPS_H

#include "pool_conf.h"

/* Whether this storcat can run pools of @type (has its backend). */
typedef bool (*scPoolTypeSupported)(scPoolType type);

/* libvirt's <storagepoolCapabilities>: every pool type in libvirt's
 * order, whether it is supported, and its source and volume formats. */
char *scPoolCapsFormat(scPoolTypeSupported supported);

/* storcat's <capabilities>: the host's architecture, the library's
 * version, the catalog, and the pool types built in. */
char *scHostCapsFormat(scPoolTypeSupported supported, const char *catalog, bool readonly);

#endif /* SC_CAPS_H */
