#!/usr/bin/env python3
"""fake_usbmuxd.py - a fake usbmuxd + lockdownd + diagnostics_relay for tests.

The real libimobiledevice 1.3.0 / libusbmuxd 2.0.2 client code (ideviceinfo,
idevicepair, idevicediagnostics, idevice_id and Atelier's own prober) talks to
this process exactly as it would talk to usbmuxd and an iPhone behind it.
Python 3 standard library only; the `openssl` command line makes the keys.

Usage
-----
    python3 tests/fakes/fake_usbmuxd.py --socket PATH --scenario FILE.json
            [--control PATH] [--state-dir DIR] [--clone N] [--key-cache DIR]
            [--log FILE]

Clients reach it with USBMUXD_SOCKET_ADDRESS=UNIX:PATH.  The fake prints
"ready" on stdout (flushed) once both sockets listen; SIGTERM or SIGINT stop it
cleanly and remove its sockets (and the state directory if it made one).

Scenario file (JSON)
--------------------
    {"devices": [ DEVICE, ... ]}          (a bare list of DEVICE also works)

DEVICE keys (all optional but "udid"):
    udid                 UDID; also usbmuxd's SerialNumber and root UniqueDeviceID
    product_id           USB product id, default 0x12a8 (integer or "0x12a8")
    location_id          USB LocationID (integer), default derived from position
    usb_serial           USBSerialNumber, default the UDID without '-'
    connection_speed     default 480000000
    values               lockdown domains: {"": {root}, "com.apple.disk_usage": {...},
                         "com.apple.mobile.battery": {...}, ...}: every value answers
                         when asked by key; a dump of a domain (no Key) leaves out what
                         a real device leaves out (KEY_ONLY below: all of com.apple.fmip,
                         com.apple.mobile.chaperone and com.apple.purplebuddy, and the
                         root domain's DeviceEnclosureColor)
    public_values        {"domain": [keys readable before StartSession]}; default
                         is PUBLIC_VALUES below ("" = root domain)
    ioregistry           {"AppleSmartBattery": {...}} entries answered by
                         diagnostics_relay IORegistry EntryName/EntryClass
    ioregistry_planes    {"IOPower": {...}} answered for CurrentPlane requests
    diagnostics          {"GasGauge": {...}, "WiFi": {...}, "NAND": {...}}
    mobilegestalt        {"key": value} for MobileGestalt requests
    paired               true: a pair record is seeded in the state dir and the
                         device trusts its HostID
    stale_pair_record    true: a pair record is seeded whose HostID the device
                         does not trust (InvalidHostID) until the client pairs again
    pair_responses       outcomes consumed one per Pair request: "ok" or a lockdown
                         Error string ("PasswordProtected",
                         "PairingDialogResponsePending", "UserDeniedPairing",
                         "MCProtected", ...)
    pair_default         outcome once pair_responses is used up (default "ok")
    unplug_after_requests N: after answering the N-th lockdown request since the
                         device was attached, close all of its connections and send
                         Detached to listeners (the device stays detached)
    delay_ms             delay before every lockdown / diagnostics answer
    hang_on              "Request[:Domain[:Key]]" (or a list of them) never answered,
                         e.g. "GetValue:com.apple.disk_usage", "StartSession",
                         "GetValue::SerialNumber"; diagnostics requests match as
                         "diagnostics:IORegistry[:EntryName]"
    activation_state     e.g. "Unactivated"; overrides root ActivationState
    service_ssl          EnableServiceSSL in StartService answers (default true)
    session_ssl          EnableSessionSSL in StartSession answers (default true)
    refuse_services      list of service names answered with Error "InvalidService"

JSON to plist conventions for every value above:
    JSON string/bool/array/object -> string/true-false/array/dict
    JSON integer -> <integer>, JSON number with a fraction -> <real>
    {"$data": "BASE64"} -> <data>,  {"$real": 100} -> <real>,
    {"$date": "2024-01-31T12:00:00Z"} -> <date>,  {"$int": "18446744073709551615"}

--clone N replaces the device list by N copies of the first device with distinct
UDIDs, serial numbers, IMEIs, ECIDs, LocationIDs and DeviceIDs (bench of 16).

Control socket (--control PATH): one JSON object per line, one JSON answer per line.
    {"cmd":"attach","device":{DEVICE}}  plug a new device (or {"udid": known} to
                                        plug a detached one back in)
    {"cmd":"detach","udid":"..."}       unplug
    {"cmd":"update","udid":"...","changes":{DEVICE keys}}  change behaviour live
    {"cmd":"stats"}                     counters, globally and per device
    {"cmd":"reset_stats"}
    {"cmd":"list"}                      devices and their DeviceIDs
    {"cmd":"quit"}                      stop the fake
Answers are {"ok": true, ...} or {"ok": false, "error": "..."}.

Protocol notes (checked against libimobiledevice 1.3.0 / libusbmuxd 2.0.2 on Debian 12):
 * usbmuxd: 16-byte little-endian header (length incl. header, version 1, message 8 =
   plist, tag) + XML plist.  Connect's PortNumber is htons(port) read as a host
   integer: 62078 arrives as 32498.  After Result 0 the socket carries device traffic.
 * Result numbers as the real usbmuxd: 0 ok, 1 bad command, 2 bad device (unknown or
   detached DeviceID; also ENOENT for a missing pair record), 3 connection refused
   (no such port on an attached device), 6 bad version.
 * lockdownd: 4-byte big-endian length + XML plist.  Answers echo "Request"; failures
   carry only an "Error" string (no "Result"), which libimobiledevice maps through
   lockdownd_strtoerr().  1.3.0 knows "MCProtected" (LOCKDOWN_E_MC_PROTECTED); there
   is no "MCProhibited".
 * StartSession answer goes out in clear, then TLS starts (server side) on the same
   socket; StopSession's answer goes out in TLS, then both sides exchange
   close_notify and the socket is plain again.
"""

import argparse
import base64
import datetime
import hashlib
import json
import os
import plistlib
import select
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
import warnings

from fakecommon import accept_loop, listen_unix, serve_json_lines

LOCKDOWN_PORT = 62078
USBMUXD_PLIST = 8
RESULT_OK, RESULT_BADCOMMAND, RESULT_BADDEV, RESULT_CONNREFUSED, RESULT_BADVERSION = 0, 1, 2, 3, 6
ENOENT = 2

DIAG_SERVICES = ("com.apple.mobile.diagnostics_relay", "com.apple.iosdiagnostics.relay")

# What lockdownd answers before StartSession.  The root set is the one a current
# iOS device returns to GetValue without a session (the key set typed by
# appium-ios-device for its pre-session device values; DevicePublicKey is always
# added as libimobiledevice needs it to pair).  com.apple.mobile.iTunes keys from
# libimobiledevice issue #1199 (`ideviceinfo -s -q com.apple.mobile.iTunes`).
PUBLIC_VALUES = {
    "": ["BasebandCertId", "BasebandKeyHashInformation", "BasebandSerialNumber",
         "BasebandVersion", "BoardId", "BuildVersion", "CPUArchitecture", "ChipID",
         "DeviceClass", "DeviceColor", "DeviceName", "DevicePublicKey", "DieID",
         "HardwareModel", "HasSiDP", "PartitionType", "ProductName", "ProductType",
         "ProductVersion", "ProductionSOC", "ProtocolVersion", "SupportedDeviceFamilies",
         "TelephonyCapability", "UniqueChipID", "UniqueDeviceID", "WiFiAddress"],
    "com.apple.mobile.iTunes": ["FamilyID", "MinITunesVersion", "MinMacOSVersion",
                                "iTunesSetupComplete"],
}

# What a real device leaves out of a dump of a domain (GetValue with a Domain and no Key)
# and answers only when the key is asked for: None hides the whole domain, a set hides
# those keys.  Asked by key, every value still answers.
KEY_ONLY = {
    # libimobiledevice issue #275: `ideviceinfo -q com.apple.fmip` prints nothing on a real
    # phone while `ideviceinfo -q com.apple.fmip -k IsAssociated` answers, and the
    # maintainer notes that several domains behave that way.
    "com.apple.fmip": None,
    # No published dump of these two domains shows DeviceIsChaperoned or SetupDone; every
    # tool found asks them by key (`ideviceinfo -q com.apple.mobile.chaperone -k
    # DeviceIsChaperoned`, go-ios Supervised(), pymobiledevice3 issue #1073), so the fake
    # takes the stingy side of issue #275 for them.
    "com.apple.mobile.chaperone": None,
    "com.apple.purplebuddy": None,
    # libimobiledevice issue #329: DeviceEnclosureColor is not in plain `ideviceinfo`
    # output; the answer given is `ideviceinfo -k DeviceEnclosureColor`.  None of the
    # root-domain captures in tests/fixtures/ios has it either.
    "": {"DeviceEnclosureColor"},
}

LOG = None


def log(msg):
    if LOG is None:
        return
    try:
        LOG.write("%.3f %s\n" % (time.time(), msg))
        LOG.flush()
    except Exception:
        pass


# ---------------------------------------------------------------- JSON <-> plist

def from_json(v):
    if isinstance(v, dict):
        if len(v) == 1:
            (k, x), = v.items()
            if k == "$data":
                return base64.b64decode(x)
            if k == "$real":
                return float(x)
            if k == "$int":
                return int(x)
            if k == "$date":
                s = x.replace("Z", "+00:00")
                d = datetime.datetime.fromisoformat(s)
                if d.tzinfo is not None:
                    d = d.astimezone(datetime.timezone.utc).replace(tzinfo=None)
                return d
        return {k: from_json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [from_json(x) for x in v]
    return v


def to_json(v):
    if isinstance(v, (bytes, bytearray)):
        return {"$data": base64.b64encode(bytes(v)).decode()}
    if isinstance(v, datetime.datetime):
        return {"$date": v.isoformat() + "Z"}
    if isinstance(v, dict):
        return {k: to_json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [to_json(x) for x in v]
    return v


# Requests come back byte for byte the same from every phone's client (QueryType, the
# same GetValue...): each distinct one is parsed once. Handlers only read requests.
_PARSED = {}
_PARSED_MAX = 1024


def parse_plist(body):
    """The object of plist BODY (bytes), shared with other callers: do not change it."""
    obj = _PARSED.get(body)
    if obj is None:
        obj = plistlib.loads(body)
        if len(body) <= 8192 and len(_PARSED) < _PARSED_MAX:
            _PARSED[body] = obj
    return obj


def domain_dump(dom, values):
    """What a dump of domain DOM answers: VALUES without what KEY_ONLY hides."""
    hidden = KEY_ONLY.get(dom, ())
    if hidden is None:
        return {}
    return {k: v for k, v in values.items() if k not in hidden}


def plist_bytes(obj):
    return plistlib.dumps(obj, fmt=plistlib.FMT_XML, sort_keys=True)


# ---------------------------------------------------------------- socket helpers

def recv_exact(sock, n):
    """n bytes, or None at end of stream / on a broken connection."""
    buf = bytearray()
    while len(buf) < n:
        try:
            chunk = sock.recv(n - len(buf))
        except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
            return None
        except (OSError, ValueError):
            return None
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def raw_shutdown(sock):
    """Shut a (possibly TLS-wrapped) socket down from another thread."""
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except (OSError, ValueError, TypeError):
        pass


# ---------------------------------------------------------------- keys and certs

def run_openssl(args, cwd):
    subprocess.run(["openssl"] + args, cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_identity(cache_dir):
    """Root, host and device keys/certificates, made once with the openssl CLI and
    kept in cache_dir.  Returns a dict of PEM bytes."""
    os.makedirs(cache_dir, exist_ok=True)
    done = os.path.join(cache_dir, "identity.json")
    if os.path.exists(done):
        try:
            with open(done) as f:
                d = json.load(f)
            return {k: (v.encode() if k not in ("HostID",) else v) for k, v in d.items()}
        except (OSError, ValueError):
            pass
    tmp = tempfile.mkdtemp(prefix="keys.", dir=cache_dir)
    try:
        days = "7300"
        for name in ("root", "host", "device"):
            run_openssl(["genrsa", "-out", name + ".key", "2048"], tmp)
        run_openssl(["req", "-x509", "-new", "-key", "root.key", "-out", "root.crt",
                     "-days", days, "-sha256", "-subj", "/CN=Atelier fake root"], tmp)
        ext = os.path.join(tmp, "ext.cnf")
        with open(ext, "w") as f:
            f.write("basicConstraints=critical,CA:FALSE\n"
                    "keyUsage=critical,digitalSignature,keyEncipherment\n")
        for name in ("host", "device"):
            run_openssl(["req", "-new", "-key", name + ".key", "-out", name + ".csr",
                         "-subj", "/CN=Atelier fake %s" % name], tmp)
            run_openssl(["x509", "-req", "-in", name + ".csr", "-CA", "root.crt",
                         "-CAkey", "root.key", "-set_serial", "1" if name == "host" else "2",
                         "-days", days, "-sha256", "-extfile", "ext.cnf",
                         "-out", name + ".crt"], tmp)
        # libimobiledevice reads DevicePublicKey with PEM_read_bio_RSAPublicKey:
        # a PKCS#1 "BEGIN RSA PUBLIC KEY" PEM.
        run_openssl(["rsa", "-in", "device.key", "-RSAPublicKey_out",
                     "-out", "device.pub"], tmp)

        def rd(n):
            with open(os.path.join(tmp, n), "rb") as f:
                return f.read()
        ident = {
            "RootCertificate": rd("root.crt"), "RootPrivateKey": rd("root.key"),
            "HostCertificate": rd("host.crt"), "HostPrivateKey": rd("host.key"),
            "DeviceCertificate": rd("device.crt"), "DevicePrivateKey": rd("device.key"),
            "DevicePublicKey": rd("device.pub"),
            "HostID": str(uuid.uuid4()).upper(),
        }
        with open(done + ".tmp", "w") as f:
            json.dump({k: (v.decode() if isinstance(v, bytes) else v)
                       for k, v in ident.items()}, f)
        os.replace(done + ".tmp", done)
        return ident
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------- devices

def luhn_digit(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def mutate_hex_tail(s, i):
    if i == 0 or len(s) < 4:
        return s
    tail = s[-4:]
    try:
        n = (int(tail, 16) + i) % 0x10000
    except ValueError:
        return s[:-3] + "%03d" % i
    out = "%04x" % n
    if tail.upper() == tail:
        out = out.upper()
    return s[:-4] + out


def clone_spec(spec, i):
    d = json.loads(json.dumps(spec))
    if i == 0:
        return d
    d["udid"] = mutate_hex_tail(spec["udid"], i)
    if "usb_serial" in d:
        d["usb_serial"] = mutate_hex_tail(d["usb_serial"], i)
    d.pop("location_id", None)
    root = d.get("values", {}).get("", {})
    if "UniqueDeviceID" in root:
        root["UniqueDeviceID"] = d["udid"]
    sn = root.get("SerialNumber")
    if isinstance(sn, str) and len(sn) > 3:
        root["SerialNumber"] = sn[:-2] + "%02d" % (i % 100)
    for k in ("InternationalMobileEquipmentIdentity", "InternationalMobileEquipmentIdentity2"):
        imei = root.get(k)
        if isinstance(imei, str) and len(imei) == 15 and imei.isdigit():
            body = imei[:8] + "%06d" % ((int(imei[8:14]) + i) % 1000000)
            root[k] = body + luhn_digit(body)
    if isinstance(root.get("UniqueChipID"), int):
        root["UniqueChipID"] += i
    if isinstance(root.get("DeviceName"), str):
        root["DeviceName"] = "%s %d" % (root["DeviceName"], i + 1)
    return d


class Device:
    def __init__(self, fake, spec, index):
        self.fake = fake
        self.spec = spec
        self.udid = spec["udid"]
        self.index = index
        self.device_id = 0
        self.attached = False
        self.trusted = set()
        self.conns = set()          # Conn objects open to this device
        self.ports = {}             # service port -> service name
        self.next_port = 49152 + (index * 16) % 8000
        self.requests_since_attach = 0
        self.escrow_bag = hashlib.sha256(("escrow:" + self.udid).encode()).digest() * 4
        self.apply(spec)
        self.reset_stats()

    def apply(self, spec):
        pid = spec.get("product_id", 0x12a8)
        self.product_id = int(pid, 0) if isinstance(pid, str) else int(pid)
        self.location_id = int(spec.get("location_id", 0x14100000 + (self.index << 16)))
        self.usb_serial = spec.get("usb_serial", self.udid.replace("-", ""))
        self.speed = int(spec.get("connection_speed", 480000000))
        vals = from_json(spec.get("values", {}))
        if "" not in vals:
            vals[""] = {}
        root = vals[""]
        root["UniqueDeviceID"] = self.udid
        root["DevicePublicKey"] = self.fake.ident["DevicePublicKey"]
        if spec.get("activation_state"):
            root["ActivationState"] = spec["activation_state"]
        self.values = vals
        pub = spec.get("public_values", PUBLIC_VALUES)
        self.public = {k: set(v) for k, v in pub.items()}
        self.public.setdefault("", set()).add("DevicePublicKey")
        self.ioregistry = from_json(spec.get("ioregistry", {}))
        # Answers that depend only on the values above, as sent (plist bytes): sixteen
        # phones on one fake would otherwise spend most of its time writing the same XML.
        self.reply_cache = {}
        self.planes = from_json(spec.get("ioregistry_planes", {}))
        self.diagnostics = from_json(spec.get("diagnostics", {}))
        self.gestalt = from_json(spec.get("mobilegestalt", {}))
        self.pair_responses = list(spec.get("pair_responses", []))
        self.pair_default = spec.get("pair_default", "ok")
        self.unplug_after = spec.get("unplug_after_requests")
        self.delay = float(spec.get("delay_ms", 0)) / 1000.0
        hang = spec.get("hang_on", [])
        self.hang_on = [hang] if isinstance(hang, str) else list(hang)
        self.service_ssl = bool(spec.get("service_ssl", True))
        self.session_ssl = bool(spec.get("session_ssl", True))
        self.refuse = set(spec.get("refuse_services", []))

    def product_version(self):
        v = self.values[""].get("ProductVersion", "17.0")
        try:
            return tuple(int(x) for x in str(v).split(".")[:2])
        except ValueError:
            return (17, 0)

    def reset_stats(self):
        self.stats = {"connects": 0, "connects_refused": 0, "lockdown_connections": 0,
                      "lockdown_requests": 0, "requests": {}, "sessions_started": 0,
                      "sessions_stopped": 0, "tls_handshakes": 0, "pair_requests": 0,
                      "service_starts": {}, "service_connections": {},
                      "diagnostics_requests": {}, "hung_requests": 0,
                      "attach_count": 0, "detach_count": 0}

    def count(self, key, sub=None):
        with self.fake.lock:
            if sub is None:
                self.stats[key] += 1
            else:
                d = self.stats[key]
                d[sub] = d.get(sub, 0) + 1

    def record(self):
        return {"DeviceID": self.device_id, "MessageType": "Attached",
                "Properties": {"ConnectionSpeed": self.speed, "ConnectionType": "USB",
                               "DeviceID": self.device_id, "LocationID": self.location_id,
                               "ProductID": self.product_id, "SerialNumber": self.udid,
                               "USBSerialNumber": self.usb_serial}}

    def hangs(self, parts):
        for pat in self.hang_on:
            want = pat.split(":")
            got = list(parts) + [""] * (len(want) - len(parts))
            if all(w == g for w, g in zip(want, got)):
                return True
        return False


class Conn:
    """A client connection; .sock changes when TLS starts or stops."""
    def __init__(self, sock):
        self.sock = sock

    def close(self):
        raw_shutdown(self.sock)
        try:
            self.sock.close()
        except OSError:
            pass


# ---------------------------------------------------------------- the fake

class Fake:
    def __init__(self, args, specs):
        self.args = args
        self.lock = threading.RLock()
        self.stopping = threading.Event()
        self.state_dir = args.state_dir
        self.lockdown_dir = self.state_dir
        os.makedirs(self.state_dir, exist_ok=True)
        self.ident = make_identity(args.key_cache or os.environ.get("FAKE_USBMUXD_KEY_CACHE")
                                   or os.path.join(self.state_dir, ".fake-keys"))
        self.buid = self.read_buid()
        self.ssl_ctx = self.make_ssl_ctx()
        self.devices = {}           # udid -> Device
        self.next_device_id = 1
        self.listeners = {}         # Conn -> threading.Lock (write lock)
        self.gstats = {"mux_connections": 0, "mux_requests": {}, "control_connections": 0}
        self.mux_open = set()
        for i, spec in enumerate(specs):
            self.add_device(spec, announce=False)

    # -- state dir (mirrors /var/lib/lockdown)
    def read_buid(self):
        p = os.path.join(self.lockdown_dir, "SystemConfiguration.plist")
        try:
            with open(p, "rb") as f:
                return plistlib.load(f)["SystemBUID"]
        except (OSError, KeyError, plistlib.InvalidFileException, ValueError):
            buid = str(uuid.uuid4()).upper()
            with open(p, "wb") as f:
                plistlib.dump({"SystemBUID": buid}, f)
            return buid

    def record_path(self, udid):
        safe = "".join(c for c in udid if c.isalnum() or c in "-_.")
        return os.path.join(self.lockdown_dir, safe + ".plist")

    def read_record(self, udid):
        try:
            with open(self.record_path(udid), "rb") as f:
                return f.read()
        except OSError:
            return None

    def seed_record(self, dev, host_id):
        ident = self.ident
        rec = {"DeviceCertificate": ident["DeviceCertificate"],
               "HostCertificate": ident["HostCertificate"],
               "HostPrivateKey": ident["HostPrivateKey"],
               "RootCertificate": ident["RootCertificate"],
               "RootPrivateKey": ident["RootPrivateKey"],
               "HostID": host_id, "SystemBUID": self.buid,
               "EscrowBag": dev.escrow_bag,
               "WiFiMACAddress": dev.values[""].get("WiFiAddress", "00:00:00:00:00:00")}
        with open(self.record_path(dev.udid), "wb") as f:
            plistlib.dump(rec, f)

    def seed(self, dev):
        spec = dev.spec
        if spec.get("stale_pair_record"):
            self.seed_record(dev, str(uuid.uuid4()).upper())
        elif spec.get("paired"):
            existing = self.read_record(dev.udid)
            host_id = None
            if existing:
                try:
                    host_id = plistlib.loads(existing).get("HostID")
                except Exception:
                    host_id = None
            if not host_id:
                host_id = self.ident["HostID"]
                self.seed_record(dev, host_id)
            dev.trusted.add(host_id)

    def make_ssl_ctx(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        # libimobiledevice 1.3.0 uses SHA-1 certificates and, for iOS < 10, caps
        # the client at TLS 1.0: accept what OpenSSL 3 refuses by default.
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            try:
                ctx.minimum_version = ssl.TLSVersion.TLSv1
            except (ValueError, AttributeError):
                pass
        ctx.verify_mode = ssl.CERT_NONE
        ctx.options |= getattr(ssl, "OP_IGNORE_UNEXPECTED_EOF", 0)
        cdir = tempfile.mkdtemp(prefix="tls.", dir=self.state_dir)
        try:
            cert = os.path.join(cdir, "c.pem")
            key = os.path.join(cdir, "k.pem")
            with open(cert, "wb") as f:
                f.write(self.ident["DeviceCertificate"])
            with open(key, "wb") as f:
                f.write(self.ident["DevicePrivateKey"])
            ctx.load_cert_chain(cert, key)
        finally:
            shutil.rmtree(cdir, ignore_errors=True)
        return ctx

    # -- devices
    def add_device(self, spec, announce=True):
        if "udid" not in spec:
            raise ValueError("device needs a udid")
        with self.lock:
            dev = self.devices.get(spec["udid"])
            if dev is None:
                dev = Device(self, spec, len(self.devices))
                self.devices[dev.udid] = dev
                self.seed(dev)
            elif len(spec) > 1:
                queue = dev.pair_responses
                dev.spec.update(spec)
                dev.apply(dev.spec)
                if "pair_responses" not in spec:
                    dev.pair_responses = queue
            if dev.attached:
                return dev
            dev.device_id = self.next_device_id
            self.next_device_id += 1
            dev.attached = True
            dev.requests_since_attach = 0
            dev.ports.clear()
            dev.stats["attach_count"] += 1
        log("attach %s id=%d" % (dev.udid, dev.device_id))
        if announce:
            self.broadcast(dev.record())
        return dev

    def detach(self, dev, why="detach"):
        with self.lock:
            if not dev.attached:
                return False
            dev.attached = False
            dev.stats["detach_count"] += 1
            conns = list(dev.conns)
            dev.conns.clear()
            dev.ports.clear()
        log("detach %s id=%d (%s)" % (dev.udid, dev.device_id, why))
        for c in conns:
            c.close()
        self.broadcast({"DeviceID": dev.device_id, "MessageType": "Detached"})
        return True

    def by_id(self, device_id):
        with self.lock:
            for d in self.devices.values():
                if d.attached and d.device_id == device_id:
                    return d
        return None

    def broadcast(self, msg):
        data = self.mux_packet(0, msg)
        with self.lock:
            targets = list(self.listeners.items())
        for conn, wlock in targets:
            with wlock:
                try:
                    conn.sock.sendall(data)
                except OSError:
                    pass

    # -- usbmuxd protocol
    @staticmethod
    def mux_packet(tag, msg):
        body = plist_bytes(msg)
        return struct.pack("<IIII", 16 + len(body), 1, USBMUXD_PLIST, tag) + body

    def mux_send(self, conn, tag, msg):
        conn.sock.sendall(self.mux_packet(tag, msg))

    def mux_result(self, conn, tag, number):
        self.mux_send(conn, tag, {"MessageType": "Result", "Number": number})

    def serve_mux(self, sock):
        conn = Conn(sock)
        with self.lock:
            self.gstats["mux_connections"] += 1
            self.mux_open.add(conn)
        handed_off = False
        try:
            while not self.stopping.is_set():
                hdr = recv_exact(conn.sock, 16)
                if hdr is None:
                    return
                length, version, mtype, tag = struct.unpack("<IIII", hdr)
                if length < 16 or length > 16 * 1024 * 1024:
                    return
                body = recv_exact(conn.sock, length - 16) if length > 16 else b""
                if body is None:
                    return
                if mtype != USBMUXD_PLIST or version != 1:
                    self.mux_result(conn, tag, RESULT_BADVERSION)
                    continue
                try:
                    msg = parse_plist(body)
                except Exception:
                    self.mux_result(conn, tag, RESULT_BADCOMMAND)
                    continue
                mt = msg.get("MessageType") if isinstance(msg, dict) else None
                with self.lock:
                    r = self.gstats["mux_requests"]
                    r[str(mt)] = r.get(str(mt), 0) + 1
                log("mux %s %s" % (mt, {k: v for k, v in msg.items()
                                        if k in ("DeviceID", "PortNumber", "PairRecordID")}))
                if mt == "ListDevices":
                    with self.lock:
                        lst = [d.record() for d in sorted(self.devices.values(),
                                                          key=lambda d: d.device_id)
                               if d.attached]
                    self.mux_send(conn, tag, {"DeviceList": lst})
                elif mt == "Listen":
                    self.serve_listener(conn, tag)
                    return
                elif mt == "Connect":
                    if self.mux_connect(conn, tag, msg):
                        handed_off = True
                        return
                elif mt == "ReadBUID":
                    self.mux_send(conn, tag, {"BUID": self.buid})
                elif mt == "ReadPairRecord":
                    data = self.read_record(str(msg.get("PairRecordID", "")))
                    if data is None:
                        self.mux_result(conn, tag, ENOENT)
                    else:
                        self.mux_send(conn, tag, {"PairRecordData": data})
                elif mt == "SavePairRecord":
                    rid = str(msg.get("PairRecordID", ""))
                    data = msg.get("PairRecordData")
                    if not rid or not isinstance(data, bytes):
                        self.mux_result(conn, tag, RESULT_BADCOMMAND)
                        continue
                    with open(self.record_path(rid), "wb") as f:
                        f.write(data)
                    self.mux_result(conn, tag, RESULT_OK)
                    did = msg.get("DeviceID")
                    if isinstance(did, int) and self.by_id(did):
                        self.broadcast({"DeviceID": did, "MessageType": "Paired"})
                elif mt == "DeletePairRecord":
                    rid = str(msg.get("PairRecordID", ""))
                    try:
                        os.unlink(self.record_path(rid))
                        self.mux_result(conn, tag, RESULT_OK)
                    except OSError:
                        self.mux_result(conn, tag, ENOENT)
                elif mt == "ListListeners":
                    self.mux_send(conn, tag, {"ListenerList": []})
                else:
                    self.mux_result(conn, tag, RESULT_BADCOMMAND)
        except Exception as e:
            log("mux error: %r\n%s" % (e, traceback.format_exc()))
        finally:
            with self.lock:
                self.mux_open.discard(conn)
            if not handed_off:
                conn.close()

    def serve_listener(self, conn, tag):
        wlock = threading.Lock()
        with wlock:
            self.mux_result(conn, tag, RESULT_OK)
            with self.lock:
                self.listeners[conn] = wlock
                attached = sorted((d for d in self.devices.values() if d.attached),
                                  key=lambda d: d.device_id)
                records = [d.record() for d in attached]
            for rec in records:
                conn.sock.sendall(self.mux_packet(0, rec))
        try:
            while not self.stopping.is_set():
                try:
                    r, _, _ = select.select([conn.sock], [], [], 0.5)
                except (OSError, ValueError):
                    return
                if r:
                    try:
                        if not conn.sock.recv(4096):
                            return
                    except OSError:
                        return
        finally:
            with self.lock:
                self.listeners.pop(conn, None)

    def mux_connect(self, conn, tag, msg):
        did = msg.get("DeviceID")
        raw_port = int(msg.get("PortNumber", 0))
        port = ((raw_port & 0xFF) << 8) | ((raw_port >> 8) & 0xFF)
        dev = self.by_id(did) if isinstance(did, int) else None
        if dev is None:
            self.mux_result(conn, tag, RESULT_BADDEV)
            return False
        with self.lock:
            service = None
            if port != LOCKDOWN_PORT:
                service = dev.ports.pop(port, None)
            ok = port == LOCKDOWN_PORT or service is not None
            dev.stats["connects"] += 1
            if not ok:
                dev.stats["connects_refused"] += 1
            else:
                dev.conns.add(conn)
        if not ok:
            log("connect refused: device %s port %d" % (dev.udid, port))
            self.mux_result(conn, tag, RESULT_CONNREFUSED)
            return False
        self.mux_result(conn, tag, RESULT_OK)
        with self.lock:
            self.mux_open.discard(conn)
        try:
            if port == LOCKDOWN_PORT:
                dev.count("lockdown_connections")
                Lockdown(self, dev, conn).serve()
            else:
                dev.count("service_connections", service)
                Diagnostics(self, dev, conn, service).serve()
        except Exception as e:
            log("device connection error: %r\n%s" % (e, traceback.format_exc()))
        finally:
            with self.lock:
                dev.conns.discard(conn)
            conn.close()
        return True

    # -- control socket
    def serve_control(self, sock):
        with self.lock:
            self.gstats["control_connections"] += 1
        try:
            serve_json_lines(sock, self.stopping, self.control)
        finally:
            try:
                sock.close()
            except OSError:
                pass

    def control(self, cmd):
        c = cmd.get("cmd")
        if c == "attach":
            dev = self.add_device(cmd["device"])
            return {"ok": True, "udid": dev.udid, "device_id": dev.device_id}
        if c == "detach":
            dev = self.devices.get(cmd.get("udid"))
            if dev is None:
                return {"ok": False, "error": "unknown udid"}
            return {"ok": True, "was_attached": self.detach(dev, "control")}
        if c == "update":
            dev = self.devices.get(cmd.get("udid"))
            if dev is None:
                return {"ok": False, "error": "unknown udid"}
            changes = cmd.get("changes", {})
            with self.lock:
                queue = dev.pair_responses
                dev.spec.update(changes)
                dev.apply(dev.spec)
                if "pair_responses" not in changes:
                    dev.pair_responses = queue      # keep what was already consumed
            return {"ok": True}
        if c == "stats":
            return self.stats()
        if c == "reset_stats":
            with self.lock:
                for d in self.devices.values():
                    d.reset_stats()
                self.gstats = {"mux_connections": 0, "mux_requests": {},
                               "control_connections": 0}
            return {"ok": True}
        if c == "list":
            with self.lock:
                return {"ok": True, "devices": [
                    {"udid": d.udid, "device_id": d.device_id, "attached": d.attached}
                    for d in self.devices.values()]}
        if c == "ping":
            return {"ok": True}
        if c == "quit":
            self.stopping.set()
            return {"ok": True}
        return {"ok": False, "error": "unknown cmd %r" % c}

    def stats(self):
        with self.lock:
            devs = {}
            for d in self.devices.values():
                s = json.loads(json.dumps(d.stats))
                s["device_id"] = d.device_id
                s["attached"] = d.attached
                s["open_connections"] = len(d.conns)
                s["trusted_hosts"] = len(d.trusted)
                devs[d.udid] = s
            g = json.loads(json.dumps(self.gstats))
            g["mux_open"] = len(self.mux_open)
            g["listeners"] = len(self.listeners)
        g["threads"] = threading.active_count()
        try:
            g["open_fds"] = len(os.listdir("/proc/self/fd"))
        except OSError:
            g["open_fds"] = -1
        return {"ok": True, "global": g, "devices": devs}


# ---------------------------------------------------------------- lockdownd

class DeviceGone(Exception):
    pass


def recv_plist_be(conn):
    hdr = recv_exact(conn.sock, 4)
    if hdr is None:
        return None
    (n,) = struct.unpack(">I", hdr)
    if n == 0 or n > 64 * 1024 * 1024:
        return None
    body = recv_exact(conn.sock, n)
    if body is None:
        return None
    try:
        return parse_plist(body)
    except Exception:
        return {}


def send_plist_be(conn, obj):
    """Send OBJ as a plist, or as is when it is already a plist's bytes."""
    body = obj if isinstance(obj, (bytes, bytearray)) else plist_bytes(obj)
    conn.sock.sendall(struct.pack(">I", len(body)) + body)


def hang(fake, conn):
    """Never answer: wait until the client goes away or the fake stops."""
    while not fake.stopping.is_set():
        try:
            r, _, _ = select.select([conn.sock], [], [], 0.5)
        except (OSError, ValueError):
            return
        if r:
            try:
                if not conn.sock.recv(4096):
                    return
            except (OSError, ssl.SSLError):
                return


def end_tls(sslsock):
    """After StopSession: read the client's close_notify, then go back to the plain
    socket WITHOUT sending our own close_notify.  libimobiledevice 1.3.0 sends its
    close_notify but skips the bidirectional shutdown (SSL_get_error() after the
    first SSL_shutdown() is not SSL_ERROR_NONE), so a close_notify from us would stay
    unread in the stream and be taken for the length of the next plain message.
    Returns the plain socket, or None when the client went away."""
    try:
        while True:
            data = sslsock.recv(4096)
            if not data:
                break           # close_notify received (or EOF)
            log("unexpected TLS data after StopSession: %d bytes" % len(data))
    except (ssl.SSLError, OSError, ValueError) as e:
        log("TLS shutdown: %r" % e)
        return None
    try:
        # Drop the TLS state without a shutdown alert; keep the descriptor.
        fd = sslsock.detach()
        plain = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, fileno=fd)
    except OSError:
        return None
    # EOF (no close_notify) also lands here; the next recv will tell.
    return plain


class Lockdown:
    def __init__(self, fake, dev, conn):
        self.fake, self.dev, self.conn = fake, dev, conn
        self.session = None
        self.tls = False

    def serve(self):
        dev = self.dev
        while not self.fake.stopping.is_set():
            req = recv_plist_be(self.conn)
            if req is None:
                return
            if not isinstance(req, dict):
                req = {}
            name = str(req.get("Request", ""))
            parts = [name, str(req.get("Domain", "") or ""), str(req.get("Key", "") or "")]
            with self.fake.lock:
                dev.stats["lockdown_requests"] += 1
                r = dev.stats["requests"]
                r[name] = r.get(name, 0) + 1
                dev.requests_since_attach += 1
                nreq = dev.requests_since_attach
                unplug = dev.unplug_after is not None and nreq >= int(dev.unplug_after)
            log("lockdown %s #%d %s tls=%s" % (dev.udid, nreq, ":".join(parts), self.tls))
            if dev.hangs(parts):
                dev.count("hung_requests")
                log("hanging on %s" % ":".join(parts))
                hang(self.fake, self.conn)
                return
            if dev.delay:
                time.sleep(dev.delay)
            ans, after = self.handle(name, req)
            try:
                send_plist_be(self.conn, ans)
            except OSError:
                return
            if unplug:
                self.fake.detach(dev, "unplug_after_requests=%s" % dev.unplug_after)
                return
            if after == "start_tls":
                try:
                    self.conn.sock = self.fake.ssl_ctx.wrap_socket(self.conn.sock,
                                                                   server_side=True)
                except (ssl.SSLError, OSError) as e:
                    log("TLS handshake failed: %r" % e)
                    return
                self.tls = True
                dev.count("tls_handshakes")
                log("session TLS: %s %s" % (self.conn.sock.version(),
                                            (self.conn.sock.cipher() or ("?",))[0]))
            elif after == "stop_tls":
                plain = end_tls(self.conn.sock)
                if plain is None:
                    return
                self.conn.sock = plain
                self.tls = False
            elif after == "close":
                return

    def err(self, name, error, **extra):
        d = {"Request": name, "Error": error}
        d.update(extra)
        return d

    def handle(self, name, req):
        dev = self.dev
        if name == "QueryType":
            return {"Request": name, "Type": "com.apple.mobile.lockdown"}, None
        if name == "GetValue":
            return self.get_value(req), None
        if name == "SetValue":
            dom = req.get("Domain") or ""
            key = req.get("Key")
            if self.session is None:
                return self.err(name, "SessionInactive"), None
            if key is not None and "Value" in req:
                with self.fake.lock:
                    dev.values.setdefault(dom, {})[key] = req["Value"]
                    dev.reply_cache.clear()
            return {"Request": name}, None
        if name == "RemoveValue":
            if self.session is None:
                return self.err(name, "SessionInactive"), None
            return {"Request": name}, None
        if name in ("Pair", "ValidatePair", "Unpair"):
            return self.pairing(name, req), None
        if name == "StartSession":
            host_id = req.get("HostID")
            if not host_id:
                return self.err(name, "MissingHostID"), None
            if host_id not in dev.trusted:
                return self.err(name, "InvalidHostID"), None
            self.session = str(uuid.uuid4()).upper()
            dev.count("sessions_started")
            ans = {"Request": name, "SessionID": self.session,
                   "EnableSessionSSL": dev.session_ssl}
            return ans, ("start_tls" if dev.session_ssl else None)
        if name == "StopSession":
            sid = req.get("SessionID")
            if self.session is None:
                return self.err(name, "SessionInactive"), None
            if sid != self.session:
                return self.err(name, "InvalidSessionID"), None
            self.session = None
            dev.count("sessions_stopped")
            return {"Request": name}, ("stop_tls" if self.tls else None)
        if name == "StartService":
            svc = str(req.get("Service", ""))
            if self.session is None:
                return self.err(name, "SessionInactive", Service=svc), None
            if svc in dev.refuse or svc not in DIAG_SERVICES:
                return self.err(name, "InvalidService", Service=svc), None
            with self.fake.lock:
                port = dev.next_port
                dev.next_port = 49152 + (dev.next_port - 49152 + 1) % 16000
                dev.ports[port] = svc
                dev.stats["service_starts"][svc] = dev.stats["service_starts"].get(svc, 0) + 1
            return {"Request": name, "Service": svc, "Port": port,
                    "EnableServiceSSL": dev.service_ssl}, None
        if name == "Goodbye":
            return {"Request": name}, "close"
        if name == "EnterRecovery":
            return {"Request": name}, None
        return self.err(name or "Unknown", "InvalidRequest"), None

    def get_value(self, req):
        dev = self.dev
        cache_key = ("GetValue", req.get("Domain"), req.get("Key"), self.session is not None)
        if not isinstance(cache_key[1], (str, type(None))) or \
                not isinstance(cache_key[2], (str, type(None))):
            return self.get_value_now(req)
        with self.fake.lock:
            body = dev.reply_cache.get(cache_key)
        if body is None:
            body = plist_bytes(self.get_value_now(req))
            with self.fake.lock:
                dev.reply_cache[cache_key] = body
        return body

    def get_value_now(self, req):
        dev = self.dev
        dom = req.get("Domain") or ""
        key = req.get("Key")
        ans = {"Request": "GetValue"}
        if req.get("Domain"):
            ans["Domain"] = dom
        if key is not None:
            ans["Key"] = key
        with self.fake.lock:
            values = dev.values.get(dom)
            public = dev.public.get(dom, set())
            in_session = self.session is not None
            if not in_session:
                if values is None or not public:
                    ans["Error"] = "GetProhibited" if (values or dom) else "MissingValue"
                    return ans
                if key is None:
                    ans["Value"] = {k: v for k, v in domain_dump(dom, values).items()
                                    if k in public}
                elif key in public and key in values:
                    ans["Value"] = values[key]
                elif key in values:
                    ans["Error"] = "GetProhibited"
                else:
                    ans["Error"] = "MissingValue"
                return ans
            if values is None:
                return ans          # unknown domain: success without a Value
            if key is None:
                ans["Value"] = domain_dump(dom, values)
            elif key in values:
                ans["Value"] = values[key]
            else:
                ans["Error"] = "MissingValue"
        return ans

    def pairing(self, name, req):
        dev = self.dev
        rec = req.get("PairRecord") if isinstance(req.get("PairRecord"), dict) else {}
        host_id = rec.get("HostID")
        if name == "Pair":
            dev.count("pair_requests")
            with self.fake.lock:
                outcome = dev.pair_responses.pop(0) if dev.pair_responses else dev.pair_default
            log("Pair -> %s" % outcome)
            if outcome != "ok":
                return self.err(name, outcome)
            for k in ("HostID", "HostCertificate", "RootCertificate", "DeviceCertificate"):
                if k not in rec:
                    return self.err(name, "InvalidPairRecord")
            with self.fake.lock:
                dev.trusted.add(host_id)
            return {"Request": name, "EscrowBag": dev.escrow_bag}
        if not host_id:
            return self.err(name, "MissingHostID")
        if host_id not in dev.trusted:
            return self.err(name, "InvalidHostID")
        if name == "Unpair":
            with self.fake.lock:
                dev.trusted.discard(host_id)
        return {"Request": name}


# ---------------------------------------------------------------- diagnostics_relay

class Diagnostics:
    def __init__(self, fake, dev, conn, service):
        self.fake, self.dev, self.conn, self.service = fake, dev, conn, service

    def serve(self):
        dev = self.dev
        if dev.service_ssl:
            try:
                self.conn.sock = self.fake.ssl_ctx.wrap_socket(self.conn.sock,
                                                               server_side=True)
            except (ssl.SSLError, OSError) as e:
                log("service TLS handshake failed: %r" % e)
                return
            dev.count("tls_handshakes")
        while not self.fake.stopping.is_set():
            req = recv_plist_be(self.conn)
            if req is None:
                return
            if not isinstance(req, dict):
                req = {}
            name = str(req.get("Request", ""))
            entry = req.get("EntryName") or req.get("EntryClass") or ""
            dev.count("diagnostics_requests", name)
            log("diagnostics %s %s %s" % (dev.udid, name, entry))
            if dev.hangs(["diagnostics", name, str(entry)]):
                dev.count("hung_requests")
                hang(self.fake, self.conn)
                return
            if dev.delay:
                time.sleep(dev.delay)
            ans, close = self.handle(name, req)
            try:
                send_plist_be(self.conn, ans)
            except OSError:
                return
            if close:
                return

    def ioregistry(self, ename, eclass, plane):
        dev = self.dev
        found = None
        for n in (ename, eclass):
            if n and isinstance(n, str) and n in dev.ioregistry:
                found = dev.ioregistry[n]
                break
        if found is None and plane and not ename and not eclass:
            found = dev.planes.get(plane)
        # A real device answers an unknown entry with Success and an empty
        # IORegistry dict (libimobiledevice issues #570, #689).
        return {"Status": "Success", "Diagnostics": {"IORegistry": found or {}}}

    def handle(self, name, req):
        dev = self.dev
        if name == "Goodbye":
            return {"Status": "Success"}, True
        if name == "IORegistry":
            ename = req.get("EntryName") or ""
            eclass = req.get("EntryClass") or ""
            plane = req.get("CurrentPlane") or ""
            key = ("IORegistry", str(ename), str(eclass), str(plane))
            with self.fake.lock:
                body = dev.reply_cache.get(key)
            if body is None:
                body = plist_bytes(self.ioregistry(ename, eclass, plane))
                with self.fake.lock:
                    dev.reply_cache[key] = body
            return body, False
        if name == "MobileGestalt":
            keys = req.get("MobileGestaltKeys") or []
            mg = {k: dev.gestalt[k] for k in keys if k in dev.gestalt}
            mg["Status"] = "Success"
            return {"Status": "Success", "Diagnostics": {"MobileGestalt": mg}}, False
        if name in ("All", "WiFi", "GasGauge", "NAND", "HDMI"):
            if name == "All":
                diag = dict(dev.diagnostics)
            else:
                diag = {name: dev.diagnostics.get(name, {})}
            return {"Status": "Success", "Diagnostics": diag}, False
        if name in ("Sleep", "Restart", "Shutdown"):
            return {"Status": "Success"}, False
        return {"Status": "UnknownRequest"}, False


# ---------------------------------------------------------------- main

def load_specs(path, clone):
    with open(path) as f:
        data = json.load(f)
    specs = data.get("devices", []) if isinstance(data, dict) else data
    if not isinstance(specs, list) or not all(isinstance(s, dict) and "udid" in s
                                              for s in specs):
        raise SystemExit("scenario: expected a list of devices, each with a udid")
    if clone:
        if not specs:
            raise SystemExit("--clone needs at least one device in the scenario")
        specs = [clone_spec(specs[0], i) for i in range(clone)]
    return specs


def main(argv=None):
    global LOG
    p = argparse.ArgumentParser(description="fake usbmuxd + lockdownd for tests")
    p.add_argument("--socket", required=True, help="usbmuxd unix socket path")
    p.add_argument("--scenario", required=True, help="scenario JSON file")
    p.add_argument("--control", help="control unix socket path")
    p.add_argument("--state-dir", help="pair records (like /var/lib/lockdown); "
                   "a temporary directory by default")
    p.add_argument("--key-cache", help="where generated keys are kept (default "
                   "$FAKE_USBMUXD_KEY_CACHE, else STATE_DIR/.fake-keys); sharing one "
                   "cuts start-up from ~1.3 s to ~0.2 s")
    p.add_argument("--clone", type=int, default=0, help="N copies of device 0")
    p.add_argument("--log", help="append a protocol log to this file")
    args = p.parse_args(argv)

    if args.log:
        LOG = open(args.log, "a")
    made_state = False
    if not args.state_dir:
        args.state_dir = tempfile.mkdtemp(prefix="fake-usbmuxd.")
        made_state = True
    specs = load_specs(args.scenario, args.clone)
    fake = Fake(args, specs)

    signal.signal(signal.SIGTERM, lambda *a: fake.stopping.set())
    signal.signal(signal.SIGINT, lambda *a: fake.stopping.set())
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)

    mux = listen_unix(args.socket)
    ctl = listen_unix(args.control) if args.control else None
    handlers = {mux: fake.serve_mux}
    if ctl:
        handlers[ctl] = fake.serve_control
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    log("ready: %d device(s), socket %s" % (len(specs), args.socket))
    try:
        accept_loop(fake.stopping, handlers)
    finally:
        fake.stopping.set()
        for s, path in ((mux, args.socket), (ctl, args.control)):
            if s is None:
                continue
            try:
                s.close()
            except OSError:
                pass
            try:
                os.unlink(path)
            except OSError:
                pass
        with fake.lock:
            conns = list(fake.mux_open) + list(fake.listeners)
            for d in fake.devices.values():
                conns += list(d.conns)
        for c in conns:
            raw_shutdown(c.sock)
        if made_state:
            shutil.rmtree(args.state_dir, ignore_errors=True)
        log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
