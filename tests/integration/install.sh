#!/bin/sh
# What `make install` puts on a bench, and the udev rules it brings.
. "$(dirname "$0")/../lib/tap.sh"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RULES="$ROOT/udev/70-atelier.rules"

check "make install honours PREFIX and DESTDIR" \
    make -s -C "$ROOT" install PREFIX=/opt/atelier DESTDIR="$T/dest"
check "the binary is installed and runs" \
    sh -c "test -x $T/dest/opt/atelier/bin/atelier && $T/dest/opt/atelier/bin/atelier --version | grep -q atelier"
check "the man page is installed" test -f "$T/dest/opt/atelier/share/man/man1/atelier.1"
check "the udev rules are installed" test -f "$T/dest/opt/atelier/lib/udev/rules.d/70-atelier.rules"
check "the checklists directory is installed" test -d "$T/dest/opt/atelier/share/atelier/checklists"
check "the certification policy is installed with the checklists" \
    test -f "$T/dest/opt/atelier/share/atelier/checklists/policy.yaml"
check "the checklists' pictures are installed in their subfolder, as the checklists name them" \
    sh -c "test -f $T/dest/opt/atelier/share/atelier/checklists/images/ports-and-buttons.svg &&
           cd $T/dest/opt/atelier/share/atelier/checklists &&
           test -z \"\$($T/dest/opt/atelier/bin/atelier checklist lint . 2>&1 | grep 'not found')\""
check "the PDF drawer is installed where the installed atelier looks for it" \
    sh -c "test -x $T/dest/opt/atelier/lib/atelier/atelier-pdf &&
           $T/dest/opt/atelier/lib/atelier/atelier-pdf $T/c.pdf fr 'atelier-cert:1:X:Y' \
               < $ROOT/tests/fixtures/certificate-example.json &&
           pdfinfo $T/c.pdf | grep -q '^Pages: *1$'"
check "the bench program itself does not load the PDF libraries" \
    sh -c "! ldd $T/dest/opt/atelier/bin/atelier | grep -Eq 'cairo|qrencode|fontconfig'"
UNIT="$T/dest/opt/atelier/lib/systemd/system/atelier.service"
check "a systemd unit is installed, run as the atelier system user" \
    sh -c "grep -qx 'User=atelier' '$UNIT' && grep -qx 'Group=atelier' '$UNIT'"
check "its data directory is the atelier user's own, 0700, files made 0600" \
    sh -c "grep -qx 'StateDirectoryMode=0700' '$UNIT' && grep -qx 'UMask=0077' '$UNIT' &&
           grep -qx 'Environment=ATELIER_DATA=/var/lib/atelier' '$UNIT'"
check "it runs the installed atelier" \
    sh -c "grep -qx 'ExecStart=/opt/atelier/bin/atelier serve' '$UNIT' && ! grep -q @BINDIR@ '$UNIT'"
check "the system user is declared for systemd-sysusers" \
    grep -q '^u atelier ' "$T/dest/opt/atelier/lib/sysusers.d/atelier.conf"
if command -v systemd-analyze >/dev/null 2>&1; then
    check "systemd finds nothing wrong in the unit" \
        sh -c "sed 's|/opt/atelier/bin/atelier|/bin/true|' '$UNIT' > '$T/atelier.service' &&
               test -z \"\$(systemd-analyze verify --man=no '$T/atelier.service' 2>&1)\""
fi
check "the command line's catalogues are installed (French, Dutch, Arabic)" \
    sh -c "test -s '$T/dest/opt/atelier/share/locale/fr/LC_MESSAGES/atelier.mo' &&
           test -s '$T/dest/opt/atelier/share/locale/nl/LC_MESSAGES/atelier.mo' &&
           test -s '$T/dest/opt/atelier/share/locale/ar/LC_MESSAGES/atelier.mo'"
check "every account's command line is pointed at the server (profile.d)" \
    grep -qx 'export ATELIER_SERVER=http://127.0.0.1:8080' "$T/dest/etc/profile.d/atelier.sh"
check "nothing is installed outside DESTDIR" sh -c "! test -e /opt/atelier"
check "make uninstall removes it all" \
    sh -c "make -s -C $ROOT uninstall PREFIX=/opt/atelier DESTDIR=$T/dest && ! test -e $T/dest/opt/atelier/bin/atelier && ! test -e $T/dest/opt/atelier/lib/atelier/atelier-pdf && ! test -e $T/dest/opt/atelier/lib/udev/rules.d/70-atelier.rules && ! test -e $T/dest/opt/atelier/lib/systemd/system/atelier.service && ! test -e $T/dest/etc/profile.d/atelier.sh"

# Every rule gives the plugdev group read/write, never the world.
rules=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$RULES" | grep -v '^#' | grep -v '^[[:space:]]*$')
check "every rule is for plugdev with mode 0660" \
    sh -c "echo '$rules' | grep -v 'GROUP=\"plugdev\"' | grep -q . && exit 1; echo '$rules' | grep -v 'MODE=\"0660\"' | grep -q . && exit 1; exit 0"
check "no rule is world-writable" sh -c "! grep -Eq 'MODE=\"0?[0-7][0-7][2367]\"' $RULES"
check "every rule matches USB devices only" \
    sh -c "echo '$rules' | grep -v 'SUBSYSTEM==\"usb\", ENV{DEVTYPE}==\"usb_device\"' | grep -q . && exit 1; exit 0"
for sig in ff4201 ff4203 060101; do
    check "interface $sig is covered" grep -q "\*:$sig:\*" "$RULES"
done
for id in 05ac:129 05ac:12a 05ac:128 05ac:1227 05ac:1222 04e8:685d 05c6:9008 0e8d:0003 0e8d:2000 18d1:2d0; do
    v=${id%%:*}; p=${id#*:}
    check "product $id has a rule" \
        sh -c "echo '$rules' | grep \"idVendor}==\\\"$v\\\"\" | grep -q \"idProduct}==\\\"[^\\\"]*$p\""
done

done_testing
