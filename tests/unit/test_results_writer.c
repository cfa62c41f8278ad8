/* The results stream writer: each record's exact text (results.h). */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "../../lib/results/results_writer.h"

static char out[1024];
static size_t out_len;

static void sink(void *ctx, char c) { out[out_len++] = c; out[out_len] = 0; }

Test(results_writer, full_stream)
{
	struct results_writer w = { sink, 0 };

	results_begin(&w, "l1");
	results_phase(&w, 0, "cpuid", 123456789012ull);
	results_exit(&w, 0, "cpuid", 1000, 0);
	results_exit(&w, -1, "ioio", 18446744073709551615ull, 7);
	results_error(&w, "two\nlines\r");
	results_status(&w, 0);
	results_end(&w);
	cr_assert(eq(str, out,
		     "nestlab-results 1 producer=l1\n"
		     "phase 0 cpuid tsc=123456789012\n"
		     "exit 0 cpuid 1000 0\n"
		     "exit total ioio 18446744073709551615 7\n"
		     "error two lines \n"
		     "status 0\n"
		     "end\n"));
}
