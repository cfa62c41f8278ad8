#!/bin/bash
# Checks that the freestanding build of lib/x86dec ($(BUILD)/x86dec/libx86dec-fs.a)
# needs no C library: every symbol its objects leave undefined must be defined
# by another object of the archive or be one of the five string functions that
# lib/freestanding/string.c provides (include/nestlab/mem.h).
# Prints PASS:/FAIL: lines; exits non-zero on failure.
set -u
lib="${BUILD:-build}/x86dec/libx86dec-fs.a"
allowed="memcpy memmove memset memcmp strlen"
if [ ! -f "$lib" ]; then
	echo "FAIL: x86dec nm check: $lib not built"; exit 1
fi
undef=$(nm -u "$lib" | awk '$1=="U" {print $2}' | sort -u)
defined=$(nm --defined-only "$lib" | awk 'NF==3 {print $3}' | sort -u)
external=$(comm -23 <(echo "$undef") <(echo "$defined") | grep -v '^$')
bad=""
for s in $external; do
	case " $allowed " in *" $s "*) ;; *) bad="$bad $s" ;; esac
done
if [ -n "$bad" ]; then
	echo "FAIL: x86dec freestanding objects need symbols outside nestlab/mem.h:$bad"; exit 1
fi
echo "PASS: x86dec freestanding objects need only: $(echo $external) (nestlab/mem.h)"
if nm "$lib" | grep -qE ' [Uu] (_GLOBAL_OFFSET_TABLE_|__stack_chk_fail|__.*_chk)$'; then
	echo "FAIL: x86dec freestanding objects reference GOT or fortify/stack-protector symbols"; exit 1
fi
echo "PASS: x86dec freestanding objects: no GOT, stack-protector or fortify references"
