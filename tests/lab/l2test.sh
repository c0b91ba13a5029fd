#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The /test of "run.sh --l2boot": inside the lab, boot a second-level Linux
# (the lab kernel again, with the same /init and no test) through KVM with
# l2boot, to show that the lab can host a VMM's guest.  run.sh adds the
# files under /l2; the exit status is l2boot's.
echo "LAB: L2 boot with $(ls /l2 | tr '\n' ' ')"
exec /l2/l2boot /l2/Image /l2/l2.dtb /l2/initrd.gz
