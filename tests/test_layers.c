/*
 * test_layers.c: the layers of src/ and backends/ link only downwards.
 *
 * Built twice: as tests/layer_backends, linked with backends/ and the
 * layers under it (src/conf, src/util) but not the catalog or the core;
 * and as tests/layer_catalog, linked with src/catalog and the layers under
 * it but not the backends or the core. A call upwards (a backend asking
 * the catalog, the catalog touching storage) is then a link error, and
 * the build of `make check` fails. At run time each checks that its layer
 * works alone.
 */
#include <config.h>

#include <stdio.h>

#ifdef LAYER_BACKENDS
#include "backends/backend.h"
#else
#include "catalog/catalog.h"
#endif

int
main(void)
{
    int ok;

    printf("1..1\n");
#ifdef LAYER_BACKENDS
    ok = scBackendForType(SC_POOL_DIR) != NULL && scBackendForType(SC_POOL_TYPE_LAST) == NULL;
    printf("%s 1 - backends/ links without src/catalog and src/core\n", ok ? "ok" : "not ok");
#else
    ok = scCatalogSchemaVersion() > 0;
    printf("%s 1 - src/catalog links without backends/ and src/core\n", ok ? "ok" : "not ok");
#endif
    return ok ? 0 : 1;
}
