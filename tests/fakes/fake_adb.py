#!/usr/bin/env python3
"""fake_adb.py - a fake adb SERVER (host side of the adb smart-socket protocol).

Atelier's adb client (src/probe/adb.c) and the real Debian `adb` 29 command-line
client talk to this process exactly as they would talk to `adb fork-server`, with
no phone attached.  Python 3 standard library only.  tests/fakes/fake_adb.md is
the longer guide; this docstring is the reference.

Usage
-----
    python3 tests/fakes/fake_adb.py --port PORT --scenario FILE.json
            [--control PATH] [--log FILE]

Listens on 127.0.0.1 only (PORT 0 picks a free port).  Prints "ready PORT" on
stdout (one line, flushed) once listening.  SIGTERM/SIGINT, the control command
"quit" or the adb request host:kill stop it (exit 0; the control socket is removed).
Point clients at it with ADB_SERVER_SOCKET=tcp:127.0.0.1:PORT, or `adb -P PORT`,
or ANDROID_ADB_SERVER_PORT=PORT.  Start the fake BEFORE any adb client: a client
that finds no server starts a real one on that port.

Scenario file (JSON)
--------------------
    {"devices": [DEVICE, ...], "faults": [FAULT, ...], "delay_ms": N,
     "host_features": [...], "shell_default": OUTPUT}
A bare list of DEVICE also works.  Keys starting with "_" are ignored everywhere.

DEVICE keys (all optional but "serial"):
    serial        adb serial ("" prints as "(no serial number)")
    state         "device" (default), "unauthorized", "offline", "recovery",
                  "sideload", "bootloader", "rescue", "no permissions" (expanded
                  to the Debian adb 29 text "no permissions (user in plugdev group;
                  are your udev rules wrong?); see [http://developer.android.com/
                  tools/device.html]"), or any full "no permissions (...); see [...]"
                  string (e.g. the newer "missing udev rules? user is in the
                  plugdev group" wording)
    usb           devpath as printed by devices -l, e.g. "usb:1-4" (default
                  "usb:1-N" by position; "" for none)
    product, model, device
                  banner values shown by devices -l (only in states "device",
                  "recovery", "rescue", "sideload": adbd sends them after auth;
                  model is printed with non-alphanumerics as "_", as adb does)
    transport_id  pin the id (default: 1, 2, 3 ... in attach order; a re-attach
                  gets a new one, like the real server)
    transport     "usb" (default) or "local" (for host:transport-usb/-local)
    features      list (or comma string) answered to host-serial:S:features;
                  default FEATURES_MODERN (has shell_v2).  [] = an old device:
                  clients must fall back to legacy "shell:".
    shell         {COMMAND: OUTPUT}; see "Shell" below
    shell_default OUTPUT for unknown simple commands (default: stderr
                  "/system/bin/sh: WORD: inaccessible or not found\\n", exit 127)
    delay_ms      sleep before every answer about this device (features, get-state,
                  transport switch) and before shell output
    hang_on       list of simple commands (or "*") whose shell never answers: the
                  output of the commands before it in the same line is sent, then
                  nothing, the socket stays open until the client closes it
    hang_host     list of host services about this device never answered
                  ("features", "get-state", "get-serialno", "transport")
    unplug_at_shell
                  N: the N-th shell/exec service since attach triggers an unplug
                  (the device is detached: its connections close, track-devices
                  listeners get a list without it, later requests get
                  "device 'S' not found")
    unplug_mode   "after" (default: the N-th shell completes, then unplug),
                  "midway" (half of its stdout is sent, then unplug: no exit
                  packet), "before" (OKAY, then unplug with no output)
    legacy_crlf   true: legacy "shell:" output has "\\n" -> "\\r\\n" (pre-7.0 adbd
                  ran legacy commands under a pty)
    max_packet    largest shell v2 data packet (default 32763); small values test
                  reassembly

OUTPUT (a value of "shell"):
    "text"                                  stdout, exit 0
    {"stdout": "...", "stderr": "...", "exit": 0,
     "stdout_file": "tests/fixtures/...", "stderr_file": "...",
     "hang": false, "delay_ms": 0}
    File paths are relative to the scenario's directory, else to the repository
    root (two levels above this script).  Leading lines starting with "#" (the
    "# source:" headers) are stripped; the rest is served byte for byte (CRLF kept).

Shell (services "shell,v2,...:CMD", "shell,v2:CMD", "shell:CMD", "exec:CMD")
---------------------------------------------------------------------------
The command line CMD is answered like this:
 1. CMD (stripped) is a key of "shell": that OUTPUT, nothing else.
 2. Otherwise CMD is split at top-level ";", "&&", "||" and newlines (quotes
    '...' and "..." and backslash escapes respected) into simple commands, run in
    order with sh semantics for && and ||; the line's exit code is the last one
    run.  Each simple command, after dropping a trailing "2>&1" (stderr merged
    into stdout), "2>/dev/null" or ">/dev/null":
      - a key of "shell" (whitespace-collapsed match)  -> that OUTPUT
      - echo [-n] WORDS       -> the words, quotes removed ("echo @@ATELIER@@"
                                 prints "@@ATELIER@@\\n": the prober's marker)
      - exit N, true, false, :
      - getprop KEY           -> the value from the map's "getprop" capture
                                 ("\\n" when absent), unless "getprop KEY" is a key
      - anything else         -> shell_default
    Pipes, $VARS, subshells and globbing are NOT interpreted: a simple command
    containing them is matched verbatim as a key, else shell_default.
 So `getprop; echo @@ATELIER@@; dumpsys battery; echo @@ATELIER@@; df -k /data`
 gives the three captures with a marker line between them, in one connection.
shell v2: stdout/stderr as packets (id 1/2, 4-byte LE length), then an exit packet
(id 3, 1 byte).  Incoming stdin (0), close-stdin (4) and window-size (5) packets
are read and ignored.  "pty" in the args merges stderr into stdout and turns "\\n"
into "\\r\\n"; an empty CMD (interactive) gets stderr "fake_adb: interactive shell
not supported" and exit 1.  Legacy "shell:CMD": stdout and stderr merged, raw, then
close (no exit code).  "exec:CMD": stdout only, raw.  After the output the fake
half-closes and waits for the client to close, so no reply byte is lost to a RST.

FAULT (scenario "faults", also control "fault"): malformed replies
    {"service": NAME, "kind": KIND, "serial": S (optional), "times": N (optional,
     default unlimited), "message": "..." (kind "fail")}
NAME: version, devices, devices-l, track-devices, track-devices-l, host-features,
features, get-state, get-serialno, get-devpath, transport (any host:transport* or
host:tport:*), shell (shell and exec), wait-for, or "*".
KIND for host replies: okax ("OKAX" instead of "OKAY"), bad_hex (length "0g1z"),
long_length (length says 100 bytes more than sent, then close), truncated ("OK",
close), close (no reply), garbage (b"\\xff\\x00garbage", close), fail (FAIL +
message), short_id (tport: OKAY + 4 of the 8 id bytes, close).
KIND for shell: okax, close, fail, truncated_packet (a v2 header announcing more
than is sent, then close), bad_packet_id (an extra packet with id 9 first),
no_exit (output, then close without the exit packet).

Control socket (--control PATH): one JSON object per line in, one JSON line out.
    {"cmd":"attach","device":{DEVICE}}   plug a new device, or {"serial": S} to
                                         plug a detached one back (new transport id)
    {"cmd":"detach","serial":S}          unplug
    {"cmd":"update","serial":S,"changes":{DEVICE keys}}  e.g. {"state":"device"}
                                         after "unauthorized" (track listeners see it)
    {"cmd":"set","serial":S,"shell":{COMMAND: OUTPUT}}  change some answers (merged
                                         into "shell"), e.g. the accounts once removed
    {"cmd":"reset","serial":S[,"changes":{DEVICE keys}]}  factory reset: the device
                                         leaves adb as with detach (USB debugging is
                                         off); a later attach {"serial": S} brings it
                                         back "unauthorized", no accounts, setup done
                                         (FACTORY_RESET_* below say why)
    {"cmd":"fault","fault":{FAULT}}      add a fault;  {"cmd":"clear_faults"}
    {"cmd":"stats"}  {"cmd":"reset_stats"}  {"cmd":"list"}  {"cmd":"ping"}
    {"cmd":"quit"}
Answers are {"ok": true, ...} or {"ok": false, "error": "..."}.
stats: global {connections, open_connections, requests{service: n}, track_listeners,
faults_applied, control_connections, threads}; per serial {attached, state,
transport_id, connections (sockets switched to its transport), host_requests
{service: n}, shell_services, shell_v2, shell_legacy, exec, shell_commands [every
command line, in order], simple_commands, hung, unplugs, resets, attach_count,
detach_count, open_connections}.  One prober probe that batches its commands
shows as shell_services == 1 and one entry in shell_commands.

Protocol facts relied on (Debian 12, adb 1:29.0.6-28, and AOSP adb 29 sources)
 * request: 4 hex digits + payload; reply OKAY / FAIL + 4 hex digits + message.
   host:version -> OKAY00040029 (0x29 = 41; the Debian client kills a server that
   answers another number).  Host queries are answered, then the socket closes.
 * host:tport:... -> OKAY + the transport id as 8 bytes little-endian; the legacy
   host:transport:... forms answer a bare OKAY.  Then the socket carries one
   device service.
 * error texts (acquire_one_transport): "device 'S' not found", "no devices/
   emulators found", "no devices found" (usb), "no emulators found" (local),
   "more than one device/emulator", "more than one device", "device offline",
   "device unauthorized.\\nThis adb server's $ADB_VENDOR_KEYS is not set\\nTry 'adb
   kill-server' if that seems wrong.\\nOtherwise check for a confirmation dialog on
   your device.", and for a no-permissions device the long help text
   "insufficient permissions for device: PROBLEM\\nSee [URL] for more information".
   get-state accepts any state (answers "unauthorized", "offline", ...).
   A device service without a transport: "device offline (no transport)".
   Unknown host service: "unknown host service".  A service adbd refuses: "closed".
 * devices -l line: "%-22s %s" serial/state, then " usb:..", " product:..",
   " model:.." (non-alnum -> "_"), " device:..", " transport_id:N".
"""

import argparse
import json
import os
import re
import select
import signal
import socket
import struct
import sys
import threading
import time

from fakecommon import accept_loop, listen_unix, serve_json_lines

ADB_SERVER_VERSION = 41                   # "0029"
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

HELP_URL = "http://developer.android.com/tools/device.html"
UDEV_PROBLEM_29 = "user in plugdev group; are your udev rules wrong?"
NO_PERM_29 = "no permissions (%s); see [%s]" % (UDEV_PROBLEM_29, HELP_URL)
UNAUTHORIZED = ("device unauthorized.\n"
                "This adb server's $ADB_VENDOR_KEYS is not set\n"
                "Try 'adb kill-server' if that seems wrong.\n"
                "Otherwise check for a confirmation dialog on your device.")

# The real Debian adb 29 server's answer to host:host-features (capture part A).
HOST_FEATURES = ["push_sync", "remount_shell", "abb_exec", "abb", "apex", "fixed_push_mkdir",
                 "ls_v2", "stat_v2", "fixed_push_symlink_timestamp", "cmd", "shell_v2"]
# What a current adbd (Android 11+) announces in its banner.
FEATURES_MODERN = ["shell_v2", "cmd", "stat_v2", "ls_v2", "fixed_push_mkdir", "apex", "abb",
                   "fixed_push_symlink_timestamp", "abb_exec", "remount_shell", "track_app",
                   "sendrecv_v2", "sendrecv_v2_brotli", "sendrecv_v2_lz4", "sendrecv_v2_zstd",
                   "sendrecv_v2_dry_run_send"]

BANNER_STATES = ("device", "recovery", "rescue", "sideload")
SHELL_STATES = ("device", "recovery", "rescue")

ID_STDIN, ID_STDOUT, ID_STDERR, ID_EXIT, ID_CLOSE_STDIN, ID_WINDOW = 0, 1, 2, 3, 4, 5
MAX_PACKET = 32763

LOG = None


def log(msg):
    if LOG is None:
        return
    try:
        LOG.write("%.3f %s\n" % (time.time(), msg))
        LOG.flush()
    except Exception:
        pass


def hex4(data):
    return b"%04x" % len(data)


def strip_header(data):
    """Drop the leading '#' lines (capture headers); keep the rest byte for byte."""
    while data.startswith(b"#"):
        nl = data.find(b"\n")
        if nl < 0:
            return b""
        data = data[nl + 1:]
    return data


def clean(obj):
    if isinstance(obj, dict):
        return {k: clean(v) for k, v in obj.items() if not str(k).startswith("_")}
    if isinstance(obj, list):
        return [clean(v) for v in obj]
    return obj


def raw_close(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


class Gone(Exception):
    """The device was unplugged or the client went away."""


# ---------------------------------------------------------------- outputs

class Output:
    def __init__(self, stdout=b"", stderr=b"", exit=0, hang=False, delay=0.0):
        self.stdout, self.stderr, self.exit = stdout, stderr, exit
        self.hang, self.delay = hang, delay


def load_output(spec, base_dir):
    if isinstance(spec, str):
        return Output(spec.encode())
    if not isinstance(spec, dict):
        raise SystemExit("scenario: shell output must be a string or an object: %r" % (spec,))

    def data(key):
        if key + "_file" in spec:
            path = spec[key + "_file"]
            for root in (base_dir, REPO):
                p = os.path.join(root, path)
                if os.path.exists(p):
                    with open(p, "rb") as f:
                        return strip_header(f.read())
            raise SystemExit("scenario: %s not found (relative to %s or %s)"
                             % (path, base_dir, REPO))
        v = spec.get(key, "")
        return v.encode() if isinstance(v, str) else bytes(v)

    return Output(data("stdout"), data("stderr"), int(spec.get("exit", 0)),
                  bool(spec.get("hang", False)), float(spec.get("delay_ms", 0)) / 1000.0)


GETPROP_RE = re.compile(rb"^\[([^\]\r\n]*)\]: \[(.*?)\]\r?$", re.M | re.S)


def parse_getprop(data):
    return {m.group(1): m.group(2) for m in GETPROP_RE.finditer(data)}


# ---------------------------------------------------------------- mini shell

SEPS = (";", "&&", "||", "\n")


def split_line(line):
    """[(operator_before, segment)] split at top-level ; && || newline."""
    out, cur, op = [], [], ";"
    i, n, quote = 0, len(line), None
    while i < n:
        c = line[i]
        if quote:
            cur.append(c)
            if c == "\\" and quote == '"' and i + 1 < n:
                cur.append(line[i + 1])
                i += 2
                continue
            if c == quote:
                quote = None
            i += 1
            continue
        if c in "'\"":
            quote = c
            cur.append(c)
            i += 1
            continue
        if c == "\\" and i + 1 < n:
            cur.append(c + line[i + 1])
            i += 2
            continue
        two = line[i:i + 2]
        if two in ("&&", "||"):
            out.append((op, "".join(cur)))
            cur, op = [], two
            i += 2
            continue
        if c in ";\n":
            out.append((op, "".join(cur)))
            cur, op = [], ";"
            i += 1
            continue
        cur.append(c)
        i += 1
    out.append((op, "".join(cur)))
    return [(o, s.strip()) for o, s in out if s.strip()]


def words(seg):
    """sh-like word splitting with quote removal (no expansion)."""
    res, cur, have = [], [], False
    i, n = 0, len(seg)
    while i < n:
        c = seg[i]
        if c in " \t":
            if have:
                res.append("".join(cur))
                cur, have = [], False
            i += 1
        elif c == "'":
            j = seg.find("'", i + 1)
            j = n if j < 0 else j
            cur.append(seg[i + 1:j])
            have = True
            i = j + 1
        elif c == '"':
            i += 1
            while i < n and seg[i] != '"':
                if seg[i] == "\\" and i + 1 < n and seg[i + 1] in '"\\$`':
                    i += 1
                cur.append(seg[i])
                i += 1
            have = True
            i += 1
        elif c == "\\" and i + 1 < n:
            cur.append(seg[i + 1])
            have = True
            i += 2
        else:
            cur.append(c)
            have = True
            i += 1
    if have:
        res.append("".join(cur))
    return res


REDIR_RE = re.compile(r"\s*(2>&1|2>\s*/dev/null|1?>\s*/dev/null)\s*$")


def norm(s):
    return " ".join(s.split())


# ---------------------------------------------------------------- device

class Device:
    def __init__(self, fake, spec, index):
        self.fake = fake
        self.index = index
        self.spec = dict(spec)
        self.attached = False
        self.transport_id = 0
        self.conns = set()
        self.shells_since_attach = 0
        self.apply(self.spec)
        self.reset_stats()

    def apply(self, spec):
        self.serial = str(spec.get("serial", ""))
        st = spec.get("state", "device")
        if st in ("no permissions", "no_permissions", "noperm"):
            st = NO_PERM_29
        self.state = st
        self.usb = spec.get("usb", "usb:1-%d" % (self.index + 1))
        self.product = spec.get("product", "")
        self.model = spec.get("model", "")
        self.device = spec.get("device", "")
        self.local = spec.get("transport", "usb") == "local"
        f = spec.get("features", FEATURES_MODERN)
        self.features = [x for x in f.split(",") if x] if isinstance(f, str) else list(f)
        base = self.fake.base_dir
        self.shell = {}
        for k, v in (spec.get("shell") or {}).items():
            self.shell[norm(k)] = load_output(v, base)
        d = spec.get("shell_default", self.fake.shell_default)
        self.shell_default = load_output(d, base) if d is not None else None
        gp = self.shell.get("getprop")
        self.props = parse_getprop(gp.stdout) if gp else {}
        self.delay = float(spec.get("delay_ms", 0)) / 1000.0
        h = spec.get("hang_on", [])
        self.hang_on = set(norm(x) for x in ([h] if isinstance(h, str) else h))
        h = spec.get("hang_host", [])
        self.hang_host = set([h] if isinstance(h, str) else h)
        self.unplug_at = spec.get("unplug_at_shell")
        self.unplug_mode = spec.get("unplug_mode", "after")
        self.legacy_crlf = bool(spec.get("legacy_crlf", False))
        self.max_packet = max(1, int(spec.get("max_packet", MAX_PACKET)))

    @property
    def noperm(self):
        return self.state.startswith("no permissions")

    def reset_stats(self):
        self.stats = {"connections": 0, "host_requests": {}, "shell_services": 0,
                      "shell_v2": 0, "shell_legacy": 0, "exec": 0, "shell_commands": [],
                      "simple_commands": 0, "hung": 0, "unplugs": 0, "resets": 0,
                      "attach_count": 0, "detach_count": 0}

    def count(self, key, sub=None):
        with self.fake.lock:
            if sub is None:
                self.stats[key] += 1
            else:
                d = self.stats[key]
                d[sub] = d.get(sub, 0) + 1

    def matches(self, target):
        if target == self.serial or (self.usb and target == self.usb):
            return True
        for key, val, san in (("product:", self.product, False),
                              ("model:", self.model, True), ("device:", self.device, False)):
            if target.startswith(key) and val:
                want = target[len(key):]
                got = sanitize(val) if san else val
                if want == got or (san and sanitize(want) == got):
                    return True
        return False

    def line(self, long_listing):
        serial = self.serial or "(no serial number)"
        if not long_listing:
            return "%s\t%s\n" % (serial, self.state)
        s = "%-22s %s" % (serial, self.state)
        if self.usb:
            s += " " + self.usb
        if self.state in BANNER_STATES:
            for key, val, san in (("product:", self.product, False),
                                  ("model:", self.model, True),
                                  ("device:", self.device, False)):
                if val:
                    s += " " + key + (sanitize(val) if san else val)
        return s + " transport_id:%d\n" % self.transport_id

    # ---- the shell
    def run_line(self, cmd):
        """-> (chunks [(fd, bytes)], exit code, hang flag)."""
        key = norm(cmd)
        if key in self.shell:
            o = self.shell[key]
            self.count("simple_commands")
            if o.hang or key in self.hang_on or "*" in self.hang_on:
                return [], 0, True, 0.0
            chunks = []
            if o.stdout:
                chunks.append((1, o.stdout))
            if o.stderr:
                chunks.append((2, o.stderr))
            return chunks, o.exit, False, o.delay
        chunks, status, delay = [], 0, 0.0
        for op, seg in split_line(cmd):
            if op == "&&" and status != 0:
                continue
            if op == "||" and status == 0:
                continue
            self.count("simple_commands")
            res = self.run_simple(seg)
            if res[0] == "exit":                  # exit N
                status = res[1]
                break
            out, status, hang, d = res
            if hang:                              # nothing from the hanging command
                return chunks, status, True, delay
            delay += d
            chunks += out
        return chunks, status, False, delay

    def run_simple(self, seg):
        merge = drop_err = drop_out = False
        while True:
            m = REDIR_RE.search(seg)
            if not m or not seg[:m.start()].strip():
                break
            r = m.group(1).replace(" ", "")
            if r == "2>&1":
                merge = True
            elif r.startswith("2>"):
                drop_err = True
            else:
                drop_out = True
            seg = seg[:m.start()]
        key = norm(seg)
        hang = key in self.hang_on or "*" in self.hang_on
        w = words(seg)
        o = self.shell.get(key)
        if o is None and w:
            if w[0] == "echo":
                nl = True
                args = w[1:]
                if args and args[0] == "-n":
                    nl, args = False, args[1:]
                o = Output((" ".join(args) + ("\n" if nl else "")).encode())
            elif w[0] == "exit":
                try:
                    return ("exit", int(w[1]) & 0xff if len(w) > 1 else 0)
                except ValueError:
                    return ("exit", 2)
            elif w[0] in ("true", ":"):
                o = Output()
            elif w[0] == "false":
                o = Output(exit=1)
            elif w[0] == "getprop" and len(w) == 2 and "getprop" in self.shell:
                o = Output(self.props.get(w[1].encode(), b"") + b"\n")
        if o is None:
            if self.shell_default is not None:
                o = self.shell_default
            else:
                name = w[0] if w else seg
                o = Output(b"", ("/system/bin/sh: %s: inaccessible or not found\n"
                                 % name).encode(), 127)
        hang = hang or o.hang
        out, err = o.stdout, o.stderr
        if drop_out:
            out = b""
        if drop_err:
            err = b""
        chunks = []
        if merge:
            if out or err:
                chunks.append((1, out + err))
        else:
            if out:
                chunks.append((1, out))
            if err:
                chunks.append((2, err))
        return chunks, o.exit, hang, o.delay


def sanitize(v):
    return "".join(c if c.isascii() and c.isalnum() else "_" for c in v)


# ---------------------------------------------------------------- factory reset

# What a factory reset (Settings > Reset, or recovery's "Wipe data") changes for adb: it
# erases /data, and with it
#  - the "USB debugging" switch: Settings.Global adb_enabled (SettingsProvider keeps it in
#    /data/system/users/0/settings_global.xml) and persist.sys.usb.config (persistent
#    properties live in /data/property). USB comes back as MTP only, so the device leaves
#    the adb server's list (the control command does the unplug);
#  - the computers allowed to debug: adbd reads its keys from /data/misc/adb/adb_keys (AOSP
#    adbd, adb_auth key_paths). Turned on again, the device is "unauthorized" until the
#    trainee accepts this computer once more;
#  - the accounts (AccountManagerService keeps them in /data/system_ce/0/accounts_ce.db):
#    `dumpsys account` lists none ("Accounts: 0", AccountManagerService.dumpUser).
# USB debugging is only reached from Settings after the setup wizard, so a device that
# comes back to adb has finished setup again: both setup settings read 1. Properties
# (getprop: ro.*, ro.frp.pst) come from the firmware and do not change.
FACTORY_RESET_SPEC = {"state": "unauthorized"}
FACTORY_RESET_SHELL = {
    "dumpsys account": "Accounts: 0\n\nActive Sessions: 0\n",
    "settings get secure user_setup_complete": "1\n",
    "settings get global device_provisioned": "1\n",
}


def set_shell(dev, shell, spec=None):
    """Merge SHELL ({COMMAND: OUTPUT}) into DEV's answers and SPEC into its keys, then
    apply them (caller holds the lock)."""
    merged = dict(dev.spec.get("shell") or {})
    merged.update(shell)
    dev.spec["shell"] = merged
    dev.spec.update(spec or {})
    dev.apply(dev.spec)


# ---------------------------------------------------------------- the fake

class Fake:
    def __init__(self, scenario_path, data):
        self.lock = threading.RLock()
        self.cond = threading.Condition(self.lock)
        self.stopping = threading.Event()
        self.base_dir = os.path.dirname(os.path.abspath(scenario_path))
        self.generation = 0
        self.next_tid = 1
        self.devices = []           # attached, in attach order
        self.known = {}             # serial -> Device (attached or not)
        self.open = set()
        self.listeners = 0
        if isinstance(data, list):
            data = {"devices": data}
        data = clean(data)
        self.global_delay = float(data.get("delay_ms", 0)) / 1000.0
        self.host_features = data.get("host_features", HOST_FEATURES)
        self.shell_default = data.get("shell_default")
        self.faults = [dict(f) for f in data.get("faults", [])]
        self.reset_gstats()
        for spec in data.get("devices", []):
            self.attach_spec(spec)

    def reset_gstats(self):
        self.gstats = {"connections": 0, "requests": {}, "faults_applied": 0,
                       "control_connections": 0}

    def gcount(self, key, sub=None):
        with self.lock:
            if sub is None:
                self.gstats[key] += 1
            else:
                d = self.gstats[key]
                d[sub] = d.get(sub, 0) + 1

    # ---- devices
    def attach_spec(self, spec):
        if "serial" not in spec:
            raise ValueError("device without serial")
        with self.lock:
            old = self.known.get(spec["serial"])
            if old is not None and old.attached:
                raise ValueError("serial %s already attached" % spec["serial"])
            dev = Device(self, spec, len(self.known) if old is None else old.index)
            if old is not None:
                dev.stats = old.stats
            self.known[dev.serial] = dev
            self.plug(dev)
            return dev

    def plug(self, dev):
        with self.lock:
            tid = dev.spec.get("transport_id") if dev.stats["attach_count"] == 0 else None
            dev.transport_id = int(tid) if tid else self.next_tid
            self.next_tid = max(self.next_tid, dev.transport_id) + 1
            dev.attached = True
            dev.shells_since_attach = 0
            dev.stats["attach_count"] += 1
            self.devices.append(dev)
            self.changed()
        log("attach %s tid %d" % (dev.serial, dev.transport_id))

    def unplug(self, dev, why):
        with self.lock:
            if not dev.attached:
                return False
            dev.attached = False
            dev.stats["detach_count"] += 1
            self.devices.remove(dev)
            conns = list(dev.conns)
            dev.conns.clear()
            self.changed()
        log("detach %s (%s)" % (dev.serial, why))
        for s in conns:
            raw_close(s)
        return True

    def changed(self):
        with self.lock:
            self.generation += 1
            self.cond.notify_all()

    def listing(self, long_listing):
        with self.lock:
            return "".join(d.line(long_listing) for d in self.devices)

    def acquire(self, kind, serial, tid, any_state=False):
        """(Device, None) or (None, error) like adb 29's acquire_one_transport."""
        if tid:
            err = "no device with transport id '%d'" % tid
        elif serial is not None:
            err = "device '%s' not found" % serial
        elif kind == "local":
            err = "no emulators found"
        elif kind == "any":
            err = "no devices/emulators found"
        else:
            err = "no devices found"
        result = None
        with self.lock:
            for d in self.devices:
                if d.noperm:
                    m = re.match(r"no permissions \((.*)\); see", d.state)
                    head = "insufficient permissions for device"
                    if m:
                        head += ": " + m.group(1)
                    err = "%s\nSee [%s] for more information" % (head, HELP_URL)
                    continue
                if tid:
                    if d.transport_id == tid:
                        result = d
                        break
                elif serial is not None:
                    if d.matches(serial):
                        if result:
                            return None, "more than one device"
                        result = d
                elif kind == "usb" and not d.local:
                    if result:
                        return None, "more than one device"
                    result = d
                elif kind == "local" and d.local:
                    if result:
                        return None, "more than one emulator"
                    result = d
                elif kind == "any":
                    if result:
                        return None, "more than one device/emulator"
                    result = d
        if result is None:
            return None, err
        if not any_state and result.state == "unauthorized":
            return None, UNAUTHORIZED
        if not any_state and result.state == "offline":
            return None, "device offline"
        return result, None

    # ---- faults
    def fault(self, service, dev):
        with self.lock:
            for f in self.faults:
                if f.get("service", "*") not in ("*", service):
                    continue
                if "serial" in f and (dev is None or dev.serial != f["serial"]):
                    continue
                t = f.get("times")
                if t is not None:
                    if t <= 0:
                        continue
                    f["times"] = t - 1
                self.gstats["faults_applied"] += 1
                log("fault %s on %s" % (f.get("kind"), service))
                return f
        return None

    # ---- control
    def control(self, cmd):
        c = cmd.get("cmd")
        if c == "attach":
            spec = cmd.get("device") or {"serial": cmd.get("serial")}
            with self.lock:
                old = self.known.get(spec.get("serial"))
                if old is not None and len(spec) == 1:
                    if old.attached:
                        return {"ok": False, "error": "already attached"}
                    self.plug(old)
                    return {"ok": True, "serial": old.serial, "transport_id": old.transport_id}
            dev = self.attach_spec(spec)
            return {"ok": True, "serial": dev.serial, "transport_id": dev.transport_id}
        if c in ("detach", "update"):
            dev = self.known.get(cmd.get("serial"))
            if dev is None:
                return {"ok": False, "error": "unknown serial"}
            if c == "detach":
                return {"ok": True, "was_attached": self.unplug(dev, "control")}
            with self.lock:
                dev.spec.update(cmd.get("changes", {}))
                dev.apply(dev.spec)
                self.changed()
            return {"ok": True}
        if c == "set":
            dev = self.known.get(cmd.get("serial"))
            if dev is None:
                return {"ok": False, "error": "unknown serial"}
            with self.lock:
                set_shell(dev, cmd.get("shell", {}))
                self.changed()
            return {"ok": True}
        if c == "reset":
            dev = self.known.get(cmd.get("serial"))
            if dev is None:
                return {"ok": False, "error": "unknown serial"}
            was = self.unplug(dev, "factory reset: USB debugging is off")
            with self.lock:
                dev.stats["resets"] += 1
                set_shell(dev, FACTORY_RESET_SHELL, FACTORY_RESET_SPEC)
                dev.spec.update(cmd.get("changes", {}))
                dev.apply(dev.spec)
            return {"ok": True, "was_attached": was}
        if c == "fault":
            with self.lock:
                self.faults.append(dict(cmd.get("fault", {})))
            return {"ok": True}
        if c == "clear_faults":
            with self.lock:
                self.faults = []
            return {"ok": True}
        if c == "stats":
            return self.stats()
        if c == "reset_stats":
            with self.lock:
                for d in self.known.values():
                    a, b = d.stats["attach_count"], d.stats["detach_count"]
                    d.reset_stats()
                    d.stats["attach_count"], d.stats["detach_count"] = a, b
                self.reset_gstats()
            return {"ok": True}
        if c == "list":
            with self.lock:
                return {"ok": True, "devices": [
                    {"serial": d.serial, "state": d.state, "attached": d.attached,
                     "transport_id": d.transport_id} for d in self.known.values()]}
        if c == "ping":
            return {"ok": True}
        if c == "quit":
            self.stopping.set()
            return {"ok": True}
        return {"ok": False, "error": "unknown cmd %r" % c}

    def stats(self):
        with self.lock:
            devs = {}
            for d in self.known.values():
                s = json.loads(json.dumps(d.stats))
                s.update(attached=d.attached, state=d.state, transport_id=d.transport_id,
                         open_connections=len(d.conns))
                devs[d.serial] = s
            g = json.loads(json.dumps(self.gstats))
            g["open_connections"] = len(self.open)
            g["track_listeners"] = self.listeners
        g["threads"] = threading.active_count()
        return {"ok": True, "global": g, "devices": devs}

    def serve_control(self, sock):
        self.gcount("control_connections")
        try:
            serve_json_lines(sock, self.stopping, self.control)
        finally:
            raw_close(sock)


# ---------------------------------------------------------------- one client connection

class Session:
    def __init__(self, fake, sock):
        self.fake, self.sock = fake, sock
        self.dev = None               # device after a transport switch

    # -- io
    def recv_exact(self, n):
        buf = bytearray()
        while len(buf) < n:
            try:
                chunk = self.sock.recv(n - len(buf))
            except OSError:
                return None
            if not chunk:
                return None
            buf += chunk
        return bytes(buf)

    def send(self, data):
        try:
            self.sock.sendall(data)
        except OSError:
            raise Gone()

    def read_request(self):
        h = self.recv_exact(4)
        if h is None:
            return None
        if not re.fullmatch(rb"[0-9a-fA-F]{4}", h):
            log("bad request length %r" % h)
            return None
        n = int(h, 16)
        body = self.recv_exact(n) if n else b""
        if body is None:
            return None
        return body.decode("utf-8", "replace")

    def okay(self, service, dev=None, payload=None, tport_id=None):
        """OKAY [+ hex4 payload] [+ 8-byte id], unless a FAULT says otherwise.
        Returns False when the connection must be closed after a fault."""
        f = self.fake.fault(service, dev)
        kind = f.get("kind") if f else None
        body = b"" if payload is None else hex4(payload) + payload
        if tport_id is not None:
            body += struct.pack("<Q", tport_id)
        if kind is None:
            self.send(b"OKAY" + body)
            return True
        if kind == "okax":
            self.send(b"OKAX" + body)
            return True
        if kind == "bad_hex":
            self.send(b"OKAY" + (b"0g1z" + (payload or b"") if payload is not None else body))
            return True
        if kind == "long_length" and payload is not None:
            self.send(b"OKAY" + b"%04x" % (len(payload) + 100) + payload)
            return False
        if kind == "truncated":
            self.send(b"OK")
            return False
        if kind == "garbage":
            self.send(b"\xff\x00garbage")
            return False
        if kind == "fail":
            self.fail(f.get("message", "fault"))
            return False
        if kind == "short_id" and tport_id is not None:
            self.send(b"OKAY" + struct.pack("<Q", tport_id)[:4])
            return False
        if kind == "close":
            return False
        self.send(b"OKAY" + body)       # shell-only kinds: normal status
        return True

    def fail(self, msg):
        m = msg.encode()
        self.send(b"FAIL" + hex4(m) + m)

    # -- main loop
    def serve(self):
        fake = self.fake
        with fake.lock:
            fake.gstats["connections"] += 1
            fake.open.add(self.sock)
        try:
            while not fake.stopping.is_set():
                req = self.read_request()
                if req is None:
                    return
                log("REQ %r%s" % (req, " (transport %s)" % self.dev.serial if self.dev else ""))
                if req.startswith("host"):
                    keep = self.host(req)
                elif self.dev is None:
                    fake.gcount("requests", "no-transport")
                    self.fail("device offline (no transport)")
                    keep = False
                else:
                    self.device_service(req)
                    keep = False
                if not keep:
                    return
        except Gone:
            pass
        finally:
            with fake.lock:
                fake.open.discard(self.sock)
                if self.dev is not None:
                    self.dev.conns.discard(self.sock)
            raw_close(self.sock)

    def host(self, req):
        """Answer a host request; True when the socket now carries a device service."""
        fake = self.fake
        kind, serial, tid = "any", None, 0
        if req.startswith("host:"):
            svc = req[5:]
        elif req.startswith("host-usb:"):
            kind, svc = "usb", req[9:]
        elif req.startswith("host-local:"):
            kind, svc = "local", req[11:]
        elif req.startswith("host-transport-id:"):
            rest = req[len("host-transport-id:"):]
            num, _, svc = rest.partition(":")
            try:
                tid = int(num)
            except ValueError:
                self.fail("invalid transport id")
                return False
        elif req.startswith("host-serial:"):
            rest = req[len("host-serial:"):]
            m = re.match(r"^(.*):(features|get-state|get-serialno|get-devpath|"
                         r"wait-for-[a-z]+-[a-z]+|[a-z-]+)$", rest)
            if not m:
                self.fail("unknown host service")
                return False
            serial, svc = m.group(1), m.group(2)
        else:
            self.fail("unknown host service")
            return False

        name = svc
        if svc.startswith(("transport", "tport:")):
            name = "transport"
        elif svc.startswith("wait-for-"):
            name = "wait-for"
        fake.gcount("requests", name)
        if fake.global_delay:
            time.sleep(fake.global_delay)

        if svc == "version":
            self.okay("version", payload=b"%04x" % ADB_SERVER_VERSION)
            return False
        if svc == "kill":
            self.send(b"OKAY")
            fake.stopping.set()
            return False
        if svc in ("devices", "devices-l"):
            self.okay(svc, payload=fake.listing(svc == "devices-l").encode())
            return False
        if svc in ("track-devices", "track-devices-l"):
            self.track(svc)
            return False
        if svc == "host-features":
            self.okay(svc, payload=",".join(fake.host_features).encode())
            return False

        if name == "transport":
            t_kind, t_serial, t_tid, tport = kind, serial, tid, False
            s = svc
            if s.startswith("tport:"):
                tport, s = True, s[6:]
                if s.startswith("serial:"):
                    t_serial, t_kind = s[7:], "any"
                elif s in ("any", "usb", "local"):
                    t_kind = s
                else:
                    self.fail("unknown host service")
                    return False
            elif s.startswith("transport:"):
                t_serial, t_kind = s[10:], "any"
            elif s.startswith("transport-id:"):
                try:
                    t_tid = int(s[13:])
                except ValueError:
                    self.fail("invalid transport id")
                    return False
            elif s in ("transport-any", "transport-usb", "transport-local"):
                t_kind = s[10:]
            else:
                self.fail("unknown host service")
                return False
            dev, err = fake.acquire(t_kind, t_serial, t_tid)
            if dev is None:
                self.fail(err)
                return False
            dev.count("host_requests", "transport")
            if self.device_delay_or_hang(dev, "transport"):
                return False
            if not self.okay("transport", dev, tport_id=dev.transport_id if tport else None):
                return False
            with fake.lock:
                if not dev.attached:
                    return False
                self.dev = dev
                dev.conns.add(self.sock)
                dev.stats["connections"] += 1
            return True

        if svc in ("features", "get-state", "get-serialno", "get-devpath"):
            if self.dev is not None:
                dev, err = self.dev, None
            else:
                dev, err = fake.acquire(kind, serial, tid, any_state=(svc == "get-state"))
            if dev is None:
                self.fail(err)
                return False
            dev.count("host_requests", svc)
            if self.device_delay_or_hang(dev, svc):
                return False
            if svc == "features":
                ans = ",".join(dev.features)
            elif svc == "get-state":
                ans = dev.state
            elif svc == "get-serialno":
                ans = dev.serial or "unknown"
            else:
                ans = dev.usb or "unknown"
            self.okay(svc, dev, payload=ans.encode())
            return False

        if name == "wait-for":
            self.wait_for(svc, kind, serial, tid)
            return False

        self.fail("unknown host service")
        return False

    def device_delay_or_hang(self, dev, svc):
        if dev.delay:
            time.sleep(dev.delay)
        if svc in dev.hang_host:
            dev.count("hung")
            self.hang()
            return True
        return False

    def hang(self):
        """Never answer; return when the client closes or the fake stops."""
        while not self.fake.stopping.is_set():
            try:
                r, _, _ = select.select([self.sock], [], [], 0.2)
            except (OSError, ValueError):
                return
            if r:
                try:
                    if not self.sock.recv(65536):
                        return
                except OSError:
                    return

    def client_closed(self):
        try:
            r, _, _ = select.select([self.sock], [], [], 0)
            if r:
                return not self.sock.recv(65536)
        except (OSError, ValueError):
            return True
        return False

    def track(self, svc):
        fake = self.fake
        long_listing = svc.endswith("-l")
        if not self.okay(svc):
            return
        with fake.lock:
            fake.listeners += 1
        try:
            last = None
            while not fake.stopping.is_set():
                with fake.lock:
                    text = fake.listing(long_listing).encode()
                    gen = fake.generation
                if text != last:
                    self.send(hex4(text) + text)
                    last = text
                with fake.lock:
                    fake.cond.wait_for(lambda: fake.generation != gen or fake.stopping.is_set(),
                                       timeout=0.2)
                if self.client_closed():
                    return
        finally:
            with fake.lock:
                fake.listeners -= 1

    def wait_for(self, svc, kind, serial, tid):
        # wait-for-TRANSPORT-STATE: TRANSPORT usb|local|any, STATE device|recovery|
        # rescue|sideload|bootloader|any|disconnect.  OKAY at once, OKAY when reached.
        m = re.fullmatch(r"wait-for-(usb|local|any)-([a-z]+)", svc)
        if not m:
            self.fail("unknown host service")
            return
        t_kind = m.group(1) if serial is None else kind
        want = m.group(2)
        self.send(b"OKAY")
        fake = self.fake
        while not fake.stopping.is_set():
            dev, err = fake.acquire(t_kind, serial, tid, any_state=True)
            if want == "disconnect":
                if dev is None:
                    self.send(b"OKAY")
                    return
            elif dev is not None and (want == "any" or dev.state == want):
                self.send(b"OKAY")
                return
            elif dev is None and err.startswith("more than one"):
                self.fail(err)
                return
            with fake.lock:
                gen = fake.generation
                fake.cond.wait_for(lambda: fake.generation != gen or fake.stopping.is_set(),
                                   timeout=0.1)
            if self.client_closed():
                return

    # -- device services
    def device_service(self, req):
        dev = self.dev
        fake = self.fake
        if req.startswith("shell"):
            head, sep, cmd = req.partition(":")
            if not sep or not re.fullmatch(r"shell(,[^,]*)*", head):
                self.fail("closed")
                return
            args = head.split(",")[1:]
            mode = "v2" if "v2" in args else "legacy"
            pty = "pty" in args
        elif req.startswith("exec:"):
            cmd, mode, pty = req[5:], "exec", False
        else:
            fake.gcount("requests", req.split(":")[0])
            self.fail("closed")
            return
        fake.gcount("requests", "shell" if mode != "exec" else "exec")
        with fake.lock:
            dev.stats["shell_services"] += 1
            dev.stats["shell_v2" if mode == "v2" else
                      "shell_legacy" if mode == "legacy" else "exec"] += 1
            dev.stats["shell_commands"].append(cmd)
            dev.shells_since_attach += 1
            nth = dev.shells_since_attach
        if not dev.attached:
            return
        if dev.state not in SHELL_STATES:
            self.fail("closed")
            return
        unplug = dev.unplug_at is not None and nth == int(dev.unplug_at)
        f = fake.fault("shell", dev)
        kind = f.get("kind") if f else None
        if kind in ("okax", "close", "fail", "truncated", "garbage"):
            if kind == "okax":
                self.send(b"OKAX")
            elif kind == "fail":
                self.fail(f.get("message", "fault"))
                return
            elif kind == "truncated":
                self.send(b"OK")
                return
            elif kind == "garbage":
                self.send(b"\xff\x00garbage")
                return
            else:
                return
        else:
            self.send(b"OKAY")
        if unplug and dev.unplug_mode == "before":
            dev.count("unplugs")
            fake.unplug(dev, "unplug_at_shell before")
            return

        log("shell[%s] %s: %r" % (mode, dev.serial, cmd))
        if cmd == "" and mode != "exec":
            chunks, code, hang, delay = [(2, b"fake_adb: interactive shell not supported\n")], 1, False, 0
        else:
            chunks, code, hang, delay = dev.run_line(cmd)
        if dev.delay or delay:
            time.sleep(dev.delay + delay)

        # shape the output for the mode
        if mode != "v2" or pty:
            merged = b"".join(d for fd, d in chunks if fd == 1 or mode != "exec")
            if pty or (mode == "legacy" and dev.legacy_crlf):
                merged = re.sub(rb"(?<!\r)\n", b"\r\n", merged)
            chunks = [(1, merged)] if merged else []

        if unplug and dev.unplug_mode == "midway":
            total = b"".join(d for _, d in chunks)
            half = total[:len(total) // 2]
            if half:
                self.emit(mode, [(1, half)], dev)
            dev.count("unplugs")
            fake.unplug(dev, "unplug_at_shell midway")
            return

        if mode == "v2" and kind == "bad_packet_id":
            self.send(struct.pack("<BI", 9, 3) + b"bad")
        if mode == "v2" and kind == "truncated_packet":
            data = b"".join(d for _, d in chunks) or b"x"
            self.send(struct.pack("<BI", ID_STDOUT, len(data) + 64) + data[:max(1, len(data) // 2)])
            return
        self.emit(mode, chunks, dev)
        if hang:
            dev.count("hung")
            self.hang()
            return
        if mode == "v2" and kind != "no_exit":
            self.send(struct.pack("<BI", ID_EXIT, 1) + bytes([code & 0xff]))
        self.finish()
        if unplug:
            dev.count("unplugs")
            fake.unplug(dev, "unplug_at_shell after")

    def emit(self, mode, chunks, dev):
        for fd, data in chunks:
            if mode != "v2":
                self.send(data)
                continue
            for i in range(0, len(data), dev.max_packet):
                part = data[i:i + dev.max_packet]
                self.send(struct.pack("<BI", fd, len(part)) + part)

    def finish(self):
        """Half-close, then read (and drop stdin packets) until the client closes."""
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            return
        deadline = time.time() + 10
        while time.time() < deadline and not self.fake.stopping.is_set():
            try:
                r, _, _ = select.select([self.sock], [], [], 0.2)
            except (OSError, ValueError):
                return
            if r:
                try:
                    if not self.sock.recv(65536):
                        return
                except OSError:
                    return


# ---------------------------------------------------------------- main

def main(argv=None):
    global LOG
    p = argparse.ArgumentParser(description="fake adb server for tests (127.0.0.1 only)")
    p.add_argument("--port", type=int, required=True, help="TCP port; 0 = pick a free one")
    p.add_argument("--scenario", required=True, help="scenario JSON file")
    p.add_argument("--control", help="control unix socket path")
    p.add_argument("--log", help="append a protocol log to this file")
    args = p.parse_args(argv)
    if args.log:
        LOG = open(args.log, "a")
    with open(args.scenario) as f:
        data = json.load(f)
    fake = Fake(args.scenario, data)

    signal.signal(signal.SIGTERM, lambda *a: fake.stopping.set())
    signal.signal(signal.SIGINT, lambda *a: fake.stopping.set())
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)

    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", args.port))
    srv.listen(128)
    port = srv.getsockname()[1]
    ctl = listen_unix(args.control, 16) if args.control else None
    handlers = {srv: lambda c: Session(fake, c).serve()}
    if ctl:
        handlers[ctl] = fake.serve_control
    sys.stdout.write("ready %d\n" % port)
    sys.stdout.flush()
    log("ready on 127.0.0.1:%d, %d device(s)" % (port, len(fake.devices)))
    try:
        accept_loop(fake.stopping, handlers)
    finally:
        fake.stopping.set()
        fake.changed()
        raw_close(srv)
        if ctl is not None:
            raw_close(ctl)
            try:
                os.unlink(args.control)
            except OSError:
                pass
        with fake.lock:
            conns = list(fake.open)
        for c in conns:
            raw_close(c)
        log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
