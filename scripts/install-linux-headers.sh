#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install a recent set of Linux uAPI headers into linux-headers/usr/include
# (git-ignored) for machines whose system headers predate the iommufd
# vIOMMU/vEVENTQ ioctls (architecture decision D2: the headers come from a
# distribution package, never from text committed to this repository).
#
# It downloads Debian's linux-libc-dev from a newer suite (sid or
# trixie-backports, whichever has the highest version) with a private apt
# configuration kept in linux-headers/.cache/: the machine's own apt
# sources, lists and dpkg state are left untouched.  The mirror is the one
# the machine already uses, read from its apt sources at run time.
#
# Usage: scripts/install-linux-headers.sh [--force]
#   --force   download and reinstall even if the headers are already good

set -eu

srcdir=$(cd "$(dirname "$0")/.." && pwd)
dest="$srcdir/linux-headers/usr/include"
cache="$srcdir/linux-headers/.cache"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
suites="sid trixie-backports"
pkg=linux-libc-dev

force=no
for arg in "$@"; do
    case "$arg" in
    --force) force=yes ;;
    -h|--help)
        sed -n '4,17p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "install-linux-headers.sh: unknown option '$arg'" >&2
        exit 1
        ;;
    esac
done

say() {
    echo "install-linux-headers: $*"
}

die() {
    echo "install-linux-headers: error: $*" >&2
    exit 1
}

# True if directory $1 holds headers with everything the build needs.
headers_good() {
    [ -f "$1/linux/iommufd.h" ] && [ -f "$1/linux/vfio.h" ] &&
        grep -q 'IOMMU_VIOMMU_ALLOC' "$1/linux/iommufd.h" &&
        grep -q 'IOMMU_VDEVICE_ALLOC' "$1/linux/iommufd.h" &&
        grep -q 'IOMMU_VEVENTQ_ALLOC' "$1/linux/iommufd.h" &&
        grep -q 'VFIO_DEVICE_BIND_IOMMUFD' "$1/linux/vfio.h"
}

if [ "$force" = no ] && headers_good "$dest"; then
    say "headers already present in $dest ($(cat "$srcdir/linux-headers/.cache/version" 2>/dev/null || echo 'version unknown'))"
    exit 0
fi

for tool in apt-get dpkg-deb; do
    command -v "$tool" >/dev/null 2>&1 ||
        die "'$tool' not found: this script needs a Debian-based system"
done
[ -r "$keyring" ] ||
    die "$keyring is missing: install the debian-archive-keyring package"

# The mirror(s) this machine already uses for Debian.  deb822 stanzas in
# sources.list.d/*.sources first, then one-line 'deb' entries.  Stanzas and
# lines that only carry *-security suites are skipped: the security archive
# has no sid.
find_mirrors() {
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] || continue
        awk '
            function flush() {
                if (uris != "" && plain) { print uris }
                uris = ""; plain = 0; isdeb = 1
            }
            BEGIN { isdeb = 1 }
            /^[ \t]*$/ { flush(); next }
            /^#/ { next }
            tolower($1) == "types:" { isdeb = 0
                for (i = 2; i <= NF; i++) if ($i == "deb") isdeb = 1 }
            tolower($1) == "uris:" { for (i = 2; i <= NF; i++) uris = uris " " $i }
            tolower($1) == "suites:" {
                for (i = 2; i <= NF; i++) if ($i !~ /-security$/) plain = 1 }
            tolower($1) == "enabled:" && tolower($2) == "no" { uris = "" }
            END { flush() }
        ' "$f" | tr ' ' '\n'
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$f" ] || continue
        # deb [options] URI suite components...
        sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" |
            awk '$1 == "deb" && $3 !~ /-security$/ { print $2 }'
    done
}

mirrors=$(find_mirrors | grep -E '^(https?|ftp|file|mirror[+a-z]*):' |
          awk '!seen[$0]++')
[ -n "$mirrors" ] ||
    die "no Debian mirror found in /etc/apt/sources.list{,.d}; configure apt first"

mkdir -p "$cache/lists/partial" "$cache/archives/partial" "$cache/etc"
sources="$cache/etc/sources.list"
: > "$sources"
for uri in $mirrors; do
    for suite in $suites; do
        echo "deb [signed-by=$keyring] $uri $suite main" >> "$sources"
    done
done
say "private apt sources: $sources"
sed 's/^/    /' "$sources"

# Everything apt reads or writes is redirected into the cache; the system's
# preferences (pinning) are ignored so the highest version wins.
apt_private() {
    tool=$1
    shift
    "$tool" -q \
        -o Dir::Etc::sourcelist="$sources" \
        -o Dir::Etc::sourceparts=/dev/null \
        -o Dir::Etc::preferences=/dev/null \
        -o Dir::Etc::preferencesparts=/dev/null \
        -o Dir::State::lists="$cache/lists" \
        -o Dir::State::status=/dev/null \
        -o Dir::Cache="$cache" \
        -o Dir::Cache::archives="$cache/archives" \
        -o Dir::Cache::pkgcache= \
        -o Dir::Cache::srcpkgcache= \
        -o APT::Sandbox::User=root \
        -o Acquire::Languages=none \
        "$@"
}

say "updating the private package lists (suites: $suites)"
apt_private apt-get update > "$cache/apt-update.log" 2>&1 || {
    cat "$cache/apt-update.log" >&2
    die "apt-get update failed (log: $cache/apt-update.log)"
}

version=$(apt_private apt-cache policy "$pkg" 2>/dev/null |
          awk '$1 == "Candidate:" { print $2 }')
case "$version" in
''|'(none)') die "no candidate for $pkg in $suites" ;;
esac
say "candidate: $pkg $version"

rm -f "$cache"/${pkg}_*.deb
(cd "$cache" && apt_private apt-get download "$pkg") > "$cache/apt-download.log" 2>&1 || {
    cat "$cache/apt-download.log" >&2
    die "apt-get download failed (log: $cache/apt-download.log)"
}
deb=$(ls "$cache"/${pkg}_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || die "apt-get download did not produce a .deb"
say "downloaded $(basename "$deb")"

tmp=$(mktemp -d "$cache/extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
dpkg-deb -x "$deb" "$tmp"
headers_good "$tmp/usr/include" ||
    die "$pkg $version lacks the iommufd vIOMMU/vEVENTQ ioctls"

# Replace the folder as a whole so a failure never leaves a mix of versions.
rm -rf "$dest.new"
mkdir -p "$(dirname "$dest")"
cp -a "$tmp/usr/include" "$dest.new"
rm -rf "$dest"
mv "$dest.new" "$dest"
echo "$pkg $version" > "$cache/version"
# The package lists (tens of MB) are only needed again with --force.
rm -rf "$deb" "$cache/lists" "$cache/archives" "$cache"/*.bin

grep -q 'IOMMU_VEVENTQ_ALLOC' "$dest/linux/iommufd.h" ||
    die "installed headers in $dest lack IOMMU_VEVENTQ_ALLOC"
say "installed $pkg $version headers into $dest"
