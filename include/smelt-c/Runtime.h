/*===- smelt-c/Runtime.h - Load and run a compiled Smelt model ----*- C -*-===*\
|*                                                                            *|
|* A small C library with no MLIR inside. It loads a model compiled by        *|
|* `smeltc --emit=lib`, names its inputs and outputs, and runs it on buffers  *|
|* the caller provides or the runtime allocates.                              *|
|*                                                                            *|
|*   SmeltModel *model;                                                       *|
|*   if (smelt_model_load("model.so", &model) != SMELT_OK)                    *|
|*     fprintf(stderr, "%s\n", smelt_last_error());                           *|
|*   int64_t shape[] = {8, 3, 224, 224};   (only if x has a dynamic dim)      *|
|*   smelt_model_set_input_shape(model, 0, shape, 4);                         *|
|*   const void *inputs[] = {x};                                              *|
|*   void *outputs[] = {y};                                                   *|
|*   smelt_model_run(model, inputs, outputs);                                 *|
|*   smelt_model_free(model);                                                 *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef SMELT_C_RUNTIME_H
#define SMELT_C_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum SmeltStatus {
  SMELT_OK = 0,
  /** The file cannot be opened or is not a Smelt model. */
  SMELT_ERROR_LOAD = 1,
  /** A caller argument is wrong (index out of range, null buffer). */
  SMELT_ERROR_ARGUMENT = 2,
  /** Out of memory. */
  SMELT_ERROR_MEMORY = 3,
} SmeltStatus;

typedef enum SmeltElementType {
  SMELT_F32,
  SMELT_F64,
  SMELT_F16,
  SMELT_BF16,
  SMELT_I8,
  SMELT_I16,
  SMELT_I32,
  SMELT_I64,
  SMELT_U8,
  SMELT_U16,
  SMELT_U32,
  SMELT_U64,
  SMELT_BOOL,
} SmeltElementType;

/** The description of one input or output, as compiled; owned by the
 * model. A dimension known only at run time (a dynamic batch, say) is -1 in
 * `shape`; such a tensor has `num_elements` -1 and `num_bytes` 0, and its
 * size for a run comes from smelt_model_input_shape and
 * smelt_model_output_shape. */
typedef struct SmeltTensorInfo {
  const char *name;
  SmeltElementType element_type;
  int32_t rank;
  const int64_t *shape;
  /** Elements and bytes of one buffer of this tensor (static shapes). */
  int64_t num_elements;
  size_t num_bytes;
} SmeltTensorInfo;

typedef struct SmeltModel SmeltModel;

/** Loads a compiled model (a shared library). */
SmeltStatus smelt_model_load(const char *path, SmeltModel **model);

/** Releases the model and everything it allocated. */
void smelt_model_free(SmeltModel *model);

size_t smelt_model_num_inputs(const SmeltModel *model);
size_t smelt_model_num_outputs(const SmeltModel *model);

/** Descriptions of input or output `index`; null when out of range. */
const SmeltTensorInfo *smelt_model_input(const SmeltModel *model, size_t index);
const SmeltTensorInfo *smelt_model_output(const SmeltModel *model,
                                          size_t index);

/** Index of the input or output called `name`, or -1. */
int64_t smelt_model_find_input(const SmeltModel *model, const char *name);
int64_t smelt_model_find_output(const SmeltModel *model, const char *name);

/**
 * Sets the shape input `index` has in the following runs: `rank` sizes, its
 * SmeltTensorInfo's rank. Dimensions the model fixes must keep their size;
 * dynamic ones (-1 in the info) take any size from 0 up. A model with
 * dynamic inputs needs this for each of them before its first run, and again
 * whenever a size changes; once every input is sized, the outputs' shapes
 * follow (smelt_model_output_shape).
 */
SmeltStatus smelt_model_set_input_shape(SmeltModel *model, size_t index,
                                        const int64_t *shape, int32_t rank);

/** The shape input or output `index` has in the next run: the info's, with
 * the dynamic dimensions as last set (-1 while unset); null when out of
 * range. Valid until the next smelt_model_set_input_shape or free. */
const int64_t *smelt_model_input_shape(const SmeltModel *model, size_t index);
const int64_t *smelt_model_output_shape(const SmeltModel *model,
                                        size_t index);

/** Bytes of input or output `index` at that shape (0 while unset). */
size_t smelt_model_input_bytes(const SmeltModel *model, size_t index);
size_t smelt_model_output_bytes(const SmeltModel *model, size_t index);

/**
 * Runs the model. `inputs` holds one buffer per input, `outputs` one per
 * output, each dense, row-major, of the shape smelt_model_input_shape and
 * smelt_model_output_shape give (for static models, the SmeltTensorInfo's).
 * Outputs are computed in place while the inputs are read: an output buffer
 * must not overlap an input or another output. An output buffer may be null: the runtime then allocates it, and
 * smelt_model_output_buffer returns it until the next run or free.
 */
SmeltStatus smelt_model_run(SmeltModel *model, const void *const *inputs,
                            void *const *outputs);

/**
 * How many threads the model's parallel kernels use (convolutions, matrix
 * products, pooling run on OpenMP's thread pool, libomp); 0 leaves it to
 * OpenMP (OMP_NUM_THREADS, else one per core). Calls on one model run one
 * at a time: a model keeps its intermediate tensors in one workspace.
 */
SmeltStatus smelt_model_set_threads(SmeltModel *model, int threads);

/** Whether the model has parallel kernels at all. */
int smelt_model_is_parallel(const SmeltModel *model);

/** The buffer the runtime allocated for output `index` in the last run. */
const void *smelt_model_output_buffer(const SmeltModel *model, size_t index);

/** One layer of a model compiled with `--profile`: an ONNX node (or
 * "(graph)", the copies into the outputs) and the time its kernels took. */
typedef struct SmeltProfileEntry {
  const char *name;
  /** Milliseconds over all runs since the load or the last reset. */
  double total_ms;
} SmeltProfileEntry;

/** How many layers the model times: 0 unless compiled with --profile. */
size_t smelt_model_profile_count(const SmeltModel *model);

/** Layer `index`'s time so far; SMELT_ERROR_ARGUMENT when out of range. */
SmeltStatus smelt_model_profile_entry(const SmeltModel *model, size_t index,
                                      SmeltProfileEntry *entry);

/** Runs counted in the times (since the load or the last reset). */
int64_t smelt_model_profile_runs(const SmeltModel *model);

/** Sets the times and the run count to zero (after warm-up runs, say). */
void smelt_model_profile_reset(SmeltModel *model);

/** Bytes per element of a type. */
size_t smelt_element_size(SmeltElementType type);

/** The name of a type ("f32", "u8", "bool", ...). */
const char *smelt_element_type_name(SmeltElementType type);

/** A message about the last failure on this thread. */
const char *smelt_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* SMELT_C_RUNTIME_H */
