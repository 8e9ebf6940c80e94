/*
 * chain.c: walking and checking an image's chain (see chain.h).
 *
 * Links are added in the order they are found, each after the link that
 * names it, and each link is opened before it is probed, so that what is
 * checked (its type, its identity, its header) is what a tool is later
 * handed by descriptor. Extent and data files hold data, not images: they
 * are checked and opened, not probed for chains of their own.
 */
#include <config.h>

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chain.h"
#include "probe.h"
#include "util/util.h"

static const char *const role_names[] = {
    [SC_CHAIN_IMAGE] = "image",
    [SC_CHAIN_BACKING] = "backing file",
    [SC_CHAIN_DATA_FILE] = "external data file",
    [SC_CHAIN_EXTENT] = "extent file",
};

void
scChainClear(scChain *chain)
{
    if (!chain)
        return;
    for (size_t i = 0; i < chain->n; i++) {
        if (chain->links[i].fd >= 0)
            close(chain->links[i].fd);
        free(chain->links[i].path);
        free(chain->links[i].format);
    }
    free(chain->links);
    memset(chain, 0, sizeof(*chain));
}

/* A protocol or pseudo-protocol name ("json:{...}", "nbd://h/x",
 * "file:x"): qemu would open it as such, never as a plain file. */
static bool
is_protocol(const char *name)
{
    const char *p = name;

    if (strncmp(name, "json:", 5) == 0)
        return true;
    while (isalnum((unsigned char) *p) || *p == '+' || *p == '-' || *p == '.' || *p == '_')
        p++;
    return p != name && *p == ':';
}

/* How a message names the reference @name of link @parent: "its backing
 * file 'x'" for the image's own, "the backing file 'x' of 'y'" deeper. */
static char *
reference(const scChain *chain, int parent, scChainRole role, const char *name)
{
    if (parent == 0)
        return scAsprintf("its %s '%s'", role_names[role], name);
    return scAsprintf("the %s '%s' of '%s'", role_names[role], name, chain->links[parent].path);
}

/* "@dir/@name", or @name when it is absolute. */
static char *
resolve(const char *image, const char *name)
{
    const char *slash;

    if (name[0] == '/')
        return scStrdup(name);
    slash = strrchr(image, '/');
    return scAsprintf("%.*s/%s", slash ? (int) (slash - image) : 1, slash ? image : "/", name);
}

static int
add_link(scChain *chain, const char *path, int fd, scChainRole role, int parent, bool volume)
{
    scChainLink *v;

    if (chain->n == SC_CHAIN_LINKS_MAX) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "image '%s': its chain names more than %d files: refused",
                      chain->links[0].path, SC_CHAIN_LINKS_MAX);
        return -1;
    }
    if (!(v = reallocarray(chain->links, chain->n + 1, sizeof(*v)))) {
        scReportOOM();
        return -1;
    }
    chain->links = v;
    v = &v[chain->n];
    memset(v, 0, sizeof(*v));
    v->fd = fd;
    v->role = role;
    v->parent = parent;
    v->volume = volume;
    if (!(v->path = scStrdup(path)))
        return -1;
    chain->n++;
    return 0;
}

static int
depth(const scChain *chain, int i)
{
    int d = 0;

    for (; i > 0; i = chain->links[i].parent)
        d++;
    return d;
}

/* Is (@dev, @ino) the file of link @i or of one of its ancestors? */
static bool
in_ancestry(const scChain *chain, int i, const struct stat *st)
{
    for (; i >= 0; i = chain->links[i].parent) {
        struct stat s;
        if (fstat(chain->links[i].fd, &s) == 0 && s.st_dev == st->st_dev && s.st_ino == st->st_ino)
            return true;
    }
    return false;
}

/* Check and open the file link @parent names as @name in role @role, and
 * add it. Returns 0 or -1 (refused or failed, reported). */
static int
follow(scChain *chain, int parent, scChainRole role, const char *name, const scChainRules *rules)
{
    const char *image = chain->links[0].path;
    _cleanup_free_ char *joined = NULL;
    _cleanup_free_ char *ref = reference(chain, parent, role, name);
    char real[PATH_MAX];
    size_t dirlen = strlen(rules->pool_dir);
    struct stat st;
    bool inside, volume = false;
    int fd, r;

    if (!ref)
        return -1;
    if (is_protocol(name)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "image '%s': %s is not a file (a protocol or json: name): refused", image,
                      ref);
        return -1;
    }
    if (!(joined = resolve(chain->links[parent].path, name)))
        return -1;
    if (!realpath(joined, real)) {
        scReportSystemError(SC_FROM_STORAGE, errno, "image '%s': %s cannot be used", image, ref);
        return -1;
    }
    inside = strncmp(real, rules->pool_dir, dirlen) == 0 &&
             (real[dirlen] == '/' || strcmp(rules->pool_dir, "/") == 0);
    if (!inside) {
        if ((r = rules->is_volume ? rules->is_volume(rules->opaque, real) : 0) < 0)
            return -1;
        if (r == 0) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                          "image '%s': %s%s%s%s is outside pool directory '%s' and not a volume "
                          "storcat knows: refused", image, ref, strcmp(real, name) ? " ('" : "",
                          strcmp(real, name) ? real : "", strcmp(real, name) ? "')" : "",
                          rules->pool_dir);
            return -1;
        }
        volume = true;
    }
    /* O_NONBLOCK: a FIFO must not hang the open; its type is refused below. */
    fd = open(real, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "image '%s': cannot open %s", image, ref);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode) && !(S_ISBLK(st.st_mode) && volume)) {
        close(fd);
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "image '%s': %s is not a regular file: refused", image, ref);
        return -1;
    }
    if (in_ancestry(chain, parent, &st)) {
        close(fd);
        /* A vmdk with an embedded descriptor names itself as its extent. */
        if (role == SC_CHAIN_EXTENT)
            return 0;
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "image '%s': %s makes a loop in its chain: refused", image, ref);
        return -1;
    }
    if (add_link(chain, real, fd, role, parent, volume) < 0) {
        close(fd);
        return -1;
    }
    return 0;
}

/* Probe link @i and follow what it names. */
static int
walk_link(scChain *chain, size_t i, const char *format, const scChainRules *rules)
{
    scChainLink *link = &chain->links[i];
    scProbeResult res = { 0 };
    struct stat st;
    int r = -1;

    if (link->role == SC_CHAIN_DATA_FILE || link->role == SC_CHAIN_EXTENT)
        return (link->format = scStrdup("raw")) ? 0 : -1;
    if (depth(chain, (int) i) > SC_CHAIN_DEPTH_MAX) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "image '%s': its chain is deeper than %d images: refused",
                      chain->links[0].path, SC_CHAIN_DEPTH_MAX);
        return -1;
    }
    if (fstat(link->fd, &st) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot stat '%s'", link->path);
        return -1;
    }
    if (scProbeFile(link->fd, &st, link->path, &res) < 0)
        return -1;
    /* A format the caller states (the catalog's) wins: raw is raw, whatever
     * its bytes look like. */
    if (!(link->format = scStrdup(format ? format : res.format)))
        goto out;
    if (strcmp(link->format, res.format) != 0) {
        r = 0; /* read as another format: its header is data */
        goto out;
    }
    if (res.problem) {
        /* A reference that could not be read may be one that leaves the
         * pool: the image cannot be trusted to a tool. */
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "image '%s': its header cannot be read whole (%s): refused", link->path,
                      res.problem);
        goto out;
    }
    if ((res.backing_path && follow(chain, (int) i, SC_CHAIN_BACKING, res.backing_path, rules) < 0) ||
        (res.data_file && follow(chain, (int) i, SC_CHAIN_DATA_FILE, res.data_file, rules) < 0))
        goto out;
    for (size_t e = 0; e < res.nextents; e++)
        if (follow(chain, (int) i, SC_CHAIN_EXTENT, res.extents[e], rules) < 0)
            goto out;
    /* The backing file's format, when the image states it. */
    if (res.backing_path && res.backing_format) {
        for (size_t k = i + 1; k < chain->n; k++)
            if (chain->links[k].parent == (int) i && chain->links[k].role == SC_CHAIN_BACKING &&
                !chain->links[k].format && !(chain->links[k].format = scStrdup(res.backing_format)))
                goto out;
    }
    r = 0;
out:
    scProbeResultClear(&res);
    return r;
}

int
scChainWalk(int fd, const char *path, const char *format, const scChainRules *rules,
            scChain *chain)
{
    int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);

    memset(chain, 0, sizeof(*chain));
    if (dup_fd < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot use image '%s'", path);
        return -1;
    }
    if (add_link(chain, path, dup_fd, SC_CHAIN_IMAGE, -1, false) < 0) {
        close(dup_fd);
        return -1;
    }
    /* Links are appended as they are found: this visits each once. */
    for (size_t i = 0; i < chain->n; i++) {
        const char *fmt = i == 0 ? format : chain->links[i].format;
        char *given = fmt ? scStrdup(fmt) : NULL;
        int r;

        if (fmt && !given)
            goto error;
        free(chain->links[i].format);
        chain->links[i].format = NULL;
        r = walk_link(chain, i, given, rules);
        free(given);
        if (r < 0)
            goto error;
    }
    return 0;

error:
    scChainClear(chain);
    return -1;
}

int
scChainWalkPath(const char *path, const char *format, const scChainRules *rules, scChain *chain)
{
    scChain parent = { 0 };
    int r;

    /* The named file is checked as a backing file of a (virtual) image in
     * the pool's directory would be, then walked as an image. */
    memset(chain, 0, sizeof(*chain));
    if (add_link(&parent, rules->pool_dir, -1, SC_CHAIN_IMAGE, -1, false) < 0)
        return -1;
    free(parent.links[0].path);
    if (!(parent.links[0].path = scAsprintf("%s/.", rules->pool_dir))) {
        scChainClear(&parent);
        return -1;
    }
    r = follow(&parent, 0, SC_CHAIN_BACKING, path, rules);
    if (r == 0 && parent.n == 2) {
        r = scChainWalk(parent.links[1].fd, parent.links[1].path, format, rules, chain);
    } else if (r == 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID, "'%s' cannot be a backing store",
                      path);
        r = -1;
    }
    scChainClear(&parent);
    return r;
}

int
scChainFds(const scChain *chain, int *fds, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < chain->n; i++) {
        if (chain->links[i].role == SC_CHAIN_EXTENT)
            continue;
        if (n == max) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                          "image '%s': its chain names more than %zu files: refused",
                          chain->links[0].path, max);
            return -1;
        }
        fds[n++] = chain->links[i].fd;
    }
    return (int) n;
}

/* The place of link @i among the descriptors scChainFds hands over. */
static int
fd_index(const scChain *chain, size_t i)
{
    int n = 0;

    for (size_t k = 0; k < i; k++)
        if (chain->links[k].role != SC_CHAIN_EXTENT)
            n++;
    return n;
}

/* ---- qemu's description ------------------------------------------------- */

static void
json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char) *s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

/* qemu's driver for a format storcat probes. */
static const char *
qemu_driver(const char *format)
{
    static const char *const same[] = { "raw", "qcow", "qcow2", "qed", "vmdk", "vdi",
                                        "vpc", "vhdx" };

    if (strcmp(format, "iso") == 0)
        return "raw";
    for (size_t i = 0; i < SC_N_ELEMENTS(same); i++)
        if (strcmp(format, same[i]) == 0)
            return same[i];
    return NULL;
}

static bool
has_child(const scChain *chain, size_t i, scChainRole role)
{
    for (size_t k = i + 1; k < chain->n; k++)
        if (chain->links[k].parent == (int) i && chain->links[k].role == role)
            return true;
    return false;
}

/* The protocol node of link @i: the file by descriptor, or (for an image
 * whose extents qemu opens relative to it) by its checked path. */
static void
file_node(FILE *out, const scChain *chain, size_t i, int fd_base)
{
    const scChainLink *l = &chain->links[i];
    struct stat st;
    char fdpath[32];

    snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd_base + fd_index(chain, i));
    fprintf(out, "{\"driver\":\"%s\",\"filename\":",
            l->fd >= 0 && fstat(l->fd, &st) == 0 && S_ISBLK(st.st_mode) ? "host_device" : "file");
    json_string(out, has_child(chain, i, SC_CHAIN_EXTENT) ? l->path : fdpath);
    fputc('}', out);
}

static int
image_node(FILE *out, const scChain *chain, size_t i, int fd_base, bool no_backing)
{
    const scChainLink *l = &chain->links[i];
    const char *driver = qemu_driver(l->format);

    if (!driver) {
        scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                      "image '%s': qemu-img cannot be handed a '%s' image", l->path, l->format);
        return -1;
    }
    fprintf(out, "{\"driver\":\"%s\",\"file\":", driver);
    file_node(out, chain, i, fd_base);
    for (size_t k = i + 1; k < chain->n; k++) {
        const scChainLink *c = &chain->links[k];
        if (c->parent != (int) i)
            continue;
        if (c->role == SC_CHAIN_DATA_FILE) {
            fputs(",\"data-file\":", out);
            file_node(out, chain, k, fd_base);
        } else if (c->role == SC_CHAIN_BACKING && !no_backing) {
            fputs(",\"backing\":", out);
            if (image_node(out, chain, k, fd_base, false) < 0)
                return -1;
        }
    }
    /* Formats that may have a backing file get one, or none: never the
     * name in their header. */
    if (!has_child(chain, i, SC_CHAIN_BACKING) || no_backing) {
        static const char *const cow[] = { "qcow", "qcow2", "qed", "vmdk" };
        for (size_t c = 0; c < SC_N_ELEMENTS(cow); c++)
            if (strcmp(driver, cow[c]) == 0)
                fputs(",\"backing\":null", out);
    }
    fputc('}', out);
    return 0;
}

char *
scChainQemuSpec(const scChain *chain, int fd_base, bool no_backing)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    int r;

    if (!out) {
        scReportOOM();
        return NULL;
    }
    fputs("json:", out);
    r = image_node(out, chain, 0, fd_base, no_backing);
    if (fclose(out) != 0 && r == 0) {
        scReportOOM();
        r = -1;
    }
    if (r < 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
