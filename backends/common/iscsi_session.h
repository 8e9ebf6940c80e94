/*
 * iscsi_session.h: a user-space iSCSI session (libiscsi) whose every wait
 * is bounded: connect, login, each batch of SCSI commands and logout end
 * within scBackendTimeoutMs, or fail naming the portal, the target and
 * what was waited for. Commands are issued in batches that libiscsi
 * pipelines on the one connection (a refresh's INQUIRYs and READ
 * CAPACITYs for every LUN at once), each answer kept for its caller.
 */
#ifndef SC_ISCSI_SESSION_H
#define SC_ISCSI_SESSION_H

#include <stdint.h>

#include "backends/backend.h"

struct iscsi_context;
struct scsi_task;

typedef struct {
    struct iscsi_context *ctx;
    char portal[300];   /* "HOST:PORT", "[V6ADDR]:PORT": as libvirt spells it */
    const char *what;   /* "pool 'NAME'" or "iSCSI discovery" (borrowed) */
    const char *target; /* the target IQN, or NULL (discovery); borrowed */
    int timeout_ms;
    bool logged_in;
} scIscsi;

/*
 * scIscsiPortal:
 * libvirt's portal text of @host and @port (0: 3260): "host:port", with
 * brackets around an IPv6 address. 0, or -1 (reported) if it does not
 * fit or @port is no port number (the XML takes any integer).
 */
int scIscsiPortal(const char *host, int port, char *buf, size_t size);

/*
 * scIscsiOpen:
 * Connect to @portal and log in to @target (NULL: a discovery session) as
 * @initiator, with CHAP when @user is set (@secret, @secret_len bytes: the
 * password; it is not kept past the login). @what names the object in
 * messages. Returns 0; SC_BACKEND_UNREACHABLE when the portal cannot be
 * reached or does not answer in time; -1 for other failures (a refused
 * login: wrong CHAP credentials, an unknown target). Errors name the
 * portal and the target, never the secret. On failure @s is closed.
 */
int scIscsiOpen(scIscsi *s, const char *what, const char *portal, const char *target,
                const char *initiator, const char *user, const unsigned char *secret,
                size_t secret_len);

/* Log out (best effort, bounded) and free the session. NULL-safe. */
void scIscsiClose(scIscsi *s);

/* One SCSI command of a batch: @build issues it, its answer lands here. */
typedef struct scIscsiCmd {
    struct scsi_task *task; /* the answer, freed by scIscsiCmdsFree */
    int status;             /* libiscsi's SCSI_STATUS_* of the answer */
    bool done;
} scIscsiCmd;

/* Submitting one command: what *_task returns (NULL: failed). */
typedef struct scsi_task *(*scIscsiSubmit)(struct iscsi_context *ctx, void *arg,
                                           void (*cb)(struct iscsi_context *, int, void *, void *),
                                           void *cmd);

/*
 * scIscsiRun:
 * Issue @n commands (@submit with @args[i], each into @cmds[i], zeroed by
 * the caller), at most @window at a time, and wait for them all. @what
 * names the batch in messages ("REPORT LUNS"). Returns 0 when every
 * command was answered (each command's own status says how);
 * SC_BACKEND_UNREACHABLE when the session timed out or dropped; -1.
 */
int scIscsiRun(scIscsi *s, const char *what, size_t n, scIscsiSubmit submit, void *const *args,
               scIscsiCmd *cmds, size_t window);

/* Free the tasks of @n commands. */
void scIscsiCmdsFree(scIscsiCmd *cmds, size_t n);

/* The answer's data of a command that succeeded: its bytes and length;
 * NULL unless status is GOOD. */
const unsigned char *scIscsiData(const scIscsiCmd *cmd, size_t *len);

/* A command's failure as text ("CHECK CONDITION: ILLEGAL_REQUEST ...")
 * into @buf. */
const char *scIscsiCmdError(const scIscsi *s, const scIscsiCmd *cmd, char *buf, size_t size);

/* Is the failure of @cmd an ILLEGAL REQUEST (an unsupported command)? */
bool scIscsiIllegalRequest(const scIscsiCmd *cmd);

/* The session's last error (libiscsi's text). */
const char *scIscsiError(const scIscsi *s);

/*
 * scIscsiDiscover:
 * SendTargets on a discovery session: @cb for each target IQN the portal
 * names (0 goes on; nonzero stops and is returned). 0,
 * SC_BACKEND_UNREACHABLE or -1.
 */
int scIscsiDiscover(scIscsi *s, int (*cb)(const char *target, void *opaque), void *opaque);

/* The LUNs the target reports (REPORT LUNS), sorted, into a new array
 * *@luns (caller frees) of *@n. 0, SC_BACKEND_UNREACHABLE or -1. */
int scIscsiReportLuns(scIscsi *s, unsigned int **luns, size_t *n);

#endif /* SC_ISCSI_SESSION_H */
