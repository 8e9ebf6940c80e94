/*
 * recspool.c: a refresh's records in a spool (see recspool.h).
 *
 * A record is its length (32 bits), then its fixed fields, then its
 * strings, each a 32-bit length (NO_STRING for NULL) and the bytes with
 * their NUL, so that a record read back is used in place.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>

#include "recspool.h"

#define NO_STRING UINT32_MAX

typedef struct {
    int32_t want, type;
    uint64_t capacity, allocation, physical;
    int64_t mode, uid, gid, atime, mtime, ctime, btime;
    uint32_t naliases, nattrs;
    uint8_t sig_len, ident_len;
    unsigned char sig[SC_VOL_SIG_MAX], ident[SC_VOL_SIG_MAX];
} Fixed;

void
scRecSpoolInit(scRecSpool *rs)
{
    memset(rs, 0, sizeof(*rs));
    scSpoolInit(&rs->spool, "the records of a refresh");
}

void
scRecSpoolClear(scRecSpool *rs)
{
    scSpoolClear(&rs->spool);
    scSpoolReaderClear(&rs->reader);
    free(rs->aliases);
    free(rs->attrs);
    scRecSpoolInit(rs);
}

static size_t
str_size(const char *s)
{
    return sizeof(uint32_t) + (s ? strlen(s) + 1 : 0);
}

static int
put_str(scSpool *sp, const char *s)
{
    uint32_t len = s ? (uint32_t) strlen(s) + 1 : NO_STRING;

    if (scSpoolPut(sp, &len, sizeof(len)) < 0)
        return -1;
    return s ? scSpoolPut(sp, s, len) : 0;
}

int
scRecSpoolPut(scRecSpool *rs, const scVolRecord *rec, int want)
{
    const char *strs[] = { rec->name, rec->key, rec->path, rec->format, rec->backing_path,
                           rec->backing_format };
    Fixed f;
    uint64_t total = sizeof(f);

    /* Zeroed whole: its padding goes to the file too. */
    memset(&f, 0, sizeof(f));
    f.want = want;
    f.type = rec->type;
    f.capacity = rec->capacity;
    f.allocation = rec->allocation;
    f.physical = rec->physical;
    f.mode = rec->mode;
    f.uid = rec->uid;
    f.gid = rec->gid;
    f.atime = rec->atime_ns;
    f.mtime = rec->mtime_ns;
    f.ctime = rec->ctime_ns;
    f.btime = rec->btime_ns;
    f.naliases = (uint32_t) rec->naliases;
    f.nattrs = (uint32_t) rec->nattrs;
    f.sig_len = (uint8_t) rec->sig_len;
    f.ident_len = (uint8_t) rec->ident_len;
    memcpy(f.sig, rec->sig, rec->sig_len);
    memcpy(f.ident, rec->ident, rec->ident_len);
    for (size_t i = 0; i < SC_N_ELEMENTS(strs); i++)
        total += str_size(strs[i]);
    for (size_t i = 0; i < rec->naliases; i++)
        total += str_size(rec->aliases[i]);
    for (size_t i = 0; i < rec->nattrs; i++)
        total += str_size(rec->attrs[i].name) + str_size(rec->attrs[i].value);
    if (total > UINT32_MAX) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INTERNAL_ERROR,
                      "volume '%s': its record is too large", rec->name);
        return -1;
    }
    uint32_t len = (uint32_t) total;
    if (scSpoolPut(&rs->spool, &len, sizeof(len)) < 0 || scSpoolPut(&rs->spool, &f, sizeof(f)) < 0)
        return -1;
    for (size_t i = 0; i < SC_N_ELEMENTS(strs); i++)
        if (put_str(&rs->spool, strs[i]) < 0)
            return -1;
    for (size_t i = 0; i < rec->naliases; i++)
        if (put_str(&rs->spool, rec->aliases[i]) < 0)
            return -1;
    for (size_t i = 0; i < rec->nattrs; i++)
        if (put_str(&rs->spool, rec->attrs[i].name) < 0 ||
            put_str(&rs->spool, rec->attrs[i].value) < 0)
            return -1;
    rs->count++;
    return 0;
}

void
scRecSpoolRewind(scRecSpool *rs)
{
    scSpoolReaderInit(&rs->reader, &rs->spool, 0, scSpoolSize(&rs->spool));
}

/* The next string of a record in [*p, end): 0, or -1 if it is cut short. */
static int
take_str(const char **p, const char *end, const char **out)
{
    uint32_t len;

    if (end - *p < (ptrdiff_t) sizeof(len))
        return -1;
    memcpy(&len, *p, sizeof(len));
    *p += sizeof(len);
    if (len == NO_STRING) {
        *out = NULL;
        return 0;
    }
    if (len == 0 || (uint64_t) (end - *p) < len || (*p)[len - 1] != '\0')
        return -1;
    *out = *p;
    *p += len;
    return 0;
}

static int
grow(void **v, size_t *alloc, size_t need, size_t size)
{
    void *p;

    if (need <= *alloc)
        return 0;
    if (!(p = reallocarray(*v, need, size))) {
        scReportOOM();
        return -1;
    }
    *v = p;
    *alloc = need;
    return 0;
}

int
scRecSpoolNext(scRecSpool *rs, scCatalogVolData *d, int *want)
{
    const void *data;
    const char *p, *end, *strs[6];
    uint32_t len;
    Fixed f;
    int rc;

    if ((rc = scSpoolRead(&rs->reader, sizeof(len), &data)) <= 0)
        return rc;
    memcpy(&len, data, sizeof(len));
    if (len < sizeof(f) || scSpoolRead(&rs->reader, len, &data) <= 0)
        goto corrupt;
    p = data;
    end = p + len;
    memcpy(&f, p, sizeof(f));
    p += sizeof(f);
    if (f.sig_len > SC_VOL_SIG_MAX || f.ident_len > SC_VOL_SIG_MAX ||
        grow((void **) &rs->aliases, &rs->aliases_alloc, f.naliases, sizeof(*rs->aliases)) < 0 ||
        grow((void **) &rs->attrs, &rs->attrs_alloc, f.nattrs, sizeof(*rs->attrs)) < 0)
        goto corrupt;
    for (size_t i = 0; i < SC_N_ELEMENTS(strs); i++)
        if (take_str(&p, end, &strs[i]) < 0)
            goto corrupt;
    for (size_t i = 0; i < f.naliases; i++)
        if (take_str(&p, end, (const char **) &rs->aliases[i]) < 0)
            goto corrupt;
    for (size_t i = 0; i < f.nattrs; i++)
        if (take_str(&p, end, (const char **) &rs->attrs[i].name) < 0 ||
            take_str(&p, end, (const char **) &rs->attrs[i].value) < 0)
            goto corrupt;
    if (!strs[0] || !strs[1] || !strs[2])
        goto corrupt;
    /* The fixed part stays in the reader's buffer: point into it there. */
    const unsigned char *sig = (const unsigned char *) data + offsetof(Fixed, sig);
    const unsigned char *ident = (const unsigned char *) data + offsetof(Fixed, ident);
    *d = (scCatalogVolData) {
        .name = strs[0], .key = strs[1], .path = strs[2], .type = f.type, .format = strs[3],
        .capacity = f.capacity, .allocation = f.allocation, .physical = f.physical,
        .backing_path = strs[4], .backing_format = strs[5], .mode = f.mode, .uid = f.uid,
        .gid = f.gid, .atime_ns = f.atime, .mtime_ns = f.mtime, .ctime_ns = f.ctime,
        .btime_ns = f.btime, .sig = f.sig_len ? sig : NULL, .sig_len = f.sig_len,
        .ident = f.ident_len ? ident : NULL, .ident_len = f.ident_len,
        .aliases = rs->aliases, .naliases = f.naliases, .attrs = rs->attrs, .nattrs = f.nattrs,
    };
    *want = f.want;
    return 1;

corrupt:
    if (!scErrorIsSet())
        scReportError(SC_FROM_STORAGE, SC_ERR_INTERNAL_ERROR,
                      "the temporary file of the records of a refresh is corrupt");
    return -1;
}
