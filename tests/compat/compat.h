/*
 * compat.h: what the compat programs share. Each program is client code
 * written against libvirt's C API, as a management tool writes it, and is
 * built twice by tests/compat.test: as it is, against libvirt, and after
 * the mechanical rename a port makes (sed 's/vir/sc/g; s/VIR_/SC_/g' and
 * the include line), against storcat. So this file is renamed too, and
 * nothing here may spell those three letters except in API names.
 *
 * A program prints one line per observable result: "TAG VALUE", the tag
 * unique in the program, so that the two outputs can be compared line by
 * line (tests/compat/compare.py) and a known difference named by its tag
 * (tests/compat/DIFFERENCES). Volatile values (UUIDs, times, free space,
 * the scratch directory, the URI) are printed as they are: compare.py
 * normalizes them.
 *
 * Every program takes two arguments: the connection URI and a scratch
 * directory of its own, empty.
 */
#ifndef COMPAT_H
#define COMPAT_H

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The error function every program installs: management tools silence
 * the library's default printing and report errors themselves. */
static inline void
quiet_errors(void *opaque, virErrorPtr err)
{
    (void) opaque;
    (void) err;
}

/* A line of text, newlines as "\n": one result, one line. */
static inline void
print_escaped(const char *text)
{
    for (const char *p = text; *p; p++) {
        if (*p == '\n')
            fputs("\\n", stdout);
        else
            putchar(*p);
    }
}

/* The last error, after the line of the result that failed (or, on
 * success, left an error set): "TAG.error CODE DOMAIN" and
 * "TAG.message MESSAGE", so that a DIFFERENCES entry can allow a
 * message's wording and not its code. */
static inline void
print_error(const char *tag)
{
    virErrorPtr err = virGetLastError();

    if (!err) {
        printf("%s.error none\n", tag);
        return;
    }
    printf("%s.error %d %d\n", tag, err->code, err->domain);
    printf("%s.message ", tag);
    print_escaped(err->message ? err->message : "(null)");
    printf("\n");
}

/* A call returning an int (-1 on failure): its value, and the error. A
 * success that leaves an error set shows it. */
static inline int
show_rc(const char *tag, int rc)
{
    printf("%s %d\n", tag, rc);
    if (rc < 0 || virGetLastError())
        print_error(tag);
    return rc;
}

/* A call returning a handle (NULL on failure): "ok", or NULL and the
 * error. Returns @ptr. */
static inline const void *
show_ptr(const char *tag, const void *ptr)
{
    printf("%s %s\n", tag, ptr ? "ok" : "NULL");
    if (!ptr || virGetLastError())
        print_error(tag);
    return ptr;
}

/* A call returning a borrowed string (NULL on failure). */
static inline void
show_str(const char *tag, const char *str)
{
    printf("%s %s\n", tag, str ? str : "NULL");
    if (!str || virGetLastError())
        print_error(tag);
}

/* A call returning a string the caller frees (NULL on failure): printed
 * on one line, newlines as "\n" (compare.py parses XML back out of it),
 * then freed. */
static inline void
show_text(const char *tag, char *text)
{
    printf("%s ", tag);
    print_escaped(text ? text : "NULL");
    printf("\n");
    if (!text || virGetLastError())
        print_error(tag);
    free(text);
}

/* A free-form line. */
static inline void show_line(const char *tag, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void
show_line(const char *tag, const char *fmt, ...)
{
    va_list ap;

    printf("%s ", tag);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

/* qsort comparison of C strings. */
static inline int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Print @n names (sorted first: libvirt lists in hash order) and free
 * them and, if @free_array, the array. */
static inline void
show_names(const char *tag, char **names, int n, int free_array)
{
    printf("%s %d", tag, n);
    if (n >= 0) {
        qsort(names, (size_t) n, sizeof(*names), cmp_names);
        printf(" [");
        for (int i = 0; i < n; i++) {
            printf("%s%s", i ? " " : "", names[i]);
            free(names[i]);
        }
        printf("]");
    }
    printf("\n");
    if (n < 0)
        print_error(tag);
    if (free_array)
        free(names);
}

/* The pools of a ListAll call, by name; frees them. */
static inline void
show_pools(const char *tag, virStoragePoolPtr *pools, int n)
{
    char **names = NULL;

    if (n >= 0) {
        names = calloc((size_t) n + 1, sizeof(*names));
        for (int i = 0; i < n; i++) {
            names[i] = strdup(virStoragePoolGetName(pools[i]));
            virStoragePoolFree(pools[i]);
        }
        free(pools);
    }
    show_names(tag, names, n, 0);
    free(names);
}

/* The volumes of a ListAll call, by name; frees them. */
static inline void
show_vols(const char *tag, virStorageVolPtr *vols, int n)
{
    char **names = NULL;

    if (n >= 0) {
        names = calloc((size_t) n + 1, sizeof(*names));
        for (int i = 0; i < n; i++) {
            names[i] = strdup(virStorageVolGetName(vols[i]));
            virStorageVolFree(vols[i]);
        }
        free(vols);
    }
    show_names(tag, names, n, 0);
    free(names);
}

/* Opens the connection every program works on, or exits. */
static inline virConnectPtr
open_or_exit(const char *uri)
{
    virConnectPtr conn = virConnectOpen(uri);

    if (!conn) {
        virErrorPtr err = virGetLastError();
        fprintf(stderr, "cannot open %s: %s\n", uri, err && err->message ? err->message : "?");
        exit(2);
    }
    return conn;
}

#endif /* COMPAT_H */
