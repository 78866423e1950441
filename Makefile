# volt — one GNU Makefile. Every library through pkg-config.
#   make            build volt, volt-shim, volt-init
#   make check      the style checks (docs/ARCHITECTURE.md, "Checks"): layers, style, format, tests, cppcheck
#   make test       install missing deps, build, check, run unit (+ASan/UBSan), fuzz and bats tests
#   make tidy       clang-tidy over src/ and shims/ (.clang-tidy; minutes: not in make test)
#   make cppcheck   cppcheck over src/ and shims/ (.cppcheck-suppressions; part of make check)
#   make demo       install missing deps, build, show containers at work (scripts/demo)
#   make bench      side-by-side benchmarks (hyperfine)
#   make kernel     volt's own guest kernel from Debian's linux-source (vm/kernel/volt.config;
#                   minutes: never part of make test), installed into $VOLT_ROOT/kernels
#   make install PREFIX=...

CC      ?= gcc
# every core unless -j was given: `make test` and `make demo` are what CI and a
# new user type, without -j (the sub-makes of `make test` inherit it)
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 1)
endif
PREFIX  ?= /usr/local
BUILD   ?= build
VERSION := 0.1.0

# Libraries, by who needs them. Start-up time is a product feature (a
# container start is a few ms): sqlite3, jansson, libseccomp and libcap are
# linked statically (each shared library costs every volt process its mapping,
# symbol lookups and relocations in ld.so), and --as-needed keeps a binary from
# loading libraries it does not call.
STATIC_PKGS := sqlite3 jansson libseccomp libcap
PKGS    := libarchive libcrypto fuse3 libcurl
# headers only: loaded with dlopen when first used (src/supervise/sdbus_lazy.c,
# src/net/slirp_lazy.c)
LAZY_PKGS := libsystemd slirp
PKG_CFLAGS := $(shell pkg-config --cflags $(STATIC_PKGS) $(PKGS) $(LAZY_PKGS) 2>/dev/null)
# libm: only SQLite's SQL math functions call it; build/libvolt-lazym.a
# (src/util/libm_lazy.c) defines them with a dlopen on first use, so -lm after
# it is dropped by --as-needed.
STATIC_LIBS := -Wl,-Bstatic $(filter-out -lm,$(shell pkg-config --static --libs $(STATIC_PKGS) 2>/dev/null)) \
               -Wl,-Bdynamic $(BUILD)/libvolt-lazym.a -lm -ldl -lpthread
PKG_LIBS   := $(STATIC_LIBS) $(shell pkg-config --libs $(PKGS) 2>/dev/null)
SHIM_LIBS  := $(PKG_LIBS)

WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes \
           -Wstrict-prototypes -Wno-unused-parameter -Wvla
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=gnu17 $(WARN) $(CFLAGS) -D_GNU_SOURCE -DVOLT_VERSION=\"$(VERSION)\" \
              -Isrc $(PKG_CFLAGS) -fPIE
LDFLAGS ?=

LIB_SRCS  := $(sort $(wildcard src/*/*.c))
LIB_SRCS  := $(filter-out src/cli/%,$(LIB_SRCS))
CLI_SRCS  := $(sort $(wildcard src/cli/*.c))
HEAVY_SRCS := $(sort $(wildcard src/cli/heavy/*.c))
SHIM_SRCS := $(sort $(wildcard shims/shim/*.c))
INIT_SRCS := $(sort $(wildcard shims/init/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))

LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/%.o)
HEAVY_OBJS := $(HEAVY_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/src/cli/common.o $(BUILD)/src/cli/cmdtree.o \
              $(BUILD)/src/cli/listing.o
SHIM_OBJS := $(SHIM_SRCS:%.c=$(BUILD)/%.o)
INIT_OBJS := $(INIT_SRCS:%.c=$(BUILD)/%.o)

BINS := $(BUILD)/volt $(BUILD)/volt-shim $(BUILD)/volt-init $(BUILD)/volt-image $(BUILD)/volt-runtime

.PHONY: kernel print-pkgs print-lazy-pkgs shell-docs all check check-layers check-style check-format check-tests format tidy cppcheck test unit unit-asan bats demo bench install deps clean fuzz
all: $(BINS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libvolt.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

# the lazy libm and the loader it needs (a binary may not pull lazylib.o
# from libvolt.a before SQLite asks for the math functions)
$(BUILD)/libvolt-lazym.a: $(BUILD)/src/util/libm_lazy.o $(BUILD)/src/util/lazylib.o
	@rm -f $@
	ar rcs $@ $^

LINK := $(CC) -pie -Wl,--as-needed $(LDFLAGS)

$(BUILD)/volt: $(CLI_OBJS) $(BUILD)/libvolt.a $(BUILD)/libvolt-lazym.a
	$(LINK) -o $@ $(CLI_OBJS) $(BUILD)/libvolt.a $(PKG_LIBS)

# volt-runtime: volt itself under the name OCI engines call (argv[0] picks cli/oci.c)
$(BUILD)/volt-runtime: $(BUILD)/volt
	ln -sf volt $@

# volt-image: the commands that need the heavy libraries; volt execs it.
# Those load libm anyway: it links libm itself, so that their math calls do
# not go through libm_lazy.c's definitions.
$(BUILD)/volt-image: $(HEAVY_OBJS) $(BUILD)/libvolt.a
	$(LINK) -o $@ $(HEAVY_OBJS) $(BUILD)/libvolt.a $(filter-out $(BUILD)/libvolt-lazym.a,$(PKG_LIBS))

$(BUILD)/volt-shim: $(SHIM_OBJS) $(BUILD)/libvolt.a $(BUILD)/libvolt-lazym.a
	$(LINK) -o $@ $(SHIM_OBJS) $(BUILD)/libvolt.a $(SHIM_LIBS)

# volt-init is PID 1 inside containers: static, no libraries beyond libc.
# In a microVM it is the guest agent too: the protocol codec is shared with the host.
INIT_SHARED := src/vm/agent_proto.c src/vm/share_param.c
$(BUILD)/volt-init: $(INIT_SRCS) $(INIT_SHARED) $(wildcard shims/init/*.h) src/vm/agent_proto.h src/vm/share_param.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu17 $(WARN) -O2 -D_GNU_SOURCE -DVOLT_INIT_VERSION=\"$(VERSION)\" -Isrc -static -o $@ $(INIT_SRCS) $(INIT_SHARED)

# ---- tests ---------------------------------------------------------------
UNIT_BINS      := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/unit/%)
UNIT_ASAN_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/unit-asan/%)
CMOCKA_LIBS    := $(shell pkg-config --libs cmocka 2>/dev/null)
ASAN_FLAGS     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

$(BUILD)/unit/%: tests/unit/%.c $(BUILD)/libvolt.a $(BUILD)/libvolt-lazym.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libvolt.a $(PKG_LIBS) $(CMOCKA_LIBS)

# The sanitizer build compiles the library once more with ASan+UBSan.
ASAN_OBJS := $(LIB_SRCS:%.c=$(BUILD)/asan/%.o)
$(BUILD)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ASAN_FLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libvolt-asan.a: $(ASAN_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/unit-asan/%: tests/unit/%.c $(BUILD)/libvolt-asan.a $(BUILD)/libvolt-lazym.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ASAN_FLAGS) -o $@ $< $(BUILD)/libvolt-asan.a $(PKG_LIBS) $(CMOCKA_LIBS)

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

unit-asan: $(UNIT_ASAN_BINS)
	@set -e; for t in $(UNIT_ASAN_BINS); do echo "== $$t (asan+ubsan)"; $$t; done

deps:
	@scripts/install-deps

bats: all
	@scripts/run-bats

# `make test`: everything, from a fresh Debian/Ubuntu machine.
test: deps
	@$(MAKE) --no-print-directory check
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory unit-asan
	@$(MAKE) --no-print-directory fuzz
	@scripts/run-bats

fuzz:
	@scripts/run-fuzz

# ---- checks (docs/ARCHITECTURE.md, "Checks") --------------------------------
C_FILES := $(sort $(wildcard src/*/*.[ch] src/*/*/*.[ch] shims/*/*.[ch] tests/unit/*.[ch] tests/fuzz/*.[ch]))

# seconds, no build needed: make test runs them first
check: check-layers check-style check-format check-tests cppcheck

# every #include points down the layer table of docs/ARCHITECTURE.md
check-layers:
	@scripts/check-layers

# grep rules: no printing or aborting in library code, every fd CLOEXEC,
# syscall() only in src/util/syscalls.h
check-style:
	@scripts/check-style

# the tree is as clang-format (.clang-format) would write it; `make format` fixes it
check-format:
	@command -v $(CLANG_FORMAT) >/dev/null || { echo "check-format: $(CLANG_FORMAT) missing (apt-get install clang-format)" >&2; exit 1; }
	@$(CLANG_FORMAT) --dry-run -Werror $(C_FILES)

format:
	$(CLANG_FORMAT) -i $(C_FILES)

# bats files: every skip through skip_or_fail/not_in_this_mode, no || true assertions
check-tests:
	@scripts/check-tests

# Static analysers, with the build's own flags (no compile database). Each
# disabled check has its reason in .clang-tidy / .cppcheck-suppressions.
# cppcheck takes ~15 s (in make check); tidy ~10 minutes on 2 cores (by hand).
CLANG_FORMAT ?= clang-format
CLANG_TIDY   ?= clang-tidy
CHECK_FLAGS  := -std=gnu17 -D_GNU_SOURCE -DVOLT_VERSION=\"$(VERSION)\" -DVOLT_INIT_VERSION=\"$(VERSION)\" -Isrc $(PKG_CFLAGS)
CHECK_SRCS   := $(LIB_SRCS) $(CLI_SRCS) $(HEAVY_SRCS) $(SHIM_SRCS) $(INIT_SRCS)
TIDY_JOBS    ?= 2
tidy:
	@printf '%s\n' $(CHECK_SRCS) | xargs -P$(TIDY_JOBS) -I{} $(CLANG_TIDY) --quiet {} -- $(CHECK_FLAGS)

cppcheck:
	@cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability --std=c11 \
		--inline-suppr --suppressions-list=.cppcheck-suppressions --library=posix --library=scripts/cppcheck.cfg -j$(TIDY_JOBS) \
		-D_GNU_SOURCE -DVOLT_VERSION='"$(VERSION)"' -DVOLT_INIT_VERSION='"$(VERSION)"' -Isrc $(CHECK_SRCS)

demo: deps
	@echo "== building volt"
	@$(MAKE) --no-print-directory -s all
	@scripts/demo

bench: deps
	@$(MAKE) --no-print-directory all
	@scripts/bench

# as the user, cached under ${XDG_CACHE_HOME:-~/.cache}/volt/kernel (scripts/build-kernel)
kernel:
	@scripts/build-kernel

# completion scripts and manual pages, written by volt from its command
# tables (src/cli/completion.c): the same as --help, so they cannot drift
SHELL_DOCS := $(BUILD)/share/volt.bash $(BUILD)/share/_volt $(BUILD)/share/man/volt.1
shell-docs: $(SHELL_DOCS)
$(BUILD)/share/volt.bash: $(BUILD)/volt $(BUILD)/volt-image
	@mkdir -p $(dir $@)
	$(BUILD)/volt completion bash >$@.tmp && mv $@.tmp $@
$(BUILD)/share/_volt: $(BUILD)/volt $(BUILD)/volt-image
	@mkdir -p $(dir $@)
	$(BUILD)/volt completion zsh >$@.tmp && mv $@.tmp $@
$(BUILD)/share/man/volt.1: $(BUILD)/volt $(BUILD)/volt-image
	rm -rf $(BUILD)/share/man
	$(BUILD)/volt __man $(BUILD)/share/man

install: all $(SHELL_DOCS)
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
		$(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0644 $(BUILD)/share/volt.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/volt
	install -m 0644 $(BUILD)/share/_volt $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_volt
	install -m 0644 $(BUILD)/share/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/libexec/volt $(DESTDIR)$(PREFIX)/share/volt/profiles
	install -m 0755 $(BUILD)/volt $(DESTDIR)$(PREFIX)/bin/volt
	ln -sf volt $(DESTDIR)$(PREFIX)/bin/volt-runtime
	install -m 0755 $(BUILD)/volt-shim $(DESTDIR)$(PREFIX)/libexec/volt/volt-shim
	install -m 0755 $(BUILD)/volt-init $(DESTDIR)$(PREFIX)/libexec/volt/volt-init
	install -m 0755 $(BUILD)/volt-image $(DESTDIR)$(PREFIX)/libexec/volt/volt-image
	cp -r profiles/. $(DESTDIR)$(PREFIX)/share/volt/profiles/

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# for scripts (run-fuzz) that need the same libraries
print-pkgs:
	@echo $(STATIC_PKGS) $(PKGS)
# headers only (dlopen'd libraries): for scripts that compile the sources
print-lazy-pkgs:
	@echo $(LAZY_PKGS)
