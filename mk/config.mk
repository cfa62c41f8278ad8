# Build configuration shared by every makefile fragment: one build folder,
# host flags for tools and tests, freestanding flags for code that runs in L1
# or L2 (Jailhouse-style: no red zone, no SSE, no PIC, -Werror).

BUILD        ?= build
CC           ?= gcc
HOST_CC      ?= gcc
LD           ?= ld
OBJCOPY      ?= objcopy
NM           ?= nm

COMMON_WARN  := -Wall -Wextra -Werror -Wno-unused-parameter
INC          := -Iinclude

HOST_CFLAGS  := -std=gnu11 -O2 -g $(COMMON_WARN) $(INC) -D_GNU_SOURCE
HOST_LDLIBS  :=

# Freestanding x86-64 code (L1 hypervisor, L2 kernel, pure modules they link).
FREESTANDING_CFLAGS := -std=gnu11 -O2 -g $(COMMON_WARN) $(INC) \
	-ffreestanding -fno-builtin -nostdlib -fno-pic -fno-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
	-mno-red-zone -mno-mmx -mno-sse -mno-sse2 -mno-avx -mgeneral-regs-only \
	-mcmodel=small -m64 -DNESTLAB_FREESTANDING=1
FREESTANDING_ASFLAGS := -m64 -g $(INC) -D__ASSEMBLY__ -DNESTLAB_FREESTANDING=1
FREESTANDING_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments

CRITERION_LIBS := -lcriterion

# Dependency files for every compiled object.
DEPFLAGS = -MMD -MP
