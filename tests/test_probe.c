/*
 * test_probe.c: the image header probe (backends/common/probe.c).
 *
 * Three tables, one line per case:
 *  - images made at test time by qemu-img in a fresh directory (skipped,
 *    saying why, where there is no qemu-img; QEMU_IMG names another one,
 *    QEMU_IMG= pretends there is none), each probed from the file and from
 *    its first 64 KiB, then cut at every length up to 512 bytes and at the
 *    places its format points to, then mutated at random;
 *  - hand-built headers, hostile ones above all: offsets past the end of
 *    the file, lengths that overflow, NULs in names;
 *  - random bytes, alone and behind every magic.
 * Nothing may crash or read out of bounds (the suite also runs under ASan,
 * UBSan and valgrind); each buffer handed to scProbeBuffer is allocated to
 * its exact length so that ASan sees any overread.
 */
#include <config.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "util/internal.h"
#include "backends/common/probe.h"

#define KiB 1024ULL
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)

/* qemu-img arguments for a secret the encrypted formats need; iter-time
 * keeps key derivation from taking seconds. */
#define SECRET "--object secret,id=sec0,data=abc "

/* The bytes of the file given to scProbeBuffer, as scProbeFile reads them. */
#define HEAD_SIZE (64 * 1024)

/* One image: how qemu-img makes it, then what the probe must say. */
typedef struct {
    const char *file;            /* made in the temporary directory */
    const char *create;          /* qemu-img create arguments before the file (@DIR@: the
                                    directory), or NULL: made by the test or an earlier line */
    const char *size;            /* the size argument, or NULL (the backing file's) */
    const char *format;          /* expected format, */
    unsigned long long capacity; /* capacity in bytes, */
    const char *backing;         /* backing path (@DIR@: the directory), */
    const char *backing_format;  /* backing format, */
    const char *compat;          /* qcow2 compat, */
    bool lazy;                   /* lazy refcounts, */
    unsigned long long cluster;  /* cluster size, */
    const char *encryption;      /* and encryption */
} imageCase;

/* In order of creation: a backing file comes before its children. */
/* clang-format off */
static const imageCase images[] = {
    /* file            create                                     size   format   capacity     backing               bfmt     compat  lazy   cluster      encryption */
    { "raw.img",       "-f raw",                                  "1M",  "raw",   1 * MiB,     NULL,                 NULL,    NULL,   false, 0,           NULL },
    { "base.img",      "-f raw",                                  "2M",  "raw",   2 * MiB,     NULL,                 NULL,    NULL,   false, 0,           NULL },
    { "v2.qcow2",      "-f qcow2 -o compat=0.10",                 "1M",  "qcow2", 1 * MiB,     NULL,                 NULL,    "0.10", false, 64 * KiB,    NULL },
    { "v3.qcow2",      "-f qcow2 -o compat=1.1",                  "3G",  "qcow2", 3 * GiB,     NULL,                 NULL,    "1.1",  false, 64 * KiB,    NULL },
    { "lazy.qcow2",    "-f qcow2 -o compat=1.1,lazy_refcounts=on", "1M", "qcow2", 1 * MiB,     NULL,                 NULL,    "1.1",  true,  64 * KiB,    NULL },
    { "c64k.qcow2",    "-f qcow2 -o cluster_size=65536",          "5M",  "qcow2", 5 * MiB,     NULL,                 NULL,    "1.1",  false, 64 * KiB,    NULL },
    { "c2m.qcow2",     "-f qcow2 -o cluster_size=2M",             "10G", "qcow2", 10 * GiB,    NULL,                 NULL,    "1.1",  false, 2 * MiB,     NULL },
    { "c512.qcow2",    "-f qcow2 -o cluster_size=512",            "1M",  "qcow2", 1 * MiB,     NULL,                 NULL,    "1.1",  false, 512,         NULL },
    { "abs.qcow2",     "-f qcow2 -b @DIR@/base.img -F raw",       NULL,  "qcow2", 2 * MiB,     "@DIR@/base.img",     "raw",   "1.1",  false, 64 * KiB,    NULL },
    { "rel.qcow2",     "-f qcow2 -b base.img -F raw",             NULL,  "qcow2", 2 * MiB,     "base.img",           "raw",   "1.1",  false, 64 * KiB,    NULL },
    { "v2back.qcow2",  "-f qcow2 -o compat=0.10 -b base.img -F raw", NULL, "qcow2", 2 * MiB,   "base.img",           "raw",   "0.10", false, 64 * KiB,    NULL },
    { "chain.qcow2",   "-f qcow2 -b v3.qcow2 -F qcow2",           NULL,  "qcow2", 3 * GiB,     "v3.qcow2",           "qcow2", "1.1",  false, 64 * KiB,    NULL },
    { "big.qcow2",     "-f qcow2 -b base.img -F raw",             "1T",  "qcow2", 1024 * GiB,  "base.img",           "raw",   "1.1",  false, 64 * KiB,    NULL },
    { "luks.qcow2",    SECRET "-f qcow2 -o encrypt.format=luks,encrypt.key-secret=sec0,encrypt.iter-time=200", "1M", "qcow2", 1 * MiB, NULL, NULL, "1.1", false, 64 * KiB, "luks" },
    { "aes.qcow2",     SECRET "-f qcow2 -o encrypt.format=aes,encrypt.key-secret=sec0", "1M", "qcow2", 1 * MiB, NULL,             NULL,    "1.1",  false, 64 * KiB,    "aes" },
    { "v1.qcow",       "-f qcow",                                 "1M",  "qcow",  1 * MiB,     NULL,                 NULL,    NULL,   false, 4 * KiB,     NULL },
    { "v1back.qcow",   "-f qcow -b base.img -F raw",              NULL,  "qcow",  2 * MiB,     "base.img",           NULL,    NULL,   false, 512,         NULL },
    { "v1aes.qcow",    SECRET "-f qcow -o encrypt.format=aes,encrypt.key-secret=sec0", "1M", "qcow", 1 * MiB, NULL,       NULL,    NULL,   false, 4 * KiB,     "aes" },
    { "back.qed",      "-f qed -b base.img -F raw",               NULL,  "qed",   2 * MiB,     "base.img",           "raw",   NULL,   false, 64 * KiB,    NULL },
    { "plain.qed",     "-f qed -o cluster_size=131072",           "5M",  "qed",   5 * MiB,     NULL,                 NULL,    NULL,   false, 128 * KiB,   NULL },
    { "sparse.vmdk",   "-f vmdk",                                 "5M",  "vmdk",  5 * MiB,     NULL,                 NULL,    NULL,   false, 0,           NULL },
    { "child.vmdk",    "-f vmdk -b sparse.vmdk -F vmdk",          NULL,  "vmdk",  5 * MiB,     "sparse.vmdk",        "vmdk",  NULL,   false, 0,           NULL },
    { "stream.vmdk",   "-f vmdk -o subformat=streamOptimized",    "7M",  "vmdk",  7 * MiB,     NULL,                 NULL,    NULL,   false, 0,           NULL },
    { "flat.vmdk",     "-f vmdk -o subformat=monolithicFlat",     "4M",  "vmdk",  4 * MiB,     NULL,                 NULL,    NULL,   false, 0,           NULL },
    { "flat-flat.vmdk", NULL,                                     NULL,  "raw",   4 * MiB,     NULL,                 NULL,    NULL,   false, 0,           NULL },
    { "disk.vdi",      "-f vdi",                                  "3M",  "vdi",   3 * MiB,     NULL,                 NULL,    NULL,   false, 0,           NULL },
    /* qemu rounds a vpc to its CHS geometry unless force_size is on. */
    { "dynamic.vhd",   "-f vpc",                                  "16M", "vpc",   16781312,    NULL,                 NULL,    NULL,   false, 0,           NULL },
    { "fixed.vhd",     "-f vpc -o subformat=fixed",               "16M", "vpc",   16781312,    NULL,                 NULL,    NULL,   false, 0,           NULL },
    { "forced.vhd",    "-f vpc -o force_size=on",                 "16M", "vpc",   16 * MiB,    NULL,                 NULL,    NULL,   false, 0,           NULL },
    { "disk.vhdx",     "-f vhdx",                                 "16M", "vhdx",  16 * MiB,    NULL,                 NULL,    NULL,   false, 0,           NULL },
    { "big.vhdx",      "-f vhdx",                                 "64G", "vhdx",  64 * GiB,    NULL,                 NULL,    NULL,   false, 0,           NULL },
    { "disk.luks",     SECRET "-f luks -o key-secret=sec0,iter-time=200", "1M", "luks", 1 * MiB, NULL,                NULL,    NULL,   false, 0,           "luks" },
    /* Made by makeIso(): a primary volume descriptor at 32 KiB. */
    { "disc.iso",      NULL,                                      NULL,  "iso",   48 * KiB,    NULL,                 NULL,    NULL,   false, 0,           NULL },
};
/* clang-format on */

#define N_IMAGES (sizeof(images) / sizeof(images[0]))

static char *tmpdir;             /* the images; kept if a test failed */
static const char *qemu_img;     /* absolute path, or NULL */
static char *made_log[N_IMAGES]; /* qemu-img's output where it failed */
static size_t tests_run;         /* tests begun and ... */
static size_t tests_passed;      /* ... ended without failing (skips count) */

/* ---- helpers ---------------------------------------------------------- */

/* @s with every "@DIR@" replaced by the temporary directory (malloc'ed). */
static char *
expand(const char *s)
{
    size_t dl = strlen(tmpdir), n = 0;
    char *out, *o;

    for (const char *p = s; (p = strstr(p, "@DIR@")); p += 5)
        n++;
    out = o = malloc(strlen(s) + n * dl + 1);
    assert_non_null(out);
    while (*s) {
        if (strncmp(s, "@DIR@", 5) == 0) {
            memcpy(o, tmpdir, dl);
            o += dl;
            s += 5;
        } else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}

static char *
inDir(const char *file)
{
    char *p = NULL;

    assert_true(asprintf(&p, "%s/%s", tmpdir, file) > 0);
    return p;
}

/* qemu-img from $QEMU_IMG or $PATH; NULL if there is none. */
static const char *
findQemuImg(void)
{
    static char found[4096];
    const char *env = getenv("QEMU_IMG");
    const char *path = getenv("PATH");

    if (env)
        return *env && access(env, X_OK) == 0 ? env : NULL;
    while (path && *path) {
        size_t n = strcspn(path, ":");

        if (n > 0 && n < sizeof(found) - 10) {
            snprintf(found, sizeof(found), "%.*s/qemu-img", (int) n, path);
            if (access(found, X_OK) == 0)
                return found;
        }
        path += n + (path[n] == ':');
    }
    return NULL;
}

/* Runs qemu-img create for @c in the temporary directory. Returns NULL, or
 * what it printed if it failed (malloc'ed). */
static char *
runQemuImg(const imageCase *c)
{
    char *args = expand(c->create), *log = inDir("qemu-img.log"), *save = NULL, *out;
    const char *argv[64];
    size_t n = 0;
    int status = -1;
    pid_t pid;

    argv[n++] = qemu_img;
    argv[n++] = "create";
    argv[n++] = "-q";
    for (char *w = strtok_r(args, " ", &save); w && n < 60; w = strtok_r(NULL, " ", &save))
        argv[n++] = w;
    argv[n++] = c->file;
    if (c->size)
        argv[n++] = c->size;
    argv[n] = NULL;
    fflush(NULL);
    if ((pid = fork()) == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

        if (fd < 0 || chdir(tmpdir) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
            _exit(127);
        execv(qemu_img, (char *const *) argv);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, &status, 0);
    out = WIFEXITED(status) && WEXITSTATUS(status) == 0 ? NULL : testReadFile(log);
    if (status != 0 && !out)
        out = strdup("qemu-img did not run");
    unlink(log);
    free(log);
    free(args);
    return out;
}

/* Writes an iso9660 image of @size bytes: zeros, then the "CD001" primary
 * volume descriptor in sector 16 and the terminator in sector 17. */
static void
makeIso(const char *path, size_t size)
{
    unsigned char *img = calloc(1, size);
    FILE *f = fopen(path, "wb");

    assert_non_null(img);
    assert_non_null(f);
    memcpy(img + 0x8000, "\001CD001\001", 7);
    memcpy(img + 0x8800, "\377CD001\001", 7);
    assert_int_equal(fwrite(img, 1, size, f), size);
    assert_int_equal(fclose(f), 0);
    free(img);
}

/* Probes @len bytes of @data copied to a buffer of exactly that size.
 * Every result must have a format. */
static void
probeBytes(const unsigned char *data, size_t len, unsigned long long file_size, scProbeResult *res)
{
    unsigned char *copy = malloc(len ? len : 1);

    assert_non_null(copy);
    if (len)
        memcpy(copy, data, len);
    assert_sc_ok(scProbeBuffer(copy, len, file_size, res) == 0);
    assert_non_null(res->format);
    free(copy);
}

static void
probePath(const char *path, scProbeResult *res)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    assert_true(fd >= 0);
    assert_int_equal(fstat(fd, &st), 0);
    assert_sc_ok(scProbeFile(fd, &st, path, res) == 0);
    close(fd);
    assert_non_null(res->format);
}

/* Reads up to @max bytes of @path into *@buf; returns how many. */
static size_t
readHead(const char *path, size_t max, unsigned char **buf)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    assert_true(fd >= 0);
    *buf = malloc(max);
    assert_non_null(*buf);
    n = pread(fd, *buf, max, 0);
    assert_true(n >= 0);
    close(fd);
    return (size_t) n;
}

static void
assert_str_or_null(const char *got, const char *want, const char *what, const char *file)
{
    if (!want && !got)
        return;
    if (!want || !got || strcmp(want, got) != 0)
        fail_msg("%s: %s is '%s', expected '%s'", file, what, got ? got : "(null)",
                 want ? want : "(null)");
}

/* ---- images made by qemu-img ----------------------------------------- */

static void
checkImage(const imageCase *c, const scProbeResult *res)
{
    _cleanup_free_ char *backing = c->backing ? expand(c->backing) : NULL;

    assert_str_or_null(res->format, c->format, "format", c->file);
    if (res->capacity != c->capacity)
        fail_msg("%s: capacity %llu, expected %llu", c->file, res->capacity, c->capacity);
    assert_str_or_null(res->backing_path, backing, "backing path", c->file);
    assert_str_or_null(res->backing_format, c->backing_format, "backing format", c->file);
    assert_str_or_null(res->compat, c->compat, "compat", c->file);
    assert_str_or_null(res->encryption, c->encryption, "encryption", c->file);
    assert_str_or_null(res->problem, NULL, "problem", c->file);
    assert_int_equal(res->lazy_refcounts, c->lazy);
    assert_int_equal(res->cluster_size, c->cluster);
}

/* The image cut short, in a buffer and in a file: at every length up to
 * 512 bytes, then at @cuts (the places the formats point to). */
static void
checkTruncated(const imageCase *c, const char *path, unsigned long long size)
{
    static const size_t cuts[] = { 513, 1024, 2048, 4096, 8192, 0x8001, 0x8005, HEAD_SIZE };
    _cleanup_free_ char *cut_path = inDir("cut.tmp");
    _cleanup_free_ unsigned char *head = NULL;
    size_t len = readHead(path, HEAD_SIZE, &head);

    for (size_t i = 0; i <= 512 + SC_N_ELEMENTS(cuts); i++) {
        size_t n = i <= 512 ? i : cuts[i - 513];
        scProbeResult res = { 0 };

        if (n > len)
            break;
        /* A truncated file, then the head of a whole one. */
        probeBytes(head, n, n, &res);
        scProbeResultClear(&res);
        probeBytes(head, n, size, &res);
        if (strcmp(res.format, "raw") != 0 && n >= 8 && strcmp(c->format, "raw") != 0 &&
            strcmp(c->format, "vpc") != 0) /* a fixed vpc needs its end */
            assert_str_or_null(res.format, c->format, "format of a head", c->file);
        scProbeResultClear(&res);
        if (i % 64 == 0 || i > 512) {
            FILE *f = fopen(cut_path, "wb");

            assert_non_null(f);
            assert_int_equal(fwrite(head, 1, n, f), n);
            assert_int_equal(fclose(f), 0);
            probePath(cut_path, &res);
            scProbeResultClear(&res);
        }
    }
    unlink(cut_path);
}

/* The head with a few bytes changed at random, many times. */
static void
checkMutated(const char *path, unsigned long long size, unsigned int seed)
{
    _cleanup_free_ unsigned char *head = NULL;
    size_t len = readHead(path, 4096, &head);

    if (len == 0)
        return;
    for (int round = 0; round < 300; round++) {
        unsigned char *m = malloc(len);
        scProbeResult res = { 0 };
        int flips = 1 + rand_r(&seed) % 8;

        assert_non_null(m);
        memcpy(m, head, len);
        for (int f = 0; f < flips; f++) {
            /* Mostly within the fixed headers, where the offsets are. */
            size_t at = (size_t) rand_r(&seed) % (round % 2 ? len : (len < 128 ? len : 128));

            m[at] = (unsigned char) (round % 3 == 0 ? 0xff : rand_r(&seed));
        }
        probeBytes(m, len, len, &res);
        scProbeResultClear(&res);
        probeBytes(m, len, size, &res);
        scProbeResultClear(&res);
        free(m);
    }
}

static void
test_image(void **state)
{
    const imageCase *c = *state;
    size_t idx = (size_t) (c - images);
    _cleanup_free_ char *path = inDir(c->file);
    _cleanup_free_ unsigned char *head = NULL;
    scProbeResult res = { 0 };
    struct stat st;
    size_t len;

    tests_run++;
    if (made_log[idx])
        fail_msg("qemu-img create %s failed: %s", c->file, made_log[idx]);
    if (stat(path, &st) < 0) {
        print_message("# %s: not made: %s\n", c->file,
                      qemu_img ? "its source image was not made"
                               : "no qemu-img (Debian: qemu-utils)");
        tests_passed++;
        skip();
    }

    probePath(path, &res);
    checkImage(c, &res);
    scProbeResultClear(&res);

    /* The first 64 KiB alone: the same format; what needs more is unset. */
    len = readHead(path, HEAD_SIZE, &head);
    probeBytes(head, len, (unsigned long long) st.st_size, &res);
    assert_null(res.problem);
    /* A fixed vpc has its footer at the end only: from its head, raw. */
    if (!(strcmp(c->format, "vpc") == 0 && strcmp(res.format, "raw") == 0)) {
        assert_str_or_null(res.format, c->format, "format from the head", c->file);
        if (res.capacity != 0 && res.capacity != c->capacity)
            fail_msg("%s: capacity from the head %llu, expected %llu", c->file, res.capacity,
                     c->capacity);
    }
    scProbeResultClear(&res);

    checkTruncated(c, path, (unsigned long long) st.st_size);
    checkMutated(path, (unsigned long long) st.st_size, (unsigned int) idx + 1);
    tests_passed++;
}

static int
setupImages(void **state)
{
    _cleanup_free_ char *iso = NULL;

    (void) state;
    tmpdir = testTmpDirMake("probe");
    if (!tmpdir)
        return -1;
    iso = inDir("disc.iso");
    makeIso(iso, 48 * 1024);
    qemu_img = findQemuImg();
    if (!qemu_img) {
        print_message("# no qemu-img (Debian: qemu-utils): the qemu-img cases are skipped\n");
        return 0;
    }
    for (size_t i = 0; i < N_IMAGES; i++) {
        if (!images[i].create)
            continue;
        /* qemu-img times its LUKS key derivation by CPU time and gives up
         * when a loaded machine lets it run too little ("Unable to get
         * accurate CPU usage"; a thread's CPU time advances by the tick):
         * more tries, nothing else is retried (five were not enough under
         * AddressSanitizer beside a benchmark on two CPUs). */
        for (int try = 0; try < 20; try++) {
            free(made_log[i]);
            made_log[i] = runQemuImg(&images[i]);
            if (!made_log[i] || !strstr(made_log[i], "accurate CPU usage"))
                break;
        }
    }
    return 0;
}

static int
teardownImages(void **state)
{
    (void) state;
    for (size_t i = 0; i < N_IMAGES; i++)
        free(made_log[i]);
    if (tests_passed == tests_run) {
        testTmpDirRemove(tmpdir);
    } else {
        print_message("# kept %s\n", tmpdir);
        free(tmpdir);
    }
    tmpdir = NULL;
    return 0;
}

/* ---- hand-built headers ----------------------------------------------- */

typedef struct {
    size_t off;        /* where in the buffer */
    const char *bytes; /* what goes there */
    size_t n;          /* how many bytes */
} patch;

/* clang-format off */
#define P(off, lit) { (off), (lit), sizeof(lit) - 1 }
/* clang-format on */

/* One hand-built header and what the probe must say of it. */
typedef struct {
    const char *name;             /* what the case shows */
    size_t len;                   /* the buffer: zeros, then the patches that fit */
    unsigned long long file_size; /* the file's size; 0: @len */
    patch p[16];                  /* bytes to write, in order */
    const char *format;           /* expected format, */
    unsigned long long capacity;  /* capacity, */
    const char *backing;          /* backing path, */
    const char *backing_format;   /* backing format, */
    const char *problem;          /* and a part of the problem, or NULL for none */
} headerCase;

/* clang-format off */
/* A valid qcow2 v3: 64 KiB clusters, 1 MiB, header_length 104. */
#define QCOW2_OK P(0, "QFI\xfb\0\0\0\3"), P(20, "\0\0\0\x10"), P(24, "\0\0\0\0\0\x10\0\0"), \
                 P(100, "\0\0\0\x68")
/* A valid qed: 64 KiB clusters, 1 MiB, a raw backing file name at 512. */
#define QED_OK P(0, "QED\0"), P(4, "\0\0\1\0"), P(16, "\x05"), P(48, "\0\0\x10\0\0\0\0\0"), \
               P(56, "\0\2\0\0"), P(60, "\x08\0\0\0"), P(512, "base.img")
/* A vmdk sparse extent of 2048 sectors, descriptor in sector 1. */
#define VMDK_OK P(0, "KDMV\1\0\0\0"), P(12, "\0\x08\0\0\0\0\0\0"), P(28, "\1"), P(36, "\1")
#define VDI_OK P(0x40, "\x7f\x10\xda\xbe\x01\0\x01\0"), P(0x170, "\0\0\x30\0\0\0\0\0")
/* GUIDs of the vhdx metadata region and of its virtual disk size item. */
#define GUID_META "\x06\xa2\x7c\x8b\x90\x47\x9a\x4b\xb8\xfe\x57\x5f\x05\x0f\x88\x6e"
#define GUID_SIZE "\x24\x42\xa5\x2f\x1b\xcd\x76\x48\xb2\x11\x5d\xbe\xd8\x3b\xf4\xb8"
/* A vhdx whose metadata region (256 bytes at 0x50000) says 0x123456000. */
#define VHDX_OK P(0, "vhdxfile"), P(0x30000, "regi\0\0\0\0\1"), P(0x30010, GUID_META), \
                P(0x30020, "\0\0\5\0"), P(0x30028, "\0\1"), P(0x50000, "metadata\0\0\1"), \
                P(0x50020, GUID_SIZE), P(0x50030, "\x80\0\0\0\x08"), P(0x50080, "\0\x60\x45\x23\x01")
#define VHDX_LEN 0x50100
#define VHDX_SIZE 0x123456000ULL
#define DESC "# Disk DescriptorFile\n"

static const headerCase headers[] = {
    /* name                          len       file_size  patches                                                  format   capacity  backing     bfmt   problem */
    { "qcow2",                       512,      0,         { QCOW2_OK },                                            "qcow2", 1 * MiB,  NULL,       NULL,  NULL },
    { "qcow2 backing",               1024,     0,         { QCOW2_OK, P(8, "\0\0\0\0\0\0\2\0"), P(16, "\0\0\0\x08"), P(512, "base.img"), P(104, "\xe2\x79\x2a\xca\0\0\0\x03raw") }, "qcow2", 1 * MiB, "base.img", "raw", NULL },
    { "qcow2 backing past EOF",      512,      0,         { QCOW2_OK, P(8, "\0\0\0\0\0\1\0\0"), P(16, "\0\0\0\x08") }, "qcow2", 1 * MiB, NULL,  NULL,  "past the end" },
    { "qcow2 backing beyond head",   512,      1 * MiB,   { QCOW2_OK, P(8, "\0\0\0\0\0\1\0\0"), P(16, "\0\0\0\x08") }, "qcow2", 1 * MiB, NULL,  NULL,  NULL },
    { "qcow2 backing offset wraps",  512,      0,         { QCOW2_OK, P(8, "\xff\xff\xff\xff\xff\xff\xff\xf8"), P(16, "\0\0\0\x10") }, "qcow2", 1 * MiB, NULL, NULL, "past the end" },
    { "qcow2 huge backing size",     512,      0,         { QCOW2_OK, P(8, "\0\0\0\0\0\0\1\0"), P(16, "\xff\xff\xff\xff") }, "qcow2", 1 * MiB, NULL, NULL, "more than 4096" },
    { "qcow2 NUL in backing name",   1024,     0,         { QCOW2_OK, P(8, "\0\0\0\0\0\0\2\0"), P(16, "\0\0\0\x08"), P(512, "ab\0cdefg") }, "qcow2", 1 * MiB, NULL, NULL, "NUL" },
    { "qcow2 bad cluster_bits",      512,      0,         { QCOW2_OK, P(20, "\xff\xff\xff\xff") },                 "qcow2", 1 * MiB,  NULL,       NULL,  "cluster_bits" },
    { "qcow2 huge header_length",    512,      0,         { QCOW2_OK, P(100, "\xff\xff\xff\xff") },                "qcow2", 1 * MiB,  NULL,       NULL,  NULL },
    { "qcow2 short header_length",   512,      0,         { QCOW2_OK, P(100, "\0\0\0\x10") },                      "qcow2", 1 * MiB,  NULL,       NULL,  "header_length" },
    { "qcow2 extension too long",    512,      0,         { QCOW2_OK, P(104, "\xe2\x79\x2a\xca\xff\xff\xff\xf0") }, "qcow2", 1 * MiB, NULL,       NULL,  "runs past" },
    { "qcow2 NUL in backing format", 512,      0,         { QCOW2_OK, P(104, "\xe2\x79\x2a\xca\0\0\0\x04r\0aw") }, "qcow2", 1 * MiB,  NULL,       NULL,  "NUL" },
    { "qcow2 size above INT64_MAX",  512,      0,         { QCOW2_OK, P(24, "\x80\0\0\0\0\0\0\0") },               "qcow2", 0,        NULL,       NULL,  "too large" },
    { "qcow2 unknown encryption",    512,      0,         { QCOW2_OK, P(32, "\0\0\0\x07") },                       "qcow2", 1 * MiB,  NULL,       NULL,  "encryption method" },
    { "qcow2 version 4 is raw",      512,      0,         { QCOW2_OK, P(4, "\0\0\0\4") },                          "raw",   512,      NULL,       NULL,  NULL },
    { "qcow2 cut by EOF",            40,       0,         { QCOW2_OK },                                            "qcow2", 0,        NULL,       NULL,  "truncated" },
    { "qcow huge backing size",      512,      0,         { P(0, "QFI\xfb\0\0\0\1"), P(8, "\0\0\0\0\0\0\1\0"), P(16, "\xff\xff\xff\xff"), P(32, "\x0c") }, "qcow", 0, NULL, NULL, "more than 4096" },
    { "qed",                         1024,     0,         { QED_OK },                                              "qed",   1 * MiB,  "base.img", "raw", NULL },
    { "qed backing past EOF",        1024,     0,         { QED_OK, P(56, "\0\0\1\0") },                           "qed",   1 * MiB,  NULL,       "raw", "past the end" },
    { "qed huge backing size",       1024,     0,         { QED_OK, P(60, "\xff\xff\xff\xff") },                   "qed",   1 * MiB,  NULL,       "raw", "more than 4096" },
    { "qed bad cluster size",        1024,     0,         { QED_OK, P(4, "\x01\x10\0\0") },                        "qed",   1 * MiB,  "base.img", "raw", "cluster size" },
    { "vmdk",                        1024,     0,         { VMDK_OK, P(512, DESC "parentFileNameHint=\"p.vmdk\"\n") }, "vmdk", 1 * MiB, "p.vmdk",   "vmdk", NULL },
    { "vmdk capacity overflows",     1024,     0,         { VMDK_OK, P(12, "\0\0\0\0\0\0\0\x80") },                "vmdk",  0,        NULL,       NULL,  "too large" },
    { "vmdk descriptor offset wraps", 1024,    0,         { VMDK_OK, P(28, "\0\0\0\0\0\0\0\x40") },                "vmdk",  1 * MiB,  NULL,       NULL,  "descriptor offset" },
    { "vmdk descriptor past EOF",    1024,     0,         { VMDK_OK, P(28, "\0\x10") },                            "vmdk",  1 * MiB,  NULL,       NULL,  "past the end" },
    { "vmdk huge descriptor size",   1024,     0,         { VMDK_OK, P(36, "\xff\xff\xff\xff\xff\xff\xff\xff") },  "vmdk",  1 * MiB,  NULL,       NULL,  "past the end" },
    { "vmdk unterminated hint",      1024,     0,         { VMDK_OK, P(512, DESC "parentFileNameHint=\"p.vmdk\n") }, "vmdk", 1 * MiB,  NULL,       NULL,  "quoted" },
    { "vmdk empty hint",             1024,     0,         { VMDK_OK, P(512, DESC "parentFileNameHint=\"\"\n") },   "vmdk",  1 * MiB,  NULL,       NULL,  "empty" },
    { "vmdk descriptor file",        100,      0,         { P(0, DESC "RW 2048 FLAT \"a\" 0\r\n  RDONLY 4096 SPARSE \"b\"\n") }, "vmdk", 3 * MiB, NULL, NULL, NULL },
    { "vmdk descriptor head",        100,      1 * MiB,   { P(0, DESC "RW 2048 FLAT \"a\" 0\n") },                 "vmdk",  0,        NULL,       NULL,  "more than 65536" },
    { "vmdk extent not a number",    100,      0,         { P(0, DESC "RW 99999999999999999999 FLAT \"a\"\n") },   "vmdk",  0,        NULL,       NULL,  "not a valid number" },
    { "vmdk extents sum overflows",  100,      0,         { P(0, DESC "RW 18446744073709551615 FLAT \"a\"\nRW 1 FLAT \"b\"\n") }, "vmdk", 0, NULL, NULL, "not a valid number" },
    { "vmdk extents in bytes wrap",  100,      0,         { P(0, DESC "RW 36028797018963968 FLAT \"a\"\n") },      "vmdk",  0,        NULL,       NULL,  "too large" },
    { "vdi",                         512,      0,         { VDI_OK },                                              "vdi",   3 * MiB,  NULL,       NULL,  NULL },
    { "vdi unknown version",         512,      0,         { VDI_OK, P(0x46, "\2") },                               "vdi",   0,        NULL,       NULL,  "version" },
    { "vpc footer copy cut",         20,       0,         { P(0, "conectix") },                                    "vpc",   0,        NULL,       NULL,  "truncated" },
    { "vpc footer at the end",       1024,     0,         { P(512, "conectix"), P(560, "\0\0\0\0\0\x20\0\0") },    "vpc",   2 * MiB,  NULL,       NULL,  NULL },
    { "vpc huge size",               1024,     0,         { P(512, "conectix"), P(560, "\xff\xff\xff\xff\xff\xff\xff\xff") }, "vpc", 0,   NULL,       NULL,  "too large" },
    { "luks1",                       4096,     0,         { P(0, "LUKS\xba\xbe\0\1"), P(104, "\0\0\0\x01") },     "luks",  3584,     NULL,       NULL,  NULL },
    { "luks1 payload past EOF",      4096,     0,         { P(0, "LUKS\xba\xbe\0\1"), P(104, "\xff\xff\xff\xff") }, "luks", 0,        NULL,       NULL,  "payload" },
    { "luks2",                       4096,     0,         { P(0, "LUKS\xba\xbe\0\2") },                            "luks",  0,        NULL,       NULL,  NULL },
    { "vhdx",                        VHDX_LEN, 0,         { VHDX_OK },                                             "vhdx",  VHDX_SIZE, NULL,      NULL,  NULL },
    { "vhdx head",                   0x1000,   VHDX_LEN,  { VHDX_OK },                                             "vhdx",  0,        NULL,       NULL,  NULL },
    { "vhdx region count huge",      VHDX_LEN, 0,         { VHDX_OK, P(0x30008, "\xff\xff\xff\xff") },             "vhdx",  0,        NULL,       NULL,  "region table has" },
    { "vhdx second region table",    VHDX_LEN, 0,         { VHDX_OK, P(0x30000, "xxxx"), P(0x40000, "regi\0\0\0\0\1"), P(0x40010, GUID_META), P(0x40020, "\0\0\5\0"), P(0x40028, "\0\1") }, "vhdx", VHDX_SIZE, NULL, NULL, NULL },
    { "vhdx no metadata region",     VHDX_LEN, 0,         { VHDX_OK, P(0x30010, "x") },                            "vhdx",  0,        NULL,       NULL,  "no metadata region" },
    { "vhdx metadata past EOF",      VHDX_LEN, 0,         { VHDX_OK, P(0x30020, "\0\0\0\0\0\0\0\x10") },           "vhdx",  0,        NULL,       NULL,  "past the end" },
    { "vhdx metadata wraps",         VHDX_LEN, 0,         { VHDX_OK, P(0x30020, "\xf0\xff\xff\xff\xff\xff\xff\xff") }, "vhdx", 0,      NULL,       NULL,  "past the end" },
    { "vhdx metadata count huge",    VHDX_LEN, 0,         { VHDX_OK, P(0x5000a, "\xff\x07") },                     "vhdx",  0,        NULL,       NULL,  "too many" },
    { "vhdx no metadata table",      VHDX_LEN, 0,         { VHDX_OK, P(0x50000, "x") },                            "vhdx",  0,        NULL,       NULL,  "no metadata table" },
    { "vhdx no size item",           VHDX_LEN, 0,         { VHDX_OK, P(0x50020, "x") },                            "vhdx",  0,        NULL,       NULL,  "no virtual disk size" },
    { "vhdx size item outside",      VHDX_LEN, 0,         { VHDX_OK, P(0x50030, "\xfc\0\0\0") },                   "vhdx",  0,        NULL,       NULL,  "outside" },
    { "vhdx size item too short",    VHDX_LEN, 0,         { VHDX_OK, P(0x50034, "\x04") },                         "vhdx",  0,        NULL,       NULL,  "outside" },
    { "iso9660",                     0x8800,   0,         { P(0x8001, "CD001") },                                  "iso",   0x8800,   NULL,       NULL,  NULL },
    { "empty",                       0,        0,         { { 0, NULL, 0 } },                                      "raw",   0,        NULL,       NULL,  NULL },
    { "zeros",                       4096,     8192,      { { 0, NULL, 0 } },                                      "raw",   8192,     NULL,       NULL,  NULL },
};
/* clang-format on */

/* The case's buffer: zeros and the patches that fit (malloc'ed). */
static unsigned char *
buildHeader(const headerCase *c)
{
    unsigned char *buf = calloc(1, c->len ? c->len : 1);

    assert_non_null(buf);
    for (size_t i = 0; i < SC_N_ELEMENTS(c->p) && c->p[i].bytes; i++)
        if (c->p[i].off + c->p[i].n <= c->len)
            memcpy(buf + c->p[i].off, c->p[i].bytes, c->p[i].n);
    return buf;
}

static void
test_headers(void **state)
{
    (void) state;
    tests_run++;
    for (size_t i = 0; i < SC_N_ELEMENTS(headers); i++) {
        const headerCase *c = &headers[i];
        _cleanup_free_ unsigned char *buf = buildHeader(c);
        unsigned long long size = c->file_size ? c->file_size : c->len;
        scProbeResult res = { 0 };

        probeBytes(buf, c->len, size, &res);
        assert_str_or_null(res.format, c->format, "format", c->name);
        if (res.capacity != c->capacity)
            fail_msg("%s: capacity %llu, expected %llu", c->name, res.capacity, c->capacity);
        assert_str_or_null(res.backing_path, c->backing, "backing path", c->name);
        assert_str_or_null(res.backing_format, c->backing_format, "backing format", c->name);
        if (!c->problem && res.problem)
            fail_msg("%s: unexpected problem '%s'", c->name, res.problem);
        if (c->problem && (!res.problem || !strstr(res.problem, c->problem)))
            fail_msg("%s: problem '%s', expected one with '%s'", c->name,
                     res.problem ? res.problem : "(null)", c->problem);
        scProbeResultClear(&res);

        /* And cut at every length up to 512 bytes. */
        for (size_t n = 0; n <= 512 && n <= c->len; n++) {
            probeBytes(buf, n, n, &res);
            scProbeResultClear(&res);
            probeBytes(buf, n, size, &res);
            scProbeResultClear(&res);
        }
    }
    tests_passed++;
}

/* ---- random bytes -------------------------------------------------------- */

static void
test_random(void **state)
{
    /* clang-format off */
    static const patch magics[] = {
        P(0, "QFI\xfb\0\0\0\1"), P(0, "QFI\xfb\0\0\0\2"), P(0, "QFI\xfb\0\0\0\3"),
        P(0, "QED\0"),           P(0, "KDMV"),            P(0, DESC "RW "),
        P(0x40, "\x7f\x10\xda\xbe\x01\0\x01\0"),          P(0, "conectix"),
        P(0, "vhdxfile"),        P(0, "LUKS\xba\xbe\0\1"), P(0x8001, "CD001"),
    };
    /* clang-format on */
    unsigned int seed = 20240601;

    (void) state;
    tests_run++;
    for (int round = 0; round < 4000; round++) {
        size_t len = (size_t) rand_r(&seed) % (round % 50 == 0 ? 0x9000 : 2048);
        unsigned char *buf = malloc(len ? len : 1);
        unsigned long long size = len;
        scProbeResult res = { 0 };

        assert_non_null(buf);
        for (size_t i = 0; i < len; i++)
            buf[i] = (unsigned char) (rand_r(&seed) % 4 ? rand_r(&seed) : 0);
        if (round % 2) {
            const patch *m = &magics[(size_t) rand_r(&seed) % SC_N_ELEMENTS(magics)];

            if (m->off + m->n <= len)
                memcpy(buf + m->off, m->bytes, m->n);
        }
        if (round % 3 == 0)
            size += (unsigned long long) rand_r(&seed) << (round % 40);
        assert_sc_ok(scProbeBuffer(buf, len, size, &res) == 0);
        assert_non_null(res.format);
        scProbeResultClear(&res);
        free(buf);
    }
    tests_passed++;
}

/* ---- scProbeFile's own errors ----------------------------------------- */

static void
test_file_errors(void **state)
{
    scProbeResult res = { .capacity = 42 };
    struct stat st;
    int fds[2];

    (void) state;
    tests_run++;
    /* A pipe has no size: an error naming it, the result untouched. */
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(fstat(fds[0], &st), 0);
    assert_sc_err(scProbeFile(fds[0], &st, "the-pipe", &res) == 0, SC_ERR_SYSTEM_ERROR);
    assert_non_null(strstr(scGetLastErrorMessage(), "'the-pipe'"));
    assert_int_equal(res.capacity, 42);
    assert_null(res.format);
    close(fds[0]);
    close(fds[1]);
    scProbeResultClear(NULL);
    scProbeResultClear(&res);
    scProbeResultClear(&res);
    tests_passed++;
}

int
main(void)
{
    struct CMUnitTest tests[N_IMAGES + 3];
    size_t n = 0;

    for (size_t i = 0; i < N_IMAGES; i++)
        tests[n++] = (struct CMUnitTest){
            .name = images[i].file,
            .test_func = test_image,
            .initial_state = (void *) &images[i],
        };
    tests[n++] = (struct CMUnitTest) cmocka_unit_test(test_headers);
    tests[n++] = (struct CMUnitTest) cmocka_unit_test(test_random);
    tests[n++] = (struct CMUnitTest) cmocka_unit_test(test_file_errors);
    return _cmocka_run_group_tests("probe", tests, n, setupImages, teardownImages);
}
