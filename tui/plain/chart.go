package plain

import (
	"bufio"
	"fmt"
	"math"
	"strings"

	"github.com/dlearn/dlearn/lessons/scene"
)

// Chart size in characters.
const (
	chartW = 56
	chartH = 14
)

// markers are the characters of series 0, 1, 2 …: lines are drawn with
// their series' marker, scatter points with their class's marker.
var markers = []rune{'.', '-', '~', ':', '=', '^'}

// classMarkers mark scatter points by class 0, 1, 2 …
var classMarkers = []rune("o*+x#%")

// writePlot draws the series of p on a character grid with the y range on
// the left and the x range underneath, then a legend.
func writePlot(b *bufio.Writer, p *scene.Plot) {
	xr, yr, ok := ranges(p)
	if !ok {
		fmt.Fprintln(b, "(no data yet)")
		return
	}
	grid := make([][]rune, chartH)
	for i := range grid {
		grid[i] = []rune(strings.Repeat(" ", chartW))
	}
	ty := func(y float64) float64 {
		if p.LogY {
			return math.Log10(math.Max(y, 1e-300))
		}
		return y
	}
	put := func(x, y float64, r rune) {
		if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(y, 0) {
			return
		}
		c := int(math.Round((x - xr.Min) / (xr.Max - xr.Min) * (chartW - 1)))
		row := int(math.Round((ty(y) - yr.Min) / (yr.Max - yr.Min) * (chartH - 1)))
		if c < 0 || c >= chartW || row < 0 || row >= chartH {
			return
		}
		grid[chartH-1-row][c] = r
	}
	drawField(grid, p, xr, yr)
	for si, s := range p.Series {
		mk := markers[si%len(markers)]
		n := min(len(s.X), len(s.Y))
		if s.Style == scene.Scatter {
			for i := range n {
				r := mk
				if i < len(s.Classes) {
					r = classMarkers[((s.Classes[i]%len(classMarkers))+len(classMarkers))%len(classMarkers)]
				}
				put(s.X[i], s.Y[i], r)
			}
			continue
		}
		for i := 0; i+1 < n; i++ {
			// sample along the segment so lines are continuous
			for k := 0; k <= 2*chartW; k++ {
				t := float64(k) / float64(2*chartW)
				put(s.X[i]+t*(s.X[i+1]-s.X[i]), s.Y[i]+t*(s.Y[i+1]-s.Y[i]), mk)
			}
		}
		if n == 1 {
			put(s.X[0], s.Y[0], mk)
		}
		for i := 0; i < n; i++ {
			if s.Style == scene.Path && i == n-1 {
				put(s.X[i], s.Y[i], '@')
			}
		}
	}
	top, bottom := fmt.Sprintf("%.3g", untransform(yr.Max, p.LogY)), fmt.Sprintf("%.3g", untransform(yr.Min, p.LogY))
	lw := max(len(top), len(bottom))
	for i, row := range grid {
		label := ""
		switch i {
		case 0:
			label = top
		case chartH - 1:
			label = bottom
		}
		fmt.Fprintf(b, "%*s │%s\n", lw, label, strings.TrimRight(string(row), " "))
	}
	fmt.Fprintf(b, "%*s └%s\n", lw, "", strings.Repeat("─", chartW))
	xl := fmt.Sprintf("%.3g", xr.Min)
	xh := fmt.Sprintf("%.3g", xr.Max)
	fmt.Fprintf(b, "%*s  %s%s%s\n", lw, "", xl, strings.Repeat(" ", max(1, chartW-len(xl)-len(xh))), xh)
	if p.XLabel != "" || p.YLabel != "" {
		fmt.Fprintf(b, "%*s  x: %s, y: %s%s\n", lw, "", p.XLabel, p.YLabel, map[bool]string{true: " (log scale)"}[p.LogY])
	}
	for si, s := range p.Series {
		mk := string(markers[si%len(markers)])
		if s.Style == scene.Scatter && len(s.Classes) > 0 {
			// the markers of the classes present, in class order
			seen := make([]bool, len(classMarkers))
			for _, c := range s.Classes {
				seen[((c%len(classMarkers))+len(classMarkers))%len(classMarkers)] = true
			}
			mk = ""
			for k, ok := range seen {
				if ok {
					mk += string(classMarkers[k])
				}
			}
		}
		fmt.Fprintf(b, "%*s  %s %s\n", lw, "", mk, s.Name)
	}
}

func untransform(v float64, log bool) float64 {
	if log {
		return math.Pow(10, v)
	}
	return v
}

// ranges returns the plot's x and (transformed) y ranges: the fixed ones
// when set, otherwise fitted to the finite data.
func ranges(p *scene.Plot) (xr, yr scene.Range, ok bool) {
	xr = scene.Range{Min: math.Inf(1), Max: math.Inf(-1)}
	yr = xr
	for _, s := range p.Series {
		for i := range min(len(s.X), len(s.Y)) {
			x, y := s.X[i], s.Y[i]
			if p.LogY {
				if y <= 0 {
					continue
				}
				y = math.Log10(y)
			}
			if math.IsNaN(x+y) || math.IsInf(x+y, 0) {
				continue
			}
			xr.Min, xr.Max = math.Min(xr.Min, x), math.Max(xr.Max, x)
			yr.Min, yr.Max = math.Min(yr.Min, y), math.Max(yr.Max, y)
		}
	}
	if p.XRange != nil {
		xr = *p.XRange
	}
	if p.YRange != nil {
		yr = *p.YRange
		if p.LogY {
			yr = scene.Range{Min: math.Log10(math.Max(yr.Min, 1e-300)), Max: math.Log10(math.Max(yr.Max, 1e-300))}
		}
	}
	if math.IsInf(xr.Min, 0) || math.IsInf(yr.Min, 0) {
		return xr, yr, false
	}
	if xr.Max == xr.Min {
		xr.Min, xr.Max = xr.Min-1, xr.Max+1
	}
	if yr.Max == yr.Min {
		yr.Min, yr.Max = yr.Min-1, yr.Max+1
	}
	return xr, yr, true
}

// drawField shades the plot's decision region (cells where the value is
// at least 0.5, or an odd class, get '·') and draws its contour lines
// (cells where a level passes between the cell and its right or lower
// neighbour get ':'), under the series.
func drawField(grid [][]rune, p *scene.Plot, xr, yr scene.Range) {
	if p.LogY {
		return
	}
	// at is g's value under the character cell (row, col).
	at := func(g *scene.Grid, row, col int) (float64, bool) {
		x := xr.Min + (float64(col)+0.5)/chartW*(xr.Max-xr.Min)
		y := yr.Min + (float64(chartH-1-row)+0.5)/chartH*(yr.Max-yr.Min)
		if g.Rows == 0 || g.Cols == 0 || len(g.Values) != g.Rows*g.Cols || g.X.Max <= g.X.Min || g.Y.Max <= g.Y.Min ||
			x < g.X.Min || x > g.X.Max || y < g.Y.Min || y > g.Y.Max {
			return 0, false
		}
		c := min(int((x-g.X.Min)/(g.X.Max-g.X.Min)*float64(g.Cols)), g.Cols-1)
		r := min(int((y-g.Y.Min)/(g.Y.Max-g.Y.Min)*float64(g.Rows)), g.Rows-1)
		return g.Values[r*g.Cols+c], true
	}
	if g := p.Region; g != nil {
		for row := range chartH {
			for col := range chartW {
				v, ok := at(g, row, col)
				if ok && ((g.Classes > 2 && int(v)%2 == 1) || (g.Classes <= 2 && v >= 0.5)) {
					grid[row][col] = '·'
				}
			}
		}
	}
	if ct := p.Contour; ct != nil {
		level := func(v float64) int {
			k := 0
			for _, l := range ct.Levels {
				if v >= l {
					k++
				}
			}
			return k
		}
		for row := range chartH - 1 {
			for col := range chartW - 1 {
				v, ok1 := at(&ct.Grid, row, col)
				right, ok2 := at(&ct.Grid, row, col+1)
				below, ok3 := at(&ct.Grid, row+1, col)
				if ok1 && ok2 && ok3 && (level(v) != level(right) || level(v) != level(below)) {
					grid[row][col] = ':'
				}
			}
		}
	}
}
