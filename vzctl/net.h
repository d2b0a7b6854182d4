/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VE networking (net.c): addresses, the veth pair to the host bridge,
 * configuration inside the VE's network namespace, resolv.conf.
 */
#ifndef VZCTL_NET_H
#define VZCTL_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <netinet/in.h>

#include "util.h"

struct ve_ip {
	struct in_addr addr;
	int prefix;		/* -1 when not given */
};
int ip_parse(const char *s, struct ve_ip *ip);
int choose_prefix(const struct ve_ip *ip, struct in_addr bridge_addr,
		  int bridge_prefix);
int bridge_ipv4(const char *bridge, struct in_addr *addr, int *prefix);
int ve_ip_prefix(const struct ve_ip *ip, const char *bridge);
void veth_host_name(unsigned int veid, char *buf, size_t len);
void ve_mac(unsigned int veid, char *buf, size_t len);
int run_in_netns(pid_t init_pid, char *const argv[], bool quiet);
int veth_create(unsigned int veid, pid_t init_pid, const char *bridge);
void veth_remove(unsigned int veid);
int ve_net_setup(pid_t init_pid, const struct strlist *ips,
		 const char *bridge);
int ve_ip_change(pid_t init_pid, const char *ip, const char *bridge,
		 bool add);
char *resolv_conf_text(const struct strlist *ns);
/* VE_ROOT/etc/resolv.conf; 0 or VZ_SYSTEM_ERROR, said either way. */
int ve_write_resolv_conf(const char *root, const struct strlist *ns);

#endif
