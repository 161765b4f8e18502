# reportc: a Lua-scriptable report compiler (Lua 5.4 + SQLite + libharu).
#
#   make deps    install the Debian 12 packages a fresh machine lacks
#   make         build ./reportc and out/facts.db
#   make demo    deps, fact store, every example report into out/
#   make test    the whole suite; ends with "N passed, N failed"
#   make check-asan   the suite again under AddressSanitizer + UBSan
#   make fuzz    each libFuzzer harness in tests/fuzz/ for FUZZ_SECONDS (60)
#   make bench   speed and size figures (reports, never fails on a number)
#   make test-slurm   the README's Slurm array job on a real one-node cluster
#                (opt-in: installs slurm-wlm and munge, starts daemons)

PREFIX  ?= /usr/local
BUILD   ?= out/build
CC      ?= cc
PKGS     = lua5.4 sqlite3 zlib harfbuzz harfbuzz-subset libdeflate
CFLAGS  ?= -O2 -g
override CFLAGS += $(SANITIZE) -std=gnu11 -Wall -Wextra -DREPORTC_SHARE='"$(PREFIX)/share/reportc"' $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
override LDFLAGS += $(SANITIZE)
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lhpdf -lhyphen -lm

DEB_PKGS = build-essential pkg-config liblua5.4-dev libhpdf-dev libsqlite3-dev zlib1g-dev \
           xxd sqlite3 fonts-arphic-uming fonts-wqy-microhei \
           fonts-dejavu-core fonts-droid-fallback fonts-noto-cjk fonts-noto-core \
           libharfbuzz-dev libharfbuzz-bin poppler-utils qpdf \
           mupdf-tools python3 python3-fonttools unicode-data time libjpeg-turbo-progs \
           clang libfuzzer-14-dev libclang-rt-14-dev systemd \
           python3-munkres lua-check man-db chromium chromium-driver libjs-pdf libdeflate-dev \
           libhyphen-dev hyphen-en-us
# python3-munkres: fonttools depends on "scipy | munkres"; naming the small
# one keeps apt from pulling in SciPy, NumPy, Pythran and Boost.  lua-check
# and man-db are used by tests (luacheck, the man page); chromium and
# chromium-driver by the live preview test, libjs-pdf by the preview page (pdf.js).
# libhyphen-dev and hyphen-en-us: hyphenation of long English words (src/text/hyphen.c).

LIB_SRC  = $(sort $(wildcard src/*/*.c))
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/%)
TOOL_SRC = $(sort $(wildcard tests/tools/*.c))
TOOL_BIN = $(TOOL_SRC:tests/tools/%.c=$(BUILD)/%)
FUZZ_SRC = $(sort $(wildcard tests/fuzz/fuzz_*.c))
FACT_CSV = $(sort $(wildcard scripts/facts/*.csv))

.PHONY: all deps demo test check-asan fuzz fuzz-build bench install clean test-slurm FORCE

all: reportc out/facts.db

reportc: $(BUILD)/reportc
	cp $< $@

$(BUILD)/reportc: $(BUILD)/src/main.o $(LIB_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c $(wildcard src/*/*.h) | $(BUILD)/prelude.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -I$(BUILD) -c -o $@ $<

# The Lua half of the report module is compiled into the binary.
$(BUILD)/src/script/lreport.o: $(BUILD)/prelude.h

# REPORTC_SHARE is compiled into main.o: rebuild it when PREFIX changes.
$(BUILD)/src/main.o: $(BUILD)/prefix.stamp
$(BUILD)/prefix.stamp: FORCE
	@mkdir -p $(BUILD)
	@echo '$(PREFIX)' | cmp -s - $@ || echo '$(PREFIX)' > $@
FORCE:

# ... as source and as bytecode (src/script/build/luac.c says why); the
# source is loaded when the library refuses the bytecode (another version).
$(BUILD)/prelude.h: src/script/prelude.lua $(BUILD)/luac
	@mkdir -p $(BUILD)
	$(BUILD)/luac =prelude src/script/prelude.lua $(BUILD)/prelude.luac
	cd src/script && xxd -i prelude.lua > $(CURDIR)/$@.tmp
	cd $(BUILD) && xxd -i prelude.luac >> $(CURDIR)/$@.tmp && mv $(CURDIR)/$@.tmp $(CURDIR)/$@

$(BUILD)/luac: src/script/build/luac.c
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

# The live preview page of `reportc watch --serve` is compiled in too.
$(BUILD)/src/watch/serve.o: $(BUILD)/preview.h

$(BUILD)/preview.h: src/watch/preview.html
	@mkdir -p $(BUILD)
	cd src/watch && xxd -i preview.html > $(CURDIR)/$@.tmp && mv $(CURDIR)/$@.tmp $(CURDIR)/$@

$(BUILD)/test_%: tests/unit/test_%.c $(LIB_OBJ)
	$(CC) $(CFLAGS) -I$(BUILD) -o $@ $^ $(LDLIBS)

$(BUILD)/%: tests/tools/%.c $(LIB_OBJ)
	$(CC) $(CFLAGS) -I$(BUILD) -o $@ $^ $(LDLIBS)

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) $(LIB_OBJ)
	$(CC) $(CFLAGS) -fsanitize=fuzzer -I$(BUILD) -o $@ $< $(LIB_OBJ) $(LDLIBS)

out/facts.db: scripts/facts/build.sh scripts/facts/schema.sql $(FACT_CSV)
	sh scripts/facts/build.sh $@

deps:
	@missing=$$(for p in $(DEB_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "deps: all installed"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: missing packages; run as root:"; \
	  echo "  apt-get install -y --no-install-recommends $$missing"; exit 1; fi

# The list of examples is scripts/examples.sh's; the tests build the same
# into temporary folders.
demo: deps all
	@REPORTC=./reportc sh scripts/examples.sh out

test: all $(UNIT_BIN) $(TOOL_BIN)
	@sh tests/run.sh

# clang: its UBSan also catches what GCC's does not (arithmetic on a NULL
# pointer, found by fuzz_csv).
ASAN_BUILD = out/build-asan-clang
check-asan: all
	$(MAKE) BUILD=$(ASAN_BUILD) CC=clang CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	  SANITIZE="-fsanitize=address,undefined" $(ASAN_BUILD)/reportc \
	  $(UNIT_BIN:$(BUILD)/%=$(ASAN_BUILD)/%) $(TOOL_BIN:$(BUILD)/%=$(ASAN_BUILD)/%)
	@# allocator_may_return_null: a huge request fails as it would without
	@# ASan, so base/mem.c's policy (one line, exit 1) is what is tested.
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  REPORTC=$(ASAN_BUILD)/reportc TEST_BUILD=$(ASAN_BUILD) sh tests/run.sh

# The harnesses and the library objects they link, built by clang with
# libFuzzer's instrumentation, ASan and UBSan (any UB ends the run), into
# out/build-fuzz; tests/fuzz/run.sh runs each in turn on a scratch copy of
# its seed corpus and fails, naming the input, if any harness crashed.
FUZZ_BUILD   = out/build-fuzz
FUZZ_SECONDS ?= 60
fuzz-build:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	  SANITIZE="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" \
	  $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/%)

fuzz: fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BUILD)

bench: all $(TOOL_BIN)
	@sh tests/bench.sh

# Not part of `test`: it installs packages and runs daemons (see the script).
test-slurm: all
	@sh scripts/slurm/test-slurm.sh

# The binary, the templates (with their LuaLS types), the font manifests
# and the man page.  DESTDIR stages the tree (packaging); the binary finds
# share/reportc beside its bin/ first, then the PREFIX compiled in.
MANDIR  ?= $(PREFIX)/share/man
SHARE    = $(DESTDIR)$(PREFIX)/share/reportc
install: reportc
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)/fonts $(DESTDIR)$(MANDIR)/man1
	install -m 755 reportc $(DESTDIR)$(PREFIX)/bin/reportc
	install -m 644 fonts/*.manifest $(SHARE)/fonts/
	for f in $$(cd templates && find . -type f -name '*.lua'); do \
	  install -D -m 644 templates/$$f $(SHARE)/templates/$$f || exit 1; done
	install -m 644 src/reportc.1 $(DESTDIR)$(MANDIR)/man1/reportc.1

clean:
	rm -rf out/build out/build-asan out/build-asan-clang out/build-fuzz out/fuzz out/bytes reportc out/facts.db out/*.pdf
