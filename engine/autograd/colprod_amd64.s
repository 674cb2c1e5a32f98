#include "textflag.h"

// func colProdAVX512(groups, blocks int, x *float64, ld int, w *float64, out *float64)
//
// For each group of 8 rows of x (rows ld apart), out[r] = fma(x[r][p],
// w[p], … fma(x[r][0], w[0], +0)) for p < 8·blocks: lane j of Z28 runs
// row j's sum in order. Each block of 8 columns is loaded row by row and
// transposed in registers (two rounds of VUNPCKLPD/VUNPCKHPD, two of
// VSHUFF64X2, as gemm512PackBT), so that Z20+q holds column q of the
// block for the 8 rows; then eight multiply-adds by w[p] broadcast.
TEXT ·colProdAVX512(SB), NOSPLIT, $0-48
	MOVQ groups+0(FP), CX
	MOVQ x+16(FP), R9
	MOVQ ld+24(FP), R8
	SHLQ $3, R8
	LEAQ (R8)(R8*2), R11
	MOVQ out+40(FP), DX
	TESTQ CX, CX
	JEQ done

group:
	MOVQ R9, SI
	LEAQ (SI)(R11*1), BX
	MOVQ w+32(FP), DI
	MOVQ blocks+8(FP), AX
	VPXORQ Z28, Z28, Z28
	TESTQ AX, AX
	JEQ store

block:
	VMOVUPD (SI), Z0
	VMOVUPD (SI)(R8*1), Z1
	VMOVUPD (SI)(R8*2), Z2
	VMOVUPD (SI)(R11*1), Z3
	VMOVUPD (SI)(R8*4), Z4
	VMOVUPD (BX)(R8*2), Z5
	VMOVUPD (BX)(R11*1), Z6
	VMOVUPD (BX)(R8*4), Z7
	VUNPCKLPD Z1, Z0, Z8
	VUNPCKHPD Z1, Z0, Z9
	VUNPCKLPD Z3, Z2, Z10
	VUNPCKHPD Z3, Z2, Z11
	VUNPCKLPD Z5, Z4, Z12
	VUNPCKHPD Z5, Z4, Z13
	VUNPCKLPD Z7, Z6, Z14
	VUNPCKHPD Z7, Z6, Z15
	VSHUFF64X2 $0x44, Z10, Z8, Z16
	VSHUFF64X2 $0xEE, Z10, Z8, Z17
	VSHUFF64X2 $0x44, Z14, Z12, Z18
	VSHUFF64X2 $0xEE, Z14, Z12, Z19
	VSHUFF64X2 $0x88, Z18, Z16, Z20
	VSHUFF64X2 $0xDD, Z18, Z16, Z22
	VSHUFF64X2 $0x88, Z19, Z17, Z24
	VSHUFF64X2 $0xDD, Z19, Z17, Z26
	VSHUFF64X2 $0x44, Z11, Z9, Z16
	VSHUFF64X2 $0xEE, Z11, Z9, Z17
	VSHUFF64X2 $0x44, Z15, Z13, Z18
	VSHUFF64X2 $0xEE, Z15, Z13, Z19
	VSHUFF64X2 $0x88, Z18, Z16, Z21
	VSHUFF64X2 $0xDD, Z18, Z16, Z23
	VSHUFF64X2 $0x88, Z19, Z17, Z25
	VSHUFF64X2 $0xDD, Z19, Z17, Z27
	VFMADD231PD.BCST 0(DI), Z20, Z28
	VFMADD231PD.BCST 8(DI), Z21, Z28
	VFMADD231PD.BCST 16(DI), Z22, Z28
	VFMADD231PD.BCST 24(DI), Z23, Z28
	VFMADD231PD.BCST 32(DI), Z24, Z28
	VFMADD231PD.BCST 40(DI), Z25, Z28
	VFMADD231PD.BCST 48(DI), Z26, Z28
	VFMADD231PD.BCST 56(DI), Z27, Z28
	ADDQ $64, SI
	ADDQ $64, BX
	ADDQ $64, DI
	DECQ AX
	JNE block

store:
	VMOVUPD Z28, (DX)
	ADDQ $64, DX
	LEAQ (R9)(R8*8), R9
	DECQ CX
	JNE group

done:
	VZEROUPPER
	RET
