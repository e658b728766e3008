// Package wordwrap breaks text into lines of at most a given width for terminal output.
package wordwrap

import (
	"strings"
	"unicode/utf8"
)

// Wrap breaks text at spaces so that no line is longer than width characters. A word longer
// than width gets a line of its own. Runs of spaces between words collapse to one.
func Wrap(text string, width int) []string {
	var lines []string
	var line strings.Builder
	chars := 0 // characters (runes) in line; line.Len() counts bytes
	for _, word := range strings.Fields(text) {
		n := utf8.RuneCountInString(word)
		if chars > 0 && chars+1+n > width {
			lines = append(lines, line.String())
			line.Reset()
			chars = 0
		}
		if chars > 0 {
			line.WriteByte(' ')
			chars++
		}
		line.WriteString(word)
		chars += n
	}
	if line.Len() > 0 {
		lines = append(lines, line.String())
	}
	return lines
}
