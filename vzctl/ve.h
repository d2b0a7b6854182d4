/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel side of a VE (ve.c): /dev/vzctl, /proc/vz/veinfo, the VE
 * root mount, entering a running VE, and the files vzctl writes into it.
 */
#ifndef VZCTL_VE_H
#define VZCTL_VE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* The PATH of every process vzctl starts inside a VE. */
#define VE_PATH_ENV		"PATH=/bin:/sbin:/usr/bin:/usr/sbin:/usr/local/bin"

int vz_open(void);
int ve_ioctl(int fd, unsigned int veid, unsigned int flags);
pid_t ve_init_pid(int fd, unsigned int veid);
/*
 * Both: returns the open fd, or minus an exit code; *pid is the host pid
 * of the VE's init, or 0.
 */
int vz_open_ve(unsigned int veid, pid_t *pid);
/* The same without the fd: 0 or an exit code. */
int ve_get_state(unsigned int veid, pid_t *pid);
/* 0 if the VE does not run; else an exit code, VZ_VE_RUNNING after why. */
int ve_check_stopped(unsigned int veid, const char *why);

struct ve_info {
	unsigned int veid;
	unsigned int nproc;
	char ips[256];
};
int ve_info_parse(FILE *f, struct ve_info **out, size_t *n);
int ve_info_read(struct ve_info **out, size_t *n);

bool ve_is_mounted(const char *ve_root);
int ve_mount_root(const char *ve_private, const char *ve_root);
int ve_umount_root(const char *ve_root);

int ve_enter(int fd, unsigned int veid);
int setns_pid(pid_t pid, const char *ns, int nstype);
/* The environment a command inside the VE starts with: max >= 4. */
void ve_exec_env(char **envp, size_t max);
/* VE_ROOT/etc/hostname; 0 or VZ_SYSTEM_ERROR, said why. */
int ve_write_hostname(const char *root, const char *hostname);

#endif
