/*
 * command.h: the one way storcat runs an external tool.
 *
 * An argument vector (never a shell), an absolute program path (found by
 * configure), a clean environment, stdin from /dev/null, a timeout after
 * which the child is killed, stdout captured for the caller and stderr
 * captured into the error message.
 */
#ifndef SC_COMMAND_H
#define SC_COMMAND_H

#include "util/internal.h"

/*
 * scCommandRun:
 * Runs @argv (argv[0] an absolute path). @fds, if @nfds > 0, are open file
 * descriptors handed to the child as descriptors 3, 4, ... (so the child
 * can be given "/proc/self/fd/3" instead of a path that could be swapped
 * for a symlink). Waits at most @timeout_s seconds. On success stores
 * stdout in *out when @out is not NULL (caller frees).
 * Returns 0 if the program exited with status 0; otherwise -1 with
 * SC_ERR_OPERATION_FAILED naming the program, its status and its stderr.
 */
int scCommandRun(const char *const *argv, const int *fds, size_t nfds, int timeout_s,
                 char **out);

#endif /* SC_COMMAND_H */
