/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/config.c — the configuration block (docs/protocol.md); the runner patches a copy. */
#include "lib/config.h"

__attribute__((section(".config"), used)) static struct rdlv_config config_block = {
    .magic = RDLV_CONFIG_MAGIC,
};

const struct rdlv_config *config_get(void)
{
    config_block.scenario[sizeof(config_block.scenario) - 1] = 0;
    config_block.policy[sizeof(config_block.policy) - 1] = 0;
    config_block.fault[sizeof(config_block.fault) - 1] = 0;
    config_block.perturb[sizeof(config_block.perturb) - 1] = 0;
    config_block.profile[sizeof(config_block.profile) - 1] = 0;
    return &config_block;
}
