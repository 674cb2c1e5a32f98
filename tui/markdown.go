package tui

import (
	"strings"

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

// styleName picks glamour's style: "notty" has no colour at all.
func styleName(dark, noColor bool) string {
	switch {
	case noColor:
		return gstyles.NoTTYStyle
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
		r, err = glamour.NewTermRenderer(glamour.WithStandardStyle(style), glamour.WithWordWrap(width))
		if err != nil {
			return text
		}
		md.renderers[rk] = r
	}
	s, err := r.Render(text)
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
