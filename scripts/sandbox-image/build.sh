#!/usr/bin/env bash
# Builds the docker sandbox image offline from this machine's node/npm and busybox-static (no registry access):
# rootfs = busybox (+ applet links) + node and its shared libraries (ldd) + npm + minimal /etc, then `docker import`.
# Idempotent: skips when the image already carries the same content hash label.
# Usage: build.sh [image]   (default: $CROWNEST_SANDBOX_IMAGE or crownest-sandbox:latest)
set -euo pipefail

image="${1:-${CROWNEST_SANDBOX_IMAGE:-crownest-sandbox:latest}}"
label="dev.crownest.content-hash"
script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

busybox="/bin/busybox"
# The static build needs no libraries in the image (Debian's busybox-static installs /bin/busybox).
if ! dpkg -s busybox-static >/dev/null 2>&1; then
  apt-get install -y busybox-static >/dev/null
fi
ldd "$busybox" >/dev/null 2>&1 && { echo "$busybox is not statically linked (install busybox-static)" >&2; exit 1; }

node="$(readlink -f "$(command -v node)")"
npm_root="$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)"
mapfile -t libs < <(ldd "$node" | awk '/=> \// { print $3 } /^[[:space:]]*\/[^ ]+/ { print $1 }' | sort -u)

hash="$( { sha256sum "$node" "$busybox" "${libs[@]}" "$npm_root/package.json" "$script_dir/build.sh" | awk '{print $1}'; } | sha256sum | cut -c1-32)"
current="$(docker image inspect --format "{{ index .Config.Labels \"$label\" }}" "$image" 2>/dev/null || true)"
if [ "$current" = "$hash" ]; then
  echo "$image is up to date ($hash)"
  exit 0
fi

rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs"/{bin,usr/bin,usr/lib/node_modules,etc,sandbox,tmp,root,proc,sys,dev}

cp "$busybox" "$rootfs/bin/busybox"
for applet in $("$busybox" --list); do
  [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
done
ln -s ../../bin/busybox "$rootfs/usr/bin/env"

cp "$node" "$rootfs/usr/bin/node"
for lib in "${libs[@]}"; do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done
cp -a "$npm_root" "$rootfs/usr/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/bin/npx"

cat > "$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
sandbox:x:1000:1000:sandbox:/sandbox:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat > "$rootfs/etc/group" <<'GROUP'
root:x:0:
sandbox:x:1000:
nogroup:x:65534:
GROUP
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  mkdir -p "$rootfs/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
fi
chown 1000:1000 "$rootfs/sandbox"
chmod 1777 "$rootfs/tmp"

tar --numeric-owner -C "$rootfs" -c . | docker import \
  --change "ENV PATH=/usr/local/bin:/usr/bin:/bin" \
  --change "ENV HOME=/sandbox" \
  --change "WORKDIR /sandbox" \
  --change "USER 1000:1000" \
  --change "LABEL $label=$hash" \
  - "$image" >/dev/null
echo "built $image ($hash)"
