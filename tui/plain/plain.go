package plain

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/dlearn/dlearn/lessons/scene"
)

// Width is the width plots and rules are drawn to.
const Width = 72

// Write renders sc to w. It returns the first write error.
func Write(w io.Writer, sc scene.Scene) error {
	b := bufio.NewWriter(w)
	writeHeader(b, sc)
	if sc.Goal != nil && sc.Goal.Verdict != nil {
		fmt.Fprintln(b)
		writeVerdict(b, sc.Goal)
	}
	if sc.Autopsy != nil {
		fmt.Fprintln(b)
		writeAutopsy(b, sc.Autopsy)
	}
	if sc.Narrative != "" {
		fmt.Fprintln(b)
		fmt.Fprintln(b, strings.TrimSpace(sc.Narrative))
	}
	if sc.Question != nil {
		fmt.Fprintln(b)
		writeQuestion(b, sc.Question)
	}
	for _, p := range sc.Panels {
		fmt.Fprintln(b)
		writePanel(b, p)
	}
	return b.Flush()
}

func writeHeader(b *bufio.Writer, sc scene.Scene) {
	fmt.Fprintln(b, strings.Repeat("═", Width))
	pos := fmt.Sprintf("step %d", sc.Pos.Step)
	if sc.Pos.Steps > 0 {
		pos += fmt.Sprintf("/%d", sc.Pos.Steps)
	}
	if sc.Pos.Epochs > 0 {
		pos += fmt.Sprintf(" · epoch %d/%d", sc.Pos.Epoch, sc.Pos.Epochs)
	}
	if sc.Pos.OpsPerStep > 0 && sc.Pos.Op > 0 {
		pos += fmt.Sprintf(" · op %d/%d", sc.Pos.Op, sc.Pos.OpsPerStep)
	}
	fmt.Fprintf(b, "%s · %s · %s\n", sc.Lesson, sc.Phase, pos)
	if len(sc.Settings) > 0 {
		parts := make([]string, len(sc.Settings))
		for i, s := range sc.Settings {
			parts[i] = s.Label + " " + s.Value
		}
		fmt.Fprintf(b, "settings: %s\n", strings.Join(parts, ", "))
	}
	if g := sc.Goal; g != nil && g.Verdict == nil {
		line := "you are done when: " + g.Text
		if g.Value != "" {
			line += " · now " + g.Value
			if g.Met {
				line += " (met)"
			}
		}
		fmt.Fprintln(b, line)
	}
	if sc.Status.Message != "" {
		fmt.Fprintf(b, "%s: %s\n", strings.ToUpper(string(sc.Status.Level)), sc.Status.Message)
	}
	fmt.Fprintln(b, strings.Repeat("═", Width))
}

func writePanel(b *bufio.Writer, p scene.Panel) {
	fmt.Fprintf(b, "── %s ", p.Title)
	fmt.Fprintln(b, strings.Repeat("─", max(3, Width-4-len([]rune(p.Title)))))
	switch p.Kind {
	case scene.KindTable:
		if p.Table != nil {
			writeTable(b, p.Table.Columns, p.Table.Rows)
		}
	case scene.KindMatrix:
		if p.Matrix != nil {
			writeMatrix(b, p.Matrix)
		}
	case scene.KindPlot:
		if p.Plot != nil {
			writePlot(b, p.Plot)
		}
	case scene.KindGraph:
		if p.Graph != nil {
			writeGraph(b, p.Graph)
		}
	case scene.KindImage:
		if p.Image != nil {
			writeImage(b, p.Image)
		}
	case scene.KindBars:
		if p.Bars != nil {
			writeBars(b, p.Bars)
		}
	default:
		fmt.Fprintf(b, "(panel kind %q cannot be shown as text)\n", p.Kind)
	}
}

// writeTable prints rows as left-aligned columns separated by two spaces.
func writeTable(b *bufio.Writer, cols []string, rows [][]string) {
	all := rows
	if len(cols) > 0 {
		all = append([][]string{cols}, rows...)
	}
	widths := map[int]int{}
	for _, r := range all {
		for i, c := range r {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for k, r := range all {
		var line strings.Builder
		for i, c := range r {
			line.WriteString(c)
			if i < len(r)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-len([]rune(c))+2))
			}
		}
		fmt.Fprintln(b, strings.TrimRight(line.String(), " "))
		if k == 0 && len(cols) > 0 {
			total := 0
			for i := range cols {
				total += widths[i] + 2
			}
			fmt.Fprintln(b, strings.Repeat("-", max(0, total-2)))
		}
	}
}

func writeMatrix(b *bufio.Writer, m *scene.Matrix) {
	hl := map[scene.Cell]bool{}
	for _, c := range m.Highlight {
		hl[c] = true
	}
	var cols []string
	if len(m.ColLabels) > 0 {
		cols = append([]string{""}, m.ColLabels...)
	}
	rows := make([][]string, m.Rows)
	for i := range m.Rows {
		label := ""
		if i < len(m.RowLabels) {
			label = m.RowLabels[i]
		}
		row := []string{label}
		for j := range m.Cols {
			k := i*m.Cols + j
			cell := fmt.Sprintf("%.4g", m.Values[k])
			if k < len(m.Grads) {
				cell += fmt.Sprintf(" (∇%.3g)", m.Grads[k])
			}
			if hl[scene.Cell{Row: i, Col: j}] {
				cell = "*" + cell
			}
			row = append(row, cell)
		}
		rows[i] = row
	}
	writeTable(b, cols, rows)
}

func writeGraph(b *bufio.Writer, g *scene.Graph) {
	if g.Pass != "" {
		fmt.Fprintf(b, "%s pass\n", g.Pass)
	}
	for i, n := range g.Nodes {
		mark := "  "
		switch n.State {
		case scene.NodeCurrent:
			mark = "▶ "
		case scene.NodePending:
			mark = "· "
		}
		line := mark + n.Label
		if n.Op != "" {
			names := make([]string, len(n.Inputs))
			for k, in := range n.Inputs {
				names[k] = "?"
				if in >= 0 && in < len(g.Nodes) {
					names[k] = g.Nodes[in].Label
				}
			}
			line += " = " + n.Op + "(" + strings.Join(names, ", ") + ")"
		}
		if n.Value != "" {
			line += "  = " + n.Value
		}
		if n.Grad != "" {
			line += "  ∇ " + n.Grad
		}
		fmt.Fprintln(b, line)
		if i == g.Current && n.Detail != "" {
			fmt.Fprintf(b, "    %s\n", n.Detail)
		}
	}
}

func writeBars(b *bufio.Writer, bars *scene.Bars) {
	hi := 0.0
	for _, v := range bars.Values {
		hi = max(hi, abs(v))
	}
	lw := 0
	for _, l := range bars.Labels {
		lw = max(lw, len([]rune(l)))
	}
	for i, v := range bars.Values {
		label := ""
		if i < len(bars.Labels) {
			label = bars.Labels[i]
		}
		n := 0
		if hi > 0 {
			n = int(abs(v) / hi * 40)
		}
		mark := " "
		if i == bars.Highlight {
			mark = "▶"
		}
		fmt.Fprintf(b, "%s %-*s %s %.4g\n", mark, lw, label, strings.Repeat("█", n), v)
	}
}

// shades maps an intensity in [0, 1] to a character.
const shades = " .:-=+*#%@"

func writeImage(b *bufio.Writer, im *scene.Image) {
	if len(im.RowLabels) > 0 || len(im.ColLabels) > 0 {
		writeLabelledImage(b, im)
		return
	}
	span := im.Max - im.Min
	for t, tile := range im.Tiles {
		if t < len(im.Captions) {
			fmt.Fprintln(b, im.Captions[t])
		}
		for r := range im.Rows {
			var line strings.Builder
			for c := range im.Cols {
				v := 0.0
				if span > 0 {
					v = (tile[r*im.Cols+c] - im.Min) / span
				}
				k := int(v * float64(len(shades)-1))
				k = min(max(k, 0), len(shades)-1)
				line.WriteByte(shades[k])
				line.WriteByte(shades[k])
			}
			fmt.Fprintln(b, strings.TrimRight(line.String(), " "))
		}
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// writeLabelledImage prints an image whose rows and columns are named (an
// attention map: queries × keys) as a table of its values, which reads
// better in text than shades.
func writeLabelledImage(b *bufio.Writer, im *scene.Image) {
	label := func(ls []string, i int) string {
		if i < len(ls) {
			return ls[i]
		}
		return fmt.Sprint(i + 1)
	}
	for t, tile := range im.Tiles {
		if t < len(im.Captions) {
			fmt.Fprintln(b, im.Captions[t])
		}
		cols := make([]string, im.Cols+1)
		for c := range im.Cols {
			cols[c+1] = label(im.ColLabels, c)
		}
		rows := make([][]string, im.Rows)
		for r := range im.Rows {
			row := []string{label(im.RowLabels, r)}
			for c := range im.Cols {
				if k := r*im.Cols + c; k < len(tile) {
					row = append(row, fmt.Sprintf("%.2f", tile[k]))
				}
			}
			rows[r] = row
		}
		writeTable(b, cols, rows)
	}
}

// writeVerdict prints the end of a run: the goal met, or missed with the
// cause and the change to try.
func writeVerdict(b *bufio.Writer, g *scene.Goal) {
	vd := g.Verdict
	got := g.Value
	if got == "" {
		got = "not measured"
	}
	if vd.Success {
		fmt.Fprintf(b, "Verdict: goal met — %s = %s (goal: %s)\n", g.Measure, got, g.Text)
		return
	}
	fmt.Fprintf(b, "Verdict: goal missed — %s = %s (goal: %s)\n", g.Measure, got, g.Text)
	cause := vd.Cause
	if vd.Explain != "" {
		cause += " — " + vd.Explain
	}
	fmt.Fprintf(b, "  cause: %s\n", cause)
	if vd.Try != "" {
		fmt.Fprintf(b, "  try: %s\n", vd.Try)
	}
}

// writeAutopsy prints where a diverging run went wrong: the trigger and
// its rule, every finding, and the change to try.
func writeAutopsy(b *bufio.Writer, a *scene.Autopsy) {
	fmt.Fprintf(b, "Autopsy: stopped in step %d on a %s (stops at: %s)\n", a.Step, a.Trigger, a.Rule)
	for _, f := range a.Findings {
		fmt.Fprintf(b, "  - %s\n", f)
	}
	if a.Try != "" {
		fmt.Fprintf(b, "  try: %s\n", a.Try)
	}
}

// writeQuestion prints a question with its choices, then the learner's
// answer (when one was given) and the right answer with why.
func writeQuestion(b *bufio.Writer, q *scene.Question) {
	fmt.Fprintf(b, "Question: %s\n", q.Prompt)
	for i, c := range q.Choices {
		fmt.Fprintf(b, "  %d. %s\n", i+1, c)
	}
	if q.Kind == scene.QuestionNumber && q.Tolerance > 0 {
		fmt.Fprintf(b, "  (a number; right within %s)\n", strconv.FormatFloat(q.Tolerance, 'g', -1, 64))
	}
	switch {
	case q.Skipped:
		fmt.Fprintln(b, "Your answer: skipped.")
	case q.Answered:
		verdict := "wrong"
		if q.Correct {
			verdict = "right"
		}
		fmt.Fprintf(b, "Your answer: %s — %s.\n", q.Given, verdict)
	}
	line := "Answer: " + q.Answer
	if q.Explain != "" {
		line += " — " + q.Explain
	}
	fmt.Fprintln(b, line)
}
