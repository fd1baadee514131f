# SPDX-License-Identifier: GPL-2.0

"""
What the txtap driver tests need on top of upstream's lib/py: the
net.core.bypass_xmit_tap sysctl, pktgen (named after
samples/pktgen/functions.sh), the marker counter tap_count, a tap that
holds its clones, tcpdump, and the frame senders. Commands, background
processes, net.config and cleanup are lib/py's: cmd(), bkg(), NetDrvEpEnv
and defer().
"""

import json
import os
import re
import shlex
import shutil
import socket
import sys
import time
from pathlib import Path

from lib.py import KsftFailEx, KsftSkipEx, NetDrvEpEnv, NetdevFamily
from lib.py import bkg, cmd, defer, ethtool, fd_read_timeout, ip, \
    ksft_busy_wait, wait_file

SYSCTL = "/proc/sys/net/core/bypass_xmit_tap"
PGDIR = "/proc/net/pktgen"
NO_SERIES = "kernel without the txtap series"
# UDP destination port of all marker frames: the kit's one marker port
# (MARKER_PORT of tools/lib/pktgen.sh, the series' selftest's PORT);
# tap_count and tcpdump filter on it
PORT = 47474
PKTGEN_MAGIC = 0xbe9be955
ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
SO_RCVBUFFORCE = 33
# how long a background helper may take to say it is ready: under TCG on a
# loaded host a remote tap_count took more than 10 s (it says it within a
# second otherwise; the wait ends as soon as it does)
READY_TIMEOUT = 30

TEST_DIR = Path(__file__).parent.resolve()


############################################################################
# settings: the standard driver test variables and the few TXTAP_* ones
# (README.rst), from the environment or net.config as NetDrvEpEnv reads them


def setting(cfg, name, default, kind=int):
    """A TXTAP_* setting from cfg.env (net.config or the environment)."""
    return kind(cfg.env.get(name, default))


def setting_bool(cfg, name):
    return cfg.env.get(name, "").lower() in ("1", "y", "yes", "true")


def skip_all(reason):
    """Skip the whole file in KTAP form, before ksft_run()."""
    print("TAP version 13")
    print(f"1..0 # SKIP {reason}", flush=True)
    sys.exit(4)


class TxtapEnv(NetDrvEpEnv):
    """
    NetDrvEpEnv. Upstream falls back to a pair of netdevsim devices when
    NETIF is not configured (environment or net.config) and fails with a
    traceback when netdevsim is not there either: skip instead.
    """

    def create_local(self):
        if not os.path.isdir("/sys/bus/netdevsim") and \
           cmd("modprobe -q netdevsim", fail=False).ret != 0:
            raise KsftSkipEx("NETIF not set (environment or net.config) and "
                             "netdevsim not available (CONFIG_NETDEVSIM); "
                             "see README.rst")
        super().create_local()


def ep_env(src_path):
    """TxtapEnv(src_path), or the whole file skipped with the reason."""
    try:
        return TxtapEnv(src_path)
    except KsftSkipEx as e:
        skip_all(str(e))
    return None


# helper programs: built next to the tests by the Makefile (kernel tree),
# else where the txtap tree builds them, else (programs only) in PATH
HELPER_DIRS = {
    "tap_count": "../../../net",
    "bypass_tx": "../../../net",
    "xdp_redirect.bpf.o": "../../../net",
    "txgen": "../../../../xdp",
}


def helper(name):
    """Path of a helper; missing fails the case, but txgen (txtap's own,
    not in a kernel tree) skips it."""
    for p in (TEST_DIR / name, TEST_DIR / HELPER_DIRS[name] / name):
        if p.is_file():
            return str(p.resolve())
    found = shutil.which(name)
    if found:
        return found
    if name == "txgen":
        raise KsftSkipEx("txgen (txtap xdp/txgen) not found: make -C xdp, "
                         "or put it in PATH")
    raise KsftFailEx(f"{name} not built (make -C selftests/net)")


def run(argv, timeout, host=None):
    """
    cmd(argv, fail=False) under timeout(1) where it runs: a command that
    outlives timeout seconds is ended (locally or on the remote; cmd()'s
    own timeout raises and leaves it running) and the case fails.
    """
    comm = ["timeout", "--kill-after=5", str(timeout), *argv]
    res = cmd(shlex.join(comm) if host else comm, host=host, fail=False,
              timeout=timeout + 15)
    # timeout(1) exits 124 after its TERM; after the KILL it is killed
    # too (it signals its process group): -9, 137 through a shell
    if res.ret in (124, 137, -9):
        raise KsftFailEx(f"{Path(argv[0]).name} did not finish in "
                         f"{timeout}s")
    return res


def driver_of(ifname):
    try:
        out = ethtool(f"-i {ifname}").stdout
    except Exception:   # pylint: disable=broad-except
        return "unknown"
    m = re.search(r"^driver:\s*(\S+)", out, re.M)
    return m.group(1) if m else "unknown"


def wait_carrier(ifname, deadline=30):
    """Wait for the carrier, as NetDrvEpEnv does at the start: attaching
    or detaching a native XDP program resets some drivers (igb: close and
    open), and frames sent before the link is back up are dropped by
    __dev_direct_xmit() (seen: the next case's 200 AF_XDP frames, 26 sent)."""
    wait_file(f"/sys/class/net/{ifname}/carrier",
              lambda x: x.strip() == "1", deadline=deadline)


def rx_packets(ifname, host=None):
    link = ip(f"-s link show dev {ifname}", json=True, host=host)[0]
    return link["stats64"]["rx"]["packets"]


############################################################################
# the hook: the sysctl, and pktgen's per-device flag TAP (class Pktgen)


def _write(path, val):
    with open(path, "w", encoding="ascii") as fp:
        fp.write(str(val))


def _read(path):
    with open(path, encoding="ascii") as fp:
        return fp.read()


def hook_available():
    return os.path.exists(SYSCTL)


def _missing(cfg, why):
    """Skip a case that needs what the kernel lacks, or fail it under
    TXTAP_REQUIRE_HOOK=1 (the kit's kernel has the series and the RFC)."""
    if setting_bool(cfg, "TXTAP_REQUIRE_HOOK"):
        raise KsftFailEx(f"{why}; TXTAP_REQUIRE_HOOK=1")
    raise KsftSkipEx(why)


def require_hook(cfg):
    if not hook_available():
        _missing(cfg, f"{NO_SERIES} (no {SYSCTL})")


# the bits of patches/rfc-net-next: frames sent without an skb
BIT_XSK_ZC = 0x4        # AF_XDP zero-copy
BIT_XDP_XMIT = 0x8      # ndo_xdp_xmit() from the devmap bulk queue
HOOK_ALL = 0xf
NO_RFC = "kernel without patches/rfc-net-next"


def hook_on(cfg):
    """The sysctl's "hook on": every bit this kernel accepts, 15 with the
    RFC series, 3 with the series alone; found once by writing 15, which
    a kernel without the RFC bits refuses (EINVAL), and the old value is
    put back. Without the sysctl the case skips (fails under
    TXTAP_REQUIRE_HOOK=1): a hook-on case cannot run with the hook off."""
    require_hook(cfg)
    if not hasattr(cfg, "txtap_hook_on"):
        cfg.txtap_hook_on = 0
        if hook_available():
            old = _read(SYSCTL).strip()
            try:
                _write(SYSCTL, HOOK_ALL)
                cfg.txtap_hook_on = HOOK_ALL
            except OSError:
                cfg.txtap_hook_on = HOOK_ALL & ~(BIT_XSK_ZC | BIT_XDP_XMIT)
            finally:
                _write(SYSCTL, old)
    return cfg.txtap_hook_on


def require_bit(cfg, hook, bit):
    """A hook-on case that needs an RFC bit which hook lacks: skip, or
    fail under TXTAP_REQUIRE_HOOK=1."""
    if hook and not hook & bit:
        _missing(cfg, f"net.core.bypass_xmit_tap {hook:#x} has no bit "
                 f"{bit:#x}: {NO_RFC}")


def set_hook(cfg, val):
    """Set the sysctl; the old value is restored when the case ends."""
    if not hook_available():
        if val == 0:
            return
        require_hook(cfg)
    old = _read(SYSCTL).strip()
    _write(SYSCTL, val)
    defer(_write, SYSCTL, old)


############################################################################
# pktgen


class Pktgen:
    """
    One pktgen device on a pktgen thread, removed when the case ends,
    driven as samples/pktgen/functions.sh drives pktgen: pg_ctrl() writes
    pgctrl, pg_thread() the thread's kpktgend_N, pg_set() the device; a
    thread or device command whose Result line is not OK fails the case
    (a write the kernel refuses raises its OSError).
    """

    def __init__(self, ifname, thread=0):
        if not os.path.isdir(PGDIR):
            cmd("modprobe -q pktgen", fail=False)
        self.thread = f"{PGDIR}/kpktgend_{thread}"
        if not os.path.exists(self.thread):
            raise KsftSkipEx("pktgen not available (CONFIG_NET_PKTGEN)")
        self.ifname = ifname
        self.dev = f"{PGDIR}/{ifname}"
        # a removal requested before is carried out by the pktgen thread
        self.wait_gone()
        self.pg_thread(f"add_device {ifname}")
        defer(self.remove)

    @staticmethod
    def _proc_cmd(path, command):
        """proc_cmd() of functions.sh: write, check the Result line."""
        _write(path, command)
        m = re.search(r"^Result: (.*)$", _read(path), re.M)
        res = m.group(1) if m else ""
        if not res.startswith("OK"):
            raise KsftFailEx(f"pktgen '{command}' > {path}: {res}")

    def pg_ctrl(self, command, timeout=10):
        """Write pgctrl; "start" returns when every thread is done. Not
        done in timeout seconds: pktgen is stopped and the case fails."""
        ctrl = f"{PGDIR}/pgctrl"
        try:
            res = run(["sh", "-c", f"echo {command} > {ctrl}"], timeout)
        except KsftFailEx:
            _write(ctrl, "stop")
            raise
        if res.ret != 0:
            raise KsftFailEx(f"pktgen '{command}' > {ctrl}: "
                             f"{res.stderr.strip()}")

    def pg_thread(self, command):
        self._proc_cmd(self.thread, command)

    def pg_set(self, *commands):
        for c in commands:
            self._proc_cmd(self.dev, c)

    def wait_gone(self, timeout=10):
        """Wait until the pktgen thread dropped the device."""
        ksft_busy_wait(lambda: not os.path.exists(self.dev), sleep=0.02,
                       deadline=timeout,
                       comment=f"{self.dev} still there after {timeout}s")

    def remove(self):
        self.pg_thread("rem_device_all")
        self.wait_gone()

    def pg_setup(self, dst_ip, dst_mac, count, mode, size=60, clone_skb=0):
        """The marker stream, as pg_setup of tools/lib/pktgen.sh."""
        self.pg_set(f"count {count}", f"pkt_size {size}", "delay 0",
                    f"clone_skb {clone_skb}", f"dst {dst_ip}",
                    f"dst_mac {dst_mac}", f"udp_dst_min {PORT}",
                    f"udp_dst_max {PORT}", f"xmit_mode {mode}")

    def run(self, timeout):
        """pg_ctrl("start"); returns dict(sent, errors, usec, pps, tapped)."""
        self.pg_ctrl("start", timeout)
        text = _read(self.dev)
        res = {"sent": 0, "errors": 0, "usec": 0, "pps": 0}
        m = re.search(r"pkts-sofar: (\d+)\s+errors: (\d+)", text)
        if m:
            res["sent"], res["errors"] = int(m.group(1)), int(m.group(2))
        m = re.search(r"OK: (\d+)\(c", text)
        if m:
            res["usec"] = int(m.group(1))
        m = re.search(r"(\d+)pps", text)
        if m:
            res["pps"] = int(m.group(1))
        m = re.search(r"^\s*tapped: (\d+)", text, re.M)
        if m:
            res["tapped"] = int(m.group(1))
        return res


############################################################################
# taps


def wait_ready(proc, marker, stream="stdout"):
    """
    Wait until a bkg() process printed marker on stream: tap_count's
    "ready" (on stdout, as ksft_ready() of net/lib/ksft.h says it outside
    a kselftest run; it is read the same way from the remote), tcpdump's
    "listening on". Returns what was read, None if the process ended or
    did not say it in READY_TIMEOUT seconds.
    """
    fd = getattr(proc.proc, stream).fileno()
    deadline = time.monotonic() + READY_TIMEOUT
    got = b""
    while marker not in got:
        try:
            data = fd_read_timeout(fd, max(deadline - time.monotonic(), 0.01))
        except TimeoutError:
            return None
        if not data:
            return None
        got += data
    return got


def end_bkg(proc, terminate):
    """Collect a bkg() process that may still run: signalled (SIGTERM
    with terminate, else SIGKILL) if it does."""
    if proc.ret is not None:
        return
    if proc.proc.poll() is None and not terminate:
        proc.proc.kill()
    proc.process(terminate=terminate, fail=False, timeout=10)


class TapCounter:
    """
    tap_count in the background, counting marker frames on one interface
    in one direction ("out" or "in"), locally or on the remote endpoint.
    Ready when its AF_PACKET socket is bound; with expected > 0 it ends by
    itself shortly after the expected number was seen, with expected == 0
    it is stopped by collect(). On the remote endpoint it is stopped by its
    pid there: with REMOTE_TYPE=ssh a signal to the local ssh client would
    not reach it.
    """

    def __init__(self, ifname, direction, expected, host=None,
                 timeout_ms=20000):
        binary = helper("tap_count")
        if host:
            binary = host.deploy(binary)
        self.timeout_ms = timeout_ms
        self.expected = expected
        self.what = f"{ifname} {direction}{' (remote)' if host else ''}"
        comm = (f"{shlex.quote(binary)} -i {ifname} -p {PORT} -d {direction}"
                f" -n {expected} -t {self.timeout_ms}")
        self.host, self.pid = host, None
        if host:
            # its pid there comes first
            comm = f"echo pid $$ && exec {comm}"
        self.proc = bkg(comm, host=host, fail=False, exit_wait=True)
        defer(self.stop)
        self.early = wait_ready(self.proc, b"ready\n")
        if self.early is None:
            self.stop()
            raise KsftFailEx(f"tap_count on {self.what} did not get ready: "
                             f"{self.proc.stderr.strip()}")
        if host:
            m = re.match(rb"pid (\d+)\n", self.early)
            self.pid = int(m.group(1)) if m else None

    def _end_remote(self, sig):
        """Signal the remote tap_count by its pid; True if it was sent."""
        if not self.pid:
            return False
        res = cmd(f"kill -{sig} {self.pid}", host=self.host, fail=False,
                  timeout=10)
        return res.ret == 0

    def stop(self):
        if self.proc.proc.poll() is None:
            self._end_remote("KILL")
        end_bkg(self.proc, terminate=False)

    def collect(self, allow_drops=False):
        """Number of frames counted. A capture that dropped frames fails
        unless allow_drops (the count is then a lower bound)."""
        if self.expected > 0:
            self.proc.process(terminate=False, fail=False,
                              timeout=self.timeout_ms / 1000 + 10)
        elif self._end_remote("TERM"):
            self.proc.process(terminate=False, fail=False, timeout=10)
        else:
            self.proc.process(terminate=True, fail=False, timeout=10)
        out = (self.early.decode() + self.proc.stdout).split()
        dropped = "dropped" in self.proc.stderr
        if (self.proc.ret != 0 and not (allow_drops and dropped)) or \
           not out or not out[-1].isdigit():
            raise KsftFailEx(f"tap_count on {self.what} failed "
                             f"(exit {self.proc.ret}): "
                             f"{self.proc.stderr.strip()}")
        return int(out[-1])


class HoldingTap:
    """
    A raw AF_PACKET ETH_P_ALL socket on ifname that does not read while
    frames are sent: the clones the taps get stay queued on it, as with
    every capture that does not use a ring (scapy, raw-socket tools).
    count() then reads what it holds and returns the number of outgoing
    marker frames.
    """

    def __init__(self, ifname, rcvbuf=64 << 20, cooked=False):
        # cooked: SOCK_DGRAM, as tcpdump -i any; frames come without their
        # link-layer header, which the kernel strips up to the network
        # header, and with the protocol in the address
        self.cooked = cooked
        kind = socket.SOCK_DGRAM if cooked else socket.SOCK_RAW
        self.sock = socket.socket(socket.AF_PACKET, kind,
                                  socket.htons(ETH_P_ALL))
        defer(self.sock.close)
        # FORCE: beyond rmem_max, so that nothing is dropped while holding
        self.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, rcvbuf)
        self.sock.bind((ifname, 0))
        self.ifname = ifname

    def count(self, src=None, dst=None):
        """Outgoing marker frames held; for a cooked tap, IPv4 ones from
        src to dst (dotted quads) whose protocol is ETH_P_IP."""
        return len(self.seqs(src, dst))

    def seqs(self, src=None, dst=None):
        """The pktgen sequence numbers of the outgoing marker frames held,
        in the order they were queued (see count())."""
        got = []
        self.sock.setblocking(False)
        while True:
            try:
                frame, addr = self.sock.recvfrom(2048)
            except BlockingIOError:
                return got
            if addr[2] != socket.PACKET_OUTGOING:
                continue
            if not self.cooked:
                if is_marker(frame):
                    got.append(marker_seq(frame[14:]))
            elif addr[1] == ETH_P_IP and is_marker_ip(frame, src, dst):
                got.append(marker_seq(frame))


def is_marker(frame):
    """An Ethernet IPv4/UDP marker frame to PORT with pktgen's magic
    (tap_count's is_marker() in Python)."""
    return frame[12:14] == b"\x08\x00" and is_marker_ip(frame[14:])


def marker_seq(pkt):
    """The pktgen header's sequence number of an IPv4 marker packet."""
    ihl = (pkt[0] & 0xf) * 4
    return int.from_bytes(pkt[ihl + 12:ihl + 16], "big")


def is_marker_ip(pkt, src=None, dst=None):
    """An IPv4/UDP marker packet (from src to dst if given)."""
    if len(pkt) < 20:
        return False
    ihl = (pkt[0] & 0xf) * 4
    if pkt[0] >> 4 != 4 or ihl < 20 or pkt[9] != 17:
        return False
    if int.from_bytes(pkt[6:8], "big") & 0x1fff:
        return False
    if src and socket.inet_ntoa(pkt[12:16]) != src:
        return False
    if dst and socket.inet_ntoa(pkt[16:20]) != dst:
        return False
    if len(pkt) < ihl + 8 + 8:
        return False
    return (int.from_bytes(pkt[ihl + 2:ihl + 4], "big") == PORT and
            int.from_bytes(pkt[ihl + 8:ihl + 12], "big") == PKTGEN_MAGIC)


class Tcpdump:
    """tcpdump writing marker frames on ifname to a pcap file."""

    def __init__(self, ifname, pcap):
        # immediate mode means TPACKET_V2 with one ring slot per snaplen:
        # keep the snaplen small and the buffer large, or the ring holds
        # only a few frames and the kernel drops the rest
        comm = (f"tcpdump -i {ifname} -n -U --immediate-mode -s 256 "
                f"-B 8192 -Z root -w {pcap} udp dst port {PORT}")
        self.proc = bkg(comm, fail=False)
        defer(end_bkg, self.proc, False)
        # "listening on IF" is printed once the capture is active
        err = wait_ready(self.proc, b"listening on", "stderr")
        if err is None:
            end_bkg(self.proc, terminate=False)
            raise KsftFailEx(f"tcpdump did not start: "
                             f"{self.proc.stderr.strip()}")
        self.early_err = err.decode()

    def collect(self):
        """(captured, dropped by kernel) as tcpdump reports them on exit."""
        self.proc.process(terminate=True, fail=False, timeout=10)
        err = self.early_err + self.proc.stderr
        cap = re.search(r"(\d+) packets? captured", err)
        drop = re.search(r"(\d+) packets? dropped by kernel", err)
        if not cap:
            raise KsftFailEx(f"tcpdump: no summary: {err.strip()}")
        return int(cap.group(1)), int(drop.group(1)) if drop else 0


############################################################################
# senders


def src_ip(cfg):
    """IPv4 addresses of the marker frames (tap_count counts IPv4 only)."""
    return cfg.addr_v["4"] or "198.18.0.1"


def dst_ip(cfg):
    return cfg.remote_addr_v["4"] or "198.18.0.2"


def xdp_features(ifindex):
    """XDP feature flags of a device from the netdev netlink family, or None."""
    try:
        dev = NetdevFamily().dev_get({"ifindex": ifindex})
        return set(dev.get("xdp-features", []))
    except Exception:   # pylint: disable=broad-except
        return None


def zc_refusal_reason(cfg):
    """Why AF_XDP zero-copy is not possible on cfg.ifname, or None."""
    drv = driver_of(cfg.ifname)
    feat = xdp_features(cfg.ifindex)
    if feat is None:
        return None
    if "basic" not in feat:
        return f"{drv}: no native XDP, zero-copy not available"
    if "xsk-zerocopy" not in feat:
        return f"{drv}: no AF_XDP zero-copy support (xsk-zerocopy)"
    return None


def txgen_argv(cfg, mode, extra=()):
    """xdp/txgen in mode "zc", "copy" or "auto" on NETIF, marker frames to
    the remote, a JSON summary on stdout; extra: more options."""
    return [helper("txgen"), "-d", cfg.ifname, "-m", mode,
            "--src-ip", src_ip(cfg), "--dst-ip", dst_ip(cfg),
            "--dst-mac", cfg.remote_dev["address"], "--dst-port", str(PORT),
            "-j", *extra]


def txgen_summary(stdout):
    """The JSON summary txgen printed last."""
    lines = [l for l in stdout.splitlines() if l.startswith("{")]
    if not lines:
        raise KsftFailEx(f"txgen printed no summary: {stdout}")
    return json.loads(lines[-1])


def txgen(cfg, mode, count, size=60, timeout=60, extra=()):
    """
    Send count frames with xdp/txgen in mode "zc" or "copy" on queue 0
    (extra: more txgen options). Returns the JSON summary. Zero-copy
    refused by the driver -> SKIP.
    """
    if mode == "zc":
        reason = zc_refusal_reason(cfg)
        if reason:
            raise KsftSkipEx(reason)
    argv = txgen_argv(cfg, mode, ["-n", str(count), "-s", str(size), *extra])
    res = run(argv, timeout)
    # a zero-copy txgen attaches and detaches an XDP program of its own
    # where the driver needs one, which resets some drivers (igb)
    wait_carrier(cfg.ifname)
    if res.ret != 0:
        err = res.stderr.strip().splitlines()
        last = err[-1] if err else f"exit {res.ret}"
        if mode == "zc" and "zero-copy refused" in res.stderr:
            raise KsftSkipEx(f"{driver_of(cfg.ifname)}: {last}")
        raise KsftFailEx(f"txgen -m {mode}: {last}")
    summary = txgen_summary(res.stdout)
    want = "zerocopy" if mode == "zc" else "copy"
    if summary.get("mode") != want:
        raise KsftFailEx(f"txgen ran in mode {summary.get('mode')}, "
                         f"wanted {want}")
    return summary


def bypass_tx(cfg, mode, count, timeout=60, remote=False, ifname=None):
    """Send count marker frames with bypass_tx (packet, packet-bypass,
    xsk-copy) from NETIF (or ifname) to the remote interface, or with
    remote from the remote interface to NETIF."""
    if remote:
        argv = [cfg.remote.deploy(helper("bypass_tx")), "-i",
                cfg.remote_ifname, "-D", cfg.dev["address"]]
    else:
        argv = [helper("bypass_tx"), "-i", ifname or cfg.ifname,
                "-D", cfg.remote_dev["address"]]
    argv += ["-m", mode, "-n", str(count), "-p", str(PORT)]
    what = f"bypass_tx -m {mode}{' (remote)' if remote else ''}"
    res = run(argv, timeout, host=cfg.remote if remote else None)
    if res.ret == 4:
        raise KsftSkipEx(f"{what}: {res.stderr.strip()}")
    if res.ret != 0:
        raise KsftFailEx(f"{what}: exit {res.ret}: {res.stderr.strip()}")
    return count


############################################################################
# XDP_TX: xdp_bounce.bpf.o sends the marker frames back out of the device
# they arrived on, MAC and IP addresses swapped (so that the sender's NIC
# accepts them)

XDP_BOUNCE = "xdp_bounce.bpf.o"


def xdp_tx_attach(cfg, mode):
    """
    Attach xdp_bounce.bpf.o to NETIF in mode "xdpgeneric" or "xdpdrv";
    detached when the case ends. A driver without native XDP -> SKIP.
    """
    drv = driver_of(cfg.ifname)
    if mode == "xdpdrv":
        feat = xdp_features(cfg.ifindex)
        if feat is not None and "basic" not in feat:
            raise KsftSkipEx(f"{drv}: no native XDP (xdp-features has no "
                             "'basic')")
    obj = TEST_DIR / XDP_BOUNCE
    if not obj.is_file():
        raise KsftFailEx(f"{XDP_BOUNCE} not built (make -C {TEST_DIR})")
    res = cmd(f"ip link set dev {cfg.ifname} {mode} obj {obj} sec xdp",
              fail=False)
    if res.ret != 0:
        if mode == "xdpdrv" and "Operation not supported" in res.stderr:
            raise KsftSkipEx(f"{drv}: no native XDP: {res.stderr.strip()}")
        raise KsftFailEx(f"cannot attach {XDP_BOUNCE} to {cfg.ifname} "
                         f"({mode}): {res.stderr.strip()}")
    defer(xdp_detach, cfg.ifname, mode)
    wait_carrier(cfg.ifname)


def xdp_detach(ifname, mode):
    ip(f"link set dev {ifname} {mode} off")
    wait_carrier(ifname)


# native XDP_REDIRECT into NETIF: the series selftest's xdp_redirect.bpf.o
# redirects everything through its devmap redirect_dev (entry 0)

REDIRECT_VETH = ("txtap-rd0", "txtap-rd1")


def xdp_redirect_into(cfg):
    """
    A veth pair whose second end redirects, with xdp_redirect.bpf.o in
    native mode, every frame into NETIF through the devmap bulk queue and
    NETIF's ndo_xdp_xmit(); removed when the case ends. Returns the name of
    the end to send into. NETIF needs a native XDP program of its own for
    ndo_xdp_xmit() on most drivers (igb, virtio_net): attach one first.
    """
    obj = helper("xdp_redirect.bpf.o")
    tx, rx = REDIRECT_VETH
    ip(f"link add {tx} type veth peer name {rx}")
    defer(ip, f"link del {tx}")
    ip(f"link set dev {tx} up")
    ip(f"link set dev {rx} up")
    ip(f"link set dev {rx} xdpdrv obj {obj} sec xdp")
    value = " ".join(str(b) for b in cfg.ifindex.to_bytes(4, "little"))
    cmd(f"bpftool map update name redirect_dev key 0 0 0 0 value {value}")
    return tx


############################################################################
# kernel log


KMSG_BAD = re.compile(r"is buggy|WARNING:|BUG:|Oops|general protection|"
                      r"refcount_t:|skb_under_panic|skb_over_panic")


class KernelLog:
    """New kernel log records since creation, from /dev/kmsg."""

    def __init__(self):
        try:
            self.fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
            os.lseek(self.fd, 0, os.SEEK_END)
        except OSError:
            self.fd = None
        else:
            defer(os.close, self.fd)

    def complaints(self):
        """New records that point to a kernel problem."""
        bad = []
        while self.fd is not None:
            try:
                rec = os.read(self.fd, 8192).decode(errors="replace")
            except BlockingIOError:
                break
            except BrokenPipeError:     # overwritten records, go on
                continue
            if not rec:
                break
            msg = rec.split(";", 1)[-1].splitlines()[0]
            if KMSG_BAD.search(msg):
                bad.append(msg)
        return bad
