/*
 * connect.c: the connection calls of libvirt-host.h and
 * virConnectGetStoragePoolCapabilities, as a management tool makes them:
 * versions, opening read-write, read-only and with authentication, the
 * URI, the driver's type, the host name, keepalive, reference counts,
 * alive/secure/encrypted, close callbacks, capabilities.
 * Usage: connect URI SCRATCH-DIR
 */
#include "compat.h"

static int close_calls, free_calls;

static void
on_close(virConnectPtr conn, int reason, void *opaque)
{
    (void) conn;
    close_calls++;
    show_line("closecb.called", "reason %d opaque %s", reason,
              opaque == (void *) &close_calls ? "ok" : "wrong");
}

static void
on_close_other(virConnectPtr conn, int reason, void *opaque)
{
    (void) conn;
    (void) reason;
    (void) opaque;
}

static void
on_free(void *opaque)
{
    free_calls++;
    show_line("closecb.freed", "opaque %s", opaque == (void *) &close_calls ? "ok" : "wrong");
}

/* What a read-only or read-write connection may do. */
static void
show_access(const char *tag, virConnectPtr conn, const char *dir)
{
    char xml[4096], t[256];
    virStoragePoolPtr pool;

    snprintf(t, sizeof(t), "%s.numof", tag);
    show_rc(t, virConnectNumOfStoragePools(conn));
    snprintf(xml, sizeof(xml),
             "<pool type='dir'><name>compat-conn</name>"
             "<target><path>%s/p</path></target></pool>",
             dir);
    snprintf(t, sizeof(t), "%s.define", tag);
    pool = virStoragePoolDefineXML(conn, xml, 0);
    show_ptr(t, pool);
    if (pool) {
        snprintf(t, sizeof(t), "%s.undefine", tag);
        show_rc(t, virStoragePoolUndefine(pool));
        virStoragePoolFree(pool);
    }
}

int
main(int argc, char **argv)
{
    const char *uri, *dir;
    virConnectPtr conn, other;
    unsigned long lib = 0, typ = 0, ver = 0;
    char *text;

    if (argc != 3) {
        fprintf(stderr, "usage: connect URI SCRATCH-DIR\n");
        return 2;
    }
    uri = argv[1];
    dir = argv[2];
    show_rc("initialize", virInitialize());
    virSetErrorFunc(NULL, quiet_errors);

    /* Versions: the library's; the "type" version is the same number. */
    show_rc("getversion", virGetVersion(&lib, NULL, &typ));
    show_line("getversion.values", "lib %s, type %s", lib > 0 ? "set" : "0",
              typ == lib ? "= lib" : "other");
    show_rc("getversion.null", virGetVersion(NULL, NULL, NULL));

    /* Read-write. */
    conn = virConnectOpen(uri);
    show_ptr("open", conn);
    if (!conn)
        return 1;
    show_text("uri", virConnectGetURI(conn));
    ver = 0;
    show_rc("libversion", virConnectGetLibVersion(conn, &ver));
    show_line("libversion.value", "%s", ver == lib ? "= virGetVersion's" : "other");
    show_rc("libversion.null", virConnectGetLibVersion(conn, NULL));
    ver = 0;
    show_rc("version", virConnectGetVersion(conn, &ver));
    show_line("version.value", "%s", ver > 0 ? "set" : "0");
    show_rc("version.null", virConnectGetVersion(conn, NULL));
    show_rc("alive", virConnectIsAlive(conn));
    show_rc("secure", virConnectIsSecure(conn));
    show_rc("encrypted", virConnectIsEncrypted(conn));
    show_str("type", virConnectGetType(conn));
    show_str("type.null", virConnectGetType(NULL));
    show_text("hostname", virConnectGetHostname(conn));
    show_text("hostname.null", virConnectGetHostname(NULL));
    /* Without an event loop, as most storage clients. */
    show_rc("keepalive", virConnectSetKeepAlive(conn, 5, 3));
    show_rc("keepalive.null", virConnectSetKeepAlive(NULL, 5, 3));
    show_access("rw", conn, dir);

    /* References: Close returns what is left. */
    show_rc("ref", virConnectRef(conn));
    show_rc("ref.close", virConnectClose(conn));
    show_rc("ref.null", virConnectRef(NULL));
    show_rc("close.null", virConnectClose(NULL));

    /* Capabilities: the host's (a hypervisor's for libvirt, storcat's own:
     * only the root is the same), and the storage pools'. */
    text = virConnectGetCapabilities(conn);
    show_line("capabilities", "%s",
              text && !strncmp(text, "<capabilities>", 14) ? "<capabilities>" : "other");
    free(text);
    show_text("poolcaps", virConnectGetStoragePoolCapabilities(conn, 0));
    show_text("poolcaps.bad-flags", virConnectGetStoragePoolCapabilities(conn, 1U << 20));

    /* Close callbacks: one per connection; freed when unregistered. */
    show_rc("closecb.register",
            virConnectRegisterCloseCallback(conn, on_close, &close_calls, on_free));
    show_rc("closecb.register-again",
            virConnectRegisterCloseCallback(conn, on_close_other, NULL, NULL));
    show_rc("closecb.unregister-other", virConnectUnregisterCloseCallback(conn, on_close_other));
    show_rc("closecb.unregister", virConnectUnregisterCloseCallback(conn, on_close));
    show_line("closecb.counts", "close %d free %d", close_calls, free_calls);
    show_rc("closecb.unregister-again", virConnectUnregisterCloseCallback(conn, on_close));
    show_rc("closecb.register-null", virConnectRegisterCloseCallback(conn, NULL, NULL, NULL));
    /* Registered when the caller closes the connection. */
    show_rc("closecb.register2",
            virConnectRegisterCloseCallback(conn, on_close, &close_calls, on_free));
    show_rc("close", virConnectClose(conn));
    show_line("closecb.counts-after-close", "close %d free %d", close_calls, free_calls);

    /* Read-only. */
    other = virConnectOpenReadOnly(uri);
    show_ptr("ro.open", other);
    if (other) {
        show_access("ro", other, dir);
        show_rc("ro.alive", virConnectIsAlive(other));
        text = virConnectGetStoragePoolCapabilities(other, 0);
        show_line("ro.poolcaps", "%s", text ? "ok" : "NULL");
        free(text);
        show_rc("ro.close", virConnectClose(other));
    }

    /* With authentication: libvirt's default callbacks, and none. */
    other = virConnectOpenAuth(uri, virConnectAuthPtrDefault, 0);
    show_ptr("auth.open", other);
    if (other) {
        show_access("auth", other, dir);
        show_rc("auth.close", virConnectClose(other));
    }
    other = virConnectOpenAuth(uri, NULL, VIR_CONNECT_RO);
    show_ptr("auth-ro.open", other);
    if (other) {
        show_access("auth-ro", other, dir);
        show_rc("auth-ro.close", virConnectClose(other));
    }
    other = virConnectOpenAuth(uri, NULL, VIR_CONNECT_NO_ALIASES);
    show_ptr("auth-noaliases.open", other);
    if (other)
        show_rc("auth-noaliases.close", virConnectClose(other));

    /* A scheme no driver has. */
    other = virConnectOpen("compat-nosuch:///x");
    show_ptr("open.bad-scheme", other);
    if (other)
        virConnectClose(other);
    return 0;
}
