#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Tests for scripts/tracetool.py: malformed trace-events lines must fail
# with FILE:LINE and a nonzero exit status and write nothing; good input
# (including an empty file) must generate the expected declarations for
# both backends.
#
# Usage: test_tracetool.py PATH/TO/tracetool.py

import os
import subprocess
import sys
import tempfile
import unittest

TRACETOOL = None


def run(text, backend='log', group='grp'):
    """Run tracetool on text; return (status, stderr, header, source)."""
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, 'trace-events')
        out_h = os.path.join(d, 'trace-grp.h')
        out_c = os.path.join(d, 'trace-grp.c')
        with open(src, 'w', encoding='utf-8') as f:
            f.write(text)
        p = subprocess.run([sys.executable, TRACETOOL,
                            '--backend=' + backend, '--group=' + group,
                            src, out_h, out_c],
                           capture_output=True, text=True, check=False)
        header = source = None
        if os.path.exists(out_h):
            with open(out_h, encoding='utf-8') as f:
                header = f.read()
        if os.path.exists(out_c):
            with open(out_c, encoding='utf-8') as f:
                source = f.read()
        return p.returncode, p.stderr, header, source


GOOD = '''# See docs/devel/tracing.rst for the format.

# foo.c
foo_simple(void) "nothing"
foo_addr(uint64_t addr, unsigned size) "addr 0x%" PRIx64 " size %u"
foo_str(const char *name, void *p) "name %s ptr %p"
foo_pct(int x) "100%% %08x"
disable foo_off(int x) "x %d"
'''


class TestGood(unittest.TestCase):
    def test_log(self):
        rc, err, h, c = run(GOOD)
        self.assertEqual(rc, 0, err)
        self.assertIn('extern TraceEvent _TRACE_FOO_ADDR_EVENT;', h)
        self.assertIn('extern bool _TRACE_FOO_ADDR_DSTATE;', h)
        self.assertIn('#define TRACE_FOO_ADDR_ENABLED 1', h)
        self.assertIn('static inline void trace_foo_addr(uint64_t addr, '
                      'unsigned size)', h)
        self.assertIn('G_UNLIKELY(_TRACE_FOO_ADDR_DSTATE)', h)
        self.assertIn('trace_log_emit("foo_addr " "addr 0x%" PRIx64 '
                      '" size %u" "\\n", addr, size);', h)
        self.assertIn('static inline void trace_foo_simple(void)', h)
        self.assertIn('trace_foo_str(const char *name, void *p)', h)
        self.assertIn('#define TRACE_FOO_OFF_ENABLED 0', h)
        self.assertIn('.name = "foo_addr",', c)
        self.assertIn('trace_event_register_group(trace_grp_events);', c)
        self.assertIn('#include "trace-grp.h"', c)
        self.assertIn('    NULL,\n', c)
        self.assertTrue(h.startswith('/* SPDX-License-Identifier'))
        self.assertTrue(c.startswith('/* SPDX-License-Identifier'))

    def test_nop(self):
        rc, err, h, c = run(GOOD, backend='nop')
        self.assertEqual(rc, 0, err)
        self.assertNotIn('trace_log_emit', h)
        self.assertIn('static inline void trace_foo_addr(uint64_t addr, '
                      'unsigned size)\n{\n}\n', h)
        self.assertIn('#define TRACE_FOO_ADDR_ENABLED 1', h)
        self.assertIn('_TRACE_FOO_ADDR_EVENT', c)

    def test_empty(self):
        for text in ('', '# See docs/devel/tracing.rst for the format.\n',
                     '\n\n   \n# x\n'):
            rc, err, h, c = run(text)
            self.assertEqual(rc, 0, err)
            self.assertNotIn('static inline', h)
            self.assertIn('trace_grp_events[] = {\n    NULL,\n};', c)


BAD = [
    ('missing format', 'foo(int x)\n'),
    ('no parentheses', 'foo "x"\n'),
    ('unterminated string', 'foo(int x) "x %d\n'),
    ('untyped argument', 'foo(x) "x %d"\n'),
    ('empty argument', 'foo(int x,) "x %d"\n'),
    ('duplicate argument', 'foo(int x, int x) "%d %d"\n'),
    ('bad event name', 'foo-bar(int x) "x %d"\n'),
    ('unknown property', 'vcpu foo(int x) "x %d"\n'),
    ('unknown macro', 'foo(uint64_t x) "x %" PRIfoo\n'),
    ('stray token', 'foo(int x) "x %d" x\n'),
    ('too few conversions', 'foo(int x, int y) "x %d"\n'),
    ('too many conversions', 'foo(int x) "x %d %d"\n'),
    ('bad conversion', 'foo(int x) "x %y"\n'),
    ('trailing newline', 'foo(int x) "x %d\\n"\n'),
    ('duplicate event', 'foo(int x) "x %d"\nfoo(void) "again"\n'),
    ('function pointer', 'foo(void (*fn)(void)) "fn %p"\n'),
]


class TestBad(unittest.TestCase):
    def test_bad_lines(self):
        for what, text in BAD:
            with self.subTest(what=what):
                # Put the bad line after a comment and a good line so the
                # reported line number is checked too.
                body = '# c\nok(void) "ok"\n' + text
                lineno = 3 + text.count('\n') - 1
                rc, err, h, c = run(body)
                self.assertNotEqual(rc, 0, what)
                self.assertIn('trace-events:%d: error:' % lineno, err)
                self.assertIsNone(h)
                self.assertIsNone(c)

    def test_bad_group(self):
        rc, err, h, c = run('', group='hw/core')
        self.assertNotEqual(rc, 0)
        self.assertIn('group', err)

    def test_missing_input(self):
        p = subprocess.run([sys.executable, TRACETOOL, '--group=g',
                            '/nonexistent/trace-events', '/tmp/x.h',
                            '/tmp/x.c'],
                           capture_output=True, text=True, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn('/nonexistent/trace-events', p.stderr)


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit('usage: %s PATH/TO/tracetool.py' % sys.argv[0])
    TRACETOOL = sys.argv[1]
    unittest.main(argv=sys.argv[:1], verbosity=2)
