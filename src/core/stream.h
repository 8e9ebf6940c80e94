/*
 * stream.h: the stream handle (scStream*) as the transfers see it.
 *
 * stream.c knows nothing of volumes: a transfer binds a new stream to a
 * job, whose run() moves the data on the stream's worker thread (through
 * the scStreamIn / scStreamOut of backends/backend.h) and whose end()
 * settles it when the stream is finished or aborted (vol_transfer.c
 * records the volume there). See storcat.h, "Streams", for what a caller
 * sees.
 */
#ifndef SC_STREAM_H
#define SC_STREAM_H

#include "backends/backend.h"
#include "connect.h"

/* What a transfer does with its stream. */
typedef struct {
    /* On the worker thread, with no lock held and never the catalog: move
     * the data, from @in (an upload) or to @out (a download). 0 or -1
     * (reported; when the stream stops, scStreamIn/Out report it). */
    int (*run)(void *job, scStreamIn *in, scStreamOut *out);
    /* On the caller's thread once the worker has ended, the connection
     * locked: settle the transfer whose run() returned @result, @aborted
     * if the caller stopped it, after @bytes (data and holes) passed.
     * 0, or -1 (reported: the catalog could not record). */
    int (*end)(void *job, int result, bool aborted, unsigned long long bytes);
    /* Free the job (after end, or instead of it when the stream could not
     * start: then nothing ran). */
    void (*free)(void *job);
} scStreamJobOps;

/* Check that @st is a live stream, reporting SC_ERR_INVALID_STREAM
 * ("invalid stream pointer in @func") if not. */
bool scStreamCheck(scStream *st, const char *func);

/* Check that @st (checked) could be bound to a transfer on @conn: not
 * busy, never used, of @conn. 0, or -1 reported. */
int scStreamCheckNew(scStream *st, scConnect *conn, const char *func);

/*
 * scStreamBind:
 * Bind the new stream @st of @conn (checked: neither used before nor busy)
 * to a transfer: @upload or a download, @sparse, within @length bytes (0:
 * no limit), @what naming it in errors ("volume 'x'"), run by @ops on
 * @job, and start its worker. On success the stream owns @job; on
 * failure (reported) nothing is started and @job is the caller's.
 * The caller holds @conn's lock. Returns 0 or -1.
 */
int scStreamBind(scStream *st, scConnect *conn, bool upload, bool sparse, unsigned long long length,
                 const char *what, const scStreamJobOps *ops, void *job, const char *func);

#endif /* SC_STREAM_H */
