# SPDX-License-Identifier: GPL-2.0
# libFuzzer targets, included by xdp/Makefile. One target per parser or
# builder (fuzz/<target>.c); each links against the library compiled with
# coverage, ASan and UBSan into build/fuzz/, apart from the other builds.
#
#   make fuzz [FUZZ_TIME=600]   run every target FUZZ_TIME seconds, one after
#                               another on one core; the corpus grows in
#                               build/fuzz/corpus/<target>/ from run to run
#   make fuzz-smoke             every target FUZZ_SMOKE_TIME seconds over the
#                               committed seeds (fuzz/corpus/<target>/); TAP
#                               lines, a SKIP when clang has no libFuzzer
# A crash is kept as build/fuzz/<target>-crash-*; replay it with
# build/fuzz/<target> FILE.

FUZZ_CC         ?= clang
FUZZ_TIME       ?= 600
FUZZ_SMOKE_TIME ?= 4
FUZZ_TARGETS    := addr config pcap pcapread pkt range rate
FUZZDIR         := build/fuzz
FUZZ_SAN        := -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
FUZZ_CFLAGS     := $(BASE) $(XDP_CFLAGS) -O1 -g $(FUZZ_SAN)
# What the targets exercise, and what config.c needs to link.
FUZZ_LIB_SRCS   := lib/mix.c lib/params.c lib/pcap.c lib/pkt.c lib/range.c lib/rate.c \
		   config.c
# txrecv's accounting (lib/rxstats.c)
FUZZ_TARGETS    += rxstats
FUZZ_LIB_SRCS   += lib/rxstats.c
FUZZ_OBJS       := $(FUZZ_LIB_SRCS:%.c=$(FUZZDIR)/%.o)
FUZZ_BINS       := $(FUZZ_TARGETS:%=$(FUZZDIR)/%)

$(FUZZDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZDIR)/libtxgen.a: $(FUZZ_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_BINS): $(FUZZDIR)/%: $(FUZZDIR)/fuzz/%.o $(FUZZDIR)/libtxgen.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ -lpthread -lm

# Can $(FUZZ_CC) link a libFuzzer program at all (clang with libclang-rt)?
fuzz_probe = printf 'int LLVMFuzzerTestOneInput(const char *d, long n);\nint LLVMFuzzerTestOneInput(const char *d, long n) { return !d && n; }\n' | \
	$(FUZZ_CC) -fsanitize=fuzzer -x c -o $(FUZZDIR)/probe - >/dev/null 2>&1

fuzz: $(FUZZ_BINS)
	bash fuzz/run-targets long $(FUZZ_TIME) $(FUZZDIR) $(FUZZ_TARGETS)

fuzz-smoke:
	@mkdir -p $(FUZZDIR)
	@if ! $(fuzz_probe); then \
		for t in $(FUZZ_TARGETS); do \
			echo "ok - fuzz $$t # SKIP $(FUZZ_CC) cannot link -fsanitize=fuzzer (needs clang and libclang-rt-dev)"; \
		done; exit 0; \
	fi; \
	if ! $(MAKE) --no-print-directory -s $(FUZZ_BINS); then \
		echo "not ok - fuzz targets build"; exit 1; \
	fi; \
	bash fuzz/run-targets smoke $(FUZZ_SMOKE_TIME) $(FUZZDIR) $(FUZZ_TARGETS)

.PHONY: fuzz fuzz-smoke
