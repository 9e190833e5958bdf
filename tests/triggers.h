/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/triggers.h — triggers that rows of several families share (the row names the page
 * it perturbs; the trigger only raises the event). */
#ifndef TESTS_TRIGGERS_H
#define TESTS_TRIGGERS_H

#define IRQ_VECTOR 0x40

/* #GP(0) from a load at a non-canonical address (tests/hw_exceptions.c). */
void trigger_gp(void);
/* #PF from a load at 4 GiB, which the guest's page tables do not map (tests/hw_exceptions.c). */
void trigger_pf(void);
/* Self-IPI IRQ_VECTOR taken right after an STI shadow (tests/irq.c); irq_check() verifies
 * that it is neither pending nor in service afterwards. */
void trigger_irq(void);
void irq_check(void);
/* A self-NMI, then room for a late one (tests/nmi.c). */
void trigger_nmi(void);
/* INT 0x80 (tests/soft_int.c). */
void trigger_int80(void);
/* INT3 and ICEBP (tests/soft_int.c); #UD from UD2 (tests/hw_exceptions.c). */
void int3_trigger(void);
void icebp_trigger(void);
void ud_trigger(void);
/* The faults of tests/more_exceptions.c, each with the setup that arms its cause (CR0.TS,
 * an unmasked x87 or SSE exception) and the check that undoes it and asserts the event. */
void de_trigger(void);
void de_check(void);
void nm_setup(void);
void nm_trigger(void);
void nm_check(void);
void mf_setup(void);
void mf_trigger(void);
void mf_check(void);
void xm_setup(void);
void xm_trigger(void);
void xm_check(void);
void ss_trigger(void);
void ss_check(void);
/* POPF sets TF; the #DB follows the next NOP (tests/debug.c). */
void trigger_single_step(void);

#endif
