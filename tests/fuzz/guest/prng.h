/*
 * The fuzzer's only source of randomness: SplitMix64 (a 64-bit counter
 * through a bijective mixer), fully deterministic. Every unit (a block, a
 * hypercall) gets its own stream seeded from (campaign seed, unit index),
 * so unit B of seed S is the same wherever a run starts: a run that begins
 * at B replays it. Pure, host-tested.
 */
#ifndef FUZZ_PRNG_H
#define FUZZ_PRNG_H

#include <stdint.h>

struct prng {
	uint64_t s;
};

static inline uint64_t prng_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static inline uint64_t prng_next(struct prng *p)
{
	p->s += 0x9E3779B97F4A7C15ull;
	return prng_mix(p->s);
}

/* The stream of unit `unit` in domain `domain` (blocks, hypercalls, ...). */
static inline void prng_seed(struct prng *p, uint64_t seed, uint64_t domain,
			     uint64_t unit)
{
	p->s = prng_mix(seed ^ prng_mix(domain * 0x100000001B3ull + unit));
}

/* Uniform in [0, n), n > 0 (the bias of a 64-bit modulo is negligible). */
static inline uint64_t prng_below(struct prng *p, uint64_t n)
{
	return prng_next(p) % n;
}

/* True with probability num/den. */
static inline int prng_chance(struct prng *p, unsigned num, unsigned den)
{
	return prng_below(p, den) < num;
}

#define PRNG_PICK(p, arr) ((arr)[prng_below((p), sizeof(arr) / sizeof((arr)[0]))])

#endif
