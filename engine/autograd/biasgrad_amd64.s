#include "textflag.h"

// func biasGradAVX512(rows, ld int, d, gp, y, gb *float64, masks int, relu bool)
//
// Up to 32 columns (four vectors of 8; vector v holds the columns whose
// bits are set in byte v of masks, loaded and stored under that mask):
// Z0–Z3 start at +0 and add, row after row, d = g where y's bits are a
// positive integer, else +0 (relu; d is stored), or d = g (no relu; d and
// y are not used). Each lane is one column's sum in row order, the sum
// gb[j] += d[i][j] for i = 0, 1, … of the scalar loop. rows ≥ 0; rows are
// ld apart in d, g and y.
TEXT ·biasGradAVX512(SB), NOSPLIT, $0-57
	MOVQ rows+0(FP), CX
	MOVQ ld+8(FP), R8
	SHLQ $3, R8
	MOVQ d+16(FP), DI
	MOVQ gp+24(FP), SI
	MOVQ y+32(FP), DX
	MOVQ gb+40(FP), BX
	MOVQ masks+48(FP), AX
	KMOVW AX, K1
	SHRQ $8, AX
	KMOVW AX, K2
	SHRQ $8, AX
	KMOVW AX, K3
	SHRQ $8, AX
	KMOVW AX, K4
	MOVBLZX relu+56(FP), R9
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	VPXORQ Z31, Z31, Z31
	TESTQ CX, CX
	JEQ done
	TESTQ R9, R9
	JEQ sum

relu:
	VMOVDQU64.Z 0(DX), K1, Z4
	VPCMPGTQ Z31, Z4, K1, K5
	VMOVDQU64.Z 0(SI), K5, Z8
	VMOVDQU64 Z8, K1, 0(DI)
	VMOVDQU64.Z 64(DX), K2, Z5
	VPCMPGTQ Z31, Z5, K2, K6
	VMOVDQU64.Z 64(SI), K6, Z9
	VMOVDQU64 Z9, K2, 64(DI)
	VMOVDQU64.Z 128(DX), K3, Z6
	VPCMPGTQ Z31, Z6, K3, K7
	VMOVDQU64.Z 128(SI), K7, Z10
	VMOVDQU64 Z10, K3, 128(DI)
	VMOVDQU64.Z 192(DX), K4, Z7
	VPCMPGTQ Z31, Z7, K4, K5
	VMOVDQU64.Z 192(SI), K5, Z11
	VMOVDQU64 Z11, K4, 192(DI)
	VADDPD Z8, Z0, Z0
	VADDPD Z9, Z1, Z1
	VADDPD Z10, Z2, Z2
	VADDPD Z11, Z3, Z3
	ADDQ R8, SI
	ADDQ R8, DX
	ADDQ R8, DI
	DECQ CX
	JNE relu
	JMP done

sum:
	VMOVUPD.Z 0(SI), K1, Z8
	VMOVUPD.Z 64(SI), K2, Z9
	VMOVUPD.Z 128(SI), K3, Z10
	VMOVUPD.Z 192(SI), K4, Z11
	VADDPD Z8, Z0, Z0
	VADDPD Z9, Z1, Z1
	VADDPD Z10, Z2, Z2
	VADDPD Z11, Z3, Z3
	ADDQ R8, SI
	DECQ CX
	JNE sum

done:
	VMOVUPD Z0, K1, 0(BX)
	VMOVUPD Z1, K2, 64(BX)
	VMOVUPD Z2, K3, 128(BX)
	VMOVUPD Z3, K4, 192(BX)
	VZEROUPPER
	RET
