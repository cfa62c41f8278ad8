/*
 * Building and writing the plan (bench_plan.h). The plan object holds the
 * experiments as parsed (the analysis reads them from here, never from the
 * .ini files), every cell with its exit model expectation (expect.c) and
 * its runs' directories and command lines.
 */
#include "bench_plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "bench_util.h"
#include "cli.h"
#include "cli_batch.h"
#include "expect.h"
#include <nestlab/status.h>

static json_t *list_json(const struct bench_list *l)
{
	json_t *a = json_array();

	for (unsigned i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *exp_table_json(const struct bench_table *t)
{
	json_t *j, *ratios;

	if (!t->line)
		return json_null();
	ratios = json_array();
	for (unsigned i = 0; i < t->nratios; i++)
		json_array_append_new(ratios, json_pack("{s:s, s:s}", "label",
							t->ratios[i].label, "spec",
							t->ratios[i].spec));
	j = json_pack("{s:o, s:o, s:o, s:o}", "rows", list_json(&t->rows), "columns",
		      list_json(&t->columns), "values", list_json(&t->values), "ratios", ratios);
	return j;
}

static json_t *exp_json(const struct bench_exp *x, unsigned idx, const struct bench_matrix *m,
			const struct bench_opts *o)
{
	json_t *cases = json_array(), *plots = json_array(), *pubs = json_array();
	json_t *members = json_array(), *fit = json_null();
	const char *file = x->path;
	size_t rl = strlen(o->root);

	if (!strncmp(file, o->root, rl) && file[rl] == '/')
		file += rl + 1;
	for (unsigned i = 0; i < x->ncases; i++)
		json_array_append_new(cases, json_pack("{s:s, s:o}", "name", x->cases[i].name,
						       "exit", str_or_null(x->cases[i].exit)));
	for (unsigned i = 0; i < x->nplots; i++) {
		const struct bench_plot *p = &x->plots[i];

		json_array_append_new(plots, json_pack("{s:s, s:s, s:s, s:o, s:s, s:o, s:b, s:b}",
			"name", p->name, "x", p->x, "y", p->y, "series", list_json(&p->series),
			"kind", p->kind, "title", str_or_null(p->title), "logx", p->logx,
			"logy", p->logy));
	}
	if (x->fit.line)
		fit = json_pack("{s:s, s:o, s:o, s:f}", "x", x->fit.x, "y", list_json(&x->fit.y),
				"by", list_json(&x->fit.by), "tolerance_pct", x->fit.tolerance_pct);
	for (unsigned i = 0; i < x->npublished; i++) {
		const struct bench_published *p = &x->published[i];

		json_array_append_new(pubs, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
			"s:s, s:b, s:o}", "name", p->name, "figure", p->figure, "value", p->value,
			"unit", p->unit, "source", p->source, "setup", p->setup, "ours", p->ours,
			"ours_unit", p->ours_unit, "ours_setup", p->ours_setup, "same_unit",
			p->same_unit, "note", str_or_null(p->note)));
	}
	for (unsigned i = 0; i < m->nmembers; i++) {
		const struct bench_member *b = &m->members[i];

		if (b->exp != idx)
			continue;
		json_array_append_new(members, json_pack("{s:s, s:s, s:o, s:b}", "cell",
			m->cells[b->cell].id, "case", b->case_name, "exit", str_or_null(b->exit),
			"per_iteration", b->per_iteration));
	}
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "name", x->name,
			 "question", x->question, "file", file, "cases", cases,
			 "table", exp_table_json(&x->table), "plots", plots, "fit", fit,
			 "published", pubs, "members", members);
}

/* The bench key's value as the launcher's --mbec. */
static enum l0_mbec bench_l0_mbec(int mbec)
{
	switch (mbec) {
	case BENCH_MBEC_EXEC_FAULT: return L0_MBEC_EXEC_FAULT;
	case BENCH_MBEC_INTERCEPT:  return L0_MBEC_INTERCEPT;
	}
	return L0_MBEC_OFF;
}

static json_t *expect_json(const struct bench_cell *c)
{
	struct expect_params p = {
		.workload = c->workload, .iterations = c->iterations, .level = c->level,
		.transport = c->transport, .npt_lazy = c->npt == BENCH_NPT_LAZY,
		.mbec = c->level == 2 ? bench_l0_mbec(c->mbec) : L0_MBEC_OFF,
		.batch = (enum l0_batch)c->batch,
		.interpose = c->level == 2 ? (enum l0_interpose)c->interpose : L0_INTERPOSE_OFF,
		.trampoline = (unsigned)c->trampoline,
	};
	struct expect e;
	json_t *exits;

	if (c->procs[0] &&
	    nestlab_procs_parse(c->procs, strlen(c->procs), &p.procs, NULL, NULL))
		return json_null();
	/* the model is nestlab's L1 (and level 1); KVM as L1 counts its own way */
	if (c->l1 == BENCH_L1_KVM || expect_compute(&p, &e))
		return json_null();
	if (!e.exits_known) {
		exits = json_null();
	} else {
		exits = json_object();
		for (unsigned r = 0; r < NESTLAB_EXIT_NR; r++)
			if (e.exits.c[r].count)
				json_object_set_new(exits, nestlab_exit_reason_name(r),
						    json_integer((json_int_t)e.exits.c[r].count));
	}
	{
		/* the phase's system calls by the trampoline's model (any mode
		 * counts them alike): ticks_per_call's divisor */
		struct expect_ktramp k;
		struct nestlab_procs procs = p.procs;

		if (!procs.n)
			nestlab_procs_parse(NESTLAB_PROCS_DEFAULT, strlen(NESTLAB_PROCS_DEFAULT),
					    &procs, NULL, NULL);
		expect_ktramp_compute(c->workload, c->iterations, &procs, NESTLAB_KTRAMP_GLOBAL, 0,
				      &k);
		return json_pack("{s:s, s:o, s:o}", "status", e.status, "exits", exits, "calls",
				 k.known && e.status_code == NESTLAB_STATUS_PASS ?
				 json_integer((json_int_t)(k.phase.direct + k.phase.table)) :
				 json_null());
	}
}

char *bench_cell_command(const struct bench_cell *c, unsigned rep, const struct bench_opts *o)
{
	char *dir = bench_fmt("%s/runs/%s/r%u", o->out, c->id, rep);
	char *qdir = dir ? bench_shell_quote(dir) : NULL;
	char *ql = bench_shell_quote(o->launcher);
	char extra[512] = "";
	size_t k = 0;
	char *cmd = NULL;

	if (!qdir || !ql)
		goto out;
	if (c->npt == BENCH_NPT_LAZY)
		k += (size_t)snprintf(extra + k, sizeof(extra) - k, " --npt-lazy");
	if (c->l1 == BENCH_L1_KVM)
		k += (size_t)snprintf(extra + k, sizeof(extra) - k, " --l1 kvm");
	if (c->l2mem)
		k += (size_t)snprintf(extra + k, sizeof(extra) - k, " --l2mem %lu", c->l2mem);
	if (c->mem)
		k += (size_t)snprintf(extra + k, sizeof(extra) - k, " --mem %lu", c->mem);
	if (c->mbec != BENCH_MBEC_OFF)
		k += (size_t)snprintf(extra + k, sizeof(extra) - k, " --mbec %s%s",
				      l0_mbec_name(bench_l0_mbec(c->mbec)),
				      c->mbec_tlb ? " --mbec-tlb flush" : "");
	if (c->batch)
		k += (size_t)snprintf(extra + k, sizeof(extra) - k, " --batch %s",
				      l0_batch_name((enum l0_batch)c->batch));
	if (c->interpose != L0_INTERPOSE_OFF)
		k += (size_t)snprintf(extra + k, sizeof(extra) - k, " --interpose %s",
				      l0_interpose_name((enum l0_interpose)c->interpose));
	if (c->trampoline)
		k += (size_t)snprintf(extra + k, sizeof(extra) - k, " --trampoline %s",
				      nestlab_ktramp_mode_name((unsigned)c->trampoline));
	if (!c->retpoline)
		k += (size_t)snprintf(extra + k, sizeof(extra) - k, " --retpoline off");
	if (c->procs[0])
		k += (size_t)snprintf(extra + k, sizeof(extra) - k, " --procs %s", c->procs);
	if (c->l1_options[0]) {
		char words[sizeof(c->l1_options)];

		snprintf(words, sizeof(words), "%s", c->l1_options);
		for (char *w = strtok(words, " "); w && k < sizeof(extra); w = strtok(NULL, " ")) {
			char *q = bench_shell_quote(w);

			k += (size_t)snprintf(extra + k, sizeof(extra) - k, " --l1-option %s",
					      q ? q : "''");
			free(q);
		}
	}
	if (o->accel && k < sizeof(extra))
		snprintf(extra + k, sizeof(extra) - k, " --accel %s", o->accel);
	cmd = bench_fmt("mkdir -p %s && cd %s && rm -f rc result.json log.txt && "
			"{ TMPDIR=%s timeout --foreground -k 10 %u %s run --workload %s --iterations %lu "
			"--level %d --transport %s%s --timeout %u --quiet --json result.json "
			">log.txt 2>&1; echo $? >rc.tmp; mv rc.tmp rc; }",
			qdir, qdir, qdir, o->timeout_s + BENCH_GUARD_EXTRA_S, ql,
			cli_workload_name(c->workload), c->iterations, c->level,
			l0_transport_name(c->transport), extra, o->timeout_s);
out:
	free(dir);
	free(qdir);
	free(ql);
	return cmd;
}

static json_t *cell_json(const struct bench_cell *c, const struct bench_opts *o)
{
	json_t *runs = json_array();
	json_t *j;

	for (unsigned r = 1; c->available && r <= o->repeat; r++) {
		char *cmd = bench_cell_command(c, r, o);
		char *dir = bench_fmt("runs/%s/r%u", c->id, r);

		json_array_append_new(runs, json_pack("{s:i, s:s, s:s}", "rep", r, "dir", dir,
						      "command", cmd));
		free(cmd);
		free(dir);
	}
	j = json_pack("{s:s, s:s, s:s, s:s, s:I, s:i, s:s}", "id", c->id, "workload",
		      cli_workload_name(c->workload), "transport", l0_transport_name(c->transport),
		      "npt", bench_npt_name(c->npt), "iterations", (json_int_t)c->iterations,
		      "level", c->level, "l1", bench_l1_name(c->l1));
	json_object_set_new(j, "l2mem", c->l2mem ? json_integer((json_int_t)c->l2mem) : json_null());
	json_object_set_new(j, "mem", c->mem ? json_integer((json_int_t)c->mem) : json_null());
	json_object_set_new(j, "mbec", c->level == 2 ? json_string(l0_mbec_name(bench_l0_mbec(c->mbec)))
			    : json_null());
	json_object_set_new(j, "mbec_tlb", c->level == 2 && c->mbec ?
			    json_string(c->mbec_tlb ? "flush" : "asid") : json_null());
	json_object_set_new(j, "batch", json_string(l0_batch_name((enum l0_batch)c->batch)));
	json_object_set_new(j, "interpose", c->level == 2 ?
			    json_string(l0_interpose_name((enum l0_interpose)c->interpose)) :
			    json_null());
	json_object_set_new(j, "l1_options", c->level == 2 ? json_string(c->l1_options) :
			    json_null());
	json_object_set_new(j, "trampoline",
			    json_string(nestlab_ktramp_mode_name((unsigned)c->trampoline)));
	json_object_set_new(j, "retpoline", json_string(c->retpoline ? "on" : "off"));
	json_object_set_new(j, "procs", c->procs[0] ? json_string(c->procs) : json_null());
	json_object_set_new(j, "available", json_boolean(c->available));
	json_object_set_new(j, "why", c->available ? json_null() : json_string(c->why));
	json_object_set_new(j, "expect", expect_json(c));
	json_object_set_new(j, "runs", runs);
	return j;
}

json_t *bench_plan_build(const struct bench_exp *x, unsigned nexp,
			 const struct bench_matrix *m, const struct bench_opts *o)
{
	json_t *exps = json_array(), *cells = json_array(), *plan;

	for (unsigned i = 0; i < nexp; i++)
		json_array_append_new(exps, exp_json(&x[i], i, m, o));
	for (unsigned i = 0; i < m->ncells; i++)
		json_array_append_new(cells, cell_json(&m->cells[i], o));
	plan = json_pack("{s:s, s:b, s:i, s:i, s:o, s:s, s:b}", "format", BENCH_PLAN_FORMAT,
			 "full", o->full, "repeat", o->repeat, "timeout_s", o->timeout_s,
			 "accel", str_or_null(o->accel), "launcher", o->launcher,
			 "launcher_l1", o->l1_kvm);
	if (!plan)
		return NULL;
	json_object_set_new(plan, "experiments", exps);
	json_object_set_new(plan, "cells", cells);
	return plan;
}

unsigned bench_plan_runs(const json_t *plan)
{
	const json_t *cells = json_object_get(plan, "cells"), *c;
	size_t i;
	unsigned n = 0;

	json_array_foreach(cells, i, c)
		n += (unsigned)json_array_size(json_object_get(c, "runs"));
	return n;
}

static int write_text(const char *dir, const char *name, const char *text)
{
	char *p = bench_fmt("%s/%s", dir, name);
	int rc = p ? bench_write_atomic(p, text, strlen(text)) : -1;

	if (!rc && text[0] == '#' && text[1] == '!')
		rc = chmod(p, 0755);
	free(p);
	return rc;
}

int bench_plan_write(const json_t *plan, const struct bench_opts *o)
{
	const json_t *cells = json_object_get(plan, "cells"), *c, *r;
	char *buf = NULL, *qout = bench_shell_quote(o->out), *p, *text;
	size_t len = 0, i, k;
	FILE *f = open_memstream(&buf, &len);
	unsigned n = bench_plan_runs(plan);
	int rc = -1;

	if (!f || !qout)
		goto out;
	json_array_foreach(cells, i, c)
		json_array_foreach(json_object_get(c, "runs"), k, r)
			fprintf(f, "%s\n", json_string_value(json_object_get(r, "command")));
	fclose(f);
	f = NULL;
	p = bench_fmt("%s/runs", o->out);
	if (!p || bench_mkdirs(p)) {
		free(p);
		goto out;
	}
	free(p);
	p = bench_fmt("%s/slurm", o->out);
	if (!p || bench_mkdirs(p)) {
		free(p);
		goto out;
	}
	free(p);
	p = bench_fmt("%s/plan.json", o->out);
	if (!p || bench_json_write(p, plan)) {
		free(p);
		goto out;
	}
	free(p);
	if (write_text(o->out, "commands.txt", buf))
		goto out;
	text = bench_fmt("#!/bin/bash\n"
		"# nestlab bench plan as a Slurm job array: task i runs line i of\n"
		"# commands.txt. Submit with `sbatch %s/slurm.sbatch` (add --wait to\n"
		"# block), then gather: nestlab bench --collect %s\n"
		"#SBATCH --job-name=nestlab-bench\n"
		"#SBATCH --array=1-%u\n"
		"#SBATCH --ntasks=1\n"
		"#SBATCH --cpus-per-task=1\n"
		"#SBATCH --output=%s/slurm/%%A_%%a.out\n"
		"set -u\n"
		"line=$(sed -n \"${SLURM_ARRAY_TASK_ID}p\" %s/commands.txt)\n"
		"exec bash -c \"$line\"\n", o->out, o->out, n ? n : 1, o->out, qout);
	if (!text || write_text(o->out, "slurm.sbatch", text)) {
		free(text);
		goto out;
	}
	free(text);
	text = bench_fmt("#!/bin/sh\n"
		"# nestlab bench plan with GNU parallel, JOBS at a time (default %u);\n"
		"# then gather: nestlab bench --collect %s\n"
		"exec parallel --will-cite --jobs \"${JOBS:-%u}\" --joblog %s/parallel.joblog "
		":::: %s/commands.txt\n", o->jobs, o->out, o->jobs, qout, qout);
	if (!text || write_text(o->out, "parallel.sh", text)) {
		free(text);
		goto out;
	}
	free(text);
	rc = 0;
out:
	if (f)
		fclose(f);
	free(buf);
	free(qout);
	return rc;
}
