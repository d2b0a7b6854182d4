// SPDX-License-Identifier: GPL-2.0
/*
 * CRC-32C (Castagnoli), as the checkpoint image uses it: reflected
 * polynomial 0x82F63B78, initial value ~0, final inversion.  The check
 * value of "123456789" is 0xE3069283.  Table driven: images are read at
 * disk speed and this is not the bottleneck.
 */
#include <stdbool.h>
#include <stdint.h>

#include "image.h"

static uint32_t crc_table[256];
static bool table_ready;

static void crc_table_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		crc_table[i] = c;
	}
	table_ready = true;
}

/* state starts as CRC32C_INIT; the CRC is crc32c_final(state). */
uint32_t crc32c_update(uint32_t state, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	if (!table_ready)
		crc_table_init();
	while (len--)
		state = crc_table[(state ^ *p++) & 0xff] ^ (state >> 8);
	return state;
}

uint32_t crc32c(const void *buf, size_t len)
{
	return crc32c_final(crc32c_update(CRC32C_INIT, buf, len));
}
