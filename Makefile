# vzcr: OpenVZ-style VEs, checkpoint/restore and live migration.
#
#   make demo     build everything, boot the lab, show a VE answering a client
#   make check    build everything and run all tests (ends "N passed, N failed")
#
# Builds live in $(VZ_CACHE) (outside the clone) and are keyed by content,
# so an unchanged kernel, base system or template is never rebuilt.

VZ_CACHE ?= /var/cache/vzlab
export VZ_CACHE

.PHONY: all deps kernel kernel-debug tools templates images demo check \
	fuzz bench unit lint checkpatch clean

all: kernel tools images

deps:
	@scripts/install-deps.sh

kernel: deps
	scripts/build-kernel.sh lab

# The same kernel with KASAN, lockdep, kmemleak and friends
# (kernel/config/debug.config); boot the lab on it with
# VZ_KERNEL_DIR=$(VZ_CACHE)/kernel/out-debug.
kernel-debug: deps
	scripts/build-kernel.sh debug

tools: deps
	$(MAKE) -C vzctl

templates: deps
	templates/build-busybox.sh
	templates/build-debian.sh

images: kernel tools
	lab/build-rootfs.sh

demo: images
	$(MAKE) -s -C tests/workloads
	lab/demo.sh

check: images
	tests/run.sh

# The fuzzer alone, long: make fuzz N=100000 SEED=7 (on the debug lab;
# make check runs a fixed-seed sample of it).
N ?= 100000
SEED ?= 1
fuzz: images
	VZ_FUZZ_CASES=$(N) VZ_FUZZ_SEED=$(SEED) VZ_TEST_TIMEOUT=$$(( $(N) + 3600 )) \
		tests/run.sh --debug-only --debug tests/lab/debug/80-fuzz.sh

# Speed figures, not tests: checkpoint/restore and migration in the lab.
bench: images
	tests/bench/cr-bench.sh
	@if [ -x tests/bench/migrate-bench.sh ]; then tests/bench/migrate-bench.sh; fi

unit: tools
	tests/run.sh --unit-only

lint: tools
	$(MAKE) -C vzctl lint

checkpatch: kernel
	scripts/checkpatch.sh

clean:
	$(MAKE) -C vzctl clean
	rm -rf build
