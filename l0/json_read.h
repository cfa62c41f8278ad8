/*
 * A small JSON reader for the launcher's own files (the results JSON that
 * `nestlab trace-stats --check` compares a trace with): RFC 8259 text into
 * a tree of values; numbers keep their unsigned 64-bit value when they are
 * non-negative integers. Pure: text in, tree out.
 */
#ifndef L0_JSON_READ_H
#define L0_JSON_READ_H

#include <stddef.h>
#include <stdint.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	int boolean;
	double number;
	uint64_t u64;          /* the number, when is_u64 */
	int is_u64;
	char *string;          /* JSON_STRING (NUL-terminated; embedded NULs refused) */
	size_t n;              /* JSON_ARRAY / JSON_OBJECT: members */
	char **keys;           /* JSON_OBJECT */
	struct json **items;
};

/* Parses `len` bytes; NULL with `err` filled (position and reason) on error. */
struct json *json_parse(const char *text, size_t len, char *err, size_t errlen);
void json_free(struct json *j);

/* Member `key` of an object, item `i` of an array; NULL when absent or not that type. */
const struct json *json_get(const struct json *obj, const char *key);
const struct json *json_at(const struct json *arr, size_t i);

#endif
