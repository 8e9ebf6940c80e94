/*
 * secret_conf.h: libvirt's <secret> XML (formatsecret), parsed and
 * formatted as libvirt 9.0 does, so that a secret's definition moves
 * between libvirt and storcat unchanged. The value is never part of it.
 */
#ifndef SC_SECRET_CONF_H
#define SC_SECRET_CONF_H

#include <stdbool.h>

#include "util/internal.h"

SC_ENUM_DECL(scSecretUsageType); /* "none", "volume", "ceph", "iscsi", "tls", "vtpm" */

typedef struct {
    unsigned char uuid[SC_UUID_BUFLEN];
    bool ephemeral;    /* ephemeral='yes' */
    bool private_;     /* private='yes': the value is never handed out */
    char *description; /* or NULL */
    int usage_type;    /* scSecretUsageType */
    char *usage_id;    /* <volume>, <name> or <target> text; NULL for none */
} scSecretDef;

/*
 * scSecretDefParseString:
 * Parses a <secret> document (no network, no DTD, no entity expansion),
 * generating a UUID when it has none. Returns a new definition, or NULL
 * with SC_ERR_XML_ERROR naming the element and the cause
 * (SC_ERR_CONFIG_UNSUPPORTED for an unknown usage type).
 */
scSecretDef *scSecretDefParseString(const char *xml);

/* The definition as libvirt formats it (caller frees), or NULL (OOM). */
char *scSecretDefFormat(const scSecretDef *def);

void scSecretDefFree(scSecretDef *def);
SC_DEFINE_CLEANUP(scSecretDef, scSecretDefFree)

#endif /* SC_SECRET_CONF_H */
