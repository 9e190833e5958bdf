/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lib/error_code_vectors.h — the one list of the exception vectors whose delivery pushes an
 * error code (SDM 6.13, Table 6-1 and 6.15): #DF (8), #TS (10), #NP (11), #SS (12), #GP (13),
 * #PF (14), #AC (17) and #CP (21). Intel's table has no others: vectors 29 and 30 (AMD's #VC
 * and #SX, AMD APM) are reserved on Intel CPUs, and an INT n or an interrupt of any vector
 * pushes none (SDM 6.13). Usable from C and from preprocessed assembly (.S): the IDT stubs of
 * lib/traps.S and guest/pm32_traps.S test ERROR_CODE_VECTOR(vec) in an .if; guest/trace.c and
 * guest/pm32.c call vector_pushes_error().
 */
#ifndef LIB_ERROR_CODE_VECTORS_H
#define LIB_ERROR_CODE_VECTORS_H

/* Bit v set: vector v pushes an error code (SDM 6.13, Table 6-1). */
#define ERROR_CODE_VECTORS 0x00227d00

/* 1 when vector v (0-255) pushes an error code; the shift stays below 32 for the assembler. */
#define ERROR_CODE_VECTOR(v) (((v) < 32) && ((ERROR_CODE_VECTORS >> ((v)&31)) & 1))

#ifndef __ASSEMBLER__
#include <stdbool.h>

static inline bool vector_pushes_error(unsigned v)
{
    return ERROR_CODE_VECTOR(v) != 0;
}
#endif

#endif
