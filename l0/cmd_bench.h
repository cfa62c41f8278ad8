/*
 * `nestlab bench` (cmd_bench.c): runs the experiments of experiments/ and
 * writes a result set with its report; `--plan DIR` writes the runs as
 * commands for GNU parallel or a Slurm job array instead, `--collect DIR`
 * gathers such a plan's results into the same report. docs/bench.md.
 * `nestlab bench-compare A B` (cmd_bench_compare.c): figure-by-figure
 * deltas between two result sets.
 */
#ifndef L0_CMD_BENCH_H
#define L0_CMD_BENCH_H

int cmd_bench(int argc, char **argv);
int cmd_bench_compare(int argc, char **argv);

#endif
