package tensor

import (
	"testing"

	"golang.org/x/sys/cpu"
)

// TestVectorExpInUse: on a CPU with AVX2 and FMA the vector kernel passed
// its start-up check (a kernel that drifted from math.Exp would switch
// itself off silently, and the tests comparing both paths would skip).
func TestVectorExpInUse(t *testing.T) {
	if !cpu.X86.HasAVX2 || !cpu.X86.HasFMA {
		t.Skip("no AVX2 and FMA: math.Exp's other path, no vector kernel")
	}
	if !vmathAvailable {
		t.Fatal("the vector exp kernel disagrees with math.Exp on the start-up probe")
	}
}

// TestRowKernelsInUse: on a CPU with AVX2 and FMA the row kernels run (so
// the tests comparing both paths compare something).
func TestRowKernelsInUse(t *testing.T) {
	if !cpu.X86.HasAVX2 || !cpu.X86.HasFMA {
		t.Skip("no AVX2 and FMA: the row kernels' Go path only")
	}
	if !rowsFast() {
		t.Fatal("the row kernels are off on a CPU with AVX2 and FMA")
	}
}
