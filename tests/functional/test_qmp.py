# SPDX-License-Identifier: GPL-2.0-or-later
#
# QMP protocol behaviour as QEMU shows it: the greeting, capabilities
# negotiation, run-state commands and their events, the /machine tree,
# the exact errors for unknown commands, malformed JSON and bad arguments
# (after which the connection keeps working), id echoing, several monitors
# at once, and how quit and SIGTERM end the process.

import signal
import unittest

from qemu_test import VM, QMPError


class GreetingTest(unittest.TestCase):

    def test_greeting(self):
        with VM(negotiate=False) as vm:
            greeting = vm.mon.greeting
            self.assertIn('QMP', greeting)
            version = greeting['QMP']['version']['qemu']
            for field in ('major', 'minor', 'micro'):
                self.assertIsInstance(version[field], int, field)
            self.assertIsInstance(greeting['QMP']['capabilities'], list)
            vm.mon.negotiate()

    def test_command_before_negotiation(self):
        with VM(negotiate=False) as vm:
            reply = vm.qmp('query-status')
            self.assertEqual(reply['error']['class'], 'CommandNotFound')
            self.assertEqual(reply['error']['desc'],
                             "Expecting capabilities negotiation with "
                             "'qmp_capabilities'")
            # Negotiation still works afterwards.
            self.assertEqual(vm.qmp('qmp_capabilities'), {'return': {}})
            self.assertTrue(vm.cmd('query-status')['running'])

    def test_query_version(self):
        with VM() as vm:
            ret = vm.cmd('query-version')
            # We follow the QEMU 10.0 surface.
            self.assertEqual(ret['qemu']['major'], 10)
            self.assertEqual(ret['qemu']['minor'], 0)
            self.assertIsInstance(ret['qemu']['micro'], int)
            self.assertIsInstance(ret['package'], str)
            self.assertEqual(ret['qemu'],
                             vm.mon.greeting['QMP']['version']['qemu'])


class RunStateTest(unittest.TestCase):

    def test_running(self):
        with VM() as vm:
            self.assertEqual(vm.cmd('query-status'),
                             {'status': 'running', 'running': True})

    def test_prelaunch_cont_stop(self):
        with VM('-S') as vm:
            self.assertEqual(vm.cmd('query-status'),
                             {'status': 'prelaunch', 'running': False})
            self.assertEqual(vm.cmd('cont'), {})
            ev = vm.event_wait('RESUME')
            self.assertIn('timestamp', ev)
            self.assertIn('seconds', ev['timestamp'])
            self.assertIn('microseconds', ev['timestamp'])
            self.assertEqual(vm.cmd('query-status'),
                             {'status': 'running', 'running': True})
            self.assertEqual(vm.cmd('stop'), {})
            vm.event_wait('STOP')
            self.assertEqual(vm.cmd('query-status'),
                             {'status': 'paused', 'running': False})
            # Stopping a stopped VM succeeds and sends no second event.
            self.assertEqual(vm.cmd('stop'), {})
            self.assertEqual([e['event'] for e in vm.get_events(0.2)], [])
            self.assertEqual(vm.cmd('cont'), {})
            vm.event_wait('RESUME')

    def test_system_reset(self):
        with VM('-S') as vm:
            self.assertEqual(vm.cmd('system_reset'), {})
            ev = vm.event_wait('RESET')
            self.assertEqual(ev['data'], {'guest': False,
                                          'reason': 'host-qmp-system-reset'})
            # The run state is untouched by a reset.
            self.assertEqual(vm.cmd('query-status'),
                             {'status': 'prelaunch', 'running': False})


class ProtocolErrorTest(unittest.TestCase):
    """Errors that must leave the connection usable.  One VM serves the
    whole class; every test ends by checking it still answers."""

    @classmethod
    def setUpClass(cls):
        cls.vm = VM(name='qmp-errors')
        cls.vm.launch()

    @classmethod
    def tearDownClass(cls):
        cls.vm.shutdown()

    def tearDown(self):
        self.assertTrue(self.vm.cmd('query-status')['running'])

    def assertError(self, reply, error_class, desc=None):
        self.assertIn('error', reply, reply)
        self.assertEqual(reply['error']['class'], error_class, reply)
        if desc is not None:
            self.assertEqual(reply['error']['desc'], desc, reply)

    def test_qom_list_machine(self):
        props = {p['name']: p['type']
                 for p in self.vm.cmd('qom-list', path='/machine')}
        for child in ('peripheral', 'peripheral-anon', 'unattached'):
            self.assertEqual(props.get(child), 'child<container>', child)
        self.assertEqual(props.get('type'), 'string')

    def test_qom_list_root(self):
        props = {p['name']: p['type']
                 for p in self.vm.cmd('qom-list', path='/')}
        self.assertEqual(props.get('objects'), 'child<container>')
        self.assertTrue(props.get('machine', '').startswith('child<'))

    def test_unknown_command(self):
        self.assertError(self.vm.qmp('nope'), 'CommandNotFound',
                         'The command nope has not been found')

    def test_malformed_json(self):
        for raw in (b'{"execute": }\n', b'garbage\n', b'}\n'):
            with self.subTest(raw=raw):
                self.vm.send_raw(raw)
                reply = self.vm.recv_reply()
                self.assertError(reply, 'GenericError')
                self.assertTrue(reply['error']['desc'].startswith(
                    'JSON parse error'), reply)
                self.assertEqual(self.vm.cmd('query-status')['status'],
                                 'running')

    def test_malformed_json_exact(self):
        self.vm.send_raw(b'{"execute": }\n')
        self.assertError(self.vm.recv_reply(), 'GenericError',
                         'JSON parse error, expecting value')
        self.vm.send_raw(b'garbage\n')
        self.assertError(self.vm.recv_reply(), 'GenericError',
                         "JSON parse error, invalid keyword 'garbage'")

    def test_bad_message_shape(self):
        cases = [
            (b'[]\n', 'QMP input must be a JSON object'),
            (b'{"execute": 1}\n', "QMP input member 'execute' must be a "
                                  "string"),
            (b'{"arguments": {}}\n', "QMP input lacks member 'execute'"),
            (b'{"execute": "query-status", "arguments": []}\n',
             "QMP input member 'arguments' must be an object"),
            (b'{"execute": "query-status", "foo": 1}\n',
             "QMP input member 'foo' is unexpected"),
        ]
        for raw, desc in cases:
            with self.subTest(raw=raw):
                self.vm.send_raw(raw)
                self.assertError(self.vm.recv_reply(), 'GenericError', desc)

    def test_wrong_argument_type(self):
        self.assertError(self.vm.qmp('qom-list', path=1), 'GenericError',
                         "Invalid parameter type for 'path', expected: "
                         "string")

    def test_missing_argument(self):
        self.assertError(self.vm.qmp('qom-list'), 'GenericError',
                         "Parameter 'path' is missing")

    def test_unexpected_argument(self):
        self.assertError(self.vm.qmp('qom-list', path='/machine', x=1),
                         'GenericError', "Parameter 'x' is unexpected")
        self.assertError(self.vm.qmp('query-status', x=1),
                         'GenericError', "Parameter 'x' is unexpected")

    def test_empty_arguments(self):
        reply = self.vm.qmp('query-status', args={})
        self.assertEqual(reply['return']['status'], 'running')

    def test_unknown_path(self):
        self.assertError(self.vm.qmp('qom-list', path='/nope'),
                         'DeviceNotFound', "Device '/nope' not found")

    def test_id_echoed(self):
        for msg_id in ('abc', 7, {'a': [1]}):
            with self.subTest(id=msg_id):
                ok = self.vm.qmp('query-status', msg_id=msg_id)
                self.assertEqual(ok['id'], msg_id)
                self.assertIn('return', ok)
                err = self.vm.qmp('nope', msg_id=msg_id)
                self.assertEqual(err['id'], msg_id)
                self.assertEqual(err['error']['class'], 'CommandNotFound')
                bad = self.vm.qmp('qom-list', msg_id=msg_id)
                self.assertEqual(bad['id'], msg_id)
                self.assertEqual(bad['error']['class'], 'GenericError')

    def test_no_id_when_not_sent(self):
        self.assertNotIn('id', self.vm.qmp('query-status'))
        self.assertNotIn('id', self.vm.qmp('nope'))

    def test_cmd_raises(self):
        with self.assertRaises(QMPError) as ctx:
            self.vm.cmd('nope')
        self.assertEqual(ctx.exception.error_class, 'CommandNotFound')


class MonitorsTest(unittest.TestCase):

    def test_two_monitors(self):
        with VM(monitors=2) as vm:
            first, second = vm.monitors
            self.assertEqual(second.command('query-status')['return'],
                             {'status': 'running', 'running': True})
            self.assertEqual(first.command('stop'), {'return': {}})
            first.event_wait('STOP')
            second.event_wait('STOP')
            self.assertEqual(second.command('cont'), {'return': {}})
            first.event_wait('RESUME')
            second.event_wait('RESUME')


class ShutdownTest(unittest.TestCase):

    def test_quit(self):
        vm = VM()
        vm.launch()
        try:
            self.assertEqual(vm.qmp('quit'), {'return': {}})
            ev = vm.event_wait('SHUTDOWN')
            self.assertEqual(ev['data'], {'guest': False,
                                          'reason': 'host-qmp-quit'})
            self.assertEqual(vm.wait(), 0)
            self.assertTrue(vm.mon.at_eof(5))
        finally:
            vm.kill()

    def test_quit_while_stopped(self):
        with VM('-S') as vm:
            self.assertEqual(vm.shutdown(), 0)

    def test_sigterm(self):
        vm = VM()
        vm.launch()
        try:
            vm.send_signal(signal.SIGTERM)
            ev = vm.event_wait('SHUTDOWN')
            self.assertEqual(ev['data'], {'guest': False,
                                          'reason': 'host-signal'})
            self.assertEqual(vm.wait(), 0)
        finally:
            vm.kill()


if __name__ == '__main__':
    unittest.main(verbosity=2)
