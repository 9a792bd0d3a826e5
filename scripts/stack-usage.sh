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
# handlers, visitors): for a structure field (`r->write(`) every core
# function of the field's `..._fn` type is a candidate; for a pointer
# variable or parameter (`fn(`), those of that type that the callers on
# the chain passed as arguments. The deepest candidate counts: an upper
# bound. Recursion is an error.
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
    r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"(?: label: "([^"]+)")?')
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
    """(typedef, is_field) of the called pointer: `x->f(` is a field, any
    core function of its type may be there; a plain `fn(` is a variable
    or parameter, holding what the callers passed (see call_args). Its
    `..._fn` type is the nearest declaration of the name above the call,
    else one in a header."""
    lines, line = site(label)
    for m in reversed(list(re.finditer(r'(->|\.)?\s*(\w+)\s*\(', lines[line - 1]))):
        name = m.group(2)
        decl = re.compile(r'\b(\w+_fn)\s*\*\s*%s\b' % name)
        for prev in reversed(lines[:line]):
            d = decl.search(prev)
            if d:
                return d.group(1), bool(m.group(1))
        for f in files:
            d = decl.search(text[f]) if f.endswith('.h') else None
            if d:
                return d.group(1), bool(m.group(1))
    return None, False

def call_args(label):
    """The text of a call's arguments, from its site to the closing ')'."""
    lines, line = site(label)
    rest = '\n'.join(lines[line - 1:line + 8])
    start = rest.find('(')
    depth = 0
    for i in range(start, len(rest)):
        depth += {'(': 1, ')': -1}.get(rest[i], 0)
        if depth == 0:
            return rest[start:i + 1]
    return rest[start:]

def passed(label, ctx):
    """The core functions a call hands on as arguments: those it names,
    and what its caller was given when it forwards a pointer variable. A
    call GCC made itself (to a function's split-off part) has no site:
    it hands on everything."""
    if label is None:
        return ctx
    args = call_args(label)
    got = {n for n in taken if re.search(r'\b%s\b' % re.escape(plain(n)), args)}
    path = label.rsplit(':', 2)[0]
    for v in re.findall(r'\b(\w+)\b', args):
        if re.search(r'\b\w+_fn\s*\*\s*%s\b' % v, text.get(path, '')):
            got |= ctx
    return frozenset(got)

memo = {}
def deepest(name, ctx=frozenset(), stack=()):
    """(bytes, chain) of the deepest path starting in name, called with
    the core functions in ctx as its function-pointer arguments."""
    if name in stack:
        sys.exit('recursion: ' + ' -> '.join(map(plain, stack + (name,))))
    if (name, ctx) in memo:
        return memo[name, ctx]
    best, chain = 0, []
    for callee, label in edges.get(name, []):
        if callee == '__indirect_call':
            if into_platform(label):
                continue
            t, field = pointer_type(label)
            if t not in typedefs:
                sys.exit('cannot type the indirect call at ' + label)
            cands = [n for n, sig in taken.items() if sig == typedefs[t]
                     and (field or n in ctx)]
            cost, sub = max((deepest(c, frozenset(), stack + (name,))
                             for c in cands), default=(0, []))
            sub = ['(%s)' % t] + sub
        elif callee in frame:
            cost, sub = deepest(callee, passed(label, ctx), stack + (name,))
        else:
            continue  # defined in no core file: memcpy and friends
        if cost > best:
            best, chain = cost, sub
    memo[name, ctx] = (frame.get(name, 0) + best, [name] + chain)
    return memo[name, ctx]

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
