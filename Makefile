# The two front-door commands (README): `make demo` and `make test`. Each installs what is
# missing, configures and builds; then runs the main job or every test.
SHARED ?= ../shared
PRESET ?= release
BUILD_DIR := build/$(PRESET)
LIMIAR := $(BUILD_DIR)/src/cli/limiar
JOBS ?= $(shell nproc)

.PHONY: deps build demo test bench format conformance clean

deps:
	./scripts/install-deps.sh

build: deps
	cmake --preset $(PRESET)
	cmake --build --preset $(PRESET) -j $(JOBS)

demo: build
	$(LIMIAR) demo --blueprint $(SHARED)/blueprints/ecommerce-high-traffic.json

test: build
	ctest --preset $(PRESET) -j $(JOBS)

conformance: build
	$(LIMIAR) conformance $(SHARED)/conformance/*.json

bench: build
	./scripts/run-benchmarks.sh $(BUILD_DIR)

format:
	git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	rm -rf build
