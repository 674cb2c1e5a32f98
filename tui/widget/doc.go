// Package widget draws the panels of a lesson scene (lessons/scene) as
// terminal text: one function, Render, for every kind of the closed set.
//
//	s := widget.Render(panel, 60, 18, widget.NewTheme(dark, noColor))
//
// The result is exactly w columns by h lines (the caller draws the frame
// and title around it), so a layout can place panels side by side without
// measuring them. Render never panics on the values in a scene: NaN, ±Inf,
// empty or ragged slices and out-of-range indices draw as gaps, marks or a
// short note.
//
// Plots are drawn on a braille canvas (2×4 dots per cell) of this
// package's own, not with ntcharts: a decision region needs a background
// colour per cell under the dots of the series and contour lines, and a
// frame is made of hundreds of short runs, which this canvas writes as
// plain SGR sequences instead of going through lipgloss.Style per cell.
//
// Colours come from a Theme built for a dark or light background. A
// NoColor theme writes no colour at all: classes become marks (• × +),
// regions are dotted, images use shade characters, and highlights are
// bold, reverse and ▸/▶ marks.
package widget
