/* SPDX-License-Identifier: BSD-2-Clause */
/* Interruption-information words of the VMCS: IDT-vectoring information (SDM 24.9.3),
 * VM-exit interruption information (SDM 24.9.2) and VM-entry interruption information
 * (SDM 24.8.3). The three share one layout; they differ in which bits mean something. */
#ifndef CORE_VMX_EVENT_H
#define CORE_VMX_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Interruption type, bits 10:8 (SDM 24.8.3 Table 24-16). */
enum vmx_event_type {
    VMX_EVENT_EXT_INTR = 0,
    VMX_EVENT_RESERVED = 1,
    VMX_EVENT_NMI = 2,
    VMX_EVENT_HW_EXCEPTION = 3,
    VMX_EVENT_SOFT_INTR = 4,
    VMX_EVENT_PRIV_SOFT_EXCEPTION = 5,
    VMX_EVENT_SOFT_EXCEPTION = 6,
    VMX_EVENT_OTHER = 7,
};

#define VMX_INTR_INFO_VECTOR_MASK    0x000000ffu /* bits 7:0, SDM 24.8.3 */
#define VMX_INTR_INFO_TYPE_SHIFT     8           /* bits 10:8 */
#define VMX_INTR_INFO_TYPE_MASK      0x00000700u
#define VMX_INTR_INFO_ERROR_CODE     0x00000800u /* bit 11: error code valid / deliver */
#define VMX_INTR_INFO_NMI_UNBLOCK    0x00001000u /* bit 12: exit-intr only, SDM 24.9.2 */
#define VMX_INTR_INFO_RESERVED_EXIT  0x7fffe000u /* bits 30:13, SDM 24.9.2 / 24.9.3 */
#define VMX_INTR_INFO_RESERVED_ENTRY 0x7ffff000u /* bits 30:12, SDM 24.8.3 */
#define VMX_INTR_INFO_VALID          0x80000000u /* bit 31 */

/* Which of the three fields a word came from: decides the meaning of bit 12. */
enum vmx_intr_field {
    VMX_FIELD_IDT_VECTORING = 0, /* SDM 24.9.3: bit 12 undefined */
    VMX_FIELD_EXIT_INTR = 1,     /* SDM 24.9.2: bit 12 NMI unblocking due to IRET */
    VMX_FIELD_ENTRY_INTR = 2,    /* SDM 24.8.3: bits 30:12 reserved */
};

struct vmx_intr_info {
    uint8_t vector;
    uint8_t type; /* enum vmx_event_type */
    bool has_error;
    bool nmi_unblock; /* bit 12 as read; meaningful in exit-intr only */
    bool valid;
    uint32_t reserved; /* the reserved bits as read, in place */
};

static inline bool vmx_intr_info_valid(uint32_t info)
{
    return (info & VMX_INTR_INFO_VALID) != 0;
}
static inline uint8_t vmx_intr_info_vector(uint32_t info)
{
    return (uint8_t)(info & VMX_INTR_INFO_VECTOR_MASK);
}
static inline enum vmx_event_type vmx_intr_info_type(uint32_t info)
{
    return (enum vmx_event_type)((info & VMX_INTR_INFO_TYPE_MASK) >> VMX_INTR_INFO_TYPE_SHIFT);
}
static inline bool vmx_intr_info_has_error(uint32_t info)
{
    return (info & VMX_INTR_INFO_ERROR_CODE) != 0;
}

/* Split a word into its parts; reserved bits are those of the given field. */
struct vmx_intr_info vmx_intr_info_decode(uint32_t info, enum vmx_intr_field field);
/* Build a word from parts (nmi_unblock and reserved are ignored: encode never sets
 * reserved or undefined bits, SDM 24.8.3). */
uint32_t vmx_intr_info_encode(const struct vmx_intr_info *d);
/* The same, from values: a valid word with the given vector, type and error-code bit. */
static inline uint32_t vmx_intr_info_make(uint8_t vector, enum vmx_event_type type, bool has_error)
{
    return VMX_INTR_INFO_VALID | ((uint32_t)(type & 7) << VMX_INTR_INFO_TYPE_SHIFT) |
           (has_error ? VMX_INTR_INFO_ERROR_CODE : 0) | vector;
}

/* "ext-intr", "reserved", "nmi", "hw-exception", "soft-intr", "priv-soft-exception",
 * "soft-exception", "other". */
const char *vmx_event_type_name(enum vmx_event_type type);

/* Writes e.g. "valid hw-exception #GP(13) err" or "invalid" into buf (NUL-terminated,
 * truncated to len-1 characters); returns the length written. For an exit-intr word the
 * text adds "nmi-unblock" when bit 12 is set; for others bit 12 shows as "bit12". */
size_t vmx_intr_info_format(char *buf, size_t len, uint32_t info);
size_t vmx_intr_info_format_field(char *buf, size_t len, uint32_t info, enum vmx_intr_field field);

#endif
