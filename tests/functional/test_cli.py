# SPDX-License-Identifier: GPL-2.0-or-later
#
# The command line as QEMU users know it: each bad option must make the
# binary exit with status 1 and print QEMU's exact message on stderr
# ("qemu-system-aarch64: -opt value: what is wrong"), and the help and
# version options must print their listings and exit.  Expected texts were
# taken from QEMU 10.0; the test-only types (x-test-object, x-test-device)
# do not exist there and follow the same patterns.
#
# Set QEMU_TEST_NO_TEST_TYPES=1 to skip the cases that need the test-only
# types (e.g. when running against a reference QEMU, together with
# QEMU_TEST_ACCEL=tcg).

import os
import re
import unittest

from qemu_test import default_accel, run_cli

NO_TEST_TYPES = os.environ.get('QEMU_TEST_NO_TEST_TYPES') == '1'
PROG = 'qemu-system-aarch64'

IDENT_HINT = ("Identifiers consist of letters, digits, '-', '.', '_', "
              "starting with a letter.")
SIZE_HINT = ('Optional suffix k, M, G, T, P or E means kilo-, mega-, '
             'giga-, tera-, peta-\nand exabytes, respectively.')


def base_args(accel=True):
    args = ['-M', 'virt', '-display', 'none', '-nodefaults']
    if accel:
        args += ['-accel', default_accel()]
    return args


class CliTestCase(unittest.TestCase):

    def run_error(self, args, expected, status=1):
        """Run with ``args`` and assert the exit status and the exact
        stderr (``expected`` without the trailing newline)."""
        code, out, err = run_cli(args)
        self.assertEqual(err, expected + '\n',
                         'argv: %s\nstdout: %s' % (args, out))
        self.assertEqual(code, status, 'argv: %s\nstderr: %s' % (args, err))
        return out

    def run_ok(self, args):
        code, out, err = run_cli(args)
        self.assertEqual(code, 0, 'argv: %s\nstderr: %s' % (args, err))
        return out, err


class OptionErrorTest(CliTestCase):

    def test_unsupported_machine(self):
        # QEMU prints no option location here; we name the option.
        self.run_error(['-M', 'nope', '-display', 'none', '-nodefaults'],
                       '%s: -M nope: unsupported machine type: "nope"\n'
                       'Use -machine help to list supported machines' % PROG)

    def test_invalid_option(self):
        self.run_error(['-nope'], '%s: -nope: invalid option' % PROG)

    def test_missing_argument(self):
        for opt in ('-m', '-name', '-D', '-device', '-object', '-M'):
            with self.subTest(opt=opt):
                self.run_error(base_args() + [opt],
                               '%s: %s: requires an argument' % (PROG, opt))

    def test_bad_memory_size(self):
        for value in ('0x', '1Q', 'x'):
            with self.subTest(value=value):
                self.run_error(base_args() + ['-m', value],
                               "%s: -m %s: Parameter 'size' expects a "
                               "non-negative number below 2^64\n%s"
                               % (PROG, value, SIZE_HINT))

    def test_negative_memory_size(self):
        self.run_error(base_args() + ['-m', '-1'],
                       "%s: -m -1: Value '-1' is out of range for "
                       "parameter 'size'" % PROG)

    def test_smp_zero(self):
        self.run_error(base_args() + ['-smp', '0'],
                       '%s: -smp 0: Invalid CPU topology: CPU topology '
                       'parameters must be greater than zero' % PROG)

    def test_smp_not_a_number(self):
        self.run_error(base_args() + ['-smp', 'x'],
                       "%s: -smp x: Parameter 'smp.cpus' expects integer"
                       % PROG)

    def test_invalid_accelerator(self):
        self.run_error(base_args(accel=False) + ['-accel', 'nope'],
                       '%s: -accel nope: invalid accelerator nope' % PROG)

    def test_unknown_device(self):
        self.run_error(base_args() + ['-device', 'nope'],
                       "%s: -device nope: 'nope' is not a valid device "
                       "model name" % PROG)

    def test_empty_device(self):
        # QEMU takes the empty element as driver ''; we point at the comma.
        self.run_error(base_args() + ['-device', ','],
                       "%s: -device ,: Expected parameter name before ','"
                       % PROG)

    def test_unknown_object_type(self):
        self.run_error(base_args() + ['-object', 'nope,id=x'],
                       "%s: -object nope,id=x: Parameter 'qom-type' does not "
                       "accept value 'nope'" % PROG)

    def test_object_without_id(self):
        self.run_error(base_args() + ['-object', 'iommufd'],
                       "%s: -object iommufd: Parameter 'id' is missing"
                       % PROG)

    def test_object_bad_id(self):
        self.run_error(base_args() + ['-object', 'iommufd,id=1bad'],
                       "%s: -object iommufd,id=1bad: Parameter 'id' expects "
                       "an identifier\n%s" % (PROG, IDENT_HINT))

    def test_object_unknown_property(self):
        self.run_error(base_args() + ['-object', 'iommufd,id=x,nope=1'],
                       "%s: -object iommufd,id=x,nope=1: Invalid parameter "
                       "'nope'" % PROG)

    def test_object_duplicate_id(self):
        self.run_error(base_args() + ['-object', 'iommufd,id=a',
                                      '-object', 'iommufd,id=a'],
                       "%s: -object iommufd,id=a: Duplicate ID 'a' for "
                       "object" % PROG)

    def test_object_bad_fd_name(self):
        self.run_error(base_args() + ['-object', 'iommufd,id=a,fd=nope'],
                       "%s: -object iommufd,id=a,fd=nope: Could not parse "
                       "remote object fd nope: Invalid file descriptor "
                       "number 'nope'" % PROG)

    def test_global_bad_format(self):
        self.run_error(base_args() + ['-global', 'nope=1'],
                       "%s: -global nope=1: Invalid parameter 'nope'" % PROG)

    def test_qmp_bad_chardev(self):
        self.run_error(base_args() + ['-qmp', 'bogus:x'],
                       "%s: -qmp bogus:x: 'bogus:x' is not a valid char "
                       "driver" % PROG)

    def test_qmp_unbindable_socket(self):
        arg = 'unix:/nonexistent/dir/x.sock,server=on,wait=off'
        self.run_error(base_args() + ['-qmp', arg],
                       '%s: -qmp %s: Failed to bind socket to '
                       '/nonexistent/dir/x.sock: No such file or directory'
                       % (PROG, arg))

    def test_qtest_unknown_chardev(self):
        self.run_error(base_args() + ['-qtest', 'chardev:nope'],
                       "%s: -qtest chardev:nope: no chardev with id 'nope'"
                       % PROG)

    def test_qtest_unreachable_socket(self):
        self.run_error(base_args() + ['-qtest', 'unix:/nonexistent/q.sock'],
                       "%s: -qtest unix:/nonexistent/q.sock: Failed to "
                       "initialize device for qtest: Failed to connect to "
                       "'/nonexistent/q.sock': No such file or directory"
                       % PROG)

    def test_qtest_log_unwritable(self):
        self.run_error(base_args() + ['-qtest', 'chardev:c0', '-chardev',
                                      'null,id=c0', '-qtest-log',
                                      '/nonexistent/q.log'],
                       "%s: -qtest chardev:c0: cannot open the qtest log "
                       "'/nonexistent/q.log': No such file or directory"
                       % PROG)

    def test_serial_unknown_chardev(self):
        self.run_error(base_args() + ['-serial', 'chardev:nope'],
                       "%s: -serial chardev:nope: no chardev with id 'nope'"
                       % PROG)

    def test_dumpdtb_without_fdt(self):
        self.run_error(['-M', 'none,dumpdtb=/nonexistent/x.dtb',
                        '-display', 'none', '-nodefaults', '-accel',
                        default_accel()],
                       "%s: -M none,dumpdtb=/nonexistent/x.dtb: This machine "
                       "doesn't have an FDT\nOnly machines that describe "
                       "themselves with a device tree (virt) can dump one"
                       % PROG)

    def test_chardev_unknown_backend(self):
        self.run_error(base_args() + ['-chardev', 'nope,id=c0'],
                       "%s: -chardev nope,id=c0: 'nope' is not a valid char "
                       "driver name" % PROG)

    def test_chardev_without_id(self):
        self.run_error(base_args() + ['-chardev', 'socket,path=/tmp/x'],
                       '%s: -chardev socket,path=/tmp/x: chardev: no id '
                       'specified' % PROG)

    def test_chardev_socket_without_address(self):
        # QEMU 10 says "Unable to parse FD number " here; we say what is
        # missing.
        self.run_error(base_args() + ['-chardev', 'socket,id=c0'],
                       "%s: -chardev socket,id=c0: chardev: socket: 'path' "
                       "or 'host'+'port' required" % PROG)

    def test_mon_unknown_chardev(self):
        self.run_error(base_args() + ['-mon', 'chardev=nope'],
                       '%s: -mon chardev=nope: chardev "nope" not found'
                       % PROG)

    def test_machine_unknown_property(self):
        self.run_error(base_args() + ['-M', 'virt,nope=1'],
                       "%s: -M virt,nope=1: Property 'virt-machine.nope' not "
                       "found" % PROG)

    def test_logfile_unwritable(self):
        self.run_error(base_args() + ['-D', '/nonexistent/x.log'],
                       '%s: -D /nonexistent/x.log: Error opening logfile '
                       '/nonexistent/x.log: No such file or directory' % PROG)


@unittest.skipIf(NO_TEST_TYPES, 'QEMU_TEST_NO_TEST_TYPES=1')
class TestTypeErrorTest(CliTestCase):
    """Property parsing errors, on the test-only types whose properties
    cover every kind."""

    def check(self, opt, value, expected):
        self.run_error(base_args() + [opt, value],
                       '%s: %s %s: %s' % (PROG, opt, value, expected))

    def test_object_without_id(self):
        self.check('-object', 'x-test-object', "Parameter 'id' is missing")

    def test_object_unknown_property(self):
        self.check('-object', 'x-test-object,id=t,nope=1',
                   "Invalid parameter 'nope'")

    def test_device_unknown_property(self):
        self.check('-device', 'x-test-device,nope=1',
                   "Property 'x-test-device.nope' not found")

    def test_bad_bool(self):
        for opt, typ in (('-object', 'x-test-object,id=t'),
                         ('-device', 'x-test-device')):
            for value in ('maybe', ''):
                with self.subTest(opt=opt, value=value):
                    self.check(opt, '%s,bool-prop=%s' % (typ, value),
                               "Parameter 'bool-prop' expects 'on' or 'off'")

    def test_bad_int(self):
        for opt, typ in (('-object', 'x-test-object,id=t'),
                         ('-device', 'x-test-device')):
            with self.subTest(opt=opt):
                self.check(opt, typ + ',int-prop=x',
                           "Parameter 'int-prop' expects integer")
                self.check(opt, typ + ',int-prop=99999999999',
                           "Parameter 'int-prop' expects int32_t")

    def test_bad_size(self):
        for opt, typ in (('-object', 'x-test-object,id=t'),
                         ('-device', 'x-test-device')):
            with self.subTest(opt=opt):
                self.check(opt, typ + ',size-prop=1Q',
                           "Parameter 'size-prop' expects a size value")

    def test_bad_enum(self):
        for opt, typ in (('-object', 'x-test-object,id=t'),
                         ('-device', 'x-test-device')):
            with self.subTest(opt=opt):
                self.check(opt, typ + ',enum-prop=delta',
                           "Parameter 'enum-prop' does not accept value "
                           "'delta'")
                self.check(opt, typ + ',ooa-prop=maybe',
                           "Parameter 'ooa-prop' does not accept value "
                           "'maybe'")

    def test_device_bad_id(self):
        self.check('-device', 'x-test-device,id=1bad',
                   "Parameter 'id' expects an identifier\n" + IDENT_HINT)

    def test_device_duplicate_id(self):
        self.run_error(base_args() + ['-device', 'x-test-device,id=d',
                                      '-device', 'x-test-device,id=d'],
                       "%s: -device x-test-device,id=d: Duplicate ID 'd' "
                       "for device" % PROG)

    def test_object_link_unknown(self):
        self.check('-object', 'x-test-object,id=t,link-prop=/objects/nope',
                   "Device '/objects/nope' not found")

    def test_valid_values_start(self):
        # Good values are accepted: the only error reported is the one
        # about the -qmp option that comes after them.
        code, out, err = run_cli(
            base_args() + ['-S',
                           '-object', 'x-test-object,id=t,bool-prop=on,'
                           'int-prop=-3,size-prop=4k,str-prop=x,'
                           'enum-prop=gamma,ooa-prop=auto',
                           '-device', 'x-test-device,bool-prop=off,'
                           'int-prop=7,size-prop=1M,enum-prop=alpha',
                           '-qmp', 'bogus:x'])
        self.assertEqual(code, 1, err)
        self.assertIn('bogus:x', err)
        self.assertNotIn('-prop', err)


class HelpTest(CliTestCase):

    def test_version(self):
        out, _ = self.run_ok(['-version'])
        self.assertRegex(out.splitlines()[0],
                         r'^QEMU emulator version 10\.0\.\d+')

    def test_help(self):
        out, _ = self.run_ok(['-h'])
        self.assertRegex(out, r'(?m)^usage: %s \[options\]' % PROG)
        # Each option is described on a line of its own ("-M, -machine"
        # style aliases are fine).
        for opt in ('-machine', '-device', '-object', '-qmp', '-accel'):
            self.assertRegex(out, r'(?m)^(-\S+, )?%s\b' % opt, opt)

    def test_machine_help(self):
        for opt in ('-machine', '-M'):
            with self.subTest(opt=opt):
                out, _ = self.run_ok([opt, 'help'])
                lines = out.splitlines()
                self.assertEqual(lines[0], 'Supported machines are:')
                names = [line.split()[0] for line in lines[1:] if line]
                self.assertIn('virt', names)
                self.assertIn('none', names)

    def test_machine_properties_help(self):
        out, _ = self.run_ok(['-M', 'virt,help'])
        lines = out.splitlines()
        self.assertRegex(lines[0], r'^virt\S* options:$')
        props = [line for line in lines[1:]
                 if re.match(r'^  [a-z][\w.-]*=<[^>]+>', line)]
        self.assertTrue(props, out)

    def test_object_help(self):
        out, _ = self.run_ok(['-object', 'help'])
        lines = out.splitlines()
        self.assertEqual(lines[0], 'List of user creatable objects:')
        self.assertIn('  iommufd', lines)
        if not NO_TEST_TYPES:
            self.assertIn('  x-test-object', lines)

    def test_object_type_help(self):
        out, _ = self.run_ok(['-object', 'iommufd,help'])
        lines = out.splitlines()
        self.assertEqual(lines[0], 'iommufd options:')
        self.assertTrue(any(line.startswith('  fd=<string>')
                            for line in lines), out)

    @unittest.skipIf(NO_TEST_TYPES, 'QEMU_TEST_NO_TEST_TYPES=1')
    def test_device_help(self):
        out, _ = self.run_ok(['-device', 'help'])
        self.assertRegex(out, r'(?m)^name "x-test-device"')

    @unittest.skipIf(NO_TEST_TYPES, 'QEMU_TEST_NO_TEST_TYPES=1')
    def test_device_properties_help(self):
        out, _ = self.run_ok(['-device', 'x-test-device,help'])
        lines = out.splitlines()
        self.assertEqual(lines[0], 'x-test-device options:')
        for prop, typ in (('bool-prop', 'bool'), ('int-prop', 'int32'),
                          ('size-prop', 'size'), ('str-prop', 'str')):
            with self.subTest(prop=prop):
                self.assertTrue(any(line.startswith('  %s=<%s>'
                                                    % (prop, typ))
                                    for line in lines), out)
        self.assertTrue(any(line.startswith('  enum-prop=<')
                            for line in lines), out)

    @unittest.skipIf(NO_TEST_TYPES, 'QEMU_TEST_NO_TEST_TYPES=1')
    def test_test_object_help(self):
        out, _ = self.run_ok(['-object', 'x-test-object,help'])
        lines = out.splitlines()
        self.assertEqual(lines[0], 'x-test-object options:')
        for prop, typ in (('bool-prop', 'bool'), ('int-prop', 'int32'),
                          ('size-prop', 'size'), ('str-prop', 'str'),
                          ('ooa-prop', 'OnOffAuto'), ('fd', 'string')):
            with self.subTest(prop=prop):
                self.assertTrue(any(line.startswith('  %s=<%s>'
                                                    % (prop, typ))
                                    for line in lines), out)

    def test_accel_help(self):
        out, _ = self.run_ok(['-accel', 'help'])
        lines = out.splitlines()
        self.assertEqual(lines[0], 'Accelerators supported in QEMU binary:')
        self.assertIn(default_accel(), lines)

    def test_trace_help(self):
        out, _ = self.run_ok(['-trace', 'help'])
        lines = out.splitlines()
        self.assertTrue(lines)
        for line in lines:
            self.assertRegex(line, r'^\w+$')

    def test_log_help(self):
        # QEMU exits with status 1 after this help; asking for help is
        # not an error here, so we exit 0.
        code, out, err = run_cli(['-d', 'help'])
        self.assertEqual(code, 0, err)
        lines = out.splitlines()
        self.assertEqual(lines[0], 'Log items (comma separated):')
        self.assertTrue(any(line.startswith('guest_errors ')
                            for line in lines), out)
        self.assertIn('Use "-d trace:help" to get a list of trace events.',
                      lines)


if __name__ == '__main__':
    unittest.main(verbosity=2)
