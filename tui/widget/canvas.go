package widget

import (
	"strings"
)

// canvas is a grid of terminal cells. Each cell shows either a rune set
// with put, or the braille pattern of the dots set in it (two columns by
// four rows of dots per cell), drawn with the cell's ink. A cell's
// background can be set independently of what it shows.
type canvas struct {
	w, h  int
	runes []rune
	dots  []uint8
	inks  []Ink
}

func newCanvas(w, h int) *canvas {
	w, h = max(w, 0), max(h, 0)
	return &canvas{w: w, h: h, runes: make([]rune, w*h), dots: make([]uint8, w*h), inks: make([]Ink, w*h)}
}

// brailleBits[y][x] is the bit of the dot at column x (0–1), row y (0–3).
var brailleBits = [4][2]uint8{{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}}

// dot sets the dot at dot coordinates (x, y), y growing downwards, and
// gives its cell the foreground fg. Dots outside the canvas are ignored.
func (c *canvas) dot(x, y int, k Ink) {
	if x < 0 || y < 0 || x >= 2*c.w || y >= 4*c.h {
		return
	}
	i := (y/4)*c.w + x/2
	c.dots[i] |= brailleBits[y%4][x%2]
	c.inks[i].FG = k.FG
	c.inks[i].Bold = c.inks[i].Bold || k.Bold
}

// line draws a dot line from (x0, y0) to (x1, y1) (Bresenham).
func (c *canvas) line(x0, y0, x1, y1 int, k Ink) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := 1, 1
	if x0 > x1 {
		sx = -1
	}
	if y0 > y1 {
		sy = -1
	}
	// Bound the work for absurd coordinates (a diverging run).
	if dx > 8*c.w+8 || -dy > 8*c.h+8 {
		return
	}
	e := dx + dy
	for {
		c.dot(x0, y0, k)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			x0 += sx
		}
		if e2 <= dx {
			e += dx
			y0 += sy
		}
	}
}

// put writes r at cell (x, y) with ink k, keeping the cell's background
// unless k has one.
func (c *canvas) put(x, y int, r rune, k Ink) {
	if x < 0 || y < 0 || x >= c.w || y >= c.h {
		return
	}
	i := y*c.w + x
	bg := c.inks[i].BG
	c.runes[i] = r
	c.inks[i] = k
	if k.BG == nil {
		c.inks[i].BG = bg
	}
}

// text writes s from cell (x, y) on, one rune per cell.
func (c *canvas) text(x, y int, s string, k Ink) {
	for _, r := range s {
		c.put(x, y, r, k)
		x++
	}
}

// background sets the background of cell (x, y).
func (c *canvas) background(x, y int, k Ink) {
	if x < 0 || y < 0 || x >= c.w || y >= c.h {
		return
	}
	c.inks[y*c.w+x].BG = k.BG
}

// empty reports whether cell (x, y) shows nothing yet.
func (c *canvas) empty(x, y int) bool {
	i := y*c.w + x
	return c.runes[i] == 0 && c.dots[i] == 0
}

// String renders the canvas, one line per row, joining runs of cells
// drawn with the same ink.
func (c *canvas) String() string {
	var b strings.Builder
	b.Grow(c.w * c.h * 4)
	var run strings.Builder
	for y := range c.h {
		if y > 0 {
			b.WriteByte('\n')
		}
		run.Reset()
		var cur Ink
		for x := range c.w {
			i := y*c.w + x
			k := c.inks[i]
			r := c.runes[i]
			switch {
			case r != 0:
			case c.dots[i] != 0:
				r = 0x2800 + rune(c.dots[i])
			default:
				r = ' '
				k.FG, k.Bold = nil, false // nothing to colour but the background
			}
			if x > 0 && k != cur {
				b.WriteString(cur.Render(run.String()))
				run.Reset()
			}
			cur = k
			run.WriteRune(r)
		}
		b.WriteString(cur.Render(run.String()))
	}
	return b.String()
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// dashLine draws a line like line, skipping dots by the dash pattern pat
// (dots on, dots off, …; nil draws solid). phase carries the position in
// the pattern from one segment to the next, so a polyline keeps its
// rhythm.
func (c *canvas) dashLine(x0, y0, x1, y1 int, k Ink, pat []int, phase *int) {
	if len(pat) == 0 {
		c.line(x0, y0, x1, y1, k)
		return
	}
	period := 0
	for _, p := range pat {
		period += max(p, 0)
	}
	if period == 0 {
		c.line(x0, y0, x1, y1, k)
		return
	}
	dx, dy := abs(x1-x0), -abs(y1-y0)
	if dx > 8*c.w+8 || -dy > 8*c.h+8 {
		return
	}
	sx, sy := 1, 1
	if x0 > x1 {
		sx = -1
	}
	if y0 > y1 {
		sy = -1
	}
	on := func() bool {
		pos := *phase % period
		for i, p := range pat {
			if pos < p {
				return i%2 == 0
			}
			pos -= p
		}
		return true
	}
	e := dx + dy
	for {
		if on() {
			c.dot(x0, y0, k)
		}
		*phase++
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			x0 += sx
		}
		if e2 <= dx {
			e += dx
			y0 += sy
		}
	}
}
