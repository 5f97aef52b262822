#!/usr/bin/env bash
# Build openimi's container image with podman (docs/operations.md, "Containers"):
#   1. the base image from Debian's packages: debootstrap (minbase + ca-certificates, python3,
#      python3-venv) into a temporary folder, imported with `podman import` (once; kept as
#      localhost/openimi-base:trixie);
#   2. openimi's wheel from this checkout, translations compiled into it;
#   3. deploy/Containerfile on that base: the wheel and its pinned dependencies from PyPI.
# Needs root, debootstrap and podman (apt-get install debootstrap podman runc).
#
#   deploy/build.sh [TAG]        # default TAG: localhost/openimi:<version from pyproject.toml>
#
# Where podman's defaults fail (crun cannot set rlimits, cgroups in hybrid mode: the test
# machine), first: export CONTAINERS_CONF=$PWD/deploy/podman-sandbox.conf
set -euo pipefail
cd "$(dirname "$0")/.."
version="$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -n 1)"
tag="${1:-localhost/openimi:$version}"
base="localhost/openimi-base:trixie"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# The build's containers use the host's network (for Debian's mirror and PyPI).
build_flags=(--network host)
# Behind a proxy that re-signs TLS, pip in the build must trust the proxy's CA as the host
# does: BUILD_CA_BUNDLE (default: the host's PIP_CERT, if set) is mounted for the build only.
ca_bundle="${BUILD_CA_BUNDLE:-${PIP_CERT:-}}"
if [ -n "$ca_bundle" ]; then
    build_flags+=(--volume "$ca_bundle:/run/build-ca.crt:ro" --build-arg PIP_CERT=/run/build-ca.crt)
fi

if ! podman image exists "$base"; then
    rootfs="$(mktemp -d)"
    trap 'rm -rf "$rootfs"' EXIT
    echo "Making the Debian base with debootstrap ($mirror) ..."
    debootstrap --variant=minbase --include=ca-certificates,python3,python3-venv \
        trixie "$rootfs" "$mirror" >/dev/null
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar --numeric-owner -C "$rootfs" -c . | podman import \
        --change 'CMD ["/bin/bash"]' - "$base"
    rm -rf "$rootfs"
    trap - EXIT
fi

echo "Building openimi's wheel ..."
rm -rf deploy/.build
mkdir -p deploy/.build
(cd src/openimi && ../../.venv/bin/openimi compilemessages --verbosity 0)
.venv/bin/pip wheel --quiet --no-deps --wheel-dir deploy/.build .

echo "Building $tag ..."
podman build "${build_flags[@]}" --file deploy/Containerfile \
    --build-arg "BASE=$base" --tag "$tag" .
echo "Built $tag"
# PostgreSQL and Redis for deploy/compose.yaml, from Debian's packages on the same base.
for service in postgres redis; do
    podman build --network host --file "deploy/$service/Containerfile" \
        --build-arg "BASE=$base" --tag "localhost/openimi-$service:trixie" .
    echo "Built localhost/openimi-$service:trixie"
done
