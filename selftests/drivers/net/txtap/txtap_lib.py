# SPDX-License-Identifier: GPL-2.0

"""
Helpers shared by the txtap driver tests: the net.core.bypass_xmit_tap
sysctl, pktgen, the tap_count marker counter and the frame senders.
"""

import os
import re
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

from lib.py import KsftFailEx, KsftSkipEx
from lib.py import bkg, cmd, defer, fd_read_timeout, wait_file

SYSCTL = "/proc/sys/net/core/bypass_xmit_tap"
PGDIR = "/proc/net/pktgen"
NO_SERIES = "kernel without the txtap series"
# UDP destination port of all marker frames (tap_count filters on it)
PORT = 47474
PKTGEN_MAGIC = 0xbe9be955
ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
SO_RCVBUFFORCE = 33

TEST_DIR = Path(__file__).parent.resolve()


def env_int(name, default):
    return int(os.environ.get(name, default))


def env_float(name, default):
    return float(os.environ.get(name, default))


def run(argv, timeout):
    """Run a command to completion, killing it after timeout seconds."""
    try:
        return subprocess.run(argv, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired as e:
        raise KsftFailEx(f"{argv[0]} did not finish in {timeout}s") from e


def env_bool(name):
    return os.environ.get(name, "").lower() in ("1", "y", "yes", "true")


def _find(name, env_var, candidates):
    """First executable among $env_var and candidates (relative to the test)."""
    paths = [os.environ[env_var]] if os.environ.get(env_var) else []
    paths += [TEST_DIR / c for c in candidates]
    for p in paths:
        if os.access(p, os.X_OK):
            return str(Path(p).resolve())
    return None


def tap_count_bin():
    """tap_count, built here (kernel tree) or in net/."""
    path = _find("tap_count", "TXTAP_TAP_COUNT",
                 ["tap_count", "../../../net/tap_count"])
    if not path:
        raise KsftFailEx("tap_count not built (make -C net)")
    return path


def bypass_tx_bin():
    path = _find("bypass_tx", "TXTAP_BYPASS_TX",
                 ["bypass_tx", "../../../net/bypass_tx"])
    if not path:
        raise KsftFailEx("bypass_tx not built (make -C net)")
    return path


def txgen_bin():
    """xdp/txgen of the txtap repository, or $TXTAP_TXGEN, or PATH."""
    path = _find("txgen", "TXTAP_TXGEN", ["txgen", "../../../../xdp/txgen"])
    if not path:
        for d in os.environ.get("PATH", "").split(":"):
            if d and os.access(os.path.join(d, "txgen"), os.X_OK):
                return os.path.join(d, "txgen")
        raise KsftSkipEx("txgen (txtap xdp/txgen) not found, set TXTAP_TXGEN")
    return path


def skip_all(reason):
    """Skip the whole file in KTAP form, before ksft_run()."""
    print("TAP version 13")
    print(f"1..0 # SKIP {reason}", flush=True)
    sys.exit(4)


def _netdevsim_available():
    if os.path.isdir("/sys/bus/netdevsim"):
        return True
    return subprocess.run(["modprobe", "-n", "-q", "netdevsim"],
                          stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, check=False,
                          timeout=10).returncode == 0


def require_netif(src_path):
    """
    NetDrvEpEnv falls back to a pair of netdevsim devices when NETIF is not
    configured. Do the same, but skip the whole file with a clear reason
    instead of a traceback when netdevsim is not there either.
    """
    if "NETIF" in os.environ:
        return
    conf = Path(src_path).parent / "net.config"
    if conf.exists() and re.search(r"^\s*NETIF=", conf.read_text(), re.M):
        return
    if not _netdevsim_available():
        skip_all("NETIF not set (environment or net.config) and netdevsim "
                 "not available (CONFIG_NETDEVSIM); see README.rst")


def driver_of(ifname, host=None):
    try:
        out = cmd(f"ethtool -i {ifname}", host=host).stdout
    except Exception:   # pylint: disable=broad-except
        return "unknown"
    m = re.search(r"^driver:\s*(\S+)", out, re.M)
    return m.group(1) if m else "unknown"


############################################################################
# the hook


def hook_available():
    return os.path.exists(SYSCTL)


def hook_missing():
    """Skip, or fail under TXTAP_REQUIRE_HOOK=1, a case needing the hook."""
    if env_bool("TXTAP_REQUIRE_HOOK"):
        raise KsftFailEx(f"{NO_SERIES} (no {SYSCTL}); TXTAP_REQUIRE_HOOK=1")
    raise KsftSkipEx(NO_SERIES)


def _write(path, val):
    with open(path, "w", encoding="ascii") as fp:
        fp.write(str(val))


# the bits of patches/rfc-net-next: frames sent without an skb
BIT_XSK_ZC = 0x4        # AF_XDP zero-copy
BIT_XDP_XMIT = 0x8      # ndo_xdp_xmit() from the devmap bulk queue
HOOK_ALL = 0xf
NO_RFC = "kernel without patches/rfc-net-next"


def hook_mask_all():
    """Every bit this kernel's sysctl accepts: 15 with the RFC series, 3
    with the series alone (0 without the sysctl). Found by writing 15,
    which a kernel without the RFC bits refuses (EINVAL); the old value
    is put back."""
    if not hook_available():
        return 0
    with open(SYSCTL, encoding="ascii") as fp:
        old = fp.read().strip()
    try:
        _write(SYSCTL, HOOK_ALL)
        return HOOK_ALL
    except OSError:
        return HOOK_ALL & ~(BIT_XSK_ZC | BIT_XDP_XMIT)
    finally:
        _write(SYSCTL, old)


def require_bit(hook, bit):
    """A hook-on case that needs an RFC bit which hook lacks: skip, or
    fail under TXTAP_REQUIRE_HOOK=1 (the kit's kernel carries the RFC)."""
    if not hook or hook & bit:
        return
    why = (f"net.core.bypass_xmit_tap {hook:#x} has no bit {bit:#x}: "
           f"{NO_RFC}, or TXTAP_HOOK_ON without it")
    if env_bool("TXTAP_REQUIRE_HOOK"):
        raise KsftFailEx(f"{why}; TXTAP_REQUIRE_HOOK=1")
    raise KsftSkipEx(why)


def set_hook(val):
    """Set the sysctl; the old value is restored when the case ends."""
    if not hook_available():
        if val == 0:
            return
        hook_missing()
    with open(SYSCTL, encoding="ascii") as fp:
        old = fp.read().strip()
    _write(SYSCTL, val)
    defer(_write, SYSCTL, old)


############################################################################
# pktgen


class Pktgen:
    """One pktgen device on kpktgend_0, removed when the case ends."""

    def __init__(self, ifname):
        if not os.path.isdir(PGDIR):
            cmd("modprobe -q pktgen", fail=False)
        if not os.path.exists(f"{PGDIR}/kpktgend_0"):
            raise KsftSkipEx("pktgen not available (CONFIG_NET_PKTGEN)")
        self.ifname = ifname
        self.dev = f"{PGDIR}/{ifname}"
        # a removal requested before is carried out by the pktgen thread
        self.wait_gone()
        _write(f"{PGDIR}/kpktgend_0", f"add_device {ifname}")
        defer(self.remove)

    def wait_gone(self, timeout=10):
        """Wait until the pktgen thread dropped the device."""
        deadline = time.monotonic() + timeout
        while os.path.exists(self.dev):
            if time.monotonic() > deadline:
                raise KsftFailEx(f"{self.dev} still there after "
                                 f"{timeout}s")
            time.sleep(0.02)

    def remove(self):
        _write(f"{PGDIR}/kpktgend_0", "rem_device_all")
        self.wait_gone()

    def read(self):
        with open(self.dev, encoding="ascii") as fp:
            return fp.read()

    def result(self):
        m = re.search(r"^Result: (.*)$", self.read(), re.M)
        return m.group(1) if m else ""

    def set(self, *cmds):
        for c in cmds:
            _write(self.dev, c)
            res = self.result()
            if not res.startswith("OK"):
                raise KsftFailEx(f"pktgen '{c}': {res}")

    def setup(self, count, mode, dst_ip, dst_mac, size=60, clone_skb=0):
        self.set(f"count {count}", f"pkt_size {size}", "delay 0",
                 f"clone_skb {clone_skb}", f"dst {dst_ip}",
                 f"dst_mac {dst_mac}", f"udp_dst_min {PORT}",
                 f"udp_dst_max {PORT}", f"xmit_mode {mode}")

    def run(self, timeout):
        """Run to completion; returns dict(sent, errors, usec, pps)."""
        try:
            # "start" returns when all pktgen threads are done
            subprocess.run(["sh", "-c", f"echo start > {PGDIR}/pgctrl"],
                           timeout=timeout, check=True)
        except subprocess.TimeoutExpired as e:
            _write(f"{PGDIR}/pgctrl", "stop")
            raise KsftFailEx(f"pktgen did not finish in {timeout}s") from e
        except subprocess.CalledProcessError as e:
            raise KsftFailEx(f"pktgen start failed: {self.result()}") from e
        text = self.read()
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
# counting taps


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
                 timeout_ms=None):
        binary = tap_count_bin()
        if host:
            binary = host.deploy(binary)
        self.timeout_ms = timeout_ms or env_int("TXTAP_COUNT_TIMEOUT_MS",
                                                20000)
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
        self.early = b""
        deadline = time.monotonic() + env_int("TXTAP_READY_TIMEOUT", 10)
        while b"ready\n" not in self.early:
            left = deadline - time.monotonic()
            try:
                data = fd_read_timeout(self.proc.proc.stdout.fileno(),
                                       max(left, 0.01))
            except TimeoutError:
                data = None
            if not data:
                self.stop()
                raise KsftFailEx(f"tap_count on {self.what} did not get "
                                 f"ready: {self.proc.stderr or ''}".strip())
            self.early += data
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
            self.proc.proc.kill()
        if self.proc.ret is None:
            self.proc.process(terminate=False, fail=False, timeout=10)

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
        defer(self.stop)
        # "listening on IF" is printed once the capture is active
        err = b""
        deadline = time.monotonic() + env_int("TXTAP_READY_TIMEOUT", 10)
        while b"listening on" not in err:
            left = deadline - time.monotonic()
            try:
                data = fd_read_timeout(self.proc.proc.stderr.fileno(),
                                       max(left, 0.01))
            except TimeoutError:
                data = None
            if not data:
                self.stop()
                raise KsftFailEx(f"tcpdump did not start: {err.decode()}"
                                 f"{self.proc.stderr or ''}")
            err += data
        self.early_err = err.decode()

    def stop(self):
        if self.proc.proc.poll() is None:
            self.proc.proc.kill()
        if self.proc.ret is None:
            self.proc.process(terminate=False, fail=False, timeout=10)

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


def rx_packets(ifname, host=None):
    return int(cmd(f"cat /sys/class/net/{ifname}/statistics/rx_packets",
                   host=host).stdout)


def xdp_features(ifindex):
    """XDP feature flags of a device from the netdev netlink family, or None."""
    try:
        from lib.py import NetdevFamily   # pylint: disable=import-outside-toplevel
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


def txgen(cfg, mode, count, size=60, timeout=60, extra=()):
    """
    Send count frames with xdp/txgen in mode "zc" or "copy" on queue 0
    (extra: more txgen options). Returns the JSON summary. Zero-copy
    refused by the driver -> SKIP.
    """
    import json     # pylint: disable=import-outside-toplevel

    binary = txgen_bin()
    if mode == "zc":
        reason = zc_refusal_reason(cfg)
        if reason:
            raise KsftSkipEx(reason)
    argv = [binary, "-d", cfg.ifname, "-m", mode, "-n", str(count),
            "-s", str(size), "--src-ip", src_ip(cfg), "--dst-ip", dst_ip(cfg),
            "--dst-mac", cfg.remote_dev["address"], "--dst-port", str(PORT),
            "-j", *extra]
    res = run(argv, timeout)
    # a zero-copy txgen attaches and detaches an XDP program of its own
    # where the driver needs one, which resets some drivers (igb)
    wait_carrier(cfg.ifname)
    if res.returncode != 0:
        err = res.stderr.strip().splitlines()
        last = err[-1] if err else f"exit {res.returncode}"
        if mode == "zc" and "zero-copy refused" in res.stderr:
            raise KsftSkipEx(f"{driver_of(cfg.ifname)}: {last}")
        raise KsftFailEx(f"txgen -m {mode}: {last}")
    lines = [l for l in res.stdout.splitlines() if l.startswith("{")]
    if not lines:
        raise KsftFailEx(f"txgen printed no summary: {res.stdout}")
    summary = json.loads(lines[-1])
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
        argv = [cfg.remote.deploy(bypass_tx_bin()), "-i", cfg.remote_ifname,
                "-D", cfg.dev["address"]]
    else:
        argv = [bypass_tx_bin(), "-i", ifname or cfg.ifname,
                "-D", cfg.remote_dev["address"]]
    argv += ["-m", mode, "-n", str(count), "-p", str(PORT)]
    what = f"bypass_tx -m {mode}{' (remote)' if remote else ''}"
    if remote:
        proc = bkg(shlex.join(argv), host=cfg.remote, exit_wait=True)
        try:
            proc.process(terminate=False, fail=False, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            proc.proc.kill()
            raise KsftFailEx(f"{what} did not finish in {timeout}s") from e
        rc, err = proc.ret, proc.stderr
    else:
        res = run(argv, timeout)
        rc, err = res.returncode, res.stderr
    if rc == 4:
        raise KsftSkipEx(f"{what}: {err.strip()}")
    if rc != 0:
        raise KsftFailEx(f"{what}: exit {rc}: {err.strip()}")
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


def wait_carrier(ifname, deadline=30):
    """Wait for the carrier, as NetDrvEpEnv does at the start: attaching
    or detaching a native XDP program resets some drivers (igb: close and
    open), and frames sent before the link is back up are dropped by
    __dev_direct_xmit() (seen: the next case's 200 AF_XDP frames, 26 sent)."""
    wait_file(f"/sys/class/net/{ifname}/carrier",
              lambda x: x.strip() == "1", deadline=deadline)


def xdp_detach(ifname, mode):
    cmd(f"ip link set dev {ifname} {mode} off")
    wait_carrier(ifname)


# native XDP_REDIRECT into NETIF: the series selftest's xdp_redirect.bpf.o
# redirects everything through its devmap redirect_dev (entry 0)

XDP_REDIRECT = "xdp_redirect.bpf.o"
REDIRECT_VETH = ("txtap-rd0", "txtap-rd1")


def xdp_redirect_into(cfg):
    """
    A veth pair whose second end redirects, with xdp_redirect.bpf.o in
    native mode, every frame into NETIF through the devmap bulk queue and
    NETIF's ndo_xdp_xmit(); removed when the case ends. Returns the name of
    the end to send into. NETIF needs a native XDP program of its own for
    ndo_xdp_xmit() on most drivers (igb, virtio_net): attach one first.
    """
    obj = Path(os.environ.get("TXTAP_XDP_REDIRECT") or
               TEST_DIR / "../../../net" / XDP_REDIRECT)
    if not obj.is_file():
        raise KsftFailEx(f"{XDP_REDIRECT} not built (make -C net)")
    tx, rx = REDIRECT_VETH
    cmd(f"ip link add {tx} type veth peer name {rx}")
    defer(cmd, f"ip link del {tx}")
    cmd(f"ip link set dev {tx} up")
    cmd(f"ip link set dev {rx} up")
    cmd(f"ip link set dev {rx} xdpdrv obj {obj} sec xdp")
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
