#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0

"""
txgen's XDP program on NETIF: the hostile cases of AF_XDP zero-copy
transmit on drivers that transmit only with an XDP program attached (igb,
igc, ixgbe, i40e, ice, mlx5 refuse the wakeup without one). txgen -m zc
attaches libxdp's program for the run when NETIF has none, and every exit
that can clean up takes it away again.

  case                    checks
  exit, sigint, sigterm   zero-copy; a program and an AF_XDP socket while
                          txgen runs; the frames it completed all counted
                          at the remote; neither program nor socket after
  sigkill                 the program stays (nothing could clean up); the
                          next txgen run names it (its id) and how to
                          remove it, and that command removes it
  attach_none.zc          --mode zc --attach none: one error line saying
                          that the driver needs a program, exit 1, nothing
                          at the remote (required of the drivers above),
                          or, on a driver that needs none, N at the remote
  attach_none.auto        --mode auto --attach none: copy mode with the
                          reason where zero-copy needs a program (required
                          of the drivers above), zero-copy elsewhere; N at
                          the remote; nothing attached after either
  two_queues.*            --queues 2 (and --shared-umem) in zero-copy: a
                          program and two sockets while it runs, N at the
                          remote, neither after

Frames go at TXTAP_XSK_RATE (default 2kpps): under TCG an unpaced
zero-copy sender outruns the emulated peer and QEMU drops the excess
without either port counting it (docs/lab.md); for the same reason the
remote's RX ring is set to its maximum for the file's run where the
driver allows it (igb: 4096 descriptors, 2 s at that rate, against 128 ms
with the default 256: one run of 15 lost 320 frames so), and set back
after. The file skips where
zero-copy is not available (e1000, e1000e: no native XDP); a case skips
where NETIF has an XDP program of its own already.
"""

import re
import signal

from lib.py import ksft_run, ksft_exit, ksft_eq, ksft_in, ksft_pr
from lib.py import ksft_true, ksft_variants, KsftNamedVariant
from lib.py import KsftFailEx, KsftSkipEx, bkg, cmd, defer, ip
from lib.py import ksft_busy_wait
import txtap_lib
from txtap_lib import KernelLog, TapCounter
from txtap_lib import driver_of, end_bkg, ep_env, run
from txtap_lib import rx_packets, setting, skip_all, txgen_summary
from txtap_lib import wait_carrier, wait_ready, xdp_detach, zc_refusal_reason

N = 2000
# the runs watched while they send: 3 s at 2 kpps, so that txgen's live
# line (once a second) comes well before their end
N_WATCHED = 3 * N
RUN_TIMEOUT = 120
# the remote counter's limit: under TCG a case's start, carrier waits and
# settling take tens of seconds
TAP_TIMEOUT_MS = 120000
# drivers whose ndo_xsk_wakeup() refuses without an XDP program (7.3)
NEEDS_PROG = ("igb", "igc", "ixgbe", "i40e", "ice", "mlx5_core")


def xdp_prog_id(ifname):
    """Id of the XDP program attached to ifname (any mode), or None."""
    link = ip(f"-d link show dev {ifname}", json=True)[0]
    xdp = link.get("xdp")
    if not xdp:
        return None
    if "prog" in xdp:
        return xdp["prog"].get("id")
    progs = xdp.get("attached", [])
    return progs[0].get("prog", {}).get("id") if progs else None


def xdp_sockets():
    """AF_XDP sockets in this network namespace (ss, sock_diag). The cases
    see one while txgen runs first: a kernel without XDP_SOCKETS_DIAG
    would show none ever, and fails there."""
    out = cmd("ss -H --xdp").stdout
    return len([l for l in out.splitlines() if l.strip()])


def detach_left(cfg):
    """Whatever a failed case left on NETIF, the next starts without it."""
    if xdp_prog_id(cfg.ifname) is not None:
        xdp_detach(cfg.ifname, "xdp")


def rate(cfg):
    return setting(cfg, "TXTAP_XSK_RATE", "2kpps", kind=str)


def require_clean(cfg):
    """No XDP program on NETIF, else SKIP (main() skipped the file where
    zero-copy is not possible)."""
    prog = xdp_prog_id(cfg.ifname)
    if prog is not None:
        raise KsftSkipEx(f"{cfg.ifname} has an XDP program (id {prog}) "
                         "already: txgen would not attach one")
    defer(detach_left, cfg)


def nothing_left(cfg, what):
    ksft_eq(xdp_prog_id(cfg.ifname), None,
            f"no XDP program on {cfg.ifname} after {what}")
    ksft_eq(xdp_sockets(), 0, f"no AF_XDP socket after {what}")


def settled_remote(cfg):
    """Wait (bounded) until the remote's rx_packets stops moving: the
    frames txgen completed last may still be on their way in."""
    last = [None]

    def still():
        cur = rx_packets(cfg.remote_ifname, host=cfg.remote)
        done = cur == last[0]
        last[0] = cur
        return done
    ksft_busy_wait(still, sleep=0.2, deadline=10,
                   comment=f"{cfg.remote_ifname}: rx_packets settles")


def link_counts(cfg):
    local = ip(f"-s link show dev {cfg.ifname}", json=True)[0]["stats64"]
    return (local["tx"]["packets"],
            rx_packets(cfg.remote_ifname, host=cfg.remote))


def link_deltas(cfg, before):
    """What the devices counted since before: a diagnosis, not a count
    (other frames, neighbour discovery, are in it too; igb sums its rings'
    counters, which restart when an XDP attach sets the rings up again)."""
    now = link_counts(cfg)
    return (f"{cfg.ifname} tx_packets +{now[0] - before[0]}, "
            f"{cfg.remote_ifname} rx_packets +{now[1] - before[1]}")


def txgen_argv(cfg, mode, extra=()):
    return txtap_lib.txgen_argv(cfg, mode, ["--rate", rate(cfg), *extra])


def bkg_run(cfg, sig, extra):
    """
    txgen -m zc in the background; once it sends (its live line on
    stderr, once a second) the program id and the AF_XDP sockets are read,
    then it is stopped by sig, or left to end by itself (sig None).
    Returns (exit status, stdout, stderr, program id, sockets while it ran).
    """
    proc = bkg(txgen_argv(cfg, "zc", extra), fail=False, exit_wait=True)
    defer(end_bkg, proc, False)
    early = wait_ready(proc, b"total sent", "stderr")
    if early is None:
        end_bkg(proc, False)
        raise KsftFailEx("txgen did not start sending: "
                         f"{proc.stderr.strip()}")
    prog = xdp_prog_id(cfg.ifname)
    socks = xdp_sockets()
    if sig is not None:
        proc.proc.send_signal(sig)
    proc.process(terminate=False, fail=False, timeout=RUN_TIMEOUT)
    return (proc.ret, proc.stdout, early.decode() + proc.stderr, prog,
            socks)


def counted_run(cfg, sig, extra):
    """
    bkg_run() with a tap counting txgen's frames at the remote and the
    devices' own counts around it. Returns (txgen's summary, frames the
    remote's tap counted, program id and AF_XDP sockets while it ran, the
    devices' counts) once txgen ended by itself (sig None) or by sig.
    """
    peer = TapCounter(cfg.remote_ifname, "in", 0, host=cfg.remote,
                      timeout_ms=TAP_TIMEOUT_MS)
    before = link_counts(cfg)
    ret, out, err, prog, socks = bkg_run(cfg, sig, extra)
    wait_carrier(cfg.ifname)
    what = "its end" if sig is None else sig.name
    ksft_eq(ret, 0, f"txgen's exit status after {what}: {err.strip()}")
    summary = txgen_summary(out)
    settled_remote(cfg)
    return summary, peer.collect(), prog, socks, link_deltas(cfg, before)


@ksft_variants([
    KsftNamedVariant("exit", None),
    KsftNamedVariant("sigint", signal.SIGINT),
    KsftNamedVariant("sigterm", signal.SIGTERM),
])
def test_zc_prog(cfg, sig):
    require_clean(cfg)
    klog = KernelLog()
    extra = ["-n", str(N_WATCHED)] if sig is None else \
        ["--duration", str(RUN_TIMEOUT)]
    summary, received, prog, socks, counts = counted_run(cfg, sig, extra)
    what = "txgen's end" if sig is None else sig.name
    ksft_pr(f"{driver_of(cfg.ifname)}: mode {summary.get('mode')}, completed "
            f"{summary.get('completed')}, received {received}; while it "
            f"ran: program {prog}, {socks} AF_XDP socket(s); {counts}")
    ksft_eq(summary.get("mode"), "zerocopy", "txgen's mode")
    ksft_true(prog is not None, f"an XDP program on {cfg.ifname} while "
              "txgen ran")
    ksft_eq(socks, 1, "AF_XDP sockets while txgen ran")
    if sig is None:
        ksft_eq(summary.get("completed"), N_WATCHED, "frames completed")
    else:
        ksft_true(summary.get("completed", 0) > 0, "frames completed")
    ksft_eq(received, summary.get("completed"),
            f"frames received by the remote {cfg.remote_ifname}")
    nothing_left(cfg, what)
    ksft_eq(klog.complaints(), [], "kernel log complaints")


def test_zc_prog_sigkill(cfg):
    require_clean(cfg)
    ret, _, err, prog, _ = bkg_run(cfg, signal.SIGKILL,
                                   ["--duration", str(RUN_TIMEOUT)])
    wait_carrier(cfg.ifname)
    ksft_eq(ret, -signal.SIGKILL, f"txgen killed: {err.strip()}")
    ksft_true(prog is not None, f"an XDP program on {cfg.ifname} while "
              "txgen ran")
    ksft_eq(xdp_prog_id(cfg.ifname), prog,
            f"the killed run's program still on {cfg.ifname}")
    ksft_eq(xdp_sockets(), 0, "no AF_XDP socket after SIGKILL")

    res = run(txgen_argv(cfg, "zc", ["-n", "100"]), RUN_TIMEOUT)
    wait_carrier(cfg.ifname)
    warn = [l for l in res.stderr.splitlines() if "txgen: warning:" in l]
    said = warn[0] if warn else ""
    ksft_pr(f"next run: exit {res.ret}; {said or 'no warning'}")
    ksft_eq(res.ret, 0, f"the next run: {res.stderr.strip()}")
    ksft_eq(len(warn), 1, "one warning about the program left behind")
    named = re.search(r"\(xsk_def_prog, id (\d+), ", said)
    # libxdp's dispatcher (kernels with BTF) is attached in front of the
    # program the warning names; without it, the program is the one
    if named and "in libxdp's dispatcher" not in said:
        ksft_eq(int(named.group(1)), prog, "the warning's program id")
    else:
        ksft_true(named is not None, "the warning names xsk_def_prog's id")
    ksft_eq(xdp_prog_id(cfg.ifname), prog, "the next run leaves it alone")
    how = re.search(r"'(ip link set [^']+ off)'", said)
    ksft_true(how is not None, "the warning says how to remove it with ip")
    if how:
        cmd(how.group(1))
        wait_carrier(cfg.ifname)
    nothing_left(cfg, f"'{how.group(1) if how else '?'}'")


@ksft_variants([
    KsftNamedVariant("zc", "zc"),
    KsftNamedVariant("auto", "auto"),
])
def test_attach_none(cfg, mode):
    require_clean(cfg)
    drv = driver_of(cfg.ifname)
    peer = TapCounter(cfg.remote_ifname, "in", 0, host=cfg.remote,
                      timeout_ms=TAP_TIMEOUT_MS)
    res = run(txgen_argv(cfg, mode, ["-n", str(N), "--attach", "none"]),
              RUN_TIMEOUT)
    wait_carrier(cfg.ifname)
    settled_remote(cfg)
    received = peer.collect()
    errors = [l for l in res.stderr.splitlines() if "txgen: error:" in l]
    summary = txgen_summary(res.stdout) if res.ret == 0 else {}
    said = errors[0] if errors else res.stderr.strip() if res.ret else \
        f"mode {summary.get('mode')} ({summary.get('mode_reason')})"
    ksft_pr(f"{drv}: exit {res.ret}, received {received}; {said}")
    # a driver that needs a program: --mode zc fails, auto falls back
    refused = res.ret != 0 if mode == "zc" else \
        summary.get("mode") == "copy"
    if drv in NEEDS_PROG:
        ksft_true(refused, f"{drv} needs a program: zero-copy refused")
    if refused and mode == "zc":
        ksft_eq(res.ret, 1, "exit status")
        ksft_eq(len(errors), 1, "one error line")
        ksft_in("needs an XDP program", said, "the error says why")
        ksft_eq(received, 0, f"frames received by {cfg.remote_ifname}")
    else:
        ksft_eq(res.ret, 0, f"exit status: {res.stderr.strip()}")
        ksft_eq(summary.get("mode"), "copy" if refused else "zerocopy",
                "txgen's mode")
        if refused:
            ksft_in("wakeup refused", summary.get("mode_reason", ""),
                    "the reason for copy mode")
        ksft_eq(summary.get("completed"), N, "frames completed")
        ksft_eq(received, N, f"frames received by {cfg.remote_ifname}")
    nothing_left(cfg, f"--mode {mode} --attach none")


@ksft_variants([
    KsftNamedVariant("separate_umems", ()),
    KsftNamedVariant("shared_umem", ("--shared-umem", )),
])
def test_two_queues(cfg, extra):
    require_clean(cfg)
    queues = len([q for q in cmd(f"ls /sys/class/net/{cfg.ifname}/queues"
                                 ).stdout.split() if q.startswith("tx-")])
    if queues < 2:
        raise KsftSkipEx(f"{cfg.ifname} has {queues} TX queue(s)")
    summary, received, prog, socks, counts = counted_run(
        cfg, None, ["-n", str(N_WATCHED), "--queues", "2", *extra])
    ksft_pr(f"queues {summary.get('queues')}: completed "
            f"{summary.get('completed')}, received {received}; while it "
            f"ran: program {prog}, {socks} AF_XDP socket(s); {counts}")
    ksft_eq(summary.get("mode"), "zerocopy", "txgen's mode")
    ksft_eq(summary.get("queues"), [0, 1], "queues")
    ksft_true(prog is not None, f"an XDP program on {cfg.ifname} while "
              "txgen ran")
    ksft_eq(socks, 2, "AF_XDP sockets while txgen ran")
    ksft_eq(summary.get("completed"), N_WATCHED, "frames completed")
    ksft_eq(received, N_WATCHED, f"frames received by {cfg.remote_ifname}")
    nothing_left(cfg, "a two-queue run")


def remote_carrier(cfg):
    ksft_busy_wait(lambda: cmd(f"cat /sys/class/net/{cfg.remote_ifname}/"
                               "carrier", host=cfg.remote,
                               fail=False).stdout.strip() == "1",
                   sleep=0.2, deadline=30,
                   comment=f"carrier on {cfg.remote_ifname}")
    wait_carrier(cfg.ifname)


def remote_rx_ring(cfg, size=None):
    """
    Set the remote's RX ring to size (default: its maximum); returns the
    size it had, or None where ethtool cannot tell or set it (then the
    ring stays as it is).
    """
    res = cmd(f"ethtool -g {cfg.remote_ifname}", host=cfg.remote, fail=False)
    most = re.search(r"maximums:\s*\nRX:\s*(\d+)", res.stdout)
    now = re.search(r"settings:\s*\nRX:\s*(\d+)", res.stdout)
    if res.ret or not most or not now:
        return None
    want = size or most.group(1)
    if want == now.group(1):
        return None
    if cmd(f"ethtool -G {cfg.remote_ifname} rx {want}", host=cfg.remote,
           fail=False).ret:
        return None
    remote_carrier(cfg)
    return now.group(1)


def main() -> None:
    with ep_env(__file__) as cfg:
        reason = zc_refusal_reason(cfg)
        if reason:
            skip_all(reason)
        ring = remote_rx_ring(cfg)
        if ring:
            ksft_pr(f"{cfg.remote_ifname}: RX ring {ring} -> its maximum "
                    "for this file")
        try:
            ksft_run([test_zc_prog, test_zc_prog_sigkill, test_attach_none,
                      test_two_queues], args=(cfg, ))
        finally:
            if ring:
                remote_rx_ring(cfg, ring)
    ksft_exit()


if __name__ == "__main__":
    main()
