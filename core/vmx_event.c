/* SPDX-License-Identifier: BSD-2-Clause */
/* Interruption-information codecs and formatter (SDM 24.8.3, 24.9.2, 24.9.3). */
#include "core/vmx_event.h"
#include "core/exception_class.h"
#include "core/text.h"

static uint32_t reserved_mask(enum vmx_intr_field field)
{
    /* SDM 24.8.3: entry bits 30:12 reserved; SDM 24.9.2/24.9.3: exit bits 30:13 */
    return field == VMX_FIELD_ENTRY_INTR ? VMX_INTR_INFO_RESERVED_ENTRY
                                         : VMX_INTR_INFO_RESERVED_EXIT;
}

struct vmx_intr_info vmx_intr_info_decode(uint32_t info, enum vmx_intr_field field)
{
    struct vmx_intr_info d;
    d.vector = vmx_intr_info_vector(info);
    d.type = (uint8_t)vmx_intr_info_type(info);
    d.has_error = vmx_intr_info_has_error(info);
    d.nmi_unblock = (info & VMX_INTR_INFO_NMI_UNBLOCK) != 0;
    d.valid = vmx_intr_info_valid(info);
    d.reserved = info & reserved_mask(field);
    return d;
}

uint32_t vmx_intr_info_encode(const struct vmx_intr_info *d)
{
    uint32_t w = vmx_intr_info_make(d->vector, (enum vmx_event_type)d->type, d->has_error);
    return d->valid ? w : w & ~VMX_INTR_INFO_VALID;
}

const char *vmx_event_type_name(enum vmx_event_type type)
{
    static const char *const names[8] = {
        "ext-intr",       "reserved", "nmi", "hw-exception", "soft-intr", "priv-soft-exception",
        "soft-exception", "other",
    };
    return names[(unsigned)type & 7];
}

/* The event in words: "#GP(13)" for exceptions, "NMI(2)", "0x40" for interrupts. */
static void format_vector(struct text *t, uint8_t vector, enum vmx_event_type type)
{
    bool exception = type == VMX_EVENT_HW_EXCEPTION || type == VMX_EVENT_SOFT_EXCEPTION ||
                     type == VMX_EVENT_PRIV_SOFT_EXCEPTION || type == VMX_EVENT_NMI;
    if (exception && vector < 32) {
        text_str(t, exception_mnemonic(vector));
        text_char(t, '(');
        text_dec(t, vector);
        text_char(t, ')');
    } else {
        text_hex(t, vector, 2);
    }
}

size_t vmx_intr_info_format_field(char *buf, size_t len, uint32_t info, enum vmx_intr_field field)
{
    struct text t;
    text_init(&t, buf, len);
    if (info == 0) {
        text_str(&t, "invalid");
        return t.pos;
    }
    text_str(&t, vmx_intr_info_valid(info) ? "valid " : "invalid ");
    enum vmx_event_type type = vmx_intr_info_type(info);
    text_str(&t, vmx_event_type_name(type));
    text_char(&t, ' ');
    format_vector(&t, vmx_intr_info_vector(info), type);
    if (vmx_intr_info_has_error(info))
        text_str(&t, " err");
    if (info & VMX_INTR_INFO_NMI_UNBLOCK)
        text_str(&t, field == VMX_FIELD_EXIT_INTR ? " nmi-unblock" : " bit12");
    uint32_t rsvd = info & reserved_mask(field);
    if (field == VMX_FIELD_ENTRY_INTR)
        rsvd &= ~VMX_INTR_INFO_NMI_UNBLOCK; /* already shown as bit12 */
    if (rsvd) {
        text_str(&t, " reserved=");
        text_hex(&t, rsvd, 1);
    }
    return t.pos;
}

size_t vmx_intr_info_format(char *buf, size_t len, uint32_t info)
{
    return vmx_intr_info_format_field(buf, len, info, VMX_FIELD_IDT_VECTORING);
}
