/*
 * replay.c: the main of a fuzz target built without libFuzzer: it replays
 * the files named on its command line through LLVMFuzzerTestOneInput, each
 * from a buffer of its exact size so that ASan or valgrind sees an
 * overread (make check runs each target over its seed corpus). Exit
 * status 0, 1 if a file cannot be read or the target's fuzzReplayEnd (if
 * it has one: what to undo after the last input) fails.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int fuzzReplayEnd(void) __attribute__((weak));

/* Reads @path into *@data (malloc'ed, exactly its size). Its size, or -1. */
static long
readAll(const char *path, unsigned char **data)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;

    if (!f)
        return -1;
    for (;;) {
        size_t n;

        if (len == cap) {
            unsigned char *grown = realloc(buf, cap = cap ? cap * 2 : 65536);

            if (!grown) {
                free(buf);
                fclose(f);
                return -1;
            }
            buf = grown;
        }
        if ((n = fread(buf + len, 1, cap - len, f)) == 0)
            break;
        len += n;
    }
    if (ferror(f)) {
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    /* Exactly @len bytes: the slack of @buf would hide an overread. */
    if (!(*data = malloc(len ? len : 1))) {
        free(buf);
        return -1;
    }
    if (len)
        memcpy(*data, buf, len);
    free(buf);
    return (long) len;
}

int
main(int argc, char **argv)
{
    int status = 0;

    for (int i = 1; i < argc; i++) {
        unsigned char *data = NULL;
        long len = readAll(argv[i], &data);

        if (len < 0) {
            fprintf(stderr, "%s: cannot read '%s'\n", argv[0], argv[i]);
            status = 1;
            continue;
        }
        LLVMFuzzerTestOneInput(data, (size_t) len);
        free(data);
    }
    if (fuzzReplayEnd && fuzzReplayEnd() < 0)
        status = 1;
    return status;
}
