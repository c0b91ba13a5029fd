#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install the Debian 12 packages that building and testing need: the
# toolchain (gcc; its libgcc-12-dev pulls in libasan8 and libubsan1, which
# is all the sanitizer build needs), meson and ninja, the libraries (GLib,
# json-glib, libfdt), Python 3 for the functional tests, and what
# scripts/install-linux-headers.sh uses (dpkg-deb, the archive keyring).
#
# Only missing packages are installed, and 'apt-get update' runs only if
# something is missing.  Runs as root, or through sudo when not root.
#
# Usage: scripts/install-deps.sh

set -eu

packages="
    meson
    ninja-build
    pkg-config
    gcc
    libc6-dev
    libgcc-12-dev
    libglib2.0-dev
    libjson-glib-dev
    libfdt-dev
    device-tree-compiler
    python3
    dpkg
    apt
    debian-archive-keyring
    ca-certificates
"

say() {
    echo "install-deps: $*"
}

command -v dpkg-query >/dev/null 2>&1 || {
    echo "install-deps: error: not a Debian-based system (no dpkg-query);" \
         "install the equivalent of:" $packages >&2
    exit 1
}

is_installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

missing=
for p in $packages; do
    is_installed "$p" || missing="$missing $p"
done

if [ -z "$missing" ]; then
    say "all build and test dependencies are installed"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=
elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo -n"
    # -n: never prompt (CI has no stdin); fall back to a prompting sudo
    # only when a terminal is there to answer it.
    if ! sudo -n true 2>/dev/null && [ -t 0 ]; then
        as_root=sudo
    fi
else
    echo "install-deps: error: missing packages:$missing" >&2
    echo "install-deps: run this script as root (sudo is not available)" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
say "installing:$missing"
$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
# shellcheck disable=SC2086
$as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends $missing
say "done"
