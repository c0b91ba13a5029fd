#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boot the lab -- an emulated arm64 host running the real Linux 7.3 kernel
# built by setup.sh, with QEMU's SMMUv3 as its "physical" IOMMU and edu
# devices to assign -- and run one static aarch64 program (or #!/bin/sh
# script) in it as /test.  The exit status is the program's exit status in
# the guest, or 125 when the guest did not get to the end (panic, hang,
# timeout).  The whole console goes to a log file; the terminal gets the
# lines of interest (LAB:, TAP, STEP/RESULT, L2 console).
#
# usage: run.sh [options] TEST [args...]      (TEST "none": just boot)
#   --boot dt|acpi     device tree (default) or UEFI + ACPI
#   --iort-canwbs      (acpi) replace QEMU's IORT by a copy whose PCI root
#                      complex is CANWBS: needed for IOMMU_VIOMMU_ALLOC,
#                      since QEMU's SMMUv3 has no S2FWB
#   --edu N            number of edu devices (default 1)
#   --smp N --mem SIZE guest CPUs and memory (default 2, 2G)
#   --add SRC[:DST]    put a host file into the initramfs (repeatable)
#   --l2boot           boot a second-level Linux with l2boot inside the lab
#                      (TEST defaults to l2test.sh)
#   --append ARGS      extra kernel command line (lab.verbose keeps kernel
#                      messages on the console while TEST runs)
#   --shell            busybox shell after TEST (interactive)
#   --log FILE         console log (default $LAB_CACHE/logs/run-<time>.log)
#   --timeout SECONDS  wall-clock limit of the QEMU run (default 1200)
# Environment: LAB_CACHE (default /var/tmp/iommufd-lab), as for setup.sh.

set -euo pipefail
LAB=$(cd "$(dirname "$0")" && pwd)
C=${LAB_CACHE:-/var/tmp/iommufd-lab}
P=$C/project

BOOT=dt CANWBS=0 EDU=1 SMP=2 MEM=2G L2=0 SHELL_=0 APPEND="" LOG=""
TIMEOUT=1200
ADDS=()
while [ $# -gt 0 ]; do
    case "$1" in
    --boot) BOOT=$2; shift 2 ;;
    --iort-canwbs) CANWBS=1; shift ;;
    --edu) EDU=$2; shift 2 ;;
    --smp) SMP=$2; shift 2 ;;
    --mem) MEM=$2; shift 2 ;;
    --add) ADDS+=("$2"); shift 2 ;;
    --l2boot) L2=1; shift ;;
    --append) APPEND=$2; shift 2 ;;
    --shell) SHELL_=1; shift ;;
    --log) LOG=$2; shift 2 ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    -h|--help) sed -n '4,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
case $BOOT in
dt|acpi) ;;
*) echo "run.sh: --boot must be dt or acpi" >&2; exit 2 ;;
esac
if [ $CANWBS = 1 ] && [ $BOOT != acpi ]; then
    echo "run.sh: --iort-canwbs needs --boot acpi (the IORT is ACPI)" >&2
    exit 2
fi

if [ $L2 = 1 ]; then
    if [ ! -f $P/l2/l2boot ]; then
        echo "run.sh: the L2 artefacts are missing: run $LAB/setup.sh" >&2
        exit 1
    fi
    ADDS+=("$P/l2/l2boot:/l2/l2boot" "$C/kernel/Image-lab:/l2/Image"
           "$P/l2/l2.dtb:/l2/l2.dtb" "$P/l2/initrd.gz:/l2/initrd.gz")
    [ $# -gt 0 ] || set -- "$LAB/l2test.sh"
fi
if [ $# -eq 0 ]; then
    echo "run.sh: which test? (a static aarch64 program, or none)" >&2
    exit 2
fi
TEST=$1
shift
TARGS="$*"

IMAGE=$C/kernel/Image-lab
BUSYBOX=$(ls $C/x/busybox-static_*_arm64/usr/bin/busybox 2>/dev/null | head -1)
if [ ! -f "$IMAGE" ] || [ -z "$BUSYBOX" ]; then
    echo "run.sh: the lab is not set up ($IMAGE or busybox missing):" \
         "run $LAB/setup.sh" >&2
    exit 1
fi

mkdir -p $C/logs $C/tmp
QVER=$(qemu-system-aarch64 --version | head -1 |
       sed 's/.*version \([^ ]*\).*/\1/')
TAG=$BOOT
[ $CANWBS = 0 ] || TAG=$TAG-canwbs
LOG=${LOG:-$C/logs/run-$(date +%Y%m%d-%H%M%S)-$TAG.log}

WORK=$(mktemp -d $C/tmp/run.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# The initramfs: busybox, /init, /test and its arguments, extra files.
R=$WORK/root
mkdir -p $R/bin
cp "$BUSYBOX" $R/bin/busybox
install -m 0755 "$LAB/init.sh" $R/init
if [ "$TEST" != none ]; then
    install -m 0755 "$TEST" $R/test
    printf '%s\n' "$TARGS" > $R/test.args
fi
for a in "${ADDS[@]}"; do
    src=${a%%:*}
    dst=${a#*:}
    [ "$dst" != "$a" ] || dst=/$(basename "$src")
    mkdir -p "$R$(dirname "$dst")"
    cp "$src" "$R$dst"
done
(cd $R && find . | cpio -o -H newc --quiet) | gzip -1 > $WORK/initrd.gz

if [ $CANWBS = 1 ]; then
    # The IORT depends on the QEMU version: capture it once with a plain
    # ACPI boot, patch it, and keep it in the cache.
    AML=$P/acpi/IORT-qemu-$QVER.aml
    if [ ! -f "$AML" ]; then
        mkdir -p $P/acpi
        echo "run.sh: capturing QEMU $QVER's IORT (one extra boot)"
        "$0" --boot acpi --log $P/acpi/probe-$QVER.log none > /dev/null ||
            true
        python3 "$LAB/iort-canwbs.py" $P/acpi/probe-$QVER.log "$AML.tmp"
        mv "$AML.tmp" "$AML"
    fi
    # An uncompressed cpio in front of the initrd: the kernel's ACPI table
    # upgrade looks for kernel/firmware/acpi/*.aml there.
    mkdir -p $WORK/early/kernel/firmware/acpi
    cp "$AML" $WORK/early/kernel/firmware/acpi/IORT.aml
    (cd $WORK/early && find . | cpio -o -H newc --quiet) > $WORK/initrd2
    cat $WORK/initrd.gz >> $WORK/initrd2
    mv $WORK/initrd2 $WORK/initrd.gz
fi

CMDLINE="console=ttyAMA0 rdinit=/init panic=-1 loglevel=6 $APPEND"
[ $SHELL_ = 0 ] || CMDLINE="$CMDLINE lab.shell"
MACH=virt,virtualization=on,gic-version=3,iommu=smmuv3
FW=()
if [ $BOOT = acpi ]; then
    MACH=$MACH,acpi=on
    cp /usr/share/AAVMF/AAVMF_VARS.fd "$WORK/vars.fd"
    FWD=/usr/share/AAVMF
    FW=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$FWD/AAVMF_CODE.fd"
        -drive "if=pflash,format=raw,unit=1,file=$WORK/vars.fd")
else
    MACH=$MACH,acpi=off
fi
DEVS=()
for _ in $(seq "$EDU"); do
    DEVS+=(-device edu)
done
ARGS=(-M "$MACH" -cpu max -smp "$SMP" -m "$MEM" -nographic -no-reboot
      -nic none "${DEVS[@]}" "${FW[@]}"
      -kernel "$IMAGE" -initrd "$WORK/initrd.gz" -append "$CMDLINE")

echo "run.sh: qemu $QVER boot=$BOOT canwbs=$CANWBS edu=$EDU test=$TEST" \
     "args='$TARGS' log=$LOG"
echo "run.sh: qemu-system-aarch64 ${ARGS[*]}" > "$LOG"
T0=$(date +%s)
if [ $SHELL_ = 1 ]; then
    qemu-system-aarch64 "${ARGS[@]}" 2>&1 | tee -a "$LOG"
else
    timeout "$TIMEOUT" qemu-system-aarch64 "${ARGS[@]}" < /dev/null 2>&1 |
        tee -a "$LOG" | tr -d '\r' |
        grep -E --line-buffered \
            -e '^(LAB[:-]|STEP |INFO |RESULT|L2\| |l2boot)' \
            -e '^(ok |not ok |1\.\.[0-9]|# )' -e 'Kernel panic' |
        grep -v -E --line-buffered '^LAB-(IORT|DMESG):' || true
fi
echo "run.sh: wall time $(( $(date +%s) - T0 ))s" | tee -a "$LOG"

if ! tr -d '\r' < "$LOG" | grep -q '^LAB-DONE'; then
    echo "run.sh: the guest did not finish (see $LOG)"
    exit 125
fi
RC=$(tr -d '\r' < "$LOG" |
     sed -n 's/^LAB: test exit code \([0-9]*\) .*/\1/p' | tail -1)
exit "${RC:-0}"
