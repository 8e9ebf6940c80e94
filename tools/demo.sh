#!/bin/sh
# demo.sh: build storcat and show its main job on a demo catalog in a
# temporary directory: one SQLite catalog managing pools of several kinds.
#
#   1. a dir pool of guest images: volumes, a backing chain and the guard
#      that protects its base, a refresh, lookups, bad input refused;
#   2. as root, with losetup, sfdisk, lvm2 and mkfs.ext4: a disk pool (a
#      GPT, its partitions the volumes), a logical pool (a volume group,
#      its LVs the volumes) and an fs pool (ext4 made by pool-build and
#      mounted by pool-start, its files the volumes), each on a loop device
#      over a sparse image file;
#   3. with tgtd (Debian tgt): an iscsi-direct pool, the LUNs of a tgtd the
#      demo starts on 127.0.0.1;
#   4. the reports over every pool (drift, an HTML page), read-only SQL
#      and the audit trail.
#
# A part that cannot run here says why in one line. Everything the demo
# makes (the directory, loop devices, the volume group, the mount, tgtd) is removed on
# every way out, Ctrl-C included; --keep keeps the directory (the catalog;
# the devices and tgtd go all the same).
set -eu
cd "$(dirname "$0")/.."
top=$PWD
keep=no
[ "${1:-}" = --keep ] && keep=yes
PATH=$PATH:/usr/sbin:/sbin

if [ "$(id -u)" = 0 ]; then tools/install-deps.sh; fi
if [ ! -x "$top/_build-demo/tools/storcat" ] || [ "$top/configure.ac" -nt "$top/_build-demo/Makefile" ]; then
    [ -x configure ] || autoreconf -fi >/dev/null 2>&1
    mkdir -p _build-demo
    (cd _build-demo && ../configure >/dev/null)
fi
make -C _build-demo -j"$(nproc)" >/dev/null

# ---- what the demo makes, and its removal ------------------------------------

demo=""          # the temporary directory: catalog, images, LUN files
tgtd_pid=""      # the tgtd the demo started
tgtd_control=""  # its control port (its socket is /var/run/tgtd/socket.N)

# lvm2 as the tests run it: no devices file, so that it sees our loop
# devices; no backup or archive copies in /etc/lvm; and where device-mapper
# is missing (/dev/mapper/control does not open), activation off: lvm2 then
# manages the metadata only, and LVs get no device nodes.
STORCAT_LVM_CONFIG='devices{use_devicesfile=0} backup{backup=0 archive=0}'
if ! (exec 3<>/dev/mapper/control) 2>/dev/null; then
    STORCAT_LVM_CONFIG="global{activation=0} $STORCAT_LVM_CONFIG"
fi
LVM_SUPPRESS_FD_WARNINGS=1
export STORCAT_LVM_CONFIG LVM_SUPPRESS_FD_WARNINGS
lvm() { "$@" --config "$STORCAT_LVM_CONFIG" >/dev/null 2>&1; }

# detach IMAGE: remove the loop devices over the demo's IMAGE file (so
# only ours), with the volume group on them and their kernel partitions.
detach() {
    for dev in $(losetup -j "$1" -O NAME -n 2>/dev/null); do
        on=$(pvs --config "$STORCAT_LVM_CONFIG" --noheadings -o vg_name "$dev" 2>/dev/null | tr -d ' ')
        [ -z "$on" ] || lvm vgremove -ff -y "$on"
        lvm pvremove -ff -y "$dev"
        k=${dev##*/}
        for p in /sys/block/"$k"/"$k"p*; do
            [ -e "$p/partition" ] && partx -d --nr "$(cat "$p/partition")" "$dev" 2>/dev/null
        done
        losetup -d "$dev"
    done
}
cleanup() {
    status=$?
    trap '' HUP INT TERM
    set +e
    if [ -n "$tgtd_pid" ]; then
        kill -KILL "$tgtd_pid" 2>/dev/null # it ignores SIGTERM
        wait "$tgtd_pid" 2>/dev/null
        rm -f "/var/run/tgtd/socket.$tgtd_control" "/var/run/tgtd/socket.$tgtd_control.lock"
    fi
    if [ -n "$demo" ]; then
        findmnt -rn -M "$demo/fs" >/dev/null 2>&1 && umount "$demo/fs"
        detach "$demo/fs.img"
        detach "$demo/disk.img"
        detach "$demo/pv.img"
        if [ $keep = yes ]; then echo "kept $demo"; else rm -rf "$demo"; fi
    fi
    [ "$status" = 0 ] || echo "demo stopped (exit status $status); what it made is removed" >&2
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
demo=$(mktemp -d /tmp/storcat-demo.XXXXXX)

sc() {
    printf '\n$ storcat %s\n' "$*"
    "$top/_build-demo/tools/storcat" -c "$demo/catalog.db" "$@"
}
# refused VERB ARGS: a storcat command expected to fail, and its status.
refused() {
    if sc "$@"; then echo "(unexpectedly accepted)"; else echo "(exit status $?)"; fi
}
skip() { printf '\n# skipped: %s\n' "$*"; }

# ---- 1. a dir pool --------------------------------------------------------------

echo "demo catalog: $demo/catalog.db"
echo "# 1. the main job: a dir pool of guest images, kept in an SQLite catalog"
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
sc vol-info --chain --pool images web.qcow2
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

# ---- 2. block devices: a disk pool and a logical pool ---------------------------

# Why block devices cannot be shown here, or nothing.
no_block() {
    if [ "$(id -u)" != 0 ]; then
        echo "not root (loop devices need root)"
    elif [ ! -e /dev/loop-control ] || ! command -v losetup >/dev/null; then
        echo "no loop devices here (/dev/loop-control or losetup is missing)"
    fi
}
# attach IMAGE SIZE: a sparse file on a new loop device, printed.
attach() {
    truncate -s "$2" "$1"
    losetup --find --show "$1"
}

# a disk pool: a whole disk with a GPT, its partitions the volumes.
demo_disk() {
    echo
    echo "# a disk pool: a whole disk (a loop device over a sparse file) with a GPT;"
    echo "# the label is the pool's source format, written by pool-build"
    disk=$(attach "$demo/disk.img" 256M)
    k=${disk##*/}
    sc pool-define-as disk1 disk --source-dev "$disk" --source-format gpt --target /dev
    sc pool-build disk1
    sc pool-start disk1
    echo
    echo "# volumes are partitions, named as the kernel names them"
    sc vol-create-as disk1 "${k}p1" 64M
    sc vol-create-as disk1 "${k}p2" 32M --format linux-swap
    printf '\n$ sfdisk --dump %s  # the table storcat wrote\n' "$disk"
    sfdisk --dump "$disk"
    sc vol-list disk1 --details
    echo
    echo "# the partition's device node finds its volume"
    sc vol-lookup "${disk}p2"
}
# a logical pool: an LVM volume group, its LVs the volumes.
demo_logical() {
    echo
    echo "# a logical pool: an LVM volume group on another loop device;"
    echo "# pool-build runs pvcreate and vgcreate"
    case $STORCAT_LVM_CONFIG in
    *activation=0*) echo "# (no device-mapper here: lvm2 runs with activation off, metadata only)" ;;
    esac
    pv=$(attach "$demo/pv.img" 256M)
    vg=storcat_demo_$$
    sc pool-define-as guests logical --source-dev "$pv" --source-name "$vg" --target "/dev/$vg"
    sc pool-build guests
    sc pool-start guests
    echo
    echo "# volumes are LVs"
    sc vol-create-as guests web-data 64M
    sc vol-create-as guests db-data 32M
    sc vol-list guests --details
    echo
    echo "# device-mapper's name for an LV (dashes doubled) finds it too"
    sc vol-lookup "/dev/mapper/$vg-web--data"
}

# an fs pool: a file system on a block device, mounted on the target.
demo_fs() {
    echo
    echo "# an fs pool: pool-build --no-overwrite makes an ext4 file system on a third"
    echo "# loop device (it would refuse one that holds anything), pool-start mounts it"
    dev=$(attach "$demo/fs.img" 128M)
    sc pool-define-as share fs --source-dev "$dev" --source-format ext4 --target "$demo/fs"
    sc pool-build share --no-overwrite
    sc pool-start share
    printf '\n$ findmnt %s\n' "$demo/fs"
    findmnt "$demo/fs"
    echo
    echo "# its volumes are files, as a dir pool's"
    sc vol-create-as share notes.qcow2 1G --format qcow2
    sc vol-list share --details
    sc pool-destroy share
}

echo
echo "# 2. block devices, in the same catalog"
why=$(no_block)
if [ -n "$why" ]; then
    skip "disk, logical and fs pools: $why"
else
    if command -v sfdisk >/dev/null; then
        demo_disk
    else
        skip "disk pool: no sfdisk (apt-get install fdisk)"
    fi
    if command -v lvcreate >/dev/null; then
        demo_logical
    else
        skip "logical pool: lvm2 is not installed (apt-get install lvm2)"
    fi
    if command -v mkfs.ext4 >/dev/null && command -v findmnt >/dev/null; then
        demo_fs
    else
        skip "fs pool: no mkfs.ext4 (apt-get install e2fsprogs)"
    fi
fi

# ---- 3. a network pool: iscsi-direct ---------------------------------------------

# Why iSCSI cannot be shown here, or nothing.
no_iscsi() {
    if [ ! -x /usr/sbin/tgtd ] || [ ! -x /usr/sbin/tgtadm ]; then
        echo "no tgtd/tgtadm (apt-get install tgt)"
    elif [ "$(id -u)" != 0 ]; then
        echo "not root (tgtd's control socket is in /var/run/tgtd)"
    elif ! command -v python3 >/dev/null; then
        echo "no python3 (to find a free port)"
    fi
}
adm() { /usr/sbin/tgtadm -C "$tgtd_control" --lld iscsi "$@" >/dev/null; }
# start_tgtd: a tgtd of the demo's own on 127.0.0.1, on a free port
# ($port), with a control port of its own; fails if it does not answer.
start_tgtd() {
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    control=$((20000 + $$ % 12000))
    while [ -e "/var/run/tgtd/socket.$control" ]; do control=$((control + 1)); done
    tgtd_control=$control
    /usr/sbin/tgtd -f -C "$tgtd_control" --iscsi "portal=127.0.0.1:$port" >"$demo/tgtd.log" 2>&1 &
    tgtd_pid=$!
    i=0
    until adm --mode target --op show 2>/dev/null; do
        i=$((i + 1))
        [ $i -le 100 ] || return 1
        sleep 0.05
    done
}

echo
echo "# 3. a network pool, in the same catalog: the LUNs of an iSCSI target"
why=$(no_iscsi)
if [ -n "$why" ]; then
    skip "iscsi-direct pool: $why"
elif ! start_tgtd; then
    skip "iscsi-direct pool: tgtd did not start ($(tail -n 1 "$demo/tgtd.log"))"
else
    echo "# (a tgtd of the demo's own on 127.0.0.1:$port: one target, two file-backed LUNs)"
    iqn=iqn.2026-12.org.storcat.demo:guests
    adm --mode target --op new --tid 1 --targetname $iqn
    adm --mode target --op bind --tid 1 --initiator-address ALL
    for lun in 1 2; do
        truncate -s $((lun * 64))M "$demo/lun$lun.img"
        adm --mode logicalunit --op new --tid 1 --lun $lun --backing-store "$demo/lun$lun.img"
    done
    init=iqn.2026-12.org.storcat.demo:initiator
    echo
    echo "# what targets does the portal offer? (libvirt's <sources> document)"
    sc find-pool-sources-as iscsi-direct --host 127.0.0.1 --port "$port" --initiator $init
    cat > "$demo/san.xml" <<XML
<pool type='iscsi-direct'>
  <name>san</name>
  <source>
    <host name='127.0.0.1' port='$port'/>
    <device path='$iqn'/>
    <initiator><iqn name='$init'/></initiator>
  </source>
</pool>
XML
    sc pool-define "$demo/san.xml"
    echo
    echo "# pool-start logs in (libiscsi, in user space); the LUNs are the volumes"
    sc pool-start san
    sc vol-list san --details
fi

# ---- 4. one catalog, every pool ---------------------------------------------------

echo
echo "# 4. the catalog answers for every pool: documented report views, read-only SQL"
sc query "SELECT pool, type, state, capacity >> 20 AS capacity_mib, allocation >> 20 AS
                 allocation_mib, volumes, volume_capacity >> 20 AS volume_capacity_mib,
                 overcommit FROM report_pools"
sc query "SELECT pool, volume, type, format, capacity / 1048576 AS capacity_mib,
                 backing_path, users FROM report_volumes ORDER BY pool, volume"
echo
echo "# what the last refresh of each pool found, and who did what (the audit trail)"
sc report drift --pool images
sc events --pool images --action vol-
echo
echo "# the same as one self-contained HTML page (capacity bars, largest and unused volumes)"
sc report pools --html "$demo/pools.html"
echo "wrote $demo/pools.html ($(wc -c <"$demo/pools.html") bytes)"
