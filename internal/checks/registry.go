package checks

import "fmt"

// Case is one named check of an exercise, bound to an implementation and
// ready to run.
type Case struct {
	Name string
	tc   testCase
}

// Run runs the case and returns the problems it found (none: it passes)
// and its metadata (max_rel_err, worst_index), as the sub-tests record
// with t.Attr.
func (c Case) Run() (problems []Problem, attrs [][2]string) {
	r := runCase(c.tc)
	return r.problems, r.attrs()
}

// Exercise describes one exercise's checks for a grader that calls the
// learner's functions itself (through proxies, in another process).
type Exercise struct {
	// Name is the exercise's folder: "mse".
	Name string
	// Test is the test function of its one-line test: "TestMSE".
	Test string
	// Call is the check call of the one-line test, the code a check runs.
	Call string
	// NewImpl returns a new zero implementation struct (*MSEImpl) for the
	// grader to fill; Cases binds the checks to a filled one.
	NewImpl func() any
	Cases   func(impl any) []Case
}

// Names returns the names of the exercise's checks, in order, without
// running anything: the manifest a grader reports against, so that a
// check that never ran is still listed.
func (e Exercise) Names() []string {
	var names []string
	for _, c := range e.Cases(e.NewImpl()) {
		names = append(names, c.Name)
	}
	return names
}

func cases(tcs []testCase) []Case {
	out := make([]Case, len(tcs))
	for i, tc := range tcs {
		out[i] = Case{Name: tc.name, tc: tc}
	}
	return out
}

// exercise builds an Exercise whose implementation struct is T.
func exercise[T any](name, test, call string, build func(T) []testCase) Exercise {
	return Exercise{Name: name, Test: test, Call: call,
		NewImpl: func() any { return new(T) },
		Cases: func(impl any) []Case {
			p, ok := impl.(*T)
			if !ok {
				panic(fmt.Sprintf("checks: %s wants a *%T, got %T", name, *new(T), impl))
			}
			return cases(build(*p))
		}}
}

// Exercises returns every exercise the checks know, in no particular
// order (the lessons give the course order).
func Exercises() []Exercise {
	return []Exercise{
		exercise("mse", "TestMSE", "checks.MSE(t, checks.MSEImpl{Loss: Loss, Grad: Grad})", mseCases),
		exercise("logistic", "TestLogistic", "checks.Logistic(t, checks.LogisticImpl{Sigmoid: Sigmoid, BCE: BCE, Grad: Grad})", logisticCases),
		exercise("backprop", "TestBackprop", "checks.Backprop(t, checks.BackpropImpl{Backward: Backward})", backpropCases),
		exercise("adam", "TestAdam", "checks.Adam(t, checks.AdamImpl{New: func(lr float64) checks.Stepper { return New(lr) }})", adamCases),
		exercise("regularize", "TestRegularize", "checks.Regularize(t, checks.RegularizeImpl{L2Grad: L2Grad, DropoutForward: DropoutForward, DropoutBackward: DropoutBackward, DropoutEval: DropoutEval})", regularizeCases),
		exercise("batchnorm", "TestBatchNorm", "checks.BatchNorm(t, checks.BatchNormImpl{TrainForward: TrainForward, EvalForward: EvalForward, Backward: Backward})", batchnormCases),
		exercise("conv", "TestConv", "checks.Conv(t, checks.ConvImpl{Conv2D: Conv2D, KernelGrad: KernelGrad, InputGrad: InputGrad})", convCases),
		exercise("rnn", "TestRNN", "checks.RNN(t, checks.RNNImpl{Step: Step, StepBackward: StepBackward})", rnnCases),
		exercise("softmax", "TestSoftmax", "checks.Softmax(t, checks.SoftmaxImpl{Softmax: Softmax, CrossEntropy: CrossEntropy, Grad: Grad})", softmaxCases),
		exercise("attention", "TestAttention", "checks.Attention(t, checks.AttentionImpl{Attention: Attention})", attentionCases),
		exercise("attnpool", "TestAttnPool", "checks.AttnPool(t, checks.AttnPoolImpl{Pool: Pool, Backward: Backward})", attnpoolCases),
		exercise("layernorm", "TestLayerNorm", "checks.LayerNorm(t, checks.LayerNormImpl{Forward: Forward, Backward: Backward})", layernormCases),
		exercise("gan", "TestGAN", "checks.GAN(t, checks.GANImpl{DiscriminatorLoss: DiscriminatorLoss, GeneratorLoss: GeneratorLoss, DiscriminatorGrad: DiscriminatorGrad, GeneratorGrad: GeneratorGrad})", ganCases),
		exercise("momentum", "TestMomentum", "checks.Momentum(t, checks.MomentumImpl{Momentum: Momentum, Nesterov: Nesterov, RMSProp: RMSProp})", momentumCases),
		exercise("schedule", "TestSchedule", "checks.Schedule(t, checks.ScheduleImpl{StepDecay: StepDecay, Cosine: Cosine, WarmupConstant: WarmupConstant, WarmupCosine: WarmupCosine})", scheduleCases),
		exercise("clip", "TestClip", "checks.Clip(t, checks.ClipImpl{ClipGradNorm: ClipGradNorm})", clipCases),
		exercise("weightinit", "TestWeightInit", "checks.WeightInit(t, checks.WeightInitImpl{XavierUniformLimit: XavierUniformLimit, XavierNormalStd: XavierNormalStd, HeNormalStd: HeNormalStd, HeUniformLimit: HeUniformLimit, LayerVariances: LayerVariances})", weightinitCases),
		exercise("dense", "TestDense", "checks.Dense(t, checks.DenseImpl{Forward: Forward, Backward: Backward})", denseCases),
		exercise("maxpool", "TestMaxPool", "checks.MaxPool(t, checks.MaxPoolImpl{Forward: Forward, Backward: Backward})", maxpoolCases),
		exercise("posenc", "TestPosEnc", "checks.PosEnc(t, checks.PosEncImpl{Encode: Encode})", posencCases),
		exercise("decode", "TestDecode", "checks.Decode(t, checks.DecodeImpl{Greedy: Greedy, Beam: Beam})", decodeCases),
		exercise("lstm", "TestLSTM", "checks.LSTM(t, checks.LSTMImpl{Step: Step, StepBackward: StepBackward})", lstmCases),
		exercise("gru", "TestGRU", "checks.GRU(t, checks.GRUImpl{Step: Step})", gruCases),
		exercise("conv2d", "TestConv2D", "checks.Conv2D(t, checks.Conv2DImpl{OutSize: OutSize, Forward: Forward, Backward: Backward})", conv2dCases),
		exercise("bptt", "TestBPTT", "checks.BPTT(t, checks.BPTTImpl{Forward: Forward, Backward: Backward})", bpttCases),
		exercise("skipgram", "TestSkipGram", "checks.SkipGram(t, checks.SkipGramImpl{Loss: Loss, Grads: Grads})", skipgramCases),
		exercise("autograd", "TestAutograd", "checks.Autograd(t, checks.AutogradImpl{Eval: Eval})", autogradCases),
		exercise("train", "TestTrain", "checks.Train(t, checks.TrainImpl{Train: Train})", trainCases),
		exercise("mha", "TestMHA", "checks.MHA(t, checks.MHAImpl{Forward: Forward, Backward: Backward})", mhaCases),
		exercise("dpsgd", "TestDPSGD", "checks.DPSGD(t, checks.DPSGDImpl{Step: Step})", dpsgdCases),
		exercise("sample", "TestSample", "checks.Sample(t, checks.SampleImpl{Probs: Probs, Sample: Sample})", sampleCases),
		exercise("causalmask", "TestCausalMask", "checks.CausalMask(t, checks.CausalMaskImpl{CausalMask: CausalMask, MaskedSoftmax: MaskedSoftmax, MaskedSoftmaxBackward: MaskedSoftmaxBackward})", causalmaskCases),
		exercise("intgrad", "TestIntGrad", "checks.IntGrad(t, checks.IntGradImpl{Forward: Forward, Gradient: Gradient, IntegratedGradients: IntegratedGradients})", intgradCases),
	}
}

// Lookup returns the exercise called name.
func Lookup(name string) (Exercise, bool) {
	for _, e := range Exercises() {
		if e.Name == name {
			return e, true
		}
	}
	return Exercise{}, false
}
