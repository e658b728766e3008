// Package wordwrap breaks text into lines of at most a given width for terminal output.
package wordwrap

import "strings"

// Wrap breaks text at spaces so that no line is longer than width characters. A word longer
// than width gets a line of its own. Runs of spaces between words collapse to one.
func Wrap(text string, width int) []string {
	var lines []string
	var line strings.Builder
	for _, word := range strings.Fields(text) {
		if line.Len() > 0 && line.Len()+1+len(word) > width {
			lines = append(lines, line.String())
			line.Reset()
		}
		if line.Len() > 0 {
			line.WriteByte(' ')
		}
		line.WriteString(word)
	}
	if line.Len() > 0 {
		lines = append(lines, line.String())
	}
	return lines
}
