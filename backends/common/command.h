/*
 * command.h: the one way storcat runs an external tool.
 *
 * An argument vector (never a shell), an absolute program path (found by
 * configure), a clean environment, stdin from /dev/null, a timeout after
 * which the command's process group is killed, stdout captured for the
 * caller and stderr captured into the error message (and, on request, for
 * the caller to parse).
 *
 * What the command gets: descriptors 0, 1, 2 and the ones handed over as 3,
 * 4, ..., nothing else; every signal at its default disposition and none
 * blocked; its own process group; and SIGKILL when the thread that started
 * it dies, so that no tool outlives a killed storcat. The exit status is
 * known whatever the process's SIGCHLD disposition (a process that ignores
 * SIGCHLD has its children reaped by the kernel; the runner then goes
 * through an intermediate process, see command.c).
 */
#ifndef SC_COMMAND_H
#define SC_COMMAND_H

#include "util/internal.h"

/* Most descriptors a command can be handed (as 3, 4, ...). */
#define SC_COMMAND_MAX_FDS 80

/* Bytes kept of each of stdout and stderr; the rest is read and dropped,
 * so that a chatty tool can neither block on a full pipe nor fill memory. */
#define SC_COMMAND_CAPTURE_MAX (64 * 1024)

/* One command to run; see scCommandRunFull. Zero what you do not use. */
typedef struct {
    const char *const *argv; /* argv[0] an absolute path, then the arguments;
                                NULL-terminated */
    const int *fds;          /* open descriptors handed to the command as 3,
                                4, ... (so that it can be given
                                "/proc/self/fd/3" rather than a path that could
                                be swapped for a symlink); NULL if nfds is 0 */
    size_t nfds;             /* entries in fds, at most SC_COMMAND_MAX_FDS */
    const char *const *env;  /* extra NAME=value entries added to the clean
                                environment (PATH=/usr/sbin:/usr/bin:/sbin:/bin,
                                LC_ALL=C), NULL-terminated, or NULL; an entry
                                for PATH or LC_ALL replaces the default one */
    int timeout_s;           /* seconds, > 0, before the command's process
                                group is killed */
    char **out;              /* stdout (the first out_max bytes; caller
                                frees), set on success only; or NULL to drop
                                it */
    size_t out_max;          /* most bytes of stdout kept, the rest read and
                                dropped; 0: SC_COMMAND_CAPTURE_MAX. A caller
                                that needs all of a long report (lvm2's)
                                sets it above what it can get and takes a
                                full buffer (strlen(*out) == out_max) for an
                                error */
    char **err;              /* stderr text (the first SC_COMMAND_CAPTURE_MAX
                                bytes; caller frees), or NULL: for callers that
                                parse a tool's messages (lvm2's). Always set:
                                "" if the command printed nothing, NULL if it
                                could not be run or its status is unknown */
} scCommand;

/*
 * scCommandRunFull:
 * Runs @cmd->argv with the environment, descriptors and signals described
 * at the top of this file, reading its stdout and stderr until both close,
 * then waits for it to exit. The whole run (output and exit) is bounded by
 * @cmd->timeout_s; past it the command's process group is killed.
 * Returns 0 if the program exited with status 0; otherwise -1 with
 * SC_ERR_OPERATION_FAILED naming the program and either its exit status or
 * signal and its stderr (made one line), or the time limit it exceeded.
 * When it could not be started, or its status could not be learnt, the
 * result is -1 too (SC_ERR_SYSTEM_ERROR with the errno, SC_ERR_NO_MEMORY,
 * or SC_ERR_OPERATION_FAILED if the intermediate process died), never 0.
 * *@cmd->out is set on success only; *@cmd->err as documented on the field.
 */
int scCommandRunFull(const scCommand *cmd);

/*
 * scCommandRun:
 * scCommandRunFull with no extra environment and no stderr for the caller:
 * runs @argv with @fds (@nfds of them) as 3, 4, ..., at most @timeout_s
 * seconds, storing stdout in *@out when @out is not NULL (caller frees).
 * Returns 0 if the program exited with status 0, otherwise -1.
 */
int scCommandRun(const char *const *argv, const int *fds, size_t nfds, int timeout_s,
                 char **out);

#endif /* SC_COMMAND_H */
