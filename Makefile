# SPDX-License-Identifier: GPL-2.0
#
# txtap: see README.md. `make help` lists the targets.

KCONFIG ?= base
export KCONFIG

.PHONY: help deps kernel-src kernel-patch kernel kernel-unpatched kernel-netfix kernel-series xdp fuzz demo \
	selftests-build check bench cost cost-rfc callgraph patches-export patches-selftests-match \
	patches-lint vm-shell kselftest stress clean distclean

help:
	@echo "txtap targets:"
	@echo "  demo            install, fetch, patch, build, boot: show what tcpdump sees"
	@echo "  check           run every test suite; ends with 'N passed, N failed'"
	@echo "  kselftest       upstream kselftests in the VM: KSFT=\"net:proc_net_pktgen ...\" (TARGET:TEST)"
	@echo "  deps            install the Debian packages txtap needs"
	@echo "  kernel          fetch + patch + build the kernel (KCONFIG=base|debug|o2)"
	@echo "  kernel-unpatched  build the unpatched base kernel (for cost comparisons)"
	@echo "  kernel-netfix    build the base with patches/net only (make cost's third kernel)"
	@echo "  kernel-series    build the base with patches/net and net-next, no RFC (make cost-rfc's reference)"
	@echo "  xdp             build the AF_XDP sender (xdp/txgen)"
	@echo "  fuzz            txgen's libFuzzer targets, FUZZ_TIME=600 seconds each (xdp/fuzz/)"
	@echo "  bench           transmit-path matrix under TCG -> docs/results/"
	@echo "  cost            instructions/packet, unpatched vs patched, QEMU icount -> docs/results/cost.*"
	@echo "                  (KCONFIG=o2: the three kernels at -O2 -> docs/results/o2/)"
	@echo "  cost-rfc        the same for the RFC extension (XDP_REDIRECT, AF_XDP zero-copy on igb) -> docs/results/cost-rfc.*"
	@echo "  callgraph       transmit call-graph figures from ftrace -> docs/"
	@echo "  stress          debug kernel: tap race (RACE_NIC, RACE_SECONDS) and hostile knob input"
	@echo "  patches-export  regenerate patches/ from build/src/linux-dev"
	@echo "  patches-selftests-match  series selftest files == selftests/"
	@echo "  patches-lint    checkpatch --strict and per-patch W=1 builds"

deps:
	@tools/install-deps

kernel-src: deps
	@kernel/fetch

kernel-patch: kernel-src
	@kernel/patch

kernel: kernel-patch
	@kernel/build

kernel-unpatched: kernel-src
	@kernel/build-unpatched

kernel-netfix: kernel-src
	@kernel/build-unpatched --net

kernel-series: kernel-src
	@kernel/build-unpatched --series

xdp: deps
	@$(MAKE) -s -C xdp

fuzz: deps
	@$(MAKE) -s -C xdp fuzz

# Helpers of the selftests (tap_count, bypass_tx, xdp_tx.bpf.o), built on the host: the
# guest sees the host's root read-only.
KSFT_DIR := $(CURDIR)/build/src/linux/tools/testing/selftests
selftests-build: kernel-src
	@$(MAKE) -s -C selftests/net KSFT_DIR=$(KSFT_DIR) \
		OUTPUT=$(CURDIR)/selftests/net

demo: kernel xdp selftests-build
	@tools/demo

check: kernel xdp selftests-build
	@tools/check

# Upstream kselftests of the fetched tree, built under build/kselftest and
# run in the VM by the kernel's runner; KSFT_NIC=igb|virtio|... for
# drivers/net tests.
KSFT ?= net:proc_net_pktgen
kselftest: kernel
	@tools/kselftest $(if $(KSFT_NIC),--nic $(KSFT_NIC)) $(KSFT)

bench: kernel xdp selftests-build
	@tools/bench

# The cost of the hook, deterministic: both kernels under QEMU -icount.
cost: kernel kernel-unpatched kernel-netfix xdp selftests-build
	@tools/cost

cost-rfc: kernel kernel-series xdp selftests-build
	@COST_SET=rfc tools/cost

callgraph: kernel xdp selftests-build
	@tools/callgraph

# Reliability on the debug kernel (make kernel KCONFIG=debug, or
# DEBUG_KERNEL=bzImage): taps racing every bypass path (tools/tap-race,
# RACE_NIC=virtio|e1000, RACE_SECONDS of traffic) and bad input to the
# sysctl and pktgen's flag (tools/bad-input).
stress: xdp selftests-build
	@tools/tap-race
	@tools/bad-input

patches-export:
	@kernel/patches-export

patches-selftests-match:
	@kernel/patches-selftests-match

patches-lint: kernel-src
	@kernel/patches-lint

clean:
	@$(MAKE) -s -C xdp clean
	rm -rf build/vm

distclean: clean
	rm -rf build
