#include "textflag.h"

// Row kernels (rows.go). Go's assembler writes the sources last first:
// VSUBPD Y2, Y0, Y0 is Y0 = Y0 − Y2, VDIVSD X0, X1, X1 is X1 = X1 / X0,
// VMASKMOVPD (SI), Y14, Y0 loads the lanes of Y14's mask (others 0) and
// VMASKMOVPD Y0, Y14, (DI) stores them.

// EXP4 (vexp4.h, shared with vmath_amd64.s) is math.Exp's amd64 FMA path
// on the four values of Y0; the start-up check of vmath.go guards it
// through vmathFast, and the tests of rows_test.go compare the row
// kernels' exponentials with math.Exp.
#include "vexp4.h"

// TRANSPOSEX turns rows r0–r3 (four values each) into columns, using t0
// and t1: r2 ends holding the rows' first values, r3 their second, t0
// their third and t1 their fourth.
#define TRANSPOSEX(r0, r1, r2, r3, t0, t1) \
	VUNPCKLPD r1, r0, t0; \
	VUNPCKHPD r1, r0, t1; \
	VUNPCKLPD r3, r2, r0; \
	VUNPCKHPD r3, r2, r1; \
	VPERM2F128 $0x20, r0, t0, r2; \
	VPERM2F128 $0x20, r1, t1, r3; \
	VPERM2F128 $0x31, r0, t0, t0; \
	VPERM2F128 $0x31, r1, t1, t1

// ADDCOLS adds the columns c0–c3 to acc in order (c0 first).
#define ADDCOLS(c0, c1, c2, c3, acc) \
	VADDPD c0, acc, acc; \
	VADDPD c1, acc, acc; \
	VADDPD c2, acc, acc; \
	VADDPD c3, acc, acc

// ADDTAIL adds the first CX − R11 (1 to 3) of the columns c0–c2 to acc,
// using BX, and jumps to done.
#define ADDTAIL(c0, c1, c2, acc, done) \
	VADDPD c0, acc, acc; \
	MOVQ CX, BX; \
	SUBQ R11, BX; \
	CMPQ BX, $2; \
	JLT  done; \
	VADDPD c1, acc, acc; \
	CMPQ BX, $3; \
	JLT  done; \
	VADDPD c2, acc, acc; \
	JMP  done

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

// func layerNormAVX2(out, xhat, rstd, x, gain, bias *float64, blocks, d int, fd, eps float64, tail *int64)
//
// LayerNormRows on blocks of four rows of d values, a lane per row: the
// four rows' sums of x, then of (x − mean)·(x − mean), side by side in one
// vector, each in its row's order from +0 (each group of four columns
// transposed so that a lane holds a row; the last d mod 4 masked), then
// mean = sum/d, rs = 1/√(var/d + eps) for the four at once (VDIVPD and
// VSQRTPD round exactly, as Go's / and math.Sqrt), and per row
// xhat = (x − mean)·rs and out = xhat·gain + bias in groups of four, a
// product and a sum each rounded (no fused multiply-add). The frame holds
// the four means.
TEXT ·layerNormAVX2(SB), NOSPLIT, $32-88
	MOVQ out+0(FP), DI
	MOVQ xhat+8(FP), DX
	MOVQ rstd+16(FP), AX
	MOVQ x+24(FP), SI
	MOVQ blocks+48(FP), R13
	MOVQ d+56(FP), CX
	VBROADCASTSD fd+64(FP), Y14
	MOVQ tail+80(FP), R11
	VMOVUPD (R11), Y15        // the mask of the last d mod 4 values
	MOVQ CX, R11
	ANDQ $-4, R11             // the values in whole groups of four
	MOVQ CX, R12
	SHLQ $3, R12              // a row's bytes

lnblock:
	TESTQ R13, R13
	JZ    lndone
	LEAQ (SI)(R12*1), R8      // rows 1, 2, 3 of the block
	LEAQ (R8)(R12*1), R9
	LEAQ (R9)(R12*1), R10
	// The sums of x, Y12.
	VXORPD Y12, Y12, Y12
	XORQ BX, BX
lnmean:
	CMPQ BX, R11
	JGE  lnmeantail
	VMOVUPD (SI)(BX*8), Y0
	VMOVUPD (R8)(BX*8), Y1
	VMOVUPD (R9)(BX*8), Y2
	VMOVUPD (R10)(BX*8), Y3
	TRANSPOSEX(Y0, Y1, Y2, Y3, Y4, Y5)
	ADDCOLS(Y2, Y3, Y4, Y5, Y12)
	ADDQ $4, BX
	JMP  lnmean
lnmeantail:
	CMPQ BX, CX
	JGE  lnmeandone
	VMASKMOVPD (SI)(BX*8), Y15, Y0
	VMASKMOVPD (R8)(BX*8), Y15, Y1
	VMASKMOVPD (R9)(BX*8), Y15, Y2
	VMASKMOVPD (R10)(BX*8), Y15, Y3
	TRANSPOSEX(Y0, Y1, Y2, Y3, Y4, Y5)
	ADDTAIL(Y2, Y3, Y4, Y12, lnmeandone)
lnmeandone:
	VDIVPD  Y14, Y12, Y12     // the means
	VMOVUPD Y12, 0(SP)
	VPERMPD $0x00, Y12, Y8    // each row's, in every lane
	VPERMPD $0x55, Y12, Y9
	VPERMPD $0xAA, Y12, Y10
	VPERMPD $0xFF, Y12, Y11
	// The sums of (x − mean)·(x − mean), Y13.
	VXORPD Y13, Y13, Y13
	XORQ BX, BX
lnvar:
	CMPQ BX, R11
	JGE  lnvartail
	VMOVUPD (SI)(BX*8), Y0
	VSUBPD  Y8, Y0, Y0
	VMULPD  Y0, Y0, Y0
	VMOVUPD (R8)(BX*8), Y1
	VSUBPD  Y9, Y1, Y1
	VMULPD  Y1, Y1, Y1
	VMOVUPD (R9)(BX*8), Y2
	VSUBPD  Y10, Y2, Y2
	VMULPD  Y2, Y2, Y2
	VMOVUPD (R10)(BX*8), Y3
	VSUBPD  Y11, Y3, Y3
	VMULPD  Y3, Y3, Y3
	TRANSPOSEX(Y0, Y1, Y2, Y3, Y4, Y5)
	ADDCOLS(Y2, Y3, Y4, Y5, Y13)
	ADDQ $4, BX
	JMP  lnvar
lnvartail:
	CMPQ BX, CX
	JGE  lnvardone
	VMASKMOVPD (SI)(BX*8), Y15, Y0
	VSUBPD  Y8, Y0, Y0
	VMULPD  Y0, Y0, Y0
	VMASKMOVPD (R8)(BX*8), Y15, Y1
	VSUBPD  Y9, Y1, Y1
	VMULPD  Y1, Y1, Y1
	VMASKMOVPD (R9)(BX*8), Y15, Y2
	VSUBPD  Y10, Y2, Y2
	VMULPD  Y2, Y2, Y2
	VMASKMOVPD (R10)(BX*8), Y15, Y3
	VSUBPD  Y11, Y3, Y3
	VMULPD  Y3, Y3, Y3
	TRANSPOSEX(Y0, Y1, Y2, Y3, Y4, Y5)
	ADDTAIL(Y2, Y3, Y4, Y13, lnvardone)
lnvardone:
	// rs = 1/√(var/d + eps), into rstd.
	VDIVPD  Y14, Y13, Y13
	VBROADCASTSD eps+72(FP), Y0
	VADDPD  Y0, Y13, Y13
	VSQRTPD Y13, Y13
	MOVQ $0x3FF0000000000000, BX
	MOVQ BX, X0
	VBROADCASTSD X0, Y0       // 1
	VDIVPD  Y13, Y0, Y13
	VMOVUPD Y13, (AX)
	// Row by row: xhat = (x − mean)·rs, out = xhat·gain + bias; R10 the
	// row's slot (its mean, then its rs in rstd).
	MOVQ gain+32(FP), R8
	MOVQ bias+40(FP), R9
	LEAQ 0(SP), R10
lnrow:
	VBROADCASTSD (R10), Y8    // mean
	VBROADCASTSD (AX), Y9     // rs
	XORQ BX, BX
lnel:
	CMPQ BX, R11
	JGE  lneltail
	VMOVUPD (SI)(BX*8), Y10
	VSUBPD  Y8, Y10, Y10      // x − mean
	VMULPD  Y9, Y10, Y10      // ·rs
	VMOVUPD Y10, (DX)(BX*8)
	VMULPD  (R8)(BX*8), Y10, Y10 // ·gain
	VADDPD  (R9)(BX*8), Y10, Y10 // + bias
	VMOVUPD Y10, (DI)(BX*8)
	ADDQ $4, BX
	JMP  lnel
lneltail:
	CMPQ BX, CX
	JGE  lnrownext
	VMASKMOVPD (SI)(BX*8), Y15, Y10
	VSUBPD  Y8, Y10, Y10
	VMULPD  Y9, Y10, Y10
	VMASKMOVPD Y10, Y15, (DX)(BX*8)
	VMASKMOVPD (R8)(BX*8), Y15, Y11
	VMULPD  Y11, Y10, Y10
	VMASKMOVPD (R9)(BX*8), Y15, Y11
	VADDPD  Y11, Y10, Y10
	VMASKMOVPD Y10, Y15, (DI)(BX*8)
lnrownext:
	ADDQ R12, SI
	ADDQ R12, DX
	ADDQ R12, DI
	ADDQ $8, AX
	ADDQ $8, R10
	LEAQ 32(SP), BX
	CMPQ R10, BX
	JLT  lnrow
	DECQ R13
	JMP  lnblock

lndone:
	VZEROUPPER
	RET

// func layerNormBackAVX2(dx, dg, db, grad, xhat, rstd, gain *float64, blocks, d int, fd float64, tail *int64)
//
// LayerNormRowsBackward on blocks of four rows of d values: when dx is
// wanted, the four rows' sums of h = g·gain and of h·xhat side by side,
// a lane per row, each in its row's order from +0 (each group of four
// columns transposed so that a lane holds a row; the last d mod 4
// masked), divided by d: mh and mhx; then row by row, in groups of four,
// dg += g·xhat, db += g and dx = rs·((g·gain − mh) − xhat·mhx), each
// operation rounded (no fused multiply-add). The frame holds the four mh,
// then the four mhx.
TEXT ·layerNormBackAVX2(SB), NOSPLIT, $64-88
	MOVQ grad+24(FP), SI
	MOVQ xhat+32(FP), DI
	MOVQ rstd+40(FP), AX
	MOVQ blocks+56(FP), R13
	SHLQ $2, R13              // the rows left
	MOVQ d+64(FP), CX
	MOVQ tail+80(FP), R11
	VMOVUPD (R11), Y15        // the mask of the last d mod 4 values
	MOVQ CX, R11
	ANDQ $-4, R11             // the values in whole groups of four
	MOVQ CX, R12
	SHLQ $3, R12              // a row's bytes
	MOVQ dx+0(FP), DX         // 0 when not wanted

lbblock:
	TESTQ R13, R13
	JZ    lbdone
	TESTQ DX, DX
	JZ    lbrows
	// The sums: h in Y12, h·xhat in Y13; BX, R8, R9, R10 index rows
	// 0–3 of g and xhat; DX holds gain meanwhile.
	VXORPD Y12, Y12, Y12
	VXORPD Y13, Y13, Y13
	MOVQ gain+48(FP), DX
	XORQ BX, BX
	MOVQ CX, R8
	LEAQ (R8)(CX*1), R9
	LEAQ (R9)(CX*1), R10
lbsum:
	CMPQ BX, R11
	JGE  lbsumtail
	VMOVUPD (DX)(BX*8), Y14   // gain
	VMULPD  (SI)(BX*8), Y14, Y0 // h = g·gain
	VMULPD  (DI)(BX*8), Y0, Y6  // h·xhat
	VMULPD  (SI)(R8*8), Y14, Y1
	VMULPD  (DI)(R8*8), Y1, Y7
	VMULPD  (SI)(R9*8), Y14, Y2
	VMULPD  (DI)(R9*8), Y2, Y8
	VMULPD  (SI)(R10*8), Y14, Y3
	VMULPD  (DI)(R10*8), Y3, Y9
	TRANSPOSEX(Y0, Y1, Y2, Y3, Y4, Y5)
	ADDCOLS(Y2, Y3, Y4, Y5, Y12)
	TRANSPOSEX(Y6, Y7, Y8, Y9, Y10, Y11)
	ADDCOLS(Y8, Y9, Y10, Y11, Y13)
	ADDQ $4, BX
	ADDQ $4, R8
	ADDQ $4, R9
	ADDQ $4, R10
	JMP  lbsum
lbsumtail:
	CMPQ BX, CX
	JGE  lbsumdone
	VMASKMOVPD (DX)(BX*8), Y15, Y14
	VMASKMOVPD (SI)(BX*8), Y15, Y0
	VMULPD  Y14, Y0, Y0
	VMASKMOVPD (DI)(BX*8), Y15, Y6
	VMULPD  Y6, Y0, Y6
	VMASKMOVPD (SI)(R8*8), Y15, Y1
	VMULPD  Y14, Y1, Y1
	VMASKMOVPD (DI)(R8*8), Y15, Y7
	VMULPD  Y7, Y1, Y7
	VMASKMOVPD (SI)(R9*8), Y15, Y2
	VMULPD  Y14, Y2, Y2
	VMASKMOVPD (DI)(R9*8), Y15, Y8
	VMULPD  Y8, Y2, Y8
	VMASKMOVPD (SI)(R10*8), Y15, Y3
	VMULPD  Y14, Y3, Y3
	VMASKMOVPD (DI)(R10*8), Y15, Y9
	VMULPD  Y9, Y3, Y9
	TRANSPOSEX(Y0, Y1, Y2, Y3, Y4, Y5)
	TRANSPOSEX(Y6, Y7, Y8, Y9, Y10, Y11)
	VADDPD  Y2, Y12, Y12      // the last d mod 4 columns only
	VADDPD  Y8, Y13, Y13
	MOVQ CX, BX
	SUBQ R11, BX
	CMPQ BX, $2
	JLT  lbsumdone
	VADDPD  Y3, Y12, Y12
	VADDPD  Y9, Y13, Y13
	CMPQ BX, $3
	JLT  lbsumdone
	VADDPD  Y4, Y12, Y12
	VADDPD  Y10, Y13, Y13
lbsumdone:
	VBROADCASTSD fd+72(FP), Y14
	VDIVPD  Y14, Y12, Y12     // mh
	VDIVPD  Y14, Y13, Y13     // mhx
	VMOVUPD Y12, 0(SP)
	VMOVUPD Y13, 32(SP)
	MOVQ dx+0(FP), DX         // back to the block's first row of dx
	MOVQ blocks+56(FP), BX
	SHLQ $2, BX
	SUBQ R13, BX              // the rows done
	IMULQ R12, BX
	ADDQ BX, DX

lbrows:
	// Row by row: r = (−R13) mod 4 is the row in the block.
	MOVQ gain+48(FP), R8
	MOVQ dg+8(FP), R9         // 0 when not wanted
	MOVQ db+16(FP), R10       // 0 when not wanted
lbrow:
	MOVQ R13, BX
	NEGQ BX
	ANDQ $3, BX
	VBROADCASTSD 0(SP)(BX*8), Y9  // mh
	VBROADCASTSD 32(SP)(BX*8), Y10 // mhx
	VBROADCASTSD (AX), Y8     // rs
	ADDQ $8, AX
	XORQ BX, BX
lbel:
	CMPQ BX, R11
	JGE  lbeltail
	VMOVUPD (SI)(BX*8), Y11   // g
	VMOVUPD (DI)(BX*8), Y12   // xhat
	TESTQ R9, R9
	JZ    lbnodg
	VMULPD  Y12, Y11, Y13
	VADDPD  (R9)(BX*8), Y13, Y13
	VMOVUPD Y13, (R9)(BX*8)
lbnodg:
	TESTQ R10, R10
	JZ    lbnodb
	VADDPD  (R10)(BX*8), Y11, Y13
	VMOVUPD Y13, (R10)(BX*8)
lbnodb:
	TESTQ DX, DX
	JZ    lbnodx
	VMULPD  (R8)(BX*8), Y11, Y13 // g·gain
	VSUBPD  Y9, Y13, Y13      // − mh
	VMULPD  Y10, Y12, Y14     // xhat·mhx
	VSUBPD  Y14, Y13, Y13
	VMULPD  Y13, Y8, Y13      // rs·(…)
	VMOVUPD Y13, (DX)(BX*8)
lbnodx:
	ADDQ $4, BX
	JMP  lbel
lbeltail:
	CMPQ BX, CX
	JGE  lbrownext
	VMASKMOVPD (SI)(BX*8), Y15, Y11
	VMASKMOVPD (DI)(BX*8), Y15, Y12
	TESTQ R9, R9
	JZ    lbtnodg
	VMULPD  Y12, Y11, Y13
	VMASKMOVPD (R9)(BX*8), Y15, Y14
	VADDPD  Y14, Y13, Y13
	VMASKMOVPD Y13, Y15, (R9)(BX*8)
lbtnodg:
	TESTQ R10, R10
	JZ    lbtnodb
	VMASKMOVPD (R10)(BX*8), Y15, Y14
	VADDPD  Y14, Y11, Y13
	VMASKMOVPD Y13, Y15, (R10)(BX*8)
lbtnodb:
	TESTQ DX, DX
	JZ    lbrownext
	VMASKMOVPD (R8)(BX*8), Y15, Y14
	VMULPD  Y14, Y11, Y13
	VSUBPD  Y9, Y13, Y13
	VMULPD  Y10, Y12, Y14
	VSUBPD  Y14, Y13, Y13
	VMULPD  Y13, Y8, Y13
	VMASKMOVPD Y13, Y15, (DX)(BX*8)
lbrownext:
	ADDQ R12, SI
	ADDQ R12, DI
	TESTQ DX, DX
	JZ    lbnext
	ADDQ R12, DX
lbnext:
	DECQ  R13
	TESTQ $3, R13
	JNZ   lbrow               // the block's next row
	JMP   lbblock

lbdone:
	VZEROUPPER
	RET

// func arithAVX2(op int, dst, x, y *float64, n int)
//
// dst[i] = x[i] op y[i] for op 0–3 (Add, Sub, Mul, Div), eight at a time
// and the last n mod 8 one by one: one exactly rounded operation per
// element, as in Go. dst may be x or y.
TEXT ·arithAVX2(SB), NOSPLIT, $0-40
	MOVQ op+0(FP), AX
	MOVQ dst+8(FP), DI
	MOVQ x+16(FP), SI
	MOVQ y+24(FP), DX
	MOVQ n+32(FP), CX
	MOVQ CX, R8
	ANDQ $-8, R8
	XORQ BX, BX
	CMPQ AX, $1
	JEQ  arsub
	CMPQ AX, $2
	JEQ  armul
	CMPQ AX, $3
	JEQ  ardiv
aradd:
	CMPQ BX, R8
	JGE  araddtail
	VMOVUPD (SI)(BX*8), Y0
	VMOVUPD 32(SI)(BX*8), Y1
	VADDPD (DX)(BX*8), Y0, Y0
	VADDPD 32(DX)(BX*8), Y1, Y1
	VMOVUPD Y0, (DI)(BX*8)
	VMOVUPD Y1, 32(DI)(BX*8)
	ADDQ $8, BX
	JMP  aradd
araddtail:
	CMPQ BX, CX
	JGE  ardone
	VMOVSD (SI)(BX*8), X0
	VADDSD (DX)(BX*8), X0, X0
	VMOVSD X0, (DI)(BX*8)
	INCQ BX
	JMP  araddtail
arsub:
	CMPQ BX, R8
	JGE  arsubtail
	VMOVUPD (SI)(BX*8), Y0
	VMOVUPD 32(SI)(BX*8), Y1
	VSUBPD (DX)(BX*8), Y0, Y0
	VSUBPD 32(DX)(BX*8), Y1, Y1
	VMOVUPD Y0, (DI)(BX*8)
	VMOVUPD Y1, 32(DI)(BX*8)
	ADDQ $8, BX
	JMP  arsub
arsubtail:
	CMPQ BX, CX
	JGE  ardone
	VMOVSD (SI)(BX*8), X0
	VSUBSD (DX)(BX*8), X0, X0
	VMOVSD X0, (DI)(BX*8)
	INCQ BX
	JMP  arsubtail
armul:
	CMPQ BX, R8
	JGE  armultail
	VMOVUPD (SI)(BX*8), Y0
	VMOVUPD 32(SI)(BX*8), Y1
	VMULPD (DX)(BX*8), Y0, Y0
	VMULPD 32(DX)(BX*8), Y1, Y1
	VMOVUPD Y0, (DI)(BX*8)
	VMOVUPD Y1, 32(DI)(BX*8)
	ADDQ $8, BX
	JMP  armul
armultail:
	CMPQ BX, CX
	JGE  ardone
	VMOVSD (SI)(BX*8), X0
	VMULSD (DX)(BX*8), X0, X0
	VMOVSD X0, (DI)(BX*8)
	INCQ BX
	JMP  armultail
ardiv:
	CMPQ BX, R8
	JGE  ardivtail
	VMOVUPD (SI)(BX*8), Y0
	VMOVUPD 32(SI)(BX*8), Y1
	VDIVPD (DX)(BX*8), Y0, Y0
	VDIVPD 32(DX)(BX*8), Y1, Y1
	VMOVUPD Y0, (DI)(BX*8)
	VMOVUPD Y1, 32(DI)(BX*8)
	ADDQ $8, BX
	JMP  ardiv
ardivtail:
	CMPQ BX, CX
	JGE  ardone
	VMOVSD (SI)(BX*8), X0
	VDIVSD (DX)(BX*8), X0, X0
	VMOVSD X0, (DI)(BX*8)
	INCQ BX
	JMP  ardivtail
ardone:
	VZEROUPPER
	RET


// EXP8 is EXP4 on the eight values of Z0 (AVX-512, the same operations
// lane by lane), with the constants in Z16–Z22 (log₂e, ln 2 upper and
// lower, 0.0625, 2, 1, the exponent bias) and Z23–Z29 (1/8! … 1/2, the
// polynomial's coefficients); it uses Z1, Y4/Z4 and Z5.
#define EXP8 \
	VMULPD    Z16, Z0, Z1; \
	VCVTPD2DQ Z1, Y4; \
	VCVTDQ2PD Y4, Z1; \
	VFNMADD231PD Z17, Z1, Z0; \
	VFNMADD231PD Z18, Z1, Z0; \
	VMULPD    Z19, Z0, Z0; \
	VMOVAPD   Z23, Z1; \
	VFMADD213PD Z24, Z0, Z1; \
	VFMADD213PD Z25, Z0, Z1; \
	VFMADD213PD Z26, Z0, Z1; \
	VFMADD213PD Z27, Z0, Z1; \
	VFMADD213PD Z28, Z0, Z1; \
	VFMADD213PD Z29, Z0, Z1; \
	VFMADD213PD Z21, Z0, Z1; \
	VMULPD  Z1, Z0, Z0; \
	VADDPD  Z20, Z0, Z1; \
	VMULPD  Z1, Z0, Z0; \
	VADDPD  Z20, Z0, Z1; \
	VMULPD  Z1, Z0, Z0; \
	VADDPD  Z20, Z0, Z1; \
	VMULPD  Z1, Z0, Z0; \
	VADDPD  Z20, Z0, Z1; \
	VFMADD213PD Z21, Z1, Z0; \
	VPMOVSXDQ Y4, Z5; \
	VPADDQ    Z22, Z5, Z5; \
	VPSLLQ    $52, Z5, Z5; \
	VMULPD    Z5, Z0, Z0

// SMSTAT folds the four values v of Y0 into Y1 (max), Y2 (min) and Y3
// (NaN lanes), using Y4.
#define SMSTAT \
	VMAXPD  Y0, Y1, Y1; \
	VMINPD  Y0, Y2, Y2; \
	VCMPPD  $0x03, Y0, Y0, Y4; \
	VORPD   Y4, Y3, Y3

// func softmaxRows4AVX2(dst, src, mask *float64, blocks, n int, scale float64, k *float64, tail *int64, wide bool) int
//
// SoftmaxRows on blocks of four rows of n ≥ 4 values (mask 0 or laid out
// as src). First each row's largest and smallest v = scale·x (+ mask)
// and whether one is a NaN, writing nothing: a block with a NaN, an
// infinite maximum or, in a row whose values spread beyond −708, a
// v − max in (−746, −708) stops the kernel with the block untouched (it
// returns the blocks done). Then per row e^(v − max) by EXP4 into dst (v
// computed again: the same bits), +0 where v − max ≤ −746 (math.Exp's
// underflow), the four rows' sums side by side, each from +0 in its row's
// order (each group of four columns of exponentials transposed so that a
// lane holds a row), 1/sum for the four rows at once, and each row's
// exponentials times its own. The scalar code's operations, element by
// element. With wide (the CPU has AVX-512) the statistics, the
// exponentials (EXP8) and the products by 1/sum run eight at a time as
// far as they go. The frame holds the four rows' maxima (then their
// 1/sum), at 32 the values taken eight at a time (0 without wide), at
// 40 whether each row is far, at 72 four −708s.
TEXT ·softmaxRows4AVX2(SB), NOSPLIT, $104-80
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ mask+16(FP), DX
	MOVQ n+32(FP), CX
	VBROADCASTSD scale+40(FP), Y6
	MOVQ k+48(FP), R8
	MOVQ tail+56(FP), AX
	VMOVUPD (AX), Y14         // the mask of the last n mod 4 values
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
	MOVQ $0, ret+72(FP)       // blocks done
	MOVQ $0, 32(SP)
	VBROADCASTSD 104(R8), Y0
	VMOVUPD Y0, 72(SP)        // −708
	MOVBQZX wide+64(FP), BX
	TESTQ BX, BX
	JZ   s4block
	MOVQ CX, BX
	ANDQ $-8, BX
	MOVQ BX, 32(SP)           // the values in whole groups of eight
	VBROADCASTSD scale+40(FP), Z6
	VBROADCASTSD 0(R8), Z16
	VBROADCASTSD 8(R8), Z17
	VBROADCASTSD 16(R8), Z18
	VBROADCASTSD 24(R8), Z19
	VBROADCASTSD 96(R8), Z20
	VBROADCASTSD 88(R8), Z21
	VPBROADCASTQ AX, Z22
	VBROADCASTSD 32(R8), Z23
	VBROADCASTSD 40(R8), Z24
	VBROADCASTSD 48(R8), Z25
	VBROADCASTSD 56(R8), Z26
	VBROADCASTSD 64(R8), Z27
	VBROADCASTSD 72(R8), Z28
	VBROADCASTSD 80(R8), Z29
	VBROADCASTSD 104(R8), Z30 // −708

s4block:
	MOVQ ret+72(FP), BX
	CMPQ BX, blocks+24(FP)
	JGE  s4done

	// Statistics, row by row: AX the row of src, R12 of the mask (or 0),
	// R9 the frame slot of its maximum.
	MOVQ SI, AX
	MOVQ DX, R12
	LEAQ 0(SP), R9
s4srow:
	MOVQ 32(SP), BX
	TESTQ BX, BX
	JZ   s4snarrow
	// With wide, eight at a time first: Z3 sums v − v (0, or NaN for a
	// NaN or an infinity, which the range check below rejects anyway).
	VMULPD  (AX), Z6, Z0
	TESTQ   R12, R12
	JZ      2(PC)
	VADDPD  (R12), Z0, Z0
	VMOVAPD Z0, Z1
	VMOVAPD Z0, Z2
	VSUBPD  Z0, Z0, Z3
	MOVQ $8, BX
s4s8:
	CMPQ BX, 32(SP)
	JGE  s4s8fold
	VMULPD  (AX)(BX*8), Z6, Z0
	TESTQ   R12, R12
	JZ      2(PC)
	VADDPD  (R12)(BX*8), Z0, Z0
	VMAXPD  Z0, Z1, Z1
	VMINPD  Z0, Z2, Z2
	VSUBPD  Z0, Z0, Z4
	VADDPD  Z4, Z3, Z3
	ADDQ $8, BX
	JMP  s4s8
s4s8fold:
	VEXTRACTF64X4 $1, Z1, Y4
	VMAXPD  Y4, Y1, Y1
	VEXTRACTF64X4 $1, Z2, Y4
	VMINPD  Y4, Y2, Y2
	VEXTRACTF64X4 $1, Z3, Y4
	VADDPD  Y4, Y3, Y3
	VCMPPD  $0x03, Y3, Y3, Y3 // NaN lanes
	JMP  s4sgroup
s4snarrow:
	VMULPD  (AX), Y6, Y0
	TESTQ   R12, R12
	JZ      2(PC)
	VADDPD  (R12), Y0, Y0
	VMOVAPD Y0, Y1
	VMOVAPD Y0, Y2
	VCMPPD  $0x03, Y0, Y0, Y3
	MOVQ $4, BX
s4sgroup:
	CMPQ BX, R11
	JGE  s4stail
	VMULPD  (AX)(BX*8), Y6, Y0
	TESTQ   R12, R12
	JZ      2(PC)
	VADDPD  (R12)(BX*8), Y0, Y0
	SMSTAT
	ADDQ $4, BX
	JMP  s4sgroup
s4stail:
	CMPQ R11, CX
	JGE  s4scheck
	VMULPD  -32(AX)(CX*8), Y6, Y0 // the last four (overlapping)
	TESTQ   R12, R12
	JZ      2(PC)
	VADDPD  -32(R12)(CX*8), Y0, Y0
	SMSTAT
s4scheck:
	VMOVMSKPD Y3, BX
	TESTQ   BX, BX
	JNE     s4done
	VPERM2F128 $1, Y1, Y1, Y4
	VMAXPD  Y4, Y1, Y1
	VPERMILPD $5, Y1, Y4
	VMAXPD  Y4, Y1, Y1        // the maximum, in every lane
	VPERM2F128 $1, Y2, Y2, Y4
	VMINPD  Y4, Y2, Y2
	VPERMILPD $5, Y2, Y4
	VMINPD  Y4, Y2, Y2        // the minimum
	VSUBPD  Y1, Y1, Y4        // NaN for an infinite maximum
	VCMPPD  $0x03, Y4, Y4, Y4
	VMOVMSKPD Y4, BX
	TESTQ   BX, BX
	JNE     s4done
	VSUBPD  Y1, Y2, Y2        // min − max (every v − max is at least this)
	VBROADCASTSD 104(R8), Y4  // −708
	VCMPPD  $0x1D, Y4, Y2, Y4 // min − max ≥ −708
	VMOVMSKPD Y4, BX
	MOVQ    $0, 40(R9)        // a near row: every v − max ≥ −708
	CMPQ    BX, $15
	JEQ     s4snear
	// A far row (a padding or causal mask's −1e9, say): every v − max
	// must be ≥ −708 (EXP4's range) or ≤ −746, where math.Exp gives +0
	// (its exponent k = round((v − max)·log₂e) ≤ −1076 underflows).
	// Y3 collects the lanes in between.
	MOVQ    $1, 40(R9)
	VBROADCASTSD 104(R8), Y2  // −708
	MOVQ    $0xC087500000000000, BX
	MOVQ    BX, X15
	VBROADCASTSD X15, Y15     // −746
	VXORPD  Y3, Y3, Y3
	XORQ    BX, BX
s4bgroup:
	CMPQ BX, R11
	JGE  s4btail
	VMULPD  (AX)(BX*8), Y6, Y0
	TESTQ   R12, R12
	JZ      2(PC)
	VADDPD  (R12)(BX*8), Y0, Y0
	VSUBPD  Y1, Y0, Y0
	VCMPPD  $0x11, Y2, Y0, Y4 // < −708
	VCMPPD  $0x1E, Y15, Y0, Y5 // > −746
	VANDPD  Y5, Y4, Y4
	VORPD   Y4, Y3, Y3
	ADDQ $4, BX
	JMP  s4bgroup
s4btail:
	CMPQ R11, CX
	JGE  s4bcheck
	VMULPD  -32(AX)(CX*8), Y6, Y0 // the last four (overlapping)
	TESTQ   R12, R12
	JZ      2(PC)
	VADDPD  -32(R12)(CX*8), Y0, Y0
	VSUBPD  Y1, Y0, Y0
	VCMPPD  $0x11, Y2, Y0, Y4
	VCMPPD  $0x1E, Y15, Y0, Y5
	VANDPD  Y5, Y4, Y4
	VORPD   Y4, Y3, Y3
s4bcheck:
	VMOVMSKPD Y3, BX
	TESTQ   BX, BX
	JNE     s4done
s4snear:
	VMOVSD  X1, (R9)
	ADDQ R13, AX
	TESTQ R12, R12
	JZ   2(PC)
	ADDQ R13, R12
	ADDQ $8, R9
	LEAQ 32(SP), BX
	CMPQ R9, BX
	JLT  s4srow

	// e^(v − max) into dst, row by row: AX, R12 as above, R10 the row
	// of dst.
	MOVQ SI, AX
	MOVQ DX, R12
	MOVQ DI, R10
	LEAQ 0(SP), R9
s4erow:
	VBROADCASTSD (R9), Y2     // the row's maximum (EXP4 leaves Y2 alone)
	XORQ BX, BX
	CMPQ 40(R9), $0
	JNE  s4far
	CMPQ BX, 32(SP)
	JGE  s4egroup
	VBROADCASTSD (R9), Z2
s4e8:
	CMPQ BX, 32(SP)
	JGE  s4egroup
	VMULPD  (AX)(BX*8), Z6, Z0
	TESTQ   R12, R12
	JZ      2(PC)
	VADDPD  (R12)(BX*8), Z0, Z0
	VSUBPD  Z2, Z0, Z0
	EXP8
	VMOVUPD Z0, (R10)(BX*8)
	ADDQ $8, BX
	JMP  s4e8
s4egroup:
	CMPQ BX, R11
	JGE  s4etail
	VMULPD  (AX)(BX*8), Y6, Y0
	TESTQ   R12, R12
	JZ      2(PC)
	VADDPD  (R12)(BX*8), Y0, Y0
	VSUBPD  Y2, Y0, Y0
	EXP4
	VMOVUPD Y0, (R10)(BX*8)
	ADDQ $4, BX
	JMP  s4egroup
s4etail:
	CMPQ BX, CX
	JGE  s4enext
	VMASKMOVPD (AX)(BX*8), Y14, Y0
	VMULPD  Y0, Y6, Y0
	TESTQ   R12, R12
	JZ      3(PC)
	VMASKMOVPD (R12)(BX*8), Y14, Y1
	VADDPD  Y1, Y0, Y0
	VSUBPD  Y2, Y0, Y0
	EXP4
	VMASKMOVPD Y0, Y14, (R10)(BX*8)
	JMP  s4enext

	// A far row: as above, then +0 where v − max < −708 (so ≤ −746).
s4far:
	CMPQ BX, 32(SP)
	JGE  s4fgroup
	VBROADCASTSD (R9), Z2
s4f8:
	CMPQ BX, 32(SP)
	JGE  s4fgroup
	VMULPD  (AX)(BX*8), Z6, Z0
	TESTQ   R12, R12
	JZ      2(PC)
	VADDPD  (R12)(BX*8), Z0, Z0
	VSUBPD  Z2, Z0, Z0
	VMOVAPD Z0, Z31
	EXP8
	VCMPPD  $0x1D, Z30, Z31, K1 // v − max ≥ −708
	VMOVAPD.Z Z0, K1, Z0
	VMOVUPD Z0, (R10)(BX*8)
	ADDQ $8, BX
	JMP  s4f8
s4fgroup:
	CMPQ BX, R11
	JGE  s4ftail
	VMULPD  (AX)(BX*8), Y6, Y0
	TESTQ   R12, R12
	JZ      2(PC)
	VADDPD  (R12)(BX*8), Y0, Y0
	VSUBPD  Y2, Y0, Y0
	VMOVAPD Y0, Y15
	EXP4
	VCMPPD  $0x1D, 72(SP), Y15, Y15 // v − max ≥ −708
	VANDPD  Y15, Y0, Y0
	VMOVUPD Y0, (R10)(BX*8)
	ADDQ $4, BX
	JMP  s4fgroup
s4ftail:
	CMPQ BX, CX
	JGE  s4enext
	VMASKMOVPD (AX)(BX*8), Y14, Y0
	VMULPD  Y0, Y6, Y0
	TESTQ   R12, R12
	JZ      3(PC)
	VMASKMOVPD (R12)(BX*8), Y14, Y1
	VADDPD  Y1, Y0, Y0
	VSUBPD  Y2, Y0, Y0
	VMOVAPD Y0, Y15
	EXP4
	VCMPPD  $0x1D, 72(SP), Y15, Y15
	VANDPD  Y15, Y0, Y0
	VMASKMOVPD Y0, Y14, (R10)(BX*8)

s4enext:
	ADDQ R13, AX
	ADDQ R13, R10
	TESTQ R12, R12
	JZ   2(PC)
	ADDQ R13, R12
	ADDQ $8, R9
	LEAQ 32(SP), BX
	CMPQ R9, BX
	JLT  s4erow

	// The sums, Y15 (lane r for row r), from +0, a column at a time.
	VXORPD Y15, Y15, Y15
	MOVQ DI, AX
	LEAQ (DI)(R13*1), R10
	LEAQ (R10)(R13*1), R12
	LEAQ (R12)(R13*1), R9
	XORQ BX, BX
s4sum:
	CMPQ BX, R11
	JGE  s4sumtail
	VMOVUPD (AX)(BX*8), Y0
	VMOVUPD (R10)(BX*8), Y1
	VMOVUPD (R12)(BX*8), Y2
	VMOVUPD (R9)(BX*8), Y3
	TRANSPOSEX(Y0, Y1, Y2, Y3, Y4, Y5)
	VADDPD  Y2, Y15, Y15
	VADDPD  Y3, Y15, Y15
	VADDPD  Y4, Y15, Y15
	VADDPD  Y5, Y15, Y15
	ADDQ $4, BX
	JMP  s4sum
s4sumtail:
	CMPQ BX, CX
	JGE  s4inv
	VMASKMOVPD (AX)(BX*8), Y14, Y0
	VMASKMOVPD (R10)(BX*8), Y14, Y1
	VMASKMOVPD (R12)(BX*8), Y14, Y2
	VMASKMOVPD (R9)(BX*8), Y14, Y3
	TRANSPOSEX(Y0, Y1, Y2, Y3, Y4, Y5)
	VADDPD  Y2, Y15, Y15      // the last n mod 4 columns only
	MOVQ CX, BX
	SUBQ R11, BX
	CMPQ BX, $2
	JLT  s4inv
	VADDPD  Y3, Y15, Y15
	CMPQ BX, $3
	JLT  s4inv
	VADDPD  Y4, Y15, Y15
s4inv:
	VDIVPD  Y15, Y13, Y15     // 1/sum, per row
	VMOVUPD Y15, 0(SP)

	// Each row's exponentials times its 1/sum.
	MOVQ DI, R10
	LEAQ 0(SP), R9
s4nrow:
	VBROADCASTSD (R9), Y1
	XORQ BX, BX
	CMPQ BX, 32(SP)
	JGE  s4ngroup
	VBROADCASTSD (R9), Z1
s4n8:
	CMPQ BX, 32(SP)
	JGE  s4ngroup
	VMULPD  (R10)(BX*8), Z1, Z0
	VMOVUPD Z0, (R10)(BX*8)
	ADDQ $8, BX
	JMP  s4n8
s4ngroup:
	CMPQ BX, R11
	JGE  s4ntail
	VMULPD  (R10)(BX*8), Y1, Y0
	VMOVUPD Y0, (R10)(BX*8)
	ADDQ $4, BX
	JMP  s4ngroup
s4ntail:
	CMPQ BX, CX
	JGE  s4nnext
	VMASKMOVPD (R10)(BX*8), Y14, Y0
	VMULPD  Y0, Y1, Y0
	VMASKMOVPD Y0, Y14, (R10)(BX*8)
s4nnext:
	ADDQ R13, R10
	ADDQ $8, R9
	LEAQ 32(SP), BX
	CMPQ R9, BX
	JLT  s4nrow

	// The next block.
	MOVQ R13, BX
	SHLQ $2, BX
	ADDQ BX, SI
	ADDQ BX, DI
	TESTQ DX, DX
	JZ   2(PC)
	ADDQ BX, DX
	INCQ ret+72(FP)
	JMP  s4block

s4done:
	VZEROUPPER
	RET

// func scaleMulAVX2(dst, x, y *float64, n int, c float64)
//
// dst[i] = (c·x[i])·y[i], eight at a time and the last n mod 8 one by
// one: two rounded products per element (no fused operation), as in Go.
TEXT ·scaleMulAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ n+24(FP), CX
	VBROADCASTSD c+32(FP), Y2
	MOVQ CX, R8
	ANDQ $-8, R8
	XORQ BX, BX
smloop:
	CMPQ BX, R8
	JGE  smtail
	VMULPD (SI)(BX*8), Y2, Y0
	VMULPD 32(SI)(BX*8), Y2, Y1
	VMULPD (DX)(BX*8), Y0, Y0
	VMULPD 32(DX)(BX*8), Y1, Y1
	VMOVUPD Y0, (DI)(BX*8)
	VMOVUPD Y1, 32(DI)(BX*8)
	ADDQ $8, BX
	JMP  smloop
smtail:
	CMPQ BX, CX
	JGE  smdone
	VMULSD (SI)(BX*8), X2, X0
	VMULSD (DX)(BX*8), X0, X0
	VMOVSD X0, (DI)(BX*8)
	INCQ BX
	JMP  smtail
smdone:
	VZEROUPPER
	RET

// func softmaxBack4AVX2(dst, y, grad *float64, blocks, n int, scale float64, tail *int64)
//
// SoftmaxRowsBackward on blocks of four rows of n ≥ 1 values: the four
// rows' dot = 0 + y₀·g₀ + y₁·g₁ + … side by side, each in its row's order
// (the products of each group of four columns transposed so that a lane
// holds a row; a product, then a sum, each rounded), then row by row
// dst = scale·(y·(g − dot)). The frame holds the four dots.
TEXT ·softmaxBack4AVX2(SB), NOSPLIT, $32-56
	MOVQ dst+0(FP), DI
	MOVQ y+8(FP), SI
	MOVQ grad+16(FP), DX
	MOVQ blocks+24(FP), R12
	MOVQ n+32(FP), CX
	VBROADCASTSD scale+40(FP), Y6
	MOVQ tail+48(FP), AX
	VMOVUPD (AX), Y14         // the mask of the last n mod 4 values
	MOVQ CX, R11
	ANDQ $-4, R11             // the values in whole groups of four
	MOVQ CX, R13
	SHLQ $3, R13              // a row's bytes

b4block:
	TESTQ R12, R12
	JZ    b4done
	// The dots, Y15 (lane r for row r): BX, R8, R9, R10 index rows 0–3.
	VXORPD Y15, Y15, Y15
	XORQ BX, BX
	MOVQ CX, R8
	LEAQ (R8)(CX*1), R9
	LEAQ (R9)(CX*1), R10
b4dot:
	CMPQ BX, R11
	JGE  b4dottail
	VMOVUPD (SI)(BX*8), Y0
	VMULPD  (DX)(BX*8), Y0, Y0
	VMOVUPD (SI)(R8*8), Y1
	VMULPD  (DX)(R8*8), Y1, Y1
	VMOVUPD (SI)(R9*8), Y2
	VMULPD  (DX)(R9*8), Y2, Y2
	VMOVUPD (SI)(R10*8), Y3
	VMULPD  (DX)(R10*8), Y3, Y3
	TRANSPOSEX(Y0, Y1, Y2, Y3, Y4, Y5)
	VADDPD  Y2, Y15, Y15
	VADDPD  Y3, Y15, Y15
	VADDPD  Y4, Y15, Y15
	VADDPD  Y5, Y15, Y15
	ADDQ $4, BX
	ADDQ $4, R8
	ADDQ $4, R9
	ADDQ $4, R10
	JMP  b4dot
b4dottail:
	CMPQ BX, CX
	JGE  b4rows
	VMASKMOVPD (SI)(BX*8), Y14, Y0
	VMASKMOVPD (DX)(BX*8), Y14, Y4
	VMULPD  Y4, Y0, Y0
	VMASKMOVPD (SI)(R8*8), Y14, Y1
	VMASKMOVPD (DX)(R8*8), Y14, Y4
	VMULPD  Y4, Y1, Y1
	VMASKMOVPD (SI)(R9*8), Y14, Y2
	VMASKMOVPD (DX)(R9*8), Y14, Y4
	VMULPD  Y4, Y2, Y2
	VMASKMOVPD (SI)(R10*8), Y14, Y3
	VMASKMOVPD (DX)(R10*8), Y14, Y4
	VMULPD  Y4, Y3, Y3
	TRANSPOSEX(Y0, Y1, Y2, Y3, Y4, Y5)
	VADDPD  Y2, Y15, Y15      // the last n mod 4 columns only
	MOVQ CX, BX
	SUBQ R11, BX
	CMPQ BX, $2
	JLT  b4rows
	VADDPD  Y3, Y15, Y15
	CMPQ BX, $3
	JLT  b4rows
	VADDPD  Y4, Y15, Y15

b4rows:
	VMOVUPD Y15, 0(SP)
	LEAQ 0(SP), R9
b4row:
	VBROADCASTSD (R9), Y2     // the row's dot
	XORQ BX, BX
b4el:
	CMPQ BX, R11
	JGE  b4eltail
	VMOVUPD (DX)(BX*8), Y0
	VSUBPD  Y2, Y0, Y0        // g − dot
	VMULPD  (SI)(BX*8), Y0, Y0 // y·(…)
	VMULPD  Y0, Y6, Y0        // scale·(…)
	VMOVUPD Y0, (DI)(BX*8)
	ADDQ $4, BX
	JMP  b4el
b4eltail:
	CMPQ BX, CX
	JGE  b4rownext
	VMASKMOVPD (DX)(BX*8), Y14, Y0
	VMASKMOVPD (SI)(BX*8), Y14, Y1
	VSUBPD  Y2, Y0, Y0
	VMULPD  Y1, Y0, Y0
	VMULPD  Y0, Y6, Y0
	VMASKMOVPD Y0, Y14, (DI)(BX*8)
b4rownext:
	ADDQ R13, SI
	ADDQ R13, DX
	ADDQ R13, DI
	ADDQ $8, R9
	LEAQ 32(SP), BX
	CMPQ R9, BX
	JLT  b4row
	DECQ R12
	JMP  b4block

b4done:
	VZEROUPPER
	RET
