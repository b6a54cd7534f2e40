# A thin wrapper around CMake: `make run` and `make test` work on a fresh Debian machine.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
# Debian packages the build needs. `make deps` installs the missing ones (as root) or prints the command.
PACKAGES := cmake make g++ libgtest-dev libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev \
            libgoogle-perftools-dev google-perftools libbenchmark-dev graphviz \
            libpugixml-dev python3-jsonschema libxml2-utils libcuckoo-dev libtbb-dev binutils libc6-dbg chromium python3

# npm packages the tests need, installed under $(BUILD_DIR)/tools: the SARIF
# multitool validates `diagnose --sarif` output.
NPM_TOOLS := @microsoft/sarif-multitool@5.7.0
SARIF_MULTITOOL := $(BUILD_DIR)/tools/node_modules/.bin/sarif-multitool

.PHONY: all build deps tools run test bench clean

all: build

deps:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done; \
	  command -v npm >/dev/null || echo npm); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" -ne 0 ]; then \
	  echo "Missing Debian packages. Run:"; \
	  echo "  sudo apt-get update && sudo apt-get install -y" $$missing; exit 1; \
	fi; \
	echo "Installing missing Debian packages:" $$missing; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/lockedges run all

$(SARIF_MULTITOOL):
	npm install --prefix $(BUILD_DIR)/tools --no-audit --no-fund --loglevel=error $(NPM_TOOLS)

tools: deps $(SARIF_MULTITOOL)

test: build tools
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

# `lockedges bench`: every benchmark group, tables on stdout, bench.json and
# bench.md under reports/. Google Benchmark's options go in BENCH_ARGS, e.g.
# make bench BENCH_ARGS="coarse-lock --benchmark_repetitions=5"; by default
# each benchmark runs 3 times, and the tables give the median with the
# slowest and fastest repetition. The profiler group samples at the rate
# gperftools reads when the process starts.
BENCH_ARGS ?= --benchmark_repetitions=3
bench: build
	CPUPROFILE_FREQUENCY=1000 CPUPROFILE_PER_THREAD_TIMERS=1 $(BUILD_DIR)/lockedges bench $(BENCH_ARGS)

clean:
	rm -rf $(BUILD_DIR)
