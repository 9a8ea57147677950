# flashtwin: the two commands. Both install missing Debian packages first (tools/install-deps.sh).
#   make demo   - build, then run the embedded default scenario and print its summary
#   make check  - build, check formatting, run every test (ctest), then the engine tests again
#                 under AddressSanitizer + UndefinedBehaviorSanitizer, then fuzz the binary trace
#                 readers for a bounded time (libFuzzer)
MAKEFLAGS += --no-print-directory
BUILD ?= build
SANITIZE_BUILD ?= build-sanitize
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 20
JOBS ?= $(shell nproc)

.PHONY: all deps configure build demo check test sanitize fuzz format format-check bench clean

all: build

deps:
	@./tools/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null

build: configure
	@cmake --build $(BUILD) -j$(JOBS)

demo: configure
	@cmake --build $(BUILD) -j$(JOBS) --target flashtwin
	@./$(BUILD)/sim/flashtwin run -o $(BUILD)/demo-results

check: build format-check test sanitize fuzz

test:
	@ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

sanitize: deps
	@cmake -S . -B $(SANITIZE_BUILD) -DCMAKE_BUILD_TYPE=Debug -DFLASHTWIN_ENGINE_ONLY=ON \
	  -DFLASHTWIN_SANITIZE=address,undefined > /dev/null
	@cmake --build $(SANITIZE_BUILD) -j$(JOBS)
	@ctest --test-dir $(SANITIZE_BUILD) --output-on-failure -j$(JOBS) -L engine

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
	rm -rf $(BUILD) $(SANITIZE_BUILD) $(FUZZ_BUILD)
