/*
 * The human-readable summary of a run: per phase, each exit reason with its
 * count, L1 cycles and cycles per exit, the phase's TSC span; then totals
 * and the result line.
 */
#ifndef L0_TABLE_H
#define L0_TABLE_H

#include <stdio.h>
#include "run_report.h"

void table_print(FILE *f, const struct run_report *r);
/* Only the final "result: ..." line (what --quiet prints). */
void table_print_result(FILE *f, const struct run_report *r);

#endif
