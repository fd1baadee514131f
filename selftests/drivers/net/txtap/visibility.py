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
  AF_XDP zero-copy                   0        N (bit 0x4, RFC: a copy)
  native XDP_REDIRECT into NETIF     0        N (bit 0x8, RFC: a copy)
  generic XDP_TX                     0        N (bit 0x2; N back at remote)
  native XDP_TX                      0        0 (no skb; N back at remote)
  tcpdump, pktgen start_xmit         0        N
  tcpdump, AF_XDP zero-copy          -        N (bit 0x4, RFC)

The RFC cases (patches/rfc-net-next) skip on a kernel without its bits,
or fail under TXTAP_REQUIRE_HOOK=1. Native XDP_REDIRECT: frames sent into
a local veth pair are redirected by xdp_redirect.bpf.o (the series
selftest's, on the far end, native) through a devmap into NETIF, which
gets xdp_bounce.bpf.o so that its driver takes ndo_xdp_xmit() frames.

The XDP_TX cases bounce N frames the remote endpoint sends to NETIF back
with xdp_bounce.bpf.o; native XDP_TX skips on drivers without native XDP
(e1000, e1000e). A cooked tap (SOCK_DGRAM, as tcpdump -i any)
must see every visible path's frames as ETH_P_IP with the right addresses.

Environment (besides NETIF, LOCAL_V4, REMOTE_V4, REMOTE_TYPE, REMOTE_ARGS,
see tools/testing/selftests/drivers/net/README.rst):
  TXTAP_NPKTS=N          frames per case (default 200)
  TXTAP_HOOK_ON=MASK     sysctl value for "hook on" (default: every bit
                         the kernel accepts, 15 with the RFC, else 3);
                         pktgen's "hook on" is its flag TAP
  TXTAP_REQUIRE_HOOK=1   fail instead of skip the hook-on cases on a kernel
                         without net.core.bypass_xmit_tap
  KSFT_LIB=DIR           tools/testing/selftests of a kernel tree, when
                         running outside of it
"""

import tempfile

from lib.py import ksft_run, ksft_exit, ksft_eq, ksft_pr
from lib.py import NetDrvEpEnv
import errno
import re

from txtap_lib import HoldingTap, KernelLog, TapCounter, Tcpdump, Pktgen
from txtap_lib import bypass_tx, driver_of, dst_ip, env_int, require_netif
from txtap_lib import PORT, set_hook, xdp_tx_attach
from txtap_lib import txgen, zc_refusal_reason
from txtap_lib import BIT_XDP_XMIT, BIT_XSK_ZC, hook_mask_all, require_bit
from txtap_lib import xdp_redirect_into
from lib.py import KsftSkipEx, cmd, defer

NPKTS = env_int("TXTAP_NPKTS", 200)
# every bit the kernel accepts: 15 with patches/rfc-net-next, else 3
HOOK_ON = env_int("TXTAP_HOOK_ON", 0) or hook_mask_all()
SEND_TIMEOUT = env_int("TXTAP_SEND_TIMEOUT", 60)
NETIF_RX_DELAY_NS = env_int("TXTAP_NETIF_RX_DELAY_NS", 100000)


############################################################################
# senders: prepare(cfg, n) does the setup and returns go(), which sends and
# returns the number of frames sent


def pktgen(mode):
    def prepare(cfg, n, hook):
        pg = Pktgen(cfg.ifname)
        # netif_receive injects into NETIF's own receive path
        pg.setup(n, mode, dst_ip(cfg), cfg.remote_dev["address"])
        if hook:
            # pktgen has no sysctl bit: its per-device flag is the hook
            pg.set("flag TAP")
        if mode == "netif_receive":
            # Pace it: a run that ends within one clock reading (seen
            # under QEMU TCG: started == stopped) makes pktgen's
            # show_results() divide by a zero elapsed time and oops.
            pg.set(f"delay {NETIF_RX_DELAY_NS}")
        return lambda: pg.run(SEND_TIMEOUT)["sent"]
    return prepare


def packet(mode):
    def prepare(cfg, n, _hook):
        return lambda: bypass_tx(cfg, mode, n, SEND_TIMEOUT)
    return prepare


def xdp_tx(mode):
    """The remote endpoint sends, NETIF's XDP program (mode xdpgeneric or
    xdpdrv) sends the frames back with XDP_TX."""
    def prepare(cfg, n, _hook):
        xdp_tx_attach(cfg, mode)
        return lambda: bypass_tx(cfg, "packet", n, SEND_TIMEOUT, remote=True)
    return prepare


def xsk_zc(cfg, n, hook):
    reason = zc_refusal_reason(cfg)
    if reason:
        raise KsftSkipEx(reason)
    require_bit(hook, BIT_XSK_ZC)
    return lambda: txgen(cfg, "zc", n, timeout=SEND_TIMEOUT)["completed"]


def xdp_redirect(cfg, n, hook):
    """Frames sent into a local veth pair are redirected by a native XDP
    program on its far end into NETIF (ndo_xdp_xmit(), no skb)."""
    require_bit(hook, BIT_XDP_XMIT)
    # the drivers take ndo_xdp_xmit() frames only with a program of their
    # own; no native XDP (e1000, e1000e) -> SKIP
    xdp_tx_attach(cfg, "xdpdrv")
    veth = xdp_redirect_into(cfg)
    return lambda: bypass_tx(cfg, "packet", n, SEND_TIMEOUT, ifname=veth)


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
    go = prepare(cfg, n, hook)

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
    # without an skb: a copy for the taps, with the RFC's bits
    ("af_xdp_zerocopy", xsk_zc, (0, 1, None), (1, 1, None)),
    ("native_xdp_redirect", xdp_redirect, (0, 1, None), (1, 1, None)),
    # XDP runs before the receive taps: nothing is seen incoming
    ("generic_xdp_tx", xdp_tx("xdpgeneric"), (0, 1, 0), (1, 1, 0)),
    ("native_xdp_tx", xdp_tx("xdpdrv"), (0, 1, 0), (0, 1, 0)),
]


############################################################################
# a tap that holds its clones, short frames: the driver pads (e1000,
# e1000e, igb) and so has to expand the head of an skb that pktgen shares
# (SHARED, the default) and the tap's clone made cloned. pskb_expand_head()
# BUGs on a shared skb: the kernel without the fix panics here, in
# queue_xmit mode (xmit_one()'s tap) as with the TAP flag.

SHORT_PKT_SIZE = 42     # 58 byte frames with pktgen's header, padded to 60
# drivers that pad a 58 byte frame in software (eth_skb_pad()); e1000e and
# igb pad only to 17 bytes, virtio_net not at all
PADS_SHORT_FRAMES = ("e1000",)


def check_holding_tap(cfg, mode, hook, extra, tapped, pad_only=False):
    n = NPKTS
    drv = driver_of(cfg.ifname)
    if pad_only and drv not in PADS_SHORT_FRAMES:
        raise KsftSkipEx(f"{drv} does not pad {SHORT_PKT_SIZE + 16} byte "
                         "frames in software, nothing expands the head here "
                         f"(runs on {', '.join(PADS_SHORT_FRAMES)})")
    set_hook(hook)
    klog = KernelLog()
    pg = Pktgen(cfg.ifname)
    pg.setup(n, mode, dst_ip(cfg), cfg.remote_dev["address"],
             size=SHORT_PKT_SIZE)
    for c in extra:
        try:
            pg.set(c)
        except OSError as e:
            if e.errno == errno.EOPNOTSUPP:
                raise KsftSkipEx(f"{cfg.ifname} refuses '{c}' in {mode} "
                                 "mode (no IFF_TX_SKB_SHARING)") from e
            raise
    hold = HoldingTap(cfg.ifname)
    peer = TapCounter(cfg.remote_ifname, "in", n, host=cfg.remote)

    sent = pg.run(SEND_TIMEOUT)["sent"]
    received = peer.collect()
    held = hold.count()

    ksft_pr(f"{mode} {' '.join(extra)}: sent {sent}, held by the tap "
            f"{held}, received {received}")
    ksft_eq(sent, n, "frames sent")
    ksft_eq(held, n if tapped else 0, "frames held by the tap on "
            f"{cfg.ifname}")
    ksft_eq(received, n, f"frames received by the remote {cfg.remote_ifname}")
    ksft_eq(klog.complaints(), [], "kernel log complaints")


# name, xmit_mode, hook, extra pktgen commands, tapped, only where the
# driver pads (the others count the same on every NIC)
HOLDING = [
    ("start_xmit_hook_off", "start_xmit", 0, [], False, True),
    ("start_xmit_flag_tap", "start_xmit", 0, ["flag TAP"], True, False),
    ("start_xmit_sysctl_only", "start_xmit", HOOK_ON, [], False, True),
    ("start_xmit_burst", "start_xmit", 0, ["flag TAP", "burst 4"], True,
     True),
    ("start_xmit_clone_skb", "start_xmit", 0, ["flag TAP", "clone_skb 8"],
     True, True),
    ("queue_xmit", "queue_xmit", 0, [], True, False),
    ("queue_xmit_clone_skb", "queue_xmit", 0, ["clone_skb 8"], True, True),
]


# A holding tap keeps its frames past the transmit completion, after which
# AF_XDP reuses the umem frame for a later packet. The frames it holds must
# be the ones that were sent, not what the umem holds now: on devices with
# IFF_TX_SKB_NO_LINEAR (virtio-net) copy mode builds its skbs from the umem
# pages. A 64-entry ring has 128 umem frames, each reused several times.
# Where the device has no scatter-gather the skb is linearized before the
# taps see it and nothing can go wrong (QEMU's virtio-net without a
# backend that offers checksum offload, e1000, igb): the case skips there.
REUSE_PKTS = 1000


def test_holding_tap_xsk_copy_contents(cfg):
    n = REUSE_PKTS
    drv = driver_of(cfg.ifname)
    feats = cmd(f"ethtool -k {cfg.ifname}").stdout
    if drv != "virtio_net" or "scatter-gather: on" not in feats:
        raise KsftSkipEx(f"{drv}: AF_XDP copy-mode skbs are linear on this "
                         "device (IFF_TX_SKB_NO_LINEAR with scatter-gather "
                         "is virtio-net's with checksum offload)")
    set_hook(HOOK_ON)
    klog = KernelLog()
    hold = HoldingTap(cfg.ifname)
    peer = TapCounter(cfg.remote_ifname, "in", n, host=cfg.remote)
    sent = txgen(cfg, "copy", n, timeout=SEND_TIMEOUT,
                 extra=["--ring-size", "64"])["completed"]
    received = peer.collect()
    seqs = hold.seqs()
    repeats = len(seqs) - len(set(seqs))
    ksft_pr(f"sent {sent}, held by the tap {len(seqs)} with {repeats} "
            f"repeated sequence numbers, received {received}")
    ksft_eq(sent, n, "frames sent")
    ksft_eq(len(seqs), n, f"frames held by the tap on {cfg.ifname}")
    ksft_eq(repeats, 0, "frames held with the sequence number of a later "
            "frame (the tap read reused umem pages)")
    ksft_eq(received, n, f"frames received by the remote {cfg.remote_ifname}")
    ksft_eq(klog.complaints(), [], "kernel log complaints")


def make_holding_case(name, mode, hook, extra, tapped, pad_only):
    def case(cfg):
        check_holding_tap(cfg, mode, hook, extra, tapped, pad_only)
    case.__name__ = f"test_holding_tap_short_{name}"
    return case


############################################################################
# cooked capture (SOCK_DGRAM, as tcpdump -i any): the frames of every
# visible transmit path must come with their protocol and without their
# Ethernet header, as every other transmitted frame does

BYPASS_TX_SRC, BYPASS_TX_DST = "198.18.0.1", "198.18.0.2"


def pktgen_addrs(cfg):
    # pktgen's source is the first IPv4 address of its device
    return cfg.addr_v["4"], dst_ip(cfg)


def bypass_tx_addrs(_cfg):
    return BYPASS_TX_SRC, BYPASS_TX_DST


def bounced_addrs(_cfg):
    # the remote endpoint's bypass_tx frames, addresses swapped by XDP_TX
    return BYPASS_TX_DST, BYPASS_TX_SRC


def check_cooked(cfg, prepare, addrs):
    n = NPKTS
    set_hook(HOOK_ON)
    klog = KernelLog()
    go = prepare(cfg, n, HOOK_ON)
    src, dst = addrs(cfg)
    cooked = HoldingTap(cfg.ifname, cooked=True)
    peer = TapCounter(cfg.remote_ifname, "in", n, host=cfg.remote)
    sent = go()
    received = peer.collect()
    seen = cooked.count(src, dst)
    ksft_pr(f"sent {sent}, cooked IPv4 {src} -> {dst} {seen}, "
            f"received {received}")
    ksft_eq(sent, n, "frames sent")
    ksft_eq(seen, n, "frames seen by a cooked tap as IPv4/UDP with the "
            "right addresses")
    ksft_eq(received, n, f"frames received by the remote {cfg.remote_ifname}")
    ksft_eq(klog.complaints(), [], "kernel log complaints")


# name, sender (its hook on: the sysctl, and pktgen's flag TAP), addresses
COOKED = [
    ("pktgen_start_xmit_flag_tap", pktgen("start_xmit"), pktgen_addrs),
    ("pktgen_queue_xmit", pktgen("queue_xmit"), pktgen_addrs),
    ("packet", packet("packet"), bypass_tx_addrs),
    ("packet_bypass", packet("packet-bypass"), bypass_tx_addrs),
    ("xsk_copy", packet("xsk-copy"), bypass_tx_addrs),
    ("generic_xdp_tx", xdp_tx("xdpgeneric"), bounced_addrs),
    ("xsk_zerocopy", xsk_zc, pktgen_addrs),
    ("native_xdp_redirect", xdp_redirect, bypass_tx_addrs),
]


# tcpdump -i any -e itself: the frames must be shown as outgoing IPv4/UDP
# with the right addresses (on the kernel without the xsk header fix they
# were "ethertype Unknown (0x0000)" and did not even match the filter)
TCPDUMP_ANY_LINE = re.compile(
    r" Out .*ethertype IPv4 \(0x0800\).*: " +
    re.escape(BYPASS_TX_SRC) + r"\.\d+ > " + re.escape(BYPASS_TX_DST) +
    rf"\.{PORT}: UDP")


def check_tcpdump_any(cfg, mode):
    n = NPKTS
    cfg.require_cmd("tcpdump")
    set_hook(HOOK_ON)
    klog = KernelLog()
    tmpd = tempfile.TemporaryDirectory(prefix="txtap-")
    defer(tmpd.cleanup)
    pcap = f"{tmpd.name}/any.pcap"
    cap = Tcpdump("any", pcap)
    peer = TapCounter(cfg.remote_ifname, "in", n, host=cfg.remote)
    sent = bypass_tx(cfg, mode, n, SEND_TIMEOUT)
    received = peer.collect()
    captured, dropped = cap.collect()
    out = cmd(f"tcpdump -e -n -r {pcap}", fail=False).stdout.splitlines()
    shown = sum(1 for line in out if TCPDUMP_ANY_LINE.search(line))
    ksft_pr(f"{mode}: sent {sent}, tcpdump -i any captured {captured} "
            f"(dropped {dropped}), shown as IPv4/UDP {shown}, received "
            f"{received}; first: {out[0] if out else '-'}")
    ksft_eq(dropped, 0, "tcpdump: packets dropped by kernel")
    ksft_eq(shown, n, "frames tcpdump -i any -e shows as outgoing IPv4/UDP "
            f"{BYPASS_TX_SRC} > {BYPASS_TX_DST}.{PORT}")
    ksft_eq(received, n, f"frames received by the remote {cfg.remote_ifname}")
    ksft_eq(klog.complaints(), [], "kernel log complaints")


def make_tcpdump_any_case(mode):
    def case(cfg):
        check_tcpdump_any(cfg, mode)
    case.__name__ = f"test_tcpdump_any_{mode.replace('-', '_')}_hook_on"
    return case


def make_cooked_case(name, prepare, addrs):
    def case(cfg):
        check_cooked(cfg, prepare, addrs)
    case.__name__ = f"test_cooked_tap_{name}_hook_on"
    return case


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
    # and zero-copy AF_XDP, with the RFC
    ret.append(make_case("test_tcpdump_af_xdp_zerocopy_hook_on", HOOK_ON,
                         xsk_zc, (1, 1, None), tcpdump=True))
    ret += [make_holding_case(*h) for h in HOLDING]
    ret.append(test_holding_tap_xsk_copy_contents)
    ret += [make_cooked_case(*c) for c in COOKED]
    ret.append(make_tcpdump_any_case("xsk-copy"))
    return ret


def main() -> None:
    require_netif(__file__)
    with NetDrvEpEnv(__file__) as cfg:
        ksft_run(cases(), args=(cfg, ))
    ksft_exit()


if __name__ == "__main__":
    main()
