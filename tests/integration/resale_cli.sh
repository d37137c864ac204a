#!/bin/sh
# The resale office's day, as it sees it (docs/resale.md): a certified iPhone sold at a
# price typed the French way, the refusals in plain words (bad price, unknown channel, a
# name for a buyer reference, not certified); a return that revokes its certificate
# (atelier verify says so) and puts it back in repair; certified and sold again. Then a
# donor's batch of three devices: one sold, one recycled only once the destruction of its
# storage is recorded, one kept for parts without a record; the donor's erasure report
# as CSV read back row for row by Python's csv module, and as a PDF read back by
# pdftotext. Every chain checks at the end.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/accounts.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
SC="$ROOT/tests/fakes/scenarios/iphone-ios17-paired.json"
J="python3 $ROOT/tests/lib/jq.py"
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE" "$T/checklists"
trap 'sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; rm -rf "$T"' EXIT

. "$ROOT/tests/lib/certified_iphone.sh"

expect_status 1 "a device not certified yet is not sold" \
    $A device sell $S --price 89 --channel shop --by claire
check "and the refusal says why in plain words" \
    sh -c "$A device sell $S --price 89 --channel shop --by claire 2>&1 | grep -q '$S is in_repair, not certified: only a certified device is sold'"
check "the device is certified" sh -c "$A certify $U --by claire | grep -q '^certificate ATL-'"
CID=$($A certificate list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
check "set-state cannot make it sold: the sale is recorded with its price" \
    sh -c "! $A device set-state $S sold --why buyer --by claire 2>$T/err &&
           grep -q \"a device is recorded as sold with 'atelier device sell'\" $T/err"
expect_status 2 "a price in words is refused" $A device sell $S --price 'quatre-vingts' --channel shop --by claire
check "and the refusal shows how to write one" \
    sh -c "$A device sell $S --price 89.505 --channel shop --by claire 2>&1 | grep -q \"'89.505' is not a price: write it in euros, as 89, 89.50 or 89,50\""
check "an unknown channel is refused, naming the four" \
    sh -c "! $A device sell $S --price 89 --channel ebay --by claire 2>$T/err &&
           grep -q \"'ebay' is not a channel of sale: shop, online, partner or donation\" $T/err"
check "a price of 0 is only a donation" \
    sh -c "! $A device sell $S --price 0 --channel shop --by claire 2>$T/err && grep -q 'a price of 0 is a donation' $T/err"
check "a buyer reference that reads like a name is refused" \
    sh -c "! $A device sell $S --price 89 --channel shop --buyer-ref 'Jean Dupont' --by claire 2>$T/err &&
           grep -q \"never the buyer's name\" $T/err"
expect_status 1 "a trainee does not sell" $A device sell $S --price 89 --channel shop --by amina
check "nothing was recorded by the refusals" \
    test "$(records_sql "$T/data" 'SELECT COUNT(*) FROM sale')" = 0
check "the instructor sells it at 89,50 euros, the French way, with an invoice number" \
    sh -c "$A device sell $S --price 89,50 --channel shop --buyer-ref INV-2026-0042 --by claire --json > $T/sale.json &&
           $J $T/sale.json \"d['price_cents']\" 8950 && $J $T/sale.json \"d['price']\" 89.50 &&
           $J $T/sale.json \"d['stock_number']\" AT-000001 && $J $T/sale.json \"d['certificate']\" $CID"
check "the device is sold, and its history says at what price" \
    sh -c "$A device show $S > $T/show.out && grep -q '^device 1 (ios): sold' $T/show.out &&
           grep -q 'certified -> sold  by claire: sold: 89.50 EUR, INV-2026-0042' $T/show.out"
check "a device is found by the stock number on its label, written in any case" \
    sh -c "$A device show AT-000001 > $T/stock.out && grep -q '^device 1 (ios): sold' $T/stock.out && $A device show at-1 --json | python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)[\"id\"] != 1)'"
expect_status 7 "a stock number no device has is refused, named (no such device: 7)" \
    sh -c "$A device show AT-000999 2>$T/err; rc=\$?; grep -q \"no device 'AT-000999' is known\" $T/err && exit \$rc"
check "the sold device's certificate still verifies" \
    sh -c "$A certificate export $CID --json $T/cert.json >/dev/null && $A verify $T/cert.json | grep -q '^valid:'"
check "a sold device is not sold twice" \
    sh -c "! $A device sell $S --price 89 --channel shop --by claire 2>$T/err && grep -q 'it was sold already' $T/err"

check "a return needs a reason" sh -c "! $A device return $S --by boss 2>$T/err && grep -q 'say why the device comes back' $T/err"
check "only an admin takes a sold device back, as the lifecycle table says" \
    sh -c "! $A device return $S --why 'screen flickers' --by claire 2>$T/err &&
           grep -q 'only an admin can take a sold device back into repair' $T/err"
check "the admin takes it back: its certificate is revoked" \
    sh -c "$A device return $S --why 'screen flickers' --by boss > $T/return.out &&
           grep -q 'sold -> in_repair (by boss: screen flickers)' $T/return.out &&
           grep -q \"certificate $CID is revoked\" $T/return.out"
expect_status 8 "atelier verify now says the certificate is not valid" $A verify "$T/cert.json"
check "and says it was withdrawn at its return, with the reason" \
    sh -c "$A verify $T/cert.json | grep -q \"certificate $CID was withdrawn by boss on .*: returned: screen flickers\""
check "the device is in repair again" \
    sh -c "$A device show $S --json > $T/dev.json && $J $T/dev.json \"d['state']\" in_repair"
check "it is certified again" sh -c "$A certify $U --by claire | grep -q '^certificate ATL-'"
CID2=$($A certificate list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
check "with a new certificate" test -n "$CID2" -a "$CID2" != "$CID"
check "and sold again, as a donation at 0" \
    sh -c "$A device sell $S --price 0 --channel donation --by claire | grep -q 'donated: 0.00 EUR by donation'"

# Two more devices of the same donor: an older iPhone and an iPad.
sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1
sh "$FAKECTL" start "$T/fake" "$ROOT/tests/fakes/scenarios/iphone-old-armpmu.json" >/dev/null
$A probe >/dev/null
sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1
sh "$FAKECTL" start "$T/fake" "$ROOT/tests/fakes/scenarios/ipad-wifi-paired.json" >/dev/null
$A probe >/dev/null
OLD=F17ABCDEFF9R
PAD=DMPGTEST0Q1G
check "three devices are known" test "$($A device list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 3

expect_status 1 "a trainee does not make intake batches" $A intake batch b1 --donor x --by amina
check "an instructor makes a batch for a donor" \
    sh -c "$A intake batch lot-2026-12 --donor 'Banque Exemple, Bruxelles' --by claire | grep -q '^batch lot-2026-12 from Banque Exemple, Bruxelles'"
check "a batch name is one word" \
    sh -c "! $A intake batch 'lot 2' --donor x --by claire 2>$T/err && grep -q \"'lot 2' is not a batch name\" $T/err"
check "two batches do not share a name" \
    sh -c "! $A intake batch lot-2026-12 --donor x --by claire 2>$T/err && grep -q \"there is a batch 'lot-2026-12' already\" $T/err"
check "devices are put in it, each with its stock number" \
    sh -c "$A intake add lot-2026-12 $S $OLD $PAD --by claire > $T/add.out &&
           grep -q '^$S (AT-000001) is in batch lot-2026-12' $T/add.out &&
           grep -q '^$PAD (AT-000003) is in batch lot-2026-12' $T/add.out"
$A intake batch lot-b --donor 'Another donor' --by claire >/dev/null
check "a device belongs to one batch: a second is refused, naming the first" \
    sh -c "! $A intake add lot-b $OLD --by claire 2>$T/err && grep -q \"$OLD is in batch 'lot-2026-12' already\" $T/err"
check "intake list shows each batch with its donor and device count" \
    sh -c "XDG_RUNTIME_DIR=$T/run/claire $A intake list > $T/list.out && grep -q '^lot-2026-12 .* 3 device(s)  Banque Exemple, Bruxelles' $T/list.out &&
           grep -q '^lot-b .* 0 device(s)  Another donor' $T/list.out"
check "and as JSON" sh -c "XDG_RUNTIME_DIR=$T/run/claire $A intake list --json > $T/list.json && $J $T/list.json \"[b['devices'] for b in d['batches']]\" '[0, 3]'"

check "a device is put on a shelf, and moved (the latest wins)" \
    sh -c "$A device shelf $OLD 'B-2' --by amina >/dev/null && $A device shelf $OLD 'Recycling box' --by amina | grep -q 'is at Recycling box'"
check "recycling a device without a wipe or destruction record is refused, saying how to record one" \
    sh -c "! $A device set-state $OLD recycled --why 'board dead' --by claire 2>$T/err &&
           grep -q 'has no approved data wipe and no destruction record' $T/err &&
           grep -q \"atelier device destroy $OLD --method TEXT\" $T/err"
expect_status 1 "a trainee does not record a destruction" $A device destroy $OLD --method drilled --by amina
check "the instructor records how its storage was destroyed" \
    sh -c "$A device destroy $OLD --method 'storage chip drilled through' --by claire | grep -q 'the destruction of its storage is recorded'"
check "then it goes to recycling" $A device set-state $OLD recycled --why 'board dead' --by claire
check "the iPad is kept for parts without a record" $A device set-state $PAD parts --why 'cracked frame' --by claire

check "the erasure report is refused to a trainee" \
    sh -c "! $A report erasure --batch lot-2026-12 2>$T/err && grep -q 'only an instructor or an admin reads the batches' $T/err"
signin claire
check "the donor's erasure report as CSV" $A report erasure --batch lot-2026-12 --output "$T/erasure.csv"
check "read back by Python's csv module, row for row" python3 - "$T/erasure.csv" "$W" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
assert [r["stock_number"] for r in rows] == ["AT-000001", "AT-000002", "AT-000003"], rows
sold, old, pad = rows
assert sold["serial"] == "C1QQABCD4R" and sold["outcome"] == "donated", sold
assert sold["record"] == "wipe" and sold["method"].startswith("NIST SP 800-88 Rev. 2 purge"), sold
assert sold["job"] == sys.argv[2] and sold["second_check"].startswith("passed "), sold
assert old["outcome"] == "recycled" and old["record"] == "destruction", old
assert old["method"] == "storage chip drilled through", old
assert pad["outcome"] == "parts" and pad["record"] == "none", pad
assert pad["method"] == "no wipe or destruction record yet", pad
assert open(sys.argv[1], "rb").read().count(b"\r\n") == 4  # RFC 4180 line ends
PY
check "the donor's erasure report as a PDF, in the workshop's language" \
    sh -c "$A report erasure --batch lot-2026-12 --format pdf --output $T/erasure.pdf && pdfinfo $T/erasure.pdf | grep -q '^Pages: *1$'"
pdftotext "$T/erasure.pdf" - | tr '\n' ' ' > "$T/erasure.txt"
check "the PDF lists the three devices with their stock numbers and records, in French" \
    sh -c "grep -q \"Rapport d'effacement des données\" $T/erasure.txt && grep -q 'Gardé pour les pièces' $T/erasure.txt &&
           grep -q 'AT-000001' $T/erasure.txt && grep -q 'AT-000002' $T/erasure.txt && grep -q 'AT-000003' $T/erasure.txt &&
           grep -q 'C1QQABCD4R' $T/erasure.txt && grep -q 'Banque Exemple, Bruxelles' $T/erasure.txt &&
           grep -q 'NIST SP 800-88' $T/erasure.txt && grep -q 'storage chip drilled' $T/erasure.txt"
check "in English on request, with the device kept for parts shown without a record" \
    sh -c "$A report erasure --batch lot-2026-12 --format pdf --lang en --output $T/erasure-en.pdf &&
           pdftotext $T/erasure-en.pdf - | tr '\n' ' ' > $T/en.txt &&
           grep -q 'Data erasure report' $T/en.txt && grep -q 'Kept for parts' $T/en.txt &&
           grep -q 'No wipe or destruction record yet' $T/en.txt && grep -q '3 devices: 1 wiped' $T/en.txt"
check "an unknown batch is named in the refusal" \
    sh -c "! $A report erasure --batch nope 2>$T/err && grep -q \"there is no batch 'nope'\" $T/err"
check "every chain of the records checks after the sales, return, batches and records" \
    sh -c "$A db check > $T/check.out && grep -q 'ok' $T/check.out"
sale_changed() {
    records_unguarded "$T/data" sale sale_no_update 'UPDATE sale SET price_cents = 1 WHERE id = 1' &&
        ! $A db check >"$T/bad.out" 2>&1
}
check "a sale changed behind Atelier's back is found" sale_changed

done_testing
