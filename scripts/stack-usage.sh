#!/usr/bin/env bash
# Worst-case stack use of the core's public entry points for one target,
# from GCC's own numbers: every core file is compiled as a hypervisor would
# (-O2 -ffreestanding) with -fstack-usage (each function's frame) and
# -fcallgraph-info=su (who calls whom, after inlining), and the deepest
# chain of frames below each entry point is summed.
#
# Indirect calls are of two kinds, told apart by the call site's text:
# into the platform (`ops->...`, map/unmap through `host->ctx`), which run
# the integrator's code and count 0 here, and inside the core (register
# handlers, visitors): the pointer's declared `..._fn` type names the
# candidates, every core function of that signature used as a value, and
# the deepest of them counts: an upper bound. Recursion is an error.
#
# usage: scripts/stack-usage.sh [--max BYTES] [CC [CC_ARGS...]] (default gcc)
#   --max: fail when an entry point's deepest chain is above BYTES
#   e.g. scripts/stack-usage.sh s390x-linux-gnu-gcc
#        scripts/stack-usage.sh gcc -fno-pic -mno-sse -mcmodel=kernel
set -eu -o pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
max=0
if [ "${1:-}" = --max ]; then max=$2; shift 2; fi
[ $# -gt 0 ] || set -- gcc
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for f in "$root"/src/core/*.c; do
	"$@" -std=gnu11 -ffreestanding -nostdlib -fno-stack-protector -O2 \
		-I"$root/include" -I"$root/src/core" -fstack-usage \
		-fcallgraph-info=su -c "$f" -o "$tmp/$(basename "$f" .c).o"
done

python3 - "$root" "$tmp" "$*" "$max" <<'PY'
import glob, os, re, sys

root, tmp, cc, limit = sys.argv[1:4] + [int(sys.argv[4])]
frame, dynamic, edges = {}, set(), {}
node_re = re.compile(r'node: \{ title: "([^"]+)" label: "[^\\]*\\n([^"]*)"')
edge_re = re.compile(
    r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)" label: "([^"]+)"')
for ci in glob.glob(os.path.join(tmp, '*.ci')):
    for line in open(ci):
        m = node_re.match(line)
        if m:
            size = re.search(r'(\d+) bytes \(([^)]*)\)', m.group(2))
            if size:
                frame[m.group(1)] = int(size.group(1))
                # 'dynamic,bounded' (pushes for calls on i686) is still
                # a bound; plain 'dynamic' (alloca, VLAs) is not.
                if 'bounded' not in size.group(2) and size.group(2) != 'static':
                    dynamic.add(m.group(1))
            continue
        m = edge_re.match(line)
        if m:
            edges.setdefault(m.group(1), []).append((m.group(2), m.group(3)))

def plain(name):
    return name.rsplit(':', 1)[-1]

files = sorted(glob.glob(root + '/src/core/*.[ch]') +
               glob.glob(root + '/include/vpci/*.h'))
text = {f: open(f).read() for f in files}
everything = '\n'.join(text.values())

def signature(ret, params):
    """Types only, e.g. 'int(void*,struct vpci_dev*)'."""
    types = []
    for p in params.split(','):
        p = ' '.join(p.split())
        if re.search(r'[\s*]\w+$', p):
            p = re.sub(r'\w+$', '', p).strip()  # drop the parameter's name
        types.append(p.replace(' *', '*').replace('* ', '*'))
    ret = [w for w in ret.split() if w not in ('static', 'inline')]
    return ' '.join(ret) + '(' + ','.join(types) + ')'

typedefs = {m.group(2): signature(m.group(1), m.group(3)) for m in re.finditer(
    r'typedef\s+([\w\s*]+?)\s*\b(\w+_fn)\s*\(([^)]*)\)\s*;', everything)}

# Functions used as values (handlers, visitors): a mention of the name not
# followed by a call's '('; each one's signature from its definition.
taken = {}
for n in frame:
    name = re.escape(plain(n))
    if not re.search(r'\b%s\b\s*[,;:)}]' % name, everything):
        continue
    d = re.search(r'^(?:static\s+)?([\w\s*]+?)\s*\b%s\(([^)]*)\)\s*\{' % name,
                  everything, re.M)
    if d:
        taken[n] = signature(d.group(1), d.group(2))

def site(label):
    path, line, _col = label.rsplit(':', 2)
    return text.get(path, '').split('\n'), int(line)

def into_platform(label):
    lines, line = site(label)
    return 'ops->' in lines[line - 1] or '->ctx' in lines[line - 1]

def pointer_type(label):
    """The `..._fn` typedef the called pointer is declared with: the
    nearest declaration of that name above the call in its file, else one
    in a header (a struct field)."""
    lines, line = site(label)
    for name in reversed(re.findall(r'(\w+)\s*\(', lines[line - 1])):
        decl = re.compile(r'\b(\w+_fn)\s*\*\s*%s\b' % name)
        for prev in reversed(lines[:line]):
            m = decl.search(prev)
            if m:
                return m.group(1)
        for f in files:
            m = decl.search(text[f]) if f.endswith('.h') else None
            if m:
                return m.group(1)
    return None

memo = {}
def deepest(name, stack=()):
    """(bytes, chain) of the deepest path starting in name."""
    if name in stack:
        sys.exit('recursion: ' + ' -> '.join(map(plain, stack + (name,))))
    if name in memo:
        return memo[name]
    best, chain = 0, []
    for callee, label in edges.get(name, []):
        if callee == '__indirect_call':
            if into_platform(label):
                continue
            t = pointer_type(label)
            if t not in typedefs:
                sys.exit('cannot type the indirect call at ' + label)
            cands = [n for n, sig in taken.items() if sig == typedefs[t]]
            cost, sub = max((deepest(c, stack + (name,)) for c in cands),
                            default=(0, []))
            sub = ['(%s)' % t] + sub
        elif callee in frame:
            cost, sub = deepest(callee, stack + (name,))
        else:
            continue  # defined in no core file: memcpy and friends
        if cost > best:
            best, chain = cost, sub
    memo[name] = (frame.get(name, 0) + best, [name] + chain)
    return memo[name]

public = set()
for h in glob.glob(root + '/include/vpci/*.h'):
    public |= set(re.findall(r'\b(vpci_\w+)\s*\(', text[h]))
entries = sorted(n for n in frame if n in public)

print('stack use per public entry point: %s -O2 -ffreestanding' % cc)
print('%-30s %5s %6s  %s' % ('entry point', 'frame', 'depth',
                             'deepest chain (frame bytes)'))
over = []
for n in entries:
    total, chain = deepest(n)
    if limit and total > limit:
        over.append('%s %d' % (n, total))
    print('%-30s %5d %6d  %s' % (n, frame[n], total, ' > '.join(
        '%s %d' % (plain(c), frame[c]) if c in frame else c for c in chain)))
big = sorted(frame.items(), key=lambda kv: -kv[1])[:5]
print('largest frames: ' + ', '.join('%s %d' % (plain(n), s) for n, s in big))
if dynamic:
    print('frames of unbounded size: ' + ', '.join(sorted(map(plain, dynamic))))
    sys.exit(1)
if over:
    sys.exit('deeper than %d bytes: %s' % (limit, ', '.join(over)))
PY
