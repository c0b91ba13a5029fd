# SPDX-License-Identifier: GPL-2.0-or-later
#
# query-pci on the virt machine, in QEMU's format (qapi/pci.json): the
# gpex host bridge's pcie.0 with its own function at 00.0 and the devices
# given with -device (edu at automatic and explicit addresses, a
# multifunction slot, a pcie-root-port and a pxb-pcie with a root port
# of its own), each with class, IDs, interrupt pin, qdev id and BARs as
# a guest that has not run yet leaves them (unassigned: address -1).
# The pxb-pcie's bus is a root bus of its own and, as in QEMU, is listed
# before pcie.0.  Placement errors on the command line are QEMU's.

import unittest

from qemu_test import VM, default_accel, run_cli

PROG = 'qemu-system-aarch64'

HOST_BRIDGE = {
    'bus': 0, 'slot': 0, 'function': 0,
    'class_info': {'desc': 'Host bridge', 'class': 0x0600},
    'id': {'device': 0x0008, 'vendor': 0x1b36,
           'subsystem': 0x1100, 'subsystem-vendor': 0x1af4},
    'irq_pin': 0, 'qdev_id': '', 'regions': [],
}

# edu: 1 MiB 32-bit BAR 0, INTA, class 0x00ff (QEMU's PCI_CLASS_OTHERS).
EDU_REGIONS = [{'bar': 0, 'type': 'memory', 'address': -1,
                'size': 0x100000, 'prefetch': False,
                'mem_type_64': False}]


def edu(slot, function=0, qdev_id='', bus=0):
    return {
        'bus': bus, 'slot': slot, 'function': function,
        'class_info': {'class': 0x00ff},
        'id': {'device': 0x11e8, 'vendor': 0x1234,
               'subsystem': 0x1100, 'subsystem-vendor': 0x1af4},
        'irq': 0, 'irq_pin': 1, 'qdev_id': qdev_id,
        'regions': EDU_REGIONS,
    }


# A root port after reset: bus numbers 0, and its windows closed the way
# QEMU's pcie-root-port closes them (base above limit).
UNPROGRAMMED_BRIDGE_BUS = {
    'number': 0, 'secondary': 0, 'subordinate': 0,
    'io_range': {'base': 0xf000, 'limit': 0xfff},
    'memory_range': {'base': 0xfff00000, 'limit': 0xfffff},
    'prefetchable_range': {'base': 0xfff00000, 'limit': 0xfffff},
}


def by_slot(devices):
    return {(d['slot'], d['function']): d for d in devices}


class QueryPciTest(unittest.TestCase):

    def test_edu(self):
        with VM('-device', 'edu,id=e1') as vm:
            ret = vm.cmd('query-pci')
            self.assertEqual(len(ret), 1)
            self.assertEqual(ret[0]['bus'], 0)
            self.assertEqual(ret[0]['devices'], [HOST_BRIDGE,
                                                 edu(1, qdev_id='e1')])

    def test_member_order(self):
        # QEMU's QAPI visitor emits members in schema order.
        with VM('-device', 'edu,id=e1') as vm:
            dev = vm.cmd('query-pci')[0]['devices'][1]
            self.assertEqual(list(dev), ['bus', 'slot', 'function',
                                         'class_info', 'id', 'irq',
                                         'irq_pin', 'qdev_id', 'regions'])
            self.assertEqual(list(dev['regions'][0]),
                             ['bar', 'type', 'address', 'size', 'prefetch',
                              'mem_type_64'])

    def test_addresses(self):
        with VM('-device', 'edu,id=e2,addr=0x5',
                '-device', 'edu,id=e3,addr=06.0,multifunction=on',
                '-device', 'edu,id=e4,addr=06.1',
                '-device', 'edu') as vm:
            devices = vm.cmd('query-pci')[0]['devices']
            self.assertEqual([(d['slot'], d['function'], d['qdev_id'])
                              for d in devices],
                             [(0, 0, ''), (1, 0, ''), (5, 0, 'e2'),
                              (6, 0, 'e3'), (6, 1, 'e4')])
            self.assertEqual(devices[3], edu(6, 0, 'e3'))
            self.assertEqual(devices[4], edu(6, 1, 'e4'))

    def test_root_port_and_pxb(self):
        with VM('-device', 'pxb-pcie,bus_nr=128,id=pxb1,bus=pcie.0,addr=3',
                '-device', 'pcie-root-port,id=rp1,chassis=1,bus=pcie.0,addr=4',
                '-device', 'edu,bus=rp1,id=e5',
                '-device', 'pcie-root-port,id=rp2,bus=pxb1,chassis=2') as vm:
            ret = vm.cmd('query-pci')
            # Newest host bridge first, as QEMU lists them.
            self.assertEqual([b['bus'] for b in ret], [128, 0])

            pcie0 = by_slot(ret[1]['devices'])
            self.assertEqual(sorted(pcie0), [(0, 0), (3, 0), (4, 0)])
            pxb = pcie0[(3, 0)]
            self.assertEqual(pxb['class_info'],
                             {'desc': 'Host bridge', 'class': 0x0600})
            self.assertEqual(pxb['id']['vendor'], 0x1b36)
            self.assertEqual(pxb['id']['device'], 0x000b)
            self.assertEqual(pxb['qdev_id'], 'pxb1')

            rp1 = pcie0[(4, 0)]
            self.assertEqual(rp1['class_info'],
                             {'desc': 'PCI bridge', 'class': 0x0604})
            self.assertEqual(rp1['id'], {'device': 0x000c, 'vendor': 0x1b36})
            self.assertEqual(rp1['qdev_id'], 'rp1')
            # Not numbered by a guest yet: no devices listed below it.
            self.assertEqual(rp1['pci_bridge'],
                             {'bus': UNPROGRAMMED_BRIDGE_BUS})
            # The MSI-X table lives in an exclusive 4 KiB BAR 0.
            self.assertEqual(rp1['regions'],
                             [{'bar': 0, 'type': 'memory', 'address': -1,
                               'size': 4096, 'prefetch': False,
                               'mem_type_64': False}])

            self.assertEqual(len(ret[0]['devices']), 1)
            rp2 = ret[0]['devices'][0]
            self.assertEqual((rp2['bus'], rp2['slot'], rp2['function']),
                             (128, 0, 0))
            self.assertEqual(rp2['qdev_id'], 'rp2')
            self.assertIn('pci_bridge', rp2)

    def test_non_zero_slot_below_root_port(self):
        # Only device 0 exists below a port, but QEMU 10 takes a function
        # at another slot anyway: silently for a conventional one (edu),
        # with a warning for a PCI Express one (a root port).
        with VM('-device', 'pcie-root-port,id=rp1,chassis=1',
                '-device', 'edu,bus=rp1,addr=2,id=e9',
                '-device', 'pcie-root-port,id=rp2,chassis=2,bus=rp1,addr=3'
                ) as vm:
            self.assertEqual(vm.cmd('qom-get', path='/machine/peripheral/e9',
                                    property='addr'), 0x10)
            self.assertEqual(vm.cmd('qom-get', path='/machine/peripheral/rp2',
                                    property='addr'), 0x18)
            vm.shutdown()
            err = vm.get_stderr()
            self.assertNotIn('slot 2 is not valid', err)
            self.assertIn('-device pcie-root-port,id=rp2,chassis=2,bus=rp1,'
                          'addr=3: warning: PCI: slot 3 is not valid for '
                          'pcie-root-port, parent device only allows '
                          'plugging into slot 0.', err)

    def test_hotplugged_device_listed(self):
        with VM() as vm:
            self.assertEqual(vm.cmd('query-pci')[0]['devices'],
                             [HOST_BRIDGE])
            # pcie.0 takes no hotplug; the list is unchanged.
            reply = vm.qmp('device_add', driver='edu', id='h1')
            self.assertEqual(reply['error']['desc'],
                             "Bus 'pcie.0' does not support hotplugging")
            self.assertEqual(vm.cmd('query-pci')[0]['devices'],
                             [HOST_BRIDGE])


class PlacementErrorTest(unittest.TestCase):

    def run_error(self, devices, expected):
        args = ['-M', 'virt', '-accel', default_accel(), '-display', 'none',
                '-nodefaults']
        for d in devices:
            args += ['-device', d]
        code, out, err = run_cli(args)
        self.assertEqual(err, '%s: -device %s: %s\n'
                         % (PROG, devices[-1], expected))
        self.assertEqual(code, 1)

    def test_slot_busy(self):
        self.run_error(['edu,id=a', 'edu,addr=0x1'],
                       'PCI: slot 1 function 0 not available for edu, in '
                       'use by edu,id=a')

    def test_host_bridge_slot(self):
        self.run_error(['edu,addr=0'],
                       'PCI: slot 0 function 0 not available for edu, in '
                       'use by gpex-root,id=(null)')

    def test_bad_addr(self):
        self.run_error(['edu,addr=20'],
                       "Property 'edu.addr' doesn't take value '20'")
        self.run_error(['edu,addr=3.8'],
                       "Property 'edu.addr' doesn't take value '3.8'")

    def test_single_function(self):
        self.run_error(['edu,addr=4', 'edu,addr=4.1'],
                       "PCI: single function device can't be populated in "
                       "function 4.1")


    def test_pxb_takes_bridges_only(self):
        self.run_error(['pxb-pcie,bus_nr=64,id=pxb1', 'edu,bus=pxb1'],
                       'PCI: Only PCI/PCIe bridges can be plugged into '
                       'pxb-pcie')


if __name__ == '__main__':
    unittest.main()
