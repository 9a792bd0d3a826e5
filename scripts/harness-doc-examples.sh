#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The examples of docs/harness.md come from real runs: every fenced block
# marked ```console is a transcript, "$ COMMAND" lines followed by what the
# command printed (stdout and stderr as a terminal shows them). This script
# runs the commands of each such block in order, in one shell, from a
# scratch directory where tests/ and docs/ are the repository's, with the
# built vpci-harness first in PATH, and rebuilds the transcripts.
#
#   harness-doc-examples.sh --check  BUILD_DIR [DOC]   differ: exit 1, diff
#   harness-doc-examples.sh --update BUILD_DIR [DOC]   rewrite DOC
#
# Other blocks (a terminal session, a FUSE mount, this machine's capture)
# are kept as written.
set -u
mode=${1:-}
build=${2:-}
src=$(cd "$(dirname "$0")/.." && pwd)
doc=${3:-$src/docs/harness.md}
if [ "$mode" != --check ] && [ "$mode" != --update ] || [ ! -d "$build" ]; then
	echo "usage: $0 --check|--update BUILD_DIR [DOC]" >&2
	exit 2
fi
build=$(cd "$build" && pwd)
if [ ! -x "$build/src/harness/vpci-harness" ]; then
	echo "$0: $build/src/harness/vpci-harness: not built" >&2
	exit 2
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/vpci-doc.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
ln -s "$src/tests" "$scratch/tests"
ln -s "$src/docs" "$scratch/docs"

# One block's commands as a script that prints "$ COMMAND" before each
# command's output; $? carries over from command to command.
block_script() {
	echo '__rc=0'
	while IFS= read -r cmd; do
		printf 'printf "%%s\\n" %q\n' "\$ $cmd"
		printf '(exit $__rc); { %s\n} 2>&1; __rc=$?\n' "$cmd"
	done
}

new=$scratch/new.md
in_block=false
while IFS= read -r line || [ -n "$line" ]; do
	if ! $in_block; then
		echo "$line"
		if [ "$line" = '```console' ]; then
			in_block=true
			: >"$scratch/cmds"
		fi
		continue
	fi
	if [ "$line" = '```' ]; then
		block_script <"$scratch/cmds" >"$scratch/block.sh"
		# Line-buffered, so stdout and stderr interleave as on a
		# terminal; C locale for stable messages.
		(cd "$scratch" && PATH="$build/src/harness:$PATH" LC_ALL=C \
			stdbuf -oL -eL bash "$scratch/block.sh") </dev/null
		echo "$line"
		in_block=false
	elif [ "${line#\$ }" != "$line" ]; then
		printf '%s\n' "${line#\$ }" >>"$scratch/cmds"
	fi
done <"$doc" >"$new"

if [ "$mode" = --update ]; then
	cp "$new" "$doc"
	exit 0
fi
if ! diff -u "$doc" "$new" >"$scratch/diff"; then
	echo "$doc: examples differ from real runs (run $0 --update $build):" >&2
	head -60 "$scratch/diff" >&2
	exit 1
fi
echo "docs: $(grep -c '^```console$' "$doc") transcripts match real runs"
