"""What a query worker may not do, enforced by the kernel: open a network socket, outgrow its memory limit,
or outlive the server.

Network: pyoxigraph evaluates ``SERVICE <url>`` by making a real HTTP request (STACK.md), so the refusal of
SERVICE in :mod:`citykg.server.protocol` has a second line behind it. A seccomp filter makes ``socket()``
fail with EACCES for the internet families (AF_INET, AF_INET6), and ``io_uring_setup`` too (io_uring can
create sockets without the ``socket`` system call). Unix sockets and the worker's pipe keep working. The
filter is 13 classic-BPF instructions written here rather than taken from ``pyseccomp``: that package is
unmaintained since 2021 and needs libseccomp's shared library at run time, which a slim container may not
have; a filter this small is easier to read whole than a dependency is to trust.

Memory: ``RLIMIT_DATA`` caps the private writable memory (heap, anonymous mappings) but not the store's
memory-mapped files, so the limit is on what a query builds, not on the database size. A Rust allocation
that fails aborts the worker (SIGABRT), a Python one raises MemoryError: the pool answers both as the memory
limit being hit.
"""

from __future__ import annotations

import ctypes
import os
import platform
import resource
import struct
import threading
import time

# seccomp / BPF constants (linux/seccomp.h, linux/filter.h, linux/audit.h)
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
_RET_ALLOW, _RET_ERRNO = 0x7FFF0000, 0x00050000
_LD_ABS_W, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06
_EACCES, _AF_INET, _AF_INET6 = 13, 2, 10
_X32_SYSCALL_BIT = 0x40000000

#: machine → (audit arch, socket syscall number, io_uring_setup syscall number)
_ARCHES = {"x86_64": (0xC000003E, 41, 425), "aarch64": (0xC00000B7, 198, 425)}


class SandboxUnavailable(OSError):
    """The kernel or the machine type does not allow the network filter."""


def _filter_program(arch: int, socket_nr: int, io_uring_nr: int) -> bytes:
    """The BPF program: deny (EACCES) other ABIs, x32 calls, io_uring_setup and internet sockets."""
    deny = _RET_ERRNO | _EACCES
    program = [  # (code, jump if true, jump if false, k); jumps count the instructions skipped
        (_LD_ABS_W, 0, 0, 4),                   # 0  A = seccomp_data.arch
        (_JEQ, 1, 0, arch),                     # 1  native ABI → 3
        (_RET, 0, 0, deny),                     # 2
        (_LD_ABS_W, 0, 0, 0),                   # 3  A = seccomp_data.nr
        (_JGE, 7, 0, _X32_SYSCALL_BIT),         # 4  x32 call → deny (12)
        (_JEQ, 6, 0, io_uring_nr),              # 5  io_uring_setup → deny
        (_JEQ, 1, 0, socket_nr),                # 6  socket → 8
        (_RET, 0, 0, _RET_ALLOW),               # 7  any other call
        (_LD_ABS_W, 0, 0, 16),                  # 8  A = low 32 bits of args[0] (the address family)
        (_JEQ, 2, 0, _AF_INET),                 # 9  → deny
        (_JEQ, 1, 0, _AF_INET6),                # 10 → deny
        (_RET, 0, 0, _RET_ALLOW),               # 11 unix, netlink…: allowed
        (_RET, 0, 0, deny),                     # 12
    ]
    return b"".join(struct.pack("HBBI", *instruction) for instruction in program)


def forbid_network() -> None:
    """Make this process (and the threads it starts from now on) unable to open an internet socket."""
    machine = platform.machine()
    if machine not in _ARCHES:
        raise SandboxUnavailable(f"no network filter for {machine} machines")
    code = _filter_program(*_ARCHES[machine])
    buffer = ctypes.create_string_buffer(code, len(code))

    class _Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    program = _Program(len(code) // 8, ctypes.addressof(buffer))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0 or \
            libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(program), 0, 0) != 0:
        raise SandboxUnavailable(os.strerror(ctypes.get_errno()))


def limit_memory(max_bytes: int) -> None:
    """Cap the private memory of this process at ``max_bytes``."""
    resource.setrlimit(resource.RLIMIT_DATA, (max_bytes, max_bytes))


def die_with_parent() -> None:
    """End this process soon after the server's, however the server ended (even SIGKILL).

    ``PR_SET_PDEATHSIG`` would follow the thread that started the worker, and workers are restarted from
    short-lived threads; so a thread watches the parent instead (queries release the GIL, so it runs even
    while one is being evaluated).
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="citykg-parent-watch").start()
