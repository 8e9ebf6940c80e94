#!/bin/sh
# demo.sh: build storcat and show its main job on a demo catalog in a
# temporary directory (removed at the end; pass --keep to keep it).
set -eu
cd "$(dirname "$0")/.."
top=$PWD
keep=no
[ "${1:-}" = --keep ] && keep=yes

if [ "$(id -u)" = 0 ]; then tools/install-deps.sh; fi
if [ ! -x "$top/_build-demo/tools/storcat" ] || [ "$top/configure.ac" -nt "$top/_build-demo/Makefile" ]; then
    [ -x configure ] || autoreconf -fi >/dev/null 2>&1
    mkdir -p _build-demo
    (cd _build-demo && ../configure >/dev/null)
fi
make -C _build-demo -j"$(nproc)" >/dev/null

demo=$(mktemp -d /tmp/storcat-demo.XXXXXX)
[ $keep = yes ] || trap 'rm -rf "$demo"' EXIT
sc() {
    printf '\n$ storcat %s\n' "$*"
    "$top/_build-demo/tools/storcat" -c "$demo/catalog.db" "$@"
}

echo "demo catalog: $demo/catalog.db"
mkdir -p "$demo/images"
cat > "$demo/images.xml" <<XML
<pool type='dir'>
  <name>images</name>
  <target>
    <path>$demo//images/</path>
    <permissions><mode>0755</mode></permissions>
  </target>
</pool>
XML
sc pool-define "$demo/images.xml"
sc pool-define-as backup fs --source-dev /dev/vdb1 --source-format ext4 --target "$demo/backup"
sc pool-define-as vg0 logical --source-dev /dev/vdc
sc pool-define-as san iscsi-direct --source-host 127.0.0.1 --source-dev iqn.2026-01.org.example:san
sc pool-autostart images
sc pool-list --all --details
sc pool-info images
sc pool-dumpxml vg0
uuid=$("$top/_build-demo/tools/storcat" -c "$demo/catalog.db" pool-uuid images)
sc pool-name "$uuid"
sc pool-list --all --type dir,logical --json
echo
echo "# a duplicate is refused, and the catalog is unchanged:"
sc pool-define-as images2 dir --target "$demo/images" || true
echo
echo "# rbd is libvirt XML storcat can read but does not manage:"
sc pool-define-as ceph rbd --source-host mon1 --source-name rbd || true
echo
echo "# the audit trail is SQL:"
sqlite3 -header -column "$demo/catalog.db" \
    "SELECT datetime(ts, 'unixepoch') AS time, action, pool_name, detail FROM events ORDER BY id"
