/*
 * stream_priv.h: the stream handle's fields, and what stream.c (the
 * handle, its queue and its worker) shares with stream_all.c (libvirt's
 * SendAll / RecvAll loops) and stream_event.c (the event callback of a
 * stream, dispatched from the event loop).
 *
 * The *Busy functions are the public calls' bodies on a stream the
 * caller has marked busy (scStreamEnter): the loops call them between
 * the callbacks they run, so that a callback calling back into its stream
 * finds it busy.
 */
#ifndef SC_STREAM_PRIV_H
#define SC_STREAM_PRIV_H

#include <pthread.h>

#include "stream.h"

/* Bytes in one chunk of the queue at most: the buffer of the loops. */
#define SC_STREAM_CHUNK_MAX (256 * 1024)

typedef enum {
    STREAM_NEW,    /* not bound to a transfer yet */
    STREAM_OPEN,   /* bound: the worker runs or has ended, not settled */
    STREAM_CLOSED, /* finished or aborted: settled */
    STREAM_FAILED, /* the transfer failed and was settled: the error sticks */
} StreamState;

/* A piece of the queue: data (the bytes from data + off) or a hole. */
typedef struct Chunk {
    struct Chunk *next;
    unsigned long long len; /* bytes left: of data from off, or of hole */
    size_t off;             /* data bytes taken by scStreamRecv so far */
    bool hole;
    unsigned char data[];
} Chunk;

/* The watch a stream's event callback has in the event loop
 * (stream_event.c). */
typedef struct scStreamWatch scStreamWatch;

/* The event callback of a stream (scStreamEventAddCallback). Changed with
 * stream_event.c's registration lock and the stream's lock both held, so
 * that either is enough to read it; signaled changes under the stream's
 * lock alone. */
typedef struct {
    scStreamWatch *watch;     /* NULL: none (set, with cb NULL: being added) */
    int watch_id;             /* the loop's id of the watch */
    int events;               /* scStreamEventType bits asked for */
    scStreamEventCallback cb; /* NULL until the registration is complete */
    void *opaque;
    scFreeCallback ff;
    bool signaled; /* the watch's eventfd is readable: the loop will call */
} scStreamEvents;

struct scStream {
    unsigned int magic;
    int refs;           /* atomic: scHandleRef, scHandleUnref */
    scConnect *conn;    /* holds a reference */
    unsigned int flags; /* scStreamFlags */
    StreamState state;  /* changed by the busy call only, under lock */
    bool finished;      /* closed by a finish (else by an abort) */
    char *fail_msg;     /* STREAM_FAILED: the error that sticks */
    int fail_code, fail_domain;
    /* The transfer, from scStreamBind on. */
    bool upload, sparse;
    char *what;                /* "volume 'x'", for messages */
    unsigned long long length; /* an upload's limit in bytes, 0: none */
    unsigned long long passed; /* bytes (data and holes) sent or received */
    const scStreamJobOps *ops;
    void *job;
    pthread_t worker;
    bool joinable; /* the worker was started and not joined */
    scStreamIn in; /* the worker's ends of the queue */
    scStreamOut out;
    /* Shared with the worker (and the event loop), under lock. */
    pthread_mutex_t lock;
    pthread_cond_t cond; /* any change below */
    bool busy;           /* a public call is running on the stream */
    Chunk *head, *tail;
    size_t queued;  /* bytes of the queue (data and chunk headers) */
    Chunk *current; /* upload: the chunk the worker is writing */
    bool end;       /* upload: the caller finished, no more data */
    bool stop;      /* the caller aborted: the worker stops */
    bool done;      /* the worker has ended with result and error */
    int result;
    scErrorSaved *error;
    scStreamEvents ev; /* the event callback, if any (see above) */
};

/* Mark @st (checked) busy for public call @func: false (reported) when
 * another call on it runs. scStreamLeave clears the mark. */
bool scStreamEnter(scStream *st, const char *func);
void scStreamLeave(scStream *st);

/* Is the busy @st open for a transfer of direction @upload (1 upload, 0
 * download, -1 either)? 0, or -1 reported ("stream is closed", the error
 * of a failed transfer, ...). */
int scStreamCheckOpen(scStream *st, int upload, const char *func);
/* The same for a loop, which a non-blocking stream cannot run. */
int scStreamCheckLoop(scStream *st, bool upload, const char *func);

int scStreamSendBusy(scStream *st, const char *data, size_t nbytes, const char *func);
int scStreamSendHoleBusy(scStream *st, long long length, const char *func);
int scStreamRecvBusy(scStream *st, char *data, size_t nbytes, unsigned int flags, const char *func);
int scStreamRecvHoleBusy(scStream *st, long long *length, const char *func);

/* Abort the transfer of the busy @st if it is open (a callback of a loop
 * failed), keeping the current error. */
void scStreamAbortQuiet(scStream *st);

/* What a call on @st could do now without waiting, as scStreamEventType
 * bits, @st's lock held: READABLE (a download: scStreamRecv returns data,
 * the end or the error at once) or WRITABLE (an upload: scStreamSend
 * takes data or fails at once), with ERROR when that call fails; 0 when
 * it would wait, and for a stream not bound or closed by its caller. */
int scStreamReadyLocked(const scStream *st);

/* stream_event.c: with @st's lock held, after a change that may have made
 * it ready: wake the event loop for its callback, if it has one and is
 * ready for it now. */
void scStreamEventNotifyLocked(scStream *st);
/* stream_event.c: @st is being freed (its last reference gone): end its
 * event callback's registration (its free function called), waiting for
 * a callback running in another thread to return. */
void scStreamEventDrop(scStream *st);

#endif /* SC_STREAM_PRIV_H */
