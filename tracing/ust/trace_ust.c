/*
 * dlopen of the sink object. The same object is the clock plugin, so
 * LTTNG_UST_CLOCK_PLUGIN names it; LTTng-UST's constructor, run during
 * this dlopen, opens it again and gets the object already being loaded.
 */
#include "trace_ust.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

int trace_ust_load(const char *so_path, int guest_clock, struct trace_sink *sink,
		   char *err, size_t errlen)
{
	void (*get)(struct trace_sink *);
	void *h;

	if (guest_clock)
		setenv("LTTNG_UST_CLOCK_PLUGIN", so_path, 1);
	else
		unsetenv("LTTNG_UST_CLOCK_PLUGIN");
	setenv("LTTNG_UST_ALLOW_BLOCKING", "1", 1);
	h = dlopen(so_path, RTLD_NOW);
	if (!h) {
		snprintf(err, errlen, "cannot load %s: %s", so_path, dlerror());
		return -1;
	}
	get = (void (*)(struct trace_sink *))dlsym(h, "nestlab_ust_sink");
	if (!get) {
		snprintf(err, errlen, "%s has no nestlab_ust_sink", so_path);
		return -1;
	}
	get(sink);
	return 0;
}
