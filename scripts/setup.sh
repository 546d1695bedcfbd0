#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One-time (and idempotent) setup of a Debian 12 machine for building and
# testing i62608:
#
#   1. installs the build and test dependencies from Debian 12;
#   2. installs virtme-ng from Debian trixie;
#   3. fetches, without installing them, the test kernels and their headers
#      into the cache: 6.1 (bookworm), 6.12 (bookworm-backports, the default)
#      and the newest kernel in sid ("next"), whose kbuild host tools are
#      rebuilt from its linux-source because they need a newer glibc;
#   4. extracts kselftest_harness.h, kselftest.h, checkpatch.pl and
#      .clang-format from linux-source-6.12;
#   5. with --debug-kernel, builds the debug kernel (KASAN, kmemleak,
#      lockdep) for check-debug (make check-debug builds it on first use
#      anyway, through the same script).
#
# Downloads go through a private apt configuration that reuses the machine's
# own Debian mirror; nothing is installed from the newer suites except the
# architecture-independent virtme-ng.
#
# Usage: sudo scripts/setup.sh [--debug-kernel]
# Environment: I62608_CACHE (default: <repo>/.cache),
#              I62608_CCACHE_DIR (default: /var/cache/i62608/ccache).

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${I62608_CACHE:-$top/.cache}
build_debug=0

for arg in "$@"; do
	case $arg in
	--debug-kernel) build_debug=1 ;;
	-h | --help)
		sed -n '3,25p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "setup: unknown argument '$arg'" >&2
		exit 2
		;;
	esac
done

# shellcheck source=scripts/lib/setup-common.sh
. "$top/scripts/lib/setup-common.sh"

[ "$(id -u)" -eq 0 ] || die "must run as root (it installs Debian packages)"
. /etc/os-release
[ "${VERSION_CODENAME:-}" = bookworm ] ||
	warn "this is ${PRETTY_NAME:-an unknown system}, not Debian 12; continuing"

start=$SECONDS
mkdir -p "$cache"

# Build tools, libraries, the VM stack, and the real peers later tests use.
packages=(
	build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils zstd
	kmod dwarves ccache rsync file pkg-config
	libnl-3-dev libnl-genl-3-dev libnl-utils libmnl-dev
	clang llvm libclang-rt-14-dev shellcheck
	qemu-system-x86 udev busybox-static iproute2 procps psmisc
	python3 python3-argcomplete python3-pkg-resources python3-requests
	python3-scapy python3-cryptography tshark netsniff-ng ethtool
	nftables libnftables-dev dnsmasq igmpproxy miniupnpd miniupnpd-nftables
	libminiupnpc-dev
	libsqlite3-dev sqlite3 libcurl4-openssl-dev libjson-c-dev
	libmicrohttpd-dev libgnutls28-dev openssl curl
)
install_packages "${packages[@]}"

apt_private_init "$cache/apt"

install_virtme_ng "$cache/debs"

fetch_kernel 6.1 bookworm "$cache"
fetch_kernel 6.12 bookworm-backports "$cache"
fetch_kernel next sid "$cache"

fetch_source 6.12 bookworm-backports "$cache"
extract_kernel_tools "$cache/src/linux-6.12" "$cache/tools"

if [ "$build_debug" = 1 ]; then
	"$top/scripts/build-debug-kernel" "$cache/src/linux-6.12" \
		"$cache/kernels/debug"
fi

note "setup complete in $((SECONDS - start)) s; cache: $cache"
