#!/bin/sh
# The part every runner image shares (see ../../README.md), run by each Dockerfile as
#   COPY common/docker/prepare-image.sh <name>/packages.txt /tmp/ato-prepare/
#   RUN sh /tmp/ato-prepare/prepare-image.sh /tmp/ato-prepare/packages.txt && rm -rf /tmp/ato-prepare
#
# 1. Installs the Debian packages of packages.txt that the base lacks. On a base made by mmdebstrap from
#    that list (no registry), every package is there and nothing is fetched: the build runs without a network.
#    On debian:trixie-slim (with a registry), apt installs them.
# 2. Makes /work and /deps, owned by the runner user (65534, the Dockerfiles' USER): a tmpfs mounted on /work
#    takes the mode and owner of the folder it covers, so the workspace is writable by the runner without any
#    chmod at run time; an empty dependency-cache volume first mounted on /deps takes its owner likewise, so
#    the dependency phase can fill it.
set -eu

packages_file=$1
missing=""
for pkg in $(sed -e 's/#.*//' "$packages_file"); do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q ' installed$'; then
        missing="$missing $pkg"
    fi
done
if [ -n "$missing" ]; then
    echo "installing:$missing"
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
