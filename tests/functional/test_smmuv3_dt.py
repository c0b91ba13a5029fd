# SPDX-License-Identifier: GPL-2.0-or-later
#
# The arm-smmuv3 as users create it and as the guest's device tree
# describes it (docs/system/arm-smmuv3.rst): "-M virt,iommu=smmuv3" puts
# one at 0x09050000 with SPIs 74..77 in front of pcie.0, its node laid
# out as QEMU 10.0 writes it (plus msi-parent); "-device arm-smmuv3,
# primary-bus=BUS" takes 0x20000-byte slots of the platform bus window
# and four SPIs each from 112 on, one per root complex, and each root
# complex's iommu-map points at its own SMMU over its own requester IDs.
# Also the refusals (two SMMUs on one root complex, a bus that is not a
# root complex, mixing with iommu=smmuv3, bad properties) and the
# read-only QOM counters.
#
# Needs dtc (device-tree-compiler) for the device tree checks; they are
# skipped with a message when it is missing.

import shutil
import tempfile
import unittest

from qemu_test import VM, default_accel, run_cli
from qemu_test.dts import DTC, dump_dtb

PROG = 'qemu-system-aarch64'
PCIE_COMPAT = ['pci-host-ecam-generic']
SMMU_COMPAT = ['arm,smmu-v3']
IRQ_NAMES = ['eventq', 'priq', 'cmdq-sync', 'gerror']
SPI, EDGE = 0, 1

BOARD_BASE = 0x09050000
BOARD_SPI = 74
PLATFORM_BASE = 0x0c000000
PLATFORM_SPI = 112
SMMU_SIZE = 0x20000
MSI_DEVID = 0x10000


def irqs(first):
    cells = []
    for n in range(4):
        cells += [SPI, first + n, EDGE]
    return cells


class SmmuDtTest(unittest.TestCase):

    def setUp(self):
        if not DTC:
            self.skipTest('dtc (device-tree-compiler) is not installed')
        self.tmp = tempfile.mkdtemp(prefix='smmuv3-dt-')
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def dump(self, machine_opts='', *extra):
        return dump_dtb(self, self.tmp, machine_opts, extra)

    def its(self, dt):
        return dt['/intc@8000000/its@8080000']['phandle'][0]

    def bridges(self, dt):
        """Host bridge nodes by their first bus number."""
        return {node['bus-range'][0]: node for node in dt.values()
                if node.get('compatible') == PCIE_COMPAT}

    def smmus(self, dt):
        return {path: node for path, node in dt.items()
                if node.get('compatible') == SMMU_COMPAT}

    def check_smmu(self, dt, base, spi, devid, msi=True):
        """The node at base: QEMU 10.0's properties, msi-parent when MSIs
        are on.  Returns its phandle."""
        path = '/smmuv3@%x' % base
        self.assertIn(path, dt)
        node = dt[path]
        expect = {
            'compatible': SMMU_COMPAT,
            'reg': [0, base, 0, SMMU_SIZE],
            'interrupts': irqs(spi),
            'interrupt-names': IRQ_NAMES,
            'dma-coherent': True,
            '#iommu-cells': [1],
        }
        if msi:
            expect['msi-parent'] = [self.its(dt), devid]
        phandle = node.get('phandle')
        self.assertIsNotNone(phandle, path)
        self.assertEqual(dict(node, phandle=None),
                         dict(expect, phandle=None), path)
        return phandle[0]

    def test_board_smmu(self):
        dt = self.dump(',iommu=smmuv3')
        self.assertEqual(list(self.smmus(dt)), ['/smmuv3@9050000'])
        ph = self.check_smmu(dt, BOARD_BASE, BOARD_SPI, MSI_DEVID)
        # QEMU numbers it after the ITS: clock, CPU, GIC, ITS, SMMU.
        self.assertEqual(ph, 0x8004)
        # One root complex: every requester ID goes to the SMMU as is.
        self.assertEqual(self.bridges(dt)[0]['iommu-map'],
                         [0, ph, 0, 0x10000])
        handles = [n['phandle'][0] for n in dt.values() if 'phandle' in n]
        self.assertEqual(len(handles), len(set(handles)))

    def test_board_smmu_without_msi(self):
        dt = self.dump(',iommu=smmuv3', '-global', 'arm-smmuv3.msi=off')
        self.check_smmu(dt, BOARD_BASE, BOARD_SPI, MSI_DEVID, msi=False)

    def test_no_smmu(self):
        dt = self.dump()
        self.assertEqual(self.smmus(dt), {})
        self.assertNotIn('iommu-map', self.bridges(dt)[0])

    def test_pluggable_on_pcie0(self):
        dt = self.dump('', '-device', 'arm-smmuv3,primary-bus=pcie.0')
        ph = self.check_smmu(dt, PLATFORM_BASE, PLATFORM_SPI, MSI_DEVID + 1)
        self.assertEqual(self.bridges(dt)[0]['iommu-map'],
                         [0, ph, 0, 0x10000])

    def test_one_smmu_per_root_complex(self):
        dt = self.dump('',
                       '-device', 'pxb-pcie,bus=pcie.0,bus_nr=0x40,id=pcie.1',
                       '-device', 'pxb-pcie,bus=pcie.0,bus_nr=0x80,id=pcie.2',
                       '-device', 'pcie-root-port,bus=pcie.2,id=rp,chassis=1',
                       '-device', 'edu,bus=rp',
                       '-device', 'arm-smmuv3,primary-bus=pcie.2,id=s2',
                       '-device', 'arm-smmuv3,primary-bus=pcie.0,id=s0,'
                       'stage=1',
                       '-device', 'arm-smmuv3,primary-bus=pcie.1,id=s1,'
                       'msi=off')
        self.assertEqual(len(self.smmus(dt)), 3)
        # Slots and SPIs in -device order; DeviceID 0x10000 + slot.
        ph2 = self.check_smmu(dt, PLATFORM_BASE, PLATFORM_SPI,
                              MSI_DEVID + 1)
        ph0 = self.check_smmu(dt, PLATFORM_BASE + SMMU_SIZE,
                              PLATFORM_SPI + 4, MSI_DEVID + 2)
        ph1 = self.check_smmu(dt, PLATFORM_BASE + 2 * SMMU_SIZE,
                              PLATFORM_SPI + 8, MSI_DEVID + 3, msi=False)
        self.assertEqual(len({ph0, ph1, ph2}), 3)
        nodes = self.bridges(dt)
        self.assertEqual(sorted(nodes), [0, 0x40, 0x80])
        self.assertEqual(nodes[0]['iommu-map'], [0, ph0, 0, 0x4000])
        self.assertEqual(nodes[0x40]['iommu-map'],
                         [0x4000, ph1, 0x4000, 0x4000])
        self.assertEqual(nodes[0x80]['iommu-map'],
                         [0x8000, ph2, 0x8000, 0x8000])
        handles = [n['phandle'][0] for n in dt.values() if 'phandle' in n]
        self.assertEqual(len(handles), len(set(handles)))

    def test_smmu_on_one_of_two(self):
        # The pxb without an SMMU has no iommu-map: its DMA is untranslated.
        dt = self.dump('',
                       '-device', 'pxb-pcie,bus=pcie.0,bus_nr=0x80,id=pcie.1',
                       '-device', 'arm-smmuv3,primary-bus=pcie.1')
        ph = self.check_smmu(dt, PLATFORM_BASE, PLATFORM_SPI, MSI_DEVID + 1)
        nodes = self.bridges(dt)
        self.assertNotIn('iommu-map', nodes[0])
        self.assertEqual(nodes[0x80]['iommu-map'],
                         [0x8000, ph, 0x8000, 0x8000])


class SmmuErrorTest(unittest.TestCase):

    def run_fails(self, machine, args, option, message):
        argv = ['-M', machine, '-accel', default_accel(), '-nodefaults',
                '-display', 'none'] + args
        code, out, err = run_cli(argv)
        self.assertEqual(code, 1, 'stderr: %s' % err)
        self.assertEqual(err.splitlines()[0],
                         '%s: %s: %s' % (PROG, option, message))

    def run_device_fails(self, devices, message, machine='virt'):
        args = []
        for d in devices:
            args += ['-device', d]
        self.run_fails(machine, args, '-device ' + devices[-1], message)

    def test_two_on_one_root_complex(self):
        self.run_device_fails(
            ['arm-smmuv3,primary-bus=pcie.0,id=a',
             'arm-smmuv3,primary-bus=pcie.0,id=b'],
            "Bus 'pcie.0' already has an IOMMU (arm-smmuv3 'a'): one SMMU "
            "per root complex")
        self.run_device_fails(
            ['pxb-pcie,bus=pcie.0,bus_nr=0x80,id=pcie.1',
             'arm-smmuv3,primary-bus=pcie.1',
             'arm-smmuv3,primary-bus=pcie.1'],
            "Bus 'pcie.1' already has an IOMMU (arm-smmuv3 "
            "/machine/peripheral-anon/device[0]): one SMMU per root complex")

    def test_not_a_root_complex(self):
        self.run_device_fails(
            ['pcie-root-port,bus=pcie.0,id=rp,chassis=1',
             'arm-smmuv3,primary-bus=rp'],
            "Bus 'rp' is not a PCI root complex: it must be pcie.0 or "
            "a pxb-pcie's bus")
        self.run_device_fails(['arm-smmuv3,primary-bus=nope'],
                              "Bus 'nope' not found")
        self.run_device_fails(
            ['arm-smmuv3'],
            'primary-bus is required: name the PCI root complex the SMMU '
            'translates (pcie.0 or a pxb-pcie bus)')

    def test_with_board_smmu(self):
        self.run_device_fails(
            ['arm-smmuv3,primary-bus=pcie.0'],
            '-device arm-smmuv3 cannot be combined with -machine '
            'virt,iommu=smmuv3, which already puts an SMMU on pcie.0',
            machine='virt,iommu=smmuv3')
        # Even on another root complex.
        self.run_device_fails(
            ['pxb-pcie,bus=pcie.0,bus_nr=0x80,id=pcie.1',
             'arm-smmuv3,primary-bus=pcie.1'],
            '-device arm-smmuv3 cannot be combined with -machine '
            'virt,iommu=smmuv3, which already puts an SMMU on pcie.0',
            machine='virt,iommu=smmuv3')

    def test_bad_properties(self):
        self.run_device_fails(['arm-smmuv3,primary-bus=pcie.0,stage=3'],
                              'stage=3 is not supported: use 1, 2 or nested')
        self.run_device_fails(['arm-smmuv3,primary-bus=pcie.0,oas=40'],
                              'oas=40 is not supported: use 44 or 48')
        self.run_device_fails(['arm-smmuv3,primary-bus=pcie.0,ssidsize=21'],
                              'ssidsize=21 is out of range: the architecture '
                              'allows 0 (no substreams) to 20')
        # The board's SMMU takes -global like QEMU's.
        code, out, err = run_cli(['-M', 'virt,iommu=smmuv3', '-accel',
                                  default_accel(), '-nodefaults',
                                  '-display', 'none', '-global',
                                  'arm-smmuv3.oas=52'])
        self.assertEqual(code, 1, 'stderr: %s' % err)
        self.assertIn('oas=52 is not supported: use 44 or 48', err)


class SmmuQomTest(unittest.TestCase):

    def test_board_path_and_counters(self):
        with VM(machine='virt,iommu=smmuv3') as vm:
            children = {p['name']: p['type']
                        for p in vm.cmd('qom-list', path='/machine')}
            self.assertEqual(children.get('smmuv3'), 'child<arm-smmuv3>')
            path = '/machine/smmuv3'
            self.assertEqual(vm.cmd('qom-get', path=path,
                                    property='primary-bus'), 'pcie.0')
            self.assertEqual(vm.cmd('qom-get', path=path,
                                    property='stage'), 'nested')
            for prop in ('x-iotlb-hits', 'x-iotlb-misses', 'x-iotlb-entries',
                         'x-config-hits', 'x-config-misses',
                         'x-events-recorded', 'x-events-lost'):
                self.assertEqual(vm.cmd('qom-get', path=path,
                                        property=prop), 0, prop)


if __name__ == '__main__':
    unittest.main()
