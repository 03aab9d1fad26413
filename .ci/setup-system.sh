#!/usr/bin/env bash
# Installs the Debian packages actref needs: the Fashion-MNIST data set and Chromium (browser tests).
# Skips quietly what is already there; needs root and apt-get for the rest.
set -euo pipefail
need=()
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need+=(dataset-fashion-mnist)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
    echo "warning: missing ${need[*]} and cannot apt-get install them (not root, or no apt)." >&2
    echo "  Fashion-MNIST: set ACTREF_DATA or let torchvision download it; browser tests will be skipped." >&2
fi
