# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for scripts/setup.sh: package installation, a private apt
# configuration for fetching kernels from other Debian suites, and the fixups
# that make an extracted Debian kernel tree usable for out-of-tree builds and
# virtme-ng boots.

note() { printf 'setup: %s\n' "$*"; }
warn() { printf 'setup: warning: %s\n' "$*" >&2; }
die() {
	printf 'setup: error: %s\n' "$*" >&2
	exit 1
}

pkg_installed() {
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# install_packages PKG... - install what is missing from the system's own
# Debian suites. Services that packages would start (dnsmasq, miniupnpd) are
# held back with a temporary policy-rc.d: the tests start their own instances
# inside network namespaces.
install_packages() {
	local missing=() p
	for p in "$@"; do
		pkg_installed "$p" || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		note "Debian packages: all ${#} present"
		return
	fi
	note "installing ${#missing[@]} Debian packages: ${missing[*]}"
	local policy=/usr/sbin/policy-rc.d own_policy=0
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		own_policy=1
	fi
	local rc=0
	DEBIAN_FRONTEND=noninteractive apt-get update -qq || rc=$?
	if [ $rc -eq 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends "${missing[@]}" >/dev/null || rc=$?
	fi
	[ $own_policy = 1 ] && rm -f "$policy"
	[ $rc -eq 0 ] || die "apt-get failed to install: ${missing[*]}"
	for p in "${missing[@]}"; do
		pkg_installed "$p" || die "Debian package '$p' is still not installed"
	done
}

# system_mirror - print the URI of the Debian archive this machine already
# uses for its own release (deb822 .sources or one-line .list files).
system_mirror() {
	local codename f uri=
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		uri=$(awk -v want="$codename" '
			function flush() {
				if (types ~ /(^| )deb( |$)/ && suites ~ ("(^| )" want "( |$)") &&
				    comps ~ /(^| )main( |$)/ && enabled != "no" && uris != "") {
					split(uris, u, " "); print u[1]; found = 1; exit
				}
				types = suites = comps = uris = ""; enabled = "yes"
			}
			BEGIN { enabled = "yes" }
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			{
				key = tolower($1); sub(/:$/, "", key); $1 = ""
				sub(/^[ \t]+/, "")
				if (key == "types") types = $0
				else if (key == "uris") uris = $0
				else if (key == "suites") suites = $0
				else if (key == "components") comps = $0
				else if (key == "enabled") enabled = tolower($0)
			}
			END { if (!found) flush() }' "$f")
		[ -n "$uri" ] && break
	done
	if [ -z "$uri" ]; then
		uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
			2>/dev/null | awk -v want="$codename" '
			$1 == "deb" {
				i = 2
				if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
				if ($(i + 1) == want) { print $i; exit }
			}')
	fi
	[ -n "$uri" ] || die "no Debian mirror for '$codename' found in /etc/apt"
	echo "${uri%/}"
}

# apt_private_init DIR - prepare per-suite private apt state under DIR.
# Only used for `apt-get download` and `apt-cache`; nothing is installed
# from it.
apt_dir=
apt_private_init() {
	apt_dir=$1
	local mirror suite keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	[ -r "$keyring" ] || die "missing $keyring (package debian-archive-keyring)"
	mirror=$(system_mirror)
	note "Debian mirror (from this machine's apt sources): $mirror"
	for suite in bookworm bookworm-backports trixie sid; do
		local d=$apt_dir/$suite
		mkdir -p "$d/lists/partial" "$d/archives/partial"
		printf 'deb [signed-by=%s] %s %s main\n' \
			"$keyring" "$mirror" "$suite" >"$d/sources.list.new"
		if ! cmp -s "$d/sources.list.new" "$d/sources.list"; then
			mv "$d/sources.list.new" "$d/sources.list"
			rm -f "$d/updated"
		else
			rm -f "$d/sources.list.new"
		fi
		# Refresh twice a day at most: a second setup run stays fast.
		if [ -z "$(find "$d/updated" -mmin -720 2>/dev/null)" ]; then
			apt_suite "$suite"
			apt-get "${apt_opts[@]}" -qq update ||
				die "apt-get update failed for suite '$suite'"
			touch "$d/updated"
		fi
	done 2>&1 | grep -v 'unsandboxed' || true
	for suite in bookworm bookworm-backports trixie sid; do
		[ -e "$apt_dir/$suite/updated" ] ||
			die "package lists for suite '$suite' could not be fetched"
	done
}

# apt_suite SUITE - set apt_opts for one suite's private state.
apt_opts=()
apt_suite() {
	local d=$apt_dir/$1
	apt_opts=(
		-o "Dir::Etc::SourceList=$d/sources.list"
		-o "Dir::Etc::SourceParts=/dev/null"
		-o "Dir::State::Lists=$d/lists"
		-o "Dir::Cache=$d"
		-o "Dir::Cache::archives=$d/archives"
		-o "Dir::Cache::pkgcache="
		-o "Dir::Cache::srcpkgcache="
		-o "APT::Sandbox::User=root"
	)
}

# apt_field SUITE PKG FIELD - a field of the candidate version of PKG.
apt_field() {
	apt_suite "$1"
	apt-cache "${apt_opts[@]}" show --no-all-versions "$2" 2>/dev/null |
		awk -v f="$3" 'BEGIN { f = f ":" }
			$1 == f { $1 = ""; sub(/^ /, ""); v = $0; next }
			/^[A-Za-z-]+:/ { if (v != "") { print v; exit } }
			/^ / && v != "" { v = v $0 }
			END { if (v != "") print v }' | head -n 1
}

# kernel_closure SUITE PKG... - print name=version of every kernel package
# (image, binary, modules, base, headers, kbuild) that the given metapackages
# pull in, resolved through the suite's candidates. Nothing is hard-coded:
# ABI names come from the Depends fields.
kernel_closure() {
	local suite=$1
	shift
	local queue=("$@") seen=" " name ver deps dep
	while [ ${#queue[@]} -gt 0 ]; do
		name=${queue[0]}
		queue=("${queue[@]:1}")
		case $seen in *" $name "*) continue ;; esac
		seen="$seen$name "
		ver=$(apt_field "$suite" "$name" Version)
		[ -n "$ver" ] || die "package '$name' not found in suite '$suite'"
		if [[ $name =~ ^linux-(image|binary|modules|base|headers|kbuild)-[0-9] ]]; then
			echo "$name=$ver"
		fi
		deps=$(apt_field "$suite" "$name" Depends)
		local IFS=,
		for dep in $deps; do
			dep=${dep%%|*}
			dep=$(echo "$dep" | sed 's/([^)]*)//; s/:any//; s/[[:space:]]//g')
			[[ $dep =~ ^linux-(image|binary|modules|base|headers|kbuild)- ]] &&
				queue+=("$dep")
		done
		unset IFS
	done
}

# apt_download SUITE DEST name=version... - download .debs into DEST.
apt_download() {
	local suite=$1 dest=$2
	shift 2
	apt_suite "$suite"
	mkdir -p "$dest"
	(cd "$dest" && apt-get "${apt_opts[@]}" -qq download "$@" 2>&1 |
		grep -v unsandboxed) || true
	local p f
	for p in "$@"; do
		f=$(deb_file "$dest" "$p")
		[ -n "$f" ] || die "download of '$p' from '$suite' failed"
	done
}

# deb_file DIR name=version - the downloaded .deb for a package version.
deb_file() {
	local name=${2%%=*} ver=${2#*=}
	ver=${ver//:/%3a}
	# shellcheck disable=SC2012 # Debian package file names are plain
	ls "$1/${name}_${ver}_"*.deb 2>/dev/null | head -n 1
}

# install_virtme_ng DEBDIR - virtme-ng from trixie (architecture-independent
# Python; its dependencies come from Debian 12).
install_virtme_ng() {
	local ver cur
	ver=$(apt_field trixie virtme-ng Version)
	[ -n "$ver" ] || die "virtme-ng not found in trixie"
	cur=$(dpkg-query -W -f='${Version}' virtme-ng 2>/dev/null || true)
	if [ "$cur" = "$ver" ] && command -v vng >/dev/null; then
		note "virtme-ng $ver present"
		return
	fi
	apt_download trixie "$1/trixie" "virtme-ng=$ver"
	note "installing virtme-ng $ver from trixie"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "$(deb_file "$1/trixie" "virtme-ng=$ver")" \
		>/dev/null || die "installing virtme-ng failed"
	command -v vng >/dev/null || die "vng is not on PATH after installing virtme-ng"
}

# fix_headers TREE - make the extracted headers usable where they are: their
# Makefiles include the -common tree and name the output directory by
# absolute /usr/src paths.
fix_headers() {
	local mk
	for mk in "$1"/usr/src/linux-headers-*/Makefile; do
		grep -q '^include /usr/src/' "$mk" || continue
		# shellcheck disable=SC2016 # make syntax, not shell
		sed -i -e 's|^include /usr/src/|include ../|' \
			-e 's|^KBUILD_OUTPUT=.*|KBUILD_OUTPUT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))|' \
			"$mk"
	done
}

# broken_host_tools KBUILD_DIR - list ELF host tools that cannot run here
# (built against a newer glibc than Debian 12's).
broken_host_tools() {
	local f out
	find "$1" -type f -perm -u+x | while read -r f; do
		case $(file -b "$f") in ELF*) ;; *) continue ;; esac
		out=$("$f" --version </dev/null 2>&1 || true)
		case $out in *GLIBC_*' not found'*) echo "${f#"$1"/}" ;; esac
	done
}

pahole_version() {
	pahole --version | sed 's/^v//; s/\.//; s/\..*//'
}

# rebuild_host_tools NAME SUITE CACHE KDIR - rebuild the kbuild host tools
# of the headers in KDIR from the suite's linux-source with Debian 12's
# toolchain, in place of the ones that need a newer glibc.
rebuild_host_tools() {
	local name=$1 suite=$2 cache=$3 kdir=$4 kb src_pkg ver src broken t from
	kb=$(readlink -f "$kdir/scripts/..")
	broken=$(broken_host_tools "$kb")
	[ -n "$broken" ] || return 0
	src_pkg=$(apt_field "$suite" linux-source Depends | sed 's/[ (].*//')
	[ -n "$src_pkg" ] || die "no linux-source package in '$suite'"
	ver=$(apt_field "$suite" "$src_pkg" Version)
	src=$cache/src/$name
	unpack_source "$suite" "$src_pkg=$ver" "$src" "$cache"
	cp "$kdir/.config" "$src/.config"
	note "kernel $name: rebuilding kbuild host tools from $src_pkg $ver"
	make -s -C "$src" -j"$(nproc)" CC=gcc HOSTCC=gcc \
		CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT= \
		CONFIG_PAHOLE_VERSION="$(pahole_version)" \
		olddefconfig modules_prepare >"$src/.modules_prepare.log" 2>&1 ||
		die "modules_prepare in $src failed (see $src/.modules_prepare.log)"
	for t in $broken; do
		case $t in
		scripts/mod/modpost*) from=scripts/mod/modpost ;;
		tools/objtool/objtool*) from=tools/objtool/objtool ;;
		*) from=$t ;;
		esac
		if [ -x "$src/$from" ]; then
			cp "$src/$from" "$kb/$t"
		else
			# Not needed for external modules (e.g. genksyms with
			# gendwarfksyms kernels); say so rather than hide it.
			note "kernel $name: host tool $t not rebuilt (not built by modules_prepare)"
		fi
	done
}

# unpack_source SUITE name=version DEST CACHE - extract a linux-source tarball.
unpack_source() {
	local suite=$1 pkg=$2 dest=$3 cache=$4 deb tmp
	if [ "$(cat "$dest/.i62608-stamp" 2>/dev/null)" = "$pkg" ]; then
		return
	fi
	apt_download "$suite" "$cache/debs/$suite" "$pkg"
	deb=$(deb_file "$cache/debs/$suite" "$pkg")
	note "extracting $pkg"
	rm -rf "$dest" "$dest.tmp"
	mkdir -p "$dest.tmp"
	dpkg-deb --fsys-tarfile "$deb" | tar -xf - -C "$dest.tmp" --wildcards \
		'./usr/src/linux-source-*.tar.xz'
	tmp=$(ls "$dest.tmp"/usr/src/linux-source-*.tar.xz)
	tar -xJf "$tmp" -C "$dest.tmp"
	mv "$dest.tmp"/linux-source-* "$dest"
	rm -rf "$dest.tmp"
	echo "$pkg" >"$dest/.i62608-stamp"
}

# kernel_intact DIR - the extracted tree still has its image, headers and
# every module modules.dep names (a `make M=<repo> clean` run by hand would
# have removed them: kbuild's clean recurses through the whole M directory).
kernel_intact() {
	local env=$1/kernel.env kver kimg kdir mods
	[ -f "$env" ] || return 1
	kver=$(sed -n 's/^KVER=//p' "$env")
	kimg=$(sed -n 's/^KIMG=//p' "$env")
	kdir=$(sed -n 's/^KDIR=//p' "$env")
	mods=$1/root/lib/modules/$kver
	[ -f "$kimg" ] && [ -f "$kdir/Makefile" ] && [ -f "$mods/modules.dep" ] ||
		return 1
	# shellcheck disable=SC2016
	(cd "$mods" && cut -d: -f1 modules.dep | xargs -r ls >/dev/null 2>&1)
}

# fetch_kernel NAME SUITE CACHE - the newest generic amd64 kernel of SUITE,
# extracted to CACHE/kernels/NAME/root, described by kernel.env.
fetch_kernel() {
	local name=$1 suite=$2 cache=$3 dir=$1 pkgs stamp p kver kimg kdir args
	dir=$cache/kernels/$name
	pkgs=$(kernel_closure "$suite" linux-image-amd64 linux-headers-amd64 | sort)
	[ -n "$pkgs" ] || die "could not resolve kernel packages in '$suite'"
	stamp=$(printf '%s\n' "$pkgs" | tr '\n' ' ')
	if [ "$(cat "$dir/.stamp" 2>/dev/null)" = "$stamp" ] && kernel_intact "$dir"; then
		note "kernel $name: $(sed -n 's/^KVER=//p' "$dir/kernel.env") up to date"
		return
	fi
	# shellcheck disable=SC2086
	apt_download "$suite" "$cache/debs/$suite" $pkgs
	note "kernel $name: extracting $(echo "$pkgs" | wc -l) packages from $suite"
	rm -rf "$dir"
	mkdir -p "$dir/root"
	for p in $pkgs; do
		dpkg -x "$(deb_file "$cache/debs/$suite" "$p")" "$dir/root"
	done
	# vng finds modules at <root>/lib/modules: newer kernels ship them
	# only under usr/lib.
	if [ ! -e "$dir/root/lib" ] && [ -d "$dir/root/usr/lib/modules" ]; then
		ln -s usr/lib "$dir/root/lib"
	fi
	# shellcheck disable=SC2012 # a kernel release name
	kver=$(ls "$dir/root/lib/modules" | head -n 1)
	[ -n "$kver" ] || die "kernel $name: no lib/modules in the extracted packages"
	for kimg in "$dir/root/boot/vmlinuz-$kver" "$dir/root/lib/modules/$kver/vmlinuz" ""; do
		[ -f "$kimg" ] && break
	done
	[ -n "$kimg" ] || die "kernel $name: no vmlinuz for $kver"
	kdir=$dir/root/usr/src/linux-headers-$kver
	[ -f "$kdir/Makefile" ] || die "kernel $name: no headers for $kver"
	fix_headers "$dir/root"
	depmod -b "$dir/root" "$kver" || die "kernel $name: depmod failed"

	rebuild_host_tools "$name" "$suite" "$cache" "$kdir"

	# A kernel configured for a compiler Debian 12 does not have is built
	# with Debian 12's gcc: drop the flags that compiler lacks and silence
	# the attributes it ignores in that kernel's headers.
	args=
	local kcc
	kcc=$(sed -n 's/^CC = .*\(gcc-[0-9]*\).*/\1/p' "$kdir/.kernelvariables" 2>/dev/null)
	if [ -n "$kcc" ] && ! command -v "x86_64-linux-gnu-$kcc" >/dev/null &&
		! command -v "$kcc" >/dev/null; then
		args="CC=gcc HOSTCC=gcc CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT= CONFIG_PAHOLE_VERSION=$(pahole_version) KCFLAGS=-Wno-attributes"
	fi
	{
		echo "KVER=$kver"
		echo "KIMG=$kimg"
		echo "KDIR=$kdir"
		echo "KMAKE_ARGS=$args"
		echo "SUITE=$suite"
	} >"$dir/kernel.env"
	verify_kbuild "$name" "$kdir" "$args"
	echo "$stamp" >"$dir/.stamp"
	note "kernel $name: $kver ready"
}

# verify_kbuild NAME KDIR ARGS - prove an external module builds (W=1).
verify_kbuild() {
	local t
	t=$(mktemp -d)
	cat >"$t/probe.c" <<-'EOF'
		#include <linux/module.h>
		static int __init probe_init(void) { return 0; }
		static void __exit probe_exit(void) { }
		module_init(probe_init);
		module_exit(probe_exit);
		MODULE_LICENSE("GPL");
		MODULE_DESCRIPTION("i62608 setup probe");
	EOF
	echo 'obj-m := probe.o' >"$t/Kbuild"
	# shellcheck disable=SC2086
	if ! make -C "$2" M="$t" W=1 $3 modules >"$t/log" 2>&1 ||
		[ ! -f "$t/probe.ko" ]; then
		cat "$t/log" >&2
		rm -rf "$t"
		die "kernel $1: an external module does not build against $2"
	fi
	if grep -q 'warning:' "$t/log"; then
		grep 'warning:' "$t/log" >&2
		rm -rf "$t"
		die "kernel $1: an empty module builds with warnings against $2"
	fi
	rm -rf "$t"
}

# fetch_source VER SUITE CACHE - linux-source-VER of SUITE in CACHE/src.
fetch_source() {
	local ver
	ver=$(apt_field "$2" "linux-source-$1" Version)
	[ -n "$ver" ] || die "linux-source-$1 not found in '$2'"
	unpack_source "$2" "linux-source-$1=$ver" "$3/src/linux-$1" "$3"
}

# extract_kernel_tools SRC DEST - the kernel's selftest harness, checkpatch
# and clang-format configuration: build dependencies, never committed.
extract_kernel_tools() {
	local src=$1 dest=$2 f
	mkdir -p "$dest"
	for f in tools/testing/selftests/kselftest_harness.h \
		tools/testing/selftests/kselftest.h \
		scripts/checkpatch.pl scripts/spelling.txt \
		scripts/const_structs.checkpatch .clang-format; do
		[ -f "$src/$f" ] || die "missing $f in $src"
		cp "$src/$f" "$dest/"
	done
	chmod +x "$dest/checkpatch.pl"
	note "kernel tools in $dest"
}
