# flashtwin: the two commands. Both install missing Debian packages first (tools/install-deps.sh).
#   make demo   - build, then run the embedded default scenario and print its summary
#   make check  - build (warnings are errors), check formatting, run every test (ctest), then the
#                 engine tests again under AddressSanitizer + UndefinedBehaviorSanitizer, build the
#                 `flashtwin` command as a user's Release build and run it once, then fuzz the
#                 binary trace readers for a bounded time (libFuzzer)
# A user's build (cmake without FLASHTWIN_WERROR) reports warnings but never fails on them.
MAKEFLAGS += --no-print-directory
BUILD ?= build
SANITIZE_BUILD ?= build-sanitize
RELEASE_BUILD ?= build-release
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 20
JOBS ?= $(shell nproc)
# Warnings are errors in `make check` (and CI, which runs it); `make build` / `make demo` are a
# user's builds.
WERROR ?= OFF

.PHONY: all deps configure build demo check test sanitize release fuzz format format-check bench clean

all: build

deps:
	@./tools/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLASHTWIN_WERROR=$(WERROR) > /dev/null

build: configure
	@cmake --build $(BUILD) -j$(JOBS)

demo: configure
	@cmake --build $(BUILD) -j$(JOBS) --target flashtwin
	@./$(BUILD)/sim/flashtwin run -o $(BUILD)/demo-results

check: WERROR = ON
check: build format-check test sanitize release fuzz

test:
	@ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

sanitize: deps
	@cmake -S . -B $(SANITIZE_BUILD) -DCMAKE_BUILD_TYPE=Debug -DFLASHTWIN_ENGINE_ONLY=ON \
	  -DFLASHTWIN_SANITIZE=address,undefined -DFLASHTWIN_WERROR=ON > /dev/null
	@cmake --build $(SANITIZE_BUILD) -j$(JOBS)
	@ctest --test-dir $(SANITIZE_BUILD) --output-on-failure -j$(JOBS) -L engine \
	  -E engine_dependency_rule  # a build proof, not run code: once, in `test`, is enough

# The build a user makes: Release (-O3), FLASHTWIN_WERROR off as in a user's configure, only the
# command, then one short run of the embedded scenario. -O3-only false positives (GCC 12's
# -Wrestrict) are printed, never fatal here, as for a user.
release: deps
	@cmake -S . -B $(RELEASE_BUILD) -DCMAKE_BUILD_TYPE=Release -DFLASHTWIN_WERROR=OFF > /dev/null
	@cmake --build $(RELEASE_BUILD) -j$(JOBS) --target flashtwin
	@./$(RELEASE_BUILD)/sim/flashtwin run -o $(RELEASE_BUILD)/smoke-results --set duration_s=2 \
	  --set warmup_s=0 --set prewarm=false --set events=[] --set expectations={} > /dev/null
	@echo "release: Release build of flashtwin ok"

fuzz: deps
	@cmake -S . -B $(FUZZ_BUILD) -DCMAKE_CXX_COMPILER=clang++ -DFLASHTWIN_FUZZ=ON > /dev/null
	@cmake --build $(FUZZ_BUILD) -j$(JOBS)
	@./fuzz/run-fuzzers.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

format-check: deps
	@./tools/check-format.sh

format: deps
	@./tools/check-format.sh --fix

bench: build
	@./$(BUILD)/bench/flashtwin-bench

clean:
	rm -rf $(BUILD) $(SANITIZE_BUILD) $(RELEASE_BUILD) $(FUZZ_BUILD)
