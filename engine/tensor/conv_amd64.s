#include "textflag.h"

// func addToAVX2(dst, src *float64, n int)
//
// dst[i] += src[i] for i < n (n a multiple of 8): one addition per
// element, as the scalar loop does. (Go's assembler writes the sources
// last first: VADDPD Y1, Y0, Y0 is Y0 = Y0 + Y1.)
TEXT ·addToAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHLQ $3, CX
	XORQ BX, BX

loop:
	CMPQ    BX, CX
	JGE     done
	VMOVUPD (DI)(BX*1), Y0
	VMOVUPD 32(DI)(BX*1), Y2
	VMOVUPD (SI)(BX*1), Y1
	VMOVUPD 32(SI)(BX*1), Y3
	VADDPD  Y1, Y0, Y0
	VADDPD  Y3, Y2, Y2
	VMOVUPD Y0, (DI)(BX*1)
	VMOVUPD Y2, 32(DI)(BX*1)
	ADDQ    $64, BX
	JMP     loop

done:
	VZEROUPPER
	RET

// func addConstAVX2(dst *float64, c float64, n int)
//
// dst[i] += c for i < n (n a multiple of 8).
TEXT ·addConstAVX2(SB), NOSPLIT, $0-24
	MOVQ         dst+0(FP), DI
	VBROADCASTSD c+8(FP), Y1
	MOVQ         n+16(FP), CX
	SHLQ         $3, CX
	XORQ         BX, BX

loop:
	CMPQ    BX, CX
	JGE     done
	VMOVUPD (DI)(BX*1), Y0
	VMOVUPD 32(DI)(BX*1), Y2
	VADDPD  Y1, Y0, Y0
	VADDPD  Y1, Y2, Y2
	VMOVUPD Y0, (DI)(BX*1)
	VMOVUPD Y2, 32(DI)(BX*1)
	ADDQ    $64, BX
	JMP     loop

done:
	VZEROUPPER
	RET
