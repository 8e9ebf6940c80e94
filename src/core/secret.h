/*
 * secret.h: what the rest of the core uses of the secrets (secret.c):
 * the value a pool's <auth> names, handed to its backend in its
 * definition and wiped when the definition is freed.
 */
#ifndef SC_SECRET_H
#define SC_SECRET_H

#include "conf/pool_conf.h"
#include "connect.h"

/* Largest secret value, in bytes. */
#define SC_SECRET_VALUE_MAX (64 * 1024)

/*
 * scSecretLoadForPool:
 * When @def has an <auth>, read the value of the secret it names (by UUID,
 * or by usage: iscsi for chap, ceph for ceph) from @conn's secrets into
 * def->source.auth.secret_value/secret_len. 0 (nothing to do, or loaded),
 * or -1 with SC_ERR_NO_SECRET naming the pool and the secret (undefined, or
 * without a value) or the reason the store cannot be read. The value
 * never appears in a message.
 */
int scSecretLoadForPool(scConnect *conn, scPoolDef *def);

/* For the events (event.c): @secret is a valid handle of @conn, else
 * reported naming @func; its UUID string (borrowed); and the handle of
 * the secret an event row's @detail names (secret.c writes them), or NULL
 * if the row names none. */
bool scSecretCheckOf(scSecret *secret, scConnect *conn, const char *func);
const char *scSecretUUIDString(scSecret *secret);
scSecret *scSecretFromEvent(scConnect *conn, const char *detail);

#endif /* SC_SECRET_H */
