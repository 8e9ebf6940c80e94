/*
 * fuzz_probe.c: a libFuzzer target for the image header probe: any bytes
 * go to scProbeBuffer, once as a whole file and once as the head of a
 * larger one (so that both "past the end of the file" and "beyond what was
 * read" are reached).
 *
 * Built with -DSC_FUZZING_LIBFUZZER it is a libFuzzer target, e.g. from the
 * source tree:
 *     clang -g -O1 -fsanitize=fuzzer,address,undefined -DSC_FUZZING_LIBFUZZER \
 *         -I. -Iinclude -Isrc \
 *         tests/fuzz/fuzz_probe.c backends/common/probe*.c src/util/error.c -o fuzz_probe
 *     cp -r tests/fuzz/corpus/probe work    # libFuzzer adds to its corpus
 *     ./fuzz_probe -max_total_time=60 work
 * Without it, linked with tests/fuzz/replay.c, it replays the files named on its command
 * line (make check runs it over tests/fuzz/corpus/probe through
 * tests/fuzz_probe.test), each from a buffer of its exact size so that
 * ASan or valgrind sees an overread: exit status 0, 1 if a file cannot be
 * read; a probe failure aborts, as under libFuzzer.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/common/probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    scProbeResult res = { 0 };

    if (scProbeBuffer(data, size, size, &res) < 0)
        abort(); /* only OOM fails, and that is a finding here */
    scProbeResultClear(&res);
    if (scProbeBuffer(data, size, (unsigned long long) size * 3 + 4096, &res) < 0)
        abort();
    scProbeResultClear(&res);
    return 0;
}
