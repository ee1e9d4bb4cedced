#!/bin/sh
# The part every runner image shares (see ../../README.md), run by each Dockerfile as
#   COPY common/docker/prepare-image.sh <name>/packages.txt /tmp/ato-prepare/
#   RUN sh /tmp/ato-prepare/prepare-image.sh /tmp/ato-prepare/packages.txt && rm -rf /tmp/ato-prepare
#
# 1. Installs the Debian packages of packages.txt that the base lacks. On a base made by mmdebstrap from
#    that list (no registry), every package is there and nothing is fetched: the build runs without a network.
#    On debian:trixie-slim (with a registry), apt installs them. An older suite's list may take packages from a
#    newer suite (`from trixie: maven lib*-java`): apt then reads that suite's main archive too, and prefers it
#    for the matching packages only, as ato's mmdebstrap does (src/runners/packages.rs).
# 2. Makes /work and /deps, owned by the runner user (65534, the Dockerfiles' USER): a tmpfs mounted on /work
#    takes the mode and owner of the folder it covers, so the workspace is writable by the runner without any
#    chmod at run time; an empty dependency-cache volume first mounted on /deps takes its owner likewise, so
#    the dependency phase can fill it.
set -eu

packages_file=$1
listed=$(sed -e 's/#.*//' "$packages_file")
from_suite=$(printf '%s\n' "$listed" | sed -n -e 's/^[[:space:]]*from[[:space:]]\{1,\}\([a-z]\{1,\}\):.*/\1/p' | head -n 1)
from_patterns=$(printf '%s\n' "$listed" | sed -n -e 's/^[[:space:]]*from[[:space:]]\{1,\}[a-z]\{1,\}:[[:space:]]*//p' | tr '\n' ' ')
missing=""
for pkg in $(printf '%s\n' "$listed" | grep -v '^[[:space:]]*from[[:space:]]'); do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q ' installed$'; then
        missing="$missing $pkg"
    fi
done
if [ -n "$missing" ]; then
    echo "installing:$missing"
    if [ -n "$from_suite" ]; then
        echo "from $from_suite: $from_patterns"
        echo "deb http://deb.debian.org/debian $from_suite main" >/etc/apt/sources.list.d/ato-borrowed.list
        printf 'Package: %s\nPin: release n=%s\nPin-Priority: 990\n\nPackage: *\nPin: release n=%s\nPin-Priority: 100\n' \
            "$from_patterns" "$from_suite" "$from_suite" >/etc/apt/preferences.d/ato-borrowed.pref
    fi
    apt-get update
    # shellcheck disable=SC2086 # one word per package
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
    rm -rf /var/lib/apt/lists/*
else
    echo "all packages already installed"
fi

mkdir -p /work /deps
chown 65534:65534 /work /deps
chmod 0755 /work /deps
