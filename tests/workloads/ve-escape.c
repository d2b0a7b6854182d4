// SPDX-License-Identifier: GPL-2.0
/*
 * ve-escape: run as root inside a VE, try what root in a VE must not be
 * able to do to the node, and what it must be able to do to itself.
 * Prints one line per attempt, "NAME ok" or "NAME ERRNO-NAME", and never
 * does harm if an attempt succeeds (the clock is set to what it is, the
 * SysRq key is "h" for help, nothing is written to a device).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

static void report(const char *name, int ret)
{
	printf("%s %s\n", name, ret < 0 ? strerrorname_np(errno) : "ok");
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n < 0 ? -1 : 0;
}

/* Write a sysctl its current value back. */
static int rewrite_sysctl(const char *path)
{
	char buf[256] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return write_file(path, buf);
}

int main(void)
{
	struct perf_event_attr pe = { .type = PERF_TYPE_SOFTWARE,
		.size = sizeof(pe), .config = PERF_COUNT_SW_CPU_CLOCK };
	struct timespec now;
	struct statvfs sv;
	char buf[64];
	int r;

	/* The node's kernel, clock, I/O ports, log, keys. */
	report("init_module", (int)syscall(SYS_init_module, NULL, 0UL, ""));
	clock_gettime(CLOCK_REALTIME, &now);
	report("clock_settime", clock_settime(CLOCK_REALTIME, &now));
	report("iopl", iopl(3));
	report("syslog", klogctl(3, buf, sizeof(buf)));
	report("sysrq", write_file("/proc/sysrq-trigger", "h"));
	/* The node's IRQ affinity: no capability guards it, only the VE. */
	report("proc_irq_affinity", rewrite_sysctl("/proc/irq/default_smp_affinity"));
	report("proc_interrupts_read", open("/proc/interrupts", O_RDONLY));
	report("swapon", swapon("/etc/passwd", 0));
	report("perf_event_system", (int)syscall(SYS_perf_event_open, &pe,
						 -1, 0, -1, 0UL));
	report("proc_cpt", open("/proc/cpt", O_RDWR));
	report("proc_rst", open("/proc/rst", O_RDWR));
	/* Global sysctls, and the VE's own. */
	report("sysctl_printk", rewrite_sysctl("/proc/sys/kernel/printk"));
	report("sysctl_drop_caches", write_file("/proc/sys/vm/drop_caches", "0"));
	report("sysctl_hostname", rewrite_sysctl("/proc/sys/kernel/hostname"));
	report("sysctl_ip_forward", rewrite_sysctl("/proc/sys/net/ipv4/ip_forward"));
	report("sysctl_msgmax", rewrite_sysctl("/proc/sys/kernel/msgmax"));
	/* Devices: the node's, and the VE's own. */
	report("mknod_port", mknod("/tmp/ve-escape-port", S_IFCHR | 0600, makedev(1, 4)));
	report("mknod_vda", mknod("/tmp/ve-escape-vda", S_IFBLK | 0600, makedev(254, 0)));
	report("mknod_kmsg", mknod("/tmp/ve-escape-kmsg", S_IFCHR | 0600, makedev(1, 11)));
	r = mknod("/tmp/ve-escape-null", S_IFCHR | 0666, makedev(1, 3));
	report("mknod_null", r);
	if (!r) {
		report("open_null", open("/tmp/ve-escape-null", O_RDWR));
		unlink("/tmp/ve-escape-null");
	}
	/* Filesystems: the node's, the kernel's, and the VE's own. */
	mkdir("/tmp/ve-escape-mnt", 0700);
	report("remount_root_ro", mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY, NULL));
	report("mount_devtmpfs", mount("none", "/tmp/ve-escape-mnt", "devtmpfs", 0, NULL));
	report("mount_debugfs", mount("none", "/tmp/ve-escape-mnt", "debugfs", 0, NULL));
	report("mount_cgroup2", mount("none", "/tmp/ve-escape-mnt", "cgroup2", 0, NULL));
	report("mount_ext4", mount("/dev/vda", "/tmp/ve-escape-mnt", "ext4", 0, NULL));
	r = mount("none", "/tmp/ve-escape-mnt", "tmpfs", 0, NULL);
	report("mount_tmpfs", r);
	if (!r)
		umount("/tmp/ve-escape-mnt");
	r = mount("none", "/tmp/ve-escape-mnt", "proc", 0, NULL);
	report("mount_proc", r);
	if (!r)
		umount("/tmp/ve-escape-mnt");
	r = mount("none", "/tmp/ve-escape-mnt", "sysfs", 0, NULL);
	report("mount_sysfs", r);
	if (!r) {
		printf("sysfs_readonly %s\n",
		       !statvfs("/tmp/ve-escape-mnt", &sv) && (sv.f_flag & ST_RDONLY) ?
		       "yes" : "no");
		report("remount_sysfs_rw", mount(NULL, "/tmp/ve-escape-mnt", NULL,
						 MS_REMOUNT, NULL));
		printf("sysfs_still_readonly %s\n",
		       !statvfs("/tmp/ve-escape-mnt", &sv) && (sv.f_flag & ST_RDONLY) ?
		       "yes" : "no");
		umount("/tmp/ve-escape-mnt");
	}
	rmdir("/tmp/ve-escape-mnt");
	return 0;
}
