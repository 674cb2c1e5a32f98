package tui

import (
	"encoding/json"
	"regexp"
	"strings"
	"unicode/utf8"

	"charm.land/glamour/v2"
	gstyles "charm.land/glamour/v2/styles"
)

// markdown renders lesson narratives with glamour and caches the result
// by text, width and style: glamour takes milliseconds per render, and
// the same narrative is drawn again on every resize, focus change and
// key press. Renderers are cached per width and style too.
type markdown struct {
	renderers map[mdKey]*glamour.TermRenderer
	out       map[mdKey]string
}

type mdKey struct {
	style string
	width int
	text  string
}

// maxMarkdownCache bounds the cache; it is cleared when full (narratives
// change with every op, so old entries are rarely worth keeping).
const maxMarkdownCache = 128

func newMarkdown() *markdown {
	return &markdown{renderers: map[mdKey]*glamour.TermRenderer{}, out: map[mdKey]string{}}
}

// noColorStyle names the dark style with every colour removed: bold,
// italics and layout stay, so NO_COLOR output is plain but still readable
// (glamour's own "notty" style prints **markers** instead of bold).
const noColorStyle = "nocolor"

// styleName picks glamour's style.
func styleName(dark, noColor bool) string {
	switch {
	case noColor:
		return noColorStyle
	case dark:
		return gstyles.DarkStyle
	}
	return gstyles.LightStyle
}

// render returns text as terminal Markdown wrapped to width. If glamour
// fails, the text is returned as it is: a narrative is never lost.
func (md *markdown) render(text string, width int, style string) string {
	width = max(width, 10)
	k := mdKey{style: style, width: width, text: text}
	if s, ok := md.out[k]; ok {
		return s
	}
	rk := mdKey{style: style, width: width}
	r, ok := md.renderers[rk]
	if !ok {
		var err error
		opt := glamour.WithStandardStyle(style)
		if style == noColorStyle {
			opt = glamour.WithStylesFromJSONBytes(noColorJSON())
		}
		r, err = glamour.NewTermRenderer(opt, glamour.WithWordWrap(width))
		if err != nil {
			return text
		}
		md.renderers[rk] = r
	}
	s, err := r.Render(wrapFormulas(minusSigns(text), width-6))
	if err != nil {
		return text
	}
	s = strings.Trim(s, "\n")
	if len(md.out) >= maxMarkdownCache {
		clear(md.out)
	}
	md.out[k] = s
	return s
}

// breakAt are the places a long formula line may be broken, before the
// operator, in order of preference.
var breakAt = []string{" = ", " → ", " + ", " − ", " - ", " × ", " · ", "/("}

// wrapFormulas breaks the lines of indented code blocks (the formulas of
// lesson narratives) that are longer than width at an operator, continuing
// them two columns further in. Glamour would otherwise cut them wherever the
// width ends, often in the middle of a number.
func wrapFormulas(text string, width int) string {
	if width < 16 || !strings.Contains(text, "\n    ") {
		return text
	}
	lines := strings.Split(text, "\n")
	out := make([]string, 0, len(lines))
	for _, line := range lines {
		if !strings.HasPrefix(line, "    ") {
			out = append(out, line)
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		cont := strings.Repeat(" ", indent+2)
		for utf8.RuneCountInString(line) > width {
			cut := -1
			for _, op := range breakAt {
				// the last break that leaves the first part within width
				for i := strings.Index(line, op); i >= 0; {
					if utf8.RuneCountInString(line[:i]) > width {
						break
					}
					if i > indent+4 {
						cut = i
					}
					j := strings.Index(line[i+1:], op)
					if j < 0 {
						break
					}
					i += 1 + j
				}
				if cut >= 0 {
					break
				}
			}
			if cut < 0 {
				break
			}
			out = append(out, strings.TrimRight(line[:cut], " "))
			line = cont + strings.TrimLeft(line[cut:], " ")
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// noColorJSON is glamour's dark style as JSON without any colour: every
// "color", "background_color" and "chroma" key is dropped.
func noColorJSON() []byte {
	raw, err := json.Marshal(gstyles.DarkStyleConfig)
	if err != nil {
		return []byte(`{}`)
	}
	var tree any
	if json.Unmarshal(raw, &tree) != nil {
		return []byte(`{}`)
	}
	var strip func(v any)
	strip = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "color")
			delete(x, "background_color")
			delete(x, "chroma")
			for _, c := range x {
				strip(c)
			}
		case []any:
			for _, c := range x {
				strip(c)
			}
		}
	}
	strip(tree)
	// Inline code is padded with spaces meant to sit on a coloured
	// background; without colour they only look like stray gaps.
	if m, ok := tree.(map[string]any); ok {
		if code, ok := m["code"].(map[string]any); ok {
			delete(code, "prefix")
			delete(code, "suffix")
		}
	}
	out, err := json.Marshal(tree)
	if err != nil {
		return []byte(`{}`)
	}
	return out
}

// negative matches an ASCII hyphen used as a minus sign: before a digit
// and after a space, an opening bracket or an operator.
var negative = regexp.MustCompile(`(^|[\s(\[{,=·×/*:])-(\d|\.\d)`)

// minusSigns writes negative numbers with a real minus sign (U+2212): it
// reads better, and the word wrap never breaks a line between a hyphen
// and its number, which it does with "-".
func minusSigns(text string) string {
	return negative.ReplaceAllString(text, "${1}−${2}")
}
