/*
 * test_errors.c: errors as libvirt's: codes and domains with libvirt's
 * numbers, the virError layout and message text, the copy / save / free
 * calls, and the error functions (global and per connection), called once
 * for each failed call, never for a success.
 */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

typedef struct {
    int calls;
    int code;
    char message[512];
    void *data;
    scConnectPtr reenter;  /* a connection the function calls into */
} Seen;

static void
record(void *data, scErrorPtr err)
{
    Seen *s = data;

    s->calls++;
    s->code = err->code;
    s->data = data;
    snprintf(s->message, sizeof(s->message), "%s", err->message);
    /* A function may call the library: its own calls' errors are its own. */
    if (s->reenter) {
        scStoragePoolPtr p = scStoragePoolLookupByName(s->reenter, "nothing-such");
        assert_null(p);
    }
}

/* Codes and domains a caller compares with libvirt's numbers. */
static void
test_numbers(void **state)
{
    (void) state;
    assert_int_equal(SC_ERR_INTERNAL_ERROR, 1);
    assert_int_equal(SC_ERR_NO_MEMORY, 2);
    assert_int_equal(SC_ERR_INVALID_CONN, 6);
    assert_int_equal(SC_ERR_INVALID_ARG, 8);
    assert_int_equal(SC_ERR_OPERATION_FAILED, 9);
    assert_int_equal(SC_ERR_XML_ERROR, 27);
    assert_int_equal(SC_ERR_XML_DETAIL, 35);
    assert_int_equal(SC_ERR_OPERATION_DENIED, 29);
    assert_int_equal(SC_ERR_SYSTEM_ERROR, 38);
    assert_int_equal(SC_ERR_INVALID_STORAGE_POOL, 46);
    assert_int_equal(SC_ERR_INVALID_STORAGE_VOL, 47);
    assert_int_equal(SC_ERR_NO_STORAGE_POOL, 49);
    assert_int_equal(SC_ERR_NO_STORAGE_VOL, 50);
    assert_int_equal(SC_ERR_OPERATION_INVALID, 55);
    assert_int_equal(SC_ERR_CONFIG_UNSUPPORTED, 67);
    assert_int_equal(SC_ERR_INVALID_STREAM, 73);
    assert_int_equal(SC_ERR_OPERATION_ABORTED, 78);
    assert_int_equal(SC_ERR_OPERATION_UNSUPPORTED, 84);
    assert_int_equal(SC_ERR_STORAGE_VOL_EXIST, 90);
    assert_true(SC_ERR_CATALOG >= 1000 && SC_ERR_CATALOG_VERSION >= 1000);
    assert_int_equal(SC_FROM_NONE, 0);
    assert_int_equal(SC_FROM_XML, 5);
    assert_int_equal(SC_FROM_STORAGE, 18);
    assert_int_equal(SC_FROM_STREAMS, 38);
    assert_true(SC_FROM_CATALOG >= 1000);
    /* virError's fields, in its order, first. */
    assert_int_equal(offsetof(scError, code), 0);
    assert_true(offsetof(scError, domain) < offsetof(scError, message));
    assert_true(offsetof(scError, message) < offsetof(scError, level));
    assert_true(offsetof(scError, level) < offsetof(scError, conn));
    assert_true(offsetof(scError, conn) < offsetof(scError, dom));
    assert_true(offsetof(scError, dom) < offsetof(scError, str1));
    assert_true(offsetof(scError, str3) < offsetof(scError, int1));
    assert_true(offsetof(scError, int2) < offsetof(scError, net));
    assert_true(offsetof(scError, net) < offsetof(scError, sys_errno));
}

static void
test_lookup_errors(void **state)
{
    char *dir = testTmpDirMake("errors-lookup"), *cat, *target, *xml;
    scConnectPtr conn;
    scStoragePoolPtr pool;
    scErrorPtr err;

    (void) state;
    assert_true(asprintf(&cat, "%s/catalog.db", dir) > 0);
    assert_true(asprintf(&target, "%s/images", dir) > 0);
    assert_int_equal(mkdir(target, 0755), 0);
    assert_sc_ok(conn = scConnectOpenAuth(cat, NULL, SC_CONNECT_CREATE));

    /* A missing pool: libvirt's code, domain and text. */
    assert_null(scStoragePoolLookupByName(conn, "nope"));
    assert_non_null(err = scGetLastError());
    assert_int_equal(err->code, 49);
    assert_int_equal(err->domain, 18);
    assert_int_equal(err->level, SC_ERR_ERROR);
    assert_int_equal(scGetLastErrorCode(), SC_ERR_NO_STORAGE_POOL);
    assert_int_equal(scGetLastErrorDomain(), SC_FROM_STORAGE);
    assert_string_equal(err->message,
                        "Storage pool not found: no storage pool with matching name 'nope'");
    assert_string_equal(err->str1, "Storage pool not found: %s");
    assert_string_equal(err->str2, "no storage pool with matching name 'nope'");
    assert_null(err->str3);
    assert_int_equal(err->int1, -1);
    assert_int_equal(err->int2, -1);
    assert_null(err->conn);
    assert_null(err->dom);
    assert_null(err->net);

    /* A missing volume: 50 in domain 18 (the bug the issue names). */
    assert_true(asprintf(&xml, "<pool type='dir'><name>p</name><target><path>%s</path>"
                               "</target></pool>", target) > 0);
    assert_sc_ok(pool = scStoragePoolDefineXML(conn, xml, 0));
    assert_sc_ok(scStoragePoolCreate(pool, 0) == 0);
    assert_null(scStorageVolLookupByName(pool, "nothing.img"));
    assert_int_equal(scGetLastErrorCode(), 50);
    assert_int_equal(scGetLastErrorDomain(), 18);
    assert_string_equal(
        scGetLastErrorMessage(),
        "Storage volume not found: no storage vol with matching name 'nothing.img'");
    assert_null(scStorageVolLookupByPath(conn, "/nonexistent/x.img"));
    assert_string_equal(scGetLastErrorMessage(), "Storage volume not found: no storage vol with "
                                                 "matching path '/nonexistent/x.img'");

    /* An existing volume: libvirt's text around the name. */
    scStorageVolPtr vol = scStorageVolCreateXML(pool, "<volume><name>a.img</name>"
                                                      "<capacity>4096</capacity></volume>", 0);
    assert_sc_ok(vol);
    assert_null(scStorageVolCreateXML(pool, "<volume><name>a.img</name>"
                                            "<capacity>4096</capacity></volume>", 0));
    assert_int_equal(scGetLastErrorCode(), 90);
    assert_string_equal(scGetLastErrorMessage(), "storage volume 'a.img' (pool 'p') exists already");

    /* XML: a parser error is libvirt's VIR_ERR_XML_DETAIL, its text alone;
     * a document against the schema VIR_ERR_XML_ERROR; both in the storage
     * domain, as libvirt's storage driver reports them. */
    assert_null(scStorageVolCreateXML(pool, "<volume><name>", 0));
    assert_int_equal(scGetLastErrorCode(), 35);
    assert_int_equal(scGetLastErrorDomain(), 18);
    assert_true(strncmp(scGetLastErrorMessage(), "volume XML: malformed document at line 1: ",
                        42) == 0);
    assert_null(scStoragePoolDefineXML(conn, "<pool type='dir'>", 0));
    assert_int_equal(scGetLastErrorCode(), 35);
    assert_int_equal(scGetLastErrorDomain(), 18);
    assert_null(scStorageVolCreateXML(pool, "<volume><name>b.img</name></volume>", 0));
    assert_int_equal(scGetLastErrorCode(), 27);
    assert_int_equal(scGetLastErrorDomain(), 18);
    assert_null(scStoragePoolDefineXML(conn, "<pool type='dir'><name>q</name></pool>", 0));
    assert_int_equal(scGetLastErrorCode(), 27);
    assert_int_equal(scGetLastErrorDomain(), 18);

    /* A bad handle names the call; flags as libvirt words them. */
    assert_int_equal(scStoragePoolRefresh(NULL, 0), -1);
    assert_int_equal(scGetLastErrorCode(), SC_ERR_INVALID_STORAGE_POOL);
    assert_string_equal(scGetLastErrorMessage(),
                        "invalid storage pool pointer in scStoragePoolRefresh");
    /* Argument checks as libvirt's virCheckFlags and virCheckNonNullArg
     * raise them: the text alone, str1 the call, str2 the argument, in the
     * storage domain (tests/compat.test compares them with libvirt's). */
    assert_int_equal(scStoragePoolRefresh(pool, 0x20000000), -1);
    assert_string_equal(scGetLastErrorMessage(),
                        "unsupported flags (0x20000000) in function scStoragePoolRefresh");
    assert_int_equal(scGetLastErrorCode(), SC_ERR_INVALID_ARG);
    assert_int_equal(scGetLastErrorDomain(), SC_FROM_STORAGE);
    assert_string_equal(scGetLastError()->str1, "scStoragePoolRefresh");
    assert_string_equal(scGetLastError()->str2, "flags");
    assert_int_equal(scGetLastError()->int1, 0);
    assert_int_equal(scGetLastError()->int2, 0);
    assert_null(scStoragePoolLookupByName(conn, NULL));
    assert_string_equal(scGetLastErrorMessage(),
                        "name in scStoragePoolLookupByName must not be NULL");
    assert_int_equal(scGetLastErrorDomain(), SC_FROM_STORAGE);
    assert_string_equal(scGetLastError()->str1, "scStoragePoolLookupByName");
    assert_string_equal(scGetLastError()->str2, "name");
    assert_null(scStoragePoolLookupByUUIDString(conn, "not-a-uuid"));
    assert_string_equal(scGetLastErrorMessage(),
                        "uuidstr in scStoragePoolLookupByUUIDString must be a valid UUID");
    /* A bad connection in a storage call is the storage domain's; in a
     * connection call, not. */
    assert_int_equal(scConnectNumOfDefinedStoragePools(NULL), -1);
    assert_int_equal(scGetLastErrorCode(), SC_ERR_INVALID_CONN);
    assert_int_equal(scGetLastErrorDomain(), SC_FROM_STORAGE);
    assert_int_equal(scConnectRef(NULL), -1);
    assert_int_equal(scGetLastErrorDomain(), SC_FROM_NONE);
    /* A call made through another names itself. */
    assert_int_equal(scConnectNumOfStoragePools(NULL), -1);
    assert_string_equal(scGetLastErrorMessage(),
                        "invalid connection pointer in scConnectNumOfStoragePools");
    assert_int_equal(scStoragePoolNumOfVolumes(NULL), -1);
    assert_string_equal(scGetLastErrorMessage(),
                        "invalid storage pool pointer in scStoragePoolNumOfVolumes");
    assert_int_equal(scConnectListStoragePools(conn, NULL, -1), -1);
    assert_string_equal(scGetLastErrorMessage(),
                        "maxnames in scConnectListStoragePools must be zero or greater");
    /* A pool in the wrong state, in libvirt's words. */
    assert_int_equal(scStoragePoolCreate(pool, 0), -1);
    assert_string_equal(scGetLastErrorMessage(),
                        "Requested operation is not valid: storage pool 'p' is already active");
    assert_int_equal(scStoragePoolBuild(pool, 0), -1);
    assert_string_equal(scGetLastErrorMessage(),
                        "Requested operation is not valid: storage pool 'p' is already active");
    assert_int_equal(scStoragePoolUndefine(pool), -1);
    assert_string_equal(scGetLastErrorMessage(),
                        "Requested operation is not valid: storage pool 'p' is still active");
    assert_int_equal(scStoragePoolDelete(pool, 0), -1);
    assert_string_equal(scGetLastErrorMessage(),
                        "Requested operation is not valid: storage pool 'p' is still active");
    /* A type that cannot discover sources: libvirt's "not supported". */
    assert_null(scConnectFindStoragePoolSources(conn, "dir", NULL, 0));
    assert_int_equal(scGetLastErrorCode(), SC_ERR_NO_SUPPORT);
    assert_string_equal(scGetLastErrorMessage(),
                        "this function is not supported by the connection driver: pool type "
                        "'dir' does not support source discovery");
    /* A success clears it. */
    assert_int_equal(scStoragePoolRefresh(pool, 0), 0);
    assert_null(scGetLastError());
    assert_int_equal(scGetLastErrorCode(), SC_ERR_OK);
    assert_string_equal(scGetLastErrorMessage(), "no error");

    scStorageVolFree(vol);
    scStoragePoolFree(pool);
    assert_int_equal(scConnectClose(conn), 0);
    free(xml);
    free(cat);
    free(target);
    testTmpDirRemove(dir);
}

static void
test_copy_save_free(void **state)
{
    scError copy;
    scErrorPtr saved;

    (void) state;
    assert_int_equal(scCopyLastError(NULL), -1);
    assert_null(scStoragePoolLookupByName(NULL, "x"));
    assert_int_equal(scCopyLastError(&copy), SC_ERR_INVALID_CONN);
    assert_string_equal(copy.message, "invalid connection pointer in scStoragePoolLookupByName");
    assert_ptr_not_equal(copy.message, scGetLastError()->message);
    assert_non_null(saved = scSaveLastError());
    assert_int_equal(saved->code, SC_ERR_INVALID_CONN);
    /* The copies outlive the error they copied. */
    scResetLastError();
    assert_null(scGetLastError());
    assert_string_equal(copy.message, "invalid connection pointer in scStoragePoolLookupByName");
    assert_string_equal(saved->message, copy.message);
    scResetError(&copy);
    assert_null(copy.message);
    assert_int_equal(copy.code, SC_ERR_OK);
    scFreeError(saved);
    scResetError(NULL);
    scFreeError(NULL);
    /* Saving no error gives an error of code OK. */
    assert_non_null(saved = scSaveLastError());
    assert_int_equal(saved->code, SC_ERR_OK);
    scFreeError(saved);
    assert_int_equal(scCopyLastError(&copy), SC_ERR_OK);
    scResetError(&copy);
}

static void
test_error_functions(void **state)
{
    char *dir = testTmpDirMake("errors-funcs"), *cat;
    scConnectPtr conn, other;
    Seen global = { 0 }, mine = { 0 };
    scError copy;

    (void) state;
    assert_true(asprintf(&cat, "%s/catalog.db", dir) > 0);
    assert_sc_ok(conn = scConnectOpenAuth(cat, NULL, SC_CONNECT_CREATE));
    assert_sc_ok(other = scConnectOpenAuth(cat, NULL, SC_CONNECT_CREATE));

    /* The global function: once per failed call, never on success. */
    scSetErrorFunc(&global, record);
    assert_null(scStoragePoolLookupByName(conn, "nope"));
    assert_int_equal(global.calls, 1);
    assert_int_equal(global.code, SC_ERR_NO_STORAGE_POOL);
    assert_ptr_equal(global.data, &global);
    assert_int_equal(scConnectNumOfStoragePools(conn), 0);
    assert_int_equal(global.calls, 1);
    /* A call made of other public calls reports once. */
    assert_int_equal(scStoragePoolNumOfVolumes(NULL), -1);
    assert_int_equal(global.calls, 2);

    /* The connection's own comes first, and keeps a copy of its error. */
    scConnSetErrorFunc(conn, &mine, record);
    assert_null(scStoragePoolLookupByName(conn, "nope2"));
    assert_int_equal(mine.calls, 1);
    assert_int_equal(global.calls, 2);
    assert_non_null(strstr(scConnGetLastError(conn)->message, "'nope2'"));
    assert_int_equal(scConnCopyLastError(conn, &copy), SC_ERR_NO_STORAGE_POOL);
    scResetError(&copy);
    /* ... only for calls on that connection. */
    assert_null(scStoragePoolLookupByName(other, "nope3"));
    assert_int_equal(mine.calls, 1);
    assert_int_equal(global.calls, 3);
    assert_int_equal(scConnGetLastError(other)->code, SC_ERR_NO_STORAGE_POOL);
    scConnResetLastError(conn);
    assert_int_equal(scConnGetLastError(conn)->code, SC_ERR_OK);
    assert_int_equal(scConnCopyLastError(conn, &copy), SC_ERR_OK);
    assert_int_equal(scConnCopyLastError(NULL, &copy), -1);
    assert_null(scConnGetLastError(NULL));

    /* A function that calls the library: its own failed call is reported
     * as any other, nothing deadlocks, and the caller of the first still
     * finds that call's error. */
    mine.reenter = other;
    assert_null(scStoragePoolLookupByName(conn, "nope4"));
    assert_int_equal(mine.calls, 2);
    assert_int_equal(global.calls, 4);
    assert_non_null(strstr(global.message, "'nothing-such'"));
    assert_non_null(strstr(scGetLastErrorMessage(), "'nope4'"));
    mine.reenter = NULL;

    /* Unset: nothing is called (and nothing printed). */
    scConnSetErrorFunc(conn, NULL, NULL);
    scSetErrorFunc(NULL, NULL);
    assert_null(scStoragePoolLookupByName(conn, "nope5"));
    assert_int_equal(mine.calls, 2);
    assert_int_equal(global.calls, 4);
    scDefaultErrorFunc(NULL);

    assert_int_equal(scConnectClose(other), 0);
    assert_int_equal(scConnectClose(conn), 0);
    free(cat);
    testTmpDirRemove(dir);
}

/* A thread that fails a call and ends. */
static void *
fail_and_exit(void *opaque)
{
    Seen *seen = opaque;

    seen->code = scConnectNumOfStoragePools(NULL);
    snprintf(seen->message, sizeof(seen->message), "%s", scGetLastErrorMessage());
    return NULL;
}

/* A thread's last error is freed when it ends (found leaking by
 * tests/compat.test under LeakSanitizer: valgrind and ASan see it here),
 * and is that thread's alone. */
static void
test_thread_exit(void **state)
{
    Seen seen = { 0 };
    pthread_t thread;

    (void) state;
    scResetLastError();
    for (int i = 0; i < 3; i++) {
        assert_int_equal(pthread_create(&thread, NULL, fail_and_exit, &seen), 0);
        assert_int_equal(pthread_join(thread, NULL), 0);
        assert_int_equal(seen.code, -1);
        assert_string_equal(seen.message,
                            "invalid connection pointer in scConnectNumOfStoragePools");
    }
    assert_null(scGetLastError());
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),        cmocka_unit_test(test_lookup_errors),
        cmocka_unit_test(test_copy_save_free), cmocka_unit_test(test_error_functions),
        cmocka_unit_test(test_thread_exit),
    };

    return cmocka_run_group_tests_name("errors", tests, NULL, NULL);
}
