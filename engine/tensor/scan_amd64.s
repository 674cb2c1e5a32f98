#include "textflag.h"

// func maxAbsBitsAVX2(p *float64, n int) uint64
//
// Four running maxima of four lanes each over groups of 16 values: each
// value's bits with the sign bit cleared (VPAND with 0x7fff…), then
// kept where greater (VPCMPGTQ, signed, is the unsigned order here since
// the sign bit is clear, and VPBLENDVB), the 16 lanes combined at the end.
TEXT ·maxAbsBitsAVX2(SB), NOSPLIT, $0-24
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	VPCMPEQQ Y15, Y15, Y15
	VPSRLQ   $1, Y15, Y15
	VPXOR    Y0, Y0, Y0
	VPXOR    Y1, Y1, Y1
	VPXOR    Y2, Y2, Y2
	VPXOR    Y3, Y3, Y3
	SHRQ     $4, CX
	JZ       combine

loop:
	VPAND     (SI), Y15, Y4
	VPAND     32(SI), Y15, Y5
	VPAND     64(SI), Y15, Y6
	VPAND     96(SI), Y15, Y7
	VPCMPGTQ  Y0, Y4, Y8
	VPCMPGTQ  Y1, Y5, Y9
	VPCMPGTQ  Y2, Y6, Y10
	VPCMPGTQ  Y3, Y7, Y11
	VPBLENDVB Y8, Y4, Y0, Y0
	VPBLENDVB Y9, Y5, Y1, Y1
	VPBLENDVB Y10, Y6, Y2, Y2
	VPBLENDVB Y11, Y7, Y3, Y3
	ADDQ      $128, SI
	DECQ      CX
	JNZ       loop

combine:
	VPCMPGTQ     Y0, Y1, Y8
	VPBLENDVB    Y8, Y1, Y0, Y0
	VPCMPGTQ     Y2, Y3, Y9
	VPBLENDVB    Y9, Y3, Y2, Y2
	VPCMPGTQ     Y0, Y2, Y8
	VPBLENDVB    Y8, Y2, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPCMPGTQ     X0, X1, X8
	VPBLENDVB    X8, X1, X0, X0
	VPSHUFD      $0x4e, X0, X1
	VPCMPGTQ     X0, X1, X8
	VPBLENDVB    X8, X1, X0, X0
	VMOVQ        X0, AX
	VZEROUPPER
	MOVQ         AX, ret+16(FP)
	RET
