/* SPDX-License-Identifier: GPL-2.0 */
/* What this CPU offers a VE's tasks, as CPT_CPU_* bits (cpt_image.h). */
#ifndef _CPT_LIB_CPUCAPS_H
#define _CPT_LIB_CPUCAPS_H

#include <linux/types.h>

u64 cpt_cpu_caps(void);

#endif
