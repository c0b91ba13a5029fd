#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Make a CANWBS copy of QEMU's ACPI IORT for the lab.

Usage: iort-canwbs.py BOOT_LOG OUT.aml

QEMU's emulated SMMUv3 has no S2FWB, and its IORT does not mark the PCI
root complex CANWBS, so Linux refuses IOMMU_VIOMMU_ALLOC (EOPNOTSUPP).  The
lab's /init prints the IORT as "LAB-IORT: <hexdump -C line>" during an ACPI
boot.  This script rebuilds the table from those lines, sets the CANWBS bit
(bit 2) in the memory-access flags of every root-complex node, raises the
OEM revision so the kernel prefers the copy, fixes the checksum and writes
OUT.aml.  run.sh puts it at kernel/firmware/acpi/IORT.aml in an uncompressed
cpio in front of the initrd (CONFIG_ACPI_TABLE_UPGRADE).
"""
import re
import struct
import sys

LINE = re.compile(r"LAB-IORT: ([0-9a-f]{8})((?:  ?[0-9a-f]{2}){1,16})")
STAR = re.compile(r"LAB-IORT: \*\s*$")

IORT_NODE_ROOT_COMPLEX = 2
RC_MEMORY_FLAGS = 23         # byte offset of the memory access flags
MAF_CANWBS = 1 << 2


def read_dump(path):
    """Bytes of the hexdump, expanding the '*' lines of repeated rows."""
    data = bytearray()
    last_row = b""
    pending_repeat = False
    with open(path, errors="replace") as f:
        for raw in f:
            line = raw.rstrip("\r\n")
            if STAR.match(line):
                pending_repeat = True
                continue
            m = LINE.match(line)
            if not m:
                continue
            offset = int(m.group(1), 16)
            row = bytes(int(b, 16) for b in m.group(2).split())
            if pending_repeat:
                while len(data) < offset and last_row:
                    data += last_row
                pending_repeat = False
            if offset != len(data):
                sys.exit(f"iort-canwbs: hexdump jumps to {offset:#x} "
                         f"after {len(data):#x} bytes")
            data += row
            last_row = row
    return data


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    table = read_dump(sys.argv[1])
    if len(table) < 48 or table[:4] != b"IORT":
        sys.exit("iort-canwbs: no IORT dump in the log "
                 "(it comes from an ACPI boot of the lab)")
    length = struct.unpack_from("<I", table, 4)[0]
    if len(table) < length:
        sys.exit(f"iort-canwbs: dump has {len(table)} of {length} bytes")
    table = table[:length]

    count, offset = struct.unpack_from("<II", table, 36)
    patched = 0
    for _ in range(count):
        node_type = table[offset]
        node_len = struct.unpack_from("<H", table, offset + 1)[0]
        if node_type == IORT_NODE_ROOT_COMPLEX:
            old = table[offset + RC_MEMORY_FLAGS]
            table[offset + RC_MEMORY_FLAGS] = old | MAF_CANWBS
            print(f"root complex at {offset:#x}: memory access flags "
                  f"{old:#x} -> {table[offset + RC_MEMORY_FLAGS]:#x}")
            patched += 1
        if node_len == 0:
            sys.exit("iort-canwbs: node of length 0")
        offset += node_len
    if not patched:
        sys.exit("iort-canwbs: the IORT has no root-complex node")

    oem_rev = struct.unpack_from("<I", table, 24)[0]
    struct.pack_into("<I", table, 24, oem_rev + 1)
    table[9] = 0
    table[9] = (-sum(table)) & 0xFF
    with open(sys.argv[2], "wb") as f:
        f.write(table)
    print(f"wrote {sys.argv[2]}: {len(table)} bytes, OEM revision "
          f"{oem_rev} -> {oem_rev + 1}")


if __name__ == "__main__":
    main()
