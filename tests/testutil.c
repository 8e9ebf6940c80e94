/*
 * testutil.c: helpers for the cmocka test binaries.
 */
#include <config.h>

#include <fcntl.h>
#include <ftw.h>
#include <sqlite3.h>
#include <sys/wait.h>
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

int
testRunArgv(char **out, char *const *argv)
{
    int pipefd[2], status;
    pid_t pid;

    if (out) {
        *out = NULL;
        if (pipe(pipefd) < 0)
            return -1;
    }
    if ((pid = fork()) == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(out ? pipefd[1] : null, 1);
        dup2(null, 2);
        if (out)
            close(pipefd[0]);
        setenv("LVM_SUPPRESS_FD_WARNINGS", "1", 1);
        execvp(argv[0], argv);
        _exit(127);
    }
    if (out) {
        char buf[4096];
        size_t len = 0;
        ssize_t n;
        close(pipefd[1]);
        while ((n = read(pipefd[0], buf, sizeof(buf))) > 0) {
            char *grown = realloc(*out, len + (size_t) n + 1);
            if (!grown)
                break;
            *out = grown;
            memcpy(*out + len, buf, (size_t) n);
            len += (size_t) n;
            (*out)[len] = '\0';
        }
        close(pipefd[0]);
        if (!*out)
            *out = strdup("");
    }
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}


char *
testPath(const char *dir, const char *name)
{
    char *s;

    assert_true(asprintf(&s, "%s/%s", dir, name) > 0);
    return s;
}

static int
testSqlIntOpen(const char *catalog, const char *sql, int mode)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int v = -1;

    assert_int_equal(sqlite3_open_v2(catalog, &db, mode, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

int
testSqlInt(const char *catalog, const char *sql)
{
    return testSqlIntOpen(catalog, sql, SQLITE_OPEN_READONLY);
}

int
testSqlWrite(const char *catalog, const char *sql)
{
    return testSqlIntOpen(catalog, sql, SQLITE_OPEN_READWRITE);
}
