package commands

import "testing"

func TestLooksAlike(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"County Health Dept", "County Health Department", true},
		{"county health dept", "County Health Department", true},
		{"Eastside Clinic", "Eastside Community Clinic", true},
		{"Health Dept", "County Health Department", true},
		{"The YMCA", "YMCA", true},
		{"Main St Pharmacy", "Main Street Pharmacy", true},
		{"County Hospital", "County Health Department", false},
		{"Mercy Clinic", "Mercy Hospital", false},
		{"YMCA", "YMCA of the Triangle Area", false},
		{"Clínica Salud", "Clinica Salud Familiar", true},
		{"Westside Library", "Eastside Library", false},
		{"Health", "County Health Department", false},
		{"!!!", "County", false},
	} {
		if got := looksAlike(tc.a, tc.b); got != tc.want {
			t.Errorf("looksAlike(%q, %q) = %v; want %v", tc.a, tc.b, got, tc.want)
		}
		if got := looksAlike(tc.b, tc.a); got != tc.want {
			t.Errorf("looksAlike(%q, %q) = %v; want %v", tc.b, tc.a, got, tc.want)
		}
	}
}
