"""A process that cannot open network connections: the second wall behind the query check.

`forbid_network()` installs a seccomp filter in the calling process so that
`socket()` fails with EACCES for every address family but AF_UNIX (the pipes
to the parent stay usable), and `io_uring_setup()` fails too, since io_uring
can open sockets without calling `socket()`. The filter cannot be lifted and
is inherited by threads and children, so a query engine running here cannot
reach any host, loopback included, whatever the query asks for: pyoxigraph
evaluates SERVICE with its own HTTP client, which no Python hook can stop.

Linux only, x86_64 and aarch64; elsewhere `forbid_network()` says why it could
not, and the caller decides (the query worker then refuses queries its parser
check cannot vouch for, as the main process does).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno
import platform
import struct
import sys

# <linux/audit.h>, <asm/unistd.h>: (audit arch, socket, io_uring_setup, seccomp)
_ARCHES = {
    "x86_64": (0xC000003E, 41, 425, 317),
    "aarch64": (0xC00000B7, 198, 425, 277),
}
_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_AF_UNIX = 1
_X32_BIT = 0x40000000          # x32 system calls on x86_64: not ours, refused

# classic BPF opcodes
_LD_ABS = 0x20                 # BPF_LD | BPF_W | BPF_ABS
_JEQ = 0x15                    # BPF_JMP | BPF_JEQ | BPF_K
_JGE = 0x35                    # BPF_JMP | BPF_JGE | BPF_K
_RET = 0x06                    # BPF_RET | BPF_K

_installed = False


class _Filter(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _program(arch: int, nr_socket: int, nr_io_uring: int) -> bytes:
    deny = _RET_ERRNO | errno.EACCES
    # seccomp_data: int nr @0, u32 arch @4, u64 ip @8, u64 args[6] @16 (low word first: little-endian)
    code = [
        (_LD_ABS, 0, 0, 4),                 # 0  A = arch
        (_JEQ, 1, 0, arch),                 # 1  our arch? go on : refuse
        (_RET, 0, 0, deny),                 # 2
        (_LD_ABS, 0, 0, 0),                 # 3  A = syscall number
        (_JGE, 4, 0, _X32_BIT),             # 4  x32 call → 9
        (_JEQ, 3, 0, nr_io_uring),          # 5  io_uring_setup → 9
        (_JEQ, 0, 3, nr_socket),            # 6  socket? → 7 : allow (10)
        (_LD_ABS, 0, 0, 16),                # 7  A = family (args[0])
        (_JEQ, 1, 0, _AF_UNIX),             # 8  AF_UNIX → allow (10) : refuse (9)
        (_RET, 0, 0, deny),                 # 9
        (_RET, 0, 0, _RET_ALLOW),           # 10
    ]
    return b"".join(struct.pack("=HBBI", *insn) for insn in code)


def forbid_network() -> str | None:
    """Forbid this process any network socket from now on; None, or why it could not."""
    global _installed
    if _installed:
        return None
    if sys.platform != "linux":
        return f"seccomp is Linux-only (this is {sys.platform})"
    machine = platform.machine()
    if machine not in _ARCHES:
        return f"no seccomp filter for the {machine} architecture"
    arch, nr_socket, nr_io_uring, nr_seccomp = _ARCHES[machine]
    if sys.byteorder != "little":
        return "the filter reads the socket family as a little-endian word"
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    # without no_new_privs an unprivileged process may not install a filter
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return f"prctl(PR_SET_NO_NEW_PRIVS) failed: {errno.errorcode.get(ctypes.get_errno(), '?')}"
    code = _program(arch, nr_socket, nr_io_uring)
    buffer = ctypes.create_string_buffer(code, len(code))
    prog = _Filter(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    # TSYNC: every thread of the process, not only the caller (pyoxigraph may have started some)
    if libc.syscall(nr_seccomp, _SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC, ctypes.byref(prog)) != 0:
        return f"seccomp(SET_MODE_FILTER) failed: {errno.errorcode.get(ctypes.get_errno(), '?')}"
    _installed = True
    return None
