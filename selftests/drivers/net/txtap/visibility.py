#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0

"""
Which transmit paths are visible to network taps (AF_PACKET ETH_P_ALL
sockets, tcpdump) on a real NIC, with net.core.bypass_xmit_tap off and on.

For every path N marker frames (IPv4/UDP to a fixed port, pktgen magic in
the payload) are sent on NETIF. Each case checks that exactly the expected
number (N or 0) was captured outgoing on NETIF, that the remote endpoint
received all N (counted by a tap on the remote interface) and that the
kernel logged no complaint ("protocol ... is buggy", WARN, BUG):

  path                           hook off  hook on
  pktgen start_xmit                  0        N
  pktgen queue_xmit                  N        N (never 2N)
  pktgen netif_receive               0        0 (N seen incoming, 0 remote)
  AF_PACKET sendto()                 N        N
  AF_PACKET PACKET_QDISC_BYPASS      0        N
  AF_XDP copy mode                   0        N
  AF_XDP zero-copy                   0        0 (no skb)
  tcpdump, pktgen start_xmit         0        N

Environment (besides NETIF, LOCAL_V4, REMOTE_V4, REMOTE_TYPE, REMOTE_ARGS,
see tools/testing/selftests/drivers/net/README.rst):
  TXTAP_NPKTS=N          frames per case (default 200)
  TXTAP_HOOK_ON=MASK     sysctl value for "hook on" (default 7)
  TXTAP_REQUIRE_HOOK=1   fail instead of skip the hook-on cases on a kernel
                         without net.core.bypass_xmit_tap
  KSFT_LIB=DIR           tools/testing/selftests of a kernel tree, when
                         running outside of it
"""

import tempfile

from lib.py import ksft_run, ksft_exit, ksft_eq, ksft_pr
from lib.py import NetDrvEpEnv
from txtap_lib import KernelLog, TapCounter, Tcpdump, Pktgen
from txtap_lib import bypass_tx, dst_ip, env_int, require_netif, set_hook
from txtap_lib import txgen, zc_refusal_reason
from lib.py import KsftSkipEx, defer

NPKTS = env_int("TXTAP_NPKTS", 200)
HOOK_ON = env_int("TXTAP_HOOK_ON", 7)
SEND_TIMEOUT = env_int("TXTAP_SEND_TIMEOUT", 60)
NETIF_RX_DELAY_NS = env_int("TXTAP_NETIF_RX_DELAY_NS", 100000)


############################################################################
# senders: prepare(cfg, n) does the setup and returns go(), which sends and
# returns the number of frames sent


def pktgen(mode):
    def prepare(cfg, n):
        pg = Pktgen(cfg.ifname)
        # netif_receive injects into NETIF's own receive path
        pg.setup(n, mode, dst_ip(cfg), cfg.remote_dev["address"])
        if mode == "netif_receive":
            # Pace it: a run that ends within one clock reading (seen
            # under QEMU TCG: started == stopped) makes pktgen's
            # show_results() divide by a zero elapsed time and oops.
            pg.set(f"delay {NETIF_RX_DELAY_NS}")
        return lambda: pg.run(SEND_TIMEOUT)["sent"]
    return prepare


def packet(mode):
    def prepare(cfg, n):
        return lambda: bypass_tx(cfg, mode, n, SEND_TIMEOUT)
    return prepare


def xsk_zc(cfg, n):
    reason = zc_refusal_reason(cfg)
    if reason:
        raise KsftSkipEx(reason)
    return lambda: txgen(cfg, "zc", n, timeout=SEND_TIMEOUT)["completed"]


############################################################################


def check_cell(cfg, hook, prepare, out, remote, incoming=None, tcpdump=False):
    """
    Send NPKTS frames; out/remote/incoming are the expected counts as
    fractions of N (1 or 0): outgoing on NETIF, incoming on the remote
    interface, incoming on NETIF (None: not counted).
    """
    n = NPKTS
    out, remote = out * n, remote * n
    set_hook(hook)
    klog = KernelLog()
    go = prepare(cfg, n)

    if tcpdump:
        cfg.require_cmd("tcpdump")
        tmpd = tempfile.TemporaryDirectory(prefix="txtap-")
        defer(tmpd.cleanup)
        cap = Tcpdump(cfg.ifname, f"{tmpd.name}/cap.pcap")
    else:
        cap = TapCounter(cfg.ifname, "out", out)
    peer = TapCounter(cfg.remote_ifname, "in", remote, host=cfg.remote)
    inc = None
    if incoming is not None:
        incoming *= n
        inc = TapCounter(cfg.ifname, "in", incoming)

    sent = go()

    # counters expecting frames end by themselves; by the time they did,
    # the frames went through the transmit path and the others can stop
    res = {}
    if remote:
        res["received"] = peer.collect()
    if inc:
        res["incoming"] = inc.collect()
    if tcpdump:
        res["captured"], dropped = cap.collect()
        ksft_eq(dropped, 0, "tcpdump: packets dropped by kernel")
    else:
        res["captured"] = cap.collect()
    if not remote:
        res["received"] = peer.collect()

    ksft_pr(f"hook {hook}: sent {sent}, " +
            ", ".join(f"{k} {v}" for k, v in res.items()))
    ksft_eq(sent, n, "frames sent")
    ksft_eq(res["captured"], out,
            f"frames captured outgoing on {cfg.ifname}")
    ksft_eq(res["received"], remote,
            f"frames received by the remote {cfg.remote_ifname}")
    if inc:
        ksft_eq(res["incoming"], incoming,
                f"frames seen incoming on {cfg.ifname}")
    ksft_eq(klog.complaints(), [], "kernel log complaints")


# name, sender, expected (out, remote, incoming) with the hook off, on
CELLS = [
    ("pktgen_start_xmit", pktgen("start_xmit"), (0, 1, None), (1, 1, None)),
    ("pktgen_queue_xmit", pktgen("queue_xmit"), (1, 1, None), (1, 1, None)),
    ("pktgen_netif_receive", pktgen("netif_receive"), (0, 0, 1), (0, 0, 1)),
    ("af_packet", packet("packet"), (1, 1, None), (1, 1, None)),
    ("af_packet_qdisc_bypass", packet("packet-bypass"),
     (0, 1, None), (1, 1, None)),
    ("af_xdp_copy", packet("xsk-copy"), (0, 1, None), (1, 1, None)),
    ("af_xdp_zerocopy", xsk_zc, (0, 1, None), (0, 1, None)),
]


def make_case(name, hook, prepare, exp, tcpdump=False):
    def case(cfg):
        check_cell(cfg, hook, prepare, *exp, tcpdump=tcpdump)
    case.__name__ = name
    return case


def cases():
    ret = []
    for name, prepare, off, on in CELLS:
        ret.append(make_case(f"test_{name}_hook_off", 0, prepare, off))
        ret.append(make_case(f"test_{name}_hook_on", HOOK_ON, prepare, on))
    # the question that started it all: does tcpdump see pktgen?
    ret.append(make_case("test_tcpdump_pktgen_start_xmit_hook_off", 0,
                         pktgen("start_xmit"), (0, 1, None), tcpdump=True))
    ret.append(make_case("test_tcpdump_pktgen_start_xmit_hook_on", HOOK_ON,
                         pktgen("start_xmit"), (1, 1, None), tcpdump=True))
    return ret


def main() -> None:
    require_netif(__file__)
    with NetDrvEpEnv(__file__) as cfg:
        ksft_run(cases(), args=(cfg, ))
    ksft_exit()


if __name__ == "__main__":
    main()
