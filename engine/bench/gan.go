package bench

import (
	"math/rand/v2"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
)

// Sizes of W7.
const (
	GANBatch  = 128
	GANHidden = 64
	GANSteps  = 200 // iterations of one D step then one G step
	GANLR     = 0.001
	GANBeta1  = 0.5
	ganPool   = 64 // batches of real points and noise drawn up front, then cycled
)

// GAN is W7: a generator G: 2→64→64→2 and a discriminator D: 2→64→64→1
// (ReLU) learning the ring of eight Gaussians, with BCE on logits and Adam
// (lr 0.001, betas 0.5 and 0.999). One Step is one D step (real points
// labelled 1, G's points labelled 0, G run without a tape) then one G step
// (G's points labelled 1 through D; only G is updated). The G step runs D
// through constants that share D's weights (frozenD), so its backward
// pass computes no gradient for D's weights, which only G's update would
// have discarded: the same values as PyTorch's G step, which computes and
// then zeroes them.
type GAN struct {
	G, D           [3]*nn.Dense
	frozenD        [3]*nn.Dense    // D's layers over constants sharing D's weights
	real, noise    []*autograd.Var // pools of [128 2] batches
	ones, zeros    *autograd.Var   // [128 1] targets
	next           int
	tp, noGrad     *autograd.Tape
	optG, optD     optim.Optimizer
	paramG, paramD []*autograd.Var
}

// NewGAN returns W7 with its data pools and weights drawn from seed.
func NewGAN(seed uint64) *GAN {
	ring := data.Ring(seed, ganPool*GANBatch)
	rng := tensor.NewRNG(seed + 1)
	w := &GAN{
		ones:  autograd.Const("ones", tensor.Ones(GANBatch, 1)),
		zeros: autograd.Const("zeros", tensor.New(GANBatch, 1)),
		tp:    autograd.NewRecyclingTape(),
		optG:  mustOptim("adam", GANLR, optim.WithBetas(GANBeta1, 0.999)),
		optD:  mustOptim("adam", GANLR, optim.WithBetas(GANBeta1, 0.999)),
	}
	w.noGrad = w.tp.NoGrad() // G's points for D's step live until the next Reset
	w.G = mlp3("G", 2, rng)
	w.D = mlp3("D", 1, rng)
	for i, d := range w.D {
		w.frozenD[i] = &nn.Dense{Name: d.Name, W: d.W.Detach(), B: d.B.Detach()}
	}
	for i := range 3 {
		w.paramG = append(w.paramG, w.G[i].Params()...)
		w.paramD = append(w.paramD, w.D[i].Params()...)
	}
	const rows = GANBatch * 2
	for i := range ganPool {
		w.real = append(w.real, autograd.Const("real", tensor.FromValues(ring.X.Data[i*rows:(i+1)*rows], GANBatch, 2)))
	}
	for range 2 * ganPool {
		w.noise = append(w.noise, autograd.Const("z", tensor.RandN(rng, GANBatch, 2)))
	}
	return w
}

// mlp3 returns the three Dense layers of a 2→64→64→out network.
func mlp3(name string, out int, rng *rand.Rand) [3]*nn.Dense {
	return [3]*nn.Dense{
		nn.NewDense(name+".dense1", 2, GANHidden, rng),
		nn.NewDense(name+".dense2", GANHidden, GANHidden, rng),
		nn.NewDense(name+".dense3", GANHidden, out, rng),
	}
}

// run records the network net on x, each layer and its activation one
// fused op (autograd.DenseAct).
func run(tp *autograd.Tape, net [3]*nn.Dense, x *autograd.Var) *autograd.Var {
	h := net[0].ForwardAct(tp, x, autograd.ActReLU)
	h = net[1].ForwardAct(tp, h, autograd.ActReLU)
	return net[2].ForwardAct(tp, h, autograd.ActNone)
}

// Step runs one D step and one G step and returns the two losses' sum.
func (w *GAN) Step() float64 {
	real := w.real[w.next%ganPool]
	z1, z2 := w.noise[(2*w.next)%len(w.noise)], w.noise[(2*w.next+1)%len(w.noise)]
	w.next++

	tp := w.tp
	tp.Reset()
	fake := autograd.Const("fake", run(w.noGrad, w.G, z1).Value)
	lossD := tp.Add(
		tp.BCEWithLogits(run(tp, w.D, real), w.ones),
		tp.BCEWithLogits(run(tp, w.D, fake), w.zeros))
	update(tp, lossD, w.optD, w.paramD)
	ld := lossD.Item() // lossD is recycled by the next Reset

	tp.Reset()
	lossG := tp.BCEWithLogits(run(tp, w.frozenD, run(tp, w.G, z2)), w.ones)
	update(tp, lossG, w.optG, w.paramG)
	return ld + lossG.Item()
}

// Sample returns n points drawn from G, as [n 2].
func (w *GAN) Sample(rng *rand.Rand, n int) *tensor.Tensor {
	return run(autograd.NoGradTape(), w.G, autograd.Const("z", tensor.RandN(rng, n, 2))).Value
}
