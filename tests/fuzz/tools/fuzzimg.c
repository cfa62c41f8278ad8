/*
 * fuzzimg: copies the fuzz guest's image and writes a command line into
 * its embedded command-line area (tests/fuzz/fuzz_abi.h), the way the
 * campaign gives each run its seed, first block and options: the launcher
 * passes the L2 image only "workload=... iterations=... transport=...".
 *
 *   fuzzimg IN OUT "key=value ..."
 *
 * Exit status 0, or 1 with a message (no marker, or not exactly one; the
 * line too long).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_abi.h"

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	unsigned char *img, *at = NULL, *p;
	size_t len, cl, left;
	FILE *out;

	if (argc != 4) {
		fprintf(stderr, "usage: fuzzimg IN OUT \"key=value ...\"\n");
		return 2;
	}
	img = slurp(argv[1], &len);
	if (!img) {
		fprintf(stderr, "fuzzimg: %s: %s\n", argv[1], strerror(errno ? errno : EIO));
		return 1;
	}
	for (p = img; (left = len - (size_t)(p - img)) >= FUZZ_CMDLINE_MARKER_LEN; p++) {
		p = memchr(p, FUZZ_CMDLINE_MARKER[0], left - FUZZ_CMDLINE_MARKER_LEN + 1);
		if (!p)
			break;
		if (memcmp(p, FUZZ_CMDLINE_MARKER, FUZZ_CMDLINE_MARKER_LEN) == 0) {
			if (at) {
				fprintf(stderr, "fuzzimg: %s: two command-line markers\n", argv[1]);
				return 1;
			}
			at = p;
		}
	}
	if (!at || (size_t)(at - img) + FUZZ_CMDLINE_MARKER_LEN + FUZZ_CMDLINE_MAX > len) {
		fprintf(stderr, "fuzzimg: %s: no command-line area (not the fuzz guest?)\n",
			argv[1]);
		return 1;
	}
	cl = strlen(argv[3]);
	if (cl >= FUZZ_CMDLINE_MAX) {
		fprintf(stderr, "fuzzimg: command line longer than %d bytes\n",
			FUZZ_CMDLINE_MAX - 1);
		return 1;
	}
	memset(at + FUZZ_CMDLINE_MARKER_LEN, 0, FUZZ_CMDLINE_MAX);
	memcpy(at + FUZZ_CMDLINE_MARKER_LEN, argv[3], cl);
	out = fopen(argv[2], "wb");
	if (!out || fwrite(img, 1, len, out) != len || fclose(out)) {
		fprintf(stderr, "fuzzimg: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	free(img);
	return 0;
}
