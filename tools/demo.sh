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
# refused VERB ARGS: a storcat command expected to fail, and its status.
refused() {
    if sc "$@"; then echo "(unexpectedly accepted)"; else echo "(exit status $?)"; fi
}

echo "demo catalog: $demo/catalog.db"
echo "# the main job: a dir pool of guest images, kept in an SQLite catalog"
cat > "$demo/images.xml" <<XML
<pool type='dir'>
  <name>images</name>
  <target>
    <path>$demo/images</path>
    <permissions><mode>0755</mode></permissions>
  </target>
</pool>
XML
sc pool-define "$demo/images.xml"
sc pool-build images
sc pool-start images
sc vol-create-as images base.img 1G --allocation 0
sc vol-create-as images web.qcow2 10G --format qcow2 --backing-vol base.img --backing-vol-format raw
sc vol-create-as images db.qcow2 20G --format qcow2
sc vol-clone --pool images base.img base-copy.img
sc vol-resize --pool images base-copy.img 2G
echo
echo "# the catalog knows web.qcow2 is an overlay of base.img, and guards the base"
sc vol-info --pool images web.qcow2
refused vol-delete --pool images base.img
echo
echo "# a file appears behind storcat's back; a refresh records it"
truncate -s 512M "$demo/images/added-by-hand.img"
sc pool-refresh images
echo
echo "# any spelling of a path finds the volume (one indexed query)"
sc vol-lookup "$demo//images/../images/./web.qcow2"
sc vol-list images --details
sc pool-info images
echo
echo "# bad input changes nothing"
refused vol-create-as images ../escape.img 1M
refused pool-define-as images2 dir --target "$demo/images"
refused pool-define-as ceph rbd --source-host mon1 --source-name rbd
echo
echo "# the report is SQL over the catalog"
sqlite3 -header -column "$demo/catalog.db" \
    "SELECT v.name, v.format, v.capacity / 1048576 AS capacity_mib,
            v.allocation / 1048576 AS allocation_mib, ifnull(v.backing_path, '') AS backing
       FROM volumes v JOIN pools p ON p.id = v.pool_id WHERE p.name = 'images' ORDER BY v.name"
echo
sqlite3 -header -column "$demo/catalog.db" \
    "SELECT datetime(ts, 'unixepoch') AS time, action, ifnull(volume_name, pool_name) AS object,
            ifnull(detail, '') AS detail FROM events ORDER BY id"
