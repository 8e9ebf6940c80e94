/*
 * chain.h: the whole chain of an image, walked and checked before any
 * tool reads or writes through it.
 *
 * An image may name other files: a backing file (qcow, qcow2, qed, vmdk's
 * parent), an external data file (qcow2) or extent files (a vmdk
 * descriptor). A hostile image names /etc/shadow, a relative path out of
 * the pool, a FIFO, a protocol (json:, nbd://), or itself. The walk opens
 * every file the chain names, from the image down, with storcat's own
 * probe, and refuses, naming the reference, any that is not a regular file
 * inside the pool's directory or a volume the catalog knows (a block
 * device is a volume only then), any protocol, any loop, and a chain
 * deeper than SC_CHAIN_DEPTH_MAX. qemu-img is then handed the checked
 * files' descriptors and a blockdev description that names each of them
 * (scChainQemuSpec): it opens nothing else.
 *
 * A relative name is relative to the directory of the image that holds
 * it, as qemu resolves it.
 */
#ifndef SC_CHAIN_H
#define SC_CHAIN_H

#include <stdbool.h>
#include <stddef.h>

/* Longest chain walked: images deeper than this are refused; and most
 * files a chain may name in all (a vmdk split into 2 GiB extents names
 * 512 for 1 TiB). */
#define SC_CHAIN_DEPTH_MAX 64
#define SC_CHAIN_LINKS_MAX 1024

typedef enum {
    SC_CHAIN_IMAGE,     /* the image itself */
    SC_CHAIN_BACKING,   /* the backing file of its parent link */
    SC_CHAIN_DATA_FILE, /* the external data file of its parent link */
    SC_CHAIN_EXTENT,    /* an extent file of its parent link (a vmdk descriptor) */
} scChainRole;

typedef struct {
    char *path;        /* canonical: symlinks resolved */
    int fd;            /* open read-only, or -1 when closed */
    char *format;      /* as the probe found it ("raw", "qcow2", ...) */
    scChainRole role;
    int parent;        /* index of the link that names it; -1 for the image */
    bool volume;       /* a volume the catalog knows (outside the pool's directory) */
} scChainLink;

typedef struct {
    scChainLink *links; /* [0] is the image; each link comes after its parent */
    size_t n;
} scChain;

/* What a chain may reach. */
typedef struct {
    const char *pool_dir; /* canonical; files under it are allowed */
    /* A volume the catalog knows at canonical @path (also allowed): 1 yes,
     * 0 no, -1 error (reported). NULL: none are. */
    int (*is_volume)(void *opaque, const char *path);
    void *opaque;
} scChainRules;

/*
 * scChainWalk:
 * Walks the chain of the image open as @fd (whose canonical path is
 * @path; its format is probed unless @format is given), opening and
 * probing every file it names under @rules. Returns 0 with @chain filled
 * (the caller clears it), or -1 with an error that names the image, the
 * reference and why it is refused (SC_ERR_OPERATION_INVALID), or the
 * failure. @fd stays the caller's; links[0].fd is a duplicate of it.
 */
int scChainWalk(int fd, const char *path, const char *format, const scChainRules *rules,
                scChain *chain);

/*
 * scChainWalkPath:
 * Walks the chain of file @path (a backing store a caller asked for, by
 * name, relative to the pool's directory if not absolute) under @rules:
 * the file itself must be allowed as a link would be. 0 with @chain
 * filled (links[0] is @path's file), or -1 (reported).
 */
int scChainWalkPath(const char *path, const char *format, const scChainRules *rules,
                    scChain *chain);

/* Close the chain's descriptors and free it; a cleared chain is fine. */
void scChainClear(scChain *chain);

/* The descriptors of the chain's links that a tool is handed (every link
 * but the extent files, which qemu opens by name next to their checked
 * descriptor), in order, for scCommandRun (which hands them to the child
 * as 3, 4, ...). Returns their number, or -1 if more than @max. */
int scChainFds(const scChain *chain, int *fds, size_t max);

/*
 * scChainQemuSpec:
 * qemu's description of the image as a "json:{...}" filename in which
 * every link is "/proc/self/fd/N" with N = @fd_base + its index (as
 * scChainFds orders them): the backing, data file and driver of each
 * image given explicitly, so that qemu opens nothing the walk did not.
 * With @no_backing, the image's backing chain is left out (null), for a
 * tool that only needs the image itself (resize). A new string, or NULL
 * (reported). Images whose links qemu cannot be told by descriptor (vmdk
 * extents) are described by their checked canonical paths.
 */
char *scChainQemuSpec(const scChain *chain, int fd_base, bool no_backing);

#endif /* SC_CHAIN_H */
