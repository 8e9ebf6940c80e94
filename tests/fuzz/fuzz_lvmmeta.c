/*
 * fuzz_lvmmeta.c: a libFuzzer target for the reader of an LVM2 PV's label,
 * metadata area header and metadata text (backends/common/lvmmeta.c): any
 * bytes are a device image read through scLvmMetaRead: as a whole device,
 * as the head of a 16 MiB one that reads as zeroes past it (lvm2's areas
 * are larger than a seed), and as the head of one whose further reads fail
 * (as a device that vanishes between two reads).
 *
 * Built with -DSC_FUZZING_LIBFUZZER it is a libFuzzer target, e.g. from the
 * source tree:
 *     clang -g -O1 -fsanitize=fuzzer,address,undefined -DSC_FUZZING_LIBFUZZER \
 *         -I. -Iinclude -Isrc -I<build dir> \
 *         tests/fuzz/fuzz_lvmmeta.c backends/common/lvmmeta.c src/util/error.c -o fuzz_lvmmeta
 *     cp -r tests/fuzz/corpus/lvmmeta work    # libFuzzer adds to its corpus
 *     ./fuzz_lvmmeta -max_total_time=60 work
 * Without it, linked with tests/fuzz/replay.c, it replays the files named on its command
 * line (make check runs it over tests/fuzz/corpus/lvmmeta through
 * tests/fuzz_lvmmeta.test), each from a buffer of its exact size so that
 * ASan or valgrind sees an overread: exit status 0, 1 if a file cannot be
 * read; a result that breaks the reader's promises aborts, as under
 * libFuzzer. tests/fuzz/make-lvmmeta-corpus.sh wrote the seeds.
 */
#include <config.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/common/lvmmeta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    const uint8_t *data;
    size_t size;
    bool zeroes; /* past data, zeroes rather than a failed read */
} Image;

#define ZERO_SIZE (16u << 20)

static int
image_read(void *opaque, uint64_t offset, void *buf, size_t len)
{
    const Image *img = opaque;
    size_t have;

    if (!img->zeroes && (offset > img->size || len > img->size - offset))
        return -1;
    if (img->zeroes && (offset > ZERO_SIZE || len > ZERO_SIZE - offset))
        abort(); /* the reader read past the size it was given */
    have = offset >= img->size ? 0 : img->size - offset < len ? img->size - offset : len;
    if (have)
        memcpy(buf, img->data + offset, have);
    memset((char *) buf + have, 0, len - have);
    return 0;
}

/* What the reader promises of a result. */
static void
check(int r, const scLvmPvMeta *meta, const char *why)
{
    if (r < -1 || r > 1 || (r < 1 && !why) || (r == 1) != meta->has_meta)
        abort();
    if (r >= 0 && strlen(meta->pv_uuid) != 32)
        abort();
    if (r == 1 && (strlen(meta->vg_name) == 0 || strlen(meta->vg_name) > SC_LVM_NAME_MAX ||
                   strlen(meta->vg_id) == 0 || meta->text_size == 0))
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Image img = { data, size, false };
    scLvmPvMeta meta;
    const char *why = NULL;
    int r;

    r = scLvmMetaRead(image_read, &img, size, &meta, &why);
    check(r, &meta, why);
    why = NULL;
    r = scLvmMetaRead(image_read, &img, (uint64_t) size * 2 + 65536, &meta, &why);
    check(r, &meta, why);
    if (size <= ZERO_SIZE) {
        img.zeroes = true;
        why = NULL;
        r = scLvmMetaRead(image_read, &img, ZERO_SIZE, &meta, &why);
        check(r, &meta, why);
    }
    return 0;
}
