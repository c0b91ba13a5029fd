#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Trace event code generator.  Reads one directory's trace-events file
# (one event per line: NAME(TYPE ARG, ...) "printf format", '#' comments,
# blank lines) and writes two files for the directory's group:
#
#   trace-GROUP.h  one static inline trace_NAME() per event, which tests
#                  the event's enabled flag and hands the record to the
#                  selected backend; TRACE_NAME_ENABLED macros.
#   trace-GROUP.c  the TraceEvent objects and a constructor that registers
#                  them with trace_event_register_group().
#
# Backends: "log" (records go through trace_log_emit() to stderr or the -D
# file) and "nop" (the inlines are empty).  See docs/devel/tracing.rst.
#
# Usage: tracetool.py --backend=log|nop --group=GROUP INPUT OUT_H OUT_C
# Malformed input is reported as FILE:LINE: error: MESSAGE, exit status 1.

import argparse
import os
import re
import sys

BACKENDS = ('log', 'nop')

# Event properties that may precede the name.  "disable" compiles the
# event out (empty inline, TRACE_NAME_ENABLED 0) whatever the backend.
PROPERTIES = ('disable',)

IDENT_RE = re.compile(r'[A-Za-z_][A-Za-z0-9_]*$')
LINE_RE = re.compile(r'^(?P<head>[^(]*)\((?P<args>[^()]*)\)(?P<fmt>.*)$')
# <inttypes.h> format macros that may sit between the string pieces.
PRI_RE = re.compile(r'PRI([diouxX])(8|16|32|64|PTR|MAX|'
                    r'LEAST8|LEAST16|LEAST32|LEAST64|'
                    r'FAST8|FAST16|FAST32|FAST64)$')
# One printf conversion, after its '%'.
CONV_RE = re.compile(r"[-+ #0']*(\*|[0-9]+)?(\.(\*|[0-9]+)?)?"
                     r"(hh|h|ll|l|j|z|t|L)?([diouxXeEfFgGaAcsp])")

C_KEYWORDS = frozenset('''
    auto break case char const continue default do double else enum extern
    float for goto if inline int long register restrict return short signed
    sizeof static struct switch typedef union unsigned void volatile while
    _Bool _Complex _Imaginary bool
'''.split())


class TraceError(Exception):
    """A problem in the input, reported with its line number."""

    def __init__(self, lineno, msg):
        super().__init__(msg)
        self.lineno = lineno
        self.msg = msg


class Arg:
    def __init__(self, ctype, name):
        self.ctype = ctype
        self.name = name

    def decl(self):
        if self.ctype.endswith('*'):
            return self.ctype + self.name
        return self.ctype + ' ' + self.name


class Event:
    def __init__(self, name, props, args, fmt_pieces, lineno):
        self.name = name
        self.props = props
        self.args = args
        self.fmt_pieces = fmt_pieces    # C tokens: "..." literals, PRI macros
        self.lineno = lineno

    @property
    def upper(self):
        return self.name.upper()

    def enabled(self):
        return 'disable' not in self.props

    def params(self):
        if not self.args:
            return 'void'
        return ', '.join(a.decl() for a in self.args)

    def fmt_c(self):
        return ' '.join(self.fmt_pieces)


def parse_args(text, lineno):
    text = text.strip()
    if text in ('', 'void'):
        return []
    args = []
    seen = set()
    for piece in text.split(','):
        piece = ' '.join(piece.split())
        if not piece:
            raise TraceError(lineno, 'empty argument in argument list')
        m = re.match(r'^(?P<type>.*?)\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)$',
                     piece)
        if not m or not m.group('type'):
            raise TraceError(lineno, "argument '%s' needs a type and a name"
                             % piece)
        ctype = m.group('type').strip()
        name = m.group('name')
        # Normalise the type: words separated by one space, '*' glued on.
        tokens = re.findall(r'[A-Za-z_][A-Za-z0-9_]*|\*|\S', ctype)
        for tok in tokens:
            if tok != '*' and not IDENT_RE.match(tok):
                raise TraceError(lineno, "unsupported type '%s' for argument "
                                 "'%s' (use a typedef)" % (ctype, name))
        if tokens[0] == '*':
            raise TraceError(lineno, "bad type '%s' for argument '%s'"
                             % (ctype, name))
        if name in C_KEYWORDS:
            raise TraceError(lineno, "argument '%s' is missing a name "
                             "(or is named after a C keyword)" % piece)
        if name in seen:
            raise TraceError(lineno, "argument '%s' appears twice" % name)
        seen.add(name)
        out = ''
        for tok in tokens:
            if tok == '*':
                out += ' *' if not out.endswith('*') else '*'
            else:
                out += (' ' if out else '') + tok
        args.append(Arg(out.strip(), name))
    return args


def parse_format(text, lineno):
    """Split the format into C tokens; also return its printf model (the
    literal text with PRI macros replaced by their conversion letters)."""
    pieces = []
    model = ''
    pos = 0
    have_literal = False
    while True:
        while pos < len(text) and text[pos] in ' \t':
            pos += 1
        if pos >= len(text):
            break
        c = text[pos]
        if c == '"':
            end = pos + 1
            lit = ''
            while True:
                if end >= len(text):
                    raise TraceError(lineno, 'unterminated string in format')
                ch = text[end]
                if ch == '\\':
                    if end + 1 >= len(text):
                        raise TraceError(lineno,
                                         'unterminated string in format')
                    esc = text[end + 1]
                    lit += {'n': '\n', 't': '\t', '"': '"',
                            '\\': '\\'}.get(esc, '?')
                    end += 2
                    continue
                if ch == '"':
                    break
                lit += ch
                end += 1
            pieces.append(text[pos:end + 1])
            model += lit
            have_literal = True
            pos = end + 1
        elif c.isalpha() or c == '_':
            m = re.match(r'[A-Za-z_][A-Za-z0-9_]*', text[pos:])
            word = m.group(0)
            pm = PRI_RE.match(word)
            if not pm:
                raise TraceError(lineno, "unexpected '%s' in format (only "
                                 "string literals and PRIxNN macros may "
                                 "appear)" % word)
            pieces.append(word)
            model += 'll' + pm.group(1)
            pos += len(word)
        else:
            raise TraceError(lineno, "unexpected '%s' in format "
                             "(the format must be a quoted string)"
                             % text[pos:].strip())
    if not have_literal:
        raise TraceError(lineno, 'missing format string '
                         '(NAME(ARGS) "format")')
    return pieces, model


def count_conversions(model, lineno):
    count = 0
    i = 0
    while i < len(model):
        if model[i] != '%':
            i += 1
            continue
        if model.startswith('%%', i):
            i += 2
            continue
        m = CONV_RE.match(model, i + 1)
        if not m:
            raise TraceError(lineno, "bad conversion '%s' in format"
                             % model[i:i + 4].rstrip())
        count += 1
        count += m.group(0).count('*')
        i = m.end()
    return count


def parse_line(line, lineno):
    m = LINE_RE.match(line)
    if not m:
        raise TraceError(lineno, 'expected NAME(TYPE ARG, ...) "format"')
    head = m.group('head').split()
    if not head:
        raise TraceError(lineno, 'missing event name before "("')
    name = head[-1]
    props = head[:-1]
    if not IDENT_RE.match(name):
        raise TraceError(lineno, "bad event name '%s' (must be a C "
                         "identifier)" % name)
    for p in props:
        if p not in PROPERTIES:
            raise TraceError(lineno, "unknown event property '%s' (known: "
                             "%s)" % (p, ', '.join(PROPERTIES)))
    args = parse_args(m.group('args'), lineno)
    pieces, model = parse_format(m.group('fmt'), lineno)
    if model.endswith('\n'):
        raise TraceError(lineno, 'format must not end with a newline '
                         '(the backend adds one)')
    n = count_conversions(model, lineno)
    if n != len(args):
        raise TraceError(lineno, 'format has %d conversion(s) but the event '
                         'has %d argument(s)' % (n, len(args)))
    return Event(name, props, args, pieces, lineno)


def parse_file(text):
    events = []
    names = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith('#'):
            continue
        ev = parse_line(stripped, lineno)
        key = ev.upper
        if key in names:
            raise TraceError(lineno, "event '%s' already declared at line %d"
                             % (ev.name, names[key]))
        names[key] = lineno
        events.append(ev)
    return events


def gen_header(events, group, backend, source):
    guard = 'TRACE_%s_GENERATED_H' % group.upper()
    out = [
        '/* SPDX-License-Identifier: GPL-2.0-or-later */',
        '/*',
        ' * Trace events of group "%s", generated by scripts/tracetool.py'
        % group,
        ' * (backend "%s") from %s.  Do not edit.' % (backend, source),
        ' */',
        '#ifndef %s' % guard,
        '#define %s' % guard,
        '',
        '#include "trace/control.h"',
        '',
    ]
    for ev in events:
        out.append('extern TraceEvent _TRACE_%s_EVENT;' % ev.upper)
        out.append('extern bool _TRACE_%s_DSTATE;' % ev.upper)
    if events:
        out.append('')
    for ev in events:
        live = ev.enabled() and backend == 'log'
        out.append('#define TRACE_%s_ENABLED %d'
                   % (ev.upper, 1 if ev.enabled() else 0))
        out.append('#define TRACE_%s_BACKEND_DSTATE() (%s)'
                   % (ev.upper,
                      '_TRACE_%s_DSTATE' % ev.upper if live else 'false'))
        out.append('')
        out.append('static inline void trace_%s(%s)' % (ev.name, ev.params()))
        out.append('{')
        if live:
            call_args = ''.join(', ' + a.name for a in ev.args)
            out.append('    if (G_UNLIKELY(_TRACE_%s_DSTATE)) {' % ev.upper)
            out.append('        trace_log_emit("%s " %s "\\n"%s);'
                       % (ev.name, ev.fmt_c(), call_args))
            out.append('    }')
        out.append('}')
        out.append('')
    out.append('#endif')
    return '\n'.join(out) + '\n'


def gen_source(events, group, backend, source, header_name):
    out = [
        '/* SPDX-License-Identifier: GPL-2.0-or-later */',
        '/*',
        ' * Trace event table of group "%s", generated by scripts/tracetool.py'
        % group,
        ' * (backend "%s") from %s.  Do not edit.' % (backend, source),
        ' */',
        '#include "qemu/osdep.h"',
        '#include "trace/control.h"',
        '#include "%s"' % header_name,
        '',
    ]
    for ev in events:
        out.append('bool _TRACE_%s_DSTATE;' % ev.upper)
        out.append('TraceEvent _TRACE_%s_EVENT = {' % ev.upper)
        out.append('    .name = "%s",' % ev.name)
        out.append('    .dstate = &_TRACE_%s_DSTATE,' % ev.upper)
        out.append('};')
        out.append('')
    out.append('static TraceEvent *trace_%s_events[] = {' % group)
    for ev in events:
        out.append('    &_TRACE_%s_EVENT,' % ev.upper)
    out.append('    NULL,')
    out.append('};')
    out.append('')
    out.append('static void __attribute__((constructor))')
    out.append('trace_%s_register_events(void)' % group)
    out.append('{')
    out.append('    trace_event_register_group(trace_%s_events);' % group)
    out.append('}')
    return '\n'.join(out) + '\n'


def write_file(path, text):
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv):
    ap = argparse.ArgumentParser(
        description='Generate trace event code from a trace-events file.')
    ap.add_argument('--backend', choices=BACKENDS, default='log')
    ap.add_argument('--group', required=True,
                    help='group name, e.g. hw_core for hw/core')
    ap.add_argument('input', help='trace-events file')
    ap.add_argument('out_h', help='header to write')
    ap.add_argument('out_c', help='C file to write')
    opts = ap.parse_args(argv)

    prog = os.path.basename(sys.argv[0])
    if not IDENT_RE.match(opts.group):
        print('%s: error: group \'%s\' is not a C identifier'
              % (prog, opts.group), file=sys.stderr)
        return 1
    try:
        with open(opts.input, encoding='utf-8') as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        print('%s: error: cannot read %s: %s' % (prog, opts.input, e),
              file=sys.stderr)
        return 1
    try:
        events = parse_file(text)
    except TraceError as e:
        print('%s:%d: error: %s' % (opts.input, e.lineno, e.msg),
              file=sys.stderr)
        return 1

    source = os.path.basename(opts.input)
    header = gen_header(events, opts.group, opts.backend, source)
    csrc = gen_source(events, opts.group, opts.backend, source,
                      os.path.basename(opts.out_h))
    try:
        write_file(opts.out_h, header)
        write_file(opts.out_c, csrc)
    except OSError as e:
        print('%s: error: %s' % (prog, e), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
