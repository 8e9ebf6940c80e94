/*
 * cli-vol.c: the storcat tool's verbs that make and change volumes
 * (vol-create, vol-create-as, vol-create-from, vol-clone, vol-delete,
 * vol-wipe, vol-resize, vol-upload, vol-download), with virsh's names,
 * options and messages. The verbs that list and show volumes are in
 * cli-vol-info.c.
 *
 * A VOL argument is found as virsh finds it (cliLookupVol): by name in the
 * --pool given, else by key, by path, or by storcat's volume UUID.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Room for a confirmation: "Size of volume 'NAME' successfully changed to 1G". */
#define CLI_DONE_BUFLEN 512

/* Volume formats, as libvirt names them (its file formats, then its disk
 * partition types): a --format or --backing-vol-format that is none of
 * them is a usage error; one that the pool's type does not take is the
 * library's error. */
static const char *const volFormats[] = {
    "raw",  "dir",   "bochs", "cloop", "dmg",        "iso",       "vpc",        "vdi",
    "fat",  "vhd",   "ploop", "cow",   "qcow",       "qcow2",     "qed",        "vmdk",
    "none", "linux", "fat16", "fat32", "linux-swap", "linux-lvm", "linux-raid", "extended",
};

const char *const *
cliVolFormatNames(size_t *n)
{
    *n = sizeof(volFormats) / sizeof(volFormats[0]);
    return volFormats;
}

/* A usage error if option @option's value @format is no volume format. */
static int
checkFormat(const cliArgs *args, const char *option, const char *format)
{
    if (!format)
        return CLI_CONTINUE;
    for (size_t i = 0; i < sizeof(volFormats) / sizeof(volFormats[0]); i++) {
        if (strcmp(volFormats[i], format) == 0)
            return CLI_CONTINUE;
    }
    return cliUsageError(args->verb, "unknown %s '%s' (raw, qcow2, qed, vmdk, vdi, vpc, ...)",
                         option, cliSafe(format));
}

/* After a verb made or changed @vol: its object with --json, else the
 * confirmation (already formatted into @done, "Vol x created"). */
static int
printDone(scStorageVol *vol, const char *done)
{
    if (cliJsonMode())
        return cliPutDocument(cliVolDocument(vol));
    cliInfo("%s", done);
    return CLI_EXIT_OK;
}

/* SC_STORAGE_VOL_CREATE_* flags of the create and clone verbs' options. */
static unsigned int
createFlags(const cliArgs *args, bool reflink)
{
    unsigned int flags = 0;

    if (cliOptFlag(args, "prealloc-metadata"))
        flags |= SC_STORAGE_VOL_CREATE_PREALLOC_METADATA;
    if (reflink && cliOptFlag(args, "reflink"))
        flags |= SC_STORAGE_VOL_CREATE_REFLINK;
    return flags;
}

/* SC_STORAGE_VOL_CHECK_USERS unless --force: the tool refuses to delete,
 * shrink, wipe or upload over a volume imported domains or other volumes
 * use (its guest disks, its overlays),
 * or to upload over an image that is not raw. */
static unsigned int
usersFlag(const cliArgs *args)
{
    return cliOptFlag(args, "force") ? 0 : SC_STORAGE_VOL_CHECK_USERS;
}

/* ---- volume XML ----------------------------------------------------- */

/* What vol-create-as and vol-clone put in a volume's XML. */
typedef struct volSpec {
    const char *name;                     /* <name> */
    unsigned long long capacity;          /* <capacity>, bytes */
    const unsigned long long *allocation; /* <allocation>, bytes; NULL: absent */
    const char *format;                   /* <target><format type>; NULL: the pool's default */
    const char *backing_path;             /* <backingStore><path>; NULL: none */
    const char *backing_format;           /* <backingStore><format type>; may be NULL */
} volSpec;

/* Builds a volume's XML as virsh's vol-create-as does, every value
 * escaped. Returns a new string, or NULL after printing why. */
static char *
buildVolXML(const volSpec *spec)
{
    char *xml = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&xml, &len);

    if (!out) {
        cliErrorCode(CLI_EXIT_FAILED, SC_ERR_NO_MEMORY, SC_FROM_NONE, "out of memory");
        return NULL;
    }
    fputs("<volume>\n", out);
    cliXmlLine(out, "  <name>", spec->name, "</name>\n");
    fprintf(out, "  <capacity>%llu</capacity>\n", spec->capacity);
    if (spec->allocation)
        fprintf(out, "  <allocation>%llu</allocation>\n", *spec->allocation);
    if (spec->format) {
        fputs("  <target>\n", out);
        cliXmlLine(out, "    <format type='", spec->format, "'/>\n");
        fputs("  </target>\n", out);
    }
    if (spec->backing_path) {
        fputs("  <backingStore>\n", out);
        cliXmlLine(out, "    <path>", spec->backing_path, "</path>\n");
        cliXmlLine(out, "    <format type='", spec->backing_format, "'/>\n");
        fputs("  </backingStore>\n", out);
    }
    fputs("</volume>\n", out);
    return cliMemstreamClose(out, &xml);
}

/* ---- vol-create, vol-create-as -------------------------------------- */

static int
cmdVolCreate(cliContext *ctx, const cliArgs *args)
{
    const char *file = args->params[1];
    _cleanup_pool_ scStoragePool *pool = NULL;
    _cleanup_vol_ scStorageVol *vol = NULL;
    _cleanup_free_ char *xml = NULL;
    char done[CLI_DONE_BUFLEN];

    if (!(xml = cliReadFile(file)) || !(pool = cliLookupPool(ctx, args->params[0])))
        return CLI_EXIT_FAILED;
    /* The library's message names the volume, not the file it came from. */
    if (!(vol = scStorageVolCreateXML(pool, xml, createFlags(args, false))))
        return cliLibError(NULL, "failed to create volume from '%s'", cliSafe(file));
    snprintf(done, sizeof(done), "Vol %s created from %s", scStorageVolGetName(vol), file);
    return printDone(vol, done);
}

/* The path of --backing-vol: a volume of @pool by name, else by key, path
 * or UUID, as virsh's vol-create-as. New string, or NULL after printing why. */
static char *
backingPath(cliContext *ctx, scStoragePool *pool, const char *spec)
{
    _cleanup_vol_ scStorageVol *vol = NULL;
    char *path;

    if (!(vol = cliLookupVol(ctx, spec, pool)))
        return NULL;
    if (!(path = scStorageVolGetPath(vol)))
        cliLibError(spec, "failed to get the path of volume '%s'", cliSafe(spec));
    return path;
}

static int
cmdVolCreateAs(cliContext *ctx, const cliArgs *args)
{
    const char *poolspec = args->params[0];
    const char *allocation = cliOptValue(args, "allocation");
    const char *backing = cliOptValue(args, "backing-vol");
    bool print = cliOptFlag(args, "print-xml");
    volSpec spec = {
        .name = args->params[1],
        .format = cliOptValue(args, "format"),
        .backing_format = cliOptValue(args, "backing-vol-format"),
    };
    unsigned long long allocBytes;
    _cleanup_pool_ scStoragePool *pool = NULL;
    _cleanup_vol_ scStorageVol *vol = NULL;
    _cleanup_free_ char *path = NULL;
    _cleanup_free_ char *xml = NULL;
    char done[CLI_DONE_BUFLEN];
    const char *poolname;
    int status;

    status = cliCheckName(args->verb, "volume", spec.name);
    if (status == CLI_CONTINUE)
        status = cliParseSize(args->verb, "capacity", args->params[2], &spec.capacity);
    if (status == CLI_CONTINUE && allocation)
        status = cliParseSize(args->verb, "allocation", allocation, &allocBytes);
    if (status == CLI_CONTINUE)
        status = checkFormat(args, "--format", spec.format);
    if (status == CLI_CONTINUE)
        status = checkFormat(args, "--backing-vol-format", spec.backing_format);
    if (status != CLI_CONTINUE)
        return status;
    if (spec.backing_format && !backing)
        return cliUsageError(args->verb, "--backing-vol-format needs --backing-vol");
    spec.allocation = allocation ? &allocBytes : NULL;

    /* --print-xml needs the catalog only to find a backing volume. */
    if ((!print || backing) && !(pool = cliLookupPool(ctx, poolspec)))
        return CLI_EXIT_FAILED;
    if (backing && !(spec.backing_path = path = backingPath(ctx, pool, backing)))
        return CLI_EXIT_FAILED;
    if (!(xml = buildVolXML(&spec)))
        return CLI_EXIT_FAILED;
    if (print)
        return cliPrintXML(xml);
    poolname = scStoragePoolGetName(pool);
    if (!(vol = scStorageVolCreateXML(pool, xml, createFlags(args, false))))
        return cliLibError(spec.name, "failed to create volume '%s' in pool '%s'",
                           cliSafe(spec.name), cliSafe(poolname));
    snprintf(done, sizeof(done), "Vol %s created", scStorageVolGetName(vol));
    return printDone(vol, done);
}

/* ---- vol-create-from, vol-clone ------------------------------------- */

/* Makes a volume of @pool from @xml with the data of @src; prints the
 * error about @name (NULL: the XML file's) on failure. A new reference or
 * NULL. */
static scStorageVol *
createFrom(cliContext *ctx, scStoragePool *pool, const char *xml, scStorageVol *src,
           unsigned int flags, const char *name, const char *file)
{
    const char *srcname = scStorageVolGetName(src);
    scStorageVol *vol;

    cliProgressBegin(ctx);
    vol = scStorageVolCreateXMLFrom(pool, xml, src, flags);
    cliProgressEnd();
    if (!vol && name)
        cliLibError(name, "failed to clone volume '%s' to '%s'", cliSafe(srcname), cliSafe(name));
    else if (!vol)
        cliLibError(NULL, "failed to create volume from '%s' with the data of '%s'", cliSafe(file),
                    cliSafe(srcname));
    return vol;
}

static int
cmdVolCreateFrom(cliContext *ctx, const cliArgs *args)
{
    const char *file = args->params[1];
    const char *inputpool = cliOptValue(args, "inputpool");
    _cleanup_pool_ scStoragePool *pool = NULL;
    _cleanup_pool_ scStoragePool *srcpool = NULL;
    _cleanup_vol_ scStorageVol *src = NULL;
    _cleanup_vol_ scStorageVol *vol = NULL;
    _cleanup_free_ char *xml = NULL;
    char done[CLI_DONE_BUFLEN];

    if (!(xml = cliReadFile(file)) || !(pool = cliLookupPool(ctx, args->params[0])) ||
        (inputpool && !(srcpool = cliLookupPool(ctx, inputpool))) ||
        !(src = cliLookupVol(ctx, args->params[2], srcpool)))
        return CLI_EXIT_FAILED;
    if (!(vol = createFrom(ctx, pool, xml, src, createFlags(args, true), NULL, file)))
        return CLI_EXIT_FAILED;
    snprintf(done, sizeof(done), "Vol %s created from input vol %s", scStorageVolGetName(vol),
             scStorageVolGetName(src));
    return printDone(vol, done);
}

static int
cmdVolClone(cliContext *ctx, const cliArgs *args)
{
    volSpec spec = { .name = args->params[1] };
    _cleanup_pool_ scStoragePool *pool = NULL;
    _cleanup_vol_ scStorageVol *src = NULL;
    _cleanup_vol_ scStorageVol *vol = NULL;
    _cleanup_free_ char *format = NULL;
    _cleanup_free_ char *xml = NULL;
    scStorageVolInfo info;
    char done[CLI_DONE_BUFLEN];
    const char *srcname;
    int status;

    if ((status = cliCheckName(args->verb, "volume", spec.name)) != CLI_CONTINUE)
        return status;
    if (!(src = cliVolFromArgs(ctx, args)))
        return CLI_EXIT_FAILED;
    srcname = scStorageVolGetName(src);
    /* As virsh: the clone goes to the pool of the original, with its size
     * and format (a format left out would be the pool's default: a
     * conversion). NULL without an error is a format storcat does not know. */
    if (!(pool = scStoragePoolLookupByVolume(src)) || scStorageVolGetInfo(src, &info) < 0 ||
        (!(format = scStorageVolGetFormat(src)) && scGetLastError()))
        return cliLibError(srcname, "failed to get information on volume '%s'", cliSafe(srcname));
    spec.capacity = info.capacity;
    /* The original's allocation, as virsh's clone passes the original's
     * XML: a sparse original makes a sparse clone (a clone without
     * <allocation> is allocated whole, libvirt's rule). */
    spec.allocation = &info.allocation;
    spec.format = format;
    if (!(xml = buildVolXML(&spec)) ||
        !(vol = createFrom(ctx, pool, xml, src, createFlags(args, true), spec.name, NULL)))
        return CLI_EXIT_FAILED;
    snprintf(done, sizeof(done), "Vol %s cloned from %s", scStorageVolGetName(vol), srcname);
    return printDone(vol, done);
}

/* ---- vol-delete, vol-wipe, vol-resize ------------------------------- */

static int
cmdVolDelete(cliContext *ctx, const cliArgs *args)
{
    _cleanup_vol_ scStorageVol *vol = NULL;
    _cleanup_free_ char *before = NULL;
    const char *name;
    bool missing;

    if (!(vol = cliVolFromArgs(ctx, args)))
        return CLI_EXIT_FAILED;
    name = scStorageVolGetName(vol);
    /* A missing volume's row is what goes (its storage was gone). */
    missing = scStorageVolGetState(vol) == SC_STORAGE_VOL_STATE_MISSING;
    /* --json: the volume as it was. */
    if (cliJsonMode() && !(before = cliVolDocument(vol)))
        return CLI_EXIT_FAILED;
    if (scStorageVolDelete(vol, usersFlag(args)) < 0)
        return cliLibError(name, "failed to delete volume '%s'", cliSafe(name));
    if (before)
        return cliPutDocument(TAKE_PTR(before));
    if (missing)
        cliInfo("Vol %s deleted (it was missing: forgotten)", name);
    else
        cliInfo("Vol %s deleted", name);
    return CLI_EXIT_OK;
}

/* --algorithm names, as virsh's, in scStorageVolWipeAlgorithm's order. */
static const char *const wipeAlgorithms[] = {
    "zero",     "nnsa",      "dod",        "bsi",    "gutmann",
    "schneier", "pfitzner7", "pfitzner33", "random", "trim",
};
_Static_assert(sizeof(wipeAlgorithms) / sizeof(wipeAlgorithms[0]) == SC_STORAGE_VOL_WIPE_ALG_LAST,
               "wipe algorithm names do not match scStorageVolWipeAlgorithm");

const char *const *
cliWipeAlgorithmNames(size_t *n)
{
    *n = sizeof(wipeAlgorithms) / sizeof(wipeAlgorithms[0]);
    return wipeAlgorithms;
}

static int
cmdVolWipe(cliContext *ctx, const cliArgs *args)
{
    const char *algname = cliOptValue(args, "algorithm");
    unsigned int alg = SC_STORAGE_VOL_WIPE_ALG_ZERO;
    _cleanup_vol_ scStorageVol *vol = NULL;
    char done[CLI_DONE_BUFLEN];
    const char *name;
    int rc;

    if (algname) {
        while (alg < SC_STORAGE_VOL_WIPE_ALG_LAST && strcmp(wipeAlgorithms[alg], algname) != 0)
            alg++;
        if (alg == SC_STORAGE_VOL_WIPE_ALG_LAST)
            return cliUsageError(args->verb,
                                 "unknown --algorithm '%s' (zero, nnsa, dod, bsi, gutmann, "
                                 "schneier, pfitzner7, pfitzner33, random, trim)",
                                 cliSafe(algname));
    }
    if (!(vol = cliVolFromArgs(ctx, args)))
        return CLI_EXIT_FAILED;
    name = scStorageVolGetName(vol);
    cliProgressBegin(ctx);
    rc = scStorageVolWipePattern(vol, alg, usersFlag(args));
    cliProgressEnd();
    if (rc < 0)
        return cliLibError(name, "failed to wipe volume '%s'", cliSafe(name));
    snprintf(done, sizeof(done), "Vol %s wiped", name);
    return printDone(vol, done);
}

/*
 * checkResize:
 * What vol-resize asks of @vol, checked in the user's words before the
 * library is asked (whose words are the API's: "the shrink flag"): the
 * new capacity from the current one, a shrink only with --shrink, not
 * below zero, not past what a file can hold. Returns CLI_CONTINUE or the
 * exit status of the error printed.
 */
static int
checkResize(scStorageVol *vol, unsigned long long capacity, unsigned int flags)
{
    const char *name = scStorageVolGetName(vol);
    unsigned long long target = capacity;
    scStorageVolInfo info;

    if (scStorageVolGetInfo(vol, &info) < 0)
        return cliLibError(name, "failed to get information on volume '%s'", cliSafe(name));
    if ((flags & SC_STORAGE_VOL_RESIZE_DELTA) && (flags & SC_STORAGE_VOL_RESIZE_SHRINK)) {
        if (capacity > info.capacity)
            return cliErrorCode(CLI_EXIT_FAILED, SC_ERR_INVALID_ARG, SC_FROM_STORAGE,
                                "volume '%s': cannot shrink by %llu bytes, its capacity is "
                                "%llu bytes",
                                cliSafe(name), capacity, info.capacity);
        target = info.capacity - capacity;
    } else if (flags & SC_STORAGE_VOL_RESIZE_DELTA) {
        if (capacity > (unsigned long long) LLONG_MAX - info.capacity)
            return cliErrorCode(CLI_EXIT_FAILED, SC_ERR_INVALID_ARG, SC_FROM_STORAGE,
                                "volume '%s': growing by %llu bytes is too large", cliSafe(name),
                                capacity);
        target = info.capacity + capacity;
    }
    if (target < info.capacity && !(flags & SC_STORAGE_VOL_RESIZE_SHRINK))
        return cliErrorCode(CLI_EXIT_FAILED, SC_ERR_INVALID_ARG, SC_FROM_STORAGE,
                            "volume '%s': the new capacity, %llu bytes, is below its capacity, "
                            "%llu bytes: give --shrink to shrink it",
                            cliSafe(name), target, info.capacity);
    return CLI_CONTINUE;
}

static int
cmdVolResize(cliContext *ctx, const cliArgs *args)
{
    const char *text = args->params[1];
    _cleanup_vol_ scStorageVol *vol = NULL;
    unsigned long long capacity;
    char done[CLI_DONE_BUFLEN];
    unsigned int flags = 0;
    const char *name;
    int status;

    /* As virsh: "-1G" is a shrink by 1G (the API takes no negative size). */
    if (text[0] == '-')
        flags |= SC_STORAGE_VOL_RESIZE_DELTA | SC_STORAGE_VOL_RESIZE_SHRINK;
    if ((status = cliParseSize(args->verb, "capacity", text + (text[0] == '-'), &capacity)) !=
        CLI_CONTINUE)
        return status;
    if (cliOptFlag(args, "allocate"))
        flags |= SC_STORAGE_VOL_RESIZE_ALLOCATE;
    if (cliOptFlag(args, "delta"))
        flags |= SC_STORAGE_VOL_RESIZE_DELTA;
    if (cliOptFlag(args, "shrink"))
        flags |= SC_STORAGE_VOL_RESIZE_SHRINK;
    flags |= usersFlag(args);

    if (!(vol = cliVolFromArgs(ctx, args)))
        return CLI_EXIT_FAILED;
    name = scStorageVolGetName(vol);
    if ((status = checkResize(vol, capacity, flags)) != CLI_CONTINUE)
        return status;
    if (scStorageVolResize(vol, capacity, flags) < 0)
        return cliLibError(name, "failed to change the size of volume '%s'", cliSafe(name));
    snprintf(done, sizeof(done), "Size of volume '%s' successfully changed %s %s", name,
             flags & SC_STORAGE_VOL_RESIZE_DELTA ? "by" : "to", text);
    return printDone(vol, done);
}

/* ---- vol-upload, vol-download --------------------------------------- */

/* --offset and --length of vol-upload and vol-download. */
static int
parseRange(const cliArgs *args, unsigned long long *offset, unsigned long long *length)
{
    const char *off = cliOptValue(args, "offset");
    const char *len = cliOptValue(args, "length");
    int status = CLI_CONTINUE;

    *offset = *length = 0;
    if (off)
        status = cliParseSize(args->verb, "offset", off, offset);
    if (status == CLI_CONTINUE && len)
        status = cliParseSize(args->verb, "length", len, length);
    if (status == CLI_CONTINUE && *offset > (unsigned long long) LLONG_MAX - *length)
        status = cliUsageError(args->verb, "--offset and --length end past the largest size");
    return status;
}

static int
cmdVolUpload(cliContext *ctx, const cliArgs *args)
{
    const char *file = args->params[1];
    unsigned int flags = (cliOptFlag(args, "sparse") ? SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM : 0) |
                         usersFlag(args);
    bool stdinput = strcmp(file, "-") == 0;
    _cleanup_vol_ scStorageVol *vol = NULL;
    unsigned long long offset, length;
    const char *name;
    int status, fd, rc;

    if ((status = parseRange(args, &offset, &length)) != CLI_CONTINUE)
        return status;
    if (!(vol = cliVolFromArgs(ctx, args)))
        return CLI_EXIT_FAILED;
    name = scStorageVolGetName(vol);
    if ((fd = stdinput ? STDIN_FILENO : open(file, O_RDONLY | O_CLOEXEC)) < 0) {
        cliError("failed to open '%s': %s", cliSafe(file), strerror(errno));
        return CLI_EXIT_FAILED;
    }
    cliProgressBegin(ctx);
    rc = scStorageVolUploadFD(vol, fd, offset, length, flags);
    cliProgressEnd();
    if (rc < 0)
        cliLibError(name, "failed to upload '%s' to volume '%s'", cliSafe(file), cliSafe(name));
    if (!stdinput)
        close(fd); /* only read from */
    return rc < 0 ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}

/* Opens @file for vol-download as virsh does: created if it does not
 * exist (*created set), else truncated, unless it is the volume itself
 * (any spelling of its path: it would be emptied before it is read).
 * Returns the fd, or -1 after printing why. */
static int
openDownload(scStorageVol *vol, const char *file, bool *created)
{
    int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    _cleanup_free_ char *path = NULL;
    struct stat st, vst;

    *created = fd >= 0;
    if (fd >= 0)
        return fd;
    if (errno == EEXIST && (fd = open(file, O_WRONLY | O_CLOEXEC)) >= 0) {
        if (fstat(fd, &st) == 0 && (path = scStorageVolGetPath(vol)) && stat(path, &vst) == 0 &&
            st.st_dev == vst.st_dev && st.st_ino == vst.st_ino) {
            cliError("cannot download volume '%s' into itself ('%s')",
                     cliSafe(scStorageVolGetName(vol)), cliSafe(file));
            close(fd);
            return -1;
        }
        if (S_ISREG(st.st_mode) && ftruncate(fd, 0) < 0) {
            cliError("failed to truncate '%s': %s", cliSafe(file), strerror(errno));
            close(fd);
            return -1;
        }
        return fd;
    }
    cliError("failed to create '%s': %s", cliSafe(file), strerror(errno));
    return -1;
}

static int
cmdVolDownload(cliContext *ctx, const cliArgs *args)
{
    const char *file = args->params[1];
    unsigned int flags = cliOptFlag(args, "sparse") ? SC_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM : 0;
    bool stdoutput = strcmp(file, "-") == 0;
    _cleanup_vol_ scStorageVol *vol = NULL;
    unsigned long long offset, length;
    bool created = false;
    const char *name;
    int status, fd, rc;

    if ((status = parseRange(args, &offset, &length)) != CLI_CONTINUE)
        return status;
    if (!(vol = cliVolFromArgs(ctx, args)))
        return CLI_EXIT_FAILED;
    name = scStorageVolGetName(vol);
    if ((fd = stdoutput ? STDOUT_FILENO : openDownload(vol, file, &created)) < 0)
        return CLI_EXIT_FAILED;
    cliProgressBegin(ctx);
    rc = scStorageVolDownloadFD(vol, fd, offset, length, flags);
    cliProgressEnd();
    if (rc < 0)
        cliLibError(name, "failed to download volume '%s' to '%s'", cliSafe(name), cliSafe(file));
    /* A failed close can be the write that failed (NFS, a full disk). */
    if (!stdoutput && close(fd) < 0 && rc == 0) {
        cliError("failed to write '%s': %s", cliSafe(file), strerror(errno));
        rc = -1;
    }
    if (rc < 0 && created)
        unlink(file); /* leave no half file behind, as virsh */
    return rc < 0 ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}

/* ---- the table ------------------------------------------------------ */

static const cliOption volParam[] = {
    { "VOL", NULL, "volume: a name (with --pool), a key, a path or a UUID" },
    { NULL, NULL, NULL },
};

/* --force: what SC_STORAGE_VOL_CHECK_USERS refuses, done anyway. */
#define FORCE_OPTION(what)                                                   \
    { "force", NULL, what " even if a domain uses it or other volumes use it as backing file" }

static const cliOption deleteOptions[] = {
    { "pool", "POOL", "pool of the volume, to find VOL by name" },
    FORCE_OPTION("delete it"),
    { NULL, NULL, NULL },
};

static const cliOption createParams[] = {
    { "POOL", NULL, "pool name or UUID" },
    { "FILE", NULL, "file with the volume's XML definition ('-': standard input)" },
    { NULL, NULL, NULL },
};

static const cliOption createOptions[] = {
    { "prealloc-metadata", NULL, "preallocate metadata (qcow2)" },
    { NULL, NULL, NULL },
};

static const cliOption createAsParams[] = {
    { "POOL", NULL, "pool name or UUID" },
    { "NAME", NULL, "name of the volume" },
    { "CAPACITY", NULL, "size of the volume, in bytes or with a unit (K, KiB, KB, M, ...)" },
    { NULL, NULL, NULL },
};

static const cliOption createAsOptions[] = {
    { "allocation", "SIZE", "space to allocate at once (default: CAPACITY; 0: sparse)" },
    { "format", "FORMAT", "file format: raw, qcow2, qed, vmdk, vdi, vpc (default raw)" },
    { "backing-vol", "VOL", "backing volume (a name in POOL, a key, a path or a UUID)" },
    { "backing-vol-format", "FORMAT", "format of the backing volume" },
    { "prealloc-metadata", NULL, "preallocate metadata (qcow2)" },
    { "print-xml", NULL, "print the XML document, do not create the volume" },
    { NULL, NULL, NULL },
};

static const cliOption createFromParams[] = {
    { "POOL", NULL, "pool name or UUID of the new volume" },
    { "FILE", NULL, "file with the new volume's XML definition ('-': standard input)" },
    { "VOL", NULL, "volume to copy: a name (with --inputpool), a key, a path or a UUID" },
    { NULL, NULL, NULL },
};

static const cliOption createFromOptions[] = {
    { "inputpool", "POOL", "pool of VOL, to find it by name" },
    { "prealloc-metadata", NULL, "preallocate metadata (qcow2)" },
    { "reflink", NULL, "share the data blocks (copy-on-write), or fail" },
    { NULL, NULL, NULL },
};

static const cliOption cloneParams[] = {
    { "VOL", NULL, "volume to clone: a name (with --pool), a key, a path or a UUID" },
    { "NEWNAME", NULL, "name of the new volume, in the same pool" },
    { NULL, NULL, NULL },
};

static const cliOption cloneOptions[] = {
    { "pool", "POOL", "pool of the volume, to find VOL by name" },
    { "prealloc-metadata", NULL, "preallocate metadata (qcow2)" },
    { "reflink", NULL, "share the data blocks (copy-on-write), or fail" },
    { NULL, NULL, NULL },
};

static const cliOption wipeOptions[] = {
    { "pool", "POOL", "pool of the volume, to find VOL by name" },
    { "algorithm", "ALG",
      "zero (default), nnsa, dod, bsi, gutmann, schneier, pfitzner7, pfitzner33, random, trim" },
    FORCE_OPTION("wipe it"),
    { NULL, NULL, NULL },
};

static const cliOption resizeParams[] = {
    { "VOL", NULL, "volume: a name (with --pool), a key, a path or a UUID" },
    { "CAPACITY", NULL, "new size, or with --delta the change; -SIZE shrinks by SIZE" },
    { NULL, NULL, NULL },
};

static const cliOption resizeOptions[] = {
    { "pool", "POOL", "pool of the volume, to find VOL by name" },
    { "allocate", NULL, "allocate the new space" },
    { "delta", NULL, "change the size by CAPACITY" },
    { "shrink", NULL, "allow the volume to shrink" },
    FORCE_OPTION("shrink it"),
    { NULL, NULL, NULL },
};

static const cliOption uploadParams[] = {
    { "VOL", NULL, "volume: a name (with --pool), a key, a path or a UUID" },
    { "FILE", NULL, "file to read ('-': standard input)" },
    { NULL, NULL, NULL },
};

static const cliOption downloadParams[] = {
    { "VOL", NULL, "volume: a name (with --pool), a key, a path or a UUID" },
    { "FILE", NULL, "file to write, created or truncated ('-': standard output)" },
    { NULL, NULL, NULL },
};

static const cliOption downloadOptions[] = {
    { "pool", "POOL", "pool of the volume, to find VOL by name" },
    { "offset", "BYTES", "where to start in the volume (default 0)" },
    { "length", "BYTES", "how much to copy (default: to the end)" },
    { "sparse", NULL, "keep holes: zero blocks are not written" },
    { NULL, NULL, NULL },
};

static const cliOption uploadOptions[] = {
    { "pool", "POOL", "pool of the volume, to find VOL by name" },
    { "offset", "BYTES", "where to start in the volume (default 0)" },
    { "length", "BYTES", "how much to copy (default: to the end)" },
    { "sparse", NULL, "keep holes: zero blocks are not written" },
    { "force", NULL,
      "upload even over an image that is not raw, or one a domain or other volumes use" },
    { NULL, NULL, NULL },
};

const cliVerb cliVolVerbs[] = {
    { "vol-create", cmdVolCreate, "create a volume from an XML file", createParams, createOptions },
    { "vol-create-as", cmdVolCreateAs, "create a volume from a set of arguments", createAsParams,
      createAsOptions },
    { "vol-create-from", cmdVolCreateFrom,
      "create a volume from an XML file, with the data of another volume", createFromParams,
      createFromOptions },
    { "vol-clone", cmdVolClone, "clone a volume", cloneParams, cloneOptions },
    { "vol-delete", cmdVolDelete, "delete a volume (or forget a missing one)", volParam,
      deleteOptions },
    { "vol-wipe", cmdVolWipe, "wipe a volume's data", volParam, wipeOptions },
    { "vol-resize", cmdVolResize, "change the capacity of a volume", resizeParams, resizeOptions },
    { "vol-upload", cmdVolUpload, "copy a file's content into a volume", uploadParams,
      uploadOptions },
    { "vol-download", cmdVolDownload, "copy a volume's content into a file", downloadParams,
      downloadOptions },
    { NULL, NULL, NULL, NULL, NULL },
};
