// Package roman converts between integers and Roman numerals (1 to 3999).
package roman

import (
	"fmt"
	"strings"
)

var symbols = []struct {
	value int
	text  string
}{
	{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"},
	{50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"},
}

// ToRoman writes n in Roman numerals.
func ToRoman(n int) (string, error) {
	if n < 1 || n > 3999 {
		return "", fmt.Errorf("roman: %d is out of range (1 to 3999)", n)
	}
	var b strings.Builder
	for _, s := range symbols {
		for n >= s.value {
			b.WriteString(s.text)
			n -= s.value
		}
	}
	return b.String(), nil
}

// FromRoman reads a Roman numeral, including subtractive pairs such as IV and CM.
func FromRoman(text string) (int, error) {
	values := map[byte]int{'I': 1, 'V': 5, 'X': 10, 'L': 50, 'C': 100, 'D': 500, 'M': 1000}
	total := 0
	for i := 0; i < len(text); i++ {
		v, ok := values[text[i]]
		if !ok {
			return 0, fmt.Errorf("roman: bad digit %q in %q", text[i], text)
		}
		if i+1 < len(text) && values[text[i+1]] > v {
			total -= v
		} else {
			total += v
		}
	}
	if total < 1 {
		return 0, fmt.Errorf("roman: %q is not a numeral", text)
	}
	return total, nil
}
