package explain

import (
	"math"
	"slices"
	"sort"

	"github.com/dlearn/dlearn/engine/tensor"
)

// Integration rules for integrated gradients.
const (
	// Gauss is Gauss–Legendre quadrature with m nodes on [0, 1]: exact for
	// polynomials of degree 2m − 1 in α.
	Gauss = "gauss"
	// Riemann is the right Riemann sum of the original paper:
	// α_k = k/m, k = 1 … m, each with weight 1/m.
	Riemann = "riemann"
)

// saliency is ∂s_c/∂x for one image: the gradient of class c's score
// with respect to each pixel, and the score.
func (n *net) saliency(img []float64, c int) (grad []float64, score float64) {
	s, g := n.gradients(tensor.FromValues(img, 1, 1, Side, Side), c)
	return g, s[0]
}

// abs returns |v| element-wise.
func abs(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = math.Abs(x)
	}
	return out
}

// times returns a ⊙ b.
func times(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] * b[i]
	}
	return out
}

// sum returns Σ v.
func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

// nodes returns the m points α_k in [0, 1] and weights w_k of a rule, so
// that ∫₀¹ g(α) dα ≈ Σ w_k·g(α_k).
func nodes(rule string, m int) (alpha, weight []float64) {
	if rule == Riemann {
		for k := 1; k <= m; k++ {
			alpha = append(alpha, float64(k)/float64(m))
			weight = append(weight, 1/float64(m))
		}
		return alpha, weight
	}
	x, w := gaussLegendre(m)
	for i := range x {
		// From [−1, 1] to [0, 1].
		alpha = append(alpha, (x[i]+1)/2)
		weight = append(weight, w[i]/2)
	}
	return alpha, weight
}

// gaussLegendre returns the m nodes (increasing) and weights of
// Gauss–Legendre quadrature on [−1, 1]: the roots of the Legendre
// polynomial P_m, found by Newton's method from Tricomi's estimate
// cos(π(k − ¼)/(m + ½)), and w = 2/((1 − x²)·P_m′(x)²).
func gaussLegendre(m int) (x, w []float64) {
	x, w = make([]float64, m), make([]float64, m)
	for k := 1; k <= m; k++ {
		r := math.Cos(math.Pi * (float64(k) - 0.25) / (float64(m) + 0.5))
		var dp float64
		for range 100 {
			p, d := legendre(m, r)
			dp = d
			step := p / d
			r -= step
			if math.Abs(step) < 1e-16 {
				break
			}
		}
		_, dp = legendre(m, r)
		x[m-k], w[m-k] = r, 2/((1-r*r)*dp*dp)
	}
	return x, w
}

// legendre returns P_m(x) and P_m′(x) by the three-term recurrence
// (k+1)·P_{k+1} = (2k+1)·x·P_k − k·P_{k−1}.
func legendre(m int, x float64) (p, dp float64) {
	p0, p1 := 1.0, x
	if m == 0 {
		return 1, 0
	}
	for k := 1; k < m; k++ {
		p0, p1 = p1, (float64(2*k+1)*x*p1-float64(k)*p0)/float64(k+1)
	}
	return p1, float64(m) * (x*p1 - p0) / (x*x - 1)
}

// ig is integrated gradients for one image against the black baseline
// x′ = 0, with the completeness check.
type ig struct {
	Attr []float64 // IG_i = (x_i − x′_i)·Σ_k w_k ∂s_c/∂x_i(x′ + α_k(x − x′))
	Sum  float64   // Σ_i IG_i
	// FX and FBase are s_c(x) and s_c(x′); Error is |Σ IG − (FX − FBase)|
	// and Rel that divided by |FX − FBase|.
	FX, FBase, Error, Rel float64
}

// integratedGradients computes IG_i = (x_i − x′_i)·∫₀¹ ∂s_c/∂x_i(x′ +
// α(x − x′)) dα (Sundararajan, Taly and Yan, 2017) with the black image
// as x′, the integral taken by rule with m points.
func (n *net) integratedGradients(img []float64, c int, rule string, m int) ig {
	alpha, weight := nodes(rule, m)
	// The path's points x′ + α(x − x′) = α·x, one image each, plus x and
	// x′ themselves for the scores.
	pts := tensor.New(len(alpha), 1, Side, Side)
	for k, a := range alpha {
		for i, v := range img {
			pts.Data[k*Pixels+i] = a * v
		}
	}
	_, grads := n.gradients(pts, c)
	r := ig{Attr: make([]float64, Pixels)}
	for k, w := range weight {
		g := grads[k*Pixels : (k+1)*Pixels]
		for i := range r.Attr {
			r.Attr[i] += w * g[i]
		}
	}
	for i, v := range img {
		r.Attr[i] *= v // x_i − x′_i with x′ = 0
	}
	r.Sum = sum(r.Attr)
	ends := tensor.New(2, 1, Side, Side)
	copy(ends.Data, img)
	s := n.scores(ends)
	r.FX, r.FBase = s[c], s[Classes+c]
	r.Error = math.Abs(r.Sum - (r.FX - r.FBase))
	r.Rel = r.Error / math.Abs(r.FX-r.FBase)
	return r
}

// occlusion is the drop in class c's score when a patch×patch square of
// the image is painted black, for every position of the square (stride
// 1), spread back onto the pixels: each pixel's value is the mean drop
// over the squares that cover it.
type occlusion struct {
	Map []float64 // 784 values
	// Drops are the drops per position, (28 − patch + 1)² row-major; Best
	// is the position with the largest drop, at row BestR, column BestC.
	Drops                []float64
	Best, BestR, BestC   int
	Score                float64 // s_c(x)
	Positions, PatchSide int
}

// occlude slides a black patch×patch square over img.
func (n *net) occlude(img []float64, c, patch int) occlusion {
	side := Side - patch + 1
	o := occlusion{Map: make([]float64, Pixels), Drops: make([]float64, side*side), Positions: side * side, PatchSide: patch}
	batch := tensor.New(side*side+1, 1, Side, Side)
	copy(batch.Data, img)
	for r := range side {
		for q := range side {
			b := batch.Data[(1+r*side+q)*Pixels:]
			copy(b[:Pixels], img)
			for i := r; i < r+patch; i++ {
				for j := q; j < q+patch; j++ {
					b[i*Side+j] = 0
				}
			}
		}
	}
	s := n.scores(batch)
	o.Score = s[c]
	cover := make([]float64, Pixels)
	for p := range side * side {
		d := o.Score - s[(1+p)*Classes+c]
		o.Drops[p] = d
		if d > o.Drops[o.Best] {
			o.Best = p
		}
		r, q := p/side, p%side
		for i := r; i < r+patch; i++ {
			for j := q; j < q+patch; j++ {
				o.Map[i*Side+j] += d
				cover[i*Side+j]++
			}
		}
	}
	for i := range o.Map {
		o.Map[i] /= cover[i]
	}
	o.BestR, o.BestC = o.Best/side, o.Best%side
	return o
}

// gradCAM is the class activation map of class c from the last
// convolution (Selvaraju et al., 2017).
type gradCAM struct {
	// Weights are α_k = the mean over the 14×14 positions of ∂s_c/∂h2_k,
	// one per channel of the last convolution.
	Weights []float64
	// Coarse is ReLU(Σ_k α_k·h2_k), 14×14; Map is it upsampled to 28×28.
	Coarse, Map []float64
}

// camOf computes Grad-CAM from the maps (K channels of rows×cols) and the
// gradient of the score with respect to them.
func camOf(maps, grads []float64, k, rows, cols int) gradCAM {
	area := rows * cols
	g := gradCAM{Weights: make([]float64, k), Coarse: make([]float64, area)}
	for ch := range k {
		g.Weights[ch] = sum(grads[ch*area:(ch+1)*area]) / float64(area)
	}
	for i := range area {
		s := 0.0
		for ch := range k {
			s += g.Weights[ch] * maps[ch*area+i]
		}
		g.Coarse[i] = max(s, 0)
	}
	return g
}

// gradCAM returns Grad-CAM for img and class c, upsampled to the image.
func (n *net) gradCAM(img []float64, c int) gradCAM {
	maps, grads, _ := n.camPass(img, c)
	g := camOf(maps, grads, 2*n.f, Side/2, Side/2)
	g.Map = upsample(g.Coarse, Side/2, Side/2, Side, Side)
	return g
}

// upsample resizes a rows×cols map to outR×outC by bilinear
// interpolation with pixel centres aligned (output pixel i samples the
// input at (i + ½)·rows/outR − ½, clamped to the edge), as PyTorch's
// interpolate with align_corners=False.
func upsample(src []float64, rows, cols, outR, outC int) []float64 {
	out := make([]float64, outR*outC)
	coord := func(i, in, n int) (lo, hi int, t float64) {
		s := (float64(i)+0.5)*float64(in)/float64(n) - 0.5
		s = max(s, 0)
		lo = min(int(s), in-1)
		hi = min(lo+1, in-1)
		return lo, hi, s - float64(lo)
	}
	for i := range outR {
		r0, r1, tr := coord(i, rows, outR)
		for j := range outC {
			c0, c1, tc := coord(j, cols, outC)
			top := src[r0*cols+c0]*(1-tc) + src[r0*cols+c1]*tc
			bot := src[r1*cols+c0]*(1-tc) + src[r1*cols+c1]*tc
			out[i*outC+j] = top*(1-tr) + bot*tr
		}
	}
	return out
}

// ranks returns the ranks (1 … n, ties given their mean rank) of v.
func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		mean := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = mean
		}
		i = j + 1
	}
	return r
}

// spearman is the rank correlation of a and b: Pearson's correlation of
// their ranks, in [−1, 1]; 0 when either is constant.
func spearman(a, b []float64) float64 {
	return pearson(ranks(a), ranks(b))
}

func pearson(a, b []float64) float64 {
	n := float64(len(a))
	ma, mb := sum(a)/n, sum(b)/n
	var sab, saa, sbb float64
	for i := range a {
		da, db := a[i]-ma, b[i]-mb
		sab += da * db
		saa += da * da
		sbb += db * db
	}
	if saa == 0 || sbb == 0 {
		return 0
	}
	return sab / math.Sqrt(saa*sbb)
}

// edges is the Sobel gradient magnitude of the image: a map made from the
// pixels alone, with no model in it.
func edges(img []float64) []float64 {
	out := make([]float64, Pixels)
	at := func(i, j int) float64 {
		if i < 0 || j < 0 || i >= Side || j >= Side {
			return 0
		}
		return img[i*Side+j]
	}
	for i := range Side {
		for j := range Side {
			gx := at(i-1, j+1) + 2*at(i, j+1) + at(i+1, j+1) - at(i-1, j-1) - 2*at(i, j-1) - at(i+1, j-1)
			gy := at(i+1, j-1) + 2*at(i+1, j) + at(i+1, j+1) - at(i-1, j-1) - 2*at(i-1, j) - at(i-1, j+1)
			out[i*Side+j] = math.Hypot(gx, gy)
		}
	}
	return out
}

// topK returns the indices of the k largest values of v, largest first
// (ties by index).
func topK(v []float64, k int) []int {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case v[a] > v[b]:
			return -1
		case v[a] < v[b]:
			return 1
		}
		return 0
	})
	return idx[:min(k, len(idx))]
}
