#!/bin/sh
# Install the kiosk display on an office machine (as root): its Debian packages (packages.txt),
# its settings (kiosk-display.conf, kept if already there) and the X server's kiosk settings.
# The launcher itself and the units come with deploy/install-units.sh.
# Usage: deploy/kiosk-display/install.sh     (DESTDIR=… installs the files under another root)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=${DESTDIR:-}
packages=$(sed -e 's/#.*//' "$here/packages.txt" | tr -s ' \t\n' ' ')
# shellcheck disable=SC2086  # one word per package
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  -o DPkg::Lock::Timeout=300 $packages
mkdir -p "$root/etc/lokal-willkommen" "$root/etc/X11/xorg.conf.d"
if [ ! -e "$root/etc/lokal-willkommen/kiosk-display.conf" ]; then
  install -m 0644 "$here/kiosk-display.conf" "$root/etc/lokal-willkommen/kiosk-display.conf"
fi
install -m 0644 "$here/xorg-kiosk.conf" "$root/etc/X11/xorg.conf.d/50-lokal-willkommen-kiosk.conf"
echo "kiosk display installed: $(echo "$packages" | wc -w) packages, settings in $root/etc/lokal-willkommen"
