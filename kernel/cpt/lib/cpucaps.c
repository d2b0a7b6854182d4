// SPDX-License-Identifier: GPL-2.0
/*
 * CPU capabilities: written into every image, compared on restore and
 * returned by CPT_TEST_CAPS, so an image is never restored on a CPU
 * lacking what its tasks may use.
 */
#include <asm/cpufeature.h>
#include <linux/cpt_image.h>

#include "lib/cpucaps.h"

u64 cpt_cpu_caps(void)
{
	u64 caps = 0;

	if (boot_cpu_has(X86_FEATURE_FXSR))
		caps |= CPT_CPU_FXSR;
	if (boot_cpu_has(X86_FEATURE_XSAVE))
		caps |= CPT_CPU_XSAVE;
	if (boot_cpu_has(X86_FEATURE_AVX))
		caps |= CPT_CPU_AVX;
	if (boot_cpu_has(X86_FEATURE_AVX512F))
		caps |= CPT_CPU_AVX512;
	if (boot_cpu_has(X86_FEATURE_FSGSBASE))
		caps |= CPT_CPU_FSGSBASE;
	return caps;
}
