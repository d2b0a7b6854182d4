// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side: /dev/vzctl ioctls, /proc/vz/veinfo, the VE root
 * mount, and what a process entering the VE or a file written into it
 * needs.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <linux/vzcalluser.h>

#include "util.h"
#include "ve.h"

#define VEINFO_PATH	"/proc/vz/veinfo"

/* Returns the open fd, or -VZ_BAD_KERNEL after printing why. */
int vz_open(void)
{
	int fd = open(VZCTL_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		bool denied = errno == EACCES || errno == EPERM;

		vz_error("Unable to open %s: %s (%s)", VZCTL_DEVICE,
			 strerror(errno), denied ? "are you root?" :
			 "is the VE kernel running?");
		return -VZ_BAD_KERNEL;
	}
	return fd;
}

/* Returns the ioctl's non-negative result or -errno. */
int ve_ioctl(int fd, unsigned int veid, unsigned int flags)
{
	struct vzctl_env_create req = {
		.veid = veid,
		.flags = flags,
		.class_id = 0,
	};
	int ret = ioctl(fd, VZCTL_ENV_CREATE, &req);

	return ret < 0 ? -errno : ret;
}

/* Host pid of the VE's init, 0 if it does not run, -errno on failure. */
pid_t ve_init_pid(int fd, unsigned int veid)
{
	int ret = ve_ioctl(fd, veid, VE_TEST);

	if (ret == -ESRCH)
		return 0;
	if (ret < 0)
		vz_error("Unable to get status of VE %u: %s", veid,
			 strerror(-ret));
	return ret;
}

int vz_open_ve(unsigned int veid, pid_t *pid)
{
	int fd = vz_open();

	if (fd < 0)
		return fd;
	*pid = ve_init_pid(fd, veid);
	if (*pid < 0) {
		close(fd);
		return -VZ_SYSTEM_ERROR;
	}
	return fd;
}

int ve_get_state(unsigned int veid, pid_t *pid)
{
	int fd = vz_open_ve(veid, pid);

	if (fd < 0)
		return -fd;
	close(fd);
	return 0;
}

int ve_check_stopped(unsigned int veid, const char *why)
{
	pid_t pid;
	int ret = ve_get_state(veid, &pid);

	if (!ret && pid > 0) {
		vz_error("%s", why);
		ret = VZ_VE_RUNNING;
	}
	return ret;
}

int ve_enter(int fd, unsigned int veid)
{
	int ret = ve_ioctl(fd, veid, VE_ENTER);

	if (ret == -ESRCH) {
		vz_error("VE is not running");
		return VZ_VE_NOT_RUNNING;
	}
	/* vzctl is single-threaded: busy means frozen by a checkpoint. */
	if (ret == -EBUSY) {
		vz_error("Unable to enter VE %u: it is suspended by a checkpoint (vzctl chkpnt --resume or --kill ends that)",
			 veid);
		return VZ_SYSTEM_ERROR;
	}
	if (ret < 0) {
		vz_error("Unable to enter VE %u: %s", veid, strerror(-ret));
		return VZ_SYSTEM_ERROR;
	}
	return 0;
}

/* Join one namespace of a process, e.g. ns "net", CLONE_NEWNET. */
int setns_pid(pid_t pid, const char *ns, int nstype)
{
	char path[64];
	int fd, ret;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = setns(fd, nstype);
	close(fd);
	return ret;
}

void ve_exec_env(char **envp, size_t max)
{
	static char term[256];
	const char *t = getenv("TERM");
	size_t n = 0;

	envp[n++] = VE_PATH_ENV;
	envp[n++] = "HOME=/root";
	if (t && strlen(t) < sizeof(term) - 6 && n + 1 < max) {
		snprintf(term, sizeof(term), "TERM=%s", t);
		envp[n++] = term;
	}
	envp[n] = NULL;
}

int ve_write_hostname(const char *root, const char *hostname)
{
	char *text = xasprintf("%s\n", hostname);
	int ret = ve_write_etc(root, "hostname", text);

	free(text);
	return ret;
}

/* Lines are "%10u %5u %5u" veid, class, nproc, then the VE's addresses. */
int ve_info_parse(FILE *f, struct ve_info **out, size_t *n)
{
	char *line = NULL;
	size_t cap = 0;
	struct ve_info *v = NULL;

	*n = 0;
	while (getline(&line, &cap, f) >= 0) {
		unsigned int veid, class, nproc;
		int used = 0;
		struct ve_info *nv;
		char *ips, *end;

		if (sscanf(line, "%u %u %u%n", &veid, &class, &nproc,
			   &used) < 3)
			continue;
		nv = realloc(v, (*n + 1) * sizeof(*v));
		if (!nv) {
			free(v);
			free(line);
			return -1;
		}
		v = nv;
		v[*n].veid = veid;
		v[*n].nproc = nproc;
		ips = line + used;
		ips += strspn(ips, " \t");
		end = ips + strlen(ips);
		while (end > ips && (end[-1] == '\n' || end[-1] == ' '))
			*--end = '\0';
		snprintf(v[*n].ips, sizeof(v[*n].ips), "%s", ips);
		(*n)++;
	}
	free(line);
	*out = v;
	return 0;
}

int ve_info_read(struct ve_info **out, size_t *n)
{
	FILE *f = fopen(VEINFO_PATH, "re");
	int ret;

	*out = NULL;
	*n = 0;
	if (!f)
		return -1;
	ret = ve_info_parse(f, out, n);
	fclose(f);
	return ret;
}

/* Undo mountinfo's octal escapes (\040 for space and friends). */
static void unescape_mountinfo(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

bool ve_is_mounted(const char *ve_root)
{
	char real[PATH_MAX], *line = NULL;
	size_t cap = 0;
	bool found = false;
	FILE *f;

	if (!realpath(ve_root, real))
		return false;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return false;
	while (!found && getline(&line, &cap, f) >= 0) {
		char mnt[PATH_MAX];

		/* id parent major:minor root mountpoint ... */
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		unescape_mountinfo(mnt);
		found = !strcmp(mnt, real);
	}
	free(line);
	fclose(f);
	return found;
}

int ve_mount_root(const char *ve_private, const char *ve_root)
{
	if (!is_dir(ve_private)) {
		vz_error("VE private area %s does not exist", ve_private);
		return VZ_FS_NOPRVT;
	}
	if (mkdir_p(ve_root, 0755)) {
		vz_error("Unable to create %s: %s", ve_root, strerror(errno));
		return VZ_FS_MPOINTCREATE;
	}
	if (mount(ve_private, ve_root, NULL, MS_BIND, NULL)) {
		vz_error("Unable to mount %s on %s: %s", ve_private, ve_root,
			 strerror(errno));
		return VZ_FS_CANTMOUNT;
	}
	/* Keep the VE's later mounts out of the host's mount namespace. */
	if (mount(NULL, ve_root, NULL, MS_PRIVATE, NULL)) {
		vz_error("Unable to make %s private: %s", ve_root,
			 strerror(errno));
		umount2(ve_root, MNT_DETACH);
		return VZ_FS_CANTMOUNT;
	}
	return 0;
}

int ve_umount_root(const char *ve_root)
{
	for (int i = 0; i < 10; i++) {
		if (umount2(ve_root, 0) == 0)
			return 0;
		if (errno != EBUSY)
			break;
		usleep(100000);	/* the dying VE may still hold it */
	}
	vz_error("Unable to unmount %s: %s", ve_root, strerror(errno));
	return VZ_FS_CANTUMOUNT;
}
