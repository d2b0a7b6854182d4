// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/vz/veinfo: one line per running VE, in OpenVZ's format
 * ("%10u %5u %5u" VEID, class, processes, then the VE's addresses).
 * Inside a VE only that VE's own line is shown.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/netdevice.h>
#include <linux/inetdevice.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <net/net_namespace.h>
#include <net/addrconf.h>
#include <net/if_inet6.h>

#include "ve_internal.h"

static void veinfo_show_addrs(struct seq_file *m, struct net *net)
{
	struct net_device *dev;

	for_each_netdev_rcu(net, dev) {
		struct in_device *in_dev;
		const struct in_ifaddr *ifa;
#if IS_BUILTIN(CONFIG_IPV6)
		struct inet6_dev *in6_dev;
		struct inet6_ifaddr *ifp;
#endif

		if (dev->flags & IFF_LOOPBACK)
			continue;
		in_dev = __in_dev_get_rcu(dev);
		if (in_dev)
			in_dev_for_each_ifa_rcu(ifa, in_dev)
				seq_printf(m, " %pI4", &ifa->ifa_local);
#if IS_BUILTIN(CONFIG_IPV6)
		in6_dev = __in6_dev_get(dev);
		if (!in6_dev)
			continue;
		read_lock_bh(&in6_dev->lock);
		list_for_each_entry(ifp, &in6_dev->addr_list, if_list)
			if (!(ipv6_addr_type(&ifp->addr) & IPV6_ADDR_LINKLOCAL))
				seq_printf(m, " %pI6c", &ifp->addr);
		read_unlock_bh(&in6_dev->lock);
#endif
	}
}

static void veinfo_show_one(struct seq_file *m, struct ve_struct *ve)
{
	seq_printf(m, "%10u %5u %5u", ve->veid, 0, ve_nr_processes(ve));
	veinfo_show_addrs(m, ve->ns->net_ns);
	seq_putc(m, '\n');
}

static int veinfo_show(struct seq_file *m, void *v)
{
	struct ve_struct *ve, *only = NULL;

	if (task_active_pid_ns(current) != &init_pid_ns) {
		only = ve_of_task(current);
		if (!only)
			return 0;
	}
	rcu_read_lock();
	for (ve = ve_next_rcu(NULL); ve; ve = ve_next_rcu(ve))
		if (!only || only == ve)
			veinfo_show_one(m, ve);
	rcu_read_unlock();
	ve_put(only);
	return 0;
}

static int __init veinfo_init(void)
{
	struct proc_dir_entry *dir = proc_mkdir("vz", NULL);

	if (!dir)
		return -ENOMEM;
	if (!proc_create_single("veinfo", 0444, dir, veinfo_show))
		return -ENOMEM;
	return 0;
}
device_initcall(veinfo_init);
