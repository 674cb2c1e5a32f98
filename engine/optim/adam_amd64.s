#include "textflag.h"

// func adamAVX4(k *adamConsts, wp, gp, mp, vp, dp *float64, n int)
//
// The operations of adamKernel, four elements at a time. Go's assembler
// writes the operands of a VEX instruction source last first:
// VDIVPD Y13, Y3, Y3 is Y3 = Y3 / Y13. No fused multiply-add: every
// product is rounded before it is added, as in adamKernel.
TEXT ·adamAVX4(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), AX
	MOVQ wp+8(FP), DI
	MOVQ gp+16(FP), SI
	MOVQ mp+24(FP), R8
	MOVQ vp+32(FP), R9
	MOVQ dp+40(FP), R10
	MOVQ n+48(FP), CX
	VBROADCASTSD 0(AX), Y8   // β1
	VBROADCASTSD 8(AX), Y9   // 1 − β1
	VBROADCASTSD 16(AX), Y10 // β2
	VBROADCASTSD 24(AX), Y11 // 1 − β2
	VBROADCASTSD 32(AX), Y12 // −step size
	VBROADCASTSD 40(AX), Y13 // √(1 − β2^t)
	VBROADCASTSD 48(AX), Y14 // ε
	VBROADCASTSD 56(AX), Y15 // λ
	VBROADCASTSD 64(AX), Y7  // 1 − lr·λ
	MOVQ 72(AX), DX          // mode
	XORQ BX, BX
	SHLQ $3, CX

loop:
	CMPQ BX, CX
	JGE  done
	VMOVUPD (SI)(BX*1), Y0 // g
	VMOVUPD (DI)(BX*1), Y6 // w
	CMPQ DX, $1
	JNE  nol2
	VMULPD Y6, Y15, Y1 // λ·w
	VADDPD Y1, Y0, Y0  // g + λ·w

nol2:
	VMULPD  (R8)(BX*1), Y8, Y1 // β1·m
	VMULPD  Y0, Y9, Y2         // (1 − β1)·g
	VADDPD  Y2, Y1, Y1         // m
	VMOVUPD Y1, (R8)(BX*1)
	VMULPD  Y0, Y11, Y2        // (1 − β2)·g
	VMULPD  Y0, Y2, Y2         // (1 − β2)·g·g
	VMULPD  (R9)(BX*1), Y10, Y3 // β2·v
	VADDPD  Y2, Y3, Y3          // v
	VMOVUPD Y3, (R9)(BX*1)
	VSQRTPD Y3, Y3              // √v
	VDIVPD  Y13, Y3, Y3         // √v / √(1 − β2^t)
	VADDPD  Y14, Y3, Y3         // … + ε
	VDIVPD  Y3, Y1, Y1          // m / (…)
	VMULPD  Y1, Y12, Y1         // step
	CMPQ    DX, $2
	JEQ     decoupled
	VMOVUPD Y1, (R10)(BX*1) // ΔW = step
	VADDPD  Y1, Y6, Y6      // w + step
	VMOVUPD Y6, (DI)(BX*1)
	ADDQ    $32, BX
	JMP     loop

decoupled:
	VMULPD  Y6, Y7, Y2      // w·(1 − lr·λ)
	VADDPD  Y1, Y2, Y2      // … + step
	VMOVUPD Y2, (DI)(BX*1)
	VSUBPD  Y6, Y2, Y2      // ΔW = new w − old w
	VMOVUPD Y2, (R10)(BX*1)
	ADDQ    $32, BX
	JMP     loop

done:
	VZEROUPPER
	RET
