/*
 * recspool.h: the records of a refresh, held between the backend's
 * discovery (outside any catalog transaction) and the write transaction
 * that applies them, in bounded memory (util/spool.h: a buffer, then an
 * unnamed temporary file).
 */
#ifndef SC_RECSPOOL_H
#define SC_RECSPOOL_H

#include "backends/backend.h"
#include "catalog/catalog.h"
#include "util/spool.h"

typedef struct {
    scSpool spool;
    scSpoolReader reader;
    size_t count;           /* records put */
    /* what the record read last points into */
    char **aliases;
    scNameValue *attrs;
    size_t aliases_alloc, attrs_alloc;
} scRecSpool;

void scRecSpoolInit(scRecSpool *rs);
void scRecSpoolClear(scRecSpool *rs);

/* Append @rec with the sink's @want value. 0 or -1. */
int scRecSpoolPut(scRecSpool *rs, const scVolRecord *rec, int want);

/* Read the records back in the order they were put: Rewind once, then
 * Next until 0. @data borrows from the spool until the next call.
 * 1 record, 0 end, -1 error. */
void scRecSpoolRewind(scRecSpool *rs);
int scRecSpoolNext(scRecSpool *rs, scCatalogVolData *data, int *want);

#endif /* SC_RECSPOOL_H */
