// SPDX-License-Identifier: GPL-2.0
/*
 * cpt-fuzz: feeds mutated checkpoint images to /proc/rst on a lab node.
 *
 *   cpt-fuzz [-n CASES] [-s SEED] [-k FIRST] [-r PERCENT] [-t SECONDS]
 *            [-o DIR] [-v] IMAGE...
 *
 * The IMAGEs are real dumps (of VEs that exist here, stopped, their
 * private areas in place).  Case K of seed S takes one of them, changes
 * it as mutate.c chooses for (S, K), and
 *   1. checks it with vzctl's reader (the checker the kernel shares);
 *   2. asks the kernel to check it (CPT_TEST_IMAGE): this reaches every
 *      parser and release path without a VE, so it is cheap;
 *   3. if the kernel accepts it, restores it for real, as vzctl restore
 *      does (a new VE whose init undumps it), resumes what was undumped
 *      and kills the VE: all of them, or PERCENT of them (chosen by the
 *      seed), as a restore costs a hundred checks.
 * It fails a case that the kernel accepts and the shared checker
 * refuses, a restore or kill that runs past its bound, and any kernel
 * report (oops, BUG, WARNING, KASAN, UBSAN, lockdep, kmemleak) in the
 * kernel log.  Before the first case and after the last, every IMAGE
 * must restore.  Prints the counts; exits 0 only if nothing failed.
 * "-k K -n 1 -v" repeats case K and says what it changed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/cpt_ioctl.h>
#include <linux/vzcalluser.h>

#include "caps.h"
#include "config.h"
#include "devnodes.h"
#include "image.h"
#include "util.h"
#include "ve.h"
#include "ve_init.h"
#include "tests/mutate.h"

#define MAX_SEEDS	64
#define NR_REASONS	12

struct seed {
	const char *path;
	struct fz_image img;
	unsigned int veid;
	char *root;
	uint64_t caps;
	struct devnode *devs;
	size_t nr_devs;
};

enum outcome {
	O_CHECKER_REFUSED,	/* both refused; the shared checker first */
	O_KERNEL_REFUSED,	/* the checker passed, a kernel parser did not */
	O_RESTORE_REFUSED,	/* accepted, then a restore step refused */
	O_RESTORED,		/* undumped, resumed, killed */
	O_ACCEPTED,		/* accepted, not restored (-r) */
	O_DISAGREE,		/* kernel took what the checker refuses */
	O_HANG,			/* past its bound */
	O_BROKEN,		/* the harness itself could not go on */
	NR_OUTCOMES
};

static const char *const outcome_names[NR_OUTCOMES] = {
	"refused by the checker", "refused by a kernel parser",
	"refused during restore", "restored", "accepted, not restored",
	"DISAGREE", "HANG", "BROKEN",
};

enum phase { P_MUTATE, P_CHECKER, P_KERNEL, P_RESTORE, NR_PHASES };

static const char *const phase_names[NR_PHASES] = {
	"mutation", "checker", "kernel check", "restores",
};

struct reason {
	char text[96];
	unsigned long n;
};

static struct {
	int rstfd, vzfd, imgfd, errfd, kmsgfd;
	unsigned int bound;	/* seconds a restore and a kill may take */
	unsigned int restore_pct;	/* of accepted cases restored */
	bool verbose;
	const char *outdir;
	unsigned long count[NR_OUTCOMES];
	unsigned long reports;
	struct reason reasons[NR_REASONS];
	double secs[NR_PHASES];	/* where the time goes, for tuning */
} fz = { .bound = 150, .restore_pct = 100 };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Charges the time since *t to @p and restarts the clock. */
static void charge(enum phase p, double *t)
{
	double n = now();

	fz.secs[p] += n - *t;
	*t = n;
}

static void kmsg_note(const char *fmt, unsigned long long n)
{
	char line[80];
	int len = snprintf(line, sizeof(line), fmt, n);
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (write(fd, line, (size_t)len) < 0)
			perror("cpt-fuzz: /dev/kmsg");
		close(fd);
	}
}

/* New kernel log lines that are a kernel report; printed, counted. */
static unsigned int kmsg_reports(void)
{
	static const char *const bad[] = {
		"BUG:", "WARNING:", "KASAN", "UBSAN", "Oops", "kernel BUG",
		/* Not "traps: comm[pid] general protection fault ip:": a
		 * restored process dying of its changed registers. */
		"general protection fault,", "general protection fault:",
		"Call Trace", "possible recursive locking",
		"possible circular locking", "unreferenced object",
		"soft lockup", "hung_task", "blocked for more than",
	};
	char rec[2048];
	unsigned int found = 0;
	ssize_t n;

	while ((n = read(fz.kmsgfd, rec, sizeof(rec) - 1)) > 0 ||
	       (n < 0 && errno == EPIPE)) {
		if (n < 0)
			continue;	/* overwritten records: go on */
		rec[n] = '\0';
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			if (strstr(rec, bad[i])) {
				printf("cpt-fuzz: kernel report: %s", rec);
				found++;
				break;
			}
	}
	return found;
}

/* The first error line the kernel wrote for the last call. */
static void kernel_reason(char *out, size_t len)
{
	char buf[512];
	ssize_t n = pread(fz.errfd, buf, sizeof(buf) - 1, 0);
	char *nl, *p = buf;

	out[0] = '\0';
	if (n <= 0)
		return;
	buf[n] = '\0';
	if ((nl = strchr(buf, '\n')))
		*nl = '\0';
	if (!strncmp(p, "Error: ", 7))
		p += 7;
	/* Offsets and numbers make every line different: cut them. */
	for (char *q = p; *q; q++)
		if (*q >= '0' && *q <= '9') {
			*q = '\0';
			break;
		}
	if (strlen(p) >= len)
		p[len - 1] = '\0';
	strcpy(out, p);
}

static void count_reason(const char *text)
{
	struct reason *r, *least = &fz.reasons[0];

	if (!*text)
		text = "(no message)";
	for (r = fz.reasons; r < fz.reasons + NR_REASONS; r++) {
		if (!strcmp(r->text, text)) {
			r->n++;
			return;
		}
		if (r->n < least->n)
			least = r;
	}
	if (least->n <= 1) {
		strncpy(least->text, text, sizeof(least->text) - 1);
		least->n = 1;
	}
}

static int set_image(const unsigned char *buf, size_t len)
{
	if (ftruncate(fz.imgfd, 0) || pwrite(fz.imgfd, buf, len, 0) != (ssize_t)len ||
	    lseek(fz.imgfd, 0, SEEK_SET))
		return -1;
	return 0;
}

/* vzctl's reader, to the end: 0 valid, -1 with the reason in *why. */
static int user_check(const char **why)
{
	static struct img_reader r;
	struct img_record rec;
	int n;

	img_reader_free(&r);
	lseek(fz.imgfd, 0, SEEK_SET);
	img_reader_init(&r, fz.imgfd);
	if (img_read_header(&r)) {
		*why = r.err;
		return -1;
	}
	while ((n = img_next(&r, &rec)) == 1)
		;
	*why = r.err;
	return n;
}

/* The restore context, emptied of old errors, given VEID and image. */
static int set_context(unsigned int veid)
{
	if (ftruncate(fz.errfd, 0) || lseek(fz.errfd, 0, SEEK_SET) ||
	    lseek(fz.imgfd, 0, SEEK_SET) ||
	    ioctl(fz.rstfd, CPT_SET_VEID, veid) ||
	    ioctl(fz.rstfd, CPT_SET_DUMPFD, fz.imgfd))
		return -errno;
	return 0;
}

static int kernel_check(unsigned int veid)
{
	int err = set_context(veid);

	if (err)
		return err;
	return ioctl(fz.rstfd, CPT_TEST_IMAGE, 0) ? -errno : 0;
}

/* Wait for @pid's death, up to @secs; true if it died (reaped). */
static bool reap(pid_t pid, unsigned int secs)
{
	for (double end = now() + secs; now() < end; usleep(2000))
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return true;
	return false;
}

/* Until the VE is gone, so that the next VE_CREATE can have its id. */
static bool ve_gone(unsigned int veid, unsigned int secs)
{
	for (double end = now() + secs; now() < end; usleep(2000))
		if (ve_init_pid(fz.vzfd, veid) == 0)
			return true;
	return false;
}

/*
 * The image in imgfd restored as vzctl restore does it, without the
 * network: O_RESTORED, O_RESTORE_REFUSED, O_HANG or O_BROKEN.
 */
static enum outcome full_restore(const struct seed *s)
{
	int go[2], st[2], status[2];
	char line[64] = "";
	enum outcome o = O_HANG;
	struct ve_init_params p = {
		.root = s->root, .rstfd = fz.rstfd, .caps = s->caps,
		.devnodes = s->devs, .nr_devnodes = s->nr_devs,
	};
	double end;
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) || pipe2(st, O_CLOEXEC) ||
	    pipe2(status, O_CLOEXEC))
		return O_BROKEN;
	if (set_context(s->veid) ||
	    ioctl(fz.rstfd, CPT_SET_STATUSFD, status[1]))
		return O_BROKEN;
	/* An earlier VE of this id may still be on its way out. */
	for (end = now() + fz.bound;;) {
		fflush(stdout);
		pid = ve_ioctl(fz.vzfd, s->veid, VE_CREATE | VE_EXCLUSIVE);
		if (pid != -EEXIST || now() > end)
			break;
		usleep(5000);
	}
	if (pid == 0) {
		close(go[1]);
		close(st[0]);
		close(status[0]);
		ve_init_child(go[0], st[1], &p);
	}
	close(go[0]);
	close(st[1]);
	close(status[1]);
	if (pid < 0) {
		fprintf(stderr, "cpt-fuzz: VE_CREATE %u: %s\n", s->veid,
			strerror((int)-pid));
		o = O_BROKEN;
		goto out;
	}
	if (write(go[1], "g", 1) != 1)
		goto kill;
	for (end = now() + fz.bound; now() < end;) {
		struct pollfd pf = { .fd = status[0], .events = POLLIN };
		siginfo_t info = { 0 };

		if (poll(&pf, 1, 20) > 0) {
			ssize_t n = read(status[0], line, sizeof(line) - 1);

			line[n > 0 ? n : 0] = '\0';
			break;
		}
		if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    info.si_pid == pid)
			break;	/* died before the kernel said anything */
	}
	if (!strncmp(line, "undumped", 8)) {
		o = ioctl(fz.rstfd, CPT_RESUME, 0) ? O_RESTORE_REFUSED : O_RESTORED;
	} else if (line[0] || now() < end) {
		o = O_RESTORE_REFUSED;
	} else {
		printf("cpt-fuzz: undump past %u s\n", fz.bound);
		ioctl(fz.rstfd, CPT_KILL, 0);
	}
kill:
	kill(pid, SIGKILL);
	if (!reap(pid, fz.bound) || !ve_gone(s->veid, fz.bound)) {
		printf("cpt-fuzz: VE %u not gone %u s after SIGKILL to its init\n",
		       s->veid, fz.bound);
		o = O_HANG;
	}
out:
	close(go[1]);
	close(st[0]);
	close(status[0]);
	return o;
}

static void save_case(unsigned long long k, const unsigned char *buf,
		      size_t len)
{
	char path[4096];
	FILE *f;

	if (!fz.outdir)
		return;
	snprintf(path, sizeof(path), "%s/case-%llu.img", fz.outdir, k);
	f = fopen(path, "w");
	if (f) {
		fwrite(buf, 1, len, f);
		fclose(f);
		printf("cpt-fuzz: case %llu saved as %s\n", k, path);
	}
}

static enum outcome run_case(struct seed *seeds, size_t nr_seeds,
			     const struct fz_image *imgs, uint64_t seed,
			     unsigned long long k)
{
	struct fz_rng r;
	struct fz_image img;
	struct seed *s;
	unsigned char *buf = NULL;
	size_t len;
	char desc[512], reason[96];
	const char *why = "";
	enum outcome o;
	int uerr, kerr;
	double t = now();

	fz_rng_init(&r, seed, k);
	s = &seeds[fz_below(&r, nr_seeds)];
	if (fz_copy(&img, &s->img) ||
	    fz_mutate(&r, &img, imgs, nr_seeds, &buf, &len, desc, sizeof(desc)) ||
	    set_image(buf, len)) {
		fz_free(&img);
		free(buf);
		return O_BROKEN;
	}
	fz_free(&img);
	kmsg_note("cpt-fuzz: case %llu\n", k);
	charge(P_MUTATE, &t);
	uerr = user_check(&why);
	charge(P_CHECKER, &t);
	kerr = kernel_check(s->veid);
	kernel_reason(reason, sizeof(reason));
	charge(P_KERNEL, &t);
	if (kerr && uerr) {
		o = O_CHECKER_REFUSED;
	} else if (kerr) {
		o = O_KERNEL_REFUSED;
		count_reason(reason);
	} else if (uerr) {
		o = O_DISAGREE;
	} else if (fz_below(&r, 100) >= fz.restore_pct) {
		o = O_ACCEPTED;
	} else {
		o = full_restore(s);
		if (o == O_RESTORE_REFUSED) {
			kernel_reason(reason, sizeof(reason));
			count_reason(reason);
		}
		charge(P_RESTORE, &t);
	}
	if (fz.verbose || o >= O_DISAGREE)
		printf("cpt-fuzz: case %llu (%s, %zu bytes): %s; %s%s%s%s\n", k,
		       s->path, len, desc, outcome_names[o],
		       uerr ? ", checker: " : "", uerr ? why : "",
		       kerr ? "" : " (kernel accepted)");
	if (o >= O_DISAGREE)
		save_case(k, buf, len);
	free(buf);
	return o;
}

static int load_seed(struct seed *s, const char *path)
{
	struct ve_conf vc = { 0 };
	char *priv = NULL;
	unsigned char *buf;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = -1;

	s->path = path;
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "cpt-fuzz: %s: %s\n", path, strerror(errno));
		return -1;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf || read(fd, buf, (size_t)st.st_size) != st.st_size ||
	    fz_parse(buf, (size_t)st.st_size, &s->img)) {
		fprintf(stderr, "cpt-fuzz: %s: not a readable image\n", path);
		goto out;
	}
	s->veid = ((const struct cpt_image_header *)s->img.hdr)->veid;
	if (ve_conf_load(&vc, s->veid) || ve_conf_paths(&vc, &s->root, &priv) ||
	    ve_devnodes(&vc, &s->devs, &s->nr_devs)) {
		fprintf(stderr, "cpt-fuzz: %s: no configuration of VE %u\n",
			path, s->veid);
		goto out;
	}
	s->caps = ve_caps(&vc);
	if (!ve_is_mounted(s->root)) {
		fprintf(stderr, "cpt-fuzz: %s: VE %u is not mounted at %s (vzctl mount %u)\n",
			path, s->veid, s->root, s->veid);
		goto out;
	}
	ret = 0;
out:
	ve_conf_free(&vc);
	free(priv);
	free(buf);
	close(fd);
	return ret;
}

/* Every seed image, as it is, must restore: before and after the run. */
static int seeds_restore(struct seed *seeds, size_t n, const char *when)
{
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char *buf;
		size_t len;
		int kerr;
		enum outcome o;

		if (fz_build(&seeds[i].img, &buf, &len) || set_image(buf, len))
			return -1;
		free(buf);
		kerr = kernel_check(seeds[i].veid);
		o = kerr ? O_KERNEL_REFUSED : full_restore(&seeds[i]);
		printf("cpt-fuzz: %s: %s %s\n", when, seeds[i].path,
		       o == O_RESTORED ? "restores" : outcome_names[o]);
		bad |= o != O_RESTORED;
	}
	return bad ? -1 : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: cpt-fuzz [-n CASES] [-s SEED] [-k FIRST] [-r PERCENT] [-t SECONDS] [-o DIR] [-v] IMAGE...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct seed seeds[MAX_SEEDS];
	static struct fz_image imgs[MAX_SEEDS];
	unsigned long long cases = 1000, first = 0, k;
	uint64_t seed = 1;
	size_t nr = 0;
	double start;
	int c, failed;

	while ((c = getopt(argc, argv, "n:s:k:r:t:o:v")) != -1) {
		switch (c) {
		case 'n': cases = strtoull(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'k': first = strtoull(optarg, NULL, 0); break;
		case 'r': fz.restore_pct = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 't': fz.bound = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'o': fz.outdir = optarg; break;
		case 'v': fz.verbose = true; break;
		default: usage();
		}
	}
	if (optind >= argc || argc - optind > MAX_SEEDS || !fz.bound)
		usage();
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	fz.rstfd = open(RST_PROC_PATH, O_RDWR);	/* inherited by each init */
	fz.vzfd = vz_open();
	fz.imgfd = memfd_create("cpt-fuzz-image", MFD_CLOEXEC);
	fz.errfd = memfd_create("cpt-fuzz-errors", MFD_CLOEXEC);
	fz.kmsgfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fz.rstfd < 0 || fz.vzfd < 0 || fz.imgfd < 0 || fz.errfd < 0 ||
	    fz.kmsgfd < 0 || ioctl(fz.rstfd, CPT_SET_ERRORFD, fz.errfd)) {
		perror("cpt-fuzz: setting up (/proc/rst, /dev/vzctl, /dev/kmsg)");
		return 2;
	}
	lseek(fz.kmsgfd, 0, SEEK_END);
	for (int i = optind; i < argc; i++, nr++) {
		if (load_seed(&seeds[nr], argv[i]))
			return 2;
		imgs[nr] = seeds[nr].img;
	}
	if (seeds_restore(seeds, nr, "before")) {
		printf("cpt-fuzz: a seed image does not restore: nothing to fuzz\n");
		return 2;
	}
	start = now();
	for (k = first; k < first + cases; k++) {
		enum outcome o = run_case(seeds, nr, imgs, seed, k);

		fz.count[o]++;
		fz.reports += kmsg_reports();
		if (o == O_BROKEN) {
			printf("cpt-fuzz: case %llu: the harness failed (%s)\n",
			       k, strerror(errno));
			break;
		}
		if ((k - first + 1) % 1000 == 0)
			printf("cpt-fuzz: %llu cases in %.0f s, %lu restored, %lu kernel reports\n",
			       k - first + 1, now() - start,
			       fz.count[O_RESTORED], fz.reports);
	}
	failed = seeds_restore(seeds, nr, "after") ? 1 : 0;
	fz.reports += kmsg_reports();
	printf("cpt-fuzz: refusals by the kernel's parsers and restore steps, most common first:\n");
	for (int i = 0; i < NR_REASONS; i++)
		for (int j = i + 1; j < NR_REASONS; j++)
			if (fz.reasons[j].n > fz.reasons[i].n) {
				struct reason t = fz.reasons[i];

				fz.reasons[i] = fz.reasons[j];
				fz.reasons[j] = t;
			}
	for (int i = 0; i < NR_REASONS && fz.reasons[i].n; i++)
		printf("cpt-fuzz:   %6lu  %s\n", fz.reasons[i].n, fz.reasons[i].text);
	printf("cpt-fuzz: seed %llu, cases %llu..%llu, %.0f s (",
	       (unsigned long long)seed, first, k ? k - 1 : 0, now() - start);
	for (int i = 0; i < NR_PHASES; i++)
		printf("%s%s %.1f s", i ? ", " : "", phase_names[i], fz.secs[i]);
	printf(")\n");
	printf("cpt-fuzz: tried %llu, refused %lu (checker %lu, kernel parsers %lu, restore %lu), restored %lu, accepted not restored %lu, disagreements %lu, hangs %lu, harness failures %lu, crashes (kernel reports) %lu\n",
	       k - first,
	       fz.count[O_CHECKER_REFUSED] + fz.count[O_KERNEL_REFUSED] +
	       fz.count[O_RESTORE_REFUSED],
	       fz.count[O_CHECKER_REFUSED], fz.count[O_KERNEL_REFUSED],
	       fz.count[O_RESTORE_REFUSED], fz.count[O_RESTORED],
	       fz.count[O_ACCEPTED],
	       fz.count[O_DISAGREE], fz.count[O_HANG], fz.count[O_BROKEN],
	       fz.reports);
	failed |= fz.count[O_DISAGREE] || fz.count[O_HANG] ||
		  fz.count[O_BROKEN] || fz.reports;
	return failed;
}
