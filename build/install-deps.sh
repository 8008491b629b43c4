#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh Debian bookworm machine (run as root, or
# with sudo available). Idempotent: packages already present are not fetched again.
#
#   python3-torchvision   the independent oracle (torchvision.ops.sigmoid_focal_loss) + Python torch
#                         (the native libraries link no libtorch; only the Python tests use torch)
#   python3-pytest        runs tests/oracle
#   python3-mpmath        high-precision reference where torchvision itself loses the value
#   nvidia-cuda-toolkit   nvcc + static CUDA runtime, to build libFocalLossNativeCuda.so (Debian
#                         contrib/non-free; no GPU needed to build)
#   g++-11                nvcc 11.8's host compiler (it rejects g++ 12, bookworm's default)
#   cmake, g++            native build
#   fonts-dejavu-core     the font of the runtime benchmark's plot (build/bench-runtime.sh)
#
# The .NET SDK is expected on PATH (`dotnet`); NuGet packages are restored by `dotnet restore`.
#
#   build/install-deps.sh          what build/test.sh needs (all of the above)
#   build/install-deps.sh --demo   only what build/demo.sh needs: cmake, g++ (the native build), git (its diffs);
#                                  build/torchsharp-env.sh installs debootstrap itself when needed
set -euo pipefail

profile=all
case "${1:-}" in
  "") ;;
  --demo) profile=demo ;;
  *) echo "usage: build/install-deps.sh [--demo]" >&2; exit 2 ;;
esac

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if [ "$profile" = demo ]; then
  packages=(cmake g++ git)
else
  packages=(cmake g++ python3-torchvision python3-pytest python3-mpmath fonts-dejavu-core)
  if [ "${FOCALLOSS_SKIP_CUDA:-0}" != "1" ]; then packages+=(nvidia-cuda-toolkit g++-11); fi
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all system packages present"
else
  # nvidia-cuda-toolkit lives in Debian's non-free component and needs contrib (nvidia-support).
  # Enable both on the machine's existing Debian sources rather than adding a source of our own.
  if [[ " ${missing[*]} " == *" nvidia-cuda-toolkit "* ]]; then
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] || continue
      grep -q '^Components:' "$f" || continue
      $SUDO sed -i -E '/^Components:/{/ contrib/!s/$/ contrib/; / non-free( |$)/!s/$/ non-free/}' "$f"
    done
    if [ -f /etc/apt/sources.list ]; then
      $SUDO sed -i -E '/^deb .*debian/{/ contrib/!s/$/ contrib/; / non-free( |$)/!s/$/ non-free/}' /etc/apt/sources.list
    fi
  fi
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "install-deps: done"
fi

command -v dotnet >/dev/null || { echo "install-deps: the .NET SDK (dotnet) is not on PATH; install .NET SDK 10 first" >&2; exit 1; }
