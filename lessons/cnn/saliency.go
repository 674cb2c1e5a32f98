package cnn

import (
	"math"
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// explanation is a saliency map with the checks that show what it means:
// the change it predicts for a small and for a large edit of the image,
// next to the change the network really makes.
type explanation struct {
	inspection
	// Top is the pixel with the largest |∂s/∂x| (row, column) and TopG
	// its gradient; Ink is the share of Σ|∂s/∂x| on pixels with ink > 0.5.
	TopR, TopC int
	TopG, Ink  float64
	// InkPixels is the share of pixels with ink > 0.5.
	InkPixels float64
	// Eps is the small edit at the top pixel; SmallPred = Eps·TopG is
	// what the gradient predicts for the score, SmallReal what the
	// network gives.
	Eps, SmallPred, SmallReal float64
	// SmallHolds and EraseHolds report whether the real change is within
	// 1% (small edit) or 25% (erasure) of the prediction.
	SmallHolds, EraseHolds bool
	// Erased is how many inked pixels with a positive gradient (the most
	// positive first, at most eraseCount) were set to 0; ErasePred is the
	// first-order prediction Σ g·(0 − x) and EraseReal the real change.
	Erased               int
	ErasePred, EraseReal float64
	// Ties is the share of max-pooling windows (both pools, every
	// channel) with a positive maximum that more than one position
	// reaches: there the score has no single derivative and the engine
	// sends the gradient to the first of them.
	Ties float64
}

// eraseCount is how many of the most positively salient inked pixels the
// large edit erases.
const eraseCount = 20

// explain inspects img [1 1 28 28] and tests its saliency map against the
// network's real response to two edits of the image.
func (n *net) explain(img *tensor.Tensor) explanation {
	e := explanation{inspection: n.inspect(img), Eps: 0.01}
	g, x := e.saliency, img.Data
	total, ink := 0.0, 0.0
	top, inked := 0, 0
	for i, v := range g {
		total += math.Abs(v)
		if x[i] > 0.5 {
			ink += math.Abs(v)
			inked++
		}
		if math.Abs(v) > math.Abs(g[top]) {
			top = i
		}
	}
	if total > 0 {
		e.Ink = ink / total
	}
	e.InkPixels = float64(inked) / float64(len(g))
	e.TopR, e.TopC, e.TopG = top/img.Shape[3], top%img.Shape[3], g[top]
	base := e.scores[e.pred]

	small := img.Clone()
	small.Data[top] += e.Eps
	e.SmallPred = e.Eps * g[top]
	e.SmallReal = n.score(small, e.pred) - base

	var cand []int
	for i, v := range g {
		if v > 0 && x[i] > 0 {
			cand = append(cand, i)
		}
	}
	slices.SortStableFunc(cand, func(a, b int) int {
		switch {
		case g[a] > g[b]:
			return -1
		case g[a] < g[b]:
			return 1
		}
		return 0
	})
	cand = cand[:min(eraseCount, len(cand))]
	erased := img.Clone()
	for _, i := range cand {
		e.ErasePred -= g[i] * x[i]
		erased.Data[i] = 0
	}
	e.Erased = len(cand)
	e.EraseReal = n.score(erased, e.pred) - base
	e.Ties = ties(e.maps[1], e.maps[4])
	e.SmallHolds = near(e.SmallReal, e.SmallPred, 0.01)
	e.EraseHolds = near(e.EraseReal, e.ErasePred, 0.25)
	return e
}

// score returns class c's score for img [1 1 28 28], without a tape.
func (n *net) score(img *tensor.Tensor, c int) float64 {
	s := n.forward(autograd.NoGradTape(), autograd.Const("x", img), n.frozen())
	return s.Value.Data[c]
}

// near reports whether got is within the fraction tol of want.
func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Abs(want)
}

// ties returns the share of 2×2 pooling windows of the maps hs (each
// [1 C H W], H and W even) whose positive maximum is reached more than
// once.
func ties(hs ...*tensor.Tensor) float64 {
	windows, tied := 0, 0
	for _, h := range hs {
		c, rows, cols := h.Shape[1], h.Shape[2], h.Shape[3]
		for k := range c {
			m := h.Data[k*rows*cols : (k+1)*rows*cols]
			for r := 0; r < rows; r += 2 {
				for q := 0; q < cols; q += 2 {
					w := [4]float64{m[r*cols+q], m[r*cols+q+1], m[(r+1)*cols+q], m[(r+1)*cols+q+1]}
					mx := slices.Max(w[:])
					if mx <= 0 {
						continue
					}
					windows++
					n := 0
					for _, v := range w {
						if v == mx {
							n++
						}
					}
					if n > 1 {
						tied++
					}
				}
			}
		}
	}
	if windows == 0 {
		return 0
	}
	return float64(tied) / float64(windows)
}
