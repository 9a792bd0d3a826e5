#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check one vpci-vmm boot against the capture it replayed.

usage: check.py HARNESS CAPTURE EVENTS REPORT [--guest LIST]

HARNESS is vpci-harness (its `dump` is libvpci's view before the guest ran),
EVENTS and REPORT what vpci-vmm --events/--report wrote. Prints one line per
check ("ok ..." or "FAIL ...") and exits non-zero when any failed.
"""
import os
import re
import subprocess
import sys

PAGE = 4096


def parse_dump(text):
    """vpci-harness dump (lspci -xxxx text) -> {sbdf: bytearray}."""
    fns, cur = {}, None
    for line in text.splitlines():
        m = re.match(r"^([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) ", line)
        if m:
            cur = fns.setdefault(m.group(1), bytearray())
            continue
        m = re.match(r"^([0-9a-f]{2,3}): ((?:[0-9a-f]{2} ?)+)$", line)
        if m and cur is not None:
            off = int(m.group(1), 16)
            data = bytes.fromhex(m.group(2))
            if len(cur) < off + len(data):
                cur.extend(b"\0" * (off + len(data) - len(cur)))
            cur[off:off + len(data)] = data
    return fns


def parse_hexlines(lines, key):
    out = {}
    for parts in lines.get(key, []):
        sbdf, off, hexa = parts[0], int(parts[1], 16), parts[2]
        buf = out.setdefault(sbdf, bytearray())
        data = bytes.fromhex(hexa)
        if len(buf) < off + len(data):
            buf.extend(b"\0" * (off + len(data) - len(buf)))
        buf[off:off + len(data)] = data
    return out


def read_lines(path):
    """{first word: [rest of the words]...} of every line of path."""
    out = {}
    with open(path, errors="replace") as f:
        for line in f:
            words = line.rstrip("\r\n").split()
            if words:
                out.setdefault(words[0], []).append(words[1:])
    return out


def caps(cfg):
    """[(id, offset, extended)] of the capability lists in cfg."""
    found = []
    if len(cfg) >= 64 and cfg[6] & 0x10:
        ptr, seen = cfg[0x34] & 0xfc, set()
        while ptr and ptr not in seen and ptr + 1 < min(len(cfg), 256):
            seen.add(ptr)
            found.append((cfg[ptr], ptr, False))
            ptr = cfg[ptr + 1] & 0xfc
    ptr, seen = 0x100, set()
    while 0x100 <= ptr < len(cfg) - 3 and ptr not in seen:
        seen.add(ptr)
        hdr = int.from_bytes(cfg[ptr:ptr + 4], "little")
        if hdr in (0, 0xffffffff):
            break
        found.append((hdr & 0xffff, ptr, True))
        ptr = (hdr >> 20) & 0xffc
    return found


def kernel_writable(cfg):
    """Offsets the kernel may legitimately change: header registers it
    programs, and every capability's registers past its header."""
    hdr_type = cfg[0x0e] & 0x7f
    ok = set(range(0x04, 0x08)) | {0x0c, 0x0d, 0x3c}
    if hdr_type == 0:
        ok |= set(range(0x10, 0x28)) | set(range(0x30, 0x34))
    else:
        ok |= set(range(0x10, 0x30)) | set(range(0x38, 0x3c)) | {0x3e, 0x3f}
    offs = sorted(off for _, off, _ in caps(cfg))
    for i, (cid, off, ext) in enumerate(sorted(caps(cfg), key=lambda c: c[1])):
        end = offs[i + 1] if i + 1 < len(offs) else (0x100 if not ext else len(cfg))
        if not ext:
            end = min(end, 0x100) if end > off else 0x100
        ok |= set(range(off + (4 if ext else 2), end))
    return ok


def msix_pages(cfg, bars):
    """{bar index: set of page-aligned BAR offsets holding table or PBA}."""
    pages = {}
    for cid, off, ext in caps(cfg):
        if ext or cid != 0x11:
            continue
        nr = (int.from_bytes(cfg[off + 2:off + 4], "little") & 0x7ff) + 1
        for reg, size in ((off + 4, nr * 16), (off + 8, (nr + 63) // 64 * 8)):
            val = int.from_bytes(cfg[reg:reg + 4], "little")
            bir, start = val & 7, val & ~7
            first = start // PAGE * PAGE
            pages.setdefault(bir, set()).update(
                range(first, start + size, PAGE))
    return pages


NVME_MODEL_BYTES = 0x2000  # tools/vmm/nvme_model.c: registers + admin doorbells


def is_nvme(cfg):
    """Class 01:08:02, a type 0 header: vpci-vmm models its registers."""
    return len(cfg) >= 16 and bytes(cfg[9:12]) == b"\x02\x08\x01" and cfg[0x0e] & 0x7f == 0


def merge(ranges):
    out = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [tuple(r) for r in out]


def subtract(ranges, holes):
    out = []
    for lo, hi in ranges:
        cur = lo
        for hlo, hhi in merge(holes):
            if hhi <= cur or hlo >= hi:
                continue
            if hlo > cur:
                out.append((cur, hlo))
            cur = max(cur, hhi)
        if cur < hi:
            out.append((cur, hi))
    return merge(out)


class Checker:
    def __init__(self):
        self.failed = 0

    def check(self, cond, what, detail=""):
        print(("ok   " if cond else "FAIL ") + what +
              ("" if cond or not detail else ": " + detail))
        if not cond:
            self.failed += 1


def main():
    args = sys.argv[1:]
    guest = None
    if "--guest" in args:
        i = args.index("--guest")
        guest = args[i + 1]
        del args[i:i + 2]
    harness, capture, events_path, report_path = args
    c = Checker()
    if not os.path.exists(events_path):
        c.check(False, "vpci-vmm wrote its events", events_path + " is missing")
        return 1
    ev = read_lines(events_path)
    rep = read_lines(report_path) if os.path.exists(report_path) else {}
    exit_line = ev.get("exit", [["missing", "-"]])[-1]
    c.check(exit_line[0] == "finished" and exit_line[1] == "0",
            "the guest's init ran to the end and reported", " ".join(exit_line))
    c.check("vpci-done" in rep, "the report is complete")

    cmd = [harness, "dump"] + (["--guest", guest] if guest else []) + [capture]
    dump = parse_dump(subprocess.run(cmd, check=True, capture_output=True,
                                     text=True).stdout)
    linux = parse_hexlines(rep, "vpci-cfg")
    state = parse_hexlines(ev, "state")
    host_of = {w[0]: w[1] for w in ev.get("fn", [])}
    found = set(linux)
    c.check(found == set(dump), "Linux found exactly the functions libvpci presents",
            "only Linux: %s; only libvpci: %s" % (sorted(found - set(dump)),
                                                  sorted(set(dump) - found)))

    # Identity, and config bytes: Linux's == libvpci's state everywhere;
    # == the fresh dump except what the kernel may program.
    id_bad, state_bad, dump_bad, nbytes = [], [], [], 0
    for sbdf in sorted(found & set(dump)):
        lcfg, dcfg, scfg = linux[sbdf], dump[sbdf], state.get(sbdf, b"")
        for off in (0, 1, 2, 3, 9, 10, 11):
            if lcfg[off] != dcfg[off]:
                id_bad.append("%s@%x" % (sbdf, off))
        if (lcfg[0x0e] & 0x7f) != (dcfg[0x0e] & 0x7f):
            id_bad.append("%s header type" % sbdf)
        writable = kernel_writable(dcfg)
        for off in range(len(lcfg)):
            nbytes += 1
            if off >= len(scfg) or lcfg[off] != scfg[off]:
                state_bad.append("%s@%x" % (sbdf, off))
            if off < len(dcfg) and lcfg[off] != dcfg[off] and off not in writable:
                dump_bad.append("%s@%x %02x/%02x" % (sbdf, off, lcfg[off], dcfg[off]))
    c.check(not id_bad, "IDs, class and header type as libvpci presents", " ".join(id_bad[:8]))
    c.check(not state_bad, "config space Linux printed == libvpci's state (%d bytes)" % nbytes,
            "%d differ: %s" % (len(state_bad), " ".join(state_bad[:8])))
    c.check(not dump_bad, "config space == vpci-harness dump except registers the kernel programs",
            "%d differ: %s" % (len(dump_bad), " ".join(dump_bad[:8])))

    # BAR and ROM sizes against the capture's own resource files.
    res = {}
    for w in rep.get("vpci-res", []):
        res.setdefault(w[0], {})[int(w[1])] = (int(w[2], 16), int(w[3], 16), int(w[4], 16))
    size_bad, nbars = [], 0
    for sbdf, bars in res.items():
        host = host_of.get(sbdf, sbdf)
        path = os.path.join(capture, "devices", host, "resource")
        if not os.path.exists(path):
            path = os.path.join(capture, host, "resource")
        try:
            with open(path) as f:
                cap = [tuple(int(x, 16) for x in l.split()) for l in f if l.strip()]
        except OSError:
            size_bad.append("%s: no capture resource" % sbdf)
            continue
        for idx, (lo, hi, _) in bars.items():
            if idx > 6 or hi <= lo:
                continue
            nbars += 1
            want = cap[idx][1] - cap[idx][0] + 1 if idx < len(cap) and cap[idx][1] else 0
            if want != hi - lo + 1:
                size_bad.append("%s BAR%d %#x != %#x" % (sbdf, idx, hi - lo + 1, want))
    c.check(not size_bad and nbars > 0, "%d BARs/ROMs the kernel reports have the capture's size" % nbars,
            " ".join(size_bad[:8]))

    klog = [" ".join(w) for w in rep.get("vpci-klog", [])]
    conflicts = [l for l in klog if re.search(
        r"conflict|can't claim|address space collision|no space for|failed to assign", l)]
    c.check(not conflicts, "no resource conflicts in the kernel log", " | ".join(conflicts[:4]))
    # Without a local APIC Linux has no MSI domain: drivers fall back to
    # INTx and the MSI-X hooks are never exercised.
    no_apic = [l for l in klog if re.search(
        r"No local APIC present|APIC disabled|disable apic facility", l)]
    c.check(not no_apic, "the kernel has a local APIC (so MSI/MSI-X can be set up)",
            " | ".join(no_apic[:2]))

    # What is mapped: every memory BAR of a function with memory decoding
    # on, page-rounded, minus its MSI-X table and PBA pages, and minus the
    # first pages of an NVMe function's BAR 0, which trap to vpci-vmm's
    # controller model.
    model_pages = {}
    for sbdf, bars in res.items():
        scfg = state.get(sbdf)
        if scfg and scfg[4] & 2 and is_nvme(scfg) and 0 in bars:
            lo, hi, _ = bars[0]
            model_pages[sbdf] = (lo, min(lo + NVME_MODEL_BYTES, hi + 1))
    want = []
    for sbdf, bars in res.items():
        scfg = state.get(sbdf)
        if not scfg or not scfg[4] & 2:
            continue
        holes = msix_pages(scfg, bars)
        if sbdf in model_pages:
            holes.setdefault(0, set()).update(range(0, NVME_MODEL_BYTES, PAGE))
        for idx, (lo, hi, flags) in bars.items():
            if idx > 5 or not flags & 0x200 or hi <= lo:
                continue
            rng = [(lo // PAGE * PAGE, (hi + PAGE) // PAGE * PAGE)]
            rng = subtract(rng, [(lo + p, lo + p + PAGE) for p in holes.get(idx, ())])
            want += rng
    want = merge(want)
    mapped = merge((int(w[0], 16), int(w[0], 16) + int(w[1], 16)) for w in ev.get("mapped", []))
    c.check(want == mapped, "mapped frames == enabled memory BARs minus MSI-X pages (%d ranges)" % len(want),
            "want %s got %s" % ([(hex(a), hex(b)) for a, b in want[:4]],
                                [(hex(a), hex(b)) for a, b in mapped[:4]]))
    bar_ranges = [(lo, hi + 1) for bars in res.values() for idx, (lo, hi, fl) in bars.items()
                  if idx <= 6 and fl & 0x200 and hi > lo]
    stray = [w for w in ev.get("mmio-unclaimed", [])
             if any(lo <= int(w[1], 16) < hi for lo, hi in bar_ranges)]
    nmsix = len(ev.get("mmio-msix", []))
    c.check(not stray, "every MMIO access in a BAR hit a mapped frame or a trapped MSI-X page "
            "(%d MSI-X accesses)" % nmsix, " ".join(" ".join(w) for w in stray[:4]))
    nvme_access = ev.get("mmio-nvme", [])
    astray = [w for w in nvme_access if not any(
        lo <= int(w[1], 16) < hi for lo, hi in model_pages.values())]
    c.check(not astray, "every NVMe model access was in an NVMe function's register pages "
            "(%d accesses, %d functions)" % (len(nvme_access), len(model_pages)),
            " ".join(" ".join(w) for w in astray[:4]))
    # The init reads a bounded set of each BAR's pages; it must include
    # both edges of every mapped range in the BAR and every trapped MSI-X
    # page, so every slot the VMM made and every trap was reached.
    touched = rep.get("vpci-touch", [])
    pages_read = {(w[0], int(w[1])): {int(x, 16) for x in w[2:]}
                  for w in rep.get("vpci-touched", [])}
    missed = []
    for sbdf, bars in res.items():
        scfg = state.get(sbdf)
        if not scfg or not scfg[4] & 2:
            continue
        holes = msix_pages(scfg, bars)
        for idx, (lo, hi, flags) in bars.items():
            if idx > 5 or not flags & 0x200 or hi <= lo:
                continue
            need = {p // PAGE for p in holes.get(idx, ()) if p < hi + 1 - lo}
            for mlo, mhi in mapped:
                a, b = max(mlo, lo), min(mhi, hi + 1)
                if a < b:
                    need |= {(a - lo) // PAGE, (b - 1 - lo) // PAGE}
            lost = need - pages_read.get((sbdf, idx), set())
            if lost:
                missed.append("%s BAR%d pages %s" % (sbdf, idx, sorted(lost)[:4]))
    c.check(all(w[3] == "ok" for w in touched) and not missed,
            "init read both edges of every mapped range and every MSI-X page "
            "of %d memory BARs (%d pages)" % (len(touched), sum(int(w[2]) for w in touched)),
            " ".join(" ".join(w) for w in touched if w[3] != "ok") + " ".join(missed[:4]))
    left = ev.get("teardown-frames", [["?"]])[-1][0]
    c.check(left == "0", "teardown leaves nothing mapped", left)

    if guest:
        unassigned = []
        for sbdf, cfg in dump.items():
            if (cfg[0x0e] & 0x7f) != 0 or host_of.get(sbdf) in (None, "emulated", "stub"):
                continue
            for idx in range(6):
                val = int.from_bytes(cfg[0x10 + 4 * idx:0x14 + 4 * idx], "little")
                if val & ~0xf and not (val & 1 and not val & ~3):
                    unassigned.append("%s BAR%d=%#x" % (sbdf, idx, val))
        c.check(not unassigned, "guest BARs start unassigned", " ".join(unassigned[:4]))
        assigned = [(s, i) for s, bars in res.items() for i, (lo, hi, fl) in bars.items()
                    if i <= 5 and hi > lo and lo]
        c.check(assigned, "the kernel assigned %d BARs" % len(assigned))

    with_cap = {cid: [s for s in found if s in dump and any(
        x[0] == cid and not x[2] for x in caps(linux[s]))] for cid in (0x10, 0x11)}
    want_cap = {cid: [s for s in found if s in dump and any(
        x[0] == cid and not x[2] for x in caps(dump[s]))] for cid in (0x10, 0x11)}
    c.check(with_cap == want_cap, "PCI Express on %d, MSI-X on %d functions, as libvpci presents" %
            (len(with_cap[0x10]), len(with_cap[0x11])))
    # A driver that bound with MSI or MSI-X leaves it enabled in the config
    # space the init prints; libvpci's interrupt hooks must have seen a
    # vector for each such function, aimed at the local APIC's window.
    with_irq = sorted(s for s in found if any(
        not ext and ((cid == 0x05 and linux[s][off + 2] & 0x01) or
                     (cid == 0x11 and linux[s][off + 3] & 0x80))
        for cid, off, ext in caps(linux[s])))
    # The hooks name the physical function; Linux, the domain's view.
    dom_of = {h: d for d, h in host_of.items()}
    bound = {}
    for w in ev.get("msi", []):
        bound.setdefault(dom_of.get(w[0], w[0]), []).append(int(w[2], 16))
    unseen = [s for s in with_irq if not any(
        a >> 20 == 0xfee for a in bound.get(s, []))]
    c.check(not unseen, "the interrupt hooks saw vectors for all %d functions whose "
            "driver enabled MSI/MSI-X" % len(with_irq), " ".join(unseen[:4]))
    # NVMe: the driver brought up its admin queue on vpci-vmm's model, so
    # its MSI-X vector reached the hooks; the model completed the first
    # admin command through that vector and the driver's interrupt
    # handler saw it fail (no command timeout).
    nvme_fns = sorted(s for s in found if s in dump and is_nvme(dump[s]))
    irqs = {}
    for w in ev.get("nvme-irq", []):
        irqs.setdefault(w[0], []).append(int(w[3]))
    no_vec = [s for s in nvme_fns if not any(a >> 20 == 0xfee for a in bound.get(s, []))]
    c.check(not no_vec, "the interrupt hooks saw the admin queue's vector of all %d NVMe "
            "functions" % len(nvme_fns), " ".join(no_vec))
    undelivered = [s for s in nvme_fns if not any(rc > 0 for rc in irqs.get(s, []))]
    nvme_log = [l for l in klog if re.search(r"\bnvme\b", l)]
    timeouts = [l for l in nvme_log if re.search(r"timeout", l, re.I)]
    failed_cmd = [l for l in nvme_log if re.search(r"Identify Controller failed", l)]
    c.check(not undelivered and not timeouts and len(failed_cmd) >= len(nvme_fns),
            "the model's admin completions reached the driver through KVM_SIGNAL_MSI "
            "(%d interrupts, no command timeout)" % sum(len(v) for v in irqs.values()),
            "undelivered: %s; %s" % (" ".join(undelivered), " | ".join((timeouts + nvme_log)[:3])))
    ext = sum(1 for s in found if len(linux[s]) > 256)
    print("info %d functions with extended config space in Linux's view; "
          "%d msi bindings, %d msi-off" % (ext, len(ev.get("msi", [])), len(ev.get("msi-off", []))))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
