/*
 * cli.h: what the source files of the `storcat` command-line tool share:
 * the verb table's shape, a verb's parsed arguments, the connection that
 * is opened on first use, and the output helpers (errors, sizes, tables).
 *
 * The tool uses only the public API (storcat/storcat.h), libsmartcols and
 * the C library: if the CLI needs something the library does not offer,
 * the API needs it (DESIGN.md section 1).
 */
#ifndef STORCAT_CLI_H
#define STORCAT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsmartcols.h>

#include "storcat/storcat.h"

#define CLI_PROGRAM "storcat"

/* Exit statuses (DESIGN.md section 7). */
enum {
    CLI_EXIT_OK = 0,     /* it worked */
    CLI_EXIT_FAILED = 1, /* the operation was tried and failed */
    CLI_EXIT_USAGE = 2,  /* the command line was wrong; nothing was tried */
    CLI_CONTINUE = -1,   /* internal: parsing went well, run the verb */
};

/* Room for one size as text: "18446744073709551615" or "1023.99 EiB". */
#define CLI_SIZE_BUFLEN 32

/* ---- ownership, as the library's internal.h (systemd's idiom) ------- */

#define _cleanup_(fn) __attribute__((cleanup(fn)))

static inline void
cliFreep(void *p)
{
    free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(cliFreep)

static inline void
cliPoolFreep(scStoragePool **pool)
{
    if (*pool)
        scStoragePoolFree(*pool);
}
#define _cleanup_pool_ _cleanup_(cliPoolFreep)

static inline void
cliVolFreep(scStorageVol **vol)
{
    if (*vol)
        scStorageVolFree(*vol);
}
#define _cleanup_vol_ _cleanup_(cliVolFreep)

static inline void
cliTableUnrefp(struct libscols_table **tb)
{
    scols_unref_table(*tb); /* accepts NULL */
}
#define _cleanup_table_ _cleanup_(cliTableUnrefp)

/* ---- verbs ---------------------------------------------------------- */

/*
 * One option or positional argument of a verb. An option is --NAME (a flag)
 * or --NAME ARG / --NAME=ARG; a positional argument named "POOL" may also be
 * given as --pool POOL, as virsh allows.
 */
typedef struct cliOption {
    const char *name; /* option: "source-host"; positional: "POOL" */
    const char *arg;  /* option's argument for the help ("HOST"), NULL for a flag */
    const char *help; /* one line */
} cliOption;

/* A positional argument named "[NAME]" may be left out (only after the
 * required ones): its value is then NULL. */
#define cliParamOptional(opt) ((opt)->name[0] == '[')
/* The last positional argument, named "NAME...", may be given more than
 * once: the first is its param, the others go to args->rest. */
#define cliParamRepeats(opt) (strstr((opt)->name, "...") != NULL)

typedef struct cliContext cliContext;
typedef struct cliArgs cliArgs;
typedef struct cliVerb cliVerb;

/* Runs a verb with its parsed arguments; returns an exit status. */
typedef int (*cliVerbFunc)(cliContext *ctx, const cliArgs *args);

struct cliVerb {
    const char *name;         /* "pool-list" */
    cliVerbFunc run;          /* what it does */
    const char *summary;      /* one line, for `storcat --help` */
    const cliOption *params;  /* required positional arguments, NULL name ends; may be NULL */
    const cliOption *options; /* options, NULL name ends; may be NULL */
};

/* The command line of one verb, once parsed. */
struct cliArgs {
    const cliVerb *verb; /* the verb parsed for */
    const char **values; /* per verb->options: NULL if absent, "" for a flag given, else its
                          * argument (the last one given wins) */
    const char **params; /* per verb->params, all set once parsing succeeded
                          * (an optional one left out is NULL) */
    const char **rest;   /* more values of a last "NAME..." param, in order */
    size_t nrest;
};

/* What every verb runs in: the global options and the connection. */
struct cliContext {
    const char *catalog; /* -c CATALOG, or NULL for the library's default */
    unsigned int flags;  /* scConnectOpenAuth flags (SC_CONNECT_RO for -r) */
    bool create;         /* a defining verb: create the catalog if it is missing */
    scConnect *conn;     /* opened on first use by cliConnect(), closed by main */
};

/* The verb tables, each ended by an entry with a NULL name: pools
 * (cli-pool.c), creating and changing volumes (cli-vol.c), listing and
 * showing volumes (cli-vol-info.c). */
extern const cliVerb cliPoolVerbs[];
extern const cliVerb cliVolVerbs[];
extern const cliVerb cliVolInfoVerbs[];
extern const cliVerb cliSecretVerbs[]; /* cli-secret.c */
extern const cliVerb cliDomainVerbs[]; /* cli-domain.c */
extern const cliVerb cliReportVerbs[]; /* cli-report.c */

/*
 * cliParseArgs:
 * Parses a verb's command line (@argv[0] is the verb's name; options may come
 * before or after the positional arguments; "--" ends the options) into
 * @args, which the caller releases with cliArgsClear() whatever the result.
 * Returns CLI_CONTINUE to go on and run the verb, CLI_EXIT_OK after printing
 * the help for --help, or CLI_EXIT_USAGE after printing what is wrong.
 */
int cliParseArgs(const cliVerb *verb, int argc, char **argv, cliArgs *args);
void cliArgsClear(cliArgs *args);

/* The argument of option @name (NULL if it was not given); whether flag
 * @name was given. @name must be one of the verb's options. */
const char *cliOptValue(const cliArgs *args, const char *name);
bool cliOptFlag(const cliArgs *args, const char *name);

/* Prints a verb's usage, arguments and options. */
void cliVerbHelp(const cliVerb *verb, FILE *out);

/* ---- messages ------------------------------------------------------- */

/* Prints "storcat: error: MESSAGE" on stderr, one line. */
void cliError(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints a usage error about @verb (NULL: the global command line) and
 * where to find help; returns CLI_EXIT_USAGE. */
int cliUsageError(const cliVerb *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * cliLibError:
 * Reports the library's last error, after a failed call about @object (a
 * pool or volume name, a path, ... as the user or the library spells it):
 * "storcat: error: MESSAGE" when MESSAGE already names @object as
 * '@object', else "storcat: error: PREFIX: MESSAGE" with PREFIX formatted
 * from @fmt ("failed to start pool '%s'"). Either way one line: control
 * characters in MESSAGE are escaped. Get the names @fmt needs before the
 * failing call: a library getter resets the last error.
 */
void cliLibError(const char *object, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * cliSafe:
 * Returns @s fit for a one-line message: control characters escaped ("\n",
 * "\x01") and cut, with "...", past about 200 bytes. The result is in one
 * of a few static buffers, reused by later calls: use it at once (up to
 * four in one message).
 */
const char *cliSafe(const char *s);

/* ---- the library ---------------------------------------------------- */

/* Returns the connection, opening the catalog on first use; NULL after
 * printing why it could not be opened. Borrowed: main closes it. */
scConnect *cliConnect(cliContext *ctx);

/*
 * cliLookupPool:
 * Finds the pool @spec names as virsh does: by name first, then, if @spec
 * looks like a UUID, by UUID. Returns a new reference, or NULL after printing
 * the library's reason (which names @spec).
 */
scStoragePool *cliLookupPool(cliContext *ctx, const char *spec);

/* Whether @s can be a UUID string: 32 hex digits, dashes anywhere between. */
bool cliLooksLikeUUID(const char *s);

/*
 * cliLookupVol:
 * Finds the volume @spec names as virsh does: with @pool (from --pool, may
 * be NULL), by name in that pool first; then by key, by path, and
 * (storcat's own) by UUID. Returns a new reference, or NULL after printing
 * why: "no volume '@spec' (not a name in pool 'P', a key, a path or a
 * UUID)" when every lookup missed, else the library's error.
 */
scStorageVol *cliLookupVol(cliContext *ctx, const char *spec, scStoragePool *pool);

/* The volume a verb's first argument (VOL) and its option --pool name, as
 * cliLookupVol finds it. */
scStorageVol *cliVolFromArgs(cliContext *ctx, const cliArgs *args);

/*
 * cliProgressBegin / cliProgressEnd:
 * Around a long operation on the connection: while stderr is a terminal,
 * draw "\r<operation> [#####     ]  42%" there, at most ten times a
 * second, from the library's progress callback; End clears the line, so
 * that what follows (an error message) starts clean. Nothing at all when
 * stderr is not a terminal.
 * Between the two, SIGINT and SIGTERM stop the operation cleanly: the
 * callback asks the library to stop, which undoes it as after a failure
 * (a clone leaves nothing; a wipe or upload stops where it was); End puts
 * the signals' dispositions back.
 */
void cliProgressBegin(cliContext *ctx);
void cliProgressEnd(void);

/* The signal (SIGINT, SIGTERM) that interrupted the last long operation,
 * or 0. */
int cliInterrupted(void);

/* ---- input and output ----------------------------------------------- */

/* Reads the whole file @path ("-": standard input) into a new
 * NUL-terminated string; NULL after printing why. */
char *cliReadFile(const char *path);

/* Writes @s with XML's five special characters escaped. */
void cliXmlPutEscaped(FILE *out, const char *s);

/* Writes @before, @value escaped, then @after; nothing if @value is NULL. */
void cliXmlLine(FILE *out, const char *before, const char *value, const char *after);

/* Writes @s as a JSON string (quoted and escaped), or null if @s is NULL. */
void cliJsonPutString(FILE *out, const char *s);

/*
 * cliMemstreamClose:
 * Closes @out, an open_memstream() on *@buf; returns *@buf, or NULL after
 * freeing it and printing "out of memory" if a write or the close failed.
 */
char *cliMemstreamClose(FILE *out, char **buf);

/*
 * cliParseSize:
 * Parses @text, a size as virsh's vshCommandOptScaledInt reads it: a
 * decimal number of bytes with an optional suffix: B; K, k, KiB, M, MiB,
 * G, GiB, T, P, E (powers of 1024); KB, MB, GB, TB, PB, EB (powers of
 * 1000). Returns CLI_CONTINUE with *@bytes set, or CLI_EXIT_USAGE after a
 * usage error about @verb naming @what ("capacity") for junk or overflow.
 */
int cliParseSize(const cliVerb *verb, const char *what, const char *text,
                 unsigned long long *bytes);

/* Formats @bytes into @buf (CLI_SIZE_BUFLEN): exact ("1610612736") when
 * @exact, else as virsh does ("1.50 GiB", "0.00 B"). Returns @buf. */
char *cliFormatSize(unsigned long long bytes, bool exact, char *buf);

/* One column of a table: its header (also its JSON key, lowercased by
 * libsmartcols), SCOLS_FL_* flags and SCOLS_JSON_* type. */
typedef struct cliColumn {
    const char *header;
    int flags;
    int json_type;
} cliColumn;

/*
 * cliTableNew:
 * A new table with @ncols columns, printed as text, or as JSON
 * ({"@name": [ {...}, ... ]}) when @json. NULL after printing "out of memory".
 */
struct libscols_table *cliTableNew(const char *name, bool json, const cliColumn *cols,
                                   size_t ncols);

/* Appends a row; @cells has one string per column (copied; NULL or "" is an
 * empty cell, JSON null). Returns 0, or -1 after printing "out of memory". */
int cliTableAddRow(struct libscols_table *tb, const char *const *cells);

/* Prints @tb on standard output. Returns an exit status. */
int cliTablePrint(struct libscols_table *tb);

#endif /* STORCAT_CLI_H */
