// SPDX-License-Identifier: GPL-2.0
/* Unit tests of net.c that need no network: addresses, names, resolv.conf. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "util.h"
#include "tests/check.h"

static void test_ip(void)
{
	struct ve_ip ip;

	CHECK(ip_parse("10.0.0.1", &ip) == 0 && ip.prefix == -1 &&
	      ip.addr.s_addr == htonl(0x0a000001));
	CHECK(ip_parse("192.168.1.5/24", &ip) == 0 && ip.prefix == 24);
	CHECK(ip_parse("10.0.0.1/32", &ip) == 0 && ip.prefix == 32);
	CHECK(ip_parse("10.0.0.1/33", &ip) < 0);
	CHECK(ip_parse("10.0.0.1/0", &ip) < 0);
	CHECK(ip_parse("10.0.0.1/", &ip) < 0);
	CHECK(ip_parse("10.0.0.1/2a", &ip) < 0);
	CHECK(ip_parse("10.0.0.1/-1", &ip) < 0);
	CHECK(ip_parse("10.0.0.1/024", &ip) < 0);
	CHECK(ip_parse("10.0.0.256", &ip) < 0);
	CHECK(ip_parse("10.0.0", &ip) < 0);
	CHECK(ip_parse("10.0.0.1.2", &ip) < 0);
	CHECK(ip_parse("", &ip) < 0);
	CHECK(ip_parse("/24", &ip) < 0);
	CHECK(ip_parse("host", &ip) < 0);
	CHECK(ip_parse("0.0.0.0", &ip) < 0);
	CHECK(ip_parse("127.0.0.1", &ip) < 0);
	CHECK(ip_parse("224.0.0.1", &ip) < 0);
	CHECK(ip_parse("255.255.255.255", &ip) < 0);
	CHECK(ip_parse("::1", &ip) < 0);
}

static void test_prefix(void)
{
	struct in_addr br;
	struct ve_ip ip;

	br.s_addr = htonl(0x0a000001);	/* 10.0.0.1 on the bridge */
	ip_parse("10.0.0.5", &ip);
	CHECK_INT(choose_prefix(&ip, br, 24), 24);
	ip_parse("10.0.1.5", &ip);
	CHECK_INT(choose_prefix(&ip, br, 24), 32);
	CHECK_INT(choose_prefix(&ip, br, 16), 16);
	ip_parse("10.0.0.5/28", &ip);
	CHECK_INT(choose_prefix(&ip, br, 24), 28);
	ip_parse("192.168.0.5", &ip);
	CHECK_INT(choose_prefix(&ip, br, 8), 32);
	ip_parse("10.200.3.4", &ip);
	CHECK_INT(choose_prefix(&ip, br, 8), 8);
	CHECK_INT(choose_prefix(&ip, br, 0), 32);
	CHECK_INT(choose_prefix(&ip, br, -1), 32);
	ip_parse("10.0.0.1", &ip);
	CHECK_INT(choose_prefix(&ip, br, 32), 32);
	/* No such bridge: /32, explicit prefixes untouched. */
	ip_parse("10.0.0.5", &ip);
	CHECK_INT(ve_ip_prefix(&ip, "no-such-bridge0"), 32);
	ip_parse("10.0.0.5/20", &ip);
	CHECK_INT(ve_ip_prefix(&ip, "no-such-bridge0"), 20);
}

static void test_names(void)
{
	char buf[32];

	veth_host_name(101, buf, sizeof(buf));
	CHECK_STR(buf, "veth101.0");
	veth_host_name(999999999, buf, sizeof(buf));
	CHECK_STR(buf, "veth999999999.0");
	CHECK(strlen(buf) < 16);
	veth_host_name(1000000000, buf, sizeof(buf));
	CHECK_STR(buf, "vz3b9aca00.0");
	veth_host_name(2147483647, buf, sizeof(buf));
	CHECK_STR(buf, "vz7fffffff.0");
	ve_mac(101, buf, sizeof(buf));
	CHECK_STR(buf, "02:00:00:00:00:65");
	ve_mac(0x01020304, buf, sizeof(buf));
	CHECK_STR(buf, "02:00:01:02:03:04");
	ve_mac(2147483647, buf, sizeof(buf));
	CHECK_STR(buf, "02:00:7f:ff:ff:ff");
}

static void test_resolv_conf(void)
{
	struct strlist l = { 0 };
	char *s;

	strlist_split(&l, "8.8.8.8 1.1.1.1");
	s = resolv_conf_text(&l);
	CHECK_STR(s, "nameserver 8.8.8.8\nnameserver 1.1.1.1\n");
	free(s);
	strlist_free(&l);
}

void test_net(void)
{
	test_ip();
	test_prefix();
	test_names();
	test_resolv_conf();
}
