#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# /init of the lab's initramfs (busybox only).  It mounts the pseudo file
# systems, reports what the kernel found (SMMU, iommufd, VFIO, KVM, the
# ACPI IORT that iort-canwbs.py needs), hands every QEMU edu device
# (1234:11e8) to vfio-pci so that /dev/vfio/devices/vfioN exist, runs /test
# with the arguments in /test.args and powers the machine off.  run.sh reads
# two lines back: "LAB: test exit code N ..." and the final "LAB-DONE".
# Kernel messages are kept off the console while /test runs (so its output,
# e.g. TAP, is not interleaved) unless the command line has lab.verbose.

/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tmpfs tmpfs /tmp

uptime_s() {
    cut -d' ' -f1 /proc/uptime
}

has_opt() {
    grep -q -w "$1" /proc/cmdline
}

echo "LAB: init at $(uptime_s)s, kernel $(uname -r)"
echo "LAB: cmdline: $(cat /proc/cmdline)"

dmesg | grep -i -E "smmu|iommu|vfio|kvm|iort|hyp|el2|gic" |
    sed 's/^/LAB-DMESG: /'
if [ -d /sys/firmware/acpi/tables ]; then
    echo "LAB: ACPI tables: $(ls /sys/firmware/acpi/tables | tr '\n' ' ')"
fi
if [ -d /proc/device-tree ]; then
    echo "LAB: device tree: $(cat /proc/device-tree/model 2>/dev/null)"
fi
if [ -r /sys/firmware/acpi/tables/IORT ]; then
    hexdump -C /sys/firmware/acpi/tables/IORT | sed 's/^/LAB-IORT: /'
fi
echo "LAB: /sys/class/iommu: $(ls /sys/class/iommu 2>&1 | tr '\n' ' ')"

# Every edu function goes to vfio-pci; report every PCI function.
for d in /sys/bus/pci/devices/*; do
    bdf=$(basename "$d")
    if [ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ]
    then
        echo vfio-pci > "$d/driver_override"
        if [ -e "$d/driver" ]; then
            echo "$bdf" > "$d/driver/unbind"
        fi
        echo "$bdf" > /sys/bus/pci/drivers_probe
    fi
    echo "LAB: pci $bdf $(cat "$d/vendor"):$(cat "$d/device")" \
         "iommu=$(readlink "$d/iommu" 2>/dev/null | sed 's#.*/##')" \
         "group=$(readlink "$d/iommu_group" 2>/dev/null | sed 's#.*/##')" \
         "driver=$(readlink "$d/driver" 2>/dev/null | sed 's#.*/##')" \
         "vfio-dev=$(ls "$d/vfio-dev" 2>/dev/null | tr '\n' ' ')"
done
echo "LAB: /dev/iommu: $(ls -l /dev/iommu 2>&1)"
echo "LAB: /dev/vfio/devices: $(ls /dev/vfio/devices 2>&1 | tr '\n' ' ')"
echo "LAB: /dev/kvm: $(ls -l /dev/kvm 2>&1)"

if [ -x /test ]; then
    has_opt lab.verbose || dmesg -n 1
    echo "LAB: running /test $(cat /test.args 2>/dev/null) at $(uptime_s)s"
    # shellcheck disable=SC2046
    /test $(cat /test.args 2>/dev/null)
    rc=$?
    dmesg -n 7
    echo "LAB: test exit code $rc at $(uptime_s)s"
    dmesg | tail -40 | sed 's/^/LAB-DMESG: /'
fi
if has_opt lab.shell; then
    echo "LAB: shell (exit to power off)"
    setsid cttyhack sh
fi
echo "LAB-DONE"
sync
poweroff -f
