/*
 * libiscsi.c: libiscsi opened with dlopen (see libiscsi.h).
 */
#include <config.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#define SC_LIBISCSI_NO_NAMES
#include "libiscsi.h"
#include "util/util.h"

scLibiscsiCalls scLibiscsi;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[512]; /* why the load failed, or "" */

static void
load(void)
{
    scLibiscsiCalls calls;
    void *lib = dlopen(LIBISCSI_SONAME, RTLD_NOW | RTLD_LOCAL);

    if (!lib) {
        snprintf(failure, sizeof(failure), "%s", dlerror());
        return;
    }
#define SC_LIBISCSI_SYM(name)                                                                     \
    if (!(calls.name = (__typeof__(calls.name)) dlsym(lib, #name))) {                             \
        snprintf(failure, sizeof(failure), "%s has no %s", LIBISCSI_SONAME, #name);              \
        dlclose(lib);                                                                             \
        return;                                                                                   \
    }
    SC_LIBISCSI_CALLS(SC_LIBISCSI_SYM)
#undef SC_LIBISCSI_SYM
    scLibiscsi = calls;
}

int
scLibiscsiLoad(void)
{
    pthread_once(&once, load);
    if (failure[0]) {
        scReportError(SC_FROM_STORAGE, SC_ERR_NO_SUPPORT,
                      "iSCSI needs libiscsi (Debian package libiscsi7), which cannot be loaded: %s",
                      failure);
        return -1;
    }
    return 0;
}
