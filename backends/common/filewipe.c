/*
 * filewipe.c: wiping file volumes with libvirt's algorithms (zero, nnsa,
 * dod, bsi, gutmann, schneier, pfitzner7/33, random) or by punching holes
 * (trim). A non-raw image is made again, empty, after its data went.
 */
#include <config.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileops_priv.h"
#include "util/util.h"

/* One pass of a wipe: a repeated 1-3 byte pattern, random data, or a read
 * back of the previous pass. */
typedef struct {
    unsigned char len; /* pattern length 1..3; RANDOM or VERIFY */
    unsigned char pat[3];
} WipePass;
#define RANDOM 0
#define VERIFY 4
#define P1(a) { 1, { a } }
#define P3(a, b, c) { 3, { a, b, c } }
#define RND { RANDOM, { 0 } }
#define VFY { VERIFY, { 0 } }

static const WipePass pass_zero[] = { P1(0x00) };
static const WipePass pass_nnsa[] = { RND, RND, P1(0x00), VFY };
static const WipePass pass_dod[] = { P1(0x00), P1(0xff), RND, VFY };
static const WipePass pass_bsi[] = { P1(0xff), P1(0xfe), P1(0xfd), P1(0xfb), P1(0xf7),
                                     P1(0xef), P1(0xdf), P1(0xbf), P1(0x7f) };
static const WipePass pass_gutmann[] = {
    RND, RND, RND, RND,
    P1(0x55), P1(0xaa), P3(0x92, 0x49, 0x24), P3(0x49, 0x24, 0x92), P3(0x24, 0x92, 0x49),
    P1(0x00), P1(0x11), P1(0x22), P1(0x33), P1(0x44), P1(0x55), P1(0x66), P1(0x77), P1(0x88),
    P1(0x99), P1(0xaa), P1(0xbb), P1(0xcc), P1(0xdd), P1(0xee), P1(0xff),
    P3(0x92, 0x49, 0x24), P3(0x49, 0x24, 0x92), P3(0x24, 0x92, 0x49), P3(0x6d, 0xb6, 0xdb),
    P3(0xb6, 0xdb, 0x6d), P3(0xdb, 0x6d, 0xb6),
    RND, RND, RND, RND,
};
static const WipePass pass_schneier[] = { P1(0x00), P1(0xff), RND, RND, RND, RND, RND };
static const WipePass pass_random[] = { RND };
static const WipePass pass_pfitzner7[] = { RND, RND, RND, RND, RND, RND, RND };
static const WipePass pass_pfitzner33[] = { RND, RND, RND, RND, RND, RND, RND, RND, RND, RND, RND,
                                            RND, RND, RND, RND, RND, RND, RND, RND, RND, RND, RND,
                                            RND, RND, RND, RND, RND, RND, RND, RND, RND, RND, RND };

static const struct {
    const WipePass *passes;
    size_t n;
} wipe_algorithms[SC_STORAGE_VOL_WIPE_ALG_LAST] = {
#define ALG(id, p) [id] = { p, SC_N_ELEMENTS(p) }
    ALG(SC_STORAGE_VOL_WIPE_ALG_ZERO, pass_zero),
    ALG(SC_STORAGE_VOL_WIPE_ALG_NNSA, pass_nnsa),
    ALG(SC_STORAGE_VOL_WIPE_ALG_DOD, pass_dod),
    ALG(SC_STORAGE_VOL_WIPE_ALG_BSI, pass_bsi),
    ALG(SC_STORAGE_VOL_WIPE_ALG_GUTMANN, pass_gutmann),
    ALG(SC_STORAGE_VOL_WIPE_ALG_SCHNEIER, pass_schneier),
    ALG(SC_STORAGE_VOL_WIPE_ALG_PFITZNER7, pass_pfitzner7),
    ALG(SC_STORAGE_VOL_WIPE_ALG_PFITZNER33, pass_pfitzner33),
    ALG(SC_STORAGE_VOL_WIPE_ALG_RANDOM, pass_random),
    /* TRIM punches holes instead (no passes). */
#undef ALG
};

/* xoshiro256**: random passes come from a generator seeded by the kernel,
 * so that a verify pass can regenerate what was written. */
typedef struct {
    uint64_t s[4];
} Rng;

static uint64_t
rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t
rng_next(Rng *r)
{
    uint64_t result = rotl(r->s[1] * 5, 7) * 9, t = r->s[1] << 17;
    r->s[2] ^= r->s[0];
    r->s[3] ^= r->s[1];
    r->s[1] ^= r->s[2];
    r->s[0] ^= r->s[3];
    r->s[2] ^= t;
    r->s[3] = rotl(r->s[3], 45);
    return result;
}

static void
fill(unsigned char *buf, size_t n, const WipePass *p, unsigned long long off, Rng *rng)
{
    if (p->len == RANDOM) {
        for (size_t i = 0; i < n; i += 8) {
            uint64_t v = rng_next(rng);
            memcpy(buf + i, &v, n - i < 8 ? n - i : 8);
        }
        return;
    }
    for (size_t i = 0; i < n; i++)
        buf[i] = p->pat[(off + i) % p->len];
}

/* Write (or, for VERIFY, check) one pass over [0, @size). */
static int
wipe_pass(int fd, const char *name, unsigned long long size, const WipePass *p,
          const WipePass *prev, const uint64_t seed[4], unsigned char *buf, unsigned char *chk,
          const scProgress *progress, unsigned long long *done, unsigned long long total)
{
    bool verify = p->len == VERIFY;
    const WipePass *pat = verify ? prev : p;
    Rng rng;

    memcpy(rng.s, seed, sizeof(rng.s));
    for (unsigned long long off = 0; off < size;) {
        size_t n = size - off < CHUNK ? (size_t) (size - off) : CHUNK;
        fill(buf, n, pat, off, &rng);
        ssize_t r = verify ? pread(fd, chk, n, (off_t) off) : pwrite(fd, buf, n, (off_t) off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            scReportSystemError(SC_FROM_STORAGE, errno, "cannot wipe volume '%s'", name);
            return -1;
        }
        if (verify && memcmp(buf, chk, (size_t) r) != 0) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "wiping volume '%s': verify pass found other data at offset %llu",
                          name, off);
            return -1;
        }
        off += (unsigned long long) r;
        *done += (unsigned long long) r;
        if (scProgressReport(progress, *done, total) < 0)
            return -1;
    }
    if (!verify && fdatasync(fd) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot wipe volume '%s'", name);
        return -1;
    }
    return 0;
}

int
scFdWipe(int fd, const char *name, unsigned long long size, unsigned int algorithm,
         const scProgress *progress)
{
    _cleanup_free_ unsigned char *buf = malloc(CHUNK);
    _cleanup_free_ unsigned char *chk = malloc(CHUNK);
    const WipePass *passes = wipe_algorithms[algorithm].passes;
    size_t n = wipe_algorithms[algorithm].n;
    unsigned long long done = 0;
    uint64_t seed[4] = { 0 };

    if (!buf || !chk) {
        scReportOOM();
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (passes[i].len == RANDOM && getrandom(seed, sizeof(seed), 0) != sizeof(seed)) {
            scReportSystemError(SC_FROM_STORAGE, errno, "cannot wipe volume '%s'", name);
            return -1;
        }
        seed[0] |= 1; /* xoshiro's state must not be all zero */
        if (wipe_pass(fd, name, size, &passes[i], i ? &passes[i - 1] : NULL, seed, buf, chk,
                      progress, &done, size * n) < 0)
            return -1;
    }
    return 0;
}

/* What a wipe of a non-raw image needs before it starts: the image's
 * chain checked (its data must not live in an external data file the
 * wipe would not touch) and its backing store's, to make it again. */
static int
check_image(const scDir *dir, int fd, const scVolRecord *vol, const scVolDef *def,
            scChain *backing)
{
    scChain chain;
    int r = 0;

    memset(backing, 0, sizeof(*backing));
    if (scChainWalk(fd, vol->path, vol->format, &dir->rules, &chain) < 0)
        return -1;
    for (size_t i = 1; i < chain.n; i++) {
        if (chain.links[i].role == SC_CHAIN_DATA_FILE && chain.links[i].parent == 0) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                          "volume '%s' keeps its data in external data file '%s': wipe that file",
                          vol->name, chain.links[i].path);
            r = -1;
        }
    }
    scChainClear(&chain);
    return r < 0 ? -1 : scFileCheckBacking(dir, def, backing);
}

int
scFileWipe(const scDir *dir, const scVolRecord *vol, unsigned int algorithm,
           const scProgress *progress)
{
    const char *cluster = scVolRecordAttr(vol, SC_ATTR_CLUSTER_SIZE);
    /* An image format's header goes with the data: it is made again, empty,
     * with the same format, size and backing store. */
    scVolDef def = { .name = vol->name, .format = vol->format, .capacity = vol->capacity,
                     .backing_path = vol->backing_path, .backing_format = vol->backing_format,
                     .compat = (char *) scVolRecordAttr(vol, SC_ATTR_COMPAT),
                     .lazy_refcounts = scVolRecordAttr(vol, SC_ATTR_LAZY_REFCOUNTS) != NULL,
                     .cluster_size = cluster ? strtoull(cluster, NULL, 10) : 0 };
    scChain backing = { 0 };
    struct stat st;
    int fd, r;

    if ((fd = scFileOpenVolume(dir, vol, O_RDWR)) < 0)
        return -1;
    if (!scFileIsRaw(vol->format) && check_image(dir, fd, vol, &def, &backing) < 0) {
        close(fd);
        return -1;
    }
    if (fstat(fd, &st) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot wipe volume '%s'", vol->name);
        r = -1;
    } else if (algorithm == SC_STORAGE_VOL_WIPE_ALG_TRIM) {
        r = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, st.st_size);
        if (r < 0)
            scReportSystemError(SC_FROM_STORAGE, errno, "cannot trim volume '%s'", vol->name);
    } else {
        r = scFdWipe(fd, vol->name, (unsigned long long) st.st_size, algorithm, progress);
    }
    if (r == 0 && !scFileIsRaw(vol->format)) {
        if (ftruncate(fd, 0) < 0) {
            scReportSystemError(SC_FROM_STORAGE, errno, "cannot wipe volume '%s'", vol->name);
            r = -1;
        } else {
            r = scFileQemuCreate(fd, &def, &backing, 0);
        }
    }
    scChainClear(&backing);
    close(fd);
    return r;
}

