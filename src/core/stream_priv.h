/*
 * stream_priv.h: what stream.c (the handle, its queue and its worker)
 * shares with stream_all.c (libvirt's SendAll / RecvAll loops).
 *
 * The *Busy functions are the public calls' bodies on a stream the
 * caller has marked busy (scStreamEnter): the loops call them between
 * the callbacks they run, so that a callback calling back into its stream
 * finds it busy.
 */
#ifndef SC_STREAM_PRIV_H
#define SC_STREAM_PRIV_H

#include "stream.h"

/* Bytes in one chunk of the queue at most: the buffer of the loops. */
#define SC_STREAM_CHUNK_MAX (256 * 1024)

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

#endif /* SC_STREAM_PRIV_H */
