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
// NoColor theme writes no colour at all, and loses no distinction: every
// scatter series and class has its own mark (• × + ◦ * #), every line or
// path series its own dash pattern (the legend shows it), paths end in
// their own shape (◆ ■ ▲ ● ★ ✚), regions are dotted, images use shade
// characters (negative values of a signed image other ones: · ∙ • ●), and
// highlights are bold, reverse and ▸/▶ marks.
//
// What is a name is never cut where there is room for it:
//
//   - Legends wrap onto as many lines as they need (up to all but three
//     rows of the plot); only when even that is not enough does the last
//     line say "+k more". Classes are named in the legend only where the
//     plot says they are classes (Series.ClassNames, or a decision Region);
//     otherwise they are a highlight and the series' name stands with its
//     marks. A region's legend is a colour scale with its numbers (0, 0.5,
//     1) named by Grid.Label. Point labels (Series.Labels) are written
//     beside their points where they fit, and the legend says how many.
//   - A graph shows its focused node first, whole and wrapped: name, op,
//     inputs, shape, value and gradient in numbers, then the chain rule
//     (shortened with "…" only when the panel is too short). Below, small
//     graphs are boxes joined by arrows (bands of layers when deep); others
//     a layered list which gives up shapes, indent, digits and then a
//     column of values before any node's name.
//
// Numbers: axes have ticks at 1, 2 or 5 × 10^k (decades only on a log
// axis), a range of data that are all ≥ 0 never goes below 0, and series
// on a second axis (Series.Axis 1: accuracy beside a loss) are drawn as a
// second plot stacked under the first, sharing x. Text that wraps breaks
// only at spaces, so a number is never split across lines. Graph values
// given as numbers (GraphNode.ValueNum, GradNum) are formatted to the
// room there is, with a minus sign, not a hyphen.
package widget
