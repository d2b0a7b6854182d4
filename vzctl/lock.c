// SPDX-License-Identifier: GPL-2.0
/*
 * Per-VE lock files, LOCKDIR/VEID.lck, holding the owner's pid as OpenVZ
 * did, so an administrator can see who holds a lock.  The file is made
 * under a private name and link()ed into place, so it never appears
 * without its pid.  A lock whose owner is dead is stale and taken over.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "lock.h"
#include "util.h"

static pid_t read_lock_pid(const char *path)
{
	char buf[32];
	ssize_t n;
	long pid;
	char *end;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, &end, 10);
	if (end == buf || pid <= 0 || (*end && *end != '\n'))
		return 0;
	return (pid_t)pid;
}

static bool pid_alive(pid_t pid)
{
	return kill(pid, 0) == 0 || errno == EPERM;
}

/* Returns 0 with *lockpath set (free with vz_unlock), or an exit code. */
int vz_lock(const char *lockdir, unsigned int veid, char **lockpath)
{
	char *path = xasprintf("%s/%u.lck", lockdir, veid);
	char *tmp = xasprintf("%s/%u.lck.%d", lockdir, veid, (int)getpid());
	char pidbuf[32];
	int fd, ret = VZ_SYSTEM_ERROR, tries;

	if (mkdir_p(lockdir, 0755)) {
		vz_error("Unable to create lock directory %s: %s", lockdir,
			 strerror(errno));
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		vz_error("Unable to create lock file %s: %s", tmp,
			 strerror(errno));
		goto out;
	}
	snprintf(pidbuf, sizeof(pidbuf), "%d\n", (int)getpid());
	if (write(fd, pidbuf, strlen(pidbuf)) != (ssize_t)strlen(pidbuf)) {
		vz_error("Unable to write lock file %s", tmp);
		close(fd);
		goto out_unlink;
	}
	close(fd);
	for (tries = 0; tries < 10; tries++) {
		pid_t owner;

		if (link(tmp, path) == 0) {
			ret = 0;
			break;
		}
		if (errno != EEXIST) {
			vz_error("Unable to create lock file %s: %s", path,
				 strerror(errno));
			break;
		}
		owner = read_lock_pid(path);
		if (owner < 0 && errno == ENOENT)
			continue;	/* released meanwhile: retry */
		if (owner > 0 && pid_alive(owner)) {
			vz_error("VE already locked");
			ret = VZ_LOCKED;
			break;
		}
		/*
		 * Dead or unreadable owner.  An empty file may be one being
		 * written by an older vzctl; give it a moment first.
		 */
		if (owner == 0 && tries == 0) {
			usleep(100000);
			continue;
		}
		unlink(path);
	}
	if (tries == 10) {
		vz_error("Unable to take lock %s", path);
		ret = VZ_LOCKED;
	}
out_unlink:
	unlink(tmp);
out:
	free(tmp);
	if (ret == 0)
		*lockpath = path;
	else
		free(path);
	return ret;
}

void vz_unlock(char *lockpath)
{
	if (!lockpath)
		return;
	if (read_lock_pid(lockpath) == getpid())
		unlink(lockpath);
	free(lockpath);
}

int ve_lock(const struct ve_conf *vc, char **lockpath)
{
	char *dir = ve_conf_get(vc, "LOCKDIR");
	int ret;

	if (!dir || !*dir) {
		vz_error("LOCKDIR is not set");
		free(dir);
		return VZ_VE_LCKDIR_NOTSET;
	}
	ret = vz_lock(dir, vc->veid, lockpath);
	free(dir);
	return ret;
}
