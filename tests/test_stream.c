/*
 * test_stream.c: streams (scStream*) and the stream form of
 * scStorageVolUpload / scStorageVolDownload, end to end on real dir pools
 * in a fresh temporary directory per test: byte-exact round trips of raw
 * and qcow2 files, holes that stay holes (checked with SEEK_DATA /
 * SEEK_HOLE and the allocation the catalog records), non-blocking
 * streams, abort, the fd-slot adapter a backend without stream slots
 * gets, every kind of bad input (each leaving the volume and the catalog
 * as they were, its journal ended), callbacks that fail or call back
 * into their stream, and a SIGKILL in the middle of an upload.
 */
#include <config.h>

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/backend.h"
#include "testutil.h"

#define MiB (1024 * 1024)

typedef struct {
    char *dir;    /* the test's temporary directory */
    char *images; /* the pool's directory */
    char *catalog;
    scConnectPtr conn;
    scStoragePoolPtr pool;
} Fixture;

static int
setup(void **state)
{
    Fixture *f = calloc(1, sizeof(*f));
    char *xml;

    if (!f || !(f->dir = testTmpDirMake("stream")))
        return -1;
    f->images = testPath(f->dir, "images");
    f->catalog = testPath(f->dir, "catalog.db");
    if (!(f->conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE)))
        return -1;
    if (asprintf(&xml,
                 "<pool type='dir'><name>images</name><target><path>%s</path></target>"
                 "</pool>",
                 f->images) < 0)
        return -1;
    f->pool = scStoragePoolDefineXML(f->conn, xml, 0);
    free(xml);
    if (!f->pool || scStoragePoolCreate(f->pool, SC_STORAGE_POOL_CREATE_WITH_BUILD) < 0) {
        fprintf(stderr, "# setup: %s\n", scGetLastErrorMessage());
        return -1;
    }
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    scBackendOverride(SC_POOL_DIR, NULL);
    scStoragePoolFree(f->pool);
    assert_int_equal(scConnectClose(f->conn), 0);
    testTmpDirRemove(f->dir);
    free(f->images);
    free(f->catalog);
    free(f);
    return 0;
}

static scStorageVolPtr
create_vol(Fixture *f, const char *name, const char *format, unsigned long long capacity,
           unsigned long long alloc)
{
    char *xml;
    scStorageVolPtr vol;

    assert_true(asprintf(&xml,
                         "<volume><name>%s</name><capacity>%llu</capacity>"
                         "<allocation>%llu</allocation><target><format type='%s'/>"
                         "</target></volume>",
                         name, capacity, alloc, format) > 0);
    vol = scStorageVolCreateXML(f->pool, xml, 0);
    free(xml);
    assert_sc_ok(vol);
    return vol;
}

/* Events of @action so far, and volumes with an operation journaled. */
static int
events(Fixture *f, const char *action)
{
    char sql[256];

    snprintf(sql, sizeof(sql), "SELECT count(*) FROM events WHERE action = '%s'", action);
    return testSqlInt(f->catalog, sql);
}

static int
journaled(Fixture *f)
{
    return testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE op IS NOT NULL");
}

static char *
vol_file(Fixture *f, const char *name)
{
    return testPath(f->images, name);
}

/* A file's whole content (*@len bytes). */
static unsigned char *
slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    unsigned char *buf;

    assert_true(fd >= 0);
    assert_int_equal(fstat(fd, &st), 0);
    buf = malloc((size_t) st.st_size + 1);
    assert_non_null(buf);
    assert_int_equal(pread(fd, buf, (size_t) st.st_size, 0), st.st_size);
    close(fd);
    *len = (size_t) st.st_size;
    return buf;
}

/* Pseudo-random bytes (never all zero in a block), reproducible. */
static void
fill(unsigned char *buf, size_t len, unsigned int seed)
{
    unsigned long long x = 0x9e3779b97f4a7c15ULL * (seed + 1);

    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (unsigned char) (x | 1);
    }
}

/* The data sections of @path as "off+len,..." (SEEK_DATA / SEEK_HOLE), in
 * one of two static buffers (two layouts may be compared). */
static char *
layout(const char *path)
{
    static char bufs[2][4096];
    static int next;
    int fd = open(path, O_RDONLY);
    struct stat st;
    char *out = bufs[next++ & 1];
    off_t pos = 0, data, hole;

    *out = '\0';
    assert_true(fd >= 0);
    assert_int_equal(fstat(fd, &st), 0);
    while (pos < st.st_size && (data = lseek(fd, pos, SEEK_DATA)) >= 0) {
        hole = lseek(fd, data, SEEK_HOLE);
        snprintf(out + strlen(out), 4096 - strlen(out), "%s%lld+%lld", *out ? "," : "",
                 (long long) data, (long long) (hole - data));
        pos = hole;
    }
    close(fd);
    return out;
}

static unsigned long long
file_blocks_bytes(const char *path)
{
    struct stat st;

    assert_int_equal(stat(path, &st), 0);
    return (unsigned long long) st.st_blocks * 512;
}

/* Wait (5 s at most) until @path holds @want at @off: what a stream's
 * worker has written by then. */
static void
wait_written(const char *path, const unsigned char *want, size_t len, off_t off)
{
    unsigned char *buf = malloc(len);
    int fd = open(path, O_RDONLY);

    assert_true(buf && fd >= 0);
    for (int i = 0; i < 5000; i++) {
        if (pread(fd, buf, len, off) == (ssize_t) len && memcmp(buf, want, len) == 0)
            break;
        usleep(1000);
    }
    assert_memory_equal(buf, want, len);
    close(fd);
    free(buf);
}

/* Send all of @buf through @st. */
static void
send_buf(scStreamPtr st, const unsigned char *buf, size_t len)
{
    for (size_t off = 0; off < len;) {
        size_t n = len - off < 100000 ? len - off : 100000; /* odd sizes on purpose */
        int r = scStreamSend(st, (const char *) buf + off, n);
        assert_sc_ok(r > 0);
        off += (size_t) r;
    }
}

/* ---- a source and a sink on a local file, as virsh's --sparse ------------ */

typedef struct {
    int fd;
    unsigned long long holes, hole_bytes, calls;
} FileIO;

static int
src_read(scStreamPtr st, char *data, size_t nbytes, void *opaque)
{
    FileIO *io = opaque;
    (void) st;
    io->calls++;
    return (int) read(io->fd, data, nbytes);
}

static int
src_in_data(scStreamPtr st, int *in_data, long long *length, void *opaque)
{
    FileIO *io = opaque;
    off_t cur = lseek(io->fd, 0, SEEK_CUR), end = lseek(io->fd, 0, SEEK_END);
    off_t data = lseek(io->fd, cur, SEEK_DATA), next;

    (void) st;
    if (cur >= end) {
        *in_data = 0;
        *length = 0;
    } else if (data < 0 || data > cur) {
        next = data < 0 ? end : data;
        *in_data = 0;
        *length = next - cur;
    } else {
        next = lseek(io->fd, cur, SEEK_HOLE);
        *in_data = 1;
        *length = next - cur;
    }
    lseek(io->fd, cur, SEEK_SET);
    return 0;
}

static int
src_skip(scStreamPtr st, long long length, void *opaque)
{
    FileIO *io = opaque;
    (void) st;
    io->holes++;
    io->hole_bytes += (unsigned long long) length;
    return lseek(io->fd, length, SEEK_CUR) < 0 ? -1 : 0;
}

static int
sink_write(scStreamPtr st, const char *data, size_t nbytes, void *opaque)
{
    FileIO *io = opaque;
    (void) st;
    io->calls++;
    return (int) write(io->fd, data, nbytes);
}

static int
sink_hole(scStreamPtr st, long long length, void *opaque)
{
    FileIO *io = opaque;
    off_t end;
    (void) st;
    io->holes++;
    io->hole_bytes += (unsigned long long) length;
    end = lseek(io->fd, length, SEEK_CUR);
    return end < 0 || ftruncate(io->fd, end) < 0 ? -1 : 0;
}

/* A sparse file at @path: 1 MiB of data, a 3 MiB hole, 512 KiB of data, a
 * 2.5 MiB hole (7 MiB). Its content into *@want if not NULL. */
static void
make_sparse_source(const char *path, unsigned char **want)
{
    unsigned char *buf = calloc(1, 7 * MiB);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    assert_true(buf && fd >= 0);
    fill(buf, MiB, 1);
    fill(buf + 4 * MiB, MiB / 2, 2);
    assert_int_equal(pwrite(fd, buf, MiB, 0), MiB);
    assert_int_equal(pwrite(fd, buf + 4 * MiB, MiB / 2, 4 * MiB), MiB / 2);
    assert_int_equal(ftruncate(fd, 7 * MiB), 0);
    close(fd);
    assert_string_equal(layout(path), "0+1048576,4194304+524288");
    if (want)
        *want = buf;
    else
        free(buf);
}

/* ---- round trips -------------------------------------------------------------- */

typedef struct {
    unsigned char *buf;
    size_t len, cap;
} Mem;

static int
mem_sink(scStreamPtr st, const char *data, size_t nbytes, void *opaque)
{
    Mem *m = opaque;
    (void) st;
    if (m->len + nbytes > m->cap)
        return -1;
    memcpy(m->buf + m->len, data, nbytes);
    m->len += nbytes;
    return (int) nbytes;
}

/* Upload 5 MiB into a raw volume with scStreamSend, download it back with
 * scStreamRecvAll: byte-exact; the upload synced, recorded with its event
 * and allocation, its journal ended. */
static void
test_roundtrip_raw(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol = create_vol(f, "a.img", "raw", 8 * MiB, 0);
    char *path = vol_file(f, "a.img");
    unsigned char *want = malloc(5 * MiB), *got;
    Mem m = { calloc(1, 9 * MiB), 0, 9 * MiB };
    scStorageVolInfo info;
    scStreamPtr st;
    size_t len;

    fill(want, 5 * MiB, 7);
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolUpload(vol, st, 0, 0, 0) == 0);
    assert_int_equal(journaled(f), 1); /* journaled while the data flows */
    send_buf(st, want, 5 * MiB);
    assert_sc_ok(scStreamFinish(st) == 0);
    assert_null(scGetLastError());
    assert_sc_ok(scStreamFree(st) == 0);
    assert_int_equal(journaled(f), 0);
    assert_int_equal(events(f, "vol-upload"), 1);

    got = slurp(path, &len);
    assert_int_equal(len, 8 * MiB); /* the volume keeps its size */
    assert_memory_equal(got, want, 5 * MiB);
    free(got);
    assert_sc_ok(scStorageVolGetInfo(vol, &info) == 0);
    assert_int_equal(info.allocation, file_blocks_bytes(path));
    assert_true(info.allocation >= 5 * MiB);

    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolDownload(vol, st, 0, 0, 0) == 0);
    assert_int_equal(journaled(f), 0); /* a read journals nothing */
    assert_sc_ok(scStreamRecvAll(st, mem_sink, &m) == 0);
    assert_sc_ok(scStreamFinish(st) == 0);
    assert_sc_ok(scStreamFree(st) == 0);
    assert_int_equal(m.len, 8 * MiB);
    assert_memory_equal(m.buf, want, 5 * MiB);
    for (size_t i = 5 * MiB; i < 8 * MiB; i++)
        assert_int_equal(m.buf[i], 0);

    /* A part: offset and length. */
    m.len = 0;
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolDownload(vol, st, 4096, 10000, 0) == 0);
    assert_sc_ok(scStreamRecvAll(st, mem_sink, &m) == 0);
    assert_sc_ok(scStreamFinish(st) == 0);
    scStreamFree(st);
    assert_int_equal(m.len, 10000);
    assert_memory_equal(m.buf, want + 4096, 10000);

    free(m.buf);
    free(want);
    free(path);
    scStorageVolFree(vol);
}

/* A sparse upload over a volume full of data: the holes are punched, the
 * data is byte-exact, the rest of the volume untouched, and the catalog
 * records the allocation the file has. A sparse download then hands the
 * same holes back as holes, to a sparse file. */
static void
test_sparse_holes(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol = create_vol(f, "s.img", "raw", 8 * MiB, 0);
    char *path = vol_file(f, "s.img"), *src = testPath(f->dir, "src.img"),
         *dst = testPath(f->dir, "dst.img");
    unsigned char *want, *old = malloc(8 * MiB), *got;
    FileIO io = { -1, 0, 0, 0 };
    scStorageVolInfo info;
    scStreamPtr st;
    size_t len;

    /* The volume holds data everywhere first. */
    memset(old, 0xaa, 8 * MiB);
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolUpload(vol, st, 0, 0, 0) == 0);
    send_buf(st, old, 8 * MiB);
    assert_sc_ok(scStreamFinish(st) == 0);
    scStreamFree(st);
    assert_string_equal(layout(path), "0+8388608");

    make_sparse_source(src, &want);
    io.fd = open(src, O_RDONLY);
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolUpload(vol, st, 0, 0, SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM) == 0);
    assert_sc_ok(scStreamSparseSendAll(st, src_read, src_in_data, src_skip, &io) == 0);
    assert_sc_ok(scStreamFinish(st) == 0);
    scStreamFree(st);
    close(io.fd);
    assert_int_equal(io.holes, 2);
    assert_int_equal(io.hole_bytes, 3 * MiB + 5 * MiB / 2);

    /* Holes stayed holes; the last MiB, past the stream, kept its data. */
    assert_string_equal(layout(path), "0+1048576,4194304+524288,7340032+1048576");
    got = slurp(path, &len);
    assert_int_equal(len, 8 * MiB);
    assert_memory_equal(got, want, 7 * MiB);
    assert_memory_equal(got + 7 * MiB, old, MiB);
    free(got);
    assert_sc_ok(scStorageVolGetInfo(vol, &info) == 0);
    assert_int_equal(info.allocation, file_blocks_bytes(path));
    assert_int_equal(info.allocation, 2 * MiB + MiB / 2);
    assert_int_equal(info.capacity, 8 * MiB);

    /* Back out, sparse: RecvFlags stops at each hole, RecvHole sizes it. */
    char buf[65536];
    long long hole = -1;
    unsigned long long data = 0, holes = 0;
    int r;
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolDownload(vol, st, 0, 0, SC_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM) == 0);
    assert_sc_ok(scStreamRecvHole(st, &hole, 0) == 0);
    assert_int_equal(hole, 0); /* data first: no hole to take */
    while ((r = scStreamRecvFlags(st, buf, sizeof(buf), SC_STREAM_RECV_STOP_AT_HOLE)) != 0) {
        if (r == -3) {
            assert_null(scGetLastError());
            assert_sc_ok(scStreamRecvHole(st, &hole, 0) == 0);
            assert_true(hole > 0);
            holes += (unsigned long long) hole;
            continue;
        }
        assert_sc_ok(r > 0);
        data += (unsigned long long) r;
    }
    assert_sc_ok(scStreamFinish(st) == 0);
    scStreamFree(st);
    assert_int_equal(holes, 3 * MiB + 5 * MiB / 2);
    assert_int_equal(data, 2 * MiB + MiB / 2);

    /* SparseRecvAll into a file: the same holes there. */
    io = (FileIO){ open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644), 0, 0, 0 };
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolDownload(vol, st, 0, 0, SC_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM) == 0);
    assert_sc_ok(scStreamSparseRecvAll(st, sink_write, sink_hole, &io) == 0);
    assert_sc_ok(scStreamFinish(st) == 0);
    scStreamFree(st);
    close(io.fd);
    assert_int_equal(io.holes, 2);
    assert_string_equal(layout(dst), "0+1048576,4194304+524288,7340032+1048576");
    got = slurp(dst, &len);
    assert_int_equal(len, 8 * MiB);
    assert_memory_equal(got, want, 7 * MiB);
    free(got);

    /* Not sparse: the holes arrive as zeroes, and RecvHole is refused. */
    Mem m = { calloc(1, 8 * MiB), 0, 8 * MiB };
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolDownload(vol, st, 0, 0, 0) == 0);
    assert_sc_err(scStreamRecvHole(st, &hole, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_sc_ok(scStreamRecvAll(st, mem_sink, &m) == 0);
    assert_sc_ok(scStreamFinish(st) == 0);
    scStreamFree(st);
    assert_int_equal(m.len, 8 * MiB);
    assert_memory_equal(m.buf, want, 7 * MiB);
    free(m.buf);

    free(want);
    free(old);
    free(path);
    free(src);
    free(dst);
    scStorageVolFree(vol);
}

/* A hole past the end grows the volume (a file shorter than the stream);
 * a hole sent to a plain scStreamRecv reader is zeroes. */
static void
test_sparse_tail(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol = create_vol(f, "t.img", "raw", 8 * MiB, 0);
    char *path = vol_file(f, "t.img");
    unsigned char data[4096];
    scStreamPtr st;
    struct stat sb;

    /* Shrink the file behind storcat's back, then upload past its end. */
    assert_int_equal(truncate(path, 4096), 0);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    scStorageVolFree(vol);
    assert_sc_ok(vol = scStorageVolLookupByName(f->pool, "t.img"));
    fill(data, sizeof(data), 3);
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolUpload(vol, st, 0, 0, SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM) == 0);
    assert_sc_ok(scStreamSend(st, (const char *) data, sizeof(data)) == sizeof(data));
    assert_sc_ok(scStreamSendHole(st, 2 * MiB, 0) == 0);
    assert_sc_ok(scStreamSendHole(st, MiB, 0) == 0); /* merged with the one before */
    assert_sc_ok(scStreamFinish(st) == 0);
    scStreamFree(st);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_size, 4096 + 3 * MiB);
    assert_string_equal(layout(path), "0+4096");
    scStorageVolInfo info;
    assert_sc_ok(scStorageVolGetInfo(vol, &info) == 0);
    assert_int_equal(info.capacity, 4096 + 3 * MiB);

    free(path);
    scStorageVolFree(vol);
}

/* A qcow2 image travels as its file: downloaded sparse, uploaded sparse
 * into a raw volume, it is the same file, and the catalog sees the image
 * it now holds. */
static void
test_qcow2(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr a, b;
    char *pa, *pb, *fmt;
    unsigned char *ga, *gb;
    size_t la, lb;
    scStreamPtr up, down;
    char buf[SC_UUID_STRING_BUFLEN];

    if (access(QEMU_IMG, X_OK) != 0) {
        skip();
        return;
    }
    a = create_vol(f, "a.qcow2", "qcow2", 1ULL << 30, 0);
    pa = vol_file(f, "a.qcow2");
    /* Some data in the image, through a raw upload of its file region. */
    b = create_vol(f, "b.img", "raw", 4096, 4096);
    pb = vol_file(f, "b.img");

    /* Download a's file sparse straight into an upload to b. */
    assert_sc_ok(down = scStreamNew(f->conn, 0));
    assert_sc_ok(up = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolDownload(a, down, 0, 0, SC_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM) == 0);
    assert_sc_ok(scStorageVolUpload(b, up, 0, 0, SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM) == 0);
    for (;;) {
        char data[70000];
        long long hole;
        int r = scStreamRecvFlags(down, data, sizeof(data), SC_STREAM_RECV_STOP_AT_HOLE);
        if (r == 0)
            break;
        if (r == -3) {
            assert_sc_ok(scStreamRecvHole(down, &hole, 0) == 0);
            assert_sc_ok(scStreamSendHole(up, hole, 0) == 0);
            continue;
        }
        assert_sc_ok(r > 0);
        send_buf(up, (unsigned char *) data, (size_t) r);
    }
    assert_sc_ok(scStreamFinish(down) == 0);
    assert_sc_ok(scStreamFinish(up) == 0);
    scStreamFree(down);
    scStreamFree(up);

    ga = slurp(pa, &la);
    gb = slurp(pb, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(ga, gb, la);
    assert_string_equal(layout(pa), layout(pb));
    assert_sc_ok(fmt = scStorageVolGetFormat(b));
    assert_string_equal(fmt, "qcow2");
    scStorageVolInfo info;
    assert_sc_ok(scStorageVolGetInfo(b, &info) == 0);
    assert_int_equal(info.capacity, 1ULL << 30);
    assert_sc_ok(scStorageVolGetUUIDString(b, buf) == 0);

    free(fmt);
    free(ga);
    free(gb);
    free(pa);
    free(pb);
    scStorageVolFree(a);
    scStorageVolFree(b);
}

/* Non-blocking: Send gives -2 when the queue is full and Recv when nothing
 * is ready, never blocks, and the data still arrives whole; the loops are
 * refused. */
static void
test_nonblock(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol = create_vol(f, "n.img", "raw", 64 * MiB, 0);
    unsigned char *want = malloc(64 * MiB), *got;
    char *path = vol_file(f, "n.img");
    Mem m = { calloc(1, 64 * MiB), 0, 64 * MiB };
    unsigned long long again = 0;
    scStreamPtr st;
    size_t len;
    int r;

    fill(want, 64 * MiB, 9);
    assert_sc_ok(st = scStreamNew(f->conn, SC_STREAM_NONBLOCK));
    assert_sc_ok(scStorageVolUpload(vol, st, 0, 0, 0) == 0);
    assert_sc_err(scStreamSendAll(st, src_read, NULL) == 0, SC_ERR_OPERATION_INVALID);
    for (size_t off = 0; off < 64 * MiB;) {
        r = scStreamSend(st, (const char *) want + off, 64 * MiB - off);
        if (r == -2) {
            assert_null(scGetLastError());
            again++;
            usleep(100);
            continue;
        }
        assert_sc_ok(r > 0);
        off += (size_t) r;
    }
    /* 64 MiB outrun a 4 MiB queue, but for a valgrind that runs one
     * thread at a time. */
    const char *preload = getenv("LD_PRELOAD");
    if (!preload || !strstr(preload, "vgpreload"))
        assert_true(again > 0);
    assert_sc_ok(scStreamFinish(st) == 0);
    scStreamFree(st);
    got = slurp(path, &len);
    assert_memory_equal(got, want, 64 * MiB);
    free(got);

    assert_sc_ok(st = scStreamNew(f->conn, SC_STREAM_NONBLOCK));
    assert_sc_ok(scStorageVolDownload(vol, st, 0, 0, 0) == 0);
    assert_sc_err(scStreamRecvAll(st, mem_sink, &m) == 0, SC_ERR_OPERATION_INVALID);
    for (;;) {
        r = scStreamRecv(st, (char *) m.buf + m.len, m.cap - m.len > 65536 ? 65536 : m.cap - m.len);
        if (r == -2) {
            assert_null(scGetLastError());
            usleep(100);
            continue;
        }
        assert_sc_ok(r >= 0);
        if (r == 0)
            break;
        m.len += (size_t) r;
    }
    assert_sc_ok(scStreamFinish(st) == 0);
    scStreamFree(st);
    assert_int_equal(m.len, 64 * MiB);
    assert_memory_equal(m.buf, want, 64 * MiB);

    free(m.buf);
    free(want);
    free(path);
    scStorageVolFree(vol);
}

/* ---- abort ---------------------------------------------------------------------- */

/* What an upload wrote before its abort stays written, and the catalog
 * says so (allocation, an event); the journal ends. A stream freed while
 * open is aborted the same way. */
static void
test_abort(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol = create_vol(f, "x.img", "raw", 8 * MiB, 0);
    char *path = vol_file(f, "x.img");
    unsigned char *want = malloc(2 * MiB), *got;
    scStorageVolInfo info;
    scStreamPtr st;
    size_t len;

    fill(want, 2 * MiB, 4);
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStreamAbort(st) == 0); /* unbound: nothing to stop */
    assert_sc_ok(scStorageVolUpload(vol, st, 0, 0, 0) == 0);
    send_buf(st, want, MiB);
    wait_written(path, want, MiB, 0);
    assert_sc_ok(scStreamAbort(st) == 0);
    assert_int_equal(journaled(f), 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-upload' "
                                "AND detail LIKE '%aborted after 1048576 bytes%'"),
                     1);
    got = slurp(path, &len);
    assert_memory_equal(got, want, MiB);
    free(got);
    assert_sc_ok(scStorageVolGetInfo(vol, &info) == 0);
    assert_int_equal(info.allocation, file_blocks_bytes(path));
    assert_true(info.allocation >= MiB);
    /* Closed now, as libvirt's: */
    assert_sc_err(scStreamAbort(st) == 0, SC_ERR_OPERATION_FAILED);
    assert_sc_err(scStreamSend(st, "x", 1) == 0, SC_ERR_OPERATION_FAILED);
    assert_sc_err(scStreamFinish(st) == 0, SC_ERR_OPERATION_FAILED);
    assert_sc_ok(scStreamFree(st) == 0);

    /* Freed while open: aborted and recorded; the volume free again. */
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolUpload(vol, st, MiB, 0, 0) == 0);
    send_buf(st, want + MiB, MiB);
    wait_written(path, want + MiB, MiB, MiB);
    assert_int_equal(journaled(f), 1);
    assert_sc_ok(scStreamFree(st) == 0);
    assert_int_equal(journaled(f), 0);
    assert_int_equal(events(f, "vol-upload"), 2);
    got = slurp(path, &len);
    assert_memory_equal(got, want, 2 * MiB);
    free(got);
    assert_sc_ok(scStorageVolResize(vol, 16 * MiB, 0) == 0);

    /* A download aborted early, and one finished early (an error, as
     * libvirt's "stream had unexpected termination"). */
    char buf[100];
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolDownload(vol, st, 0, 0, 0) == 0);
    assert_sc_ok(scStreamRecv(st, buf, sizeof(buf)) == sizeof(buf));
    assert_sc_ok(scStreamAbort(st) == 0);
    scStreamFree(st);
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolDownload(vol, st, 0, 0, 0) == 0);
    assert_sc_ok(scStreamRecv(st, buf, sizeof(buf)) == sizeof(buf));
    assert_sc_err(scStreamFinish(st) == 0, SC_ERR_OPERATION_FAILED);
    assert_sc_err(scStreamRecv(st, buf, sizeof(buf)) == 0, SC_ERR_OPERATION_FAILED);
    scStreamFree(st);

    free(want);
    free(path);
    scStorageVolFree(vol);
}

/* ---- bad input ------------------------------------------------------------------- */

/* Each refused with a clear error, the volume and the catalog unchanged
 * (no event, no journal), the stream still usable when it was new. */
static void
test_bad_handles_and_args(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol = create_vol(f, "b.img", "raw", MiB, 0), other;
    scConnectPtr conn2, ro;
    scStreamPtr st, st2;
    long long hole;
    char buf[16];
    int before = testSqlInt(f->catalog, "SELECT count(*) FROM events");

    assert_sc_err(scStreamNew(NULL, 0), SC_ERR_INVALID_CONN);
    assert_sc_err(scStreamNew(f->conn, 2), SC_ERR_INVALID_ARG);
    assert_sc_err(scStreamSend(NULL, "x", 1) == 0, SC_ERR_INVALID_STREAM);
    assert_sc_err(scStreamRecv(NULL, buf, 1) == 0, SC_ERR_INVALID_STREAM);
    assert_sc_err(scStreamRecvFlags(NULL, buf, 1, 0) == 0, SC_ERR_INVALID_STREAM);
    assert_sc_err(scStreamSendHole(NULL, 1, 0) == 0, SC_ERR_INVALID_STREAM);
    assert_sc_err(scStreamRecvHole(NULL, &hole, 0) == 0, SC_ERR_INVALID_STREAM);
    assert_sc_err(scStreamSendAll(NULL, src_read, NULL) == 0, SC_ERR_INVALID_STREAM);
    assert_sc_err(scStreamRecvAll(NULL, mem_sink, NULL) == 0, SC_ERR_INVALID_STREAM);
    assert_sc_err(scStreamFinish(NULL) == 0, SC_ERR_INVALID_STREAM);
    assert_sc_err(scStreamAbort(NULL) == 0, SC_ERR_INVALID_STREAM);
    assert_sc_err(scStreamRef(NULL) == 0, SC_ERR_INVALID_STREAM);
    assert_sc_err(scStreamFree(NULL) == 0, SC_ERR_INVALID_STREAM);
    assert_sc_err(scStreamFree((scStreamPtr) (void *) vol) == 0, SC_ERR_INVALID_STREAM);
    assert_sc_err(scStorageVolUpload(vol, NULL, 0, 0, 0) == 0, SC_ERR_INVALID_STREAM);
    assert_sc_err(scStorageVolDownload(vol, NULL, 0, 0, 0) == 0, SC_ERR_INVALID_STREAM);

    assert_sc_ok(st = scStreamNew(f->conn, 0));
    /* Not bound yet. */
    assert_sc_err(scStreamSend(st, "x", 1) == 0, SC_ERR_OPERATION_INVALID);
    assert_sc_err(scStreamRecv(st, buf, 1) == 0, SC_ERR_OPERATION_INVALID);
    assert_sc_err(scStreamFinish(st) == 0, SC_ERR_OPERATION_INVALID);
    /* Refused binds leave it new. */
    assert_sc_err(scStorageVolUpload(NULL, st, 0, 0, 0) == 0, SC_ERR_INVALID_STORAGE_VOL);
    assert_sc_err(scStorageVolUpload(vol, st, 0, 0, 2) == 0, SC_ERR_INVALID_ARG);
    assert_sc_err(scStorageVolDownload(vol, st, 0, 0, 2) == 0, SC_ERR_INVALID_ARG);
    assert_sc_err(scStorageVolUpload(vol, st, 2 * MiB, 0, 0) == 0, SC_ERR_INVALID_ARG);
    assert_sc_err(scStorageVolUpload(vol, st, ~0ULL, 0, 0) == 0, SC_ERR_INVALID_ARG);
    assert_sc_err(scStorageVolUpload(vol, st, 1, (unsigned long long) LLONG_MAX, 0) == 0,
                  SC_ERR_INVALID_ARG);
    assert_sc_err(scStorageVolDownload(vol, st, (unsigned long long) LLONG_MAX, 2, 0) == 0,
                  SC_ERR_INVALID_ARG);
    /* A stream of another connection, an upload on a read-only one. */
    assert_sc_ok(conn2 = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE));
    assert_sc_ok(st2 = scStreamNew(conn2, 0));
    assert_sc_err(scStorageVolUpload(vol, st2, 0, 0, 0) == 0, SC_ERR_INVALID_ARG);
    scStreamFree(st2);
    assert_sc_ok(ro = scConnectOpenReadOnly(f->catalog));
    assert_sc_ok(other = scStorageVolLookupByName(f->pool, "b.img"));
    assert_sc_ok(st2 = scStreamNew(ro, 0));
    scStorageVolPtr rovol = scStorageVolLookupByKey(ro, scStorageVolGetKey(vol));
    assert_sc_ok(rovol);
    assert_sc_err(scStorageVolUpload(rovol, st2, 0, 0, 0) == 0, SC_ERR_OPERATION_DENIED);
    /* ... which may download. */
    assert_sc_ok(scStorageVolDownload(rovol, st2, 0, 0, 0) == 0);
    assert_sc_ok(scStreamAbort(st2) == 0);
    scStreamFree(st2);
    scStorageVolFree(rovol);
    scStorageVolFree(other);
    scConnectClose(ro);
    scConnectClose(conn2);
    assert_int_equal(journaled(f), 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events"), before);

    /* Still new: it binds. Wrong-direction calls, bad holes, bad sizes. */
    assert_sc_ok(scStorageVolUpload(vol, st, 0, 0, 0) == 0);
    assert_sc_err(scStorageVolUpload(vol, st, 0, 0, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_sc_err(scStorageVolDownload(vol, st, 0, 0, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_sc_err(scStreamRecv(st, buf, 1) == 0, SC_ERR_OPERATION_INVALID);
    assert_sc_err(scStreamRecvHole(st, &hole, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_sc_err(scStreamRecvFlags(st, buf, 1, 2) == 0, SC_ERR_INVALID_ARG);
    assert_sc_err(scStreamSendHole(st, 4096, 0) == 0, SC_ERR_OPERATION_INVALID); /* not sparse */
    assert_sc_err(scStreamSend(st, NULL, 1) == 0, SC_ERR_INVALID_ARG);
    assert_sc_err(scStreamSend(st, buf, (size_t) INT_MAX + 1) == 0, SC_ERR_SYSTEM_ERROR);
    assert_sc_err(scStreamSendAll(st, NULL, NULL) == 0, SC_ERR_INVALID_ARG);
    assert_sc_err(scStreamSparseSendAll(st, src_read, NULL, src_skip, NULL) == 0,
                  SC_ERR_INVALID_ARG);
    /* None of those ended the transfer. */
    assert_sc_ok(scStreamSend(st, "hello", 5) == 5);
    assert_sc_ok(scStreamFinish(st) == 0);
    /* Closed: every call says so; binding it again is refused. */
    assert_sc_err(scStreamFinish(st) == 0, SC_ERR_OPERATION_FAILED);
    assert_sc_err(scStreamSend(st, "x", 1) == 0, SC_ERR_OPERATION_FAILED);
    assert_sc_err(scStorageVolUpload(vol, st, 0, 0, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_int_equal(events(f, "vol-upload"), 1);
    assert_sc_ok(scStreamRef(st) == 0);
    assert_sc_ok(scStreamFree(st) == 0);
    assert_sc_ok(scStreamFree(st) == 0);

    /* Sparse: holes must be positive, flags 0. */
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolUpload(vol, st, 0, 0, SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM) == 0);
    assert_sc_err(scStreamSendHole(st, 0, 0) == 0, SC_ERR_INVALID_ARG);
    assert_sc_err(scStreamSendHole(st, -5, 0) == 0, SC_ERR_INVALID_ARG);
    assert_sc_err(scStreamSendHole(st, 4096, 1) == 0, SC_ERR_INVALID_ARG);
    assert_sc_ok(scStreamSendHole(st, 4096, 0) == 0);
    assert_sc_ok(scStreamFinish(st) == 0);
    scStreamFree(st);

    /* A download stream cannot send. */
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolDownload(vol, st, 0, 0, 0) == 0);
    assert_sc_err(scStreamSend(st, "x", 1) == 0, SC_ERR_OPERATION_INVALID);
    assert_sc_err(scStreamSendHole(st, 1, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_sc_ok(scStreamAbort(st) == 0);
    scStreamFree(st);
    assert_int_equal(journaled(f), 0);
    scStorageVolFree(vol);
}

/* The length limit: Send takes what fits, then fails with ENOSPC (as
 * libvirt's "cannot write to stream"), which ends the transfer (what was
 * written is recorded) and sticks to the stream. */
static void
test_length_limit(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol = create_vol(f, "l.img", "raw", MiB, 0);
    char *path = vol_file(f, "l.img");
    unsigned char data[4096], *got;
    scStreamPtr st;
    size_t len;

    fill(data, sizeof(data), 5);
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolUpload(vol, st, 100, 5000, 0) == 0);
    assert_sc_ok(scStreamSend(st, (char *) data, 4096) == 4096);
    assert_sc_ok(scStreamSend(st, (char *) data, 4096) == 904);
    assert_sc_err(scStreamSend(st, (char *) data, 4096) == 0, SC_ERR_SYSTEM_ERROR);
    assert_int_equal(scGetLastError()->domain, SC_FROM_STREAMS);
    assert_int_equal(journaled(f), 0);
    assert_sc_err(scStreamFinish(st) == 0, SC_ERR_SYSTEM_ERROR);
    assert_sc_err(scStreamAbort(st) == 0, SC_ERR_SYSTEM_ERROR);
    scStreamFree(st);
    got = slurp(path, &len);
    assert_memory_equal(got + 100, data, 4096);
    assert_memory_equal(got + 4196, data, 904);
    assert_int_equal(got[5100], 0);
    free(got);
    assert_int_equal(events(f, "vol-upload"), 1);

    /* A hole is cut at the limit. */
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolUpload(vol, st, 0, 8192, SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM) == 0);
    assert_sc_ok(scStreamSendHole(st, MiB, 0) == 0);
    assert_sc_err(scStreamSend(st, "x", 1) == 0, SC_ERR_SYSTEM_ERROR);
    scStreamFree(st);
    got = slurp(path, &len);
    assert_int_equal(len, MiB);
    for (size_t i = 0; i < 8192; i++)
        assert_int_equal(got[i], 0);
    free(got);

    free(path);
    scStorageVolFree(vol);
}

/* While a stream upload is open the volume is journaled: other changes to
 * it are refused as busy, other volumes and the catalog are free (no write
 * lock held while data flows). */
static void
test_busy(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol = create_vol(f, "v.img", "raw", MiB, 0), v2;
    scStreamPtr st, st2;
    scConnectPtr conn2;
    sqlite3 *db;

    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolUpload(vol, st, 0, 0, 0) == 0);
    assert_sc_ok(scStreamSend(st, "abc", 3) == 3);
    assert_sc_err(scStorageVolResize(vol, 2 * MiB, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_sc_err(scStorageVolWipe(vol, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_sc_err(scStorageVolUploadFD(vol, 0, 0, 0, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_sc_ok(st2 = scStreamNew(f->conn, 0));
    assert_sc_err(scStorageVolUpload(vol, st2, 0, 0, 0) == 0, SC_ERR_OPERATION_INVALID);
    /* Another connection changes the catalog meanwhile. */
    assert_sc_ok(conn2 = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE));
    scStoragePoolPtr p2 = scStoragePoolLookupByName(conn2, "images");
    assert_sc_ok(p2);
    assert_sc_ok(v2 = scStorageVolCreateXML(p2,
                                            "<volume><name>w.img</name><capacity>4096"
                                            "</capacity></volume>",
                                            0));
    assert_sc_err(scStorageVolUpload(v2, st2, 0, 0, 0) == 0, SC_ERR_INVALID_ARG); /* its conn */
    assert_int_equal(sqlite3_open_v2(f->catalog, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE; COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_sc_ok(scStreamFinish(st) == 0);
    assert_sc_ok(scStorageVolResize(vol, 2 * MiB, 0) == 0);
    scStreamFree(st);
    scStreamFree(st2);
    scStorageVolFree(v2);
    scStoragePoolFree(p2);
    scConnectClose(conn2);
    scStorageVolFree(vol);
}

/* ---- callbacks -------------------------------------------------------------------- */

typedef struct {
    int calls;
    int fail_at;  /* fail (EIO) at this call */
    bool reenter; /* call back into the stream */
    int reenter_codes[4];
} Source;

static int
test_source(scStreamPtr st, char *data, size_t nbytes, void *opaque)
{
    Source *s = opaque;
    long long hole;

    if (s->reenter && s->calls == 0) {
        s->reenter_codes[0] = scStreamSend(st, "x", 1) < 0 ? scGetLastError()->code : 0;
        s->reenter_codes[1] = scStreamFinish(st) < 0 ? scGetLastError()->code : 0;
        s->reenter_codes[2] = scStreamFree(st) < 0 ? scGetLastError()->code : 0;
        s->reenter_codes[3] = scStreamRecvHole(st, &hole, 0) < 0 ? scGetLastError()->code : 0;
    }
    if (++s->calls == s->fail_at) {
        errno = EIO;
        return -1;
    }
    if (s->calls > 3)
        return 0;
    memset(data, 'a' + s->calls, nbytes < 1000 ? nbytes : 1000);
    return nbytes < 1000 ? (int) nbytes : 1000;
}

static int
failing_sink(scStreamPtr st, const char *data, size_t nbytes, void *opaque)
{
    (void) st, (void) data, (void) nbytes, (void) opaque;
    errno = ENOSPC;
    return -1;
}

static int
failing_hole(scStreamPtr st, long long length, void *opaque)
{
    (void) st, (void) length, (void) opaque;
    errno = EROFS;
    return -1;
}

static void
test_callbacks(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol = create_vol(f, "c.img", "raw", MiB, 0);
    char *path = vol_file(f, "c.img");
    Source s = { 0, 3, false, { 0 } };
    unsigned char *got;
    scStreamPtr st;
    size_t len;

    /* A source failing at its third call: the transfer aborted, what the
     * first two gave is written and recorded, the error libvirt's. */
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolUpload(vol, st, 0, 0, 0) == 0);
    assert_sc_err(scStreamSendAll(st, test_source, &s) == 0, SC_ERR_SYSTEM_ERROR);
    assert_int_equal(scGetLastError()->sys_errno, EIO);
    assert_non_null(strstr(scGetLastError()->message, "send handler failed"));
    assert_int_equal(journaled(f), 0);
    assert_int_equal(events(f, "vol-upload"), 1);
    assert_sc_err(scStreamFinish(st) == 0, SC_ERR_OPERATION_FAILED); /* closed */
    scStreamFree(st);
    /* Queued data may be dropped by an abort (as libvirt's): what is
     * there is a prefix, and the catalog records what is there. */
    got = slurp(path, &len);
    for (size_t i = 0; i < 2000 && got[i]; i++)
        assert_int_equal(got[i], i < 1000 ? 'b' : 'c');
    for (size_t i = 2000; i < len; i++)
        assert_int_equal(got[i], 0);
    free(got);
    scStorageVolInfo info;
    assert_sc_ok(scStorageVolGetInfo(vol, &info) == 0);
    assert_int_equal(info.allocation, file_blocks_bytes(path));

    /* A source that calls back into its stream is refused each time; the
     * transfer goes on. */
    s = (Source){ 0, 0, true, { 0 } };
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolUpload(vol, st, 0, 0, 0) == 0);
    assert_sc_ok(scStreamSendAll(st, test_source, &s) == 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(s.reenter_codes[i], SC_ERR_OPERATION_INVALID);
    assert_sc_ok(scStreamFinish(st) == 0);
    scStreamFree(st);
    got = slurp(path, &len);
    assert_int_equal(got[0], 'b');
    assert_int_equal(got[2999], 'd');
    free(got);

    /* Sinks that fail. */
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolDownload(vol, st, 0, 0, 0) == 0);
    assert_sc_err(scStreamRecvAll(st, failing_sink, NULL) == 0, SC_ERR_SYSTEM_ERROR);
    assert_int_equal(scGetLastError()->sys_errno, ENOSPC);
    assert_non_null(strstr(scGetLastError()->message, "recv handler failed"));
    assert_sc_err(scStreamRecv(st, (char *) &len, 1) == 0, SC_ERR_OPERATION_FAILED);
    scStreamFree(st);
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_int_equal(truncate(path, 2 * MiB), 0); /* a trailing hole */
    assert_sc_ok(scStorageVolDownload(vol, st, 4096, 0, SC_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM) ==
                 0);
    Mem m = { calloc(1, 4096), 0, 4096 };
    assert_sc_err(scStreamSparseRecvAll(st, mem_sink, failing_hole, &m) == 0, SC_ERR_SYSTEM_ERROR);
    assert_int_equal(scGetLastError()->sys_errno, EROFS);
    scStreamFree(st);
    free(m.buf);

    free(path);
    scStorageVolFree(vol);
}

/* ---- through the fd slots of a backend without stream slots -------------- */

static scBackend fd_only;

/* The adapter runs vol_upload / vol_download behind a pipe: byte-exact,
 * holes written as zeroes that the fd slot's sparse mode punches again,
 * and all data on the way out; abort and a failing slot end cleanly. */
static void
test_fd_adapter(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol;
    char *path, *src = testPath(f->dir, "src.img");
    unsigned char *want, *got;
    FileIO io = { -1, 0, 0, 0 };
    Mem m = { calloc(1, 8 * MiB), 0, 8 * MiB };
    scStreamPtr st;
    size_t len;

    fd_only = scBackendDir;
    fd_only.vol_upload_stream = NULL;
    fd_only.vol_download_stream = NULL;
    scBackendOverride(SC_POOL_DIR, &fd_only);
    vol = create_vol(f, "f.img", "raw", 7 * MiB, 7 * MiB);
    path = vol_file(f, "f.img");

    make_sparse_source(src, &want);
    io.fd = open(src, O_RDONLY);
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolUpload(vol, st, 0, 0, SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM) == 0);
    assert_sc_ok(scStreamSparseSendAll(st, src_read, src_in_data, src_skip, &io) == 0);
    assert_sc_ok(scStreamFinish(st) == 0);
    scStreamFree(st);
    close(io.fd);
    got = slurp(path, &len);
    assert_int_equal(len, 7 * MiB);
    assert_memory_equal(got, want, 7 * MiB);
    free(got);
    assert_string_equal(layout(path), "0+1048576,4194304+524288");
    assert_int_equal(events(f, "vol-upload"), 1);
    assert_int_equal(journaled(f), 0);

    /* Out: all data, no hole, even when sparse is asked (a block device's
     * view, libvirt's too). */
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolDownload(vol, st, 0, 0, SC_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM) == 0);
    assert_sc_ok(scStreamSparseRecvAll(st, mem_sink, failing_hole, &m) == 0);
    assert_sc_ok(scStreamFinish(st) == 0);
    scStreamFree(st);
    assert_int_equal(m.len, 7 * MiB);
    assert_memory_equal(m.buf, want, 7 * MiB);

    /* Aborted half-way both ways: the threads end, nothing is left. */
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolUpload(vol, st, 0, 0, 0) == 0);
    send_buf(st, want, 2 * MiB);
    assert_sc_ok(scStreamAbort(st) == 0);
    scStreamFree(st);
    assert_int_equal(journaled(f), 0);
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolDownload(vol, st, 0, 0, 0) == 0);
    assert_sc_ok(scStreamRecv(st, (char *) m.buf, 10) == 10);
    assert_sc_ok(scStreamAbort(st) == 0);
    scStreamFree(st);

    /* The fd slot refusing (the file was replaced behind storcat's back):
     * its error reaches the caller at its next call, and the transfer ends. */
    assert_int_equal(unlink(path), 0);
    assert_int_equal(close(open(path, O_WRONLY | O_CREAT, 0644)), 0);
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolUpload(vol, st, 0, 0, 0) == 0);
    int r = 0;
    for (int i = 0; i < 1000 && r >= 0; i++) {
        r = scStreamSend(st, (const char *) want, 65536);
        if (r >= 0)
            usleep(1000);
    }
    assert_sc_err(r >= 0, SC_ERR_OPERATION_INVALID);
    assert_non_null(strstr(scGetLastErrorMessage(), "no longer the file"));
    assert_sc_err(scStreamFinish(st) == 0, SC_ERR_OPERATION_INVALID);
    scStreamFree(st);
    assert_int_equal(journaled(f), 0);

    free(m.buf);
    free(want);
    free(src);
    free(path);
    scStorageVolFree(vol);
}

/* ---- SIGKILL ------------------------------------------------------------------------- */

/* A process killed in the middle of a stream upload leaves a stale
 * journal that blocks nothing; its threads died with it. */
static void
test_sigkill(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol = create_vol(f, "k.img", "raw", 8 * MiB, 0);
    int ready[2];
    pid_t pid;
    char c;
    int status;

    assert_int_equal(pipe(ready), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        scConnectPtr conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE);
        scStoragePoolPtr pool = conn ? scStoragePoolLookupByName(conn, "images") : NULL;
        scStorageVolPtr v = pool ? scStorageVolLookupByName(pool, "k.img") : NULL;
        scStreamPtr st = conn ? scStreamNew(conn, 0) : NULL;
        static unsigned char buf[MiB];
        if (!v || !st || scStorageVolUpload(v, st, 0, 0, 0) < 0 ||
            scStreamSend(st, (const char *) buf, sizeof(buf)) < 0)
            _exit(1);
        if (write(ready[1], "r", 1) != 1)
            _exit(1);
        for (;;)
            pause(); /* killed with the upload open */
    }
    close(ready[1]);
    assert_int_equal(read(ready[0], &c, 1), 1);
    close(ready[0]);
    usleep(20000);
    kill(pid, SIGKILL);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    assert_int_equal(kill(pid, 0), -1); /* gone, threads and all */

    /* Its journal is there, stale: nothing is blocked by it. */
    assert_int_equal(journaled(f), 1);
    scStreamPtr st;
    assert_sc_ok(st = scStreamNew(f->conn, 0));
    assert_sc_ok(scStorageVolUpload(vol, st, 0, 0, 0) == 0);
    assert_sc_ok(scStreamSend(st, "new", 3) == 3);
    assert_sc_ok(scStreamFinish(st) == 0);
    scStreamFree(st);
    assert_int_equal(journaled(f), 0);
    assert_sc_ok(scStorageVolResize(vol, 9 * MiB, 0) == 0);
    scStorageVolFree(vol);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_roundtrip_raw, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sparse_holes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sparse_tail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_qcow2, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nonblock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_handles_and_args, setup, teardown),
        cmocka_unit_test_setup_teardown(test_length_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_callbacks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fd_adapter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sigkill, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
