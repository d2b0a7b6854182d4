// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for vzctl/vzlist: everything that does not need the VE
 * kernel.  Each CHECK counts; the last line is "N passed, N failed".
 */
#include "tests/check.h"

int main(void)
{
	test_util();
	test_net();
	test_config();
	test_lock();
	test_ve();
	test_list();
	test_cpt_client();
	test_image();
	test_check();
	test_caps();
	test_image_print();
	test_cmds();
	test_mutate();
	return check_report();
}
