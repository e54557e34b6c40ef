// An LD_PRELOAD library under which a process sees an AVX2 CPU
// (x86-64-v3): CPUID reports no AVX-512, no VNNI (AVX-512 or AVX) and no
// AMX. bench/quantization.sh runs ONNX Runtime under it, so that Smelt's
// `--cpu=x86-64-v3` code is compared with ONNX Runtime's AVX2 kernels on
// the same host, not with its AVX-512 ones.
//
// It asks the kernel to make CPUID fault (arch_prctl ARCH_SET_CPUID, on
// CPUs with CPUID faulting: the `cpuid_fault` flag in /proc/cpuinfo), runs
// the real CPUID in the SIGSEGV handler, clears those feature bits and
// steps over the instruction. Handlers the process installs for SIGSEGV
// later run behind this one, for faults that are not CPUID. Exits with a
// message when the CPU cannot fault on CPUID (the script checks first).
//
//   cc -O2 -shared -fPIC -o cpuid_avx2.so cpuid_avx2.c -ldl
//   LD_PRELOAD=./cpuid_avx2.so node ort_run.js ...
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <cpuid.h>
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

typedef int (*SigactionFn)(int, const struct sigaction *, struct sigaction *);
static SigactionFn realSigaction;
static struct sigaction behind; // the process's own SIGSEGV handler
static int installed;

static void onFault(int sig, siginfo_t *info, void *raw) {
  ucontext_t *uc = raw;
  greg_t *r = uc->uc_mcontext.gregs;
  const unsigned char *ip = (const unsigned char *)r[REG_RIP];
  if (ip[0] != 0x0f || ip[1] != 0xa2) {
    if (behind.sa_flags & SA_SIGINFO)
      behind.sa_sigaction(sig, info, raw);
    else if (behind.sa_handler != SIG_DFL && behind.sa_handler != SIG_IGN)
      behind.sa_handler(sig);
    else {
      // Nobody handles it: the fault repeats with the default action.
      struct sigaction dfl;
      memset(&dfl, 0, sizeof dfl);
      dfl.sa_handler = SIG_DFL;
      realSigaction(sig, &dfl, 0);
    }
    return;
  }
  unsigned leaf = r[REG_RAX], sub = r[REG_RCX], a, b, c, d;
  syscall(SYS_arch_prctl, ARCH_SET_CPUID, 1);
  __cpuid_count(leaf, sub, a, b, c, d);
  syscall(SYS_arch_prctl, ARCH_SET_CPUID, 0);
  if (leaf == 7 && sub == 0) {
    // EBX: AVX512F, DQ, IFMA, PF, ER, CD, BW, VL.
    b &= ~((1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | (1u << 27) |
           (1u << 28) | (1u << 30) | (1u << 31));
    // ECX: AVX512_VBMI, VBMI2, VNNI, BITALG, VPOPCNTDQ.
    c &= ~((1u << 1) | (1u << 6) | (1u << 11) | (1u << 12) | (1u << 14));
    // EDX: 4VNNIW, 4FMAPS, VP2INTERSECT, AMX-BF16, AVX512_FP16, AMX-TILE,
    // AMX-INT8.
    d &= ~((1u << 2) | (1u << 3) | (1u << 8) | (1u << 22) | (1u << 23) |
           (1u << 24) | (1u << 25));
  } else if (leaf == 7 && sub == 1) {
    // EAX: AVX-VNNI, AVX512_BF16, AVX-IFMA; EDX: AVX-VNNI-INT8,
    // AVX-NE-CONVERT, AVX-VNNI-INT16, AVX10.
    a &= ~((1u << 4) | (1u << 5) | (1u << 23));
    d &= ~((1u << 4) | (1u << 5) | (1u << 10) | (1u << 19));
  }
  r[REG_RAX] = a;
  r[REG_RBX] = b;
  r[REG_RCX] = c;
  r[REG_RDX] = d;
  r[REG_RIP] += 2;
}

__attribute__((constructor)) static void maskCpuid(void) {
  realSigaction = (SigactionFn)dlsym(RTLD_NEXT, "sigaction");
  struct sigaction act;
  memset(&act, 0, sizeof act);
  act.sa_sigaction = onFault;
  act.sa_flags = SA_SIGINFO | SA_NODEFER;
  realSigaction(SIGSEGV, &act, &behind);
  if (syscall(SYS_arch_prctl, ARCH_SET_CPUID, 0) != 0) {
    fprintf(stderr, "cpuid_avx2.so: this CPU cannot fault on CPUID\n");
    exit(2);
  }
  installed = 1;
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old) {
  if (!realSigaction)
    realSigaction = (SigactionFn)dlsym(RTLD_NEXT, "sigaction");
  if (sig != SIGSEGV || !installed)
    return realSigaction(sig, act, old);
  if (old)
    *old = behind;
  if (act)
    behind = *act;
  return 0;
}
