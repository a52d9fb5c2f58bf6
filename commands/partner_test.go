package commands_test

import (
	"strings"
	"testing"
)

// TestPartnerNamesIgnoreAccentsAndCase: a partner added with accents is
// found by its name, id or prefix typed without them, in any case, and a
// near miss suggests it.
func TestPartnerNamesIgnoreAccentsAndCase(t *testing.T) {
	hs := newHarness(t)
	hs.seed()
	if r := hs.mustOK(member, `partner add "Clínica Salud" kind:clinic`); !strings.Contains(r.Text, "*Clínica Salud* (`clinica-salud`)") {
		t.Errorf("partner add: %q; want the name kept and a folded id", r.Text)
	}
	for _, text := range []string{"partner show clinica", "partner show CLÍNICA", "partner show clinica salud", `partner show "CLINICA SALUD"`, "history clínica-salud"} {
		if r := hs.mustOK(member, text); !strings.Contains(r.Text, "Clínica Salud") {
			t.Errorf("%q: %q", text, r.Text)
		}
	}
	if r := hs.do(member, "partner show clinca"); !strings.Contains(r.Text, "Did you mean `clinica-salud`?") {
		t.Errorf("a misspelt name: %q", r.Text)
	}
	if r := hs.do(member, `partner add "clinica salud"`); !strings.Contains(r.Text, "already a partner `clinica-salud`") {
		t.Errorf("the same name without accents added again: %q", r.Text)
	}
}
