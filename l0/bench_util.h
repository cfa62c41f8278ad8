/*
 * File and process helpers of `nestlab bench`: directories, atomic writes
 * (temporary file, fsync, rename, fsync of the directory: a reader sees the
 * old file or the whole new one), JSON files through jansson, shell quoting
 * for the plan's command lines, and the first line a command prints.
 */
#ifndef L0_BENCH_UTIL_H
#define L0_BENCH_UTIL_H

#include <stddef.h>
#include <jansson.h>

/* asprintf that returns the string (NULL on ENOMEM). */
char *bench_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* mkdir -p; 0 or -1 (errno set). */
int bench_mkdirs(const char *path);

/* Removes `path` and everything below it (no symlink followed). */
void bench_rmtree(const char *path);

/* Writes `len` bytes to `path` atomically; 0 or -1 (errno set). */
int bench_write_atomic(const char *path, const char *data, size_t len);

/* Writes `j` as indented JSON (keys in insertion order), atomically. */
int bench_json_write(const char *path, const json_t *j);

/* Loads a JSON file; NULL with a one-line reason in `why`. */
json_t *bench_json_load(const char *path, char *why, size_t n);

/* Reads a whole small file (NUL-terminated, malloc'd); NULL if unreadable. */
char *bench_read_text(const char *path);

/* 's' quoted for POSIX sh (malloc'd). */
char *bench_shell_quote(const char *s);

/* The first line `argv` prints on stdout (malloc'd, no newline), or NULL. */
char *bench_first_line(char *const argv[]);

/* Whether `argv` prints `needle` on stdout or stderr. */
int bench_output_matches(char *const argv[], int (*match)(const char *text));

/* Absolute form of `path` (it need not exist; malloc'd). */
char *bench_abspath(const char *path);

#endif
