/*
 * Short names and one-line explanations of the run status codes of
 * include/nestlab/status.h, as printed by the launcher and written to the
 * JSON results file ("status": "<name>").
 */
#ifndef L0_STATUS_NAMES_H
#define L0_STATUS_NAMES_H

/* "pass", "workload_fail", ...; "unknown" for a code status.h does not define. */
const char *status_name(unsigned code);
/* What the status means, e.g. "L2 triple fault (SHUTDOWN intercept)". */
const char *status_explain(unsigned code);

#endif
