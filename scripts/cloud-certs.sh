#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test certificates of the cloud link (docs/cloud-api.md, section
# "Authentication"): a test CA and what it signs, and a second, "wrong" CA
# for the tests that must be refused. With the openssl command line only.
#
#   scripts/cloud-certs.sh [--gateway ID] [--days N] OUTDIR
#
# OUTDIR gets (keys mode 0600, ECDSA P-256):
#
#   ca.crt ca.key                  the test CA: the server's --client-ca and
#                                  the gateway's server CA
#   server.crt server.key          i62608-cloudd: CN=localhost, SAN
#                                  DNS:localhost, IP:127.0.0.1, IP:::1
#   gateway.crt gateway.key        the gateway ID (OU=gateway, CN=ID)
#   gateway2.crt gateway2.key      another gateway, ID-2, for the tests that
#                                  one gateway cannot reach another's data
#   operator.crt operator.key      an operator (OU=operator, CN=operator)
#   wrong-ca.crt wrong-ca.key      a CA nobody trusts
#   wrong-gateway.crt/.key         the gateway ID, signed by the wrong CA
#   wrong-server.crt/.key          localhost, signed by the wrong CA
#
# Idempotent: a file that exists, matches its key and subject and verifies
# against its CA is kept; anything else is made anew (a CA made anew
# invalidates what it signed, which is then made anew too).
set -eu
umask 077

usage() {
	echo "usage: $0 [--gateway ID] [--days N] OUTDIR" >&2
	exit 2
}

gateway=gw-test-1
days=3650
while [ $# -gt 0 ]; do
	case $1 in
	--gateway) [ $# -ge 2 ] || usage; gateway=$2; shift 2 ;;
	--days) [ $# -ge 2 ] || usage; days=$2; shift 2 ;;
	-h | --help) usage ;;
	-*) echo "$0: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# = 1 ] || usage
out=$1
# The gateway id rule of docs/cloud-api.md (64 at most), less the "-2" of
# the second gateway.
if ! [[ $gateway =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,61}$ ]]; then
	echo "$0: '$gateway' is not a gateway id (1 to 62 of A-Z a-z 0-9 . _ -, the first a letter or digit)" >&2
	exit 2
fi
if ! [[ $days =~ ^[1-9][0-9]{0,4}$ ]]; then
	echo "$0: --days wants a number of days (1 to 99999)" >&2
	exit 2
fi
command -v openssl >/dev/null || { echo "$0: openssl is not installed" >&2; exit 1; }
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# newkey PATH - a P-256 key in PKCS#8 PEM.
newkey() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
		-out "$1" 2>/dev/null
}

# pub_of_key KEY / pub_of_cert CERT - the public key, PEM.
pub_of_key() { openssl pkey -in "$1" -pubout 2>/dev/null; }
pub_of_cert() { openssl x509 -in "$1" -noout -pubkey 2>/dev/null; }

# valid NAME CA SUBJECT - NAME.crt/NAME.key exist, belong together, carry
# SUBJECT and verify against CA (itself for a CA).
valid() {
	local crt=$out/$1.crt key=$out/$1.key ca=$out/$2.crt subj
	[ -s "$crt" ] && [ -s "$key" ] && [ -s "$ca" ] || return 1
	[ "$(pub_of_key "$key")" = "$(pub_of_cert "$crt")" ] || return 1
	subj=$(openssl x509 -in "$crt" -noout -subject -nameopt compat 2>/dev/null)
	[ "$subj" = "subject=$3" ] || return 1
	openssl verify -CAfile "$ca" -x509_strict "$crt" >/dev/null 2>&1
}

# make_ca NAME SUBJECT
make_ca() {
	valid "$1" "$1" "$2" && return 1
	newkey "$tmp/$1.key"
	cat >"$tmp/$1.cnf" <<-EOF
		[req]
		distinguished_name = dn
		x509_extensions = ext
		prompt = no
		[dn]
		[ext]
		basicConstraints = critical, CA:TRUE, pathlen:0
		keyUsage = critical, keyCertSign, cRLSign
		subjectKeyIdentifier = hash
	EOF
	openssl req -x509 -new -config "$tmp/$1.cnf" -key "$tmp/$1.key" \
		-subj "$2" -days "$days" -sha256 -out "$tmp/$1.crt"
	mv "$tmp/$1.key" "$out/$1.key"
	mv "$tmp/$1.crt" "$out/$1.crt"
	echo "$out/$1.crt: $2"
}

# make_leaf NAME CA SUBJECT server|client - NAME signed by CA; a CA made
# anew (FORCE=1) makes it anew too.
make_leaf() {
	local name=$1 ca=$2 subj=$3 kind=$4
	if [ "${force:-0}" = 0 ] && valid "$name" "$ca" "$subj"; then
		return 0
	fi
	newkey "$tmp/$name.key"
	printf '[req]\ndistinguished_name = dn\nprompt = no\n[dn]\n' >"$tmp/req.cnf"
	openssl req -new -config "$tmp/req.cnf" -key "$tmp/$name.key" \
		-subj "$subj" -out "$tmp/$name.csr"
	{
		echo "basicConstraints = critical, CA:FALSE"
		echo "keyUsage = critical, digitalSignature"
		echo "authorityKeyIdentifier = keyid"
		echo "subjectKeyIdentifier = hash"
		if [ "$kind" = server ]; then
			echo "extendedKeyUsage = serverAuth"
			echo "subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1"
		else
			echo "extendedKeyUsage = clientAuth"
		fi
	} >"$tmp/$name.ext"
	openssl x509 -req -in "$tmp/$name.csr" -CA "$out/$ca.crt" \
		-CAkey "$out/$ca.key" -set_serial "0x$(openssl rand -hex 16)" \
		-days "$days" -sha256 -extfile "$tmp/$name.ext" \
		-out "$tmp/$name.crt" 2>/dev/null
	mv "$tmp/$name.key" "$out/$name.key"
	mv "$tmp/$name.crt" "$out/$name.crt"
	echo "$out/$name.crt: $subj"
}

force=0
make_ca ca "/O=i62608 test/CN=i62608 test CA" && force=1
make_leaf server ca "/O=i62608 test/CN=localhost" server
make_leaf gateway ca "/O=i62608 test/OU=gateway/CN=$gateway" client
make_leaf gateway2 ca "/O=i62608 test/OU=gateway/CN=$gateway-2" client
make_leaf operator ca "/O=i62608 test/OU=operator/CN=operator" client

force=0
make_ca wrong-ca "/O=i62608 test/CN=i62608 wrong test CA" && force=1
make_leaf wrong-gateway wrong-ca "/O=i62608 test/OU=gateway/CN=$gateway" client
make_leaf wrong-server wrong-ca "/O=i62608 test/CN=localhost" server
exit 0
