# Atelier — build, test, install.
#   make            build build/atelier
#   make run        install missing packages, build, set up the data directory (atelier
#                   init: database, workshop key), start the bench's screen (atelier
#                   serve) and print the address to open
#   make check      install missing packages, build, run the whole suite (SANITIZE=1: ASan+UBSan)
#   make install    PREFIX=/usr/local DESTDIR=
#   make bench      run the benchmarks in bench/ (not part of check)
#   make fuzz       build the libFuzzer targets (clang)

VERSION  := 0.1.0
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR   := $(PREFIX)/bin
DATADIR  := $(PREFIX)/share/atelier
MANDIR   := $(PREFIX)/share/man/man1
UDEVDIR  ?= $(PREFIX)/lib/udev/rules.d
LIBEXECDIR := $(PREFIX)/lib/atelier
LOCALEDIR := $(PREFIX)/share/locale
UNITDIR  ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
SYSCONFDIR ?= /etc

CC       ?= cc
PKG_CONFIG ?= pkg-config
PKGS     := libusb-1.0 sqlite3 libpq jansson libimobiledevice-1.0 libplist-2.0 libusbmuxd-2.0 \
            yaml-0.1 libsodium zlib
# Loaded by the commands that talk HTTP alone (src/util/lazylib.h): their headers only,
# no link, so that the watcher and the other commands stay small.
LAZY_PKGS := libmicrohttpd libcurl
# Only atelier-pdf (and the tests) link these: the bench's own commands stay small.
# (And libzint, below.)
PDF_PKGS := cairo libqrencode
TEST_PKGS := cmocka umockdev-1.0 glib-2.0

ifeq ($(SANITIZE),1)
BUILD    := build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD    := build
SANFLAGS :=
endif

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wno-format-nonliteral -Wvla
BASE_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -O2 -g $(WARN) $(SANFLAGS) \
            -DATELIER_VERSION='"$(VERSION)"' -DATELIER_DATADIR='"$(DATADIR)"' -Isrc \
            -DATELIER_LIBEXECDIR='"$(LIBEXECDIR)"' -DATELIER_LOCALEDIR='"$(LOCALEDIR)"' \
            -DATELIER_LIMD_VERSION='"$(shell $(PKG_CONFIG) --modversion libimobiledevice-1.0 2>/dev/null)"'
DEP_CFLAGS  = $(shell $(PKG_CONFIG) --cflags $(PKGS) $(LAZY_PKGS) $(PDF_PKGS) 2>/dev/null)
DEP_LIBS    = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lpthread -lm
# libzint (the labels' barcodes) has no pkg-config file in Debian 12: linked by name.
PDF_LIBS    = $(shell $(PKG_CONFIG) --libs $(PDF_PKGS) 2>/dev/null) -lzint
TEST_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS   = $(shell $(PKG_CONFIG) --libs $(TEST_PKGS) 2>/dev/null)
# libpq: only the PostgreSQL test links it for now (issue #15; the store will).
PQ_CFLAGS   = $(shell $(PKG_CONFIG) --cflags libpq 2>/dev/null)
PQ_LIBS     = $(shell $(PKG_CONFIG) --libs libpq 2>/dev/null)
ALL_CFLAGS  = $(BASE_CFLAGS) $(DEP_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)

# Every module but main.c goes into a static library that tests link against.
# The page drawing (cairo) is kept out of it: only atelier-pdf and the tests link it.
PDF_SRC  := src/cert/pdf.c src/cert/pdf_text.c src/cert/label.c src/report/report_pdf.c src/report/pdfpage.c \
            src/report/programme_pdf.c src/report/erasure_pdf.c src/report/inventory_pdf.c
PDF_OBJ  := $(PDF_SRC:%.c=$(BUILD)/obj/%.o)
LIB_SRC  := $(filter-out $(PDF_SRC),$(sort $(wildcard src/util/*.c src/store/*.c src/svc/*.c src/usb/*.c \
              src/probe/*.c src/checklist/*.c src/job/*.c src/cert/*.c src/cli/*.c \
              src/report/*.c src/web/*.c)))
# The Android model table is generated from data/android-models.tsv (android_models.h).
GEN_SRC  := $(BUILD)/gen/android_models_table.c
# The files of web/ and the screen's translations (po/xx.po, turned into i18n/xx.json)
# are gathered in $(BUILD)/web (scripts/web-build, which checks each catalogue with
# msgfmt) and built into the binary as web_assets[] (src/web/web.h).
WEB_FILES := $(sort $(shell find web -type f 2>/dev/null))
PO_FILES := $(sort $(wildcard po/*.po)) po/LINGUAS
MO_LANGS := $(filter-out en,$(shell sed 's/\#.*//' po/LINGUAS 2>/dev/null))
MO_FILES = $(MO_LANGS:%=$(BUILD)/locale/%/LC_MESSAGES/atelier.mo)
WEB_OUT  := $(BUILD)/web
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/android_models_table.o \
            $(BUILD)/obj/gen/web_assets.o
LIB      := $(BUILD)/libatelier.a
BIN      := $(BUILD)/atelier
PDF_BIN  := $(BUILD)/atelier-pdf

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit_%)
IT_SRC   := $(sort $(wildcard tests/integration/it_*.c))
IT_BIN   := $(IT_SRC:tests/integration/%.c=$(BUILD)/tests/%)
TEST_HELPER_SRC := $(sort $(wildcard tests/lib/*.c))
TEST_HELPER_OBJ := $(TEST_HELPER_SRC:%.c=$(BUILD)/obj/%.o)
SH_TESTS := $(sort $(wildcard tests/integration/*.sh))
# Programs the shell tests run (a simulated USB bench; benches recording at once on one
# workshop's records, and the workshop they record into: tests/integration/pg_benches.sh).
# And a disk that stops confirming writes, and a server that cannot start a thread, each
# preloaded into the server (tests/tools/failsync.c, tests/tools/failthread.c).
TOOL_BIN := $(BUILD)/tests/usbbed $(BUILD)/tests/pg_benches $(BUILD)/tests/web_fixture \
	    $(BUILD)/tests/failsync.so $(BUILD)/tests/failthread.so

.SECONDARY:
.PHONY: all run check test deps install uninstall clean bench fuzz fuzz-smoke lint format web po-update \
        run-tests

all: $(BIN) $(PDF_BIN) $(MO_FILES)

# The command line's catalogues (the screen's, po/xx.po), beside the binary while it runs
# from the source tree (util/i18n.c) and in LOCALEDIR once installed.
$(BUILD)/locale/%/LC_MESSAGES/atelier.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt -c --check-format -o $@ $<

deps:
	@scripts/setup-deps.sh --quiet

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(GEN_SRC): data/android-models.tsv scripts/android-models-table
	@mkdir -p $(dir $@)
	scripts/android-models-table $< $@

$(BUILD)/web.stamp: $(WEB_FILES) $(PO_FILES) scripts/web-build scripts/po2json
	@mkdir -p $(dir $@)
	scripts/web-build web po $(WEB_OUT)
	@touch $@

$(BUILD)/gen/web_assets.c: $(BUILD)/web.stamp scripts/web-assets
	@mkdir -p $(dir $@)
	scripts/web-assets $(WEB_OUT) $@

# The screen's files alone, for `atelier serve --web-dir build/web` while working on them.
web: $(BUILD)/web.stamp

# After a change of the screen's texts: the template and every catalogue brought up to date.
po-update:
	scripts/po-update

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(BUILD)/obj/src/main.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEP_LIBS)

$(PDF_BIN): $(BUILD)/obj/src/pdf_main.o $(PDF_OBJ) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEP_LIBS) $(PDF_LIBS)

$(BUILD)/tests/unit_%: $(BUILD)/obj/tests/unit/%.o $(TEST_HELPER_OBJ) $(PDF_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEP_LIBS) $(PDF_LIBS) $(TEST_LIBS)

$(BUILD)/obj/tests/unit/test_pg.o $(BUILD)/obj/tests/unit/test_pg_schema.o \
  $(BUILD)/obj/tests/lib/records_here.o: TEST_CFLAGS += $(PQ_CFLAGS)
$(BUILD)/tests/unit_test_pg $(BUILD)/tests/unit_test_pg_schema: TEST_LIBS += $(PQ_LIBS)

$(BUILD)/tests/usbbed: $(BUILD)/obj/tests/tools/usbbed.o $(BUILD)/obj/tests/lib/testbed.o
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)

$(BUILD)/tests/pg_benches: $(BUILD)/obj/tests/tools/pg_benches.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEP_LIBS)

$(BUILD)/tests/web_fixture: $(BUILD)/obj/bench/web_fixture.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEP_LIBS)

# Built without the sanitizers: each is preloaded before their runtime (tests/runner
# allows it), and intercepts one call of the C library's.
$(BUILD)/tests/fail%.so: tests/tools/fail%.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -fPIC -shared -o $@ $< -ldl

$(BUILD)/tests/it_%: $(BUILD)/obj/tests/integration/it_%.o $(TEST_HELPER_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEP_LIBS) $(TEST_LIBS)

run: deps $(BIN) $(PDF_BIN)
	$(BIN) init
	@echo "Open the address below in the web browser of this machine (Ctrl-C stops the bench)."
	$(BIN) serve

test check: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(BIN) $(PDF_BIN) $(MO_FILES) $(UNIT_BIN) $(IT_BIN) $(TOOL_BIN)
	@scripts/check-banned.sh
	@# The fuzz targets are built with ASan and UBSan whatever SANITIZE says: the
	@# plain check runs them, the sanitizers' run does not run them again.
	@$(if $(filter 1,$(SANITIZE)),true,$(MAKE) --no-print-directory fuzz-smoke)
	@$(MAKE) --no-print-directory run-tests

# The tests as they are built, all of them or those named (make run-tests TESTS="..."),
# beside one private PostgreSQL for the whole run (scripts/pg-test-cluster, in a folder
# under PG_TMP, its URL in ATELIER_TEST_PG), stopped by its PID however the tests end.
# As root the server runs as nobody, who must be able to enter PG_TMP.
# Under the sanitizers, of the tests run again on PostgreSQL (tests/lib/on_pg.sh), only
# those that take the backend through all its paths (a job, a certificate from intake,
# a copy there and back, the cluster itself); the others, and the benches side by side
# (pg_benches.sh, a minute), run in the plain `make check`: CI stays within its time.
PG_TWINS     := $(filter tests/integration/pg_%.sh,$(SH_TESTS))
PG_TWINS_SAN := $(addprefix tests/integration/,pg_cluster.sh pg_job_cli.sh pg_certify_cli.sh pg_bench_keys.sh \
		  pg_db_copy.sh)
ifeq ($(SANITIZE),1)
TESTS  ?= $(UNIT_BIN) $(IT_BIN) $(filter-out $(filter-out $(PG_TWINS_SAN),$(PG_TWINS)),$(SH_TESTS))
else
TESTS  ?= $(UNIT_BIN) $(IT_BIN) $(SH_TESTS)
endif
PG_TMP ?= $(abspath $(BUILD))
# The tests run side by side, as many at once as there are cores: most of a test's time
# is spent waiting (on a fake phone's deadline, a browser, a server), not computing. The
# tests that drive Chromium take their turns among themselves: each runs a browser and
# a server, and their walks wait for what a screen shows (docs/hacking.md).
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BROWSER_TESTS := $(shell grep -l '\.mjs' $(SH_TESTS) 2>/dev/null)
comma := ,
empty :=
space := $(empty) $(empty)
PROVE_RULES := $(if $(BROWSER_TESTS),--rules='seq={$(subst $(space),$(comma),$(strip $(BROWSER_TESTS)))}' --rules='par=**')
run-tests:
	@rm -f $(BUILD)/test-logs/failed.txt
	@mkdir -p $(PG_TMP) && pg=$$(mktemp -d $(PG_TMP)/pg.XXXXXX) && \
	  url=$$(scripts/pg-test-cluster start $$pg) || \
	  { echo "make: the tests' PostgreSQL did not start (see above; PG_TMP=/tmp would put it in /tmp)" >&2; \
	    rmdir $$pg 2>/dev/null; exit 1; }; \
	  trap 'scripts/pg-test-cluster stop '"$$pg"' && rm -rf '"$$pg" EXIT; \
	  trap 'exit 130' INT TERM; \
	  ATELIER_TEST_PG=$$url ATELIER_BIN=$(abspath $(BIN)) ATELIER_BUILD=$(abspath $(BUILD)) \
	  SANITIZE=$(SANITIZE) prove -j$(JOBS) $(PROVE_RULES) --timer --exec tests/runner $(TESTS) || \
	  { cat $(BUILD)/test-logs/failed.txt 2>/dev/null; exit 1; }

# libFuzzer targets: built with clang when it is there; check runs each briefly.
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_LIB_SRC := src/usb/classify.c src/usb/device.c src/usb/usbids.c src/util/log.c src/util/text.c src/util/imei.c \
                src/probe/facts.c src/probe/ios_parse.c src/probe/ios_models.c \
                src/probe/android_parse.c src/probe/android_models.c $(GEN_SRC) \
                src/probe/android_models_file.c \
                src/checklist/expr.c src/checklist/checklist.c src/util/datadir.c src/util/file.c \
                src/cert/sign.c src/cert/verify.c src/util/secret.c

# The library's files are compiled once for every target (instrumented for the fuzzer,
# not linked with its main), then each target links them with its own file.
FUZZ_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -g -O1 -Isrc
FUZZ_LIB_OBJ := $(patsubst %.c,build/fuzz/obj/%.o,$(FUZZ_LIB_SRC))

build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $(DEP_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@

build/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_OBJ)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $(DEP_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $^ $(DEP_LIBS)

fuzz: $(FUZZ_BIN)

fuzz-smoke:
	@if command -v clang >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory -j$(JOBS) fuzz && \
	  for f in $(FUZZ_BIN); do \
	    echo "fuzz-smoke: $$f (20000 runs)"; \
	    n=$$(basename $$f); rm -rf build/fuzz/work-$$n; mkdir -p build/fuzz/work-$$n; \
	    $$f -runs=20000 -seed=1 -max_len=512 build/fuzz/work-$$n tests/fuzz/corpus/$$n >build/fuzz/$$n.log 2>&1 \
	      || { tail -40 build/fuzz/$$(basename $$f).log; exit 1; }; \
	  done; \
	else echo "fuzz-smoke: clang not found, skipped"; fi

bench: deps $(BIN) $(PDF_BIN)
	@$(MAKE) --no-print-directory build/bench/usb_bench build/bench/hotplug_min build/bench/ledger_bench
	umockdev-wrapper build/bench/usb_bench $(abspath $(BIN)) $(abspath build/bench/hotplug_min)
	build/bench/ledger_bench
	sh bench/ios_bench.sh $(abspath $(BIN))
	sh bench/android_bench.sh $(abspath $(BIN))
	@$(MAKE) --no-print-directory build/bench/web_fixture $(TOOL_BIN)
	sh bench/web_bench.sh $(abspath $(BUILD))
	sh bench/console_bench.sh $(abspath $(BUILD))
	sh bench/training_pdf_bench.sh $(abspath $(BUILD))
	sh bench/live_bench.sh $(abspath $(BUILD))

build/bench/usb_bench: bench/usb_bench.c tests/lib/testbed.c tests/lib/proc.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -o $@ $^ $(DEP_LIBS) $(TEST_LIBS)

build/bench/web_fixture: bench/web_fixture.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(DEP_LIBS)

build/bench/ledger_bench: bench/ledger_bench.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(DEP_LIBS)

build/bench/hotplug_min: bench/hotplug_min.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(DEP_LIBS)

lint:
	@scripts/check-banned.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

install: $(BIN) $(PDF_BIN) $(MO_FILES)
	for l in $(MO_LANGS); do install -D -m 0644 $(BUILD)/locale/$$l/LC_MESSAGES/atelier.mo \
	  $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/atelier.mo || exit 1; done
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/checklists $(DESTDIR)$(MANDIR) \
	  $(DESTDIR)$(UDEVDIR) $(DESTDIR)$(LIBEXECDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/atelier
	install -m 0755 $(PDF_BIN) $(DESTDIR)$(LIBEXECDIR)/atelier-pdf
	install -m 0644 docs/atelier.1 $(DESTDIR)$(MANDIR)/atelier.1
	install -m 0644 udev/*.rules $(DESTDIR)$(UDEVDIR)/
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR)
	sed 's|@BINDIR@|$(BINDIR)|g' systemd/atelier.service.in > $(DESTDIR)$(UNITDIR)/atelier.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/atelier.service
	install -m 0644 systemd/atelier.sysusers $(DESTDIR)$(SYSUSERSDIR)/atelier.conf
	install -d $(DESTDIR)$(SYSCONFDIR)/profile.d
	install -m 0644 systemd/atelier-profile.sh $(DESTDIR)$(SYSCONFDIR)/profile.d/atelier.sh
	@# On the machine itself (no DESTDIR), the system user is made now; a package does it
	@# in its own scripts.
	if [ -z "$(DESTDIR)" ] && command -v systemd-sysusers >/dev/null; then \
	  systemd-sysusers $(SYSUSERSDIR)/atelier.conf; fi
	install -d $(DESTDIR)$(DATADIR)/templates
	install -m 0644 data/templates/*.tsv $(DESTDIR)$(DATADIR)/templates/
	cd checklists && find . -type f ! -name README.md | while read -r f; do \
	  install -D -m 0644 "$$f" "$(DESTDIR)$(DATADIR)/checklists/$$f" || exit 1; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/atelier $(DESTDIR)$(MANDIR)/atelier.1
	rm -rf $(DESTDIR)$(LIBEXECDIR)
	rm -f $(addprefix $(DESTDIR)$(UDEVDIR)/,$(notdir $(wildcard udev/*.rules)))
	rm -f $(DESTDIR)$(UNITDIR)/atelier.service $(DESTDIR)$(SYSUSERSDIR)/atelier.conf
	rm -f $(DESTDIR)$(SYSCONFDIR)/profile.d/atelier.sh
	for l in $(MO_LANGS); do rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/atelier.mo; done
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
