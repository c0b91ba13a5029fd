# SPDX-License-Identifier: GPL-2.0-or-later
#
# A small QMP client over a Unix socket for the functional tests: reads the
# greeting, negotiates capabilities, sends commands (optionally with a file
# descriptor attached through SCM_RIGHTS) and reads the server's output one
# line at a time, keeping asynchronous events apart from command replies.
# It can also send raw bytes, for tests that feed the server malformed
# input.  Every wait has a deadline, so a silent server fails a test
# instead of hanging it.

import json
import select
import socket
import time


class QMPError(Exception):
    """A command answered with an error reply.

    ``error_class`` and ``desc`` are the reply's ``error.class`` and
    ``error.desc``; ``reply`` is the whole reply.
    """

    def __init__(self, reply):
        err = reply.get('error', {})
        self.reply = reply
        self.error_class = err.get('class')
        self.desc = err.get('desc')
        super().__init__('%s: %s' % (self.error_class, self.desc))


class QMPProtocolError(Exception):
    """The server sent something that is not QMP, or closed the socket."""


class QMPTimeoutError(QMPProtocolError, TimeoutError):
    """Nothing (or not the expected message) arrived before the deadline."""


class QMPClient:
    """One QMP connection.

    Messages from the server are JSON objects, one per line.  Those with
    an ``event`` key are queued in ``events``; everything else is a reply
    (or the greeting) and is returned by ``recv_reply``.
    """

    def __init__(self, path, timeout=10.0):
        self.path = path
        self.timeout = timeout
        self.sock = None
        self.greeting = None
        self.events = []
        self._buf = b''
        self._eof = False

    # ---- connection ----------------------------------------------------

    def connect(self, timeout=None, alive=None):
        """Connect, retrying until the server listens or ``timeout``.

        ``alive`` is an optional callable; when it returns False (the
        server process died) the retry loop stops at once.  Returns the
        greeting.
        """
        deadline = time.monotonic() + (timeout or self.timeout)
        last = None
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(self.path)
                break
            except OSError as exc:
                sock.close()
                last = exc
            if alive is not None and not alive():
                raise QMPProtocolError('server exited before accepting a '
                                       'connection on %s' % self.path)
            if time.monotonic() >= deadline:
                raise QMPTimeoutError('cannot connect to %s: %s'
                                      % (self.path, last))
            time.sleep(0.02)
        self.sock = sock
        self.sock.setblocking(False)
        self.greeting = self.recv_reply(timeout)
        if 'QMP' not in self.greeting:
            raise QMPProtocolError('not a QMP greeting: %r' % self.greeting)
        return self.greeting

    def negotiate(self):
        """Leave capabilities negotiation mode (``qmp_capabilities``)."""
        reply = self.command('qmp_capabilities')
        if 'return' not in reply:
            raise QMPProtocolError('qmp_capabilities failed: %r' % reply)
        return reply

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    # ---- sending -------------------------------------------------------

    def send_raw(self, data, fds=()):
        """Send bytes as they are (no framing added)."""
        if isinstance(data, str):
            data = data.encode()
        if fds:
            # The descriptors ride on the first byte(s) of the message.
            sent = socket.send_fds(self.sock, [data], list(fds))
            data = data[sent:]
        if data:
            self._sendall(data)

    def _sendall(self, data):
        deadline = time.monotonic() + self.timeout
        while data:
            _, writable, _ = select.select([], [self.sock], [],
                                           max(0, deadline - time.monotonic()))
            if not writable:
                raise QMPTimeoutError('timed out sending to %s' % self.path)
            data = data[self.sock.send(data):]

    def send(self, cmd, args=None, id=None, fds=()):
        """Send one command; does not wait for the reply."""
        msg = {'execute': cmd}
        if args is not None:
            msg['arguments'] = args
        if id is not None:
            msg['id'] = id
        self.send_raw(json.dumps(msg).encode() + b'\n', fds)

    # ---- receiving -----------------------------------------------------

    def _read_line(self, deadline):
        """One line from the server, or None at end of file."""
        while b'\n' not in self._buf:
            if self._eof:
                if self._buf:
                    line, self._buf = self._buf, b''
                    return line
                return None
            remaining = deadline - time.monotonic()
            readable, _, _ = select.select([self.sock], [], [],
                                           max(0, remaining))
            if not readable:
                if remaining <= 0:
                    raise QMPTimeoutError('no message from %s within the '
                                          'timeout' % self.path)
                continue
            try:
                chunk = self.sock.recv(65536)
            except BlockingIOError:
                continue
            except ConnectionResetError:
                chunk = b''
            if not chunk:
                self._eof = True
            self._buf += chunk
        line, self._buf = self._buf.split(b'\n', 1)
        return line

    def recv_message(self, timeout=None):
        """Next message of any kind (reply, event or greeting).

        Raises QMPProtocolError at end of file.
        """
        deadline = time.monotonic() + (self.timeout if timeout is None
                                       else timeout)
        while True:
            line = self._read_line(deadline)
            if line is None:
                raise QMPProtocolError('connection to %s closed' % self.path)
            line = line.strip()
            if not line:
                continue
            try:
                msg = json.loads(line)
            except ValueError as exc:
                raise QMPProtocolError('bad JSON from server: %r (%s)'
                                       % (line, exc))
            if not isinstance(msg, dict):
                raise QMPProtocolError('server sent a non-object: %r' % msg)
            return msg

    def recv_reply(self, timeout=None):
        """Next non-event message; events met on the way are queued."""
        deadline = time.monotonic() + (self.timeout if timeout is None
                                       else timeout)
        while True:
            msg = self.recv_message(max(0, deadline - time.monotonic()))
            if 'event' in msg:
                self.events.append(msg)
                continue
            return msg

    def at_eof(self, timeout=None):
        """True once the server has closed the connection (events that
        arrive meanwhile are queued; any other message is an error)."""
        try:
            msg = self.recv_reply(timeout)
        except QMPTimeoutError:
            return False
        except QMPProtocolError:
            return True
        raise QMPProtocolError('unexpected message: %r' % msg)

    def command(self, cmd, args=None, id=None, fds=(), timeout=None):
        """Send a command and return its reply (a dict) unchanged."""
        self.send(cmd, args, id=id, fds=fds)
        return self.recv_reply(timeout)

    # ---- events --------------------------------------------------------

    def poll_events(self, timeout=0.0):
        """Read what is already on the socket, queueing events; a reply
        that arrives here is an error (no command is in flight)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                msg = self.recv_message(max(0, deadline - time.monotonic()))
            except QMPTimeoutError:
                return
            except QMPProtocolError:
                if self._eof:
                    return
                raise
            if 'event' not in msg:
                raise QMPProtocolError('reply with no command pending: %r'
                                       % msg)
            self.events.append(msg)

    def get_events(self, wait=0.0):
        """Return and clear the queued events (after reading for ``wait``
        seconds more)."""
        self.poll_events(wait)
        events, self.events = self.events, []
        return events

    def event_wait(self, name, timeout=None, match=None):
        """Wait for event ``name`` (whose ``data`` contains ``match``, if
        given), remove it from the queue and return it."""
        deadline = time.monotonic() + (self.timeout if timeout is None
                                       else timeout)
        while True:
            for i, ev in enumerate(self.events):
                if ev.get('event') == name and _matches(ev.get('data', {}),
                                                        match):
                    return self.events.pop(i)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise QMPTimeoutError('event %s not received within the '
                                      'timeout (queued: %s)'
                                      % (name, [e.get('event')
                                                for e in self.events]))
            try:
                msg = self.recv_message(remaining)
            except QMPTimeoutError:
                continue
            if 'event' not in msg:
                raise QMPProtocolError('reply with no command pending: %r'
                                       % msg)
            self.events.append(msg)


def _matches(data, match):
    """True if every key of ``match`` is in ``data`` with the same value
    (recursively for nested dicts)."""
    if match is None:
        return True
    if isinstance(match, dict):
        if not isinstance(data, dict):
            return False
        return all(k in data and _matches(data[k], v)
                   for k, v in match.items())
    return data == match
