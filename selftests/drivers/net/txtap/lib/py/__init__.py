# SPDX-License-Identifier: GPL-2.0

"""
Driver test environment for the txtap tests, the same shim as
drivers/net/hw/lib/py: re-exports the net/lib/py and drivers/net/lib/py
helpers of the kernel selftests tree.

Installed in a kernel tree (tools/testing/selftests/drivers/net/txtap) the
tree is found relative to this file. Run from elsewhere (e.g. the txtap
repository), set KSFT_LIB to the tools/testing/selftests directory of a
kernel source tree, as for selftests/net/bypass_xmit_tap.
"""

import os
import sys
from pathlib import Path

KSFT_DIR = (Path(__file__).parent / "../../../../..").resolve()
if os.environ.get("KSFT_LIB"):
    KSFT_DIR = Path(os.environ["KSFT_LIB"]).resolve()

if not (KSFT_DIR / "net/lib/py/__init__.py").exists() or \
   not (KSFT_DIR / "drivers/net/lib/py/__init__.py").exists():
    print("TAP version 13")
    print(f"1..0 # SKIP kselftest net/lib/py not found in {KSFT_DIR}, "
          "set KSFT_LIB=<kernel>/tools/testing/selftests")
    sys.exit(4)

try:
    sys.path.append(KSFT_DIR.as_posix())

    # Import one by one to avoid pylint false positives
    from net.lib.py import NetNS, NetNSEnter, NetdevSimDev, UserNetNS
    from net.lib.py import EthtoolFamily, NetdevFamily, NetshaperFamily, \
        NlError, RtnlFamily, DevlinkFamily, PSPFamily, Netlink
    from net.lib.py import CmdExitFailure
    from net.lib.py import bkg, cmd, bpftool, bpftrace, defer, ethtool, \
        fd_read_timeout, ip, rand_port, rand_ports, wait_port_listen, \
        wait_file, tool
    from net.lib.py import bpf_map_set, bpf_map_dump, bpf_prog_map_ids
    from net.lib.py import KsftSkipEx, KsftFailEx, KsftXfailEx
    from net.lib.py import ksft_disruptive, ksft_exit, ksft_pr, ksft_run, \
        ksft_setup, ksft_variants, KsftNamedVariant, ksft_busy_wait
    from net.lib.py import ksft_eq, ksft_ge, ksft_in, ksft_is, ksft_lt, \
        ksft_ne, ksft_not_in, ksft_raises, ksft_true, ksft_gt, ksft_not_none
    from drivers.net.lib.py import GenerateTraffic, Remote, Iperf3Runner
    from drivers.net.lib.py import NetDrvEnv, NetDrvEpEnv, NetDrvContEnv

    __all__ = ["NetNS", "NetNSEnter", "NetdevSimDev", "UserNetNS",
               "EthtoolFamily", "NetdevFamily", "NetshaperFamily",
               "NlError", "RtnlFamily", "DevlinkFamily", "PSPFamily", "Netlink",
               "CmdExitFailure",
               "bkg", "cmd", "bpftool", "bpftrace", "defer", "ethtool",
               "fd_read_timeout", "ip", "rand_port", "rand_ports",
               "wait_port_listen", "wait_file", "tool",
               "bpf_map_set", "bpf_map_dump", "bpf_prog_map_ids",
               "KsftSkipEx", "KsftFailEx", "KsftXfailEx",
               "ksft_disruptive", "ksft_exit", "ksft_pr", "ksft_run",
               "ksft_setup", "ksft_variants", "KsftNamedVariant",
               "ksft_busy_wait",
               "ksft_eq", "ksft_ge", "ksft_in", "ksft_is", "ksft_lt",
               "ksft_ne", "ksft_not_in", "ksft_raises", "ksft_true", "ksft_gt",
               "ksft_not_none",
               "NetDrvEnv", "NetDrvEpEnv", "NetDrvContEnv", "GenerateTraffic",
               "Remote", "Iperf3Runner", "KSFT_DIR"]
except ModuleNotFoundError as e:
    print("Failed importing `net` library from kernel sources")
    print(str(e))
    sys.exit(4)
