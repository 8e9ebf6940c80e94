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
/* JSON strings and UTF-8 as the library writes them (scJsonPutString,
 * scUtf8Sequence): json.c is compiled into the tool. */
#include "util/json.h"

#define CLI_PROGRAM "storcat"

/* Exit statuses (DESIGN.md section 7, storcat(1) EXIT STATUS). */
enum {
    CLI_EXIT_OK = 0,        /* it worked */
    CLI_EXIT_FAILED = 1,    /* the operation was tried and failed */
    CLI_EXIT_USAGE = 2,     /* the command line was wrong; nothing was tried */
    CLI_EXIT_NOT_FOUND = 3, /* a pool, volume, secret or domain it names is not in the catalog */
    CLI_CONTINUE = -1,      /* internal: parsing went well, run the verb */
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

/* Hands the value of a _cleanup_ variable out, leaving NULL behind. */
#define TAKE_PTR(p)                                                                                \
 ({                                                                                                \
__typeof__(p) _took = (p);                                                                             \
(p) = NULL;                                                                                            \
_took;                                                                                                 \
 })

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

/* Accepted by every verb besides its own options (and before the verb):
 * --json, -q/--quiet, -h/--help. */
#define CLI_COMMON_OPTIONS "--json, -q/--quiet, -h/--help"

/* The command line of one verb, once parsed. */
struct cliArgs {
    const cliVerb *verb; /* the verb parsed for */
    const char **values; /* per verb->options: NULL if absent, "" for a flag given, else its
                          * argument (the last one given wins) */
    const char **params; /* per verb->params, all set once parsing succeeded
                          * (an optional one left out is NULL) */
    const char **rest;   /* more values of a last "NAME..." param, in order */
    size_t nrest;
    bool json;           /* --json was given */
    bool quiet;          /* -q or --quiet was given */
};

/* What every verb runs in: the global options and the connection. */
struct cliContext {
    const char *catalog; /* -c CATALOG, or NULL for the library's default */
    unsigned int flags;  /* scConnectOpenAuth flags (SC_CONNECT_RO for -r) */
    bool create;         /* a defining verb: create the catalog if it is missing */
    bool json;           /* --json before the verb */
    bool quiet;          /* -q, --quiet before the verb */
    scConnect *conn;     /* opened on first use by cliConnect(), closed by main */
    char *tmp_catalog;   /* cliConnectAny's temporary catalog's directory: main removes it */
};

/* The verb tables, each ended by an entry with a NULL name: making and
 * changing pools (cli-pool.c), listing and showing them (cli-pool-info.c),
 * creating and changing volumes (cli-vol.c), listing and showing volumes
 * (cli-vol-info.c). */
extern const cliVerb cliPoolVerbs[];
extern const cliVerb cliPoolInfoVerbs[];
extern const cliVerb cliVolVerbs[];
extern const cliVerb cliVolInfoVerbs[];
extern const cliVerb cliSecretVerbs[]; /* cli-secret.c */
extern const cliVerb cliDomainVerbs[]; /* cli-domain.c */
extern const cliVerb cliReportVerbs[]; /* cli-report.c */
extern const cliVerb cliEventsVerbs[]; /* cli-events.c */

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

/* ---- output modes ---------------------------------------------------- */

/*
 * cliSetOutputMode / cliJsonMode / cliQuietMode:
 * --json (output and errors as JSON) and -q/--quiet (no confirmations,
 * notes or table headers), set once from the command line, before
 * anything is printed: the error functions below follow them too.
 */
void cliSetOutputMode(bool json, bool quiet);
bool cliJsonMode(void);
bool cliQuietMode(void);

/* Prints a confirmation ("Pool p1 started") on stdout, a line, unless
 * --quiet or --json (which prints the object instead). */
void cliInfo(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints a note on stderr ("note: ..."), a line, unless --quiet. */
void cliNote(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- messages ------------------------------------------------------- */

/*
 * Every error is one line on stderr: "storcat: error: MESSAGE", or with
 * --json {"error": {"code": N, "domain": N, "message": "MESSAGE"}}, with
 * the library's libvirt-numbered code and domain (scErrorNumber,
 * scErrorDomain), or, for the tool's own errors, the code that fits
 * (SC_ERR_INVALID_ARG for a usage error, SC_ERR_NO_STORAGE_VOL for a
 * volume no lookup found, SC_ERR_SYSTEM_ERROR for a file, ...).
 *
 * The first error printed decides the exit status of a verb that fails
 * (cliFailureStatus): 3 for a pool or volume not found, 2 for a usage
 * error, else 1.
 */

/* Prints "storcat: error: MESSAGE" (code SC_ERR_OPERATION_FAILED). */
void cliError(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints an error with @code and @domain; @status is the exit status it
 * stands for (CLI_EXIT_FAILED, CLI_EXIT_NOT_FOUND). Returns @status. */
int cliErrorCode(int status, int code, int domain, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Prints a usage error about @verb (NULL: the global command line) and
 * where to find help; returns CLI_EXIT_USAGE. */
int cliUsageError(const cliVerb *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The exit status of a verb that failed: that of the first error printed
 * (CLI_EXIT_FAILED if none was). */
int cliFailureStatus(void);

/*
 * cliLibError:
 * Reports the library's last error, after a failed call about @object (a
 * pool or volume name, a path, ... as the user or the library spells it):
 * "storcat: error: MESSAGE" when MESSAGE already names @object as
 * '@object', else "storcat: error: PREFIX: MESSAGE" with PREFIX formatted
 * from @fmt ("failed to start pool '%s'"). Either way one line: control
 * characters in MESSAGE are escaped, and the names of the library's
 * functions, which mean nothing to the user, are left out. Get the names
 * @fmt needs before the failing call: a library getter resets the last
 * error. Returns the exit status the error stands for: CLI_EXIT_NOT_FOUND
 * for no such pool, volume, secret or domain, else CLI_EXIT_FAILED.
 */
int cliLibError(const char *object, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

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

/* The same for a verb that reads nothing in the catalog (find-pool-sources,
 * pool-capabilities): as libvirt's, it needs no pool. With no -c and no
 * default catalog yet (a new host), the connection is a temporary catalog
 * in $TMPDIR, which cliDone removes; @readonly: the default catalog is
 * opened read-only (nothing is written to it, nor is it migrated). */
scConnect *cliConnectAny(cliContext *ctx, bool readonly);

/* Closes the connection (and removes a temporary catalog); main's last
 * word. Returns -1 after printing why the catalog could not be closed. */
int cliDone(cliContext *ctx);

/*
 * cliLookupPool:
 * Finds the pool @spec names as virsh does: by name first, then, if @spec
 * looks like a UUID, by UUID; a path (with a '/', which no name has) is
 * the pool's target path. Returns a new reference, or NULL after printing
 * the reason (which names @spec; not found: exit status 3).
 */
scStoragePool *cliLookupPool(cliContext *ctx, const char *spec);

/* Whether @s can be a UUID string: 32 hex digits, dashes anywhere between. */
bool cliLooksLikeUUID(const char *s);

/* @spec as an absolute path: as it is, or from the working directory.
 * A new string, or NULL (errno set). */
char *cliAbsolutePath(const char *spec);

/*
 * cliCheckName:
 * Checks @name, given as the name of a new @what ("volume", "pool") to
 * @verb: a path there is a usage error that says so and gives the name
 * the path ends with. Returns CLI_CONTINUE or CLI_EXIT_USAGE.
 */
int cliCheckName(const cliVerb *verb, const char *what, const char *name);

/*
 * cliLookupVol:
 * Finds the volume @spec names as virsh does: with @pool (from --pool, may
 * be NULL), by name in that pool first; then by key, by path (a relative
 * one from the working directory), and (storcat's own) by UUID. Returns a
 * new reference, or NULL after printing why: "no volume '@spec' (not a
 * name in pool 'P', a key, a path or a UUID)" when every lookup missed (a
 * bare name without @pool: which pools have a volume of that name), else
 * the library's error.
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

/*
 * cliJson: a JSON document written as it goes, one member at a time:
 *
 *     cliJson j;
 *     cliJsonBegin(&j, stdout, false);     {
 *     cliJsonOpen(&j, "pool", '{');          "pool": {
 *     cliJsonStr(&j, "name", "p1");            "name": "p1",
 *     cliJsonNum(&j, "capacity", 1024);        "capacity": 1024
 *     cliJsonClose(&j, '}');                 }
 *     cliJsonEnd(&j);                      }
 *
 * @key is the member's name inside an object, NULL inside an array.
 * Indented two spaces a level, or all on one line when @compact.
 */
typedef struct cliJson {
    FILE *out;
    int depth;    /* how many objects and arrays are open */
    bool first;   /* nothing written yet in the innermost one */
    bool compact; /* one line */
} cliJson;

void cliJsonBegin(cliJson *j, FILE *out, bool compact);
void cliJsonEnd(cliJson *j);
void cliJsonOpen(cliJson *j, const char *key, char bracket);
void cliJsonClose(cliJson *j, char bracket);
void cliJsonStr(cliJson *j, const char *key, const char *value); /* NULL: null */
void cliJsonNum(cliJson *j, const char *key, unsigned long long value);
void cliJsonBool(cliJson *j, const char *key, bool value);
void cliJsonNull(cliJson *j, const char *key);
/* Writes @text, a JSON number as it is ("-12", "0.5"), as member @key. */
void cliJsonRaw(cliJson *j, const char *key, const char *text);

/*
 * cliPrintXML:
 * Prints @xml (a pool's, a volume's, sources') as it is, ended by a
 * newline, or with --json as {"xml": "..."}. Returns an exit status.
 */
int cliPrintXML(const char *xml);

/*
 * cliDumpXML:
 * The same for a *-dumpxml verb: with --xpath EXPRESSION, the nodes it
 * selects in @xml instead, each serialized on its own (with --wrap, all
 * in one <nodes> element), as virsh's. @kind and @name name the document
 * in an error ("pool", "p1"). Returns an exit status.
 */
int cliDumpXML(const cliArgs *args, const char *xml, const char *kind, const char *name);

/* The options --xpath and --wrap of the *-dumpxml verbs. */
#define CLI_XPATH_OPTIONS                                                                          \
    { "xpath", "EXPRESSION", "print only the nodes the XPath expression selects" },                \
    { "wrap", NULL, "with --xpath: the nodes in one <nodes> element" }

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
 * 1000); and, as qemu-img reads them, a fraction with a unit ("1.5G"),
 * rounded down to a whole byte. At most 2^63 - 1 bytes (what a file can
 * hold). Returns CLI_CONTINUE with *@bytes set, or CLI_EXIT_USAGE after a
 * usage error about @verb naming @what ("capacity") for junk or overflow.
 */
int cliParseSize(const cliVerb *verb, const char *what, const char *text,
                 unsigned long long *bytes);

/* Formats @bytes into @buf (CLI_SIZE_BUFLEN): exact ("1610612736") when
 * @exact, else as virsh does ("1.50 GiB", "0.00 B"). Returns @buf. */
char *cliFormatSize(unsigned long long bytes, bool exact, char *buf);

/* One column of a text table: its header and SCOLS_FL_* flags. (JSON
 * is written with cliJson, not by libsmartcols.) */
typedef struct cliColumn {
    const char *header;
    int flags;
} cliColumn;

/*
 * cliTableNew:
 * A new text table with @ncols columns; with --quiet, without its
 * header. NULL after printing "out of memory".
 */
struct libscols_table *cliTableNew(const cliColumn *cols, size_t ncols);

/* Appends a row; @cells has one string per column (copied; NULL or "" is an
 * empty cell, JSON null). Returns 0, or -1 after printing "out of memory". */
int cliTableAddRow(struct libscols_table *tb, const char *const *cells);

/* Prints @tb on standard output; a table without rows prints its header
 * (as virsh does), unless --quiet. Returns an exit status. */
int cliTablePrint(struct libscols_table *tb);

/*
 * cliReportHtml:
 * `report pools --html FILE` (cli-report-html.c): writes the page of the
 * catalog's pools (only @pool's if not NULL; an unknown one is not found,
 * exit status 3) to @file, through a temporary file renamed over it when
 * complete, or ("-") to standard output. Opens the catalog read-only.
 * Returns an exit status, after printing why if it failed.
 */
int cliReportHtml(cliContext *ctx, const char *pool, const char *file);

/* ---- the objects, as --json shows them ------------------------------ */

/*
 * cliPoolJSON / cliVolJSON:
 * Write the object of @pool / @vol (storcat(1), JSON OUTPUT) as member
 * @key of @j (NULL inside an array). @poolOfVol is @vol's pool if the
 * caller has it, else NULL. Return 1, 0 if it was undefined or deleted
 * meanwhile (nothing written: not an error while listing), or -1 after
 * printing why.
 */
int cliPoolJSON(cliJson *j, const char *key, scStoragePool *pool);
int cliVolJSON(cliJson *j, const char *key, scStorageVol *vol, scStoragePool *poolOfVol);

/*
 * cliPoolDocument / cliVolDocument:
 * The document {"pool": {...}} / {"volume": {...}} of @pool / @vol, as a
 * new string (to print after the verb's work, or before it when the work
 * removes the object), or NULL after printing why.
 */
char *cliPoolDocument(scStoragePool *pool);
char *cliVolDocument(scStorageVol *vol);

/*
 * cliPoolDocumentBegin / cliPoolDocumentEnd:
 * {"pool": {...} of @pool on a memory stream (*@doc), to which the caller
 * may add members (pool-undefine: after the pool has gone) before End
 * closes it. Begin returns the stream, or NULL after printing why
 * (nothing to end). End returns the document (*@doc, the caller's), or
 * NULL, freed, when @ok is false or the stream failed.
 */
FILE *cliPoolDocumentBegin(scStoragePool *pool, cliJson *j, char **doc, size_t *len);
char *cliPoolDocumentEnd(FILE *out, cliJson *j, char **doc, bool ok);

/* Prints and frees @doc (from the calls above). Returns an exit status:
 * CLI_EXIT_FAILED if @doc is NULL. */
int cliPutDocument(char *doc);

/*
 * cliComplete:
 * `storcat complete [--] WORD...` (cli-complete.c): prints what may take
 * the place of the last WORD, a line each (with --json, {"candidates":
 * [...]}). Its words are not parsed as a verb's: cliCompleteVerb is for
 * the help. Returns CLI_EXIT_OK.
 */
int cliComplete(cliContext *ctx, int argc, char **argv);
extern const cliVerb cliCompleteVerb;

/* Whether @type is a pool type's name (dir, logical, ...), which a
 * command line that names another gets as a usage error (cli-pool-info.c). */
bool cliKnownPoolType(const char *type);

/* The names a completion offers, @n of them: pool types (cli-pool-info.c),
 * volume formats (cli-vol.c), wipe algorithms (cli-vol.c), volume states
 * (cli-vol-info.c), reports and settings (cli-report.c). */
const char *const *cliPoolTypeNames(size_t *n);
const char *const *cliVolFormatNames(size_t *n);
const char *const *cliWipeAlgorithmNames(size_t *n);
const char *const *cliVolStateNames(size_t *n);
const char *const *cliReportNames(size_t *n);
const char *const *cliSettingNames(size_t *n);

/* Offers, through @fn, the names of the imported domains (cli-domain.c),
 * read from the catalog @conn. */
void cliDomainNames(scConnect *conn, void (*fn)(const char *name, void *opaque), void *opaque);

/* The verbs of every table, in the order of the help, for the help and
 * completion: calls @fn on each; "help" and "complete" included. */
void cliForEachVerb(void (*fn)(const cliVerb *verb, void *opaque), void *opaque);
const cliVerb *cliFindVerb(const char *name);

#endif /* STORCAT_CLI_H */
