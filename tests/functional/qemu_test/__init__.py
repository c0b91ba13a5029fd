# SPDX-License-Identifier: GPL-2.0-or-later
#
# The functional test harness: start the emulator binary, talk QMP to it,
# run it once with a command line.  Standard library only; tests are
# unittest.TestCase classes in tests/functional/test_*.py.

from .machine import (VM, SRC_ROOT, binary_path, default_accel, log_dir,
                      run_cli)
from .qmp import QMPClient, QMPError, QMPProtocolError, QMPTimeoutError

__all__ = ['VM', 'QMPClient', 'QMPError', 'QMPProtocolError',
           'QMPTimeoutError', 'SRC_ROOT', 'binary_path', 'default_accel',
           'log_dir', 'run_cli']
