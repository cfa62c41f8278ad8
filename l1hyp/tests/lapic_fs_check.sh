#!/bin/bash
# Checks the freestanding build of the local APIC model
# ($(BUILD)/l1hyp/devices-fs/, the flags L1 is built with): together its
# objects need no symbol outside themselves but the string functions of
# include/nestlab/mem.h, and none references the GOT or stack-protector /
# fortify helpers. Prints PASS:/FAIL: lines; exits non-zero on failure.
set -u
dir="${BUILD:-build}/l1hyp/devices-fs/l1hyp/devices"
allowed="memcpy memmove memset memcmp strlen"
objs=$(ls "$dir"/lapic*.o 2>/dev/null)
if [ -z "$objs" ]; then
	echo "FAIL: lapic freestanding check: no objects in $dir"; exit 1
fi
undef=$(nm -u $objs | awk '$1=="U" {print $2}' | sort -u)
defined=$(nm --defined-only $objs | awk 'NF==3 {print $3}' | sort -u)
external=$(comm -23 <(echo "$undef") <(echo "$defined") | grep -v '^$')
bad=""
for s in $external; do
	case " $allowed " in *" $s "*) ;; *) bad="$bad $s" ;; esac
done
if [ -n "$bad" ]; then
	echo "FAIL: lapic freestanding objects need symbols outside nestlab/mem.h:$bad"; exit 1
fi
echo "PASS: lapic freestanding objects need only: $(echo $external) (nestlab/mem.h)"
if nm $objs | grep -qE ' [Uu] (_GLOBAL_OFFSET_TABLE_|__stack_chk_fail|__.*_chk)$'; then
	echo "FAIL: lapic freestanding objects reference GOT or fortify/stack-protector symbols"; exit 1
fi
echo "PASS: lapic freestanding objects: no GOT, stack-protector or fortify references"
if nm --defined-only $objs | awk 'NF==3 && $2 ~ /[bBdD]/' | grep -q .; then
	echo "FAIL: lapic objects define data (the model must keep no globals):"
	nm --defined-only $objs | awk 'NF==3 && $2 ~ /[bBdD]/'; exit 1
fi
echo "PASS: lapic objects define no writable data (no globals)"
