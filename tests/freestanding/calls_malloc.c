/* A core-like file that cheats: the freestanding check must catch it. */
#include <stddef.h>

void *malloc(size_t size);
void *cheat_alloc(size_t n);

void *cheat_alloc(size_t n)
{
	return malloc(n);
}
