package widget

import (
	"image/color"
	"math"
	"strings"

	"github.com/dlearn/dlearn/lessons/scene"
)

// shades draw pixel intensity without colour, low to high.
var shades = []rune(" ░▒▓█")

// negShades draw the magnitude of negative values of a signed image
// without colour, so that the sign survives NO_COLOR.
var negShades = []rune(" ·∙•●")

// renderImage draws the tiles side by side. Small tiles (and labelled
// ones, such as attention weights) get one line per pixel row and two
// columns per pixel; larger ones use half blocks (▀ with the upper pixel
// as foreground and the lower as background), shrunk by an integer
// factor when they do not fit. A colour scale with Min and Max closes the
// panel. Without colour, pixels are shade characters.
func renderImage(im *scene.Image, w, h int, t *Theme) string {
	if im.Rows <= 0 || im.Cols <= 0 || len(im.Tiles) == 0 {
		return t.Muted.Render("(empty image)")
	}
	rl := 0
	for _, l := range im.RowLabels {
		rl = max(rl, len([]rune(l)))
	}
	rl = min(rl, 8)
	if rl > 0 {
		rl++
	}
	top := 0
	if len(im.ColLabels) > 0 {
		top = 1
	}
	bottom := 1 // colour scale
	if len(im.Captions) > 0 {
		bottom++
	}
	availH := h - top - bottom
	if availH < 1 {
		return t.Muted.Render("(image: too small)")
	}
	// Pixel geometry: cols per pixel (pw), pixel rows per line (ppl), and
	// the shrink factor (step).
	half := !t.NoColor && rl == 0 && im.Rows > availH
	ppl, pw := 1, 2
	if half {
		ppl, pw = 2, 1
	}
	step := 1
	n := len(im.Tiles)
	tilesFit := func(step, pw int) int {
		tw := (im.Cols+step-1)/step*pw + 1
		return (w - rl + 1) / tw
	}
	fits := func(step, pw int) bool {
		return (im.Rows+step-1)/step <= availH*ppl && tilesFit(step, pw) >= 1
	}
	for !fits(step, pw) {
		if pw == 2 && fits(step, 1) {
			pw = 1
			break
		}
		step++
		if step > im.Rows+im.Cols {
			return t.Muted.Render("(image: too small)")
		}
	}
	if !half && pw == 2 && tilesFit(step, 2) < n && tilesFit(step, 1) >= n {
		pw = 1
	}
	shown := min(n, tilesFit(step, pw))
	pr, pc := (im.Rows+step-1)/step, (im.Cols+step-1)/step
	tileW := pc * pw
	lines := (pr + ppl - 1) / ppl
	pix := func(k, r, c int) float64 {
		// The mean of the step×step block; for a signed image (a
		// saliency map, a kernel) the value of largest magnitude, so
		// that signs of opposite pixels do not cancel to blank.
		sum, cnt, big := 0.0, 0, math.NaN()
		tile := im.Tiles[k]
		for y := r * step; y < min(im.Rows, (r+1)*step); y++ {
			for x := c * step; x < min(im.Cols, (c+1)*step); x++ {
				if v := at(tile, y*im.Cols+x); finite(v) {
					sum += v
					cnt++
					if math.IsNaN(big) || math.Abs(v) > math.Abs(big) {
						big = v
					}
				}
			}
		}
		if cnt == 0 {
			return math.NaN()
		}
		if im.Signed && step > 1 {
			return big
		}
		return sum / float64(cnt)
	}
	var out []string
	if top == 1 {
		var b strings.Builder
		b.WriteString(strings.Repeat(" ", rl))
		for k := range shown {
			for c := range pc {
				l := ""
				if c*step < len(im.ColLabels) {
					l = im.ColLabels[c*step]
				}
				b.WriteString(t.Label.Render(padRight(l, pw)))
			}
			if k < shown-1 {
				b.WriteByte(' ')
			}
		}
		out = append(out, b.String())
	}
	for y := range lines {
		var b strings.Builder
		if rl > 0 {
			l := ""
			if y*step < len(im.RowLabels) {
				l = im.RowLabels[y*step]
			}
			b.WriteString(t.Label.Render(padRight(l, rl-1)) + " ")
		}
		for k := range shown {
			if k > 0 {
				b.WriteByte(' ')
			}
			for c := range pc {
				if half {
					upper := pix(k, 2*y, c)
					lower := math.NaN()
					if 2*y+1 < pr {
						lower = pix(k, 2*y+1, c)
					}
					b.WriteString(Ink{FG: t.pixColor(upper, im), BG: t.pixColor(lower, im)}.Render("▀"))
					continue
				}
				v := pix(k, y, c)
				if t.NoColor {
					i := scaleIndex(v, im.Min, im.Max, false, len(shades))
					g := shades
					if im.Signed {
						i = scaleIndex(math.Abs(v), 0, math.Max(math.Abs(im.Min), math.Abs(im.Max)), false, len(shades))
						if v < 0 {
							g = negShades
						}
					}
					b.WriteString(strings.Repeat(string(g[i]), pw))
					continue
				}
				b.WriteString(Ink{BG: t.pixColor(v, im)}.Render(strings.Repeat(" ", pw)))
			}
		}
		out = append(out, b.String())
	}
	if len(im.Captions) > 0 {
		var b strings.Builder
		b.WriteString(strings.Repeat(" ", rl))
		for k := range shown {
			cap := ""
			if k < len(im.Captions) {
				cap = im.Captions[k]
			}
			b.WriteString(padRight(cap, tileW+1))
		}
		out = append(out, t.Label.Render(b.String()))
	}
	scale := colorScale(im, t)
	if shown < n {
		scale += t.Muted.Render("  (+" + itoa(n-shown) + " more)")
	}
	if step > 1 {
		scale += t.Muted.Render("  1:" + itoa(step))
	}
	out = append(out, scale)
	return strings.Join(out, "\n")
}

// pixColor is the colour of pixel value v, nil for a missing pixel.
func (t *Theme) pixColor(v float64, im *scene.Image) color.Color {
	if math.IsNaN(v) {
		return nil
	}
	return t.scaleColor(v, im.Min, im.Max, im.Signed)
}

// colorScale is a one-line legend: min, a strip of the scale, max.
func colorScale(im *scene.Image, t *Theme) string {
	lo, hi := axisNum(im.Min), axisNum(im.Max)
	if im.Signed {
		m := math.Max(math.Abs(im.Min), math.Abs(im.Max))
		lo, hi = axisNum(-m), axisNum(m)
	}
	var b strings.Builder
	b.WriteString(t.Axis.Render(lo) + " ")
	if t.NoColor {
		if im.Signed {
			r := []rune(string(negShades[1:]))
			for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
				r[i], r[j] = r[j], r[i]
			}
			b.WriteString(string(r) + " 0 " + string(shades[1:]))
		} else {
			b.WriteString(string(shades))
		}
	} else {
		n := 12
		for i := range n {
			f := float64(i) / float64(n-1)
			var v float64
			if im.Signed {
				m := math.Max(math.Abs(im.Min), math.Abs(im.Max))
				v = -m + 2*m*f
			} else {
				v = im.Min + (im.Max-im.Min)*f
			}
			b.WriteString(Ink{BG: t.scaleColor(v, im.Min, im.Max, im.Signed)}.Render(" "))
		}
	}
	b.WriteString(" " + t.Axis.Render(hi))
	return b.String()
}
