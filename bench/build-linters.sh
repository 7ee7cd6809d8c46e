#!/usr/bin/env bash
# Build or install the linters bench/review_corpus.py compares pod-advisor with, into
# bench/tools/ (gitignored). Measurement only: not part of CI, and no test needs them.
#
#   bash bench/build-linters.sh          # kube-score and kube-linter from the Go module proxy, Checkov from PyPI
#
# Each tool is tried on its own; one that its registry does not serve is reported and
# skipped (the benchmark then says "not installed"), the others are still built.
# Versions are pinned so that the before/after numbers compare the same tools.
set -uo pipefail
cd "$(dirname "$0")"
BIN="$PWD/tools/bin"
mkdir -p "$BIN"

KUBE_SCORE=github.com/zegl/kube-score/cmd/kube-score@v1.20.0
KUBE_LINTER=golang.stackrox.io/kube-linter/cmd/kube-linter@v0.7.6
CHECKOV=checkov==3.3.30

status=0
go_tool() {  # NAME PACKAGE@VERSION
    local name=$1 package=$2
    if [ -x "$BIN/$name" ]; then echo "$name: already built ($BIN/$name)"; return; fi
    echo "$name: go install $package"
    if GOBIN="$BIN" GOFLAGS=-buildvcs=false nice go install "$package" 2>"$BIN/.$name.err"; then
        echo "$name: built $BIN/$name"
    elif grep -qE '403|404|not available|not permitted' "$BIN/.$name.err"; then
        echo "$name: not served by the Go module proxy here ($(grep -m1 -oE '403 Forbidden|404 Not Found|not permitted[^.]*|not available' "$BIN/.$name.err")); skipped"
    else
        echo "$name: build failed:"; cat "$BIN/.$name.err"; status=1
    fi
}

go_tool kube-score "$KUBE_SCORE"
go_tool kube-linter "$KUBE_LINTER"

# Checkov has hundreds of dependencies: a venv of its own keeps them out of the project's.
if [ -x "$BIN/checkov" ]; then
    echo "checkov: already installed ($BIN/checkov)"
else
    echo "checkov: pip install $CHECKOV into tools/checkov-venv"
    python3 -m venv tools/checkov-venv \
        && nice tools/checkov-venv/bin/pip install -q "$CHECKOV" \
        && ln -sf ../checkov-venv/bin/checkov "$BIN/checkov" \
        && echo "checkov: installed $BIN/checkov" \
        || { echo "checkov: install failed"; status=1; }
fi
exit $status
