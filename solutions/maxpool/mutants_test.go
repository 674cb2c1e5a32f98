package maxpool

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement maxpool."

func withForward(f func(x [][]float64, k, s int) [][]float64) checks.MaxPoolImpl {
	return checks.MaxPoolImpl{Forward: f, Backward: Backward}
}

func withBackward(f func(x [][]float64, k, s int, dy [][]float64) [][]float64) checks.MaxPoolImpl {
	return checks.MaxPoolImpl{Forward: Forward, Backward: f}
}

// pool is Forward with the output size out(n, k, s) and the window of
// output i starting at start(i, s).
func pool(x [][]float64, k, s int, out func(n, k, s int) int, start func(i, s int) int) [][]float64 {
	y := newMatrix(out(len(x), k, s), out(len(x[0]), k, s))
	for i := range y {
		for j := range y[i] {
			r, c := argmax(x, start(i, s), start(j, s), k)
			y[i][j] = x[r][c]
		}
	}
	return y
}

func rightSize(n, k, s int) int { return (n-k)/s + 1 }
func strided(i, s int) int      { return i * s }

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	impl checks.MaxPoolImpl
	want string
}{
	{"Forward stub", withForward(func(x [][]float64, k, s int) [][]float64 { panic(todo + "Forward") }),
		"not implemented yet: maxpool.Forward"},
	{"Backward stub", withBackward(func(x [][]float64, k, s int, dy [][]float64) [][]float64 { panic(todo + "Backward") }),
		"not implemented yet: maxpool.Backward"},
	{"output size without the +1", withForward(func(x [][]float64, k, s int) [][]float64 {
		return pool(x, k, s, func(n, k, s int) int { return (n - k) / s }, strided)
	}), "you forgot the +1"},
	{"output size ignores the stride", withForward(func(x [][]float64, k, s int) [][]float64 {
		return pool(x, k, s, func(n, k, s int) int { return n - k + 1 }, func(i, s int) int { return i })
	}), "the stride is ignored in the size"},
	{"windows step by 1 (stride ignored)", withForward(func(x [][]float64, k, s int) [][]float64 {
		return pool(x, k, s, rightSize, func(i, s int) int { return i })
	}), "multiply by the stride s"},
	{"average pooling forward", withForward(func(x [][]float64, k, s int) [][]float64 {
		y := newMatrix(rightSize(len(x), k, s), rightSize(len(x[0]), k, s))
		for i := range y {
			for j := range y[i] {
				for a := range k {
					for b := range k {
						y[i][j] += x[i*s+a][j*s+b] / float64(k*k)
					}
				}
			}
		}
		return y
	}), "that is average pooling"},
	{"backward spreads the gradient over the window", withBackward(func(x [][]float64, k, s int, dy [][]float64) [][]float64 {
		dx := newMatrix(len(x), len(x[0]))
		for i := range dy {
			for j := range dy[i] {
				for a := range k {
					for b := range k {
						dx[i*s+a][j*s+b] += dy[i][j] / float64(k*k)
					}
				}
			}
		}
		return dx
	}), "that is average pooling's backward"},
	{"ties: every maximum gets the gradient", withBackward(func(x [][]float64, k, s int, dy [][]float64) [][]float64 {
		y := Forward(x, k, s)
		dx := newMatrix(len(x), len(x[0]))
		for i := range dy {
			for j := range dy[i] {
				for a := range k {
					for b := range k {
						if x[i*s+a][j*s+b] == y[i][j] {
							dx[i*s+a][j*s+b] += dy[i][j]
						}
					}
				}
			}
		}
		return dx
	}), "a tie gives the gradient to every maximum"},
	{"ties: the last maximum (>=)", withBackward(func(x [][]float64, k, s int, dy [][]float64) [][]float64 {
		dx := newMatrix(len(x), len(x[0]))
		for i := range dy {
			for j := range dy[i] {
				br, bc := i*s, j*s
				for a := range k {
					for b := range k {
						if x[i*s+a][j*s+b] >= x[br][bc] {
							br, bc = i*s+a, j*s+b
						}
					}
				}
				dx[br][bc] += dy[i][j]
			}
		}
		return dx
	}), "a tie gives the gradient to the last maximum"},
	{"overlapping windows overwrite (= not +=)", withBackward(func(x [][]float64, k, s int, dy [][]float64) [][]float64 {
		dx := newMatrix(len(x), len(x[0]))
		for i := range dy {
			for j := range dy[i] {
				r, c := argmax(x, i*s, j*s, k)
				dx[r][c] = dy[i][j]
			}
		}
		return dx
	}), "receives the sum of their gradients"},
	{"backward ignores the stride", withBackward(func(x [][]float64, k, s int, dy [][]float64) [][]float64 {
		dx := newMatrix(len(x), len(x[0]))
		for i := range dy {
			for j := range dy[i] {
				r, c := argmax(x, i, j, k)
				dx[r][c] += dy[i][j]
			}
		}
		return dx
	}), "multiply by the stride s when you find its maximum"},
	{"backward returns dy's shape", withBackward(func(x [][]float64, k, s int, dy [][]float64) [][]float64 {
		return newMatrix(len(dy), len(dy[0]))
	}), "want 4×4"},
	{"Forward changes x", withForward(func(x [][]float64, k, s int) [][]float64 {
		y := Forward(x, k, s)
		x[0][1] = 0
		return y
	}), "changed its argument x[0][1]"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckMaxPool(m.impl), m.want)
		})
	}
}
