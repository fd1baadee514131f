#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0

"""
txgen's XDP program on NETIF: the hostile cases of AF_XDP zero-copy
transmit on drivers that transmit only with an XDP program attached (igb,
igc, ixgbe, i40e, ice, mlx5 refuse the wakeup without one). txgen -m zc
attaches libxdp's program for the run when NETIF has none, and every exit
that can clean up takes it away again.

  case                    checks
  exit, sigint, sigterm   zero-copy; the frames txgen completed all counted
                          at the remote; the program attached while it
                          ran; neither program nor AF_XDP socket after
  sigkill                 the program stays (nothing could clean up); the
                          next txgen run names it and how to remove it,
                          and that command removes it
  attach_none             --mode zc --attach none: where the driver needs
                          a program, exit 1 and one error line saying so;
                          elsewhere N at the remote; nothing attached
  auto_attach_none        --mode auto --attach none: copy mode with the
                          reason where zero-copy needs a program,
                          zero-copy elsewhere; N at the remote
  two_queues,             --queues 2 (and --shared-umem) in zero-copy: one
  two_queues_shared_umem  program for both sockets, N at the remote, none
                          after

Frames go at TXTAP_XSK_RATE (default 2kpps): under TCG an unpaced
zero-copy sender outruns the emulated peer and QEMU drops the excess
without either port counting it (docs/lab.md). The file skips where
zero-copy is not available (e1000, e1000e: no native XDP); a case skips
where NETIF has an XDP program of its own already.
"""

import json
import re
import signal

from lib.py import ksft_run, ksft_exit, ksft_eq, ksft_in, ksft_pr
from lib.py import ksft_true, ksft_variants, KsftNamedVariant
from lib.py import KsftSkipEx, bkg, cmd, defer, ip, ksft_busy_wait
from lib.py import KsftFailEx
from txtap_lib import KernelLog, PORT, TapCounter
from txtap_lib import driver_of, dst_ip, end_bkg, ep_env, helper, run
from txtap_lib import rx_packets, setting, skip_all, src_ip, txgen
from txtap_lib import wait_carrier, wait_ready, zc_refusal_reason

N = 2000
RUN_TIMEOUT = 120
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
    """AF_XDP sockets in this network namespace (ss, sock_diag)."""
    out = cmd("ss -H --xdp", fail=False).stdout
    return len([l for l in out.splitlines() if l.strip()])


def rate(cfg):
    return setting(cfg, "TXTAP_XSK_RATE", "2kpps", kind=str)


def require_clean(cfg):
    """Zero-copy possible and no XDP program on NETIF, else SKIP."""
    reason = zc_refusal_reason(cfg)
    if reason:
        raise KsftSkipEx(reason)
    prog = xdp_prog_id(cfg.ifname)
    if prog is not None:
        raise KsftSkipEx(f"{cfg.ifname} has an XDP program (id {prog}) "
                         "already: txgen would not attach one")


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


def txgen_argv(cfg, mode, extra=()):
    return [helper("txgen"), "-d", cfg.ifname, "-m", mode,
            "--src-ip", src_ip(cfg), "--dst-ip", dst_ip(cfg),
            "--dst-mac", cfg.remote_dev["address"], "--dst-port", str(PORT),
            "--rate", rate(cfg), "-j", *extra]


def summary_of(stdout):
    lines = [l for l in stdout.splitlines() if l.startswith("{")]
    if not lines:
        raise KsftFailEx(f"txgen printed no summary: {stdout!r}")
    return json.loads(lines[-1])


def stopped_run(cfg, sig):
    """
    txgen -m zc without a count, stopped by sig once it sends (its live
    line on stderr). Returns (exit status, stdout, stderr, program id seen
    while it ran).
    """
    proc = bkg(txgen_argv(cfg, "zc", ["--duration", str(RUN_TIMEOUT)]),
               fail=False, exit_wait=True)
    defer(end_bkg, proc, False)
    if wait_ready(proc, b"total sent", "stderr") is None:
        end_bkg(proc, False)
        raise KsftFailEx(f"txgen did not start sending: {proc.stderr.strip()}")
    prog = xdp_prog_id(cfg.ifname)
    proc.proc.send_signal(sig)
    proc.process(terminate=False, fail=False, timeout=30)
    return proc.ret, proc.stdout, proc.stderr, prog


@ksft_variants([
    KsftNamedVariant("exit", None),
    KsftNamedVariant("sigint", signal.SIGINT),
    KsftNamedVariant("sigterm", signal.SIGTERM),
])
def test_zc_prog(cfg, sig):
    require_clean(cfg)
    klog = KernelLog()
    peer = TapCounter(cfg.remote_ifname, "in", N if sig is None else 0,
                      host=cfg.remote)
    if sig is None:
        summary = txgen(cfg, "zc", N, timeout=RUN_TIMEOUT,
                        extra=["--rate", rate(cfg)])
        prog = "(not looked at)"
    else:
        ret, out, err, prog = stopped_run(cfg, sig)
        wait_carrier(cfg.ifname)
        ksft_eq(ret, 0, f"txgen's exit status after {sig.name}: {err.strip()}")
        summary = summary_of(out)
        ksft_true(prog is not None,
                  f"an XDP program on {cfg.ifname} while txgen ran")
        settled_remote(cfg)
    received = peer.collect()
    what = "txgen's exit" if sig is None else sig.name
    ksft_pr(f"{driver_of(cfg.ifname)}: mode {summary.get('mode')}, completed "
            f"{summary.get('completed')}, received {received}, program "
            f"while running {prog}")
    ksft_eq(summary.get("mode"), "zerocopy", "txgen's mode")
    if sig is None:
        ksft_eq(summary.get("completed"), N, "frames completed")
    else:
        ksft_true(summary.get("completed", 0) > 0, "frames completed")
    ksft_eq(received, summary.get("completed"),
            f"frames received by the remote {cfg.remote_ifname}")
    nothing_left(cfg, what)
    ksft_eq(klog.complaints(), [], "kernel log complaints")


def test_zc_prog_sigkill(cfg):
    require_clean(cfg)
    ret, _, err, prog = stopped_run(cfg, signal.SIGKILL)
    wait_carrier(cfg.ifname)
    # whatever this case leaves, the next case starts without it
    defer(ip, f"link set dev {cfg.ifname} xdp off")
    defer(wait_carrier, cfg.ifname)
    ksft_eq(ret, -signal.SIGKILL, f"txgen killed: {err.strip()}")
    ksft_true(prog is not None, f"an XDP program on {cfg.ifname} while "
              "txgen ran")
    ksft_eq(xdp_prog_id(cfg.ifname), prog,
            f"the killed run's program still on {cfg.ifname}")
    ksft_eq(xdp_sockets(), 0, "no AF_XDP socket after SIGKILL")

    res = run(txgen_argv(cfg, "zc", ["-n", "100"]), RUN_TIMEOUT)
    wait_carrier(cfg.ifname)
    warn = [l for l in res.stderr.splitlines() if "txgen: warning:" in l]
    ksft_pr(f"next run: exit {res.ret}; {warn[0] if warn else 'no warning'}")
    ksft_eq(res.ret, 0, f"the next run: {res.stderr.strip()}")
    ksft_eq(len(warn), 1, "one warning about the program left behind")
    m = re.search(r"remove it with '([^']+)'", warn[0] if warn else "")
    ksft_true(m is not None and f"id {prog}" in warn[0],
              "the warning names the program's id and a command")
    ksft_eq(xdp_prog_id(cfg.ifname), prog, "the next run leaves it alone")
    if m:
        cmd(m.group(1))
        wait_carrier(cfg.ifname)
    nothing_left(cfg, f"'{m.group(1) if m else '?'}'")


@ksft_variants([
    KsftNamedVariant("zc", "zc"),
    KsftNamedVariant("auto", "auto"),
])
def test_attach_none(cfg, mode):
    require_clean(cfg)
    drv = driver_of(cfg.ifname)
    needs = drv in NEEDS_PROG
    peer = TapCounter(cfg.remote_ifname, "in", 0 if needs and mode == "zc"
                      else N, host=cfg.remote)
    res = run(txgen_argv(cfg, mode, ["-n", str(N), "--attach", "none"]),
              RUN_TIMEOUT)
    wait_carrier(cfg.ifname)
    received = peer.collect()
    errors = [l for l in res.stderr.splitlines() if "txgen: error:" in l]
    if errors or res.ret:
        said = errors[0] if errors else res.stderr.strip()
    else:
        summary = summary_of(res.stdout)
        said = f"mode {summary.get('mode')} ({summary.get('mode_reason')})"
    ksft_pr(f"{drv}: exit {res.ret}, received {received}; {said}")
    if needs and mode == "zc":
        ksft_eq(res.ret, 1, "exit status")
        ksft_eq(len(errors), 1, "one error line")
        ksft_in("needs an XDP program", errors[0] if errors else "",
                "the error says why")
        ksft_eq(received, 0, f"frames received by {cfg.remote_ifname}")
    else:
        ksft_eq(res.ret, 0, f"exit status: {res.stderr.strip()}")
        summary = summary_of(res.stdout)
        want = "copy" if needs else "zerocopy"
        ksft_eq(summary.get("mode"), want, "txgen's mode")
        if needs:
            ksft_in("refused", summary.get("mode_reason", ""),
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
        raise KsftSkipEx(f"{cfg.ifname} has {queues} TX queue")
    peer = TapCounter(cfg.remote_ifname, "in", N, host=cfg.remote)
    summary = txgen(cfg, "zc", N, timeout=RUN_TIMEOUT,
                    extra=["--queues", "2", "--rate", rate(cfg), *extra])
    received = peer.collect()
    ksft_pr(f"queues {summary.get('queues')}: completed "
            f"{summary.get('completed')}, received {received}")
    ksft_eq(summary.get("queues"), [0, 1], "queues")
    ksft_eq(summary.get("completed"), N, "frames completed")
    ksft_eq(received, N, f"frames received by {cfg.remote_ifname}")
    nothing_left(cfg, "a two-queue run")


def main() -> None:
    with ep_env(__file__) as cfg:
        reason = zc_refusal_reason(cfg)
        if reason:
            skip_all(reason)
        ksft_run([test_zc_prog, test_zc_prog_sigkill, test_attach_none,
                  test_two_queues], args=(cfg, ))
    ksft_exit()


if __name__ == "__main__":
    main()
