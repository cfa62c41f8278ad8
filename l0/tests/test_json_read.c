/*
 * Unit tests of the JSON reader (l0/json_read.c): every value type, escapes,
 * u64 numbers, look-ups, and malformed input refused with a position.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>
#include "json_read.h"

static struct json *parse(const char *s, char *err)
{
	return json_parse(s, strlen(s), err, 200);
}

Test(json_read, values_and_lookups)
{
	char err[200];
	struct json *j = parse(" {\"a\": [1, 18446744073709551615, -2, 3.5, 1e3], \"b\": true,"
			       " \"c\": false, \"d\": null, \"e\": \"x\\ty\\u00e9\\ud83d\\ude00\","
			       " \"f\": {}, \"g\": []} ", err);
	const struct json *a;

	cr_assert(not(eq(ptr, j, NULL)), "%s", err);
	a = json_get(j, "a");
	cr_assert(eq(u64, a->n, 5));
	cr_assert(eq(u64, json_at(a, 0)->u64, 1));
	cr_assert(eq(int, json_at(a, 1)->is_u64, 1));
	cr_assert(eq(u64, json_at(a, 1)->u64, 18446744073709551615ull));
	cr_assert(eq(int, json_at(a, 2)->is_u64, 0));
	cr_assert(eq(dbl, json_at(a, 3)->number, 3.5));
	cr_assert(eq(int, json_at(a, 4)->is_u64, 0));
	cr_assert(eq(ptr, (void *)json_at(a, 5), NULL));
	cr_assert(eq(int, json_get(j, "b")->boolean, 1));
	cr_assert(eq(int, json_get(j, "c")->boolean, 0));
	cr_assert(eq(int, json_get(j, "d")->type, JSON_NULL));
	cr_assert(eq(str, json_get(j, "e")->string, "x\ty\xc3\xa9\xf0\x9f\x98\x80"));
	cr_assert(eq(u64, json_get(j, "f")->n, 0));
	cr_assert(eq(int, json_get(j, "g")->type, JSON_ARRAY));
	cr_assert(eq(ptr, (void *)json_get(j, "zz"), NULL));
	cr_assert(eq(ptr, (void *)json_get(a, "a"), NULL));
	json_free(j);
}

Test(json_read, overflowing_integer_is_not_u64)
{
	char err[200];
	struct json *j = parse("18446744073709551616", err);

	cr_assert(not(eq(ptr, j, NULL)));
	cr_assert(eq(int, j->is_u64, 0));
	json_free(j);
}

Test(json_read, malformed)
{
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "[01]", "\"abc", "\"a\\q\"", "tru",
		"nul", "[1] x", "{1: 2}", "\"\\ud800\"", "\"\\u0000\"", "-", "1.", "1e", "\"a\nb\"",
	};
	char err[200];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		cr_assert(eq(ptr, parse(bad[i], err), NULL), "accepted: %s", bad[i]);
		cr_assert(not(eq(ptr, strstr(err, "offset "), NULL)), "%s", bad[i]);
	}
}

Test(json_read, depth_bounded)
{
	char s[300], err[200];

	memset(s, '[', 200);
	s[200] = '\0';
	cr_assert(eq(ptr, parse(s, err), NULL));
	cr_assert(not(eq(ptr, strstr(err, "nested too deep"), NULL)), "%s", err);
}
