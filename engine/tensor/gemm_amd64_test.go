package tensor

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGemmSameBitsOnEveryKernel runs the same products with each kernel
// this CPU has (AVX-512, AVX2, the portable Go one, which is what a CPU
// without them runs) and requires identical bits: results do not depend
// on the machine.
func TestGemmSameBitsOnEveryKernel(t *testing.T) {
	ks := gemmKernels()
	t.Logf("kernels on this CPU: %v", kernelNames(ks))
	rng := NewRNG(3)
	for _, s := range [][3]int{{1, 1, 1}, {7, 5, 3}, {16, 8, 16}, {64, 64, 64}, {100, 37, 300}, {13, 600, 9}, {130, 1000, 70}} {
		m, k, n := s[0], s[1], s[2]
		a, b := RandN(rng, m, k), RandN(rng, k, n)
		var ref []float64
		for _, kn := range ks {
			var got *Tensor
			withKernel(kn, func() { got = MatMul(a, b) })
			if ref == nil {
				ref = got.Data
				continue
			}
			for i := range ref {
				if math.Float64bits(got.Data[i]) != math.Float64bits(ref[i]) {
					t.Fatalf("%v: element %d: %v with the %s kernel, %v with the %s one", s, i, got.Data[i], kn.name, ref[i], ks[0].name)
				}
			}
		}
	}
}

func TestGemmKernelChoice(t *testing.T) {
	want := gemmKernelGo
	switch {
	case hasAVX512():
		want = gemmKernel512
	case hasAVX2FMA():
		want = gemmKernelAVX2
	}
	if gemmKern != want {
		t.Fatalf("gemm runs the %s kernel, the best this CPU has is %s", gemmKern.name, want.name)
	}
	if hasAVX512() && !hasAVX2FMA() {
		t.Fatal("AVX-512 without AVX2/FMA")
	}
}

// TestGemm512AsmIsGenerated checks that gemm512_amd64.s is what
// gemm512_gen.go writes.
func TestGemm512AsmIsGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator")
	}
	out := filepath.Join(t.TempDir(), "gemm512.s")
	cmd := exec.Command("go", "run", "gemm512_gen.go", "-o", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run gemm512_gen.go: %v\n%s", err, b)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("gemm512_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("gemm512_amd64.s differs from what gemm512_gen.go writes: run go generate ./engine/tensor")
	}
}

// withPackBT512 runs f with packBTrans using AVX-512 if on is set and the
// CPU has it.
func withPackBT512(on bool, f func()) {
	saved := gemmPackBT512
	gemmPackBT512 = on && hasAVX512()
	defer func() { gemmPackBT512 = saved }()
	f()
}
