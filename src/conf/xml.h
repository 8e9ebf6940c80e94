/*
 * xml.h: the XML machinery the pool and volume definitions share.
 *
 * A hardened reader for libvirt-style documents (no network, no DTD, no
 * entities, libxml2's diagnostics turned into our error), lookups that
 * behave like the XPath expressions libvirt uses, strict number parsing,
 * the <permissions> element both kinds of document carry, and an output
 * buffer that indents and escapes as libvirt's virBuffer does.
 *
 * Every @what argument is the document's name as error messages start
 * with it ("pool XML", "volume XML"), so that one bad document gives one
 * recognizable message whichever helper found the fault.
 */
#ifndef SC_XML_H
#define SC_XML_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "util/internal.h"
#include "pool_conf.h"

/* A pool or volume document that breaks the schema: SC_ERR_XML_ERROR in
 * SC_FROM_STORAGE, as libvirt's storage_conf.c reports it. */
#define scXmlReportError(...) scReportError(SC_FROM_STORAGE, SC_ERR_XML_ERROR, __VA_ARGS__)

/* ---- reading ---------------------------------------------------------- */

/*
 * scXmlReadDocument:
 * Parses @xml (NUL-terminated) without network access or entity
 * substitution; a DOCTYPE stops the parser on the spot, so no entity is
 * ever declared, expanded or fetched. Returns the document (free it with
 * xmlFreeDoc or scXmlFreeDocp), or NULL with an error in @domain (the
 * domain of the document's kind, as libvirt's virXMLParse reports in its
 * caller's): SC_ERR_XML_DETAIL "<what>: malformed document at line N:
 * <libxml2's message>" (libvirt's code for a parser error), or
 * SC_ERR_XML_ERROR "<what>: DTDs and entities are not allowed".
 */
xmlDocPtr scXmlReadDocument(const char *xml, const char *what, int domain);

/* _cleanup_ helper for an xmlDocPtr variable. */
void scXmlFreeDocp(xmlDocPtr *doc);

/* ---- looking things up ---------------------------------------------------- */

/* True if @node is an element called @name in no namespace. */
bool scXmlIsElement(xmlNodePtr node, const char *name);

/*
 * scXmlFindElement:
 * XPath's "./PATH" for a PATH like "target/path": the first element in
 * document order reached through children of those names in no namespace
 * (so a second <target> is searched when the first has no <path>), that
 * has attribute @attr when @attr is set. NULL if there is none, or if
 * @parent is NULL.
 */
xmlNodePtr scXmlFindElement(xmlNodePtr parent, const char *path, const char *attr);

/* The number of children of @parent that scXmlIsElement(child, @name). */
size_t scXmlCountChildren(xmlNodePtr parent, const char *name);

/*
 * scXmlGetText:
 * XPath's string(./PATH): a copy of the first such element's text, or
 * NULL when there is none or its text is empty. Returns 0, or -1 on OOM.
 */
int scXmlGetText(xmlNodePtr parent, const char *path, char **out);

/* libvirt's virXMLPropString: a copy of attribute @name (no namespace) of
 * @node, "" kept; NULL when @node or the attribute is absent. 0 or -1. */
int scXmlGetProp(xmlNodePtr node, const char *name, char **out);

/* XPath's string(./@NAME): as scXmlGetProp, but "" counts as absent. */
int scXmlGetPropNonEmpty(xmlNodePtr node, const char *name, char **out);

/* XPath's string(./PATH/@ATTR): "" counts as absent. 0 or -1 (OOM). */
int scXmlGetPathAttr(xmlNodePtr parent, const char *path, const char *attr, char **out);

/* ---- numbers ------------------------------------------------------------- */

/* All of @s as a number in @base within [@min, @max] (strtoll's syntax).
 * False for NULL, empty, junk or out of range; no error is reported. */
bool scXmlParseLL(const char *s, int base, long long min, long long max, long long *out);

/* All of @s as an unsigned int in @base; a '-' anywhere is refused. */
bool scXmlParseUInt(const char *s, int base, unsigned int *out);

/* ---- <permissions> ---------------------------------------------------------- */

/*
 * scXmlParsePerms:
 * Reads a <permissions> element (@node may be NULL: nothing is set) into
 * @perms, whose fields the caller has set to -1/NULL: an octal <mode> of at
 * most 0777, decimal <owner>/<group> ("0744" is 744; -1 and 4294967295,
 * as older libvirt printed -1, mean unset) and a <label>. @where names the
 * parent in messages ("target", "backingStore"). Returns 0 or -1 with
 * SC_ERR_XML_ERROR.
 */
int scXmlParsePerms(xmlNodePtr node, const char *what, const char *where, scPoolPerms *perms);

/* ---- writing ------------------------------------------------------------- */

typedef struct {
    char *s;    /* the text so far, NUL-terminated */
    size_t len; /* its length */
    size_t cap; /* bytes allocated */
    int indent; /* spaces before each line */
    bool oom;   /* an allocation failed; nothing more is added */
} scXmlBuf;

/* Appends @n bytes of @s as they are (no indent, no escaping). */
void scXmlBufRaw(scXmlBuf *b, const char *s, size_t n);

/* Appends a short formatted text (under 256 bytes: tags and numbers;
 * values go through the escaping helpers), indented when it starts a line.
 * Like libvirt's buffer, only each call's start is indented. */
void scXmlBufAdd(scXmlBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends @s escaped for XML text, or for a single-quoted attribute when
 * @attr, as libvirt escapes (control characters XML cannot carry are
 * dropped). */
void scXmlBufEscape(scXmlBuf *b, const char *s, bool attr);

/* <elem>text</elem> and a newline, when @text is set. */
void scXmlBufElem(scXmlBuf *b, const char *elem, const char *text);

/* " attr='value'" within a tag, when @value is set. */
void scXmlBufAttr(scXmlBuf *b, const char *attr, const char *value);

/* <permissions> and its set fields, when anything in @perms is set. */
void scXmlBufPerms(scXmlBuf *b, const scPoolPerms *perms);

/* Hands the text out (the caller's to free()), or frees it and returns
 * NULL with SC_ERR_NO_MEMORY if an allocation failed on the way. */
char *scXmlBufFinish(scXmlBuf *b);

#endif /* SC_XML_H */
