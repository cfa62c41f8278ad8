/*
 * `nestlab run`: the whole run of one workload, from a parsed configuration
 * to the exit status (0 pass, 1 run failed, 2 configuration error).
 */
#ifndef L0_CMD_RUN_H
#define L0_CMD_RUN_H

#include "run_config.h"

#define L0_EXIT_PASS   0
#define L0_EXIT_FAIL   1
#define L0_EXIT_CONFIG 2

int cmd_run(const struct run_config *cfg);

#endif
