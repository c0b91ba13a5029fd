#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Short random runs of the qtest protocol against the virt machine.

Drives the binary with random reads and writes of every size over the
device windows (GIC distributor and redistributors, ITS control and
translation frames, UART, RTC) and RAM, random clock steps, interrupt
line changes and malformed requests.  Every request must get exactly one
reply (OK, FAIL or ERR, after any IRQ lines), the process must survive,
RAM must still hold what was last written there, and a SIGTERM must end
it with status 0 and a clean stderr (no sanitizer report).

The machine also has a pcie-root-port with an edu behind it and an edu
on pcie.0.  A short "firmware" pass numbers the port's bus, opens its
memory window and places and enables every BAR (again now and then, as
the random configuration writes undo it); the random accesses then also
cover ECAM (buses 0 and 1, any offset and alignment), the BARs (edu
registers, the port's MSI-X table and PBA) with values that start DMA
transfers and interrupts, and the PCI I/O window.

Usage: qtest_mmio_fuzz.py [--seed N] [--ops N] [--binary PATH]
The binary defaults to $QEMU_TEST_BINARY.  Python standard library only.
"""

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile

WINDOWS = [
    (0x08000000, 0x10000),      # GIC distributor
    (0x08080000, 0x20000),      # ITS control + translation frames
    (0x080a0000, 0x20000),      # redistributor of CPU 0
    (0x09000000, 0x1000),       # pl011
    (0x09010000, 0x1000),       # pl031
    (0x09fff000, 0x2000),       # a hole
]
RAM = 0x40000000

# PCI: ECAM of buses 0 and 1, and where pci_firmware() puts the BARs.
ECAM = 0x4010000000
ECAM_BUSES = 2
RP_DEVFN = 0x08                 # pcie-root-port 00:01.0, bus 1 behind it
EDU0_BAR = 0x10000000           # edu 01:00.0, in the port's window
EDU1_BAR = 0x10100000           # edu 00:02.0
RP_BAR = 0x10200000             # the port's MSI-X table and PBA (4 KiB)
PCI_WINDOWS = [
    (ECAM, ECAM_BUSES << 20),
    (EDU0_BAR, 0x1000),
    (EDU1_BAR, 0x1000),
    (RP_BAR, 0x1000),
    (0x3eff0000, 0x10000),      # PCI I/O window
]
PCI_DEVICES = ['-device', 'pcie-root-port,id=rp1,chassis=1',
               '-device', 'edu,bus=rp1', '-device', 'edu']
# edu registers worth hitting, and values that make DMA and MSI happen.
EDU_REGS = [0x04, 0x08, 0x20, 0x24, 0x60, 0x64, 0x80, 0x88, 0x90, 0x98]
EDU_VALUES = [0, 1, 3, 5, 7, 0x40000, 0x40ff8, 0x41000, 0x1000, 0xfff,
              EDU0_BAR + 0x60, EDU1_BAR + 0x98, RP_BAR, 0x08090040,
              0xffffffffffffffff]
SIZES = {'b': 1, 'w': 2, 'l': 4, 'q': 8}
MALFORMED = [
    'readl', 'readl zz', 'writel 0x40000000', 'read 0x40000000 0',
    'write 0x40000000 4 0xzz', 'b64write 0x40000000 4 @@@@', 'memset',
    'clock_step -1', 'frobnicate', '', 'irq_intercept_out /nowhere',
    'set_irq_in /machine/gic unnamed-gpio-in 99999 1',
]


class Fuzzer:
    def __init__(self, binary, rng, workdir):
        self.rng = rng
        path = os.path.join(workdir, 'qtest.sock')
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(path)
        listener.listen(1)
        listener.settimeout(20)
        self.stderr = open(os.path.join(workdir, 'stderr.log'), 'w+')
        self.proc = subprocess.Popen(
            [binary, '-M', 'virt', '-accel', 'qtest', '-display', 'none',
             '-nodefaults', '-serial', 'null', '-qtest', 'unix:' + path,
             '-qtest-log', 'none'] + PCI_DEVICES,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=self.stderr)
        try:
            self.conn, _ = listener.accept()
        except OSError:
            self.proc.kill()        # it never connected: don't leave it
            raise
        finally:
            listener.close()
        self.conn.settimeout(20)
        self.rfile = self.conn.makefile('r', encoding='ascii')
        self.ram = {}               # address -> byte we last wrote

    def request(self, line):
        self.conn.sendall((line + '\n').encode('ascii'))
        while True:
            reply = self.rfile.readline()
            if not reply:
                raise AssertionError('connection closed after %r' % line)
            reply = reply.rstrip('\n')
            if not reply.startswith('IRQ '):
                break
        if not reply.split(' ')[0] in ('OK', 'FAIL', 'ERR'):
            raise AssertionError('%r got %r' % (line, reply))
        return reply

    def pci_firmware(self):
        """Number bus 1, open the port's window, place and enable BARs."""
        def cfg(bus, devfn, off, size, val):
            self.request('write%s 0x%x 0x%x' % (
                size, ECAM + (bus << 20) + (devfn << 12) + off, val))

        cfg(0, RP_DEVFN, 0x18, 'l', 0x010100)           # buses 0, 1, 1
        cfg(0, RP_DEVFN, 0x20, 'l', (EDU0_BAR + 0xfffff) & 0xfff00000 |
            EDU0_BAR >> 16)                             # memory window
        cfg(0, RP_DEVFN, 0x10, 'l', RP_BAR)
        cfg(0, RP_DEVFN, 0x04, 'w', 0x7)
        cfg(1, 0x00, 0x10, 'l', EDU0_BAR)
        cfg(1, 0x00, 0x04, 'w', 0x7)
        cfg(0, 0x10, 0x10, 'l', EDU1_BAR)
        cfg(0, 0x10, 0x04, 'w', 0x7)

    def pci_op(self):
        rng = self.rng
        pick = rng.random()
        size = rng.choice('bwlq')
        if pick < 0.02:
            self.pci_firmware()
            return 'clock_step 1'
        if pick < 0.45:
            # Mostly the functions that exist, mostly their headers and
            # standard capabilities.
            devfn = rng.choice([0x00, RP_DEVFN, 0x10, rng.randrange(256)])
            offset = rng.choice([rng.randrange(0x40), rng.randrange(0x100),
                                 rng.randrange(0x1000)])
            addr = (ECAM + (rng.randrange(ECAM_BUSES) << 20) + (devfn << 12)
                    + offset)
        elif pick < 0.75:
            addr = rng.choice([EDU0_BAR, EDU1_BAR]) + rng.choice(EDU_REGS)
            size = rng.choice('lq')
            if rng.random() < 0.7:
                return 'write%s 0x%x 0x%x' % (
                    size, addr, rng.choice(EDU_VALUES) &
                    ((1 << (8 * SIZES[size])) - 1))
        else:
            base, length = rng.choice(PCI_WINDOWS[2:])
            addr = base + rng.randrange(length)
        if rng.random() < 0.6:
            addr &= ~(SIZES[size] - 1)
        if rng.random() < 0.4:
            return 'read%s 0x%x' % (size, addr)
        return 'write%s 0x%x 0x%x' % (size, addr, rng.choice(
            [rng.getrandbits(64), 0xffffffffffffffff, 0]))

    def random_op(self):
        rng = self.rng
        pick = rng.random()
        if pick < 0.3:
            return self.pci_op()
        pick = rng.random()
        if pick < 0.05:
            return rng.choice(MALFORMED)
        if pick < 0.08:
            return 'clock_step %d' % rng.randrange(1, 5 * 10 ** 9)
        if pick < 0.10:
            return 'set_irq_in /machine/gic unnamed-gpio-in %d %d' % (
                rng.randrange(0, 288), rng.randrange(0, 2))
        if pick < 0.20:
            addr = RAM + rng.randrange(0, 0x1000)
            size = rng.choice('bwlq')
            value = rng.getrandbits(8 * SIZES[size])
            for i in range(SIZES[size]):
                self.ram[addr + i] = (value >> (8 * i)) & 0xff
            return 'write%s 0x%x 0x%x' % (size, addr, value)
        base, length = rng.choice(WINDOWS)
        offset = rng.randrange(0, length)
        if rng.random() < 0.7:
            offset &= ~3
        size = rng.choice('bwlq')
        if rng.random() < 0.5:
            return 'read%s 0x%x' % (size, base + offset)
        return 'write%s 0x%x 0x%x' % (size, base + offset,
                                      rng.getrandbits(64))

    def check_ram(self):
        for addr, byte in sorted(self.ram.items())[:256]:
            reply = self.request('readb 0x%x' % addr)
            if int(reply.split()[1], 16) != byte:
                raise AssertionError('RAM at 0x%x: %s, wrote 0x%02x'
                                     % (addr, reply, byte))

    def finish(self):
        self.conn.close()
        self.proc.send_signal(signal.SIGTERM)
        status = self.proc.wait(timeout=20)
        self.stderr.seek(0)
        err = self.stderr.read()
        self.stderr.close()
        if status != 0:
            raise AssertionError('exit status %d; stderr:\n%s'
                                 % (status, err))
        for bad in ('AddressSanitizer', 'runtime error', 'LeakSanitizer'):
            if bad in err:
                raise AssertionError('sanitizer report:\n' + err)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--ops', type=int, default=5000)
    parser.add_argument('--binary',
                        default=os.environ.get('QEMU_TEST_BINARY'))
    args = parser.parse_args()
    if not args.binary:
        parser.error('give --binary or set QEMU_TEST_BINARY')
    with tempfile.TemporaryDirectory(prefix='qfuzz-') as workdir:
        fuzzer = Fuzzer(args.binary, random.Random(args.seed), workdir)
        try:
            fuzzer.pci_firmware()
            for _ in range(args.ops):
                fuzzer.request(fuzzer.random_op())
            fuzzer.check_ram()
        except Exception:
            fuzzer.proc.kill()
            raise
        fuzzer.finish()
    print('qtest_mmio_fuzz: %d requests (seed %d): ok' % (args.ops,
                                                          args.seed))
    return 0


if __name__ == '__main__':
    sys.exit(main())
