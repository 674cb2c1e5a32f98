package widget

import (
	"math"

	"github.com/dlearn/dlearn/lessons/scene"
)

// Decision regions and contour lines: the fields a plot draws under its
// series.

func contourGrid(c *scene.Contour) *scene.Grid {
	if c == nil {
		return nil
	}
	return &c.Grid
}

// sample returns the grid value nearest to data point (x, y), or NaN
// outside the grid.
func sample(g *scene.Grid, x, y float64) float64 {
	if g.Rows <= 0 || g.Cols <= 0 || len(g.Values) < g.Rows*g.Cols {
		return math.NaN()
	}
	fx := (x - g.X.Min) / (g.X.Max - g.X.Min)
	fy := (y - g.Y.Min) / (g.Y.Max - g.Y.Min)
	if !(fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1) {
		return math.NaN()
	}
	c := min(int(fx*float64(g.Cols)), g.Cols-1)
	r := min(int(fy*float64(g.Rows)), g.Rows-1)
	return g.Values[r*g.Cols+c]
}

// bilinear interpolates the grid at (x, y), treating values as samples at
// evenly spaced points from Min to Max; NaN outside the grid.
func bilinear(g *scene.Grid, x, y float64) float64 {
	if g.Rows < 2 || g.Cols < 2 || len(g.Values) < g.Rows*g.Cols {
		return sample(g, x, y)
	}
	fx := (x - g.X.Min) / (g.X.Max - g.X.Min) * float64(g.Cols-1)
	fy := (y - g.Y.Min) / (g.Y.Max - g.Y.Min) * float64(g.Rows-1)
	if !(fx >= 0 && fx <= float64(g.Cols-1) && fy >= 0 && fy <= float64(g.Rows-1)) {
		return math.NaN()
	}
	c0, r0 := min(int(fx), g.Cols-2), min(int(fy), g.Rows-2)
	ax, ay := fx-float64(c0), fy-float64(r0)
	v := func(r, c int) float64 { return g.Values[r*g.Cols+c] }
	return (1-ay)*((1-ax)*v(r0, c0)+ax*v(r0, c0+1)) + ay*((1-ax)*v(r0+1, c0)+ax*v(r0+1, c0+1))
}

// regionClass turns a region value into a class and a confidence level 0–2.
func regionClass(g *scene.Grid, v float64) (class, level int) {
	if g.Classes > 2 {
		return int(math.Round(v)), 1
	}
	class = 0
	if v >= 0.5 {
		class = 1
	}
	conf := math.Abs(v-0.5) * 2
	switch {
	case conf > 0.66:
		level = 2
	case conf > 0.33:
		level = 1
	}
	return class, level
}

func drawRegion(c *canvas, g *scene.Grid, fr plotFrame, t *Theme) {
	if t.NoColor || len(t.regionShades) == 0 {
		return
	}
	for cy := range c.h {
		y := fr.dataY(float64(cy)+0.5, float64(c.h))
		for cx := range c.w {
			v := sample(g, fr.dataX(float64(cx)+0.5, float64(c.w)), y)
			if !finite(v) {
				continue
			}
			class, level := regionClass(g, v)
			if class < 0 {
				continue
			}
			shades := t.regionShades[class%len(t.regionShades)]
			c.background(cx, cy, Ink{BG: shades[level]})
		}
	}
}

// markRegionNoColor dots the empty cells on the class-1 side (or writes
// the class mark for more classes), since there is no background colour.
func markRegionNoColor(c *canvas, g *scene.Grid, fr plotFrame) {
	for cy := range c.h {
		y := fr.dataY(float64(cy)+0.5, float64(c.h))
		for cx := range c.w {
			if !c.empty(cx, cy) {
				continue
			}
			v := sample(g, fr.dataX(float64(cx)+0.5, float64(c.w)), y)
			if !finite(v) {
				continue
			}
			if class, _ := regionClass(g, v); class > 0 {
				mark := '·'
				if g.Classes > 2 {
					mark = rune('0' + class%10)
				}
				c.put(cx, cy, mark, Ink{Faint: true})
			}
		}
	}
}

// drawContour rasterises the contour lines: a dot is on level l when the
// field crosses l between it and its right or lower neighbour.
func drawContour(c *canvas, ct *scene.Contour, fr plotFrame, t *Theme) {
	dw, dh := 2*c.w, 4*c.h
	f := make([]float64, dw*dh)
	for dy := range dh {
		y := fr.dataY(float64(dy)+0.5, float64(dh))
		for dx := range dw {
			f[dy*dw+dx] = bilinear(&ct.Grid, fr.dataX(float64(dx)+0.5, float64(dw)), y)
		}
	}
	for li, l := range ct.Levels {
		k := Ink{}
		if !t.NoColor && len(t.contour) > 0 {
			k.FG = t.contour[li*(len(t.contour)-1)/max(1, len(ct.Levels)-1)]
		}
		for dy := range dh {
			for dx := range dw {
				v := f[dy*dw+dx]
				if !finite(v) {
					continue
				}
				above := v >= l
				if dx+1 < dw {
					if r := f[dy*dw+dx+1]; finite(r) && (r >= l) != above {
						c.dot(dx, dy, k)
						continue
					}
				}
				if dy+1 < dh {
					if d := f[(dy+1)*dw+dx]; finite(d) && (d >= l) != above {
						c.dot(dx, dy, k)
					}
				}
			}
		}
	}
}
