#!/bin/sh
# Render the systemd units for an installation prefix and data directory, and put the kiosk
# display's launcher (which the visitor and board units run) into PREFIX/bin.
# Usage: deploy/install-units.sh PREFIX DATA_DIR OUT_DIR
#   PREFIX   where the project is installed (its bin/kiosk), e.g. /opt/lokal-willkommen/.venv
#   DATA_DIR the office's data directory (store and keys), e.g. /var/lib/lokal-willkommen
#   OUT_DIR  usually /etc/systemd/system
set -eu
if [ "$#" -ne 3 ]; then
  echo "usage: $0 PREFIX DATA_DIR OUT_DIR" >&2
  exit 2
fi
prefix=$1 data=$2 out=$3
here=$(dirname "$0")
mkdir -p "$out"
for unit in "$here"/systemd/*.service "$here"/systemd/*.timer; do
  sed -e "s|@PREFIX@|$prefix|g" -e "s|@DATA@|$data|g" "$unit" > "$out/$(basename "$unit")"
done
install -m 0755 "$here/kiosk-display/kiosk-display" "$prefix/bin/kiosk-display"
echo "rendered units into $out"
