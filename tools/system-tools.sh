#!/usr/bin/env bash
# The programs tests drive that Debian packages: zsh and fish (shell completion) and kubectl
# (the kubectl plugin; the machine image may already have one). Installed only when missing.
set -euo pipefail
missing=()
command -v zsh >/dev/null || missing+=(zsh)
command -v fish >/dev/null || missing+=(fish)
command -v kubectl >/dev/null || missing+=(kubernetes-client)
if ((${#missing[@]})); then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi
