#!/bin/sh
# `atelier devices --json` run as umockdev-run runs any program, on the real recording
# of a Sony Xperia Mini Pro (tests/fixtures/usb, source line kept in the file).
. "$(dirname "$0")/../lib/tap.sh"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
FIX="$(dirname "$0")/../fixtures/usb/sony-xperia-mini-pro.umockdev"
# umockdev's format has no comments: strip the source line first.
grep -v '^# source:' "$FIX" > "$T/sony.umockdev"

check "devices --json runs under umockdev-run" \
    sh -c "umockdev-run --device $T/sony.umockdev -- $ATELIER devices --json > $T/out.json"
check "the Sony is listed once, by its port" \
    sh -c "test \$(grep -c '\"id\"' $T/out.json) -eq 1 && grep -q '\"id\": \"usb:1-1.5.2.4\"' $T/out.json"
check "it is an Android phone in MTP mode" \
    sh -c "grep -q '\"platform\": \"android\"' $T/out.json && grep -q '\"mode\": \"mtp\"' $T/out.json"
check "its names come from usb.ids and its serial from the device" \
    sh -c "grep -q '\"product_name\": \"Xperia Mini Pro\"' $T/out.json && grep -q '\"serial\": \"0123456789ABCDEF\"' $T/out.json"
check "devices --all adds the hubs on its way" \
    sh -c "umockdev-run --device $T/sony.umockdev -- $ATELIER devices --all | grep -c '^usb:' | grep -qx 5"
check "the text listing names the phone for the trainee" \
    sh -c "umockdev-run --device $T/sony.umockdev -- $ATELIER devices | grep 'usb:1-1.5.2.4' | grep -q 'Xperia Mini Pro'"

done_testing
