#!/usr/bin/env python3
"""compare.py: compare what a compat program printed against libvirt and
against storcat (tests/compat.test runs it).

Each output is lines "TAG VALUE". A value that is XML (printed on one line
with its newlines as "\\n") is flattened into one line per element,
attribute and text, tagged TAG/path/to/element[/@attribute], so that one
extra element is one difference, not a shifted document.

Before comparing, values are normalized where they must differ:
  - the scratch directory of each side becomes DIR, its URI becomes URI;
  - UUIDs become UUID (each side generates its own);
  - function names in libvirt's text are renamed as the port renames
    them (virFoo -> scFoo, VIR_FOO -> SC_FOO);
  - file times (volume <timestamps>) become TIME; a pool's
    capacity, allocation and available (free space of the file system,
    which changes between the runs) become N, or stay 0.
Then the lines are paired by tag. A tag whose values differ, or that one
side lacks, is a difference; it is allowed when an entry of DIFFERENCES
matches it (see that file for the format).

  compare.py --program P --differences FILE --used FILE --lv-dir D
             --sc-dir D --lv-uri U --sc-uri U LIBVIRT-OUT STORCAT-OUT
      prints a one-line summary on stdout, the unlisted differences on
      stderr; exit status 1 if there are any. Appends the entries that
      matched to the --used file.
  compare.py --stale --differences FILE --used FILE PROGRAM...
      prints the entries for those programs that matched nothing; exit
      status 1 if there are any.
"""

import argparse
import fnmatch
import re
import sys
import xml.etree.ElementTree as ET

UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

# Flattened tags whose values are volatile: (pattern, replacement).
# A replacement of None keeps 0 as 0 and makes any other number N.
VOLATILE = [
    ("*/timestamps/*", "TIME"),  # atime, mtime, ctime, btime of a file
    ("*/pool/capacity", None),  # the file system's size, as statvfs says
    ("*/pool/allocation", None),  # its used blocks: other files count
    ("*/pool/available", None),  # its free blocks
]


def read_differences(path):
    """The entries of DIFFERENCES: (program, pattern, kind, reason, line)."""
    entries = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            if line[0] in " \t":
                if not entries:
                    sys.exit(f"{path}:{number}: a continuation line with no entry")
                program, pattern, kind, reason, at = entries[-1]
                entries[-1] = (program, pattern, kind, reason + " " + line.strip(), at)
                continue
            fields = line.split(None, 3)
            if len(fields) < 4 or fields[2] not in ("design:", "bug:"):
                sys.exit(f"{path}:{number}: expected 'PROGRAM TAG-PATTERN design:|bug: REASON'")
            entries.append((fields[0], fields[1], fields[2][:-1], fields[3].strip(), number))
    return entries


def flatten(tag, element, out):
    """Append (tag, value) pairs for @element and what it holds."""
    path = tag + "/" + element.tag
    attributes = sorted(element.attrib.items())
    text = (element.text or "").strip()
    children = list(element)
    if not attributes and not children or text:
        out.append((path, text))
    for name, value in attributes:
        out.append((path + "/@" + name, value))
    counts = {}
    for child in children:
        counts[child.tag] = counts.get(child.tag, 0) + 1
    seen = {}
    for child in children:
        if counts[child.tag] > 1:
            seen[child.tag] = seen.get(child.tag, 0) + 1
            flatten_indexed(path, child, seen[child.tag], out)
        else:
            flatten(path, child, out)


def flatten_indexed(parent, element, index, out):
    """As flatten, for the index-th of several siblings of one name."""
    mark = []
    flatten(parent, element, mark)
    prefix = parent + "/" + element.tag
    for tag, value in mark:
        out.append((prefix + f"[{index}]" + tag[len(prefix):], value))


def read_output(path):
    """The (tag, value) lines of one output, XML values flattened."""
    lines = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            tag, _, value = line.partition(" ")
            if value.startswith("<"):
                try:
                    root = ET.fromstring(value.replace("\\n", "\n"))
                except ET.ParseError:
                    lines.append((tag, value))
                    continue
                flatten(tag, root, lines)
                continue
            lines.append((tag, value))
    # Tags are unique: a repeated one gets #2, #3...
    seen = {}
    unique = []
    for tag, value in lines:
        seen[tag] = seen.get(tag, 0) + 1
        unique.append((tag if seen[tag] == 1 else f"{tag}#{seen[tag]}", value))
    return unique


def normalize(tag, value, directory, uri, libvirt):
    if libvirt:
        value = re.sub(r"\bvir([A-Z])", r"sc\1", value)
        value = re.sub(r"\bVIR_", "SC_", value)
    if uri:
        value = value.replace(uri, "URI")
    if directory:
        value = value.replace(directory, "DIR")
    value = UUID_RE.sub("UUID", value)
    for pattern, replacement in VOLATILE:
        if fnmatch.fnmatchcase(tag, pattern):
            if replacement is not None:
                value = replacement
            elif value.strip() not in ("", "0"):
                value = "N"
            break
    return value


def compare(args):
    entries = [e for e in read_differences(args.differences) if e[0] in (args.program, "*")]
    lv = [(t, normalize(t, v, args.lv_dir, args.lv_uri, True)) for t, v in read_output(args.outputs[0])]
    sc = [(t, normalize(t, v, args.sc_dir, args.sc_uri, False)) for t, v in read_output(args.outputs[1])]
    lvmap, scmap = dict(lv), dict(sc)
    order = [t for t, _ in lv] + [t for t, _ in sc if t not in lvmap]
    used, unlisted, listed = set(), [], 0
    for tag in order:
        a, b = lvmap.get(tag), scmap.get(tag)
        if a == b:
            continue
        match = [e for e in entries if fnmatch.fnmatchcase(tag, e[1])]
        if match:
            listed += 1
            used.update(e[4] for e in match)
            continue
        unlisted.append((tag, a, b))
    with open(args.used, "a", encoding="utf-8") as f:
        for number in sorted(used):
            f.write(f"{number}\n")
    for tag, a, b in unlisted:
        print(f"{tag}", file=sys.stderr)
        print(f"    libvirt: {'(no such line)' if a is None else a}", file=sys.stderr)
        print(f"    storcat: {'(no such line)' if b is None else b}", file=sys.stderr)
    print(f"{len(order)} lines, {listed} listed differences, {len(unlisted)} unlisted")
    return 1 if unlisted else 0


def stale(args):
    with open(args.used, encoding="utf-8") as f:
        used = {int(line) for line in f if line.strip()}
    bad = 0
    for program, pattern, kind, reason, number in read_differences(args.differences):
        if program not in args.outputs and program != "*":
            continue
        if number not in used:
            print(f"DIFFERENCES:{number}: {program} {pattern} ({kind}): matches no difference")
            bad += 1
    return 1 if bad else 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--program")
    p.add_argument("--differences", required=True)
    p.add_argument("--used", required=True)
    p.add_argument("--lv-dir")
    p.add_argument("--sc-dir")
    p.add_argument("--lv-uri")
    p.add_argument("--sc-uri")
    p.add_argument("--stale", action="store_true")
    p.add_argument("outputs", nargs="*")
    args = p.parse_args()
    if args.stale:
        return stale(args)
    if not args.program or len(args.outputs) != 2:
        p.error("--program and two outputs are needed")
    return compare(args)


if __name__ == "__main__":
    sys.exit(main())
