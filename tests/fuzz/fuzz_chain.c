/*
 * fuzz_chain.c: the chain walk (backends/common/chain.c) on hostile sets of
 * images.
 *
 * An input is up to four files, separated by the eight bytes "SCFILE::":
 * they are written as a.img, b.img, c.img and d.img into a pool directory
 * (with a sibling directory outside it holding "secret"), and the chain of
 * a.img is walked under the pool's rules. Whatever the bytes, the walk
 * must end, accept only files inside the pool, and free everything; the
 * qemu description of an accepted chain must be made.
 *
 * Built with -DSC_FUZZING_LIBFUZZER it is a libFuzzer target, e.g. from the
 * source tree (after configure):
 *     clang -g -O1 -fsanitize=fuzzer,address,undefined -DSC_FUZZING_LIBFUZZER \
 *         -I. -Iinclude -Isrc tests/fuzz/fuzz_chain.c backends/common/chain.c \
 *         backends/common/probe*.c src/util/error.c src/util/util.c -luuid -o fuzz_chain
 *     cp -r tests/fuzz/corpus/chain work && ./fuzz_chain -max_total_time=60 work
 * Without it, linked with tests/fuzz/replay.c, it replays the files named on its command line (make check
 * runs it over tests/fuzz/corpus/chain through tests/fuzz_chain.test):
 * exit status 0, 1 if a file cannot be read; a broken rule aborts.
 */
#include <config.h>

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/common/chain.h"
#include "util/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[PATH_MAX]; /* a directory of our own, made once */
static char pool[PATH_MAX + 8];

static void
setup_once(void)
{
    char tmpl[] = "/tmp/fuzz-chain.XXXXXX";
    char *dir;
    FILE *f;

    if (root[0])
        return;
    if (!(dir = mkdtemp(tmpl)) || !realpath(dir, root))
        abort();
    snprintf(pool, sizeof(pool), "%s/pool", root);
    char outside[PATH_MAX + 16];
    snprintf(outside, sizeof(outside), "%s/outside", root);
    if (mkdir(pool, 0700) < 0 || mkdir(outside, 0700) < 0)
        abort();
    strcat(outside, "/secret");
    if (!(f = fopen(outside, "w")))
        abort();
    fputs("secret\n", f);
    fclose(f);
}

static void
write_file(const char *name, const uint8_t *data, size_t len)
{
    char path[PATH_MAX + 16];
    int fd;

    snprintf(path, sizeof(path), "%s/%s", pool, name);
    unlink(path);
    if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
        abort();
    if (len && write(fd, data, len) != (ssize_t) len)
        abort();
    close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = { "a.img", "b.img", "c.img", "d.img" };
    scChainRules rules = { pool, NULL, NULL };
    char path[PATH_MAX + 16];
    size_t start = 0, n = 0;
    scChain chain;
    int fd;

    setup_once();
    /* Split the input into the four files (absent ones are empty). */
    for (size_t i = 0; i + 8 <= size && n < 3; i++) {
        if (memcmp(data + i, "SCFILE::", 8) == 0) {
            write_file(names[n++], data + start, i - start);
            start = i + 8;
            i += 7;
        }
    }
    write_file(names[n++], data + start, size - start);
    for (; n < 4; n++)
        write_file(names[n], NULL, 0);

    snprintf(path, sizeof(path), "%s/a.img", pool);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        abort();
    if (scChainWalk(fd, path, NULL, &rules, &chain) == 0) {
        char *spec;
        size_t plen = strlen(pool);
        /* Every file of an accepted chain lies in the pool. */
        for (size_t i = 0; i < chain.n; i++)
            if (strncmp(chain.links[i].path, pool, plen) != 0 || chain.links[i].path[plen] != '/')
                abort();
        if ((spec = scChainQemuSpec(&chain, 3, false)))
            free(spec);
        scChainClear(&chain);
    }
    scResetLastError();
    close(fd);
    return 0;
}

/* After the last input of a replay (tests/fuzz/replay.c): the files the
 * inputs were written to go. */
int fuzzReplayEnd(void);

int
fuzzReplayEnd(void)
{
    char cmd[PATH_MAX + 16];

    if (!root[0])
        return 0;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}
