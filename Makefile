# Shortcuts for a developer machine that has make; the README's commands are the scripts,
# which need nothing but bash.
SHARED ?= ../shared
PRESET ?= release
LIMIAR := build/$(PRESET)/src/cli/limiar

.PHONY: deps build demo test fuzz bench format conformance image chart-check clean

deps:
	./scripts/install-deps.sh

build:
	PRESET=$(PRESET) ./scripts/build.sh

demo:
	PRESET=$(PRESET) ./scripts/demo.sh

test:
	PRESET=$(PRESET) ./scripts/test.sh

# The libFuzzer targets for FUZZ_SECONDS each (scripts/fuzz.sh --help for more).
FUZZ_SECONDS ?= 600
fuzz:
	./scripts/fuzz.sh --seconds $(FUZZ_SECONDS)

conformance: build
	$(LIMIAR) conformance $(SHARED)/conformance/*.json

bench: build
	./scripts/run-benchmarks.sh build/$(PRESET)

# The container image (buildah; scripts/build-image.sh --help) and the Helm chart's checks.
image: build
	./scripts/build-image.sh --limiar $(LIMIAR)

chart-check: deps
	tests/chart/check_chart.sh build/tools/helm

format:
	git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	rm -rf build
