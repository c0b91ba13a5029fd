# SPDX-License-Identifier: GPL-2.0-or-later
#
# The PCI Express root complexes as the guest's device tree describes them
# (docs/system/pcie.rst): "-M virt,dumpdtb=FILE" must have one
# pci-host-ecam-generic node per root complex -- pcie.0 alone exactly as
# QEMU 10.0 writes it; with pxb-pcie devices, bus ranges split at each
# bus_nr, each node's "reg" the ECAM slice of its buses, PCI domains
# numbered in bus order, windows ("ranges") that do not overlap, msi-map
# to the ITS over the node's requester IDs, and an iommu-map where an
# x-pci-test-iommu translates that root complex.  Also the QOM path of
# the host bridge and the hotplug refusals QEMU gives for pcie.0 and
# pxb-pcie.
#
# Needs dtc (device-tree-compiler) for the device tree checks; they are
# skipped with a message when it is missing.

import shutil
import tempfile
import unittest

from qemu_test import VM, QMPError, default_accel, run_cli
from qemu_test.dts import DTC, dump_dtb

PROG = 'qemu-system-aarch64'
COMPAT = ['pci-host-ecam-generic']
PCIE0 = '/pcie@10000000'
SPI_PCIE = 3

# QEMU 10.0's windows: I/O at 0x3eff0000, 32-bit MMIO, 512 GiB high MMIO.
PIO = (0x3eff0000, 0x10000)
MMIO = (0x10000000, 0x2eff0000)
MMIO64 = (0x8000000000, 0x8000000000)
SPACE_IO, SPACE_MMIO, SPACE_MMIO64 = 0x01000000, 0x02000000, 0x03000000


def cells64(value):
    return [value >> 32, value & 0xffffffff]


def irq_map(gic):
    """The 4x4 slot/pin swizzle onto SPIs 3..6, as QEMU writes it."""
    cells = []
    for slot in range(4):
        for pin in range(1, 5):
            cells += [slot << 11, 0, 0, pin, gic, 0, 0,
                      0, SPI_PCIE + (pin - 1 + slot) % 4, 4]
    return cells


def ranges_of(node):
    """{space code: (pci address, cpu address, size)} of a node."""
    cells = node['ranges']
    out = {}
    for i in range(0, len(cells), 7):
        e = cells[i:i + 7]
        out[e[0]] = ((e[1] << 32 | e[2]), (e[3] << 32 | e[4]),
                     (e[5] << 32 | e[6]))
    return out


class PcieDtTest(unittest.TestCase):

    def setUp(self):
        if not DTC:
            self.skipTest('dtc (device-tree-compiler) is not installed')
        self.tmp = tempfile.mkdtemp(prefix='pcie-dt-')
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def dump(self, machine_opts='', *devices):
        extra = []
        for d in devices:
            extra += ['-device', d]
        return dump_dtb(self, self.tmp, machine_opts, extra)

    def bridges(self, dt):
        """Host bridge nodes by PCI domain."""
        nodes = {}
        for path, node in dt.items():
            if node.get('compatible') == COMPAT:
                domain = node['linux,pci-domain'][0]
                self.assertNotIn(domain, nodes)
                nodes[domain] = (path, node)
        return nodes

    def its(self, dt):
        return dt['/intc@8000000/its@8080000']['phandle'][0]

    def gic(self, dt):
        return dt['/intc@8000000']['phandle'][0]

    def check_common(self, dt, node):
        self.assertEqual(node['device_type'], ['pci'])
        self.assertEqual(node['#address-cells'], [3])
        self.assertEqual(node['#size-cells'], [2])
        self.assertIs(node['dma-coherent'], True)
        self.assertEqual(node['#interrupt-cells'], [1])
        self.assertEqual(node['interrupt-map-mask'], [0x1800, 0, 0, 7])
        self.assertEqual(node['interrupt-map'], irq_map(self.gic(dt)))

    def check_split(self, nodes, ecam_base, ecam_buses):
        """Bus ranges tile the ECAM buses in domain order; reg, msi-map
        and the windows follow; no two nodes share a window byte."""
        expect_first = 0
        seen = {SPACE_IO: [], SPACE_MMIO: [], SPACE_MMIO64: []}
        for domain in sorted(nodes):
            path, node = nodes[domain]
            first, last = node['bus-range']
            self.assertEqual(first, expect_first, path)
            self.assertLessEqual(first, last)
            expect_first = last + 1
            self.assertEqual(node['reg'],
                             cells64(ecam_base + (first << 20)) +
                             cells64((last - first + 1) << 20))
            rid_end = (nodes[domain + 1][1]['bus-range'][0] << 8
                       if domain + 1 in nodes else 0x10000)
            self.assertEqual(node['msi-map'],
                             [first << 8, self.msi, first << 8,
                              rid_end - (first << 8)])
            for space, (pci, cpu, size) in ranges_of(node).items():
                if space == SPACE_IO:
                    self.assertEqual(cpu, PIO[0] + pci)
                    lo, hi = 0, PIO[1]
                else:
                    self.assertEqual(cpu, pci)
                    base, length = MMIO if space == SPACE_MMIO else MMIO64
                    lo, hi = base, base + length
                self.assertGreater(size, 0)
                self.assertGreaterEqual(pci, lo)
                self.assertLessEqual(pci + size, hi)
                for other in seen[space]:
                    self.assertTrue(pci + size <= other[0] or
                                    other[0] + other[1] <= pci,
                                    '%s overlaps in space %x' % (path, space))
                seen[space].append((pci, size))
        self.assertEqual(expect_first, ecam_buses)

    def test_pcie0_as_qemu(self):
        dt = self.dump()
        nodes = self.bridges(dt)
        self.assertEqual(list(nodes), [0])
        path, node = nodes[0]
        self.assertEqual(path, PCIE0)
        self.check_common(dt, node)
        self.assertEqual(node['bus-range'], [0, 0xff])
        self.assertEqual(node['reg'], [0x40, 0x10000000, 0, 0x10000000])
        self.assertEqual(node['msi-map'], [0, self.its(dt), 0, 0x10000])
        self.assertEqual(node['ranges'],
                         [SPACE_IO, 0, 0, 0, PIO[0], 0, PIO[1],
                          SPACE_MMIO, 0, MMIO[0], 0, MMIO[0], 0, MMIO[1],
                          SPACE_MMIO64, 0x80, 0, 0x80, 0, 0x80, 0])
        self.assertNotIn('iommu-map', node)

    def test_pcie0_low_ecam(self):
        # 16 buses below 1 GiB; QEMU keeps msi-map over all requester IDs.
        dt = self.dump(',highmem-ecam=off')
        path, node = self.bridges(dt)[0]
        self.assertEqual(node['bus-range'], [0, 0xf])
        self.assertEqual(node['reg'], [0, 0x3f000000, 0, 0x1000000])
        self.assertEqual(node['msi-map'], [0, self.its(dt), 0, 0x10000])

    def test_highmem_off_no_mmio64(self):
        dt = self.dump(',highmem=off',
                       'pxb-pcie,bus=pcie.0,bus_nr=8,id=pcie.1')
        nodes = self.bridges(dt)
        self.msi = self.its(dt)
        self.check_split(nodes, 0x3f000000, 16)
        for _, node in nodes.values():
            self.assertNotIn(SPACE_MMIO64, ranges_of(node))

    def test_one_pxb(self):
        dt = self.dump('', 'pxb-pcie,bus=pcie.0,bus_nr=0x80,id=pcie.1')
        nodes = self.bridges(dt)
        self.assertEqual(sorted(nodes), [0, 1])
        self.msi = self.its(dt)
        self.check_split(nodes, 0x4010000000, 256)
        path0, pcie0 = nodes[0]
        path1, pxb = nodes[1]
        self.assertEqual(path0, PCIE0)
        self.assertEqual(pcie0['bus-range'], [0, 0x7f])
        self.assertEqual(pxb['bus-range'], [0x80, 0xff])
        self.assertEqual(pxb['reg'], [0x40, 0x18000000, 0, 0x08000000])
        self.assertEqual(pxb['msi-map'],
                         [0x8000, self.msi, 0x8000, 0x8000])
        for node in (pcie0, pxb):
            self.check_common(dt, node)
        # The node is named after its 32-bit window, as pcie.0's.
        self.assertEqual(path1,
                         '/pcie@%x' % ranges_of(pxb)[SPACE_MMIO][0])

    def test_pxbs_in_bus_order(self):
        # Given out of order: domains follow the bus numbers.
        dt = self.dump('', 'pxb-pcie,bus=pcie.0,bus_nr=0xc0,id=pcie.2',
                       'pxb-pcie,bus=pcie.0,bus_nr=0x40,id=pcie.1',
                       'pxb-pcie,bus=pcie.0,bus_nr=0x41,id=pcie.3')
        nodes = self.bridges(dt)
        self.msi = self.its(dt)
        self.assertEqual([nodes[d][1]['bus-range'] for d in sorted(nodes)],
                         [[0, 0x3f], [0x40, 0x40], [0x41, 0xbf],
                          [0xc0, 0xff]])
        self.check_split(nodes, 0x4010000000, 256)

    def test_iommu_maps(self):
        dt = self.dump('', 'pxb-pcie,bus=pcie.0,bus_nr=0x80,id=pcie.1',
                       'x-pci-test-iommu,primary-bus=pcie.1',
                       'pcie-root-port,bus=pcie.1,id=rp1,chassis=1',
                       'edu,bus=rp1')
        nodes = self.bridges(dt)
        iommu = dt['/x-pci-test-iommu-pcie.1']
        self.assertEqual(iommu['compatible'], ['x-pci-test-iommu'])
        self.assertEqual(iommu['#iommu-cells'], [1])
        ph = iommu['phandle'][0]
        self.assertEqual(nodes[1][1]['iommu-map'],
                         [0x8000, ph, 0x8000, 0x8000])
        self.assertNotIn('iommu-map', nodes[0][1])

        # One on each root complex: two phandles, two maps.
        dt = self.dump('', 'pxb-pcie,bus=pcie.0,bus_nr=0x80,id=pcie.1',
                       'x-pci-test-iommu,primary-bus=pcie.1',
                       'x-pci-test-iommu,primary-bus=pcie.0')
        nodes = self.bridges(dt)
        ph0 = dt['/x-pci-test-iommu-pcie.0']['phandle'][0]
        ph1 = dt['/x-pci-test-iommu-pcie.1']['phandle'][0]
        self.assertNotEqual(ph0, ph1)
        self.assertEqual(nodes[0][1]['iommu-map'], [0, ph0, 0, 0x8000])
        self.assertEqual(nodes[1][1]['iommu-map'],
                         [0x8000, ph1, 0x8000, 0x8000])
        handles = [n['phandle'][0] for n in dt.values() if 'phandle' in n]
        self.assertEqual(len(handles), len(set(handles)))


class PcieErrorTest(unittest.TestCase):

    def run_fails(self, devices, message):
        args = ['-M', 'virt,highmem-ecam=off', '-accel', default_accel(),
                '-nodefaults', '-display', 'none']
        for d in devices:
            args += ['-device', d]
        code, out, err = run_cli(args)
        self.assertEqual(code, 1, 'stderr: %s' % err)
        self.assertEqual(err.splitlines()[0],
                         '%s: -device %s: %s' % (PROG, devices[-1], message))

    def test_pxb_errors(self):
        self.run_fails(['pxb-pcie,bus=pcie.0,bus_nr=0x80'],
                       "Bus 128 is beyond the 16 buses the host bridge's "
                       "ECAM window decodes")
        self.run_fails(['pxb-pcie,bus=pcie.0,bus_nr=0'],
                       'Bus 0 is already in use')
        self.run_fails(['pxb-pcie,bus=pcie.0,bus_nr=4,id=pcie.1',
                        'pxb-pcie,bus=pcie.0,bus_nr=4,id=pcie.2'],
                       'Bus 4 is already in use')
        self.run_fails(['x-pci-test-iommu,primary-bus=pcie.1'],
                       "Bus 'pcie.1' not found")


class PcieQomTest(unittest.TestCase):

    def test_host_bridge_and_hotplug(self):
        with VM('-device', 'pxb-pcie,bus=pcie.0,bus_nr=0x80,id=pcie.1') as vm:
            children = {p['name']: p['type']
                        for p in vm.cmd('qom-list', path='/machine')}
            self.assertEqual(children.get('gpex'), 'child<gpex-pcihost>')
            children = {p['name']: p['type']
                        for p in vm.cmd('qom-list', path='/machine/gpex')}
            self.assertEqual(children.get('pcie.0'), 'child<PCIE>')
            self.assertEqual(children.get('gpex_root'), 'child<gpex-root>')
            # As QEMU: neither the root bus nor a pxb-pcie hotplugs.
            with self.assertRaises(QMPError) as cm:
                vm.cmd('device_add', driver='edu', bus='pcie.0', id='e1')
            self.assertEqual(cm.exception.desc,
                             "Bus 'pcie.0' does not support hotplugging")
            # QEMU names the device here; whichever is named, it fails.
            with self.assertRaises(QMPError) as cm:
                vm.cmd('device_add', driver='pxb-pcie', bus='pcie.1',
                       bus_nr=0x90)
            self.assertIn('does not support hotplugging', cm.exception.desc)
            with self.assertRaises(QMPError) as cm:
                vm.cmd('device_del', id='pcie.1')
            self.assertIn('does not support hotplugging', cm.exception.desc)
            names = [p['name']
                     for p in vm.cmd('qom-list', path='/machine/peripheral')]
            self.assertEqual(names.count('pcie.1'), 1)


if __name__ == '__main__':
    unittest.main()
