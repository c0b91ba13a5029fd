# SPDX-License-Identifier: GPL-2.0-or-later
#
# Running the emulator binary under test: the VM class starts it with one
# or more QMP monitors on Unix sockets in a private temporary directory,
# captures its stdout and stderr into log files, and offers the QMP
# operations the tests use (commands, events, passing file descriptors,
# orderly shutdown).  run_cli() runs the binary once for command-line
# tests.  The binary is $QEMU_TEST_BINARY, else <repo>/build/<name>.
# Every wait is bounded so that nothing can hang a test run.

import os
import shutil
import signal
import subprocess
import tempfile

from .qmp import QMPClient, QMPError, QMPProtocolError, QMPTimeoutError

BINARY_NAME = 'qemu-system-aarch64'
SRC_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))

DEFAULT_TIMEOUT = float(os.environ.get('QEMU_TEST_TIMEOUT', '20'))


def binary_path():
    """The emulator under test."""
    path = os.environ.get('QEMU_TEST_BINARY')
    if not path:
        path = os.path.join(SRC_ROOT, 'build', BINARY_NAME)
    return path


def default_accel():
    """The accelerator the tests ask for: 'qtest' (no vCPUs) unless
    $QEMU_TEST_ACCEL says otherwise (e.g. 'tcg' to run the tests against
    a QEMU build that lacks qtest)."""
    return os.environ.get('QEMU_TEST_ACCEL', 'qtest')


def log_dir():
    """Where VM logs are kept: $QEMU_TEST_LOG_DIR, else a folder in the
    system's temporary directory."""
    path = os.environ.get('QEMU_TEST_LOG_DIR')
    if not path:
        path = os.path.join(tempfile.gettempdir(), 'qemu-test-logs')
    os.makedirs(path, exist_ok=True)
    return path


def run_cli(args, timeout=None, binary=None, env=None):
    """Run the binary once with ``args``, stdin closed.

    Returns (exit status, stdout, stderr) with both outputs as text.  A
    run that outlives ``timeout`` is killed and fails the test with
    AssertionError (a command-line error must make the binary exit).
    """
    argv = [binary or binary_path()] + list(args)
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout or DEFAULT_TIMEOUT, env=env,
                              errors='replace', check=False)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError('%s did not exit within %ss; stderr: %s'
                             % (' '.join(argv), exc.timeout,
                                _text(exc.stderr))) from None
    return proc.returncode, proc.stdout, proc.stderr


def _text(data):
    if data is None:
        return ''
    if isinstance(data, bytes):
        return data.decode(errors='replace')
    return data


class VM:
    """One emulator process with QMP monitors.

    ``VM(*args)`` adds ``args`` after the defaults
    ``-M virt -accel <default_accel()> -display none -nodefaults`` and the
    ``-qmp`` options (``machine=None``/``accel=None`` leave those options
    out).  ``monitors`` is how many QMP sockets to open; ``vm.monitors``
    are their clients and ``vm.qmp*`` methods use the first one.

    Use as a context manager, or call launch() and then shutdown() or
    kill(); both clean up.
    """

    def __init__(self, *args, machine='virt', accel=None, monitors=1,
                 negotiate=True, name=None, binary=None, timeout=None):
        self.binary = binary or binary_path()
        self.args = list(args)
        self.machine = machine
        self.accel = default_accel() if accel is None else accel
        self.nr_monitors = monitors
        self.do_negotiate = negotiate
        self.name = name or 'vm'
        self.timeout = timeout or DEFAULT_TIMEOUT
        self.monitors = []
        self.proc = None
        self.exitcode = None
        self.temp_dir = None
        self.stdout_path = None
        self.stderr_path = None
        self.log_path = None
        self._stdout = None
        self._stderr = None

    # ---- life cycle ----------------------------------------------------

    def __enter__(self):
        self.launch()
        return self

    def __exit__(self, exc_type, exc, tb):
        if self.proc is not None and self.exitcode is None:
            if exc_type is None:
                self.shutdown()
            else:
                self.kill()
        self._cleanup()
        return False

    def add_args(self, *args):
        """Append command-line arguments (before launch)."""
        self.args.extend(args)

    def socket_path(self, index=0):
        return os.path.join(self.temp_dir, 'qmp-%d.sock' % index)

    def argv(self):
        """The full command line that launch() runs."""
        argv = [self.binary]
        if self.machine is not None:
            argv += ['-M', self.machine]
        if self.accel is not None:
            argv += ['-accel', self.accel]
        argv += ['-display', 'none', '-nodefaults']
        for i in range(self.nr_monitors):
            argv += ['-qmp', 'unix:%s,server=on,wait=off'
                     % self.socket_path(i)]
        return argv + self.args

    def launch(self):
        """Start the process and connect (and negotiate) every monitor."""
        assert self.proc is None, 'VM already launched'
        if not os.path.exists(self.binary):
            raise FileNotFoundError('emulator binary %s not found (set '
                                    'QEMU_TEST_BINARY)' % self.binary)
        # AF_UNIX paths are short: keep the directory name small.
        self.temp_dir = tempfile.mkdtemp(prefix='qt-')
        self.stdout_path = os.path.join(self.temp_dir, 'stdout.log')
        self.stderr_path = os.path.join(self.temp_dir, 'stderr.log')
        argv = self.argv()
        self._stdout = open(self.stdout_path, 'wb')
        self._stderr = open(self.stderr_path, 'wb')
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=self._stdout,
                                     stderr=self._stderr)
        try:
            for i in range(self.nr_monitors):
                mon = QMPClient(self.socket_path(i), timeout=self.timeout)
                self.monitors.append(mon)
                mon.connect(alive=lambda: self.proc.poll() is None)
                if self.do_negotiate:
                    mon.negotiate()
        except Exception as exc:
            self.kill()
            raise AssertionError('launching %s failed: %s\n%s'
                                 % (' '.join(argv), exc,
                                    self._log_tail())) from exc
        return self

    def is_running(self):
        return self.proc is not None and self.proc.poll() is None

    def wait(self, timeout=None):
        """Wait for the process to exit; returns its exit status (negative:
        killed by that signal).  Kills it and raises on timeout."""
        try:
            self.exitcode = self.proc.wait(timeout=timeout or self.timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError('%s did not exit within %ss\n%s'
                                 % (self.name, timeout or self.timeout,
                                    self._log_tail())) from None
        self._close_logs()
        return self.exitcode

    def shutdown(self, expected_status=0, timeout=None):
        """Send ``quit`` on the first monitor, wait for the exit and
        assert its status.  Returns the status."""
        if self.exitcode is None and self.is_running():
            mon = self.monitors[0] if self.monitors else None
            if mon is not None and mon.sock is not None:
                try:
                    mon.send('quit')
                except OSError:
                    pass    # it is exiting already
        status = self.wait(timeout)
        for mon in self.monitors:
            try:
                mon.poll_events(0)
            except (QMPProtocolError, OSError):
                pass
            mon.close()
        self._save_log()
        if expected_status is not None and status != expected_status:
            raise AssertionError('%s exited with status %s, expected %s\n%s'
                                 % (self.name, status, expected_status,
                                    self._log_tail()))
        return status

    def send_signal(self, sig):
        self.proc.send_signal(sig)

    def kill(self, sig=signal.SIGKILL):
        """Kill the process (if still running) and reap it."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=self.timeout)
        self.exitcode = self.proc.returncode
        for mon in self.monitors:
            mon.close()
        self._close_logs()
        self._save_log()
        return self.exitcode

    def _close_logs(self):
        for f in (self._stdout, self._stderr):
            if f is not None and not f.closed:
                f.close()

    def _cleanup(self):
        self._close_logs()
        if self.temp_dir is not None:
            shutil.rmtree(self.temp_dir, ignore_errors=True)
            self.temp_dir = None

    # ---- output --------------------------------------------------------

    def _read(self, path):
        if path is None:
            return ''
        try:
            with open(path, 'rb') as f:
                return f.read().decode(errors='replace')
        except FileNotFoundError:
            return ''

    def get_stdout(self):
        return self._read(self.stdout_path)

    def get_stderr(self):
        return self._read(self.stderr_path)

    def _log_tail(self, lines=30):
        err = self.get_stderr().splitlines()[-lines:]
        return '--- stderr of %s ---\n%s' % (self.name, '\n'.join(err))

    def _save_log(self):
        """Keep the command line and both outputs in log_dir()."""
        if self.temp_dir is None or self.log_path is not None:
            return
        path = os.path.join(log_dir(), '%s-%d-%d.log'
                            % (self.name, os.getpid(), id(self)))
        with open(path, 'w') as f:
            f.write('command: %s\n' % ' '.join(self.argv()))
            f.write('exit status: %s\n' % self.exitcode)
            f.write('--- stdout ---\n%s' % self.get_stdout())
            f.write('--- stderr ---\n%s' % self.get_stderr())
        self.log_path = path

    # ---- QMP -----------------------------------------------------------

    @property
    def mon(self):
        return self.monitors[0]

    def qmp(self, cmd, args=None, msg_id=None, **kwargs):
        """Run ``cmd`` on the first monitor; return the full reply dict.

        Arguments are keyword arguments (``_`` in names becomes ``-``), or
        a dict in ``args`` for names that are not identifiers.  ``msg_id``
        is sent as the command's ``id`` (which QMP echoes in the reply).
        """
        if kwargs:
            args = dict(args or {})
            args.update({k.replace('_', '-'): v for k, v in kwargs.items()})
        return self.mon.command(cmd, args, id=msg_id)

    def cmd(self, cmd, args=None, **kwargs):
        """Like qmp() but returns ``return`` or raises QMPError."""
        reply = self.qmp(cmd, args, **kwargs)
        if 'error' in reply:
            raise QMPError(reply)
        if 'return' not in reply:
            raise QMPProtocolError('reply without return: %r' % reply)
        return reply['return']

    def send_fd_scm(self, fd, fdname):
        """Pass ``fd`` to the VM with ``getfd`` (the descriptor travels
        as SCM_RIGHTS ancillary data of the command); returns the reply."""
        return self.mon.command('getfd', {'fdname': fdname}, fds=[fd])

    def event_wait(self, name, timeout=None, match=None):
        return self.mon.event_wait(name, timeout, match)

    def get_events(self, wait=0.0):
        return self.mon.get_events(wait)

    def send_raw(self, data):
        self.mon.send_raw(data)

    def recv_reply(self, timeout=None):
        return self.mon.recv_reply(timeout)


__all__ = ['VM', 'QMPError', 'QMPProtocolError', 'QMPTimeoutError',
           'run_cli', 'binary_path', 'default_accel', 'log_dir', 'SRC_ROOT']
