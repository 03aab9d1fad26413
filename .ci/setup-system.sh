#!/usr/bin/env bash
# Installs the Debian packages actref needs: the Fashion-MNIST data set, Chromium (browser tests) and the Noto CJK
# fonts (the zh site's figures draw their Chinese as paths from Noto Sans CJK SC; Chromium renders zh pages with it).
# Skips quietly what is already there; needs root and apt-get for the rest.
set -euo pipefail
need=()
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need+=(dataset-fashion-mnist)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need+=(fonts-noto-cjk)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
    echo "warning: missing ${need[*]} and cannot apt-get install them (not root, or no apt)." >&2
    echo "  Fashion-MNIST: set ACTREF_DATA or let torchvision download it; browser tests will be skipped;" >&2
    echo "  without fonts-noto-cjk the zh figures cannot be drawn." >&2
fi
