# SPDX-License-Identifier: GPL-2.0-or-later
#
# Device tree source as dtc prints it ("dtc -I dtb -O dts"), parsed into
# {node path: {property: value}} so that tests can check what
# "-M virt,dumpdtb=FILE" wrote.  Cells (<...>) become lists of ints,
# strings lists of str, byte strings bytes, and empty properties True.
# dump_dtb() runs the machine with dumpdtb=FILE and returns the parsed
# tree, for every test of the device tree.

import os
import re
import shutil

from .machine import default_accel, run_cli

DTC = shutil.which('dtc')


def parse_value(text):
    """One dts property value: cells (<...>) as a list of ints, strings
    ("a\\0b") as a list of str, bytes ([..]) as bytes."""
    text = text.strip()
    if text.startswith('<'):
        cells = []
        for group in re.findall(r'<([^>]*)>', text):
            cells += [int(c, 0) for c in group.split()]
        return cells
    if text.startswith('"'):
        strings = []
        for s in re.findall(r'"((?:[^"\\]|\\.)*)"', text):
            strings += s.split('\\0')
        return strings
    if text.startswith('['):
        return bytes.fromhex(text.strip('[]').replace(' ', ''))
    raise ValueError('unexpected dts value: %r' % text)


def parse_dts(text):
    """{node path: {property: value}} from dtc's dts output (empty
    properties read as True)."""
    nodes = {}
    stack = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith('/dts-v1/') or line.startswith('//'):
            continue
        if line.endswith('{'):
            name = line[:-1].strip()
            if name == '/':
                path = '/'
            else:
                parent = stack[-1]
                path = (parent.rstrip('/') + '/' + name)
            stack.append(path)
            nodes[path] = {}
        elif line == '};':
            stack.pop()
        elif line.endswith(';'):
            body = line[:-1]
            if '=' in body:
                name, value = body.split('=', 1)
                nodes[stack[-1]][name.strip()] = parse_value(value)
            else:
                nodes[stack[-1]][body.strip()] = True
        else:
            raise ValueError('unexpected dts line: %r' % raw)
    return nodes


def dump_dtb(test, tmpdir, machine_opts='', extra=()):
    """Run "-M virt<machine_opts>,dumpdtb=..." with extra arguments in
    test (a unittest.TestCase; skipped without dtc), check that it exited
    0 with nothing on stderr and wrote a blob, and return the tree parsed
    from dtc's dts."""
    if not DTC:
        test.skipTest('dtc (device-tree-compiler) is not installed')
    dtb = os.path.join(tmpdir, 'virt.dtb')
    args = (['-M', 'virt' + machine_opts + ',dumpdtb=' + dtb, '-accel',
             default_accel(), '-nodefaults', '-display', 'none'] +
            list(extra))
    code, out, err = run_cli(args)
    test.assertEqual(code, 0, 'stderr: %s' % err)
    test.assertEqual(err, '')
    test.assertTrue(os.path.getsize(dtb) > 0)
    code, out, err = run_cli(['-I', 'dtb', '-O', 'dts', dtb], timeout=30,
                             binary=DTC)
    test.assertEqual(code, 0, 'dtc: %s' % err)
    return parse_dts(out)
