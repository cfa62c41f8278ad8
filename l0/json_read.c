/*
 * Recursive-descent JSON parser. Depth is bounded (JSON_MAX_DEPTH) so a
 * hostile file cannot exhaust the stack; strings decode \uXXXX (with
 * surrogate pairs) to UTF-8.
 */
#include "json_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 64

struct json_p {
	const char *s, *end, *start;
	char *err;
	size_t errlen;
	int failed;
};

static void *json_fail(struct json_p *p, const char *why)
{
	if (!p->failed)
		snprintf(p->err, p->errlen, "offset %zu: %s", (size_t)(p->s - p->start), why);
	p->failed = 1;
	return NULL;
}

static void json_ws(struct json_p *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
		p->s++;
}

static int json_lit(struct json_p *p, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(p->end - p->s) < n || memcmp(p->s, lit, n))
		return 0;
	p->s += n;
	return 1;
}

static int json_hex4(struct json_p *p, unsigned *out)
{
	unsigned v = 0;

	if (p->end - p->s < 4)
		return 0;
	for (int i = 0; i < 4; i++) {
		char c = *p->s++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return 0;
	}
	*out = v;
	return 1;
}

static size_t json_utf8(unsigned cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static char *json_string(struct json_p *p)
{
	size_t cap = 16, n = 0;
	char *o = malloc(cap);

	if (!o)
		return json_fail(p, "out of memory");
	p->s++; /* opening quote */
	for (;;) {
		unsigned cp;

		if (n + 5 > cap) {
			char *no = realloc(o, cap *= 2);

			if (!no) {
				free(o);
				return json_fail(p, "out of memory");
			}
			o = no;
		}
		if (p->s >= p->end) {
			free(o);
			return json_fail(p, "unterminated string");
		}
		if (*p->s == '"') {
			p->s++;
			o[n] = '\0';
			return o;
		}
		if ((unsigned char)*p->s < 0x20) {
			free(o);
			return json_fail(p, "control character in string");
		}
		if (*p->s != '\\') {
			o[n++] = *p->s++;
			continue;
		}
		p->s++;
		if (p->s >= p->end) {
			free(o);
			return json_fail(p, "unterminated escape");
		}
		switch (*p->s++) {
		case '"':  o[n++] = '"'; break;
		case '\\': o[n++] = '\\'; break;
		case '/':  o[n++] = '/'; break;
		case 'b':  o[n++] = '\b'; break;
		case 'f':  o[n++] = '\f'; break;
		case 'n':  o[n++] = '\n'; break;
		case 'r':  o[n++] = '\r'; break;
		case 't':  o[n++] = '\t'; break;
		case 'u':
			if (!json_hex4(p, &cp) || cp == 0) {
				free(o);
				return json_fail(p, "bad \\u escape");
			}
			if (cp >= 0xd800 && cp < 0xdc00) {
				unsigned lo;

				if (!json_lit(p, "\\u") || !json_hex4(p, &lo) || lo < 0xdc00 ||
				    lo >= 0xe000) {
					free(o);
					return json_fail(p, "bad surrogate pair");
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			n += json_utf8(cp, o + n);
			break;
		default:
			free(o);
			return json_fail(p, "bad escape");
		}
	}
}

static struct json *json_value(struct json_p *p, int depth);

static struct json *json_new(struct json_p *p, enum json_type t)
{
	struct json *j = calloc(1, sizeof(*j));

	if (!j)
		return json_fail(p, "out of memory");
	j->type = t;
	return j;
}

static int json_push(struct json_p *p, struct json *c, char *key, struct json *item)
{
	struct json **items = realloc(c->items, (c->n + 1) * sizeof(*items));

	if (!items)
		return 0;
	c->items = items;
	if (c->type == JSON_OBJECT) {
		char **keys = realloc(c->keys, (c->n + 1) * sizeof(*keys));

		if (!keys)
			return 0;
		c->keys = keys;
		c->keys[c->n] = key;
	}
	c->items[c->n++] = item;
	return 1;
}

static struct json *json_container(struct json_p *p, int depth, int object)
{
	struct json *c = json_new(p, object ? JSON_OBJECT : JSON_ARRAY);
	char close = object ? '}' : ']';

	if (!c)
		return NULL;
	p->s++;
	json_ws(p);
	if (p->s < p->end && *p->s == close) {
		p->s++;
		return c;
	}
	for (;;) {
		char *key = NULL;
		struct json *item;

		json_ws(p);
		if (object) {
			if (p->s >= p->end || *p->s != '"') {
				json_free(c);
				return json_fail(p, "object key expected");
			}
			key = json_string(p);
			json_ws(p);
			if (!key || p->s >= p->end || *p->s != ':') {
				free(key);
				json_free(c);
				return json_fail(p, "':' expected");
			}
			p->s++;
		}
		item = json_value(p, depth + 1);
		if (!item || !json_push(p, c, key, item)) {
			free(key);
			json_free(item);
			json_free(c);
			return json_fail(p, "out of memory");
		}
		json_ws(p);
		if (p->s < p->end && *p->s == ',') {
			p->s++;
			continue;
		}
		if (p->s < p->end && *p->s == close) {
			p->s++;
			return c;
		}
		json_free(c);
		return json_fail(p, object ? "',' or '}' expected" : "',' or ']' expected");
	}
}

static struct json *json_number(struct json_p *p)
{
	const char *b = p->s;
	struct json *j;
	char buf[64], *endp;
	int integer = 1;
	uint64_t u = 0;
	int overflow = 0;

	if (p->s < p->end && *p->s == '-') {
		p->s++;
		integer = 0;
	}
	if (p->s >= p->end || *p->s < '0' || *p->s > '9')
		return json_fail(p, "bad value");
	if (*p->s == '0' && p->s + 1 < p->end && p->s[1] >= '0' && p->s[1] <= '9')
		return json_fail(p, "leading zero");
	while (p->s < p->end && *p->s >= '0' && *p->s <= '9') {
		unsigned d = (unsigned)(*p->s++ - '0');

		if (u > (UINT64_MAX - d) / 10)
			overflow = 1;
		u = u * 10 + d;
	}
	if (p->s < p->end && *p->s == '.') {
		integer = 0;
		p->s++;
		if (p->s >= p->end || *p->s < '0' || *p->s > '9')
			return json_fail(p, "bad fraction");
		while (p->s < p->end && *p->s >= '0' && *p->s <= '9')
			p->s++;
	}
	if (p->s < p->end && (*p->s == 'e' || *p->s == 'E')) {
		integer = 0;
		p->s++;
		if (p->s < p->end && (*p->s == '+' || *p->s == '-'))
			p->s++;
		if (p->s >= p->end || *p->s < '0' || *p->s > '9')
			return json_fail(p, "bad exponent");
		while (p->s < p->end && *p->s >= '0' && *p->s <= '9')
			p->s++;
	}
	if ((size_t)(p->s - b) >= sizeof(buf))
		return json_fail(p, "number too long");
	memcpy(buf, b, (size_t)(p->s - b));
	buf[p->s - b] = '\0';
	j = json_new(p, JSON_NUMBER);
	if (!j)
		return NULL;
	j->number = strtod(buf, &endp);
	j->is_u64 = integer && !overflow;
	j->u64 = j->is_u64 ? u : 0;
	return j;
}

static struct json *json_value(struct json_p *p, int depth)
{
	struct json *j;

	if (depth > JSON_MAX_DEPTH)
		return json_fail(p, "nested too deep");
	json_ws(p);
	if (p->s >= p->end)
		return json_fail(p, "value expected");
	switch (*p->s) {
	case '{':
		return json_container(p, depth, 1);
	case '[':
		return json_container(p, depth, 0);
	case '"':
		j = json_new(p, JSON_STRING);
		if (j && !(j->string = json_string(p))) {
			free(j);
			return NULL;
		}
		return j;
	case 't':
	case 'f':
		if (!json_lit(p, "true") && !json_lit(p, "false"))
			return json_fail(p, "bad literal");
		j = json_new(p, JSON_BOOL);
		if (j)
			j->boolean = p->s[-1] == 'e' && p->s[-2] == 'u';
		return j;
	case 'n':
		if (!json_lit(p, "null"))
			return json_fail(p, "bad literal");
		return json_new(p, JSON_NULL);
	default:
		return json_number(p);
	}
}

struct json *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct json_p p = { text, text + len, text, err, errlen, 0 };
	struct json *j = json_value(&p, 0);

	if (!j)
		return NULL;
	json_ws(&p);
	if (p.s != p.end) {
		json_free(j);
		return json_fail(&p, "trailing text");
	}
	return j;
}

void json_free(struct json *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n; i++) {
		json_free(j->items[i]);
		if (j->keys)
			free(j->keys[i]);
	}
	free(j->items);
	free(j->keys);
	free(j->string);
	free(j);
}

const struct json *json_get(const struct json *obj, const char *key)
{
	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return obj->items[i];
	return NULL;
}

const struct json *json_at(const struct json *arr, size_t i)
{
	if (!arr || arr->type != JSON_ARRAY || i >= arr->n)
		return NULL;
	return arr->items[i];
}
