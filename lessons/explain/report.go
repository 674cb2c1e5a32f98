package explain

import (
	"math"
	"strconv"

	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/tensor"
)

// settings are the controls the explanations read.
type settings struct {
	digit, steps, patch, channel int
	rule, method                 string
	// target is the class whose score is explained: "pick" for the
	// network's own choice, or a digit "0" … "9".
	target string
}

// report is every explanation of one test digit's decision by one
// network, computed at once and never changed afterwards (snapshots and
// scenes share it).
type report struct {
	set    settings
	img    []float64 // the digit, 784 pixels in [0, 1]
	label  int
	scores []float64 // the ten class scores s(x)
	probs  []float64
	pick   int     // the class the network picks
	class  int     // the class explained: the pick, or the target set
	base   float64 // s_c of the black image

	grad     []float64 // ∂s_c/∂x
	fd       []fdCheck // the gradient against finite differences
	gxi      []float64 // ∂s_c/∂x ⊙ x
	ig       ig
	table    []igRow   // completeness error by rule and m
	path     []float64 // s_c(α·x) at pathAlpha
	occ      occlusion
	cam      gradCAM
	edge     []float64 // Sobel edges of the digit: no model in it
	chanMap  []float64 // the chosen channel's 14×14 map for this digit
	sanity   *sanity   // nil until the sanity stage
	topPixel int       // the pixel with the largest |∂s_c/∂x|
}

// fdCheck is one pixel's gradient beside the central difference
// (s(x + εe_i) − s(x − εe_i))/2ε.
type fdCheck struct {
	Pixel      int
	Grad, Diff float64
}

// igRow is the relative completeness error of integrated gradients at m
// points for both rules.
type igRow struct {
	M              int
	Gauss, Riemann float64
}

// tableMs are the m of the completeness table.
var tableMs = []int{2, 4, 8, 16, 32, 64, 128}

// pathAlpha are the α at which the score along the path is plotted.
var pathAlpha = func() []float64 {
	a := make([]float64, 21)
	for i := range a {
		a[i] = float64(i) / 20
	}
	return a
}()

// fdEps is the step of the finite-difference check.
const fdEps = 1e-4

// explainDigit computes the report for img (with its label) at settings s.
func (n *net) explainDigit(img []float64, label int, s settings) *report {
	r := &report{set: s, img: img, label: label}
	r.scores = n.scores(tensor.FromValues(img, 1, 1, Side, Side))
	r.probs = softmax(r.scores)
	for k, v := range r.scores {
		if v > r.scores[r.pick] {
			r.pick = k
		}
	}
	r.class = r.pick
	if k, err := strconv.Atoi(s.target); err == nil {
		r.class = k
	}
	c := r.class
	r.grad, _ = n.saliency(img, c)
	r.gxi = times(r.grad, img)
	for _, i := range topK(abs(r.grad), 3) {
		plus, minus := tensor.New(2, 1, Side, Side), img
		copy(plus.Data, img)
		copy(plus.Data[Pixels:], minus)
		plus.Data[i] += fdEps
		plus.Data[Pixels+i] -= fdEps
		sc := n.scores(plus)
		r.fd = append(r.fd, fdCheck{Pixel: i, Grad: r.grad[i], Diff: (sc[c] - sc[Classes+c]) / (2 * fdEps)})
	}
	r.topPixel = r.fd[0].Pixel
	r.ig = n.integratedGradients(img, c, s.rule, s.steps)
	r.base = r.ig.FBase
	for _, m := range tableMs {
		r.table = append(r.table, igRow{M: m,
			Gauss:   n.integratedGradients(img, c, Gauss, m).Rel,
			Riemann: n.integratedGradients(img, c, Riemann, m).Rel})
	}
	pts := tensor.New(len(pathAlpha), 1, Side, Side)
	for k, a := range pathAlpha {
		for i, v := range img {
			pts.Data[k*Pixels+i] = a * v
		}
	}
	sc := n.scores(pts)
	for k := range pathAlpha {
		r.path = append(r.path, sc[k*Classes+c])
	}
	r.occ = n.occlude(img, c, s.patch)
	r.cam = n.gradCAM(img, c)
	r.edge = edges(img)
	maps, _, _ := n.camPass(img, c)
	r.chanMap = append([]float64(nil), maps[s.channel*196:(s.channel+1)*196]...)
	return r
}

// maps returns the report's map of each method, in methodNames order.
func (r *report) maps() [][]float64 {
	return [][]float64{abs(r.grad), r.gxi, r.ig.Attr, r.occ.Map, r.cam.Map}
}

// sanity is the cascading randomisation test of Adebayo et al. (2018):
// the trained weights are replaced by random ones layer by layer from the
// top, and each method's map is compared with the trained network's by
// the rank correlation of the maps' absolute values.
type sanity struct {
	// Layers are the layers randomised so far at each stage ("dense",
	// "conv2", "conv1"); Maps[k][j] is method j's map after stage k, and
	// Rho[k][j] its rank correlation with the trained network's map
	// (Rho of the Sobel edge map is 1 at every stage by construction).
	Layers []string
	Maps   [][][]float64
	Rho    [][]float64
	// Classes[k] is the class the randomised network scores highest;
	// the maps explain the trained network's class throughout.
	Classes []int
}

// sanityCheck randomises n's layers from the top, drawing the new
// weights from rng with the schemes the layers started from.
func (n *net) sanityCheck(r *report, seed uint64) *sanity {
	rng := tensor.NewRNG(seed)
	cp := n.clone()
	init := nn.GlorotUniform
	if n.act == Kinked {
		init = nn.HeNormal
	}
	f := n.f
	s := &sanity{}
	orig := r.maps()
	for _, layer := range []string{"dense", "conv2", "conv1"} {
		switch layer {
		case "dense":
			cp.dense.W.Value = nn.LeCunNormal.Tensor(rng, 2*f*49, Classes, 2*f*49, Classes)
			cp.dense.B.Value = tensor.New(Classes)
		case "conv2":
			cp.conv2.W.Value = init.Tensor(rng, f*9, 2*f*9, 2*f, f, 3, 3)
			cp.conv2.B.Value = tensor.New(2 * f)
		case "conv1":
			cp.conv1.W.Value = init.Tensor(rng, 9, f*9, f, 1, 3, 3)
			cp.conv1.B.Value = tensor.New(f)
		}
		c := r.class
		g, _ := cp.saliency(r.img, c)
		sc := cp.scores(tensor.FromValues(r.img, 1, 1, Side, Side))
		best := 0
		for j, v := range sc {
			if v > sc[best] {
				best = j
			}
		}
		maps := [][]float64{
			abs(g), times(g, r.img),
			cp.integratedGradients(r.img, c, r.set.rule, r.set.steps).Attr,
			cp.occlude(r.img, c, r.set.patch).Map,
			cp.gradCAM(r.img, c).Map,
		}
		rho := make([]float64, len(maps))
		for j := range maps {
			rho[j] = spearman(inked(abs(orig[j]), r.img), inked(abs(maps[j]), r.img))
		}
		s.Layers = append(s.Layers, layer)
		s.Maps = append(s.Maps, maps)
		s.Rho = append(s.Rho, rho)
		s.Classes = append(s.Classes, best)
	}
	return s
}

// inked returns the values of v at the pixels where img has ink. The
// sanity check compares maps there only: on a black pixel gradient ×
// input and integrated gradients are 0 whatever the network, and those
// hundreds of tied zeros would make any two of their maps look alike.
func inked(v, img []float64) []float64 {
	var out []float64
	for i, x := range img {
		if x > 0 {
			out = append(out, v[i])
		}
	}
	return out
}

// softmax of a row of scores.
func softmax(s []float64) []float64 {
	m := s[0]
	for _, v := range s {
		m = math.Max(m, v)
	}
	out := make([]float64, len(s))
	t := 0.0
	for i, v := range s {
		out[i] = math.Exp(v - m)
		t += out[i]
	}
	for i := range out {
		out[i] /= t
	}
	return out
}
