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

#include <libsmartcols.h>

#include "storcat/storcat.h"

#define CLI_PROGRAM "storcat"

/* Exit statuses (DESIGN.md section 7). */
enum {
    CLI_EXIT_OK = 0,      /* it worked */
    CLI_EXIT_FAILED = 1,  /* the operation was tried and failed */
    CLI_EXIT_USAGE = 2,   /* the command line was wrong; nothing was tried */
    CLI_CONTINUE = -1,    /* internal: parsing went well, run the verb */
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
    const char **params; /* per verb->params, all set once parsing succeeded */
};

/* What every verb runs in: the global options and the connection. */
struct cliContext {
    const char *catalog; /* -c CATALOG, or NULL for the library's default */
    unsigned int flags;  /* scConnectOpen flags (SC_CONNECT_RO for -r) */
    scConnect *conn;     /* opened on first use by cliConnect(), closed by main */
};

/* The pool verbs (cli-pool.c), ended by an entry with a NULL name. */
extern const cliVerb cliPoolVerbs[];

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
int cliUsageError(const cliVerb *verb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- the library ---------------------------------------------------- */

/* Returns the connection, opening the catalog on first use; NULL after
 * printing why it could not be opened. Borrowed: main closes it. */
scConnect *cliConnect(cliContext *ctx);

/*
 * cliLookupPool:
 * Finds the pool @spec names as virsh does: by name first, then, if @spec
 * looks like a UUID, by UUID. Returns a new reference, or NULL after printing
 * "failed to get pool '@spec': <the library's reason>".
 */
scStoragePool *cliLookupPool(cliContext *ctx, const char *spec);

/* ---- input and output ----------------------------------------------- */

/* Reads the whole file @path ("-": standard input) into a new
 * NUL-terminated string; NULL after printing why. */
char *cliReadFile(const char *path);

/* Writes @s with XML's five special characters escaped. */
void cliXmlPutEscaped(FILE *out, const char *s);

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
