package validator

import "testing"

// TestOnlyKeysIsCheckKeys: the scan's verdict on an object's keys, and the
// violation it records, are checkKeys' on every subset of the keys a
// button may hold and two it may not.
func TestOnlyKeysIsCheckKeys(t *testing.T) {
	t.Parallel()
	sets := []keySet{defaultActionKeys}
	for _, b := range buttonKeysByType {
		sets = append(sets, b.keys)
	}
	tables := []struct {
		table keyTable
		sets  []keySet
	}{{buttonTable, sets}, {genericElementTable, []keySet{genericElementKeys}}}
	for _, tb := range tables {
		cands := append([]string{"zz", "aa", "type"}, tb.table...)
		if len(cands) > 16 {
			t.Fatalf("too many candidates: %d", len(cands))
		}
		for bits := 0; bits < 1<<len(cands); bits++ {
			obj := map[string]any{}
			for i, k := range cands {
				if bits&(1<<i) != 0 {
					obj[k] = "x"
				}
			}
			for _, ks := range tb.sets {
				var want, got report
				var f fields
				tb.table.fields(obj, &f)
				wantOK := want.checkKeys(obj, ks.set, Root("b"), ruleButtonKeys)
				gotOK := got.onlyKeys(&f, ks, Root("b"), ruleButtonKeys)
				if wantOK != gotOK || violationsText(want.out) != violationsText(got.out) {
					t.Fatalf("keys %v, allowed %v: onlyKeys %v%s, checkKeys %v%s", obj, ks.set, gotOK, violationsText(got.out), wantOK, violationsText(want.out))
				}
			}
		}
	}
}

func TestKeyTableRefusesAnUnknownKey(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("keys of a key outside the table did not panic")
		}
	}()
	buttonTable.keys("type", "nope")
}
