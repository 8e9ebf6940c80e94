#!/bin/sh
# tap-run.sh PROGRAM [ARGS]: run a cmocka test binary for automake's TAP
# driver. cmocka 1.1 prints a skipped test as "not ok N # SKIP", which TAP
# (and tap-driver.sh) reads as a failure; it is rewritten to "ok N # SKIP".
# $SC_TEST_WRAPPER (e.g. valgrind, from make check-valgrind) runs the program.
exec 3>&1
status=$( { { $SC_TEST_WRAPPER "$@"; echo $? >&4; } |
            sed 's/^not ok \([0-9][0-9]*.*\)# SKIP/ok \1# SKIP/' >&3; } 4>&1 )
exit "$status"
