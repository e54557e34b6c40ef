/* Measured peak single-precision FMA throughput of one core, in GFLOP/s:
 * 12 independent chains of 16-lane fused multiply-adds (AVX-512 where the
 * compiler targets it, two 8-lane halves otherwise), built with
 * -O2 -march=native -ffp-contract=fast by bench/run.sh. */
#include <stdio.h>
#include <time.h>

typedef float v16 __attribute__((vector_size(64)));

#define CHAINS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

int main(void) {
  v16 x, y;
  for (int l = 0; l < 16; ++l) {
    x[l] = 0.999999f;
    y[l] = 1e-7f;
  }
#define INIT(i) v16 a##i = x * (float)(i + 1);
  CHAINS(INIT)
  const long iterations = 100 * 1000 * 1000;
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (long n = 0; n < iterations; ++n) {
#define STEP(i) a##i = a##i * x + y;
    CHAINS(STEP)
#define KEEP(i) __asm__ volatile("" : "+v"(a##i));
    CHAINS(KEEP)
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  double seconds =
      (end.tv_sec - start.tv_sec) + 1e-9 * (end.tv_nsec - start.tv_nsec);
  float sink = 0;
#define SUM(i) sink += a##i[0];
  CHAINS(SUM)
  double flops = 2.0 * 16 * 12 * (double)iterations;
  printf("%.1f\n", flops / seconds / 1e9);
  return sink == 12345.0f; /* keeps the chains alive */
}
