#include "textflag.h"

// func expAVX2(dst, src *float64, n int, k *float64) int
//
// math.Exp's amd64 FMA path (math/exp_amd64.s, label avxfma) on four
// values at a time: the same operations in the same order, so the same
// bits, for values in [−708, 709], where none of its special cases
// (not finite, overflow, subnormal result) arises. Go's assembler writes
// the sources last first: VFMADD213PD m, Y0, Y1 is Y1 = Y0·Y1 + m, and
// VFNMADD231PD Y2, Y1, Y0 is Y0 = Y0 − Y1·Y2 (each rounded once).
// EXP4 (vexp4.h, shared with rows_amd64.s) is the body of that path on
// the four values of Y0.
#include "vexp4.h"

TEXT ·expAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ k+24(FP), R8
	XORQ BX, BX
	VBROADCASTSD 0(R8), Y8    // log₂e
	VBROADCASTSD 8(R8), Y9    // ln 2 upper
	VBROADCASTSD 16(R8), Y10  // ln 2 lower
	VBROADCASTSD 24(R8), Y11  // 0.0625
	VBROADCASTSD 96(R8), Y12  // 2
	VBROADCASTSD 88(R8), Y13  // 1
	VBROADCASTSD 104(R8), Y14 // −708
	VBROADCASTSD 112(R8), Y15 // 709
	MOVQ $1023, AX
	MOVQ AX, X7
	VPBROADCASTQ X7, Y7       // the exponent bias, per 64-bit lane

loop:
	CMPQ BX, CX
	JGE  done
	VMOVUPD (SI)(BX*8), Y0
	// All four in [−708, 709]? (Ordered compares: a NaN fails.)
	VCMPPD   $0x1D, Y14, Y0, Y1 // Y0 ≥ −708
	VCMPPD   $0x12, Y15, Y0, Y2 // Y0 ≤ 709
	VANDPD   Y2, Y1, Y1
	VMOVMSKPD Y1, AX
	CMPQ     AX, $15
	JNE      done
	// The operations of math.Exp (see EXP4 for the register use).
	EXP4
	VMOVUPD   Y0, (DI)(BX*8)
	ADDQ $4, BX
	JMP  loop

done:
	MOVQ BX, ret+32(FP)
	VZEROUPPER
	RET

// func tanhAVX2(dst, src *float64, n int, k *float64) int
//
// math.Tanh (math/tanh.go) on four values at a time, for groups without a
// NaN, for up to n values (n a multiple of 4); it returns how many it
// wrote. Every lane computes both of math.Tanh's formulas, each with its
// operations in math.Tanh's order (no fused multiply-add outside the
// exponential, which is math.Exp's own sequence, EXP4), and the lane's
// branch picks one: |x| > log(2¹²⁷)/2 gives ±1, |x| ≥ 0.625 gives
// ±(1 − 2/(e^(2|x|) + 1)), else x = 0 gives x and other values the
// rational approximation. VBLENDVPD Y4, Y3, Y0, Y0 is Y0 = Y4 ? Y3 : Y0.
TEXT ·tanhAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ k+24(FP), R8
	XORQ BX, BX
	VBROADCASTSD 0(R8), Y8    // log₂e
	VBROADCASTSD 8(R8), Y9    // ln 2 upper
	VBROADCASTSD 16(R8), Y10  // ln 2 lower
	VBROADCASTSD 24(R8), Y11  // 0.0625
	VBROADCASTSD 96(R8), Y12  // 2
	VBROADCASTSD 88(R8), Y13  // 1
	VBROADCASTSD 120(R8), Y14 // |·| mask
	MOVQ $1023, AX
	MOVQ AX, X7
	VPBROADCASTQ X7, Y7       // the exponent bias

tloop:
	CMPQ BX, CX
	JGE  tdone
	VMOVUPD (SI)(BX*8), Y6    // x
	VCMPPD  $0x03, Y6, Y6, Y1 // NaN lanes
	VMOVMSKPD Y1, AX
	TESTQ   AX, AX
	JNE     tdone
	// ±(1 − 2/(e^(2|x|) + 1)), or ±1 beyond log(2¹²⁷)/2
	VANDPD  Y14, Y6, Y0       // z = |x|
	VADDPD  Y0, Y0, Y0        // 2z (exact, as 2·z)
	VBROADCASTSD 152(R8), Y1  // 700
	VMINPD  Y1, Y0, Y0        // keep the exponential in range (those lanes take ±1)
	EXP4
	VADDPD  Y13, Y0, Y0       // s + 1
	VDIVPD  Y0, Y12, Y0       // 2/(s + 1)
	VSUBPD  Y0, Y13, Y0       // 1 − …
	VBROADCASTSD 128(R8), Y15 // sign mask
	VANDPD  Y15, Y6, Y2       // x's sign
	VXORPD  Y2, Y0, Y0        // −z for x < 0
	VORPD   Y2, Y13, Y3       // ±1
	VANDPD  Y14, Y6, Y1       // z
	VBROADCASTSD 136(R8), Y15 // log(2¹²⁷)/2
	VCMPPD  $0x1E, Y15, Y1, Y4 // z > …
	VBLENDVPD Y4, Y3, Y0, Y0
	VMOVAPD Y0, Y5
	// x + x·s·P(s)/Q(s), s = x²
	VMULPD  Y6, Y6, Y0        // s
	VBROADCASTSD 160(R8), Y3  // P0
	VMULPD  Y0, Y3, Y3
	VBROADCASTSD 168(R8), Y15 // P1
	VADDPD  Y15, Y3, Y3
	VMULPD  Y0, Y3, Y3
	VBROADCASTSD 176(R8), Y15 // P2
	VADDPD  Y15, Y3, Y3       // P(s)
	VBROADCASTSD 184(R8), Y2  // Q0
	VADDPD  Y2, Y0, Y2
	VMULPD  Y0, Y2, Y2
	VBROADCASTSD 192(R8), Y15 // Q1
	VADDPD  Y15, Y2, Y2
	VMULPD  Y0, Y2, Y2
	VBROADCASTSD 200(R8), Y15 // Q2
	VADDPD  Y15, Y2, Y2       // Q(s)
	VMULPD  Y0, Y6, Y0        // x·s
	VMULPD  Y3, Y0, Y0        // ·P(s)
	VDIVPD  Y2, Y0, Y0        // /Q(s)
	VADDPD  Y0, Y6, Y0        // x + …
	VXORPD  Y1, Y1, Y1
	VCMPPD  $0x00, Y1, Y6, Y2 // x = 0: x itself
	VBLENDVPD Y2, Y6, Y0, Y0
	// |x| ≥ 0.625 takes the first formula.
	VANDPD  Y14, Y6, Y1
	VBROADCASTSD 144(R8), Y15 // 0.625
	VCMPPD  $0x1D, Y15, Y1, Y2
	VBLENDVPD Y2, Y5, Y0, Y0
	VMOVUPD Y0, (DI)(BX*8)
	ADDQ $4, BX
	JMP  tloop

tdone:
	MOVQ BX, ret+32(FP)
	VZEROUPPER
	RET
