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

Case names are stable: the counts go into the "#" lines. Settings
(README.rst), from the environment or net.config: NETIF, LOCAL_V4,
REMOTE_V4, REMOTE_TYPE, REMOTE_ARGS as for every driver test (see
tools/testing/selftests/drivers/net/README.rst), and
  TXTAP_REQUIRE_HOOK=1   fail instead of skip the hook-on cases on a kernel
                         without net.core.bypass_xmit_tap (or its RFC bits)
  KSFT_LIB=DIR           (environment) tools/testing/selftests of a kernel
                         tree, when running outside of it
"Hook on" is every bit the sysctl accepts (15 with the RFC, else 3); for
pktgen it is its flag TAP.
"""

import errno
import re
import tempfile

from lib.py import ksft_run, ksft_exit, ksft_eq, ksft_pr, ksft_variants
from lib.py import KsftNamedVariant, KsftSkipEx, cmd, defer
from txtap_lib import HoldingTap, KernelLog, TapCounter, Tcpdump, Pktgen
from txtap_lib import BIT_XDP_XMIT, BIT_XSK_ZC, PORT
from txtap_lib import bypass_tx, driver_of, dst_ip, ep_env, hook_on
from txtap_lib import require_bit, set_hook, txgen, xdp_redirect_into
from txtap_lib import xdp_tx_attach, zc_refusal_reason

# frames per case
NPKTS = 200
SEND_TIMEOUT = 60
# pktgen netif_receive's delay between frames
NETIF_RX_DELAY_NS = 100000


############################################################################
# senders: prepare(cfg, n, hook) does the setup and returns go(), which
# sends and returns the number of frames sent


def pktgen(mode):
    def prepare(cfg, n, hook):
        pg = Pktgen(cfg.ifname)
        # netif_receive injects into NETIF's own receive path
        pg.pg_setup(dst_ip(cfg), cfg.remote_dev["address"], n, mode)
        if hook:
            # pktgen has no sysctl bit: its per-device flag is the hook
            pg.pg_set("flag TAP")
        if mode == "netif_receive":
            # Pace it: a run that ends within one clock reading (seen
            # under QEMU TCG: started == stopped) makes pktgen's
            # show_results() divide by a zero elapsed time and oops.
            pg.pg_set(f"delay {NETIF_RX_DELAY_NS}")
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
    require_bit(cfg, hook, BIT_XSK_ZC)
    return lambda: txgen(cfg, "zc", n, timeout=SEND_TIMEOUT)["completed"]


def xdp_redirect(cfg, n, hook):
    """Frames sent into a local veth pair are redirected by a native XDP
    program on its far end into NETIF (ndo_xdp_xmit(), no skb)."""
    require_bit(cfg, hook, BIT_XDP_XMIT)
    # the drivers take ndo_xdp_xmit() frames only with a program of their
    # own; no native XDP (e1000, e1000e) -> SKIP
    xdp_tx_attach(cfg, "xdpdrv")
    veth = xdp_redirect_into(cfg)
    return lambda: bypass_tx(cfg, "packet", n, SEND_TIMEOUT, ifname=veth)


############################################################################


def check_cell(cfg, on, prepare, out, remote, incoming=None, tcpdump=False):
    """
    Send NPKTS frames with the hook off or on; out/remote/incoming are the
    expected counts as fractions of N (1 or 0): outgoing on NETIF,
    incoming on the remote interface, incoming on NETIF (None: not
    counted).
    """
    n = NPKTS
    out, remote = out * n, remote * n
    hook = hook_on(cfg) if on else 0
    set_hook(cfg, hook)
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


def _capture_variants():
    for name, prepare, off, on in CELLS:
        yield KsftNamedVariant(f"{name}_hook_off", prepare, False, off)
        yield KsftNamedVariant(f"{name}_hook_on", prepare, True, on)


@ksft_variants(_capture_variants())
def test_capture(cfg, prepare, on, expected):
    """Frames captured outgoing by a counting tap (tap_count)."""
    check_cell(cfg, on, prepare, *expected)


@ksft_variants([
    # the question that started it all: does tcpdump see pktgen?
    KsftNamedVariant("pktgen_start_xmit_hook_off", pktgen("start_xmit"),
                     False, (0, 1, None)),
    KsftNamedVariant("pktgen_start_xmit_hook_on", pktgen("start_xmit"),
                     True, (1, 1, None)),
    # and zero-copy AF_XDP, with the RFC
    KsftNamedVariant("af_xdp_zerocopy_hook_on", xsk_zc, True, (1, 1, None)),
])
def test_tcpdump(cfg, prepare, on, expected):
    """Frames tcpdump captured on NETIF."""
    check_cell(cfg, on, prepare, *expected, tcpdump=True)


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


# name, xmit_mode, sysctl on, extra pktgen commands, tapped, only where the
# driver pads (the others count the same on every NIC)
HOLDING = [
    ("start_xmit_hook_off", "start_xmit", False, [], False, True),
    ("start_xmit_flag_tap", "start_xmit", False, ["flag TAP"], True, False),
    ("start_xmit_sysctl_only", "start_xmit", True, [], False, True),
    ("start_xmit_burst", "start_xmit", False, ["flag TAP", "burst 4"], True,
     True),
    ("start_xmit_clone_skb", "start_xmit", False,
     ["flag TAP", "clone_skb 8"], True, True),
    ("queue_xmit", "queue_xmit", False, [], True, False),
    ("queue_xmit_clone_skb", "queue_xmit", False, ["clone_skb 8"], True,
     True),
]


@ksft_variants([KsftNamedVariant(*h) for h in HOLDING])
def test_holding_tap_short(cfg, mode, on, extra, tapped, pad_only):
    """Short frames with a tap that holds its clones."""
    n = NPKTS
    drv = driver_of(cfg.ifname)
    if pad_only and drv not in PADS_SHORT_FRAMES:
        raise KsftSkipEx(f"{drv} does not pad {SHORT_PKT_SIZE + 16} byte "
                         "frames in software, nothing expands the head here "
                         f"(runs on {', '.join(PADS_SHORT_FRAMES)})")
    set_hook(cfg, hook_on(cfg) if on else 0)
    klog = KernelLog()
    pg = Pktgen(cfg.ifname)
    pg.pg_setup(dst_ip(cfg), cfg.remote_dev["address"], n, mode,
                size=SHORT_PKT_SIZE)
    for c in extra:
        try:
            pg.pg_set(c)
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
    set_hook(cfg, hook_on(cfg))
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


@ksft_variants([KsftNamedVariant(f"{name}_hook_on", prepare, addrs)
                for name, prepare, addrs in COOKED])
def test_cooked_tap(cfg, prepare, addrs):
    """A cooked tap (SOCK_DGRAM) sees IPv4 frames with their addresses."""
    n = NPKTS
    hook = hook_on(cfg)
    set_hook(cfg, hook)
    klog = KernelLog()
    go = prepare(cfg, n, hook)
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


# tcpdump -i any -e itself: the frames must be shown as outgoing IPv4/UDP
# with the right addresses (on the kernel without the xsk header fix they
# were "ethertype Unknown (0x0000)" and did not even match the filter)
TCPDUMP_ANY_LINE = re.compile(
    r" Out .*ethertype IPv4 \(0x0800\).*: " +
    re.escape(BYPASS_TX_SRC) + r"\.\d+ > " + re.escape(BYPASS_TX_DST) +
    rf"\.{PORT}: UDP")


@ksft_variants([KsftNamedVariant("xsk_copy_hook_on", "xsk-copy")])
def test_tcpdump_any(cfg, mode):
    """tcpdump -i any -e shows the frames as outgoing IPv4/UDP."""
    n = NPKTS
    cfg.require_cmd("tcpdump")
    set_hook(cfg, hook_on(cfg))
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


def main() -> None:
    with ep_env(__file__) as cfg:
        ksft_run([test_capture, test_tcpdump, test_holding_tap_short,
                  test_holding_tap_xsk_copy_contents, test_cooked_tap,
                  test_tcpdump_any], args=(cfg, ))
    ksft_exit()


if __name__ == "__main__":
    main()
