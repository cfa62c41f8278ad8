/*
 * `nestlab expect`: prints what a run must show according to the workload's
 * exit model, or the workload list (exit status 0 printed, 2 usage).
 */
#ifndef L0_CMD_EXPECT_H
#define L0_CMD_EXPECT_H

/* argv[0] is "expect". */
int cmd_expect(int argc, char **argv);

#endif
