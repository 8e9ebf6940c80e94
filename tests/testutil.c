/*
 * testutil.c: helpers for the cmocka test binaries.
 */
#include <config.h>

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st;
    (void) flag;
    (void) ftw;
    return remove(path);
}

char *
testTmpDirMake(const char *name)
{
    const char *base = getenv("TMPDIR");
    char *dir = NULL;

    if (!base || !*base)
        base = "/tmp";
    if (asprintf(&dir, "%s/storcat-test-%s-XXXXXX", base, name) < 0)
        return NULL;
    if (!mkdtemp(dir)) {
        free(dir);
        return NULL;
    }
    return dir;
}

void
testTmpDirRemove(char *dir)
{
    if (!dir)
        return;
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

char *
testReadFile(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0;
    FILE *mem;
    int c;

    if (!f)
        return NULL;
    mem = open_memstream(&buf, &len);
    if (!mem) {
        fclose(f);
        return NULL;
    }
    while ((c = getc(f)) != EOF)
        putc(c, mem);
    fclose(f);
    fclose(mem);
    return buf;
}

const char *
testSrcDir(void)
{
    const char *s = getenv("abs_top_srcdir");
    return s && *s ? s : ".";
}

const char *
testCompatDir(void)
{
    static char path[4096];
    const char *s = getenv("STORCAT_COMPAT_DIR");
    struct stat st;

    if (s && *s)
        snprintf(path, sizeof(path), "%s", s);
    else
        snprintf(path, sizeof(path), "%s/../shared/compat/libvirt", testSrcDir());
    if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
        return NULL;
    return path;
}
