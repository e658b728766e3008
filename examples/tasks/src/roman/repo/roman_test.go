package roman

import "testing"

func TestToRoman(t *testing.T) {
	cases := []struct {
		name string
		n    int
		want string
	}{
		{"one", 1, "I"},
		{"additive", 2023, "MMXXIII"},
		{"largest", 3888, "MMMDCCCLXXXVIII"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ToRoman(c.n)
			if err != nil || got != c.want {
				t.Fatalf("ToRoman(%d) = %q, %v; want %q", c.n, got, err, c.want)
			}
		})
	}
}

func TestToRomanOutOfRange(t *testing.T) {
	for _, n := range []int{0, -5, 4000} {
		if _, err := ToRoman(n); err == nil {
			t.Errorf("ToRoman(%d) gave no error", n)
		}
	}
}

func TestFromRoman(t *testing.T) {
	for text, want := range map[string]int{"XIV": 14, "MCMXC": 1990, "MMXXIII": 2023} {
		if got, err := FromRoman(text); err != nil || got != want {
			t.Errorf("FromRoman(%q) = %d, %v; want %d", text, got, err, want)
		}
	}
}
