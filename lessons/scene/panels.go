package scene

// SeriesStyle says how a series is drawn.
type SeriesStyle string

const (
	// Line joins the points in order (a fitted line, a loss curve).
	Line SeriesStyle = "line"
	// Scatter draws each point on its own, coloured by Classes if set.
	Scatter SeriesStyle = "scatter"
	// Path is a line with a marker on its last point (an optimizer's
	// trajectory).
	Path SeriesStyle = "path"
)

// Plot is a 2-D chart: series over optional decision regions and contour
// lines. Ranges are fixed when set, otherwise fitted to the data.
type Plot struct {
	XLabel string `json:"x_label,omitempty"`
	YLabel string `json:"y_label,omitempty"`
	XRange *Range `json:"x_range,omitempty"`
	YRange *Range `json:"y_range,omitempty"`
	LogY   bool   `json:"log_y,omitempty"`
	// Y2Label names the second y axis (series with Axis 1), if any.
	Y2Label string   `json:"y2_label,omitempty"`
	Series  []Series `json:"series"`
	Region  *Grid    `json:"region,omitempty"`
	Contour *Contour `json:"contour,omitempty"`
}

// Range is a closed interval [Min, Max].
type Range struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// Series is one named set of points. For Scatter, Classes (same length as
// X, when set) gives each point's class 0, 1, 2 … for colouring.
//
// Legend rule: Classes are drawn as distinct colours and marks, but the
// legend names them as classes only when the plot says they are classes:
// when ClassNames is set (ClassNames[k] names class k), or when the plot
// has a Region (a classifier's decision region, whose classes are "class
// 0", "class 1" …). Otherwise Classes are a highlight (linreg's batch
// points) and the legend shows the series' Name with its marks only.
//
// Axis 1 puts a line series on a second y axis: a plot with series on
// both axes (loss and accuracy) is drawn as two stacked sub-plots sharing
// x, the second labelled Y2Label. The default 0 is the plot's one axis.
type Series struct {
	Name       string      `json:"name"`
	Style      SeriesStyle `json:"style"`
	X          []float64   `json:"x"`
	Y          []float64   `json:"y"`
	Classes    []int       `json:"classes,omitempty"`
	ClassNames []string    `json:"class_names,omitempty"`
	Axis       int         `json:"axis,omitempty"`
	// Labels names points (same length as X, "" for none): words of an
	// embedding. Front ends write as many as fit beside their points.
	Labels []string `json:"labels,omitempty"`
	// DX and DY, when set, draw an arrow from each point in that
	// direction (G's gradient on the fake points of a GAN). Arrows are
	// scaled together, the longest to about an eighth of the plot, so
	// only directions and relative lengths are read from them.
	DX []float64 `json:"dx,omitempty"`
	DY []float64 `json:"dy,omitempty"`
}

// Grid is a field of values over a rectangle of the plot: Values is
// row-major with Rows × Cols entries, row 0 at Y.Min and column 0 at X.Min.
// As a Region, values are the probability of class 1 in [0, 1] (or a
// class index when Classes > 2).
type Grid struct {
	X       Range     `json:"x"`
	Y       Range     `json:"y"`
	Rows    int       `json:"rows"`
	Cols    int       `json:"cols"`
	Values  []float64 `json:"values"`
	Classes int       `json:"classes,omitempty"`
	// Label names what a Region's values are ("p(real)"); the legend's
	// colour scale shows it. Empty means "p(class 1)" where the plot's
	// points have classes, else "value".
	Label string `json:"label,omitempty"`
}

// Contour is a scalar field (a loss surface) and the levels at which its
// contour lines are drawn.
type Contour struct {
	Grid   Grid      `json:"grid"`
	Levels []float64 `json:"levels"`
}

// Matrix is a table of numbers, optionally with a gradient for each value
// and highlighted cells. Values and Grads are row-major, Rows × Cols.
type Matrix struct {
	Rows      int       `json:"rows"`
	Cols      int       `json:"cols"`
	Values    []float64 `json:"values"`
	Grads     []float64 `json:"grads,omitempty"`
	RowLabels []string  `json:"row_labels,omitempty"`
	ColLabels []string  `json:"col_labels,omitempty"`
	Highlight []Cell    `json:"highlight,omitempty"`
}

// Cell is a (row, column) position.
type Cell struct {
	Row int `json:"row"`
	Col int `json:"col"`
}

// NodeState is where a graph node stands in the current pass.
type NodeState string

const (
	NodePending NodeState = "pending"
	NodeDone    NodeState = "done"
	NodeCurrent NodeState = "current"
)

// Graph is a computation graph: nodes in topological (forward) order,
// edges given by each node's Inputs (indices into Nodes).
type Graph struct {
	Nodes []GraphNode `json:"nodes"`
	// Current is the index of the highlighted node, or −1.
	Current int `json:"current"`
	// Pass is "forward" or "backward".
	Pass string `json:"pass,omitempty"`
}

// GraphNode is one value in the graph: a leaf (input, parameter) or an
// op's output. Label is the value's name ("z1", "dense1.W"); for an op's
// output, Op names the op and front ends show the node as
// "Label = Op(labels of Inputs)". Value and Grad are short formatted
// summaries; Detail spells out what the current pass did at this node (the
// chain rule in numbers).
//
// ValueNum and GradNum, when set, carry the same value and gradient as
// numbers, so that a front end formats them to the room it has (a mean
// where a panel is narrow, every value in the focused node's detail); they
// take precedence over Value and Grad, which stay for front ends and
// lessons that use strings.
type GraphNode struct {
	Label    string    `json:"label"`
	Op       string    `json:"op,omitempty"`
	Inputs   []int     `json:"inputs,omitempty"`
	Shape    []int     `json:"shape,omitempty"`
	Value    string    `json:"value,omitempty"`
	Grad     string    `json:"grad,omitempty"`
	ValueNum *Summary  `json:"value_num,omitempty"`
	GradNum  *Summary  `json:"grad_num,omitempty"`
	State    NodeState `json:"state"`
	Detail   string    `json:"detail,omitempty"`
}

// Summary is a tensor in numbers: its shape, mean, extremes and, when it
// has few entries (at most 16), every value in row-major order. Values
// are finite (a tensor with NaN or Inf is given as a string instead, so
// that the scene stays JSON).
type Summary struct {
	Shape  []int     `json:"shape,omitempty"`
	Mean   float64   `json:"mean"`
	Min    float64   `json:"min"`
	Max    float64   `json:"max"`
	Values []float64 `json:"values,omitempty"`
}

// Image is one or more greyscale pictures of the same size drawn side by
// side (digits, feature maps, attention weights). Pixels of tile k are
// Tiles[k], row-major Rows × Cols. Values are mapped onto the colour scale
// from Min to Max; with Signed the scale is diverging around 0.
type Image struct {
	Rows      int         `json:"rows"`
	Cols      int         `json:"cols"`
	Tiles     [][]float64 `json:"tiles"`
	Captions  []string    `json:"captions,omitempty"`
	Min       float64     `json:"min"`
	Max       float64     `json:"max"`
	Signed    bool        `json:"signed,omitempty"`
	RowLabels []string    `json:"row_labels,omitempty"`
	ColLabels []string    `json:"col_labels,omitempty"`
}

// Bars is a bar chart; Highlight is the index of an emphasised bar or −1.
type Bars struct {
	Labels    []string  `json:"labels"`
	Values    []float64 `json:"values"`
	Highlight int       `json:"highlight"`
}

// Table is a grid of already formatted cells; a key–value table has the
// two columns "name" and "value" or more (W, dW, ΔW …).
type Table struct {
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
}
