#include "textflag.h"

// Row kernels (rows.go). Go's assembler writes the sources last first:
// VSUBPD Y2, Y0, Y0 is Y0 = Y0 − Y2, VDIVSD X0, X1, X1 is X1 = X1 / X0,
// VMASKMOVPD (SI), Y14, Y0 loads the lanes of Y14's mask (others 0) and
// VMASKMOVPD Y0, Y14, (DI) stores them.

// EXP4 is math.Exp's amd64 FMA path on the four values of Y0, in
// [−708, 709], leaving exp in Y0: a copy of vmath_amd64.s's EXP4 (the
// start-up check of vmath.go guards both copies through vmathFast; the
// tests of rows_test.go compare this one with math.Exp). It needs the
// constants expConsts at R8 and in Y7–Y13 and uses Y1, Y3, X4/Y4 and Y5.
#define EXP4 \
	VMULPD    Y8, Y0, Y1; \
	VCVTPD2DQY Y1, X4; \
	VCVTDQ2PD X4, Y1; \
	VFNMADD231PD Y9, Y1, Y0; \
	VFNMADD231PD Y10, Y1, Y0; \
	VMULPD    Y11, Y0, Y0; \
	VBROADCASTSD 32(R8), Y1; \
	VBROADCASTSD 40(R8), Y3; \
	VFMADD213PD Y3, Y0, Y1; \
	VBROADCASTSD 48(R8), Y3; \
	VFMADD213PD Y3, Y0, Y1; \
	VBROADCASTSD 56(R8), Y3; \
	VFMADD213PD Y3, Y0, Y1; \
	VBROADCASTSD 64(R8), Y3; \
	VFMADD213PD Y3, Y0, Y1; \
	VBROADCASTSD 72(R8), Y3; \
	VFMADD213PD Y3, Y0, Y1; \
	VBROADCASTSD 80(R8), Y3; \
	VFMADD213PD Y3, Y0, Y1; \
	VFMADD213PD Y13, Y0, Y1; \
	VMULPD  Y1, Y0, Y0; \
	VADDPD  Y12, Y0, Y1; \
	VMULPD  Y1, Y0, Y0; \
	VADDPD  Y12, Y0, Y1; \
	VMULPD  Y1, Y0, Y0; \
	VADDPD  Y12, Y0, Y1; \
	VMULPD  Y1, Y0, Y0; \
	VADDPD  Y12, Y0, Y1; \
	VFMADD213PD Y13, Y1, Y0; \
	VPMOVSXDQ X4, Y5; \
	VPADDQ    Y7, Y5, Y5; \
	VPSLLQ    $52, Y5, Y5; \
	VMULPD    Y5, Y0, Y0

// func softmaxRowsAVX2(dst, src, mask *float64, rows, n int, scale float64, k *float64, tail *int64) int
//
// Per row of n ≥ 4 values: v = scale·x (+ mask) into dst; the row's
// largest and smallest v and whether one is a NaN (order-free); unless
// a NaN or min − max < −708 (then it returns the row's index, dst holding
// v), e^(v − max) by EXP4 (groups of four, the last n mod 4 masked), the
// sum of the row's exponentials in order from +0 (scalar adds), 1/sum,
// and each exponential times it. The scalar code's operations, element
// by element: the same bits (the maximum's sign of zero may differ, which
// changes no v − max: e^±0 = 1).
TEXT ·softmaxRowsAVX2(SB), NOSPLIT, $0-72
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ mask+16(FP), DX
	MOVQ rows+24(FP), R9
	MOVQ n+32(FP), CX
	VBROADCASTSD scale+40(FP), Y6
	MOVQ k+48(FP), R8
	MOVQ tail+56(FP), R10
	VMOVUPD (R10), Y14        // the mask of the last n mod 4 values
	MOVQ CX, R11
	ANDQ $-4, R11             // the values in whole groups of four
	MOVQ CX, R13
	SHLQ $3, R13              // a row's bytes
	VBROADCASTSD 0(R8), Y8    // log₂e
	VBROADCASTSD 8(R8), Y9    // ln 2 upper
	VBROADCASTSD 16(R8), Y10  // ln 2 lower
	VBROADCASTSD 24(R8), Y11  // 0.0625
	VBROADCASTSD 96(R8), Y12  // 2
	VBROADCASTSD 88(R8), Y13  // 1
	MOVQ $1023, AX
	MOVQ AX, X7
	VPBROADCASTQ X7, Y7       // the exponent bias, per 64-bit lane
	XORQ R12, R12             // the row

row:
	CMPQ R12, R9
	JGE  done
	// v = scale·x (+ mask) into dst.
	XORQ BX, BX
scale:
	CMPQ BX, R11
	JGE  scaletail
	VMOVUPD (SI)(BX*8), Y0
	VMULPD  Y0, Y6, Y0
	TESTQ   DX, DX
	JZ      scalestore
	VADDPD  (DX)(BX*8), Y0, Y0
scalestore:
	VMOVUPD Y0, (DI)(BX*8)
	ADDQ $4, BX
	JMP  scale
scaletail:
	CMPQ BX, CX
	JGE  stats
	VMASKMOVPD (SI)(BX*8), Y14, Y0
	VMULPD  Y0, Y6, Y0
	TESTQ   DX, DX
	JZ      scaletailstore
	VMASKMOVPD (DX)(BX*8), Y14, Y1
	VADDPD  Y1, Y0, Y0
scaletailstore:
	VMASKMOVPD Y0, Y14, (DI)(BX*8)

stats:
	// Y1 = max, Y2 = min, Y3 = NaN lanes over the row (the last group
	// overlaps the one before when n mod 4 ≠ 0).
	VMOVUPD (DI), Y1
	VMOVAPD Y1, Y2
	VCMPPD  $0x03, Y1, Y1, Y3
	MOVQ $4, BX
statsloop:
	CMPQ BX, R11
	JGE  statstail
	VMOVUPD (DI)(BX*8), Y0
	VMAXPD  Y0, Y1, Y1
	VMINPD  Y0, Y2, Y2
	VCMPPD  $0x03, Y0, Y0, Y4
	VORPD   Y4, Y3, Y3
	ADDQ $4, BX
	JMP  statsloop
statstail:
	CMPQ R11, CX
	JGE  statsdone
	VMOVUPD -32(DI)(CX*8), Y0
	VMAXPD  Y0, Y1, Y1
	VMINPD  Y0, Y2, Y2
	VCMPPD  $0x03, Y0, Y0, Y4
	VORPD   Y4, Y3, Y3
statsdone:
	VMOVMSKPD Y3, AX
	TESTQ   AX, AX
	JNE     stop
	VPERM2F128 $1, Y1, Y1, Y4
	VMAXPD  Y4, Y1, Y1
	VPERMILPD $5, Y1, Y4
	VMAXPD  Y4, Y1, Y1        // the maximum, in every lane
	VPERM2F128 $1, Y2, Y2, Y4
	VMINPD  Y4, Y2, Y2
	VPERMILPD $5, Y2, Y4
	VMINPD  Y4, Y2, Y2        // the minimum
	VSUBPD  Y1, Y2, Y2        // min − max (every v − max is at least this)
	VBROADCASTSD 104(R8), Y4  // −708
	VCMPPD  $0x1D, Y4, Y2, Y4 // min − max ≥ −708 (false for a NaN)
	VMOVMSKPD Y4, AX
	CMPQ    AX, $15
	JNE     stop
	VMOVAPD Y1, Y2            // the maximum (EXP4 leaves Y2 alone)

	// e^(v − max) in place.
	XORQ BX, BX
exp:
	CMPQ BX, R11
	JGE  exptail
	VMOVUPD (DI)(BX*8), Y0
	VSUBPD  Y2, Y0, Y0
	EXP4
	VMOVUPD Y0, (DI)(BX*8)
	ADDQ $4, BX
	JMP  exp
exptail:
	CMPQ BX, CX
	JGE  sum
	VMASKMOVPD (DI)(BX*8), Y14, Y0
	VSUBPD  Y2, Y0, Y0
	EXP4
	VMASKMOVPD Y0, Y14, (DI)(BX*8)

sum:
	// s = 0 + e₀ + e₁ + … in order; inv = 1/s.
	VXORPD X0, X0, X0
	XORQ BX, BX
sumloop:
	VADDSD (DI)(BX*8), X0, X0
	INCQ BX
	CMPQ BX, CX
	JLT  sumloop
	VMOVSD  88(R8), X1
	VDIVSD  X0, X1, X1
	VBROADCASTSD X1, Y1

	// Each exponential times inv.
	XORQ BX, BX
norm:
	CMPQ BX, R11
	JGE  normtail
	VMULPD  (DI)(BX*8), Y1, Y0
	VMOVUPD Y0, (DI)(BX*8)
	ADDQ $4, BX
	JMP  norm
normtail:
	CMPQ BX, CX
	JGE  next
	VMASKMOVPD (DI)(BX*8), Y14, Y0
	VMULPD  Y0, Y1, Y0
	VMASKMOVPD Y0, Y14, (DI)(BX*8)

next:
	ADDQ R13, DI
	ADDQ R13, SI
	TESTQ DX, DX
	JZ   nextrow
	ADDQ R13, DX
nextrow:
	INCQ R12
	JMP  row

done:
	MOVQ R9, ret+64(FP)
	VZEROUPPER
	RET

stop:
	MOVQ R12, ret+64(FP)
	VZEROUPPER
	RET

// func softmaxBackAVX2(dst, y, grad *float64, rows, n int, scale float64, tail *int64)
//
// Per row of n ≥ 1 values: dot = 0 + y₀·g₀ + y₁·g₁ + … in order (a
// product, then a sum, each rounded: no fused multiply-add), then
// dst = scale·(y·(g − dot)) element-wise.
TEXT ·softmaxBackAVX2(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ y+8(FP), SI
	MOVQ grad+16(FP), DX
	MOVQ rows+24(FP), R9
	MOVQ n+32(FP), CX
	VBROADCASTSD scale+40(FP), Y6
	MOVQ tail+48(FP), R10
	VMOVUPD (R10), Y14
	MOVQ CX, R11
	ANDQ $-4, R11
	MOVQ CX, R13
	SHLQ $3, R13

brow:
	TESTQ R9, R9
	JZ    bdone
	VXORPD X0, X0, X0
	XORQ BX, BX
bdot:
	VMOVSD (SI)(BX*8), X1
	VMULSD (DX)(BX*8), X1, X1
	VADDSD X1, X0, X0
	INCQ BX
	CMPQ BX, CX
	JLT  bdot
	VBROADCASTSD X0, Y2       // dot
	XORQ BX, BX
bgrad:
	CMPQ BX, R11
	JGE  bgradtail
	VMOVUPD (DX)(BX*8), Y0
	VSUBPD  Y2, Y0, Y0        // g − dot
	VMULPD  (SI)(BX*8), Y0, Y0 // y·(…)
	VMULPD  Y0, Y6, Y0        // scale·(…)
	VMOVUPD Y0, (DI)(BX*8)
	ADDQ $4, BX
	JMP  bgrad
bgradtail:
	CMPQ BX, CX
	JGE  bnext
	VMASKMOVPD (DX)(BX*8), Y14, Y0
	VMASKMOVPD (SI)(BX*8), Y14, Y1
	VSUBPD  Y2, Y0, Y0
	VMULPD  Y1, Y0, Y0
	VMULPD  Y0, Y6, Y0
	VMASKMOVPD Y0, Y14, (DI)(BX*8)
bnext:
	ADDQ R13, DI
	ADDQ R13, SI
	ADDQ R13, DX
	DECQ R9
	JMP  brow

bdone:
	VZEROUPPER
	RET
