#!/usr/bin/env python3
# Join what scripts/perf-report.sh collected (native rows for nanoseconds,
# callgrind dumps for instructions), write the data files behind
# docs/PERFORMANCE.md and its plots, and rewrite the tables between the
# "<!-- perf-report:NAME -->" and "<!-- /perf-report:NAME -->" markers.
#
# usage: perf-report.py RAW_DIR DATA_DIR PERFORMANCE_MD REVISION
import glob
import os
import re
import statistics
import subprocess
import sys

ROW = re.compile(r"^(?!#)(.+?)\s*\|\s*(\d+)\s*\|\s*([\d.]+)\s*\|\s*(\S+)\s*$")
MEMORY = re.compile(r"^memory N=(\d+) (\w+): ([\d.]+) bytes per function "
                    r"in ([\d.]+) allocations")

ANNOTATE = re.compile(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+(\S+?):(\S+)")

TARGET_ACCESS = 150
TARGET_COMMAND = 300
TARGET_BOOT = 5000
TARGET_GROWTH = 1.5


def rows_of(path):
    """label -> (operations, ns per operation) of one benchmark output."""
    rows = {}
    with open(path) as f:
        for line in f:
            m = ROW.match(line.rstrip("\n"))
            if m:
                rows[m.group(1).strip()] = (int(m.group(2)),
                                            float(m.group(3)))
    return rows


def memory_of(path):
    mem = {}
    with open(path) as f:
        for line in f:
            m = MEMORY.match(line)
            if m:
                mem[(int(m.group(1)), m.group(2))] = (float(m.group(3)),
                                                      float(m.group(4)))
    return mem


def annotate(path):
    """(file, function, own instructions) of one callgrind dump."""
    out = subprocess.run(["callgrind_annotate", "--inclusive=no",
                          "--threshold=100", "--auto=no", path],
                         capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        m = ANNOTATE.match(line)
        # The benchmark's own frames and the C start-up are callers
        # that callgrind lists with the whole cost: not what is asked.
        if not m or "tests/bench/" in m.group(2) or \
                "below main" in m.group(3) or "libc_start" in m.group(3) \
                or m.group(3).startswith("0x"):
            continue
        rows.append((m.group(2), m.group(3).split(".")[0],
                     int(m.group(1).replace(",", ""))))
    return rows


PLATFORM = "tests/fake_platform.c"


def platform_cost(path):
    """Instructions of one callgrind dump spent in platform operations:
    every call from outside tests/fake_platform.c into it, with all that
    the call ran (its inclusive cost). The platform is the integrator's
    (config access to the hardware, mapping, allocation): the allocator
    behind the fake's zalloc is the platform's, not the core's."""
    fl = cfl = pending = None
    total = 0
    with open(path) as f:
        for line in f:
            if line.startswith("fl="):
                fl, cfl = line[3:].strip(), None
            elif line.startswith("fn="):
                cfl = None
            elif line.startswith(("cfl=", "cfi=")):
                cfl = line[4:].strip()
            elif line.startswith("calls="):
                # A callee without cfl= is in the caller's file.
                pending = cfl if cfl is not None else fl
            elif pending is not None and line[:1] and \
                    (line[0].isdigit() or line[0] in "+-*"):
                # The line after calls=: the call's inclusive cost.
                parts = line.split()
                if len(parts) > 1 and PLATFORM in pending and \
                        PLATFORM not in (fl or ""):
                    total += int(parts[1])
                pending = cfl = None
    return total


def dumps_of(cg_dir):
    """label -> (instructions of the loop, of them in platform
    operations), from callgrind's dumps."""
    instr = {}
    for path in glob.glob(os.path.join(cg_dir, "out.*")):
        label = total = None
        with open(path) as f:
            for line in f:
                if line.startswith("desc: Trigger: Client Request: "):
                    label = line.split(": ", 3)[3].strip()
                elif line.startswith("totals:"):
                    total = int(line.split()[1])
        if label is not None and total is not None:
            instr[label] = (total, platform_cost(path))
    return instr


def collect(raw, name):
    """label -> {ns, instr} for one benchmark's runs (NaN where a run
    did not have the row)."""
    natives = [rows_of(p)
               for p in sorted(glob.glob(f"{raw}/{name}.native.*.txt"))]
    cg_rows = rows_of(f"{raw}/{name}.cg.txt")
    instr = dumps_of(f"{raw}/{name}.cg")
    labels = list(cg_rows)
    for n in natives:
        labels += [label for label in n if label not in labels]
    out = {}
    for label in labels:
        ns = [n[label][1] for n in natives if label in n]
        ops = cg_rows[label][0] if label in cg_rows else 0
        have = ops and label in instr
        out[label] = {
            "ns": statistics.median(ns) if ns else float("nan"),
            "instr": instr[label][0] / ops if have else float("nan"),
            "core": (instr[label][0] - instr[label][1]) / ops if have
            else float("nan"),
        }
    return out


# Per-access figures are judged as printed, in whole instructions: the
# measured loop's own start and end (the dump's client request) leave a
# fraction of an instruction per access that is not the access's.


def fmt(x, digits=0):
    if x != x:  # NaN
        return "n/a"
    return f"{x:,.{digits}f}".replace(",", " ")


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |",
             "| " + " | ".join(["---"] + ["---:"] * (len(header) - 1))
             + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def access_section(raw, data):
    acc = collect(raw, "access")
    kinds = [label[len("hwdom "):] for label in acc
             if label.startswith("hwdom ")]
    rows = []
    with open(f"{data}/access.tsv", "w") as f:
        f.write("# access\thwdom_instr\tguest_instr\thwdom_core\t"
                "guest_core\thwdom_ns\tguest_ns\n")
        for label in acc:
            if label.startswith("floor"):
                a = acc[label]
                rows.append([label, fmt(a["instr"]), fmt(a["core"]),
                             fmt(a["ns"], 1), "", "", ""])
                f.write(f'"{label}"\t{a["instr"]:.1f}\t{a["instr"]:.1f}\t'
                        f'{a["core"]:.1f}\t{a["core"]:.1f}\t{a["ns"]:.1f}'
                        f'\t{a["ns"]:.1f}\n')
        for k in kinds:
            h, g = acc[f"hwdom {k}"], acc[f"guest {k}"]
            rows.append([k, fmt(h["instr"]), fmt(h["core"]), fmt(h["ns"], 1),
                         fmt(g["instr"]), fmt(g["core"]), fmt(g["ns"], 1)])
            f.write(f'"{k}"\t{h["instr"]:.1f}\t{g["instr"]:.1f}\t'
                    f'{h["core"]:.1f}\t{g["core"]:.1f}\t'
                    f'{h["ns"]:.1f}\t{g["ns"]:.1f}\n')
    text = table(["access (4 bytes)", "hwdom: instructions",
                  "hwdom: without the platform", "hwdom: ns",
                  "guest: instructions", "guest: without the platform",
                  "guest: ns"], rows)
    return text, acc


DWORD = re.compile(r"^(hwdom|guest) (ECAM )?(read|write) +dword "
                   r"0x([0-9a-f]+)$")


def dword_section(raw, data):
    """bench_access --each-dword: every dword on its own, per domain and
    direction; the worst dword, how many are above the target, and a
    data file for the per-offset plot. {} when it was not run."""
    if not os.path.exists(f"{raw}/dwords.cg.txt"):
        return "(not measured)", {}
    acc = collect(raw, "dwords")
    by = {}
    for label, v in acc.items():
        m = DWORD.match(label)
        if m and v["core"] == v["core"]:
            who = m.group(1) + (" ECAM" if m.group(2) else "")
            by.setdefault((who, m.group(3)), {})[int(m.group(4), 16)] = v
    rows, every = [], {}
    for (who, op), d in sorted(by.items()):
        w = max(d, key=lambda r: d[r]["core"])
        # The command dword's write is a command write: its own target.
        over = sorted(r for r in d if round(d[r]["core"]) > (
            TARGET_COMMAND if (op, r) == ("write", 4) else TARGET_ACCESS))
        every.update((f"{who} {op} dword 0x{r:03x}", v)
                     for r, v in d.items())
        rows.append([f"{who} {op}", fmt(len(d)), f"0x{w:03x}",
                     fmt(d[w]["core"]), fmt(d[w]["instr"]),
                     fmt(statistics.median(v["core"] for v in d.values())),
                     ", ".join(f"0x{r:03x}" for r in over) or "none"])
    offsets = sorted(set(r for d in by.values() for r in d))
    cols = [(w, o) for w in ("hwdom", "hwdom ECAM", "guest", "guest ECAM")
            for o in ("read", "write")]
    with open(f"{data}/access-dwords.tsv", "w") as f:
        f.write("# offset\t" + "\t".join(
            f"{w.replace(' ', '_')}_{o}_core" for w, o in cols)
                + "\n")
        for r in offsets:
            f.write(f"{r}\t" + "\t".join(
                f'{by.get(c, {}).get(r, {"core": float("nan")})["core"]:.1f}'
                for c in cols) + "\n")
    return table(["accesses (4 bytes)", "dwords",
                  "worst dword", "its instructions without the platform",
                  "with the platform", "median dword",
                  f"dwords above {TARGET_ACCESS} (a command write: "
                  f"{TARGET_COMMAND})"], rows), every


def scale_section(raw, data):
    sizes = sorted(int(p.split("-")[-1].split(".")[0])
                   for p in glob.glob(f"{raw}/scale-*.cg.txt"))
    boot_rows, toggle_rows, mem_rows = [], [], []
    per_n = {}
    with open(f"{data}/scale.tsv", "w") as f:
        f.write("# N\tcold_boot_instr_per_fn\twarm_boot_instr_per_fn\t"
                "add\thwdom\tenable\ttoggle_instr\tcold_boot_ns_per_fn\t"
                "warm_boot_ns_per_fn\tbytes_per_fn\tcold_core_per_fn\n")
        for n in sizes:
            s = collect(raw, f"scale-{n}")
            if f"boot add N={n} cold" not in s:
                continue  # that run did not finish
            mem = memory_of(f"{raw}/scale-{n}.cg.txt")
            nan = {"ns": float("nan"), "instr": float("nan")}
            phase = {(p, h): s.get(f"boot {p} N={n} {h}", nan)
                     for p in ("add", "hwdom", "enable")
                     for h in ("cold", "warm")}
            tot = {h: sum(phase[(p, h)]["instr"]
                          for p in ("add", "hwdom", "enable"))
                   for h in ("cold", "warm")}
            core = sum(phase[(p, "cold")]["core"]
                       for p in ("add", "hwdom", "enable"))
            ns = {h: sum(phase[(p, h)]["ns"]
                         for p in ("add", "hwdom", "enable"))
                  for h in ("cold", "warm")}
            tog = {h: s.get(f"toggle N={n} {h}", nan)
                   for h in ("cold", "warm")}
            per_n[n] = (tot, tog, core)
            bytes_fn, allocs_fn = mem.get((n, "warm"),
                                          mem.get((n, "cold"),
                                                  (float("nan"),) * 2))
            f.write(f"{n}\t{tot['cold']:.1f}\t{tot['warm']:.1f}\t"
                    f"{phase[('add', 'cold')]['instr']:.1f}\t"
                    f"{phase[('hwdom', 'cold')]['instr']:.1f}\t"
                    f"{phase[('enable', 'cold')]['instr']:.1f}\t"
                    f"{tog['cold']['instr']:.1f}\t{ns['cold']:.1f}\t"
                    f"{ns['warm']:.1f}\t{bytes_fn:.1f}\t{core:.1f}\n")
            boot_rows.append([
                fmt(n), fmt(tot["cold"] * n), fmt(tot["cold"]), fmt(core),
                fmt(phase[("add", "cold")]["instr"]),
                fmt(phase[("hwdom", "cold")]["instr"]),
                fmt(phase[("enable", "cold")]["instr"]),
                fmt(tot["warm"]), fmt(ns["cold"]), fmt(ns["warm"])])
            toggle_rows.append([fmt(n), fmt(tog["cold"]["instr"]),
                                fmt(tog["cold"]["core"]),
                                fmt(tog["warm"]["instr"]),
                                fmt(tog["warm"]["ns"])])
            mem_rows.append([fmt(n), fmt(bytes_fn), fmt(allocs_fn, 2)])
    boot = table(["N", "cold: instructions", "cold: per function",
                  "cold: per function without the platform", "add", "hwdom create", "decode enable",
                  "warm: per function", "cold: ns per function",
                  "warm: ns per function"], boot_rows)
    toggle = table(["N", "cold heap: instructions per write",
                    "cold heap: without the platform",
                    "warm heap: instructions per write",
                    "warm heap: ns per write"], toggle_rows)
    memory = table(["N", "bytes per function", "allocations per function"],
                   mem_rows)
    return boot, toggle, memory, per_n


def msix_section(raw, data):
    rows = []
    with open(f"{data}/msix.tsv", "w") as f:
        f.write("# devices\tconfig_write_instr\tmsix_write_instr\n")
        for p in sorted(glob.glob(f"{raw}/msix-*.cg.txt"),
                        key=lambda p: int(p.split("-")[-1].split(".")[0])):
            n = int(p.split("-")[-1].split(".")[0])
            m = collect(raw, f"msix-{n}")
            cfg = next(v for k, v in m.items() if k.startswith("config"))
            msix = next(v for k, v in m.items() if k.startswith("MSI-X"))
            f.write(f"{n}\t{cfg['instr']:.1f}\t{msix['instr']:.1f}\n")
            rows.append([fmt(n), fmt(cfg["instr"]), fmt(msix["instr"]),
                         fmt(cfg["ns"], 1), fmt(msix["ns"], 1)])
    return table(["MSI-X devices in the guest", "config write: instructions",
                  "MSI-X table write: instructions", "config write: ns",
                  "MSI-X table write: ns"], rows)


def sriov_section(raw):
    """bench_sriov: instructions per VF of a VF Enable + Disable cycle and
    of a VF MSE off + on, per K (VFs) and N (other functions)."""
    if not os.path.exists(f"{raw}/sriov.cg.txt"):
        return "(not measured)"
    m = collect(raw, "sriov")
    cases = {}
    for label, v in m.items():
        g = re.match(r"(cycle|mse) K=(\d+) N=(\d+)", label)
        if g:
            k, n = int(g.group(2)), int(g.group(3))
            cases.setdefault((n, k), {})[g.group(1)] = v["instr"] / k
    rows = [[fmt(k), fmt(n), fmt(c.get("cycle", float("nan"))),
             fmt(c.get("mse", float("nan")))]
            for (n, k), c in sorted(cases.items())]
    return table(["K VFs", "N other functions",
                  "cycle: instructions per VF",
                  "MSE off + on: instructions per VF"], rows)


def targets_section(acc, per_n, dwords):
    """Each target, judged on the core's instructions (the platform's
    operations taken out), with the whole count beside."""
    config = {k: v for k, v in acc.items()
              if not k.startswith("floor") and "MSI-X table" not in k}
    command = {k: v for k, v in config.items() if "write command" in k}
    others = {k: v for k, v in config.items() if k not in command}
    # Every dword on its own, where measured; the command dword's write
    # is judged as a command write.
    for k, v in dwords.items():
        if k.endswith("write dword 0x004"):
            command[k] = v
        else:
            others[k] = v
    worst = max(others, key=lambda k: others[k]["core"])
    worst_cmd = max(command, key=lambda k: command[k]["core"])
    over = sorted(k for k, v in others.items()
                  if round(v["core"]) > TARGET_ACCESS)

    def verdict(ok):
        return "met" if ok else "**missed**"

    def both(v):
        return f"{fmt(v['core'])} ({fmt(v['instr'])} with the platform)"

    rows = [["4-byte config access, lookup included, every row and "
             "every dword",
             f"≤ {TARGET_ACCESS}",
             f"worst {both(others[worst])}: {worst}; "
             f"{len(over)} of {len(others)} rows above",
             verdict(not over)],
            ["command write leaving decoding alone", f"≤ {TARGET_COMMAND}",
             f"worst {both(command[worst_cmd])}: {worst_cmd}",
             verdict(round(command[worst_cmd]["core"]) <= TARGET_COMMAND)]]
    if 4096 in per_n:
        tot, _, core = per_n[4096]
        rows.append(["hwdom boot per function, N = 4 096 (cold heap)",
                     f"≤ {TARGET_BOOT}",
                     f"{fmt(core)} ({fmt(tot['cold'])} with the platform)",
                     verdict(core <= TARGET_BOOT)])
    lo, hi = min(per_n), max(per_n)
    growth = per_n[hi][2] / per_n[lo][2]
    rows.append([f"boot per function, growth N = {fmt(lo)} → {fmt(hi)}",
                 f"≤ {TARGET_GROWTH}×", f"{growth:.2f}×",
                 verdict(growth <= TARGET_GROWTH)])
    return table(["target", "wanted", "measured (core instructions)", ""],
                 rows)


def profile(raw, name, label, ops, top=8):
    """Where one row's instructions go: the functions (core, fake
    platform, libc) by their own (exclusive) cost, per operation."""
    path = None
    for p in glob.glob(os.path.join(f"{raw}/{name}.cg", "out.*")):
        with open(p) as f:
            if any(line.strip() == f"desc: Trigger: Client Request: {label}"
                   for line in f):
                path = p
                break
    if not path:
        return None
    cost = {}
    for file, func, c in annotate(path):
        lib = "/src/" not in file and "tests/" not in file
        where = ("libc " if lib else os.path.basename(file) + ": ") + func
        cost[where] = cost.get(where, 0) + c
    rows = sorted(cost.items(), key=lambda kv: -kv[1])[:top]
    return [[w, fmt(c / ops)] for w, c in rows]


def profile_section(raw, sizes):
    picks = [("access", "hwdom read  command (0x04)"),
             ("access", "hwdom write command (0x04)"),
             ("access", "guest read  BAR0 (0x10)")]
    n = 4096 if 4096 in sizes else max(sizes)
    picks += [(f"scale-{n}", f"boot hwdom N={n} cold"),
              (f"scale-{n}", f"boot enable N={n} cold")]
    parts = []
    for name, label in picks:
        cg_rows = rows_of(f"{raw}/{name}.cg.txt")
        if label not in cg_rows:
            continue
        rows = profile(raw, name, label, cg_rows[label][0])
        if rows:
            parts.append(f"**{label}** (instructions per operation, each "
                         f"function's own):\n\n" +
                         table(["function", "instructions"], rows))
    return "\n\n".join(parts)


def replace_block(text, name, body):
    start, end = f"<!-- perf-report:{name} -->", f"<!-- /perf-report:{name} -->"
    pat = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if not pat.search(text):
        sys.exit(f"perf-report.py: no {start} block in the document")
    return pat.sub(lambda _: f"{start}\n{body}\n{end}", text)


def main():
    raw, data, doc, rev = sys.argv[1:5]
    access, acc = access_section(raw, data)
    boot, toggle, memory, per_n = scale_section(raw, data)
    msix = msix_section(raw, data)
    dwords, every_dword = dword_section(raw, data)
    targets = targets_section(acc, per_n, every_dword)
    where = profile_section(raw, sorted(per_n))
    sriov = sriov_section(raw)
    with open(doc) as f:
        text = f.read()
    for name, body in (("access", access), ("dwords", dwords),
                       ("boot", boot),
                       ("toggle", toggle), ("memory", memory),
                       ("msix", msix), ("targets", targets),
                       ("profile", where), ("sriov", sriov),
                       ("revision", f"Figures from revision `{rev}`.")):
        text = replace_block(text, name, body)
    with open(doc, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
