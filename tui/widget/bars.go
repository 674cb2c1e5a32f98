package widget

import (
	"math"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/dlearn/dlearn/lessons/scene"
)

// eighths are the partial blocks of a bar's last cell.
var eighths = []rune(" ▏▎▍▌▋▊▉")

// renderBars draws one horizontal bar per label, scaled to the largest
// magnitude, with the value at its end. Negative values are drawn in the
// negative colour and spelled with a minus; the highlighted bar is marked
// with ▶ and the accent.
func renderBars(bs *scene.Bars, w, h int, t *Theme) string {
	n := len(bs.Values)
	if n == 0 {
		return t.Muted.Render("(no bars)")
	}
	lw, vw := 0, 0
	scale := 0.0
	for i, v := range bs.Values {
		if i < len(bs.Labels) {
			lw = max(lw, ansi.StringWidth(bs.Labels[i]))
		}
		vw = max(vw, len([]rune(Num(v))))
		if finite(v) {
			scale = math.Max(scale, math.Abs(v))
		}
	}
	lw = min(lw, max(4, w/3))
	barW := max(1, w-lw-vw-4)
	first := 0
	if n > h && bs.Highlight >= 0 {
		first = min(max(0, bs.Highlight-h/2), n-h)
	}
	var lines []string
	for i := first; i < min(n, first+h); i++ {
		v := bs.Values[i]
		label := ""
		if i < len(bs.Labels) {
			label = bs.Labels[i]
		}
		mark, lk, k := " ", t.Label, t.SeriesInk(0)
		if v < 0 {
			k = t.NegStrong
		}
		if i == bs.Highlight {
			mark, lk, k = "▶", t.Accent, Ink{FG: t.SeriesInk(1).FG, Bold: true}
		}
		bar := ""
		if finite(v) && scale > 0 {
			eighthsN := int(math.Round(math.Abs(v) / scale * float64(barW*8)))
			bar = strings.Repeat("█", eighthsN/8)
			if r := eighthsN % 8; r > 0 {
				bar += string(eighths[r])
			}
		} else if !finite(v) {
			bar = "?"
		}
		lines = append(lines, mark+" "+lk.Render(padRight(label, lw))+" "+k.Render(padRight(bar, barW))+" "+padLeft(Num(v), vw))
	}
	return strings.Join(lines, "\n")
}
