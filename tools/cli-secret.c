/*
 * cli-secret.c: the secret verbs of the storcat tool, as virsh's:
 * secret-define, secret-dumpxml, secret-set-value, secret-get-value,
 * secret-undefine and secret-list. A value is read from a file, the
 * terminal (without echo) or, as virsh still allows, the command line in
 * base64; it is printed by secret-get-value only, and never in a message.
 * With --json, a verb prints the secret object (storcat(1), JSON OUTPUT):
 * its UUID and usage, never its value (secret-get-value prints that, in
 * base64).
 */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

static const cliOption secretParam[] = {
    { "SECRET", NULL, "secret UUID" },
    { NULL, NULL, NULL },
};

static void
cliSecretFreep(scSecret **s)
{
    if (*s)
        scSecretFree(*s);
}
#define _cleanup_secret_ _cleanup_(cliSecretFreep)

/* Wipe and free a buffer of @len bytes. */
static void
wipeFree(void *p, size_t len)
{
    if (p)
        explicit_bzero(p, len);
    free(p);
}

/* ---- base64 (RFC 4648, as virsh reads and writes values) -------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *
base64Encode(const unsigned char *in, size_t len)
{
    char *out = malloc(4 * ((len + 2) / 3) + 1), *o = out;

    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i += 3) {
        unsigned int v = (unsigned int) in[i] << 16 | (i + 1 < len ? in[i + 1] << 8 : 0) |
                         (i + 2 < len ? in[i + 2] : 0);
        *o++ = b64[v >> 18 & 63];
        *o++ = b64[v >> 12 & 63];
        *o++ = i + 1 < len ? b64[v >> 6 & 63] : '=';
        *o++ = i + 2 < len ? b64[v & 63] : '=';
    }
    *o = '\0';
    return out;
}

/* Decode @in (whitespace ignored); NULL if it is not base64. */
static unsigned char *
base64Decode(const char *in, size_t *len)
{
    size_t n = strlen(in), k = 0, pad = 0;
    unsigned char *out = malloc(n / 4 * 3 + 3);
    unsigned int v = 0;
    int bits = 0;

    if (!out)
        return NULL;
    for (const char *p = in; *p; p++) {
        const char *c;
        if (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
            continue;
        if (*p == '=') {
            pad++;
            continue;
        }
        if (pad || !(c = strchr(b64, *p)) || !*p) {
            wipeFree(out, n / 4 * 3 + 3);
            return NULL;
        }
        v = v << 6 | (unsigned int) (c - b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[k++] = (unsigned char) (v >> bits & 0xff);
        }
    }
    if (pad > 2 || bits >= 6) {
        wipeFree(out, n / 4 * 3 + 3);
        return NULL;
    }
    *len = k;
    return out;
}

/* ---- the secret object ---------------------------------------------------- */

static const char *const usageNames[] = { "none", "volume", "ceph", "iscsi", "tls", "vtpm" };
_Static_assert(sizeof(usageNames) / sizeof(usageNames[0]) == SC_SECRET_USAGE_TYPE_LAST,
               "usage names do not match scSecretUsageType");

/* Writes @s as the secret object, member @key of @j (NULL in an array).
 * Returns 0, or -1 after printing why. */
static int
secretJSON(cliJson *j, const char *key, scSecret *s)
{
    char uuid[SC_UUID_STRING_BUFLEN];
    int type;

    if (scSecretGetUUIDString(s, uuid) < 0 || (type = scSecretGetUsageType(s)) < 0) {
        cliLibError(NULL, "failed to read a secret");
        return -1;
    }
    /* storcat(1), JSON OUTPUT, "The secret object": keep them in step. */
    cliJsonOpen(j, key, '{');
    cliJsonStr(j, "uuid", uuid);
    cliJsonStr(j, "usage", type < SC_SECRET_USAGE_TYPE_LAST ? usageNames[type] : "unknown");
    cliJsonStr(j, "usage_id", type > 0 ? scSecretGetUsageID(s) : NULL);
    cliJsonClose(j, '}');
    return 0;
}

/* {"secret": {...}} as a new string, or NULL after printing why. */
static char *
secretDocument(scSecret *s)
{
    char *doc = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&doc, &len);
    cliJson j;
    int rc;

    if (!out) {
        cliErrorCode(CLI_EXIT_FAILED, SC_ERR_NO_MEMORY, SC_FROM_NONE, "out of memory");
        return NULL;
    }
    cliJsonBegin(&j, out, false);
    rc = secretJSON(&j, "secret", s);
    cliJsonEnd(&j);
    if (!cliMemstreamClose(out, &doc) || rc < 0) {
        free(doc);
        return NULL;
    }
    return doc;
}

/* ---- verbs ---------------------------------------------------------------- */

static scSecret *
lookupSecret(cliContext *ctx, const char *spec)
{
    scConnect *conn;
    scSecret *s;

    /* A SECRET that cannot be a UUID is a usage error, not a miss. */
    if (!cliLooksLikeUUID(spec)) {
        cliErrorCode(CLI_EXIT_USAGE, SC_ERR_INVALID_ARG, SC_FROM_NONE, "secret '%s' is not a UUID",
                     cliSafe(spec));
        return NULL;
    }
    if (!(conn = cliConnect(ctx)))
        return NULL;
    if (!(s = scSecretLookupByUUIDString(conn, spec)))
        cliLibError(spec, "failed to get secret '%s'", cliSafe(spec));
    return s;
}

static int
cmdSecretDefine(cliContext *ctx, const cliArgs *args)
{
    const char *file = args->params[0];
    _cleanup_free_ char *xml = NULL;
    _cleanup_secret_ scSecret *s = NULL;
    char uuid[SC_UUID_STRING_BUFLEN];
    scConnect *conn;

    if (!(xml = cliReadFile(file)) || !(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    if (!(s = scSecretDefineXML(conn, xml, 0)))
        return cliLibError(NULL, "failed to set attributes from '%s'", cliSafe(file));
    if (cliJsonMode())
        return cliPutDocument(secretDocument(s));
    scSecretGetUUIDString(s, uuid);
    cliInfo("Secret %s created", uuid);
    return CLI_EXIT_OK;
}

static int
cmdSecretDumpXML(cliContext *ctx, const cliArgs *args)
{
    _cleanup_secret_ scSecret *s = lookupSecret(ctx, args->params[0]);
    _cleanup_free_ char *xml = NULL;

    if (!s)
        return CLI_EXIT_FAILED;
    if (!(xml = scSecretGetXMLDesc(s, 0)))
        return cliLibError(args->params[0], "failed to get secret '%s'", cliSafe(args->params[0]));
    return cliDumpXML(args, xml, "secret", args->params[0]);
}

/* A line from the terminal, not echoed. NULL after printing why. */
static char *
readHidden(size_t *len)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;

    if (tty) {
        fputs("Enter new value for secret:", stderr);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t) ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    n = getline(&line, &cap, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (n < 0) {
        wipeFree(line, cap);
        cliError("failed to read the secret value from standard input");
        return NULL;
    }
    if (n > 0 && line[n - 1] == '\n')
        line[--n] = '\0';
    *len = (size_t) n;
    return line;
}

static int
cmdSecretSetValue(cliContext *ctx, const cliArgs *args)
{
    const char *file = cliOptValue(args, "file"), *base64 = cliOptValue(args, "base64");
    bool plain = cliOptFlag(args, "plain"), interactive = cliOptFlag(args, "interactive");
    _cleanup_secret_ scSecret *s = NULL;
    unsigned char *value = NULL;
    char *text = NULL;
    size_t len = 0, textlen = 0;
    int status = CLI_EXIT_FAILED;

    if (!!file + !!base64 + interactive != 1)
        return cliUsageError(args->verb, "give exactly one of --file, --base64 and --interactive");
    if (plain && base64)
        return cliUsageError(args->verb, "--plain goes with --file or --interactive");
    if (!(s = lookupSecret(ctx, args->params[0])))
        return CLI_EXIT_FAILED;
    if (file) {
        if (!(text = cliReadFile(file)))
            return CLI_EXIT_FAILED;
        textlen = strlen(text);
    } else if (interactive) {
        if (!(text = readHidden(&textlen)))
            return CLI_EXIT_FAILED;
    }
    if (plain) {
        value = (unsigned char *) text;
        len = textlen;
        text = NULL;
    } else if (!(value = base64Decode(base64 ? base64 : text, &len))) {
        cliError("secret '%s': the value is not valid base64", cliSafe(args->params[0]));
        goto out;
    }
    if (scSecretSetValue(s, value, len, 0) < 0) {
        status = cliLibError(args->params[0], "failed to set the value of secret '%s'",
                             cliSafe(args->params[0]));
        goto out;
    }
    if (cliJsonMode()) {
        status = cliPutDocument(secretDocument(s));
        goto out;
    }
    cliInfo("Secret value set");
    status = CLI_EXIT_OK;
out:
    wipeFree(text, textlen);
    wipeFree(value, len);
    return status;
}

static int
cmdSecretGetValue(cliContext *ctx, const cliArgs *args)
{
    _cleanup_secret_ scSecret *s = lookupSecret(ctx, args->params[0]);
    unsigned char *value;
    size_t len = 0;
    char *text;

    if (!s)
        return CLI_EXIT_FAILED;
    if (!(value = scSecretGetValue(s, &len, 0))) {
        cliLibError(args->params[0], "failed to get the value of secret '%s'",
                    cliSafe(args->params[0]));
        return CLI_EXIT_FAILED;
    }
    if (cliOptFlag(args, "plain") && !cliJsonMode()) {
        fwrite(value, 1, len, stdout);
    } else if ((text = base64Encode(value, len))) {
        /* --json: {"value": BASE64}, whatever --plain says (JSON is text). */
        if (cliJsonMode()) {
            cliJson j;

            cliJsonBegin(&j, stdout, false);
            cliJsonStr(&j, "value", text);
            cliJsonEnd(&j);
        } else {
            puts(text);
        }
        wipeFree(text, strlen(text));
    } else {
        cliErrorCode(CLI_EXIT_FAILED, SC_ERR_NO_MEMORY, SC_FROM_NONE, "out of memory");
        wipeFree(value, len);
        return CLI_EXIT_FAILED;
    }
    wipeFree(value, len);
    return CLI_EXIT_OK;
}

static int
cmdSecretUndefine(cliContext *ctx, const cliArgs *args)
{
    _cleanup_secret_ scSecret *s = lookupSecret(ctx, args->params[0]);
    _cleanup_free_ char *before = NULL;
    char uuid[SC_UUID_STRING_BUFLEN];

    if (!s)
        return CLI_EXIT_FAILED;
    /* --json: the secret as it was. */
    if (cliJsonMode() && !(before = secretDocument(s)))
        return CLI_EXIT_FAILED;
    scSecretGetUUIDString(s, uuid);
    if (scSecretUndefine(s) < 0)
        return cliLibError(uuid, "failed to delete secret '%s'", uuid);
    if (before)
        return cliPutDocument(TAKE_PTR(before));
    cliInfo("Secret %s deleted", uuid);
    return CLI_EXIT_OK;
}

static int
cmdSecretList(cliContext *ctx, const cliArgs *args)
{
    static const struct {
        const char *opt;
        unsigned int flag;
    } filters[] = {
        { "ephemeral", SC_CONNECT_LIST_SECRETS_EPHEMERAL },
        { "no-ephemeral", SC_CONNECT_LIST_SECRETS_NO_EPHEMERAL },
        { "private", SC_CONNECT_LIST_SECRETS_PRIVATE },
        { "no-private", SC_CONNECT_LIST_SECRETS_NO_PRIVATE },
    };
    const cliColumn cols[] = {
        { "UUID", 0 },
        { "Usage", 0 },
    };
    _cleanup_table_ struct libscols_table *tb = NULL;
    scSecret **list = NULL;
    unsigned int flags = 0;
    scConnect *conn;
    int n, status = CLI_EXIT_FAILED;

    for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
        if (cliOptFlag(args, filters[i].opt))
            flags |= filters[i].flag;
    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    if ((n = scConnectListAllSecrets(conn, &list, flags)) < 0)
        return cliLibError(NULL, "failed to list secrets");
    if (cliJsonMode()) {
        cliJson j;

        status = CLI_EXIT_OK;
        cliJsonBegin(&j, stdout, false);
        cliJsonOpen(&j, "secrets", '[');
        for (int i = 0; i < n && status == CLI_EXIT_OK; i++) {
            if (secretJSON(&j, NULL, list[i]) < 0)
                status = CLI_EXIT_FAILED;
        }
        cliJsonClose(&j, ']');
        cliJsonEnd(&j);
        goto out;
    }
    if (!(tb = cliTableNew(cols, 2)))
        goto out;
    for (int i = 0; i < n; i++) {
        char uuid[SC_UUID_STRING_BUFLEN], *usage = NULL;
        int type = scSecretGetUsageType(list[i]);
        const char *cells[2] = { uuid, NULL };
        scSecretGetUUIDString(list[i], uuid);
        if (type > 0 && type < SC_SECRET_USAGE_TYPE_LAST &&
            asprintf(&usage, "%s %s", usageNames[type], scSecretGetUsageID(list[i])) < 0)
            usage = NULL;
        cells[1] = type > 0 ? usage : "Unused";
        if (cliTableAddRow(tb, cells) < 0) {
            free(usage);
            goto out;
        }
        free(usage);
    }
    status = cliTablePrint(tb);
out:
    for (int i = 0; i < n; i++)
        scSecretFree(list[i]);
    free(list);
    return status;
}

static const cliOption defineParams[] = {
    { "FILE", NULL, "file containing a secret description in XML" },
    { NULL, NULL, NULL },
};

static const cliOption setValueOptions[] = {
    { "file", "FILE", "read the value from FILE (base64, unless --plain)" },
    { "plain", NULL, "the value in the file or on the terminal is not base64" },
    { "interactive", NULL, "read the value from the terminal, not echoed" },
    { "base64", "BASE64", "the value in base64 (visible to other users: prefer --file)" },
    { NULL, NULL, NULL },
};

static const cliOption getValueOptions[] = {
    { "plain", NULL, "print the value as it is, not in base64" },
    { NULL, NULL, NULL },
};

static const cliOption listOptions[] = {
    { "ephemeral", NULL, "list ephemeral secrets (storcat keeps none)" },
    { "no-ephemeral", NULL, "list non-ephemeral secrets" },
    { "private", NULL, "list private secrets" },
    { "no-private", NULL, "list non-private secrets" },
    { NULL, NULL, NULL },
};

static const cliOption dumpxmlOptions[] = {
    CLI_XPATH_OPTIONS,
    { NULL, NULL, NULL },
};

const cliVerb cliSecretVerbs[] = {
    { "secret-define", cmdSecretDefine, "define or modify a secret from an XML file", defineParams,
      NULL },
    { "secret-dumpxml", cmdSecretDumpXML, "print a secret's attributes in XML", secretParam,
      dumpxmlOptions },
    { "secret-set-value", cmdSecretSetValue, "set a secret's value", secretParam, setValueOptions },
    { "secret-get-value", cmdSecretGetValue, "print a secret's value (base64)", secretParam,
      getValueOptions },
    { "secret-undefine", cmdSecretUndefine, "undefine a secret and its value", secretParam, NULL },
    { "secret-list", cmdSecretList, "list secrets", NULL, listOptions },
    { NULL, NULL, NULL, NULL, NULL },
};
