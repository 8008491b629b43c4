#!/usr/bin/env bash
# Runs a command where TorchSharp 0.107's native library can load.
#
#   build/torchsharp-env.sh COMMAND [ARGS...]     run COMMAND there (exit code is COMMAND's)
#   build/torchsharp-env.sh --prepare             only make sure that environment exists
#   build/torchsharp-env.sh --where               print "host" or the root folder that will be used
#
# TorchSharp 0.107's libLibTorchSharp.so needs libstdc++ of GCC 13 or newer (GLIBCXX_3.4.32).
# Where the machine's own libstdc++ has it, COMMAND simply runs here. Otherwise (Debian 12 has
# GCC 12's) COMMAND runs inside a Debian 13 root: made once with debootstrap (about a minute,
# 230 MB; later runs reuse it), entered with a private mount namespace and chroot, with this
# machine's .NET install, NuGet folders, the repository, /tmp and $HOME/.nuget bind-mounted at
# the same absolute paths, so paths mean the same inside and out. Nothing of TorchSharp's is
# changed. Needs root (or sudo) for debootstrap, unshare and chroot.
#
# Environment:
#   FOCALLOSS_DEBIAN13_ROOT  where the root lives (default /var/cache/focalloss/debian13)
#   FOCALLOSS_ENV_BINDS      extra absolute paths to bind-mount, separated by ':'
#   FOCALLOSS_FORCE_ROOT=1   use the Debian 13 root even where the host's libstdc++ would do
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root_dir="${FOCALLOSS_DEBIAN13_ROOT:-/var/cache/focalloss/debian13}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

host_libstdcxx_ok() {
  [ "${FOCALLOSS_FORCE_ROOT:-0}" = "1" ] && return 1
  local lib
  for lib in /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6 /usr/lib/libstdc++.so.6; do
    [ -f "$lib" ] || continue
    grep -aq 'GLIBCXX_3\.4\.32' "$lib" && return 0
  done
  return 1
}

# The Debian mirror this machine's apt already uses (so no address is written down here).
host_mirror() {
  local m=""
  if compgen -G "/etc/apt/sources.list.d/*.sources" >/dev/null; then
    m=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/*.sources)
  fi
  if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
    m=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) {print $i; exit}}' /etc/apt/sources.list)
  fi
  [ -n "$m" ] || { echo "torchsharp-env: no Debian mirror found in this machine's apt sources" >&2; return 1; }
  echo "$m"
}

prepare_root() {
  [ -x "$root_dir/usr/bin/env" ] && [ -f "$root_dir/.focalloss-ready" ] && return 0
  if ! command -v debootstrap >/dev/null; then
    echo "torchsharp-env: installing debootstrap" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  fi
  local mirror tmp
  mirror=$(host_mirror)
  tmp="$root_dir.tmp.$$"
  echo "torchsharp-env: making a Debian 13 root in $root_dir (once; about a minute)" >&2
  $SUDO mkdir -p "$(dirname "$root_dir")"
  $SUDO rm -rf "$tmp"
  if ! $SUDO debootstrap --variant=minbase \
      --include=ca-certificates,libicu76,libssl3t64,zlib1g,libgssapi-krb5-2,tzdata \
      trixie "$tmp" "$mirror" >"$tmp.log" 2>&1; then
    tail -20 "$tmp.log" >&2
    echo "torchsharp-env: debootstrap failed (log above)" >&2
    return 1
  fi
  $SUDO touch "$tmp/.focalloss-ready"
  $SUDO rm -rf "$root_dir"
  $SUDO mv "$tmp" "$root_dir"
  $SUDO rm -f "$tmp.log"
}

# Absolute paths that must mean the same inside the root.
bind_paths() {
  local dotnet_bin dotnet_dir nuget_pkgs p
  dotnet_bin=$(command -v dotnet) || { echo "torchsharp-env: dotnet is not on PATH" >&2; return 1; }
  dotnet_dir=$(dirname "$(readlink -f "$dotnet_bin")")
  echo "$dotnet_dir"
  nuget_pkgs="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
  mkdir -p "$nuget_pkgs" "$HOME/.nuget"
  echo "$HOME/.nuget"
  case "$nuget_pkgs" in "$HOME/.nuget"/*) ;; *) echo "$nuget_pkgs" ;; esac
  [ -d "$HOME/.dotnet" ] && echo "$HOME/.dotnet"
  [ -d /opt/nuget ] && echo /opt/nuget
  echo "$repo"
  # the current directory, when it lies outside the repository (a fresh project in a temp folder is under /tmp)
  case "$PWD" in "$repo"|"$repo"/*|/tmp|/tmp/*) ;; *) echo "$PWD" ;; esac
  if [ -n "${FOCALLOSS_ENV_BINDS:-}" ]; then
    tr ':' '\n' <<<"$FOCALLOSS_ENV_BINDS"
  fi
}

case "${1:-}" in
  --prepare)
    if host_libstdcxx_ok; then echo "torchsharp-env: this machine's libstdc++ is new enough; no root needed"; exit 0; fi
    prepare_root
    echo "torchsharp-env: Debian 13 root ready in $root_dir"
    exit 0 ;;
  --where)
    if host_libstdcxx_ok; then echo host; else echo "$root_dir"; fi
    exit 0 ;;
  "")
    echo "usage: build/torchsharp-env.sh COMMAND [ARGS...] | --prepare | --where" >&2; exit 2 ;;
esac

if host_libstdcxx_ok; then
  exec "$@"
fi

prepare_root
mapfile -t binds < <(bind_paths)
dotnet_dir=${binds[0]}
# the caller's own settings for the project's scripts and programs travel along
passthrough=()
while IFS= read -r name; do passthrough+=("$name=${!name}"); done < <(compgen -v | grep -E '^(FOCALLOSS_|FL_|MSBUILD|TORCHSHARP_|OMP_|MKL_|THP_MEM_ALLOC_ENABLE$)' || true)

# The script run inside the new mount namespace: bind everything, then chroot and run the command
# with the caller's working directory and environment (PATH gains the .NET folder).
inner='
set -e
r=$1; shift
n=$1; shift
i=0
while [ $i -lt "$n" ]; do
  p=$1; shift; i=$((i + 1))
  [ -e "$p" ] || continue
  mkdir -p "$r$p"
  mount --rbind "$p" "$r$p"
done
mount -t proc proc "$r/proc"
mount --rbind /dev "$r/dev"
mount --rbind /sys "$r/sys"
mkdir -p "$r/tmp"; mount --rbind /tmp "$r/tmp"
cp -f /etc/resolv.conf "$r/etc/resolv.conf" 2>/dev/null || true
cwd=$1; shift
exec chroot "$r" /usr/bin/env -C "$cwd" "$@"
'
exec $SUDO unshare --mount --propagation private -- /bin/bash -c "$inner" torchsharp-env \
  "$root_dir" "${#binds[@]}" "${binds[@]}" "$PWD" \
  PATH="$dotnet_dir:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  HOME="$HOME" DOTNET_ROOT="$dotnet_dir" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
  DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 ${NUGET_PACKAGES:+NUGET_PACKAGES=$NUGET_PACKAGES} \
  ${CI:+CI=$CI} "${passthrough[@]}" "$@"
