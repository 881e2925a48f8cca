# SPDX-License-Identifier: BSD-3-Clause
"""xpdk-io's script and interactive modes (the C program xpdk-io runs
``python3 -P -m xpdk.io_shell ...`` for them; see doc/python.md).

    python3 -m xpdk.io_shell [--device NAME] [--display TEXT] [--region N] [--note TEXT]
                             (script FILE [ARGS...] | interactive)

Brings up the environment ($XPDK_EAL_ARGS, else hugepages when free, else --no-huge), opens
the device and region, installs opae.io's built-ins (xpdk.opae_builtins), then runs FILE as
``__main__`` with ``sys.argv = [FILE, ARGS...]``, or a Python console with opae.io's prompt.

Exit status: the script's (``sys.exit(n)``); 1 when it raises, or when the device or region
does not open; 2 for a usage error (no such script file).
"""

import builtins
import code
import os
import sys
import traceback

from . import opae_builtins
from ._xpdk import Error, env_hugepages_free, env_init

HISTORY = "~/.xpdk_io_history"
EAL_DEFAULT_HUGE = "-l 0 --no-telemetry"
EAL_DEFAULT_NOHUGE = "-l 0 --no-huge -m 64 --no-telemetry"


def _fail(msg, code=1):
    print("xpdk-io: %s" % msg, file=sys.stderr)
    return code


def _start_env():
    """The environment for DMA buffers; a failure is fatal only for PCI devices (said later,
    by the device)."""
    args = os.environ.get("XPDK_EAL_ARGS") or (
        EAL_DEFAULT_HUGE if env_hugepages_free() > 0 else EAL_DEFAULT_NOHUGE)
    try:
        env_init(args)
        return None
    except Error as e:
        return "no DMA buffers: the environment did not start (EAL args '%s'): %s" % (
            args, e.strerror)


def _parse(argv):
    opts = {"device": None, "display": None, "region": "0", "note": None}
    i = 0
    while i < len(argv) and argv[i].startswith("--"):
        key = argv[i][2:]
        if key not in opts or i + 1 >= len(argv):
            raise SystemExit(_fail("io_shell: bad option %r" % argv[i], 2))
        opts[key] = argv[i + 1]
        i += 2
    if i >= len(argv) or argv[i] not in ("script", "interactive"):
        raise SystemExit(_fail("io_shell: give 'script FILE [ARGS...]' or 'interactive'", 2))
    opts["region"] = int(opts["region"], 0)
    return opts, argv[i], argv[i + 1:]


def _open(opts):
    """Open the device and region; return (device, region, error sentence)."""
    if opts["device"] is None:
        return None, None, None
    try:
        dev = opae_builtins.Device(opts["device"])
    except Error as e:
        return None, None, "cannot open %s: %s" % (opts["display"] or opts["device"],
                                                   e.strerror)
    try:
        return dev, dev.region(opts["region"]), None
    except Error as e:
        dev.close()
        return None, None, e.strerror


def _script_globals(path):
    """__main__'s globals: opae.io's (os, sys, argparse, ... imported) and the built-ins."""
    import argparse
    import datetime
    import logging
    import uuid
    from pathlib import Path
    import xpdk
    return {"__name__": "__main__", "__file__": path, "__builtins__": builtins,
            "__doc__": None, "__package__": None, "argparse": argparse,
            "datetime": datetime, "logging": logging, "os": os, "sys": sys, "uuid": uuid,
            "Path": Path, "xpdk": xpdk}


def run_script(path, args):
    """Run ``path`` as __main__ with sys.argv = [path] + args; return the exit status."""
    if not os.path.isfile(path):
        return _fail("script '%s' does not exist or is not a file" % path, 2)
    try:
        with open(path, "rb") as f:
            source = f.read()
        compiled = compile(source, path, "exec")
    except (OSError, SyntaxError) as e:
        traceback.print_exception(type(e), e, e.__traceback__, limit=0)
        return 1
    sys.argv = [path] + list(args)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        exec(compiled, _script_globals(path))
    except SystemExit as e:
        if e.code is None:
            return 0
        if isinstance(e.code, int):
            return e.code
        print(e.code, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BaseException as e:  # noqa: B902  the script's own failure: show it, exit 1
        tb = e.__traceback__.tb_next if e.__traceback__ is not None else None
        traceback.print_exception(type(e), e, tb)
        return 1
    return 0


class _Prompt:
    """sys.ps1 that follows device() and region() calls."""

    def __str__(self):
        return opae_builtins.prompt()


class Console(code.InteractiveConsole):
    """Python's console, with opae.io's bare quit words (q, quit, exit)."""

    def push(self, line):
        if not self.buffer and line.strip() in ("q", "quit", "exit"):
            raise SystemExit(0)
        return super().push(line)


def _readline(namespace):
    """History in ~/.xpdk_io_history and tab completion, on a terminal."""
    try:
        import readline
        import rlcompleter
    except ImportError:
        return None
    path = os.path.expanduser(HISTORY)
    try:
        readline.read_history_file(path)
    except FileNotFoundError:
        pass
    except OSError as e:
        print("xpdk-io: error reading history %s: %s" % (path, e), file=sys.stderr)
    readline.set_history_length(1000)
    readline.set_completer(rlcompleter.Completer(namespace).complete)
    readline.parse_and_bind("tab: complete")
    return readline, path


def interact(banner):
    """A Python console with the built-ins until EOF, q, quit, exit or sys.exit()."""
    namespace = {"__name__": "__console__", "__doc__": None}
    namespace.update({k: v for k, v in _script_globals("<stdin>").items()
                      if k not in ("__name__", "__file__", "__builtins__")})
    rl = _readline(namespace) if sys.stdin.isatty() else None
    sys.ps1 = _Prompt()
    sys.ps2 = "... "
    status = 0
    try:
        Console(namespace, filename="<xpdk-io>").interact(banner=banner, exitmsg="")
    except SystemExit as e:
        status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    finally:
        if rl is not None:
            readline, path = rl
            try:
                readline.write_history_file(path)
            except OSError as e:
                print("xpdk-io: error writing history %s: %s" % (path, e), file=sys.stderr)
    return status


def _banner(dev, reg, opts_display, note, env_problem):
    from . import __version__
    if dev is not None:
        i = dev.info
        what = "%s (%04x:%04x, %s) region %d open" % (
            opts_display or dev.name, i.vendor, i.device, i.transport, reg.index())
    else:
        what = "no device open%s; device('ADDR') opens one" % (": " + note if note else "")
    extra = "; " + env_problem if env_problem else ""
    return ("xpdk-io %s, Python %d.%d: %s%s; help for the built-ins, Ctrl-D to quit"
            % (__version__, sys.version_info[0], sys.version_info[1], what, extra))


def main(argv=None):
    opts, mode, rest = _parse(sys.argv[1:] if argv is None else argv)
    if mode == "script" and not rest:
        return _fail("script needs FILE: xpdk-io [-d ADDR] [-r REGION] script FILE [ARGS...]",
                     2)
    if mode == "script" and not os.path.isfile(rest[0]):
        return _fail("script '%s' does not exist or is not a file" % rest[0], 2)
    env_problem = _start_env()
    dev, reg, err = _open(opts)
    if err is not None:
        return _fail(err + ("" if env_problem is None else " (" + env_problem + ")"))
    opae_builtins.install(dev, reg, opts["display"])
    if mode == "script":  # an environment problem shows when the script asks for a buffer
        return run_script(rest[0], rest[1:])
    return interact(_banner(dev, reg, opts["display"], opts["note"], env_problem))


if __name__ == "__main__":
    sys.exit(main())
