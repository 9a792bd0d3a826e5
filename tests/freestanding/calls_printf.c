/* A core-like file that cheats: the freestanding check must catch it. */
#include <stdio.h>

void cheat_log(int v);

void cheat_log(int v)
{
	printf("%d\n", v);
}
