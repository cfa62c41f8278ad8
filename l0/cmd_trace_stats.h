/*
 * `nestlab trace-stats DIR [--check RESULTS.json]`: events per type and
 * per phase and losses of a trace written by `nestlab run --trace DIR`;
 * with --check, whether its per-phase exits agree with the run's results.
 */
#ifndef L0_CMD_TRACE_STATS_H
#define L0_CMD_TRACE_STATS_H

int cmd_trace_stats(int argc, char **argv);

#endif
