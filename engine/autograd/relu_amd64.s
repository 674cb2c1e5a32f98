#include "textflag.h"

// func reluAVX2(dst, a *float64, n int)
//
// max(x, 0) as Go defines it (NaN stays NaN, −0 becomes +0): VMAXPD with
// 0 as its first source returns the second source, x, unless 0 > x, which
// keeps a NaN; adding +0 then turns −0 into +0 and changes nothing else.
// (Go's assembler writes the sources last first: VMAXPD Y0, Y15, Y1 is
// Y1 = max(Y15, Y0).)
TEXT ·reluAVX2(SB), NOSPLIT, $0-24
	MOVQ   dst+0(FP), DI
	MOVQ   a+8(FP), SI
	MOVQ   n+16(FP), CX
	SHLQ   $3, CX
	XORQ   BX, BX
	VXORPD Y15, Y15, Y15

loop:
	CMPQ    BX, CX
	JGE     done
	VMOVUPD (SI)(BX*1), Y0
	VMOVUPD 32(SI)(BX*1), Y2
	VMAXPD  Y0, Y15, Y1
	VMAXPD  Y2, Y15, Y3
	VADDPD  Y15, Y1, Y1
	VADDPD  Y15, Y3, Y3
	VMOVUPD Y1, (DI)(BX*1)
	VMOVUPD Y3, 32(DI)(BX*1)
	ADDQ    $64, BX
	JMP     loop

done:
	VZEROUPPER
	RET

// func reluGradAVX2(dst, gp, a *float64, n int)
//
// g AND (a's bits > 0 as a signed integer): VPCMPGTQ Y15, Y0, Y1 is
// Y1 = Y0 > Y15 per 64-bit lane.
TEXT ·reluGradAVX2(SB), NOSPLIT, $0-32
	MOVQ   dst+0(FP), DI
	MOVQ   gp+8(FP), DX
	MOVQ   a+16(FP), SI
	MOVQ   n+24(FP), CX
	SHLQ   $3, CX
	XORQ   BX, BX
	VPXOR  Y15, Y15, Y15

loop:
	CMPQ     BX, CX
	JGE      done
	VMOVDQU  (SI)(BX*1), Y0
	VMOVDQU  32(SI)(BX*1), Y2
	VPCMPGTQ Y15, Y0, Y1
	VPCMPGTQ Y15, Y2, Y3
	VPAND    (DX)(BX*1), Y1, Y1
	VPAND    32(DX)(BX*1), Y3, Y3
	VMOVDQU  Y1, (DI)(BX*1)
	VMOVDQU  Y3, 32(DI)(BX*1)
	ADDQ     $64, BX
	JMP      loop

done:
	VZEROUPPER
	RET
