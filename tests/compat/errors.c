/*
 * errors.c: the error calls of virterror.h, as a management tool uses
 * them: the last error and its fields, copies, saved errors, resets, the
 * global and per-connection error functions, the per-connection last
 * error, the default printing function, thread-local errors, and the
 * code, domain and message of the common storage errors.
 * Usage: errors URI SCRATCH-DIR
 */
#include "compat.h"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

static int global_calls, conn_calls;

static void
global_handler(void *opaque, virErrorPtr err)
{
    global_calls++;
    show_line("handler.global", "opaque %s code %d domain %d",
              opaque == (void *) &global_calls ? "ok" : "wrong", err ? err->code : -1,
              err ? err->domain : -1);
}

static void
conn_handler(void *opaque, virErrorPtr err)
{
    conn_calls++;
    show_line("handler.conn", "opaque %s code %d domain %d",
              opaque == (void *) &conn_calls ? "ok" : "wrong", err ? err->code : -1,
              err ? err->domain : -1);
}

/* Every field of an error a caller reads (not the deprecated pointers). */
static void
show_fields(const char *tag, virErrorPtr err)
{
    if (!err) {
        show_line(tag, "NULL");
        return;
    }
    printf("%s.code %d\n", tag, err->code);
    printf("%s.domain %d\n", tag, err->domain);
    printf("%s.level %d\n", tag, (int) err->level);
    printf("%s.message %s\n", tag, err->message ? err->message : "NULL");
    printf("%s.str1 %s\n", tag, err->str1 ? err->str1 : "NULL");
    printf("%s.str2 %s\n", tag, err->str2 ? err->str2 : "NULL");
    printf("%s.str3 %s\n", tag, err->str3 ? err->str3 : "NULL");
    printf("%s.int1 %d\n", tag, err->int1);
    printf("%s.int2 %d\n", tag, err->int2);
}

/* A failing call in another thread: its error is that thread's only. */
static void *
thread_main(void *opaque)
{
    virConnectPtr conn = opaque;
    virStoragePoolPtr pool = virStoragePoolLookupByName(conn, "compat-thread-nosuch");
    virErrorPtr err = virGetLastError();

    show_line("thread.error", "%d", err ? err->code : 0);
    if (pool)
        virStoragePoolFree(pool);
    return NULL;
}

/* What virDefaultErrorFunc prints on stderr, caught in a file. */
static void
show_default_func(const char *tag, const char *dir, virErrorPtr err)
{
    char path[4096], buf[1024];
    int saved = dup(2), fd;
    ssize_t n;

    fflush(stderr);
    snprintf(path, sizeof(path), "%s/stderr.txt", dir);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || saved < 0) {
        show_line(tag, "cannot redirect stderr");
        return;
    }
    dup2(fd, 2);
    virDefaultErrorFunc(err);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    n = pread(fd, buf, sizeof(buf) - 1, 0);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    if (n > 0 && buf[n - 1] == '\n')
        buf[n - 1] = '\0';
    show_line(tag, "[%s]", buf);
}

int
main(int argc, char **argv)
{
    virConnectPtr conn, ro;
    virStoragePoolPtr pool;
    virErrorPtr saved;
    virError copy;
    pthread_t thread;
    char xml[8192];

    if (argc != 3) {
        fprintf(stderr, "usage: errors URI SCRATCH-DIR\n");
        return 2;
    }

    /* libvirt's clients initialize it first (its error object is set up
     * there); then no error is set. */
    show_rc("initialize", virInitialize());
    show_line("initial.last", "%s", virGetLastError() ? "set" : "NULL");
    show_line("initial.code", "%d", virGetLastErrorCode());
    show_line("initial.domain", "%d", virGetLastErrorDomain());
    show_str("initial.message", virGetLastErrorMessage());

    virSetErrorFunc(NULL, quiet_errors);
    conn = open_or_exit(argv[1]);

    /* A missing pool: every field of the error. */
    pool = virStoragePoolLookupByName(conn, "compat-nosuch");
    show_ptr("lookup.missing", pool);
    show_fields("last", virGetLastError());
    show_line("last.code-call", "%d", virGetLastErrorCode());
    show_line("last.domain-call", "%d", virGetLastErrorDomain());
    show_str("last.message-call", virGetLastErrorMessage());

    /* A copy is the caller's: it outlives the next call. */
    memset(&copy, 0, sizeof(copy));
    show_line("copy.rc", "%d", virCopyLastError(&copy));
    show_line("copy.own-message", "%s",
              copy.message && copy.message != virGetLastError()->message ? "yes" : "no");
    show_fields("copy", &copy);
    virResetError(&copy);
    show_line("copy.reset", "code %d message %s", copy.code, copy.message ? copy.message : "NULL");

    saved = virSaveLastError();
    show_fields("saved", saved);
    virFreeError(saved);
    virFreeError(NULL);
    virResetError(NULL);

    /* Reset: no error any more. */
    virResetLastError();
    show_line("reset.last", "%s", virGetLastError() ? "set" : "NULL");
    show_line("reset.code", "%d", virGetLastErrorCode());
    show_line("reset.domain", "%d", virGetLastErrorDomain());
    show_str("reset.message", virGetLastErrorMessage());
    memset(&copy, 0xff, sizeof(copy));
    show_line("reset.copy-rc", "%d", virCopyLastError(&copy));
    show_line("reset.copy", "code %d domain %d message %s", copy.code, copy.domain,
              copy.message ? copy.message : "NULL");
    saved = virSaveLastError();
    show_line("reset.saved", "%s code %d", saved ? "ok" : "NULL", saved ? saved->code : -1);
    virFreeError(saved);

    /* Each call clears the last error when it starts: a success after a
     * failure leaves none. */
    pool = virStoragePoolLookupByName(conn, "compat-nosuch");
    show_rc("success-clears.numof", virConnectNumOfStoragePools(conn));
    show_line("success-clears.last", "%s", virGetLastError() ? "set" : "NULL");

    /* The error of another thread is its own. */
    virResetLastError();
    pthread_create(&thread, NULL, thread_main, conn);
    pthread_join(thread, NULL);
    show_line("thread.main-last", "%s", virGetLastError() ? "set" : "NULL");

    /* The global error function: called once per failed call, with its
     * opaque; not on success. */
    virSetErrorFunc(&global_calls, global_handler);
    pool = virStoragePoolLookupByName(conn, "compat-nosuch");
    show_ptr("global.lookup", pool);
    show_rc("global.numof", virConnectNumOfStoragePools(conn));
    show_line("global.calls", "%d", global_calls);

    /* The connection's function comes first; the global one is not called. */
    virConnSetErrorFunc(conn, &conn_calls, conn_handler);
    pool = virStoragePoolLookupByName(conn, "compat-nosuch-2");
    show_ptr("conn.lookup", pool);
    show_line("conn.calls", "conn %d global %d", conn_calls, global_calls);

    /* The connection's last error, kept in the connection. */
    show_fields("connlast", virConnGetLastError(conn));
    memset(&copy, 0, sizeof(copy));
    show_line("connlast.copy-rc", "%d", virConnCopyLastError(conn, &copy));
    show_line("connlast.copy", "code %d message %s", copy.code,
              copy.message ? copy.message : "NULL");
    virResetError(&copy);
    /* A success on the connection does not clear it. */
    show_rc("connlast.numof", virConnectNumOfStoragePools(conn));
    show_line("connlast.after-success", "%d",
              virConnGetLastError(conn) ? virConnGetLastError(conn)->code : -1);
    virConnResetLastError(conn);
    show_line("connlast.reset", "%s code %d", virConnGetLastError(conn) ? "ok" : "NULL",
              virConnGetLastError(conn) ? virConnGetLastError(conn)->code : -1);

    /* Back to no functions: the library's default. */
    virConnSetErrorFunc(conn, NULL, NULL);
    virSetErrorFunc(NULL, quiet_errors);

    /* virDefaultErrorFunc, called by hand. */
    pool = virStoragePoolLookupByName(conn, "compat-nosuch");
    show_default_func("default-func", argv[2], virGetLastError());
    show_default_func("default-func.null", argv[2], NULL);

    /* The code, domain and message of the errors callers test for. */
    show_ptr("code.no-pool", virStoragePoolLookupByName(conn, "compat-nosuch"));
    show_ptr("code.no-pool-uuid",
             virStoragePoolLookupByUUIDString(conn, "3f2a6c2e-8a7b-4c1d-9e0f-1a2b3c4d5e6f"));
    show_ptr("code.no-vol-path", virStorageVolLookupByPath(conn, "/nonexistent/compat.img"));
    show_ptr("code.no-vol-key", virStorageVolLookupByKey(conn, "/nonexistent/compat.img"));
    show_ptr("code.null-arg", virStoragePoolLookupByName(conn, NULL));
    show_fields("code.null-arg.fields", virGetLastError());
    show_str("code.bad-pool-handle", virStoragePoolGetName(NULL));
    show_str("code.bad-vol-handle", virStorageVolGetName(NULL));
    show_rc("code.bad-conn-handle", virConnectNumOfStoragePools(NULL));
    show_ptr("code.xml-malformed", virStoragePoolDefineXML(conn, "<pool type='dir'><name>", 0));
    snprintf(xml, sizeof(xml),
             "<pool type='dir'><name>compat-err</name>"
             "<target><path>%s/p</path></target></pool>",
             argv[2]);
    show_ptr("code.bad-flags", virStoragePoolDefineXML(conn, xml, 1U << 20));
    show_fields("code.bad-flags.fields", virGetLastError());

    ro = virConnectOpenReadOnly(argv[1]);
    show_ptr("code.ro-open", ro);
    show_ptr("code.ro-denied", virStoragePoolDefineXML(ro, xml, 0));
    show_rc("code.ro-close", virConnectClose(ro));

    pool = virStoragePoolDefineXML(conn, xml, 0);
    show_ptr("code.define", pool);
    show_rc("code.not-active", virStoragePoolDestroy(pool));
    show_rc("code.undefine", virStoragePoolUndefine(pool));
    show_rc("code.undefined-handle", virStoragePoolUndefine(pool));
    virStoragePoolFree(pool);

    show_rc("close", virConnectClose(conn));
    return 0;
}
