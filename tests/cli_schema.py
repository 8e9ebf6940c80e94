#!/usr/bin/env python3
"""cli_schema.py: checks a JSON document of the storcat tool against the
schema its manual page documents (tools/storcat.1, section JSON OUTPUT).

    cli_schema.py MANPAGE FILE --verb 'VERB'   the document VERB prints
    cli_schema.py MANPAGE FILE --kind KIND     a document of KIND: pools,
        pool, undefined, identities_dropped, secrets, secret, value,
        volumes, volume, volume_info, chain, catalog, xml, verbs, candidates, imported,
        forgotten_domain, pool_imports, rows, events, setting, error,
        pool_event, event_types

The man page is read, not a copy of it: each ".SS The X object" section
lists its fields as '.BR name " (type)"', in order; the list of documents
('.B {"pool": \\fIpool\\fP}' then the verbs that print it) says which verb
prints which. A document is checked for exactly its keys, every object
for exactly its fields in the documented order, every value for its type.
Prints what differs and exits 1, or exits 0.
"""
import json
import re
import sys

TYPES = {
    "string": lambda v: isinstance(v, str),
    "string or null": lambda v: v is None or isinstance(v, str),
    "number": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "number or null": lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool)
                                              and v >= 0),
    "boolean": lambda v: isinstance(v, bool),
    "object or null": lambda v: v is None or isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}

# The documents, by the first key of their pattern in the man page.
DOCUMENTS = {
    "pools": {"pools": ("array of", "pool")},
    "pool": {"pool": ("object", "pool")},
    "secrets": {"secrets": ("array of", "secret")},
    "secret": {"secret": ("object", "secret")},
    "value": {"value": ("string", None)},
    "volumes": {"volumes": ("array of", "volume")},
    "volume": {"volume": ("object", "volume")},
    "volume_info": {"volume": ("object", "volume"), "used_by": ("array of", "user")},
    "chain": {"volume": ("object", "volume"), "used_by": ("array of", "user"),
              "chain": ("array of", "chain link")},
    "undefined": {"pool": ("object", "pool"), "identities_kept": ("number or null", None)},
    "identities_dropped": {"identities_dropped": ("number", None)},
    "catalog": {"catalog": ("object", "catalog")},
    "xml": {"xml": ("string", None)},
    "verbs": {"verbs": ("array of", "verb")},
    "candidates": {"candidates": ("array of strings", None)},
    "imported": {"imported": ("array of", "domain import")},
    "forgotten_domain": {"forgotten_domain": ("string", None)},
    "pool_imports": {"pool_imports": ("array of", "pool import")},
    "rows": {"rows": ("array of rows", None)},
    "events": {"events": ("array of", "event")},
    "setting": {"setting": ("object", "setting")},
    "error": {"error": ("object", "error")},
    "pool_event": {"pool_event": ("object", "pool event")},
    "event_types": {"event_types": ("array of strings", None)},
}


def text(line):
    """A roff line as text: macros, fonts and escapes dropped."""
    line = re.sub(r"^\.(B|BR|I|IR|RB|BI)\s+", "", line)
    line = line.replace("\\(dq", '"').replace("\\-", "-").replace("\\(em", "--")
    line = re.sub(r"\\f[BIPR]", "", line)
    line = line.replace("\\c", "").replace("\\&", "")
    if line.startswith(".RB") or line.startswith(".BR"):
        line = line[3:]
    return line.replace('" "', "").strip().strip('"')


def read_manpage(path):
    """Returns (objects, documents): objects[name] = [(field, type, desc)],
    documents = [(kind, text of the verbs that print it)]."""
    lines = open(path, encoding="utf-8").read().split("\n")
    start = lines.index(".SH JSON OUTPUT")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith(".SH "))
    section = lines[start:end]
    objects, documents = {}, []
    current = None
    i = 0
    while i < len(section):
        line = section[i]
        m = re.match(r'^\.SS "The (.+) object"$', line)
        if m:
            current = objects.setdefault(m.group(1), [])
        elif line == ".TP" and i + 1 < len(section):
            head = section[i + 1]
            f = re.match(r'^\.BR (\w+) " \(([^)]+)\)"$', head)
            d = re.match(r"^\.B \{(?:\"|\\\(dq)(\w+)(?:\"|\\\(dq):", head)
            body = []
            j = i + 2
            while j < len(section) and section[j] not in (".TP", ".PP") and \
                    not section[j].startswith(".SS") and not section[j].startswith(".SH"):
                body.append(text(section[j]))
                j += 1
            if f and current is not None:
                current.append((f.group(1), f.group(2), section[i + 2:j]))
            elif d and current is None:
                kind = d.group(1)
                if kind == "volume" and "chain" in head:
                    kind = "chain"
                elif kind == "volume" and "used_by" in head:
                    kind = "volume_info"
                if kind == "pool" and "identities_kept" in head:
                    kind = "undefined"
                documents.append((kind, " ".join(body)))
            i = j
            continue
        i += 1
    return objects, documents


def kind_of_verb(documents, verb):
    """The kind of document @verb prints: the one whose list names it (a
    phrase like 'vol-info --chain' counts as its own verb)."""
    kinds = []
    for kind, body in documents:
        for m in re.finditer(r"(?<![\w-])" + re.escape(verb) + r"(?![\w-])", body):
            rest = body[m.end():]
            if not rest.startswith(" --") or verb.endswith(rest.split()[0]):
                kinds.append(kind)
                break
    return kinds


def check_object(errors, where, obj, fields):
    if not isinstance(obj, dict):
        errors.append("%s: not an object: %r" % (where, obj))
        return
    names = [f[0] for f in fields]
    if list(obj) != names:
        errors.append("%s: keys %s, documented %s" % (where, list(obj), names))
    for name, typ, desc in fields:
        if name not in obj:
            continue
        value = obj[name]
        if not TYPES[typ](value):
            errors.append("%s.%s: %r is not %s" % (where, name, value, typ))
            continue
        # Nested keys documented inline: {"path": ..., "format": ...}.
        keys = re.findall(r"\\\(dq(\w+)\\\(dq", " ".join(desc))
        if keys and isinstance(value, dict) and list(value) != keys:
            errors.append("%s.%s: keys %s, documented %s" % (where, name, list(value), keys))
        if keys and isinstance(value, list):
            for k, item in enumerate(value):
                if not isinstance(item, dict) or list(item) != keys:
                    errors.append("%s.%s[%d]: %r, documented keys %s" % (where, name, k, item, keys))


def main():
    if len(sys.argv) != 5 or sys.argv[3] not in ("--verb", "--kind"):
        print(__doc__, file=sys.stderr)
        return 2
    objects, documents = read_manpage(sys.argv[1])
    if sys.argv[3] == "--kind":
        kind = sys.argv[4]
    else:
        kinds = kind_of_verb(documents, sys.argv[4])
        if len(kinds) != 1:
            print("verb %r: documented as printing %s" % (sys.argv[4], kinds or "nothing"))
            return 1
        kind = kinds[0]
    try:
        doc = json.load(open(sys.argv[2], encoding="utf-8"))
    except ValueError as e:
        print("not JSON: %s" % e)
        return 1
    errors = []
    shape = DOCUMENTS[kind]
    if not isinstance(doc, dict) or list(doc) != list(shape):
        errors.append("document keys %s, documented %s (%s)" %
                      (list(doc) if isinstance(doc, dict) else doc, list(shape), kind))
    else:
        for key, (how, obj) in shape.items():
            value = doc[key]
            if how == "string" and not isinstance(value, str):
                errors.append("%s: not a string" % key)
            elif how in ("number", "number or null") and not TYPES[how](value):
                errors.append("%s: %r is not %s" % (key, value, how))
            elif how == "array of strings" and not (
                    isinstance(value, list) and all(isinstance(v, str) for v in value)):
                errors.append("%s: not an array of strings" % key)
            elif how == "array of rows":
                # The row object: one member per column, each a number,
                # a string or null.
                if not isinstance(value, list):
                    errors.append("%s: not an array" % key)
                for k, item in enumerate(value if isinstance(value, list) else []):
                    if not isinstance(item, dict) or not all(
                            v is None or isinstance(v, (str, int, float)) and not isinstance(v, bool)
                            for v in item.values()):
                        errors.append("%s[%d]: not a row object: %r" % (key, k, item))
            elif how == "object":
                check_object(errors, key, value, objects[obj])
            elif how == "array of":
                if not isinstance(value, list):
                    errors.append("%s: not an array" % key)
                else:
                    for k, item in enumerate(value):
                        check_object(errors, "%s[%d]" % (key, k), item, objects[obj])
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
