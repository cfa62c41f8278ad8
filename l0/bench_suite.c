/*
 * bench_suite.h: the folder is listed with scandir (sorted, only *.ini),
 * a requested name must have its file, and a name asked twice runs once.
 */
#include "bench_suite.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench_util.h"

static int is_ini(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && !strcmp(d->d_name + n - 4, ".ini") && d->d_name[0] != '.';
}

static int add(struct bench_suite *s, const char *path, struct bench_errors *err)
{
	struct bench_exp *t = realloc(s->x, (s->n + 1) * sizeof(*t));

	if (!t)
		return -1;
	s->x = t;
	if (bench_exp_parse(path, &s->x[s->n], err)) {
		bench_exp_free(&s->x[s->n]);
		return -1;
	}
	s->n++;
	return 0;
}

int bench_suite_load(const char *dir, const char *names, struct bench_suite *s,
		     struct bench_errors *err)
{
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, is_ini, alphasort), rc = 0;

	s->n = 0;
	s->x = NULL;
	if (n < 0) {
		bench_error(err, dir, 0, "cannot list the experiments folder");
		return -1;
	}
	if (!names) {
		for (int i = 0; i < n; i++) {
			char *p = bench_fmt("%s/%s", dir, ents[i]->d_name);

			if (!p || add(s, p, err))
				rc = -1;
			free(p);
		}
	} else {
		char *list = strdup(names), *save = NULL;

		for (char *w = strtok_r(list, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
			char *p = bench_fmt("%s/%s.ini", dir, w);
			bool dup = false;

			for (unsigned k = 0; k < s->n; k++)
				dup |= !strcmp(s->x[k].name, w);
			if (dup) {
				free(p);
				continue;
			}
			if (access(p, R_OK)) {
				char avail[512] = "";

				for (int i = 0; i < n; i++) {
					size_t l = strlen(avail);

					snprintf(avail + l, sizeof(avail) - l, "%s%.*s", i ? ", " : "",
						 (int)(strlen(ents[i]->d_name) - 4), ents[i]->d_name);
				}
				bench_error(err, dir, 0, "no experiment '%s' (there are: %s)", w, avail);
				rc = -1;
			} else if (add(s, p, err)) {
				rc = -1;
			}
			free(p);
		}
		free(list);
	}
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	if (!rc && !s->n) {
		bench_error(err, dir, 0, "no experiment to run");
		rc = -1;
	}
	return rc;
}

void bench_suite_free(struct bench_suite *s)
{
	for (unsigned i = 0; i < s->n; i++)
		bench_exp_free(&s->x[i]);
	free(s->x);
	s->x = NULL;
	s->n = 0;
}
