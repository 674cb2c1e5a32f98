package tui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"

	"github.com/dlearn/dlearn/tui/widget"
)

// styles are the lipgloss styles of the app's chrome (header, bars,
// lists, frames); widget.Theme has the colours of the panels. Both are
// rebuilt when the terminal reports its background colour. With noColor
// every style uses attributes only (bold, faint, reverse).
type styles struct {
	noColor bool

	Header, HeaderDim   lipgloss.Style
	Frame, FrameTitle   lipgloss.Style
	Muted, Label, Bold  lipgloss.Style
	Focus, Setting      lipgloss.Style
	Info, OK, Warn, Err lipgloss.Style
	Selected, Title     lipgloss.Style
	Code                lipgloss.Style
	Help                help.Styles
}

func newStyles(dark, noColor bool) styles {
	s := styles{noColor: noColor}
	base := lipgloss.NewStyle()
	if noColor {
		s.Header = base.Bold(true).Reverse(true)
		s.HeaderDim = base.Reverse(true)
		s.Frame = base
		s.FrameTitle = base.Bold(true)
		s.Muted = base
		s.Label = base
		s.Bold = base.Bold(true)
		s.Focus = base.Bold(true).Reverse(true)
		s.Setting = base
		s.Info = base
		s.OK = base.Bold(true)
		s.Warn = base.Bold(true)
		s.Err = base.Bold(true)
		s.Selected = base.Bold(true)
		s.Title = base.Bold(true)
		s.Code = base.Bold(true)
		s.Help = help.Styles{
			ShortKey: base.Bold(true), FullKey: base.Bold(true),
		}
		return s
	}
	ld := lipgloss.LightDark(dark)
	c := func(light, dark string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(dark)) }
	s.Header = base.Bold(true).Foreground(c("#FFFFFF", "#1C1C1C")).Background(c("#5F00AF", "#D7AFFF"))
	s.HeaderDim = base.Foreground(c("#EEEEEE", "#303030")).Background(c("#8787AF", "#AFAFD7"))
	s.Frame = base.Foreground(c("#B2B2B2", "#4E4E4E"))
	s.FrameTitle = base.Bold(true).Foreground(c("#5F00AF", "#D7AFFF"))
	s.Muted = base.Foreground(c("#8A8A8A", "#767676"))
	s.Label = base.Foreground(c("#444444", "#BCBCBC"))
	s.Bold = base.Bold(true)
	s.Focus = base.Bold(true).Foreground(c("#FFFFFF", "#1C1C1C")).Background(c("#D75F00", "#FFAF5F"))
	s.Setting = base.Foreground(c("#303030", "#D0D0D0"))
	s.Info = base.Foreground(c("#005F87", "#87D7FF"))
	s.OK = base.Bold(true).Foreground(c("#008700", "#87D787"))
	s.Warn = base.Bold(true).Foreground(c("#AF5F00", "#FFD75F"))
	s.Err = base.Bold(true).Foreground(c("#D70000", "#FF5F5F"))
	s.Selected = base.Bold(true).Foreground(c("#D75F00", "#FFAF5F"))
	s.Title = base.Bold(true).Foreground(c("#5F00AF", "#D7AFFF"))
	s.Code = base.Foreground(c("#AF005F", "#FF87D7"))
	s.Help = help.DefaultStyles(dark)
	return s
}

// theme returns the panel colours that go with these styles.
func themeFor(dark, noColor bool) *widget.Theme { return widget.NewTheme(dark, noColor) }
