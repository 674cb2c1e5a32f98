package widget

import (
	"image/color"
	"math"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Ink is how a run of cells is drawn: optional foreground and background
// colours and a few attributes. The zero Ink draws plain text. Widgets
// write SGR sequences themselves instead of going through lipgloss.Style,
// because a chart is made of hundreds of short runs and lipgloss's
// per-call work (wrapping, measuring) would dominate a frame.
type Ink struct {
	FG, BG  color.Color
	Bold    bool
	Faint   bool
	Reverse bool
	Under   bool
}

// Render returns s drawn with the ink.
func (k Ink) Render(s string) string {
	if s == "" || k == (Ink{}) {
		return s
	}
	var st ansi.Style
	if k.Bold {
		st = st.Bold()
	}
	if k.Faint {
		st = st.Faint()
	}
	if k.Reverse {
		st = st.Reverse(true)
	}
	if k.Under {
		st = st.Underline(true)
	}
	if k.FG != nil {
		st = st.ForegroundColor(k.FG)
	}
	if k.BG != nil {
		st = st.BackgroundColor(k.BG)
	}
	return st.String() + s + ansi.ResetStyle
}

// Theme holds every colour a widget uses. Build it with NewTheme; with
// NoColor set every ink carries attributes only (bold, reverse,
// underline), so the output has no colour escape sequences at all.
type Theme struct {
	Dark    bool
	NoColor bool

	Text, Muted, Axis, Label, Title Ink
	// Accent marks what the learner should look at (the current node, a
	// highlighted cell or bar).
	Accent Ink
	// Pos and Neg colour numbers by sign; Strong variants are for large
	// magnitudes.
	Pos, Neg, PosStrong, NegStrong Ink
	Done, Pending                  Ink
	// Series are the colours of series and classes, in order.
	Series []color.Color
	// regionShades[c][k] is the background for class c at confidence k.
	regionShades [][]color.Color
	// ramp and diverging are image colour scales, low to high.
	ramp, diverging []color.Color
	// contour colours by level.
	contour []color.Color
}

// NewTheme returns the theme for a dark or light terminal background.
func NewTheme(dark, noColor bool) *Theme {
	t := &Theme{Dark: dark, NoColor: noColor}
	if noColor {
		t.Title = Ink{Bold: true}
		t.Label = Ink{Bold: true}
		t.Accent = Ink{Bold: true, Reverse: true}
		t.PosStrong = Ink{Bold: true}
		t.NegStrong = Ink{Bold: true}
		t.Done = Ink{}
		t.Series = make([]color.Color, 6)
		return t
	}
	ld := lipgloss.LightDark(dark)
	c := func(light, dark string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(dark)) }
	t.Muted = Ink{FG: c("#8A8A8A", "#767676")}
	t.Axis = Ink{FG: c("#9E9E9E", "#626262")}
	t.Label = Ink{FG: c("#444444", "#BCBCBC")}
	t.Title = Ink{FG: c("#5F00AF", "#D7AFFF"), Bold: true}
	t.Accent = Ink{FG: c("#FFFFFF", "#1C1C1C"), BG: c("#D75F00", "#FFAF5F"), Bold: true}
	t.Pos = Ink{FG: c("#3A6EA5", "#5F87AF")}
	t.PosStrong = Ink{FG: c("#005FD7", "#87AFFF"), Bold: true}
	t.Neg = Ink{FG: c("#AF5F5F", "#AF5F5F")}
	t.NegStrong = Ink{FG: c("#D70000", "#FF5F5F"), Bold: true}
	t.Done = Ink{FG: c("#008700", "#87D787")}
	t.Pending = Ink{FG: c("#9E9E9E", "#626262")}
	t.Series = []color.Color{
		c("#005FD7", "#5FAFFF"), c("#D75F00", "#FFAF5F"), c("#008700", "#87D787"),
		c("#D7005F", "#FF87AF"), c("#8700D7", "#D7AFFF"), c("#AF8700", "#FFD75F"),
	}
	bg := c("#FFFFFF", "#121212")
	t.regionShades = make([][]color.Color, len(t.Series))
	for k, sc := range t.Series {
		t.regionShades[k] = lipgloss.Blend1D(6, bg, sc)[1:4]
	}
	if dark {
		t.ramp = lipgloss.Blend1D(16, lipgloss.Color("#000000"), lipgloss.Color("#FFFFFF"))
		t.diverging = lipgloss.Blend1D(17, lipgloss.Color("#5FAFFF"), lipgloss.Color("#262626"), lipgloss.Color("#FF5F5F"))
	} else {
		t.ramp = lipgloss.Blend1D(16, lipgloss.Color("#FFFFFF"), lipgloss.Color("#000000"))
		t.diverging = lipgloss.Blend1D(17, lipgloss.Color("#005FD7"), lipgloss.Color("#EEEEEE"), lipgloss.Color("#D70000"))
	}
	t.contour = lipgloss.Blend1D(6, c("#87AF87", "#5F875F"), c("#AF5F00", "#FFD787"))
	return t
}

// SeriesInk is the ink of series or class i.
func (t *Theme) SeriesInk(i int) Ink {
	if t.NoColor || len(t.Series) == 0 {
		return Ink{}
	}
	return Ink{FG: t.Series[((i%len(t.Series))+len(t.Series))%len(t.Series)]}
}

// signInk colours v by sign, strong when |v| is at least half of scale.
func (t *Theme) signInk(v, scale float64) Ink {
	strong := scale > 0 && math.Abs(v) >= scale/2
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return t.NegStrong
	case v < 0 && strong:
		return t.NegStrong
	case v < 0:
		return t.Neg
	case v > 0 && strong:
		return t.PosStrong
	case v > 0:
		return t.Pos
	}
	return t.Muted
}

// scaleColor maps v in [lo, hi] onto the image colour scale.
func (t *Theme) scaleColor(v, lo, hi float64, signed bool) color.Color {
	scale := t.ramp
	if signed {
		scale = t.diverging
	}
	if len(scale) == 0 {
		return nil
	}
	return scale[scaleIndex(v, lo, hi, signed, len(scale))]
}

// scaleIndex maps v onto 0..n-1. Signed scales put 0 in the middle and
// use the larger of |lo| and |hi| for both ends.
func scaleIndex(v, lo, hi float64, signed bool, n int) int {
	if math.IsNaN(v) {
		return 0
	}
	var f float64
	if signed {
		m := math.Max(math.Abs(lo), math.Abs(hi))
		if m == 0 {
			m = 1
		}
		f = (v/m + 1) / 2
	} else {
		if hi <= lo {
			hi = lo + 1
		}
		f = (v - lo) / (hi - lo)
	}
	i := int(math.Round(f * float64(n-1)))
	return max(0, min(n-1, i))
}
