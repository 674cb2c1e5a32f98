#include "textflag.h"

// func expAVX2(dst, src *float64, n int, k *float64) int
//
// math.Exp's amd64 FMA path (math/exp_amd64.s, label avxfma) on four
// values at a time: the same operations in the same order, so the same
// bits, for values in [−708, 709], where none of its special cases
// (not finite, overflow, subnormal result) arises. Go's assembler writes
// the sources last first: VFMADD213PD m, Y0, Y1 is Y1 = Y0·Y1 + m, and
// VFNMADD231PD Y2, Y1, Y0 is Y0 = Y0 − Y1·Y2 (each rounded once).
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
	VMULPD    Y8, Y0, Y1 // x·log₂e
	VCVTPD2DQY Y1, X4    // k = round(x·log₂e), as int32
	VCVTDQ2PD X4, Y1     // k as a float
	VFNMADD231PD Y9, Y1, Y0  // x − k·ln 2 upper
	VFNMADD231PD Y10, Y1, Y0 // … − k·ln 2 lower
	VMULPD    Y11, Y0, Y0    // r = … · 0.0625
	VBROADCASTSD 32(R8), Y1
	VBROADCASTSD 40(R8), Y3
	VFMADD213PD Y3, Y0, Y1
	VBROADCASTSD 48(R8), Y3
	VFMADD213PD Y3, Y0, Y1
	VBROADCASTSD 56(R8), Y3
	VFMADD213PD Y3, Y0, Y1
	VBROADCASTSD 64(R8), Y3
	VFMADD213PD Y3, Y0, Y1
	VBROADCASTSD 72(R8), Y3
	VFMADD213PD Y3, Y0, Y1
	VBROADCASTSD 80(R8), Y3
	VFMADD213PD Y3, Y0, Y1
	VFMADD213PD Y13, Y0, Y1
	VMULPD  Y1, Y0, Y0 // r·p(r)
	VADDPD  Y12, Y0, Y1
	VMULPD  Y1, Y0, Y0
	VADDPD  Y12, Y0, Y1
	VMULPD  Y1, Y0, Y0
	VADDPD  Y12, Y0, Y1
	VMULPD  Y1, Y0, Y0
	VADDPD  Y12, Y0, Y1
	VFMADD213PD Y13, Y1, Y0 // Y0 = Y0·Y1 + 1
	// · 2^k: (k + 1023) << 52 as a float64's bits.
	VPMOVSXDQ X4, Y5
	VPADDQ    Y7, Y5, Y5
	VPSLLQ    $52, Y5, Y5
	VMULPD    Y5, Y0, Y0
	VMOVUPD   Y0, (DI)(BX*8)
	ADDQ $4, BX
	JMP  loop

done:
	MOVQ BX, ret+32(FP)
	VZEROUPPER
	RET
