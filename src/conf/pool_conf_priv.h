/*
 * pool_conf_priv.h: what the pool XML parser (pool_conf.c) and formatter
 * (pool_format.c) share: libvirt's table of what each pool type has.
 */
#ifndef SC_POOL_CONF_PRIV_H
#define SC_POOL_CONF_PRIV_H

#include "pool_conf.h"

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

/* Indexed by scPoolType (pool_conf.c). */
extern const PoolTypeInfo scPoolTypes[SC_POOL_TYPE_LAST];

/* "yes" or "no". */
const char *scTristateToString(scTristate t);

#endif /* SC_POOL_CONF_PRIV_H */
