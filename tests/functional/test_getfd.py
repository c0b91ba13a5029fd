# SPDX-License-Identifier: GPL-2.0-or-later
#
# Passing file descriptors to the monitor: getfd (the fd travels as
# SCM_RIGHTS ancillary data), closefd, and objects that take a named fd
# (fd=NAME, resolved once: the object then owns it).  Besides the QMP
# replies, the tests look at /proc/PID/fd of the emulator to check which
# descriptors it really holds, so a leaked or early-closed fd shows up.
#
# The x-test-object cases need a build with tests enabled; set
# QEMU_TEST_NO_TEST_TYPES=1 to skip them against another QEMU.

import os
import tempfile
import unittest

from qemu_test import VM

NO_TEST_TYPES = os.environ.get('QEMU_TEST_NO_TEST_TYPES') == '1'


def fds_pointing_to(pid, path):
    """Descriptor numbers of process ``pid`` that refer to ``path``."""
    found = []
    fd_dir = '/proc/%d/fd' % pid
    for name in os.listdir(fd_dir):
        try:
            if os.readlink(os.path.join(fd_dir, name)) == path:
                found.append(int(name))
        except OSError:
            pass    # closed meanwhile
    return sorted(found)


class GetfdTestCase(unittest.TestCase):

    def setUp(self):
        self.vm = VM(name=self.id().rsplit('.', 1)[-1])
        self.vm.launch()
        self.pid = self.vm.proc.pid
        tmp = tempfile.NamedTemporaryFile(prefix='getfd-', delete=False)
        tmp.close()
        self.path = os.path.realpath(tmp.name)
        self.fd = os.open(self.path, os.O_RDWR)

    def tearDown(self):
        os.close(self.fd)
        os.unlink(self.path)
        self.vm.shutdown()

    def held(self):
        return fds_pointing_to(self.pid, self.path)

    def assertError(self, reply, desc=None, contains=None):
        self.assertIn('error', reply, reply)
        self.assertEqual(reply['error']['class'], 'GenericError', reply)
        if desc is not None:
            self.assertEqual(reply['error']['desc'], desc, reply)
        if contains is not None:
            self.assertIn(contains, reply['error']['desc'], reply)


class GetfdTest(GetfdTestCase):

    def test_getfd_closefd(self):
        self.assertEqual(self.held(), [])
        self.assertEqual(self.vm.send_fd_scm(self.fd, 'myfd'),
                         {'return': {}})
        self.assertEqual(len(self.held()), 1)
        self.assertEqual(self.vm.qmp('closefd', fdname='myfd'),
                         {'return': {}})
        self.assertEqual(self.held(), [])
        self.assertError(self.vm.qmp('closefd', fdname='myfd'),
                         "File descriptor named 'myfd' not found")

    def test_getfd_same_name_replaces(self):
        self.vm.send_fd_scm(self.fd, 'myfd')
        self.vm.send_fd_scm(self.fd, 'myfd')
        # The first descriptor was closed when the name was reused.
        self.assertEqual(len(self.held()), 1)
        self.assertEqual(self.vm.qmp('closefd', fdname='myfd'),
                         {'return': {}})
        self.assertEqual(self.held(), [])

    def test_getfd_without_fd(self):
        self.assertError(self.vm.qmp('getfd', fdname='myfd'),
                         'No file descriptor supplied via SCM_RIGHTS')
        self.assertError(self.vm.qmp('closefd', fdname='myfd'),
                         "File descriptor named 'myfd' not found")

    def test_getfd_missing_name(self):
        reply = self.vm.mon.command('getfd', {}, fds=[self.fd])
        self.assertError(reply, "Parameter 'fdname' is missing")

    def test_iommufd_takes_named_fd(self):
        # The iommufd object resolves fd=NAME when it is created and owns
        # the descriptor from then on.
        self.vm.send_fd_scm(self.fd, 'myfd')
        self.assertEqual(self.vm.qmp('object-add', qom_type='iommufd',
                                     id='i0', fd='myfd'), {'return': {}})
        self.assertEqual(len(self.held()), 1)
        self.assertError(self.vm.qmp('closefd', fdname='myfd'),
                         "File descriptor named 'myfd' not found")
        self.assertError(self.vm.qmp('object-add', qom_type='iommufd',
                                     id='i1', fd='myfd'),
                         contains="File descriptor named 'myfd' has not "
                                  "been found")
        self.assertError(self.vm.qmp('object-add', qom_type='iommufd',
                                     id='i2', fd='nope'),
                         contains="File descriptor named 'nope' has not "
                                  "been found")


@unittest.skipIf(NO_TEST_TYPES, 'QEMU_TEST_NO_TEST_TYPES=1')
class TestObjectFdTest(GetfdTestCase):

    def add(self, obj_id, fdname):
        return self.vm.qmp('object-add', qom_type='x-test-object',
                           id=obj_id, fd=fdname)

    def fd_num(self, obj_id):
        return self.vm.cmd('qom-get', path='/objects/' + obj_id,
                           property='fd-num')

    def test_fd_taken_by_object(self):
        self.assertEqual(self.vm.send_fd_scm(self.fd, 'myfd'),
                         {'return': {}})
        self.assertEqual(self.add('t1', 'myfd'), {'return': {}})
        num = self.fd_num('t1')
        self.assertGreaterEqual(num, 0)
        # The object holds exactly the descriptor it reports.
        self.assertEqual(self.held(), [num])
        # The name was consumed: neither a second user nor closefd finds it.
        self.assertError(self.add('t2', 'myfd'),
                         contains="File descriptor named 'myfd' has not "
                                  "been found")
        self.assertNotIn('t2', [p['name'] for p in
                                self.vm.cmd('qom-list', path='/objects')])
        self.assertError(self.vm.qmp('closefd', fdname='myfd'),
                         "File descriptor named 'myfd' not found")
        self.assertEqual(self.held(), [num])
        # Deleting the object closes its descriptor.
        self.assertEqual(self.vm.cmd('object-del', id='t1'), {})
        self.assertEqual(self.held(), [])

    def test_getfd_again_then_closefd(self):
        self.vm.send_fd_scm(self.fd, 'myfd')
        self.assertEqual(self.add('t1', 'myfd'), {'return': {}})
        self.assertEqual(self.vm.send_fd_scm(self.fd, 'myfd'),
                         {'return': {}})
        self.assertEqual(len(self.held()), 2)
        self.assertEqual(self.vm.qmp('closefd', fdname='myfd'),
                         {'return': {}})
        self.assertEqual(self.held(), [self.fd_num('t1')])
        self.assertError(self.vm.qmp('closefd', fdname='myfd'),
                         "File descriptor named 'myfd' not found")
        self.vm.cmd('object-del', id='t1')
        self.assertEqual(self.held(), [])

    def test_unknown_fd_name(self):
        self.assertError(self.add('t1', 'nope'),
                         contains="File descriptor named 'nope' has not "
                                  "been found")
        self.assertNotIn('t1', [p['name'] for p in
                                self.vm.cmd('qom-list', path='/objects')])

    def test_no_fd(self):
        self.assertEqual(self.vm.qmp('object-add', qom_type='x-test-object',
                                     id='t1'), {'return': {}})
        self.assertEqual(self.fd_num('t1'), -1)
        self.vm.cmd('object-del', id='t1')


if __name__ == '__main__':
    unittest.main(verbosity=2)
