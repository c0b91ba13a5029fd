#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Prepare the lab (see README.md): an arm64 Linux 7.3 kernel with iommufd,
# the SMMUv3 nesting support, VFIO cdev and KVM, built from Debian's
# linux-source-7.3 with kernel.fragment; busybox for the initramfs; the
# 7.3 uAPI headers for cross-compiling tests; and the pieces of the
# nested-KVM boot check (l2boot).  Idempotent: a second run finds
# everything in the cache and does nothing.  A first run takes 6-8 minutes
# on two cores, most of it the kernel build.
#
# usage: setup.sh [-j JOBS]
# Environment: LAB_CACHE, the cache directory (default /var/tmp/iommufd-lab):
#   debs/ x/          downloaded and unpacked .deb files
#   build/ kbuild/    kernel source and its out-of-tree build
#   kernel/           Image-lab, config-lab, fragment-lab (what it was
#                     built from)
#   project/          this project's artefacts (l2/, acpi/ of run.sh)
# Packages come from the machine's own apt mirror (read from its apt
# sources), with Debian trixie-backports and sid added for 'apt-get
# download' only.

set -euo pipefail
LAB=$(cd "$(dirname "$0")" && pwd)
C=${LAB_CACHE:-/var/tmp/iommufd-lab}
P=$C/project
JOBS=$(nproc)
while [ $# -gt 0 ]; do
    case "$1" in
    -j) JOBS=$2; shift 2 ;;
    -h|--help) sed -n '4,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

SRC_PKG=linux-source-7.3
SRC_VER=7.3.4-1~bpo13+1          # trixie-backports
HDR_VER=7.3.4-1~bpo13+1          # linux-libc-dev (uAPI headers, arch all)
BB_VER=1:1.38.0-3+b1             # busybox-static:arm64 (sid)
CROSS=aarch64-linux-gnu-

log() {
    echo "setup.sh: [$(date +%T)] $*"
}

mkdir -p $C/debs $C/x $C/kernel $C/logs $P
exec 9> $C/.setup.lock
if ! flock -n 9; then
    log "another setup.sh is running; waiting for it"
    flock 9
fi

# ---- host tools ----------------------------------------------------------
need=()
for p in gcc-aarch64-linux-gnu libc6-dev-arm64-cross cpio flex bison bc \
         libssl-dev libelf-dev make xz-utils kmod qemu-efi-aarch64 \
         device-tree-compiler python3; do
    dpkg -s "$p" > /dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
    log "apt-get install ${need[*]}"
    apt-get install -y "${need[@]}" > /dev/null
fi

# The Debian mirror this machine's apt already uses (never written here).
find_mirror() {
    local m
    m=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
        head -1 | awk '{print $2}')
    [ -n "$m" ] ||
        m=$(grep -h '^deb ' /etc/apt/sources.list 2>/dev/null |
            head -1 | awk '{print $2}')
    if [ -z "$m" ]; then
        echo "setup.sh: no Debian mirror in this machine's apt sources" >&2
        exit 1
    fi
    echo "$m"
}

# QEMU 10.0 or newer plays the arm64 host (its SMMUv3 has the nesting
# support the kernel needs).  Debian 12 ships 7.2; bookworm-backports has
# 10.0, which is installed from the same mirror when nothing recent enough
# is on the PATH.
qemu_major() {
    qemu-system-aarch64 --version 2>/dev/null |
        sed -n 's/^QEMU emulator version \([0-9]*\)\..*/\1/p'
}
if [ "$(qemu_major)" = "" ] || [ "$(qemu_major)" -lt 10 ]; then
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    if [ -z "$codename" ]; then
        echo "setup.sh: qemu-system-aarch64 10.0 or newer is needed" \
             "(install qemu-system-arm)" >&2
        exit 1
    fi
    list=/etc/apt/sources.list.d/nestvmm-lab-backports.list
    if [ ! -f $list ]; then
        printf 'deb [signed-by=%s] %s %s-backports main\n' \
            /usr/share/keyrings/debian-archive-keyring.gpg \
            "$(find_mirror)" "$codename" > $list
    fi
    log "apt-get install qemu-system-arm from $codename-backports"
    apt-get update -qq
    apt-get install -y -t "$codename-backports" qemu-system-arm > /dev/null
    if [ "$(qemu_major)" = "" ] || [ "$(qemu_major)" -lt 10 ]; then
        echo "setup.sh: could not install qemu-system-aarch64 10.0 or newer" >&2
        exit 1
    fi
fi

# ---- downloads (apt-get download with a private configuration) ----------
A=$C/apt
APTOPT=(-o "Dir::Etc::sourcelist=$A/etc/sources.list"
        -o "Dir::Etc::sourceparts=$A/etc/sources.list.d"
        -o "Dir::State::Lists=$A/lists" -o "Dir::Cache=$A/cache"
        -o APT::Architectures::=amd64 -o APT::Architectures::=arm64)
apt_ready=0
apt_prepare() {
    [ $apt_ready = 0 ] || return 0
    local mirror key=/usr/share/keyrings/debian-archive-keyring.gpg
    mirror=$(find_mirror)
    mkdir -p $A/etc/sources.list.d $A/lists/partial $A/cache/archives/partial
    printf 'deb [signed-by=%s] %s %s main\n' \
        "$key" "$mirror" trixie-backports "$key" "$mirror" sid \
        > $A/etc/sources.list
    if ! ls $A/lists/*Packages* > /dev/null 2>&1; then
        apt-get "${APTOPT[@]}" update -qq
    fi
    apt_ready=1
}

# fetch PKG=VERSION GLOB: download unless a .deb matching GLOB is cached.
fetch() {
    if ! ls $C/debs/$2 > /dev/null 2>&1; then
        apt_prepare
        log "apt-get download $1"
        (cd $C/debs && apt-get "${APTOPT[@]}" download "$1" > /dev/null)
    fi
    ls $C/debs/$2 | head -1
}

# unpack DEB: extract once into x/, print the directory.
unpack() {
    local d
    d=$C/x/$(basename "$1" .deb)
    if [ ! -d "$d" ]; then
        rm -rf "$d.tmp"
        mkdir -p "$d.tmp"
        dpkg-deb -x "$1" "$d.tmp"
        mv "$d.tmp" "$d"
    fi
    echo "$d"
}

deb=$(fetch busybox-static:arm64=$BB_VER 'busybox-static_*_arm64.deb')
BB=$(unpack "$deb")/usr/bin/busybox
deb=$(fetch linux-libc-dev=$HDR_VER 'linux-libc-dev_7.3*_all.deb')
HDR=$(unpack "$deb")/usr/include
[ -x "$BB" ] && [ -f "$HDR/linux/iommufd.h" ]

# ---- the kernel ----------------------------------------------------------
K=$C/build/linux-source-7.3
O=$C/kbuild
kmake() {
    make -s -C $K ARCH=arm64 CROSS_COMPILE=$CROSS "$@"
}

# config_for_fragment DIR: the configuration kernel.fragment gives, in DIR.
config_for_fragment() {
    mkdir -p "$1"
    kmake O="$1" allnoconfig > /dev/null
    (cd "$1" && $K/scripts/kconfig/merge_config.sh -m -O "$1" "$1/.config" \
        "$LAB/kernel.fragment" > /dev/null)
    kmake O="$1" olddefconfig > /dev/null
}

# Options only: drop comments and blank lines (the build date lives there).
options() {
    grep '^CONFIG_' "$1" | sort
}

kernel_source() {
    if [ ! -d $K ]; then
        local src
        src=$(unpack "$(fetch $SRC_PKG=$SRC_VER "${SRC_PKG}_*_all.deb")")
        log "extracting the kernel source"
        mkdir -p $C/build
        tar -xJf $src/usr/src/linux-source-7.3.tar.xz -C $C/build
    fi
}

kernel_up_to_date() {
    [ -f $C/kernel/Image-lab ] && [ -f $C/kernel/config-lab ] || return 1
    if [ -f $C/kernel/fragment-lab ] &&
       cmp -s $C/kernel/fragment-lab "$LAB/kernel.fragment"; then
        return 0
    fi
    # Built by another copy of this script, or the fragment changed: the
    # kernel is still good if the fragment yields the same configuration.
    kernel_source
    local t
    t=$(mktemp -d $C/kconfig.XXXXXX)
    config_for_fragment "$t"
    if cmp -s <(options "$t/.config") <(options $C/kernel/config-lab); then
        rm -rf "$t"
        cp "$LAB/kernel.fragment" $C/kernel/fragment-lab
        return 0
    fi
    rm -rf "$t"
    return 1
}

if ! kernel_up_to_date; then
    if pgrep -f -- "O=$O" > /dev/null; then
        echo "setup.sh: a kernel build is already running in $O;" \
             "run setup.sh again when it has finished" >&2
        exit 1
    fi
    kernel_source
    log "configuring (allnoconfig + kernel.fragment)"
    config_for_fragment $O
    for o in IOMMUFD ARM_SMMU_V3 ARM_SMMU_V3_IOMMUFD VFIO VFIO_DEVICE_CDEV \
             VFIO_PCI KVM ACPI_IORT ACPI_TABLE_UPGRADE; do
        if ! grep -q "^CONFIG_$o=y" $O/.config; then
            echo "setup.sh: CONFIG_$o is not enabled" >&2
            exit 1
        fi
    done
    log "building the kernel (-j$JOBS); about 6-7 minutes on two cores"
    t0=$(date +%s)
    if ! kmake O=$O -j"$JOBS" Image > $O/build.log 2>&1; then
        tail -30 $O/build.log
        exit 1
    fi
    log "kernel built in $(( $(date +%s) - t0 ))s"
    cp $O/arch/arm64/boot/Image $C/kernel/Image-lab
    cp $O/.config $C/kernel/config-lab
    cp "$LAB/kernel.fragment" $C/kernel/fragment-lab
fi

# ---- nested KVM boot check (run.sh --l2boot) -----------------------------
L2=$P/l2
if [ ! -f $L2/l2boot ] || [ "$LAB/l2boot.c" -nt $L2/l2boot ] ||
   [ "$LAB/l2.dts.in" -nt $L2/l2.dtb ] || [ "$LAB/init.sh" -nt $L2/initrd.gz ]
then
    mkdir -p $L2
    ${CROSS}gcc -O2 -static -Wall -I"$HDR" -I"$HDR/aarch64-linux-gnu" \
        -o $L2/l2boot "$LAB/l2boot.c"
    # The second-level guest runs the same /init, without a /test.
    t=$(mktemp -d $C/l2root.XXXXXX)
    mkdir -p $t/bin
    cp "$BB" $t/bin/busybox
    install -m 0755 "$LAB/init.sh" $t/init
    (cd $t && find . | cpio -o -H newc --quiet) | gzip -1 > $L2/initrd.gz
    rm -rf "$t"
    start=0x4c100000
    end=$(printf '0x%x' $(( start + $(stat -c %s $L2/initrd.gz) )))
    sed -e "s/@INITRD_START@/$start/" -e "s/@INITRD_END@/$end/" \
        "$LAB/l2.dts.in" > $L2/l2.dts
    dtc -q -I dts -O dtb -o $L2/l2.dtb $L2/l2.dts
    log "L2 boot artefacts built (initrd $start-$end)"
fi

log "done: kernel $C/kernel/Image-lab, headers $HDR"
