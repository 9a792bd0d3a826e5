/*
 * A core-like file that cheats: a 64-bit division and modulo by run-time
 * values. On a 32-bit target (and in the check's 32-bit pass of a 64-bit
 * one) they are libgcc calls (__udivdi3, __umoddi3, __aeabi_uldivmod) that
 * a hypervisor may not link; the freestanding check must catch them.
 */
#include <stdint.h>

uint64_t cheat_split(uint64_t total, uint64_t parts, uint64_t *rest);

uint64_t cheat_split(uint64_t total, uint64_t parts, uint64_t *rest)
{
	*rest = total % parts;
	return total / parts;
}
