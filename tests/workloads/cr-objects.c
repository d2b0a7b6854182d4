// SPDX-License-Identifier: GPL-2.0
/*
 * cr-objects: hold one kernel object that a checkpoint must refuse (the
 * image cannot express it yet), for tests/lab/61-cr-unsupported.sh.
 *
 *   cr-objects sem|msg|shm|mq|uts|mnt|cputimer|inotify|lease
 *
 * Creates the object (a SysV semaphore set, message queue or shared
 * memory segment, a POSIX message queue, its own UTS or mount namespace,
 * a POSIX timer on the process CPU-time clock, an inotify instance, a read lease
 * on a file of its own), then writes "ready" to
 * /var/run/cr-objects.ready and sleeps.  On SIGTERM it removes what it
 * created and exits.
 */
#include "crlib.h"
#include <mqueue.h>
#include <sched.h>
#include <sys/inotify.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#define READY "/var/run/cr-objects.ready"
#define MQ_NAME "/cr-objects"
#define LEASED "/var/run/cr-objects.lease"

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_term };
	const char *kind = argc > 1 ? argv[1] : "";
	int id = -1, r = 0;
	timer_t timer;

	sigaction(SIGTERM, &sa, NULL);
	unlink(READY);
	if (!strcmp(kind, "sem"))
		r = id = semget(IPC_PRIVATE, 1, 0600);
	else if (!strcmp(kind, "msg"))
		r = id = msgget(IPC_PRIVATE, 0600);
	else if (!strcmp(kind, "shm"))
		r = id = shmget(IPC_PRIVATE, 4096, 0600);
	else if (!strcmp(kind, "mq"))
		r = mq_open(MQ_NAME, O_CREAT | O_RDWR, 0600, NULL);
	else if (!strcmp(kind, "uts"))
		r = unshare(CLONE_NEWUTS);
	else if (!strcmp(kind, "mnt"))
		r = unshare(CLONE_NEWNS);
	else if (!strcmp(kind, "cputimer"))
		r = timer_create(CLOCK_PROCESS_CPUTIME_ID, NULL, &timer);
	else if (!strcmp(kind, "inotify"))
		r = inotify_init1(0);
	else if (!strcmp(kind, "lease")) {
		cr_write_file(LEASED, "leased\n", 7);
		r = open(LEASED, O_RDONLY);
		if (r >= 0)
			r = fcntl(r, F_SETLEASE, F_RDLCK);
	} else {
		fprintf(stderr, "usage: cr-objects sem|msg|shm|mq|uts|mnt|cputimer|inotify|lease\n");
		return 2;
	}
	if (r < 0) {
		fprintf(stderr, "cr-objects %s: %s\n", kind, strerror(errno));
		return 1;
	}
	cr_write_file(READY, "ready\n", 6);
	while (!stop)
		pause();
	if (!strcmp(kind, "sem"))
		semctl(id, 0, IPC_RMID);
	else if (!strcmp(kind, "msg"))
		msgctl(id, IPC_RMID, NULL);
	else if (!strcmp(kind, "shm"))
		shmctl(id, IPC_RMID, NULL);
	else if (!strcmp(kind, "mq"))
		mq_unlink(MQ_NAME);
	else if (!strcmp(kind, "lease"))
		unlink(LEASED);
	unlink(READY);
	return 0;
}
