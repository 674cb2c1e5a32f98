// EXP4 is the body of math.Exp's amd64 FMA path (math/exp_amd64.s, label
// avxfma) on the four values of Y0, in [−708, 709], leaving exp in Y0:
// the same operations in the same order, so the same bits. It needs the
// constants expConsts at R8 and in Y7–Y13 (see expAVX2) and uses Y1, Y3,
// X4/Y4 and Y5. Included by vmath_amd64.s and rows_amd64.s.
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
