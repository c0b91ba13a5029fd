# SPDX-License-Identifier: GPL-2.0-or-later
#
# The virt board as a guest would see it: the device tree that
# "-M virt,dumpdtb=FILE" writes (decompiled with dtc and parsed here) must
# describe QEMU 10.0's memory map, CPUs, PSCI, timer, GICv3 + ITS, pl011
# and pl031 with the -m and -smp given; the board's devices sit at their
# documented QOM paths; and bad configurations (too much RAM for
# highmem=off, too many CPUs, an unwritable dumpdtb file) end with a
# clear message, exit status 1 and no file written.
#
# Needs dtc (device-tree-compiler) for the device tree checks; they are
# skipped with a message when it is missing.

import os
import re
import shutil
import tempfile
import unittest

from qemu_test import VM, default_accel, run_cli
from qemu_test.dts import dump_dtb

PROG = 'qemu-system-aarch64'

# QEMU 10.0's addresses (docs/system/arm-virt.rst).
GIC_REG = [0, 0x08000000, 0, 0x10000, 0, 0x080a0000, 0, 0xf60000]
ITS_REG = [0, 0x08080000, 0, 0x20000]
UART_REG = [0, 0x09000000, 0, 0x1000]
RTC_REG = [0, 0x09010000, 0, 0x1000]
# <PPI n level-high> for the secure, non-secure, virtual and hyp timers.
TIMER_IRQS = [1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4]


class VirtTestCase(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='virt-')
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def args(self, machine_opts='', *extra):
        return (['-M', 'virt' + machine_opts, '-accel', default_accel(),
                 '-nodefaults', '-display', 'none'] + list(extra))

    def dump(self, machine_opts='', *extra):
        """Run with dumpdtb and return the parsed tree."""
        return dump_dtb(self, self.tmp, machine_opts, extra)

    def phandle(self, dt, path):
        return dt[path]['phandle'][0]


class DeviceTreeTest(VirtTestCase):

    def test_default_board(self):
        dt = self.dump()
        root = dt['/']
        self.assertEqual(root['compatible'], ['linux,dummy-virt'])
        self.assertEqual(root['#address-cells'], [2])
        self.assertEqual(root['#size-cells'], [2])
        self.assertEqual(root['interrupt-parent'],
                         [self.phandle(dt, '/intc@8000000')])

        # Default RAM: 128 MiB at 1 GiB.
        mem = dt['/memory@40000000']
        self.assertEqual(mem['device_type'], ['memory'])
        self.assertEqual(mem['reg'], [0, 0x40000000, 0, 128 << 20])

        self.assertEqual(dt['/chosen']['stdout-path'], ['/pl011@9000000'])
        self.assertEqual(dt['/aliases']['serial0'], ['/pl011@9000000'])

        clk = dt['/apb-pclk']
        self.assertEqual(clk['compatible'], ['fixed-clock'])
        self.assertEqual(clk['clock-frequency'], [24000000])
        self.assertEqual(clk['#clock-cells'], [0])

        cpus = [p for p in dt if re.fullmatch(r'/cpus/cpu@\d+', p)]
        self.assertEqual(cpus, ['/cpus/cpu@0'])
        cpu = dt['/cpus/cpu@0']
        self.assertEqual(cpu['compatible'], ['arm,arm-v8'])
        self.assertEqual(cpu['device_type'], ['cpu'])
        self.assertEqual(cpu['reg'], [0])
        # QEMU gives a lone CPU no enable method.
        self.assertNotIn('enable-method', cpu)

        psci = dt['/psci']
        self.assertEqual(psci['compatible'],
                         ['arm,psci-1.0', 'arm,psci-0.2', 'arm,psci'])
        self.assertEqual(psci['method'], ['hvc'])
        self.assertEqual(psci['cpu_suspend'], [0xc4000001])
        self.assertEqual(psci['cpu_off'], [0x84000002])
        self.assertEqual(psci['cpu_on'], [0xc4000003])
        self.assertEqual(psci['migrate'], [0xc4000005])

        timer = dt['/timer']
        self.assertEqual(timer['compatible'],
                         ['arm,armv8-timer', 'arm,armv7-timer'])
        self.assertIs(timer['always-on'], True)
        self.assertEqual(timer['interrupts'], TIMER_IRQS)

        gic = dt['/intc@8000000']
        self.assertEqual(gic['compatible'], ['arm,gic-v3'])
        self.assertEqual(gic['reg'], GIC_REG)
        self.assertEqual(gic['#interrupt-cells'], [3])
        self.assertIs(gic['interrupt-controller'], True)
        self.assertEqual(gic['#redistributor-regions'], [1])

        its = dt['/intc@8000000/its@8080000']
        self.assertEqual(its['compatible'], ['arm,gic-v3-its'])
        self.assertIs(its['msi-controller'], True)
        self.assertEqual(its['#msi-cells'], [1])
        self.assertEqual(its['reg'], ITS_REG)
        self.assertNotEqual(its['phandle'], gic['phandle'])

        clk_ph = self.phandle(dt, '/apb-pclk')
        uart = dt['/pl011@9000000']
        self.assertEqual(uart['compatible'], ['arm,pl011', 'arm,primecell'])
        self.assertEqual(uart['reg'], UART_REG)
        self.assertEqual(uart['interrupts'], [0, 1, 4])
        self.assertEqual(uart['clocks'], [clk_ph, clk_ph])
        self.assertEqual(uart['clock-names'], ['uartclk', 'apb_pclk'])

        rtc = dt['/pl031@9010000']
        self.assertEqual(rtc['compatible'], ['arm,pl031', 'arm,primecell'])
        self.assertEqual(rtc['reg'], RTC_REG)
        self.assertEqual(rtc['interrupts'], [0, 2, 4])
        self.assertEqual(rtc['clocks'], [clk_ph])
        self.assertEqual(rtc['clock-names'], ['apb_pclk'])

        # Phandles are unique.
        handles = [n['phandle'][0] for n in dt.values() if 'phandle' in n]
        self.assertEqual(len(handles), len(set(handles)))

    def test_memory_and_cpus(self):
        dt = self.dump('', '-m', '1G', '-smp', '2')
        self.assertEqual(dt['/memory@40000000']['reg'],
                         [0, 0x40000000, 0, 0x40000000])
        cpus = sorted(p for p in dt if re.fullmatch(r'/cpus/cpu@\d+', p))
        self.assertEqual(cpus, ['/cpus/cpu@0', '/cpus/cpu@1'])
        for i, path in enumerate(cpus):
            self.assertEqual(dt[path]['reg'], [i])
            self.assertEqual(dt[path]['enable-method'], ['psci'])
            core = '/cpus/cpu-map/socket0/cluster0/core%d' % i
            self.assertEqual(dt[core]['cpu'], [self.phandle(dt, path)])

    def test_mpidr_clusters(self):
        # 16 CPUs per affinity-1 cluster: CPU 17 is MPIDR 0x101.
        dt = self.dump('', '-smp', '18')
        self.assertEqual(dt['/cpus/cpu@15']['reg'], [0xf])
        self.assertEqual(dt['/cpus/cpu@16']['reg'], [0x100])
        self.assertEqual(dt['/cpus/cpu@17']['reg'], [0x101])

    def test_highmem_off_largest(self):
        dt = self.dump(',highmem=off', '-m', '3G')
        self.assertEqual(dt['/memory@40000000']['reg'],
                         [0, 0x40000000, 0, 0xc0000000])


class BadConfigTest(VirtTestCase):

    def run_fails(self, args, message, prefix_only=False):
        """Exit status 1 and a first stderr line of PROG: message (or
        starting with it)."""
        code, out, err = run_cli(args)
        self.assertEqual(code, 1, 'stderr: %s' % err)
        first = err.splitlines()[0] if err else ''
        want = '%s: %s' % (PROG, message)
        if prefix_only:
            self.assertTrue(first.startswith(want),
                            '%r does not start with %r' % (first, want))
        else:
            self.assertEqual(first, want)
        return err

    def test_too_much_ram_highmem_off(self):
        dtb = os.path.join(self.tmp, 'never.dtb')
        err = self.run_fails(self.args(',highmem=off,dumpdtb=' + dtb,
                                       '-m', '4G'),
                             'Addressing limited to 32 bits, but memory '
                             'exceeds it by 1073741824 bytes')
        self.assertIn('at most 3 GiB of RAM fits', err)
        self.assertFalse(os.path.exists(dtb))

    def test_too_many_cpus(self):
        dtb = os.path.join(self.tmp, 'never.dtb')
        self.run_fails(self.args(',dumpdtb=' + dtb, '-smp', '124'),
                       "Number of SMP CPUs requested (124) exceeds max CPUs "
                       "supported by machine 'mach-virt' (123)")
        self.assertFalse(os.path.exists(dtb))

    def test_dumpdtb_unwritable(self):
        dtb = os.path.join(self.tmp, 'no-such-dir', 'virt.dtb')
        err = self.run_fails(self.args(',dumpdtb=' + dtb),
                             'Error saving FDT to file %s: ' % dtb,
                             prefix_only=True)
        # GLib's reason follows: the directory does not exist.
        self.assertIn('No such file or directory', err)
        self.assertFalse(os.path.exists(dtb))

    def test_device_failure_unwinds(self):
        # The UART fails to realize after RAM, GIC and ITS were built:
        # the board is torn down and the process reports the error.
        dtb = os.path.join(self.tmp, 'never.dtb')
        code, out, err = run_cli(self.args(',dumpdtb=' + dtb, '-global',
                                           'pl011.chardev=nope'))
        self.assertEqual(code, 1, 'stderr: %s' % err)
        self.assertTrue(err.startswith(PROG + ': '), err)
        self.assertIn('nope', err)
        self.assertFalse(os.path.exists(dtb))


class QomPathTest(unittest.TestCase):

    def test_board_devices(self):
        with VM() as vm:
            children = {p['name']: p['type']
                        for p in vm.cmd('qom-list', path='/machine')}
            self.assertEqual(children.get('gic'), 'child<arm-gicv3>')
            self.assertEqual(children.get('its'), 'child<arm-gicv3-its>')
            self.assertEqual(children.get('uart0'), 'child<pl011>')
            self.assertEqual(children.get('rtc'), 'child<pl031>')
            self.assertEqual(vm.cmd('qom-get', path='/machine/gic',
                                    property='num-irq'), 288)
            self.assertEqual(vm.cmd('qom-get', path='/machine/gic',
                                    property='num-cpu'), 1)
            self.assertEqual(vm.cmd('qom-get', path='/machine/its',
                                    property='parent-gicv3'),
                             '/machine/gic')
            # No -serial: no chardev (an empty string, as in QEMU).
            self.assertEqual(vm.cmd('qom-get', path='/machine/uart0',
                                    property='chardev'), '')

    def test_serial_and_smp(self):
        with VM('-serial', 'null', '-smp', '3') as vm:
            self.assertEqual(vm.cmd('qom-get', path='/machine/uart0',
                                    property='chardev'), 'serial0')
            self.assertEqual(vm.cmd('qom-get', path='/machine/gic',
                                    property='num-cpu'), 3)


if __name__ == '__main__':
    unittest.main()
