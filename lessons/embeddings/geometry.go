package embeddings

import (
	"cmp"
	"math"
	"slices"
)

// row returns word id's row of the embedding table E (shared, read-only).
func (m *machine) row(id int) []float64 {
	d := m.dim()
	e, _, _ := m.weights()
	return e[id*d : (id+1)*d]
}

// cosine is a·b / (|a||b|), or 0 when either vector is zero. Each
// vector is first scaled by its largest magnitude, so that the sums
// cannot overflow however large the entries.
func cosine(a, b []float64) float64 {
	sa, sb := maxAbs(a), maxAbs(b)
	if sa == 0 || sb == 0 {
		return 0
	}
	var ab, aa, bb float64
	for i := range a {
		x, y := a[i]/sa, b[i]/sb
		ab += x * y
		aa += x * x
		bb += y * y
	}
	return ab / math.Sqrt(aa*bb)
}

// maxAbs is the largest |x| of xs (0 for none).
func maxAbs(xs ...[]float64) float64 {
	m := 0.0
	for _, x := range xs {
		for _, v := range x {
			m = math.Max(m, math.Abs(v))
		}
	}
	return m
}

// neighbour is a word and its cosine similarity to another.
type neighbour struct {
	id  int
	cos float64
}

// neighbours returns the k words whose rows of E are closest to word id's
// by cosine similarity, most similar first (ties by id).
func (m *machine) neighbours(id, k int) []neighbour {
	var ns []neighbour
	for j := range m.words.Size() {
		if j != id {
			ns = append(ns, neighbour{j, cosine(m.row(id), m.row(j))})
		}
	}
	slices.SortFunc(ns, func(a, b neighbour) int { return cmp.Or(cmp.Compare(b.cos, a.cos), cmp.Compare(a.id, b.id)) })
	return ns[:min(k, len(ns))]
}

// topicAgreement counts the topic words whose nearest neighbour (among
// all other words) belongs to the same topic.
func (m *machine) topicAgreement() int {
	n := 0
	for id, t := range m.topic {
		if t >= 0 && m.topic[m.neighbours(id, 1)[0].id] == t {
			n++
		}
	}
	return n
}

// projection is the 2-D PCA of the rows of E: X[i], Y[i] are word i's
// coordinates on the first two principal components, and Explained the
// fraction of the total variance they hold.
type projection struct {
	X, Y      []float64
	Explained float64
}

// project computes the PCA of the rows of E afresh: the top two
// eigenvectors of their covariance matrix, found by power iteration with
// deflation. Each component is oriented so that the word farthest along
// it has a positive coordinate, so the picture does not flip between
// scenes for no reason.
func (m *machine) project() projection {
	v, d := m.words.Size(), m.dim()
	centred := make([][]float64, v)
	mean := make([]float64, d)
	for i := range v {
		for k, x := range m.row(i) {
			mean[k] += x / float64(v)
		}
	}
	for i := range v {
		centred[i] = make([]float64, d)
		for k, x := range m.row(i) {
			centred[i][k] = x - mean[k]
		}
	}
	cov := make([]float64, d*d)
	for _, r := range centred {
		for a := range d {
			for b := range d {
				cov[a*d+b] += r[a] * r[b] / float64(v)
			}
		}
	}
	total := 0.0
	for a := range d {
		total += cov[a*d+a]
	}
	p := projection{X: make([]float64, v), Y: make([]float64, v)}
	var kept float64
	for comp, dst := range [][]float64{p.X, p.Y} {
		if comp >= d {
			break
		}
		vec, val := powerIteration(cov, d)
		kept += val
		for i, r := range centred {
			dst[i] = dot(r, vec)
		}
		far := 0
		for i, x := range dst {
			if math.Abs(x) > math.Abs(dst[far]) {
				far = i
			}
		}
		if dst[far] < 0 {
			for i := range dst {
				dst[i] = -dst[i]
			}
		}
		// Deflate: remove this component so the next iteration finds
		// the next one.
		for a := range d {
			for b := range d {
				cov[a*d+b] -= val * vec[a] * vec[b]
			}
		}
	}
	if total > 0 {
		p.Explained = kept / total
	}
	return p
}

// powerIteration returns the dominant eigenvector (unit length) and
// eigenvalue of the symmetric positive semi-definite d×d matrix a. Plain
// power iteration converges as (λ₂/λ₁)ᵏ, slowly when the two top
// eigenvalues are close (as for random vectors), so it takes the powers
// by repeated squaring, a^(2^k), normalising each time: 60 squarings
// reach a power no eigenvalue ratio below 1 − 1e-15 survives. It starts
// from a fixed vector, so it is deterministic.
func powerIteration(a []float64, d int) ([]float64, float64) {
	p := slices.Clone(a)
	q := make([]float64, d*d)
	for range 60 {
		if normalise(p) == 0 {
			return unit(d), 0
		}
		for i := range d {
			for j := range d {
				q[i*d+j] = dot(p[i*d:(i+1)*d], p[j*d:(j+1)*d]) // p is symmetric
			}
		}
		p, q = q, p
	}
	x := unit(d)
	y := make([]float64, d)
	for i := range d {
		y[i] = dot(p[i*d:(i+1)*d], x)
	}
	if normalise(y) == 0 {
		return x, 0
	}
	for i := range d {
		x[i] = dot(a[i*d:(i+1)*d], y)
	}
	return y, math.Max(dot(x, y), 0)
}

// unit is a fixed start vector with no zero entries (no eigenvector of a
// generic matrix is orthogonal to it).
func unit(d int) []float64 {
	x := make([]float64, d)
	for i := range x {
		x[i] = 1 / math.Sqrt(float64(d)+float64(i))
	}
	normalise(x)
	return x
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// normalise scales x to unit length and returns its former length.
func normalise(x []float64) float64 {
	n := math.Sqrt(dot(x, x))
	if n > 0 {
		for i := range x {
			x[i] /= n
		}
	}
	return n
}
