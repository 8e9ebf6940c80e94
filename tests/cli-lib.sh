# cli-lib.sh: what the end-to-end tests of the storcat tool share
# (tests/cli_json.test, cli_status.test, cli_script.test): a fresh
# temporary directory and catalog, running storcat, TAP test points.
# Sourced, with $name set to the test's name; prints nothing by itself.
#
# make check runs the tests with abs_top_builddir and abs_top_srcdir set;
# by hand: abs_top_builddir=$PWD abs_top_srcdir=$PWD sh tests/cli_json.test
# STORCAT_TEST_WRAPPER runs each storcat under a tool (make check-valgrind
# sets SC_TEST_WRAPPER, used when it is not set); STORCAT_TEST_KEEP=1
# keeps the temporary directory.

# Conditions are shell code in single quotes, run by t() with eval.
# shellcheck disable=SC2016,SC2317,SC2034,SC2154

: "${abs_top_builddir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${abs_top_srcdir:=$abs_top_builddir}"
storcat=$abs_top_builddir/tools/storcat
manpage=$abs_top_srcdir/tools/storcat.1
schema=$abs_top_srcdir/tests/cli_schema.py
STORCAT_TEST_WRAPPER=${STORCAT_TEST_WRAPPER-${SC_TEST_WRAPPER:-}}
if [ ! -x "$storcat" ]; then
    echo "Bail out! no $storcat: build it first"
    exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "1..0 # SKIP no python3 to read the JSON"
    exit 0
fi
# The interpreter itself, not a wrapper script that finds it (pyenv's
# shims take a third of a second a call).
python3=$(python3 -c 'import sys; print(sys.executable)')
python3() { "$python3" "$@"; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX") || {
    echo "1..0 # SKIP cannot make a temporary directory"
    exit 0
}
cleanup() {
    if [ -n "${STORCAT_TEST_KEEP:-}" ]; then
        echo "# kept $dir"
    else
        rm -rf "$dir"
    fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
cat="$dir/catalog.db"
n=0
rc=0
failed=0
: >"$dir/all-err"

# run ARGS...: runs storcat on the test catalog; output in $dir/out and
# $dir/err (every stderr also kept in $dir/all-err), exit status in $rc.
run() {
    # shellcheck disable=SC2086 # the wrapper is a command line
    $STORCAT_TEST_WRAPPER "$storcat" -c "$cat" "$@" >"$dir/out" 2>"$dir/err"
    rc=$?
    cat "$dir/err" >>"$dir/all-err"
}

# t DESCRIPTION CONDITION: one test point; CONDITION is shell code. On
# failure, what the last run printed is shown as TAP diagnostics.
t() {
    n=$((n + 1))
    if eval "$2"; then
        echo "ok $n - $1"
    else
        failed=$((failed + 1))
        echo "not ok $n - $1"
        echo "# last exit status: $rc"
        sed 's/^/# stdout: /' "$dir/out" | head -n 40
        sed 's/^/# stderr: /' "$dir/err" | head -n 20
        sed 's/^/# check: /' "$dir/check" 2>/dev/null | head -n 20
    fi
    rm -f "$dir/check"
}

# skip DESCRIPTION REASON
skip() {
    n=$((n + 1))
    echo "ok $n - $1 # SKIP $2"
}

rc_is() { [ "$rc" -eq "$1" ]; }
out_is() { [ "$(cat "$dir/out")" = "$1" ]; }
out_has() { grep -q -e "$1" "$dir/out"; }
out_has_E() { grep -Eq -e "$1" "$dir/out"; }
out_lacks() { ! grep -q -e "$1" "$dir/out"; }
out_empty() { ! [ -s "$dir/out" ]; }
err_has() { grep -q -e "$1" "$dir/err"; }
err_lacks() { ! grep -q -e "$1" "$dir/err"; }
err_empty() { ! [ -s "$dir/err" ]; }
err_one_line() { [ "$(wc -l <"$dir/err")" -eq 1 ]; }

# json_check EXPRESSION: the output is JSON and the Python expression over
# it (named d) is true.
json_check() {
    python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if ($1) else 1)" "$dir/out" 2>"$dir/check"
}

# schema_check [--verb 'VERB' | --kind KIND] [FILE]: FILE (default: the
# output) is the JSON document storcat(1)'s JSON OUTPUT documents for
# VERB (or of KIND), every object in it as its section says.
schema_check() {
    python3 "$schema" "$manpage" "${3:-$dir/out}" "$1" "$2" 2>"$dir/check" >>"$dir/check"
}

# error_json CODE DOMAIN: stderr is one line, {"error": {...}} with the
# code and domain given, as documented.
error_json() {
    err_one_line && cp "$dir/err" "$dir/err.json" &&
        schema_check --kind error "$dir/err.json" &&
        python3 -c "import json, sys
e = json.load(open(sys.argv[1]))['error']
sys.exit(0 if (e['code'], e['domain']) == (int(sys.argv[2]), int(sys.argv[3])) else 1)" \
            "$dir/err.json" "$1" "$2" 2>>"$dir/check"
}

# uuid_of_pool NAME / path_of VOL POOL
uuid_of_pool() { "$storcat" -c "$cat" pool-uuid "$1"; }

# finish: the plan, and an exit status of 0 (TAP reports the failures).
finish() {
    echo "1..$n"
    exit 0
}
