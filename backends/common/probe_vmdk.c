/*
 * probe_vmdk.c: VMware's vmdk, in its two shapes: a sparse extent (magic
 * "KDMV", little-endian) whose header gives the capacity and the place of
 * an embedded text descriptor, and a descriptor alone in a text file
 * ("# Disk DescriptorFile") naming flat or sparse extents beside it.
 *
 * The descriptor is lines of key="value" and extent lines
 * ("RW 2048 FLAT "disk-flat.vmdk" 0"). A child image names its parent in
 * parentFileNameHint; the parent is always a vmdk. Only a bounded prefix of
 * a descriptor is read and every number in it is checked for overflow.
 */
#include <config.h>

#include "probe_priv.h"

/* The most of a descriptor that is read (qemu's are a few hundred bytes). */
#define DESC_MAX (64 * 1024)

static const char desc_magic[] = "# Disk DescriptorFile";

/* Parses a decimal number at *@p, moving past it. Returns 0, or -1 if
 * there is no digit or it overflows. */
static int
parseDecimal(const char **p, uint64_t *val)
{
    const char *s = *p;
    uint64_t v = 0;

    if (*s < '0' || *s > '9')
        return -1;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *s - '0', &v))
            return -1;
    }
    *p = s;
    *val = v;
    return 0;
}

static const char *
skipBlanks(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* If @line starts with @word and a blank, returns what follows the blanks. */
static const char *
afterWord(const char *line, const char *word)
{
    size_t n = strlen(word);

    if (strncmp(line, word, n) != 0 || (line[n] != ' ' && line[n] != '\t'))
        return NULL;
    return skipBlanks(line + n);
}

/* parentFileNameHint="name": the backing file, always a vmdk. */
static int
parseParentHint(scProbeResult *res, const char *s)
{
    const char *end;

    s = skipBlanks(s);
    if (*s++ != '=')
        return 0;
    s = skipBlanks(s);
    if (*s++ != '"' || !(end = strchr(s, '"')))
        return scProbeProblem(res, "vmdk parentFileNameHint is not a quoted string");
    if (scProbeSetName(res, &res->backing_path, "vmdk parentFileNameHint",
                       (const unsigned char *) s, (uint64_t) (end - s), SC_PROBE_NAME_MAX) < 0)
        return -1;
    return res->backing_path ? scProbeSetString(&res->backing_format, "vmdk") : 0;
}

/* Most extents a descriptor may name (vmdk's 2 GiB split files of a
 * 64 TiB disk are 32,768; a sane image has a few). */
#define EXTENTS_MAX 65536

/* After an extent line's size: its type, then, for a type with a file
 * (not ZERO), the file's quoted name, kept in res->extents. A line that
 * names no file where it should is a problem: the extent stays unknown. */
static int
parseExtentFile(scProbeResult *res, const char *s)
{
    const char *end;
    char **v;

    while (*s >= '0' && *s <= '9')
        s++;
    s = skipBlanks(s);
    if (strncmp(s, "ZERO", 4) == 0)
        return 0;
    while (*s && *s != ' ' && *s != '\t')
        s++;
    s = skipBlanks(s);
    if (*s++ != '"' || !(end = strchr(s, '"')))
        return scProbeProblem(res, "vmdk extent line names no quoted file");
    if (res->nextents == EXTENTS_MAX)
        return scProbeProblem(res, "vmdk descriptor names more than %d extents", EXTENTS_MAX);
    if (!(v = reallocarray(res->extents, res->nextents + 1, sizeof(*v)))) {
        scReportOOM();
        return -1;
    }
    res->extents = v;
    v[res->nextents] = NULL;
    if (scProbeSetName(res, &v[res->nextents], "vmdk extent file name",
                       (const unsigned char *) s, (uint64_t) (end - s), SC_PROBE_NAME_MAX) < 0)
        return -1;
    if (v[res->nextents])
        res->nextents++;
    return 0;
}

/*
 * Reads the descriptor @text (NUL-terminated, changed in place): the
 * parent's name into @res, the total of the extents' sectors into
 * *@sectors, with *@valid false (and a problem recorded) if one is
 * malformed or the sum overflows. Returns 0 or -1.
 */
static int
parseDescriptor(char *text, scProbeResult *res, uint64_t *sectors, bool *valid)
{
    static const char *const access[] = { "RW", "RDONLY", "NOACCESS" };
    char *line = text;
    bool hint_seen = false;

    *sectors = 0;
    *valid = true;
    while (line) {
        char *nl = strchr(line, '\n');
        const char *s, *rest;

        if (nl)
            *nl++ = '\0';
        s = skipBlanks(line);
        if (!hint_seen && strncmp(s, "parentFileNameHint", 18) == 0) {
            hint_seen = true;
            if (parseParentHint(res, s + 18) < 0)
                return -1;
        }
        for (size_t i = 0; i < SC_N_ELEMENTS(access); i++) {
            uint64_t n;

            if (!(rest = afterWord(s, access[i])))
                continue;
            if (*valid &&
                (parseDecimal(&rest, &n) < 0 || __builtin_add_overflow(*sectors, n, sectors))) {
                *valid = false;
                if (scProbeProblem(res, "vmdk extent size is not a valid number") < 0)
                    return -1;
            }
            if (parseExtentFile(res, rest) < 0)
                return -1;
        }
        line = nl;
    }
    return 0;
}

/* Sets the capacity from a count of 512-byte sectors, unless it overflows. */
static int
setSectors(scProbeResult *res, uint64_t sectors)
{
    if (sectors > UINT64_MAX / 512)
        return scProbeProblem(res, "vmdk capacity of %llu sectors is too large",
                              (unsigned long long) sectors);
    return scProbeSetCapacity(res, sectors * 512);
}

/* The descriptor embedded in a sparse extent: @offset and @size in sectors. */
static int
probeEmbeddedDescriptor(const scProbeSource *src, scProbeResult *res, uint64_t offset,
                        uint64_t size)
{
    _cleanup_free_ unsigned char *desc = NULL;
    uint64_t ignored;
    bool valid;
    int r;

    if (offset == 0 || size == 0)
        return 0;
    if (offset > UINT64_MAX / 512)
        return scProbeProblem(res, "vmdk descriptor offset %llu is too large",
                              (unsigned long long) offset);
    size = size > DESC_MAX / 512 ? DESC_MAX : size * 512;
    if ((r = scProbeFetch(src, res, "vmdk descriptor", offset * 512, size, &desc)) <= 0)
        return r;
    /* The descriptor ends at its first NUL (the rest of its sectors);
     * scProbeFetch added one at the end. */
    return parseDescriptor((char *) desc, res, &ignored, &valid);
}

/*
 * Sparse extent header: version (u32) at 4, capacity (u64, sectors) at 12,
 * descriptor offset and size (u64, sectors) at 28 and 36.
 */
int
scProbeVmdk(const scProbeSource *src, scProbeResult *res)
{
    const unsigned char *h = src->buf;
    int r;

    if (!scProbeHasMagic(src, 0, "KDMV", 4))
        return 0;
    if (scProbeSetString(&res->format, "vmdk") < 0)
        return -1;
    if ((r = scProbeNeed(src, res, "vmdk", 44)) <= 0)
        return scProbeMatched(r);
    if (setSectors(res, scProbeLE64(h + 12)) < 0)
        return -1;
    return scProbeMatched(
        probeEmbeddedDescriptor(src, res, scProbeLE64(h + 28), scProbeLE64(h + 36)));
}

/*
 * A descriptor file: the capacity is the sum of its extents, known only
 * when the whole descriptor was read (the buffer holds all of the file and
 * the file is not larger than DESC_MAX).
 */
int
scProbeVmdkDescriptorFile(const scProbeSource *src, scProbeResult *res)
{
    _cleanup_free_ char *text = NULL;
    size_t n = src->len < DESC_MAX ? src->len : DESC_MAX;
    bool whole = n == src->file_size;
    uint64_t sectors;
    bool valid;

    if (!scProbeHasMagic(src, 0, desc_magic, sizeof(desc_magic) - 1))
        return 0;
    if (scProbeSetString(&res->format, "vmdk") < 0 || !(text = scAlloc(n + 1)))
        return -1;
    memcpy(text, src->buf, n);
    if (parseDescriptor(text, res, &sectors, &valid) < 0)
        return -1;
    if (src->file_size > DESC_MAX &&
        scProbeProblem(res, "vmdk descriptor file has %llu bytes, more than %d", src->file_size,
                       DESC_MAX) < 0)
        return -1;
    if (whole && valid)
        return scProbeMatched(setSectors(res, sectors));
    return 1;
}
