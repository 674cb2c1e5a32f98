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

// func maxPool2x2AVX2(out *float64, arg *int32, r0, r1 *float64, n, top, w int) int
//
// maxPool2x2's tournament for the 2×2 windows 0 … n−1 (n a multiple of
// 4) over the rows r0 and r1 (row width w, r0 at flat index top), four
// windows at a time: VUNPCKLPD/VUNPCKHPD split the rows into the windows'
// a, b, c, d (in window order 0, 2, 1, 3, undone by VPERMPD/VPERMD); the
// compares are b > a, d > c, cd > ab, as the Go loop's. It stops before
// the first group of four whose sum a + b + c + d is NaN (the Go loop
// takes that window's general rule) and returns how many windows it did.
// (Go's assembler writes the operands in reverse: VCMPPD $0x1E, Y4, Y5,
// Y8 is Y8 = Y5 > Y4; VBLENDVPD Y8, Y5, Y4, Y0 is Y0 = Y8 ? Y5 : Y4.)
TEXT ·maxPool2x2AVX2(SB), NOSPLIT, $0-64
	MOVQ         out+0(FP), DI
	MOVQ         arg+8(FP), R8
	MOVQ         r0+16(FP), SI
	MOVQ         r1+24(FP), DX
	MOVQ         n+32(FP), CX
	MOVQ         top+40(FP), AX
	MOVQ         w+48(FP), BX
	MOVQ         BX, X14
	VPBROADCASTQ X14, Y14                  // w, as int64s
	MOVQ         $1, R9
	MOVQ         R9, X13
	VPBROADCASTQ X13, Y13                  // 1, as int64s
	VMOVDQU      poolPerm<>(SB), Y15
	MOVL         AX, X12
	VPBROADCASTD X12, X12
	VPADDD       poolLane<>(SB), X12, X12  // top + 2·window, as int32s
	VMOVDQU      poolStep<>(SB), X11
	XORQ         R10, R10

loop:
	CMPQ      R10, CX
	JGE       done
	VMOVUPD   (SI), Y0
	VMOVUPD   32(SI), Y1
	VMOVUPD   (DX), Y2
	VMOVUPD   32(DX), Y3
	VUNPCKLPD Y1, Y0, Y4                   // a
	VUNPCKHPD Y1, Y0, Y5                   // b
	VUNPCKLPD Y3, Y2, Y6                   // c
	VUNPCKHPD Y3, Y2, Y7                   // d
	VADDPD    Y5, Y4, Y8
	VADDPD    Y6, Y8, Y8
	VADDPD    Y7, Y8, Y8
	VCMPPD    $3, Y8, Y8, Y9               // unordered: NaN
	VMOVMSKPD Y9, R11
	TESTQ     R11, R11
	JNZ       done
	VCMPPD    $0x1E, Y4, Y5, Y8            // kb = b > a
	VBLENDVPD Y8, Y5, Y4, Y0               // ab
	VCMPPD    $0x1E, Y6, Y7, Y9            // kd = d > c
	VBLENDVPD Y9, Y7, Y6, Y1               // cd
	VCMPPD    $0x1E, Y0, Y1, Y10           // kf = cd > ab
	VBLENDVPD Y10, Y1, Y0, Y2
	VPERMPD   $0xD8, Y2, Y2
	VMOVUPD   Y2, (DI)
	VPAND     Y13, Y8, Y8                  // kb as 0 or 1
	VPAND     Y13, Y9, Y9
	VPADDQ    Y14, Y9, Y9                  // w + kd
	VBLENDVPD Y10, Y9, Y8, Y3              // the maximum's offset
	VPERMD    Y3, Y15, Y3
	VPADDD    X12, X3, X3
	VMOVDQU   X3, (R8)
	VPADDD    X11, X12, X12
	ADDQ      $32, DI
	ADDQ      $16, R8
	ADDQ      $64, SI
	ADDQ      $64, DX
	ADDQ      $4, R10
	JMP       loop

done:
	MOVQ       R10, ret+56(FP)
	VZEROUPPER
	RET

// poolPerm picks the low halves of int64 lanes 0, 2, 1, 3 (windows 0, 1,
// 2, 3) as int32s; poolLane is 2·window, poolStep 2·4.
DATA poolPerm<>+0(SB)/4, $0
DATA poolPerm<>+4(SB)/4, $4
DATA poolPerm<>+8(SB)/4, $2
DATA poolPerm<>+12(SB)/4, $6
DATA poolPerm<>+16(SB)/4, $0
DATA poolPerm<>+20(SB)/4, $0
DATA poolPerm<>+24(SB)/4, $0
DATA poolPerm<>+28(SB)/4, $0
GLOBL poolPerm<>(SB), RODATA|NOPTR, $32
DATA poolLane<>+0(SB)/4, $0
DATA poolLane<>+4(SB)/4, $2
DATA poolLane<>+8(SB)/4, $4
DATA poolLane<>+12(SB)/4, $6
GLOBL poolLane<>(SB), RODATA|NOPTR, $16
DATA poolStep<>+0(SB)/4, $8
DATA poolStep<>+4(SB)/4, $8
DATA poolStep<>+8(SB)/4, $8
DATA poolStep<>+12(SB)/4, $8
GLOBL poolStep<>(SB), RODATA|NOPTR, $16

// func maxPool2x2GradAVX2(r0, r1, gout *float64, arg *int32, n, top, w int)
//
// maxPool2x2Grad's loop for the 2×2 windows 0 … n−1 (n a multiple of 4)
// over the gradient rows r0 and r1 (row width w, r0 at flat index top),
// four windows at a time: each window's four elements get 0 + g where the
// window's maximum is (its offset arg − top − 2·window is 0, 1, w or
// w + 1) and +0 elsewhere; VUNPCKLPD/VUNPCKHPD interleave them back into
// the rows (after VPERMPD puts the windows in the order 0, 2, 1, 3).
TEXT ·maxPool2x2GradAVX2(SB), NOSPLIT, $0-56
	MOVQ         r0+0(FP), DI
	MOVQ         r1+8(FP), DX
	MOVQ         gout+16(FP), SI
	MOVQ         arg+24(FP), R8
	MOVQ         n+32(FP), CX
	MOVQ         top+40(FP), AX
	MOVQ         w+48(FP), BX
	VPXOR        Y15, Y15, Y15              // 0
	MOVQ         $1, R9
	MOVQ         R9, X14
	VPBROADCASTQ X14, Y14                   // 1
	MOVQ         BX, X13
	VPBROADCASTQ X13, Y13                   // w
	VPADDQ       Y14, Y13, Y12              // w + 1
	MOVQ         AX, X11
	VPBROADCASTQ X11, Y11
	VPADDQ       poolLane64<>(SB), Y11, Y11 // top + 2·window
	VMOVDQU      poolStep64<>(SB), Y10
	XORQ         R10, R10

gloop:
	CMPQ      R10, CX
	JGE       gdone
	VMOVUPD   (SI), Y0
	VADDPD    Y15, Y0, Y0                   // 0 + g
	VPERMPD   $0xD8, Y0, Y0
	VPMOVSXDQ (R8), Y1
	VPSUBQ    Y11, Y1, Y1                   // offsets in the windows
	VPERMQ    $0xD8, Y1, Y1
	VPCMPEQQ  Y15, Y1, Y2
	VPAND     Y0, Y2, Y2                    // a
	VPCMPEQQ  Y14, Y1, Y3
	VPAND     Y0, Y3, Y3                    // b
	VPCMPEQQ  Y13, Y1, Y4
	VPAND     Y0, Y4, Y4                    // c
	VPCMPEQQ  Y12, Y1, Y5
	VPAND     Y0, Y5, Y5                    // d
	VUNPCKLPD Y3, Y2, Y6
	VUNPCKHPD Y3, Y2, Y7
	VMOVUPD   Y6, (DI)
	VMOVUPD   Y7, 32(DI)
	VUNPCKLPD Y5, Y4, Y6
	VUNPCKHPD Y5, Y4, Y7
	VMOVUPD   Y6, (DX)
	VMOVUPD   Y7, 32(DX)
	VPADDQ    Y10, Y11, Y11
	ADDQ      $64, DI
	ADDQ      $64, DX
	ADDQ      $32, SI
	ADDQ      $16, R8
	ADDQ      $4, R10
	JMP       gloop

gdone:
	VZEROUPPER
	RET

// poolLane64 is 2·window as int64s, poolStep64 2·4.
DATA poolLane64<>+0(SB)/8, $0
DATA poolLane64<>+8(SB)/8, $2
DATA poolLane64<>+16(SB)/8, $4
DATA poolLane64<>+24(SB)/8, $6
GLOBL poolLane64<>(SB), RODATA|NOPTR, $32
DATA poolStep64<>+0(SB)/8, $8
DATA poolStep64<>+8(SB)/8, $8
DATA poolStep64<>+16(SB)/8, $8
DATA poolStep64<>+24(SB)/8, $8
GLOBL poolStep64<>(SB), RODATA|NOPTR, $32
