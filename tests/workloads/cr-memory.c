// SPDX-License-Identifier: GPL-2.0
/*
 * cr-memory: every kind of memory mapping, filled with known patterns,
 * checked after a checkpoint/restore.  Meant to run as a VE's init.
 *
 *   private anon (partly touched: untouched pages must read as zero),
 *   a big malloc (glibc mmap()s it), brk heap (sbrk), the stack,
 *   MAP_SHARED|MAP_ANONYMOUS shared with a forked child (and still
 *   shared after restore: each side sees the other's new writes),
 *   a private file mapping with some pages copied-on-write,
 *   a shared file mapping (still backed by the file after restore),
 *   a PROT_NONE guard region and a read-only region (contents, and
 *   protections: a child touching them gets SIGSEGV),
 *   a 16 GB MAP_SHARED|MAP_ANONYMOUS|MAP_NORESERVE map and a private map
 *   of a 16 GB sparse file, a few pages touched in each (a checkpoint
 *   must write those, not fault in the rest: the node has 1 GB),
 *   locked memory: a MAP_LOCKED map, the middle of a map mlock()ed, a
 *   map mlock2(MLOCK_ONFAULT)ed with one page touched (checks "mlocked",
 *   "mlock-onfault": smaps' Locked and VmFlags, VmLck of the process),
 *   a child that called mlockall(MCL_FUTURE) and, each round, maps
 *   something new that must come out locked ("child-mlockall-future"),
 *   and /proc/self/maps unchanged.
 *
 * Argument "small": the big maps hold 1 MB instead of 8 and 64 MB.
 * Commands: "check" (any round).  See crlib.h for the protocol.
 */
#include "crlib.h"
#include <setjmp.h>
#include <sys/mman.h>

#define MB		(1024UL * 1024)
#define PG		4096UL
#define STACK_BYTES	(256 * 1024)

static size_t anon_len = 8 * MB, big_len = 64 * MB, brk_len = 2 * MB;
static size_t shared_len = 1 * MB, fpriv_len = 1 * MB, fshared_len = 256 * 1024;
static size_t guard_len = 64 * 1024, ro_len = 256 * 1024;

static char *anon, *big, *brkmem, *shared, *fpriv, *fshared, *guard, *ro;
/* Huge and almost untouched: pages at these offsets only. */
#define HUGE_LEN	(16UL << 30)
static const size_t huge_offs[] = { 0, 5UL << 30, HUGE_LEN - PG };
static char *huge_shared, *huge_fpriv;
static pid_t child;

#define FPRIV_PATH	"/var/lib/cr/file-private"
#define FSHARED_PATH	"/var/lib/cr/file-shared"
#define SPARSE_PATH	"/var/lib/cr/file-sparse"

static void write_file_pattern(const char *path, size_t len, uint64_t seed)
{
	char *buf = malloc(len);
	int fd;

	cr_fill(buf, len, seed);	/* pattern by buffer address: use index */
	for (size_t i = 0; i < len / 8; i++)
		((uint64_t *)buf)[i] = cr_pat(i * 8, seed);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len) {
		cr_fail(0, "setup", "write %s: %s", path, strerror(errno));
		cr_hang();
	}
	close(fd);
	free(buf);
}

/* File contents pattern: by offset, not address. */
static size_t verify_by_offset(const char *p, size_t off, size_t len, uint64_t seed)
{
	size_t bad = 0;

	for (size_t i = 0; i < len / 8; i++)
		if (((const uint64_t *)(p + off))[i] != cr_pat(off + i * 8, seed))
			bad++;
	return bad;
}

static void *map(size_t len, int prot, int flags, int fd)
{
	void *p = mmap(NULL, len, prot, flags, fd, 0);

	if (p == MAP_FAILED) {
		cr_fail(0, "setup", "mmap %zu: %s", len, strerror(errno));
		cr_hang();
	}
	return p;
}

/* Does a child that reads (or writes) *p die of SIGSEGV? */
static int segv_on(volatile char *p, int do_write)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		if (do_write)
			*p = 1;
		else
			(void)*p;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 0;
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV;
}

static char maps_before[64 * 1024];

/*
 * /proc/self/maps without device and inode numbers (a restored shared
 * anonymous map is a new shmem object) and with only the top of the
 * stack (it grows as the checks run).
 */
static void read_maps(char *out, size_t len)
{
	static char raw[64 * 1024];
	char *line, *save = NULL;
	size_t used = 0;

	out[0] = 0;
	if (cr_read_file("/proc/self/maps", raw, sizeof(raw)) < 0)
		return;
	for (line = strtok_r(raw, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char range[64], perms[8], off[32], dev[32], path[256] = "";
		unsigned long inode;

		if (sscanf(line, "%63s %7s %31s %31s %lu %255s", range, perms, off, dev, &inode, path) < 5)
			continue;
		if (!strcmp(path, "[stack]"))
			memmove(range, strchr(range, '-'), strlen(strchr(range, '-')) + 1);
		used += snprintf(out + used, len - used, "%s %s %s %s\n", range, perms, off, path);
		if (used >= len)
			break;
	}
}

/* Memory with madvise() flags, which only /proc/self/smaps shows. */
static char *madv;

/*
 * The line @key of /proc/self/smaps for the map starting at @addr into
 * @line, "" if none.
 */
static const char *smaps_line(void *addr, const char *key, char *line,
			      size_t size)
{
	static char smaps[256 * 1024];
	char start[32], *p, *next;

	line[0] = '\0';
	if (cr_read_file("/proc/self/smaps", smaps, sizeof(smaps)) < 0)
		return line;
	snprintf(start, sizeof(start), "%lx-", (unsigned long)addr);
	for (p = smaps; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, start, strlen(start)))
			continue;
		/* Its fields end where the next map's header begins. */
		next = strstr(p, "VmFlags:");
		p = strstr(p, key);
		if (p && next && p <= next)
			snprintf(line, size, "%.*s", (int)strcspn(p, "\n"), p);
		return line;
	}
	return line;
}

static const char *vmflags_of(void *addr, char *line, size_t size)
{
	return smaps_line(addr, "VmFlags:", line, size);
}

/* The "Locked:" of the map at @addr in kB, or -1. */
static long locked_kb(void *addr)
{
	char line[256];
	long kb;

	if (sscanf(smaps_line(addr, "Locked:", line, sizeof(line)),
		   "Locked: %ld kB", &kb) != 1)
		return -1;
	return kb;
}

/* VmLck of /proc/self/status in kB, or -1. */
static long vmlck_kb(void)
{
	char status[4096], *p;
	long kb;

	if (cr_read_file("/proc/self/status", status, sizeof(status)) < 0)
		return -1;
	p = strstr(status, "VmLck:");
	return p && sscanf(p, "VmLck: %ld kB", &kb) == 1 ? kb : -1;
}

/* Whether the VmFlags of the map at @addr say it is locked. */
static int is_locked(void *addr)
{
	char line[256];

	return strstr(vmflags_of(addr, line, sizeof(line)), " lo") != NULL;
}

/*
 * Locked memory: maplocked (MAP_LOCKED), the middle LOCK_MID pages of
 * mlocked (mlock()), onfault (mlock2(MLOCK_ONFAULT), one page touched);
 * VmLck as it was when the workload was set up.
 */
#define LOCK_PAGES	8
#define LOCK_MID	4
static char *maplocked, *mlocked, *onfault;
static long vmlck_before;

static void check_mlock(int round)
{
	char *mid = mlocked + (LOCK_PAGES - LOCK_MID) / 2 * PG;
	long kb_map = locked_kb(maplocked), kb_mid = locked_kb(mid);
	long kb_fault = locked_kb(onfault), vmlck = vmlck_kb();
	size_t n;

	n = cr_verify(maplocked, LOCK_PAGES * PG, 0x1c, NULL) +
	    cr_verify(mlocked, LOCK_PAGES * PG, 0x1d, NULL) +
	    cr_verify(onfault, PG, 0x1e, NULL);
	/* All of a locked map is resident, and no more of a split one. */
	cr_check(round, !n && is_locked(maplocked) && is_locked(mid) &&
		 !is_locked(mlocked) && !is_locked(mid + LOCK_MID * PG) &&
		 kb_map == (long)(LOCK_PAGES * PG / 1024) &&
		 kb_mid == (long)(LOCK_MID * PG / 1024) && vmlck == vmlck_before,
		 "mlocked", "%zu bad words; MAP_LOCKED: lo %d Locked %ld kB; mlock()ed middle: lo %d Locked %ld kB, sides lo %d %d; VmLck %ld kB (was %ld)",
		 n, is_locked(maplocked), kb_map, is_locked(mid), kb_mid,
		 is_locked(mlocked), is_locked(mid + LOCK_MID * PG), vmlck,
		 vmlck_before);
	/* Locked on fault: the touched page only, not populated. */
	cr_check(round, is_locked(onfault) && kb_fault == (long)(PG / 1024),
		 "mlock-onfault", "lo %d, Locked %ld kB (want %lu: the one page touched)",
		 is_locked(onfault), kb_fault, PG / 1024);
}

static void check_madvise(int round)
{
	char l1[256], l2[256], l3[256];
	const char *f1 = vmflags_of(madv, l1, sizeof(l1));
	const char *f2 = vmflags_of(madv + 2 * PG, l2, sizeof(l2));
	const char *f3 = vmflags_of(madv + 3 * PG, l3, sizeof(l3));

	cr_check(round, strstr(f1, " dc") && !strstr(f1, " dd") &&
		 strstr(f2, " dd") && !strstr(f2, " dc") &&
		 *f3 && !strstr(f3, " dc") && !strstr(f3, " dd"),
		 "madvise", "DONTFORK [%s] DONTDUMP [%s] none [%s]", f1, f2, f3);
}

static void check_stack_and_all(int round, char *stack)
{
	uintptr_t bad = 0;
	size_t n;
	static char maps_now[64 * 1024];

	n = cr_verify(anon, anon_len / 2, 0xA1, &bad);
	cr_check(round, !n, "anon-private", "%zu bad words, first at %#lx", n, (unsigned long)bad);
	/* The second half was touched every 16th page only. */
	n = 0;
	for (size_t off = anon_len / 2; off < anon_len; off += PG) {
		uint64_t want = ((off / PG) % 16 == 0) ? cr_pat((uintptr_t)(anon + off), 0xA2) : 0;
		if (*(uint64_t *)(anon + off) != want)
			n++;
		for (size_t k = 8; k < PG; k += 8)
			if (*(uint64_t *)(anon + off + k) != 0)
				n++;
	}
	cr_check(round, !n, "anon-sparse", "%zu bad words (touched pages, and zero elsewhere)", n);
	n = cr_verify(big, big_len, 0xB1, &bad);
	cr_check(round, !n, "malloc-64M", "%zu bad words, first at %#lx", n, (unsigned long)bad);
	n = cr_verify(brkmem, brk_len, 0xB2, &bad);
	cr_check(round, !n, "brk-heap", "%zu bad words, first at %#lx", n, (unsigned long)bad);
	cr_check(round, sbrk(0) == brkmem + brk_len, "brk-end", "sbrk(0)=%p want %p", sbrk(0), brkmem + brk_len);
	n = cr_verify(stack, STACK_BYTES, 0xC1, &bad);
	cr_check(round, !n, "stack", "%zu bad words, first at %#lx", n, (unsigned long)bad);
	n = cr_verify(shared, shared_len - PG, 0xD1, &bad);
	cr_check(round, !n, "anon-shared", "%zu bad words, first at %#lx", n, (unsigned long)bad);

	/* Still shared with the child: ping (parent) - pong (child). */
	{
		volatile uint64_t *ctl = (volatile uint64_t *)(shared + shared_len - PG);
		uint64_t token = 0x5eed0000ULL + round;
		int got = 0;

		ctl[0] = token;
		for (int i = 0; i < 100 && !got; i++) {
			if (ctl[1] == token)
				got = 1;
			else
				cr_msleep(50);
		}
		cr_check(round, got, "anon-shared-live", "child %d %s the parent's write (ctl[1]=%#llx)",
			 child, got ? "answered" : "did not answer", (unsigned long long)ctl[1]);
	}

	/* Private file map: even pages COW'd with 0xE2, odd pages the file's. */
	n = 0;
	for (size_t off = 0; off < fpriv_len; off += PG) {
		if ((off / PG) % 2 == 0)
			n += cr_verify(fpriv + off, PG, 0xE2, NULL);
		else
			n += verify_by_offset(fpriv, off, PG, 0xE1);
	}
	cr_check(round, !n, "file-private-cow", "%zu bad words", n);
	{
		/* The file itself was never written. */
		static char buf[1 * MB];
		int fd = open(FPRIV_PATH, O_RDONLY);
		ssize_t r = fd >= 0 ? pread(fd, buf, fpriv_len, 0) : -1;

		if (fd >= 0)
			close(fd);
		n = r == (ssize_t)fpriv_len ? verify_by_offset(buf, 0, fpriv_len, 0xE1) : 1;
		cr_check(round, !n, "file-private-file-untouched", "read %zd, %zu bad words", r, n);
	}

	/* The huge maps: touched pages kept, a few others still zero. */
	n = 0;
	for (size_t i = 0; i < sizeof(huge_offs) / sizeof(huge_offs[0]); i++) {
		n += cr_verify(huge_shared + huge_offs[i], PG, 0x51, NULL);
		n += cr_verify(huge_fpriv + huge_offs[i], PG, 0x52, NULL);
		/* An untouched page near it, inside the map. */
		size_t near = huge_offs[i] + 64 * PG < HUGE_LEN ?
			      huge_offs[i] + 64 * PG : huge_offs[i] - 64 * PG;

		n += *(volatile uint64_t *)(huge_shared + near) != 0;
		n += *(volatile uint64_t *)(huge_fpriv + near) != 0;
	}
	cr_check(round, !n, "huge-sparse-maps", "%zu bad words in the 16 GB maps", n);

	/* Shared file map: contents, and still the file's pages. */
	n = verify_by_offset(fshared, 0, fshared_len, 0xF1);
	cr_check(round, !n, "file-shared", "%zu bad words", n);
	{
		uint64_t v = 0xfeed0000ULL + round, got = 0;
		int fd = open(FSHARED_PATH, O_RDWR);

		*(volatile uint64_t *)(fshared + fshared_len - 8) = v;
		if (fd >= 0 && pread(fd, &got, 8, fshared_len - 8) != 8)
			got = 0;
		if (fd >= 0)
			close(fd);
		cr_check(round, got == v, "file-shared-live", "write through the map: file has %#llx want %#llx",
			 (unsigned long long)got, (unsigned long long)v);
		/* Put the pattern back for the next round. */
		*(volatile uint64_t *)(fshared + fshared_len - 8) = cr_pat(fshared_len - 8, 0xF1);
	}

	n = cr_verify(ro, ro_len, 0xA7, &bad);
	cr_check(round, !n, "readonly-contents", "%zu bad words", n);
	cr_check(round, segv_on(ro, 1), "readonly-prot", "child writing to the PROT_READ region gets SIGSEGV");
	cr_check(round, segv_on(guard + guard_len / 2, 0), "guard-prot", "child reading the PROT_NONE region gets SIGSEGV");

	check_madvise(round);
	check_mlock(round);
	read_maps(maps_now, sizeof(maps_now));
	if (!strcmp(maps_now, maps_before)) {
		cr_ok(round, "maps", "/proc/self/maps unchanged (but for inodes and the stack's bottom)");
	} else {
		char path[64];

		snprintf(path, sizeof(path), "/var/log/cr-maps.%d", round);
		cr_write_file(path, maps_now, strlen(maps_now));
		cr_fail(round, "maps", "/proc/self/maps differs (before: /var/log/cr-maps.0, now: %s)", path);
	}
}

/*
 * The child called mlockall(MCL_FUTURE): a map it makes now is locked,
 * and populated, as the mm's def_flags say (they must survive a restore).
 */
static void child_check_mlockall(int round)
{
	char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long kb;

	if (p == MAP_FAILED) {
		cr_fail(round, "child-mlockall-future", "mmap: %s", strerror(errno));
		return;
	}
	kb = locked_kb(p);
	cr_check(round, is_locked(p) && kb == (long)(2 * PG / 1024),
		 "child-mlockall-future", "child %d: a new map: lo %d, Locked %ld kB (want %lu)",
		 getpid(), is_locked(p), kb, 2 * PG / 1024);
	munmap(p, 2 * PG);
}

static void child_loop(void)
{
	volatile uint64_t *ctl = (volatile uint64_t *)(shared + shared_len - PG);

	for (;;) {
		uint64_t t = ctl[0];

		if (t && ctl[1] != t) {
			/* Also check the child's view of the shared and private memory. */
			uintptr_t bad = 0;
			size_t n = cr_verify(shared, shared_len - PG, 0xD1, &bad);
			size_t m = cr_verify(anon, anon_len / 2, 0xA1, &bad);

			cr_check((int)(t & 0xffff), !n && !m, "child-view",
				 "child %d: %zu bad shared, %zu bad private words", getpid(), n, m);
			child_check_mlockall((int)(t & 0xffff));
			ctl[1] = t;
		}
		cr_msleep(20);
	}
}

int main(int argc, char **argv)
{
	char stack[STACK_BYTES] __attribute__((aligned(16)));
	char cmd[64];
	int round = 0, r;

	/* "small": the same maps with less in them (a fuzzer's seed). */
	if (argc > 1 && !strcmp(argv[1], "small")) {
		anon_len = 1 * MB;
		big_len = 1 * MB;
		brk_len = 256 * 1024;
	}

	cr_init_signals();
	mkdir("/var/lib", 0755);
	mkdir("/var/lib/cr", 0755);
	write_file_pattern(FPRIV_PATH, fpriv_len, 0xE1);
	write_file_pattern(FSHARED_PATH, fshared_len, 0xF1);

	anon = map(anon_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	cr_fill(anon, anon_len / 2, 0xA1);
	for (size_t off = anon_len / 2; off < anon_len; off += 16 * PG)
		*(uint64_t *)(anon + off) = cr_pat((uintptr_t)(anon + off), 0xA2);

	big = malloc(big_len);
	if (!big) {
		cr_fail(0, "setup", "malloc");
		cr_hang();
	}
	cr_fill(big, big_len, 0xB1);

	/* Split by advice into three maps: DONTFORK, DONTDUMP, none. */
	madv = map(4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	if (madvise(madv, 2 * PG, MADV_DONTFORK) ||
	    madvise(madv + 2 * PG, PG, MADV_DONTDUMP)) {
		cr_fail(0, "setup", "madvise: %s", strerror(errno));
		cr_hang();
	}

	brkmem = sbrk(brk_len);
	if (brkmem == (void *)-1) {
		cr_fail(0, "setup", "sbrk: %s", strerror(errno));
		cr_hang();
	}
	cr_fill(brkmem, brk_len, 0xB2);
	cr_fill(stack, STACK_BYTES, 0xC1);

	shared = map(shared_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1);
	cr_fill(shared, shared_len - PG, 0xD1);

	{
		int fd = open(FPRIV_PATH, O_RDONLY);

		fpriv = map(fpriv_len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
		close(fd);
		for (size_t off = 0; off < fpriv_len; off += 2 * PG)
			cr_fill(fpriv + off, PG, 0xE2);
		/* Odd pages: read only, so they are the file's page cache pages. */
		volatile uint64_t sink = 0;
		for (size_t off = PG; off < fpriv_len; off += 2 * PG)
			sink += *(uint64_t *)(fpriv + off);
		(void)sink;
		fd = open(FSHARED_PATH, O_RDWR);
		fshared = map(fshared_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
		close(fd);
	}
	huge_shared = map(HUGE_LEN, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1);
	{
		int fd = open(SPARSE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);

		if (fd < 0 || ftruncate(fd, (off_t)HUGE_LEN)) {
			cr_fail(0, "setup", "sparse file: %s", strerror(errno));
			cr_hang();
		}
		huge_fpriv = map(HUGE_LEN, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_NORESERVE, fd);
		close(fd);
	}
	for (size_t i = 0; i < sizeof(huge_offs) / sizeof(huge_offs[0]); i++) {
		cr_fill(huge_shared + huge_offs[i], PG, 0x51);
		cr_fill(huge_fpriv + huge_offs[i], PG, 0x52);
	}
	guard = map(guard_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	ro = map(ro_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	cr_fill(ro, ro_len, 0xA7);
	mprotect(ro, ro_len, PROT_READ);

	child = fork();
	if (child == 0) {
		munmap(big, big_len);	/* not twice in the image */
		if (mlockall(MCL_FUTURE)) {
			cr_fail(0, "setup", "mlockall: %s", strerror(errno));
			cr_hang();
		}
		child_loop();
	}
	if (child < 0) {
		cr_fail(0, "setup", "fork: %s", strerror(errno));
		cr_hang();
	}
	/*
	 * Locked three ways, after the fork: smaps' Locked is the
	 * proportional size, which pages shared with the child would halve
	 * before a checkpoint (the workload is root: no RLIMIT_MEMLOCK).
	 */
	maplocked = map(LOCK_PAGES * PG, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1);
	cr_fill(maplocked, LOCK_PAGES * PG, 0x1c);
	mlocked = map(LOCK_PAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	cr_fill(mlocked, LOCK_PAGES * PG, 0x1d);
	onfault = map(LOCK_PAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	if (mlock(mlocked + (LOCK_PAGES - LOCK_MID) / 2 * PG, LOCK_MID * PG) ||
	    mlock2(onfault, LOCK_PAGES * PG, MLOCK_ONFAULT)) {
		cr_fail(0, "setup", "mlock: %s", strerror(errno));
		cr_hang();
	}
	cr_fill(onfault, PG, 0x1e);
	vmlck_before = vmlck_kb();

	read_maps(maps_before, sizeof(maps_before));
	cr_write_file("/var/log/cr-maps.0", maps_before, strlen(maps_before));
	cr_line(0, "READY cr-memory pid %d child %d", getpid(), child);

	for (;;) {
		r = cr_poll(round, cmd, sizeof(cmd));
		if (r) {
			round = r;
			check_stack_and_all(round, stack);
			cr_line(round, "DONE");
		}
		cr_msleep(100);
	}
}
