/*===- Runtime.c - Load and run a compiled Smelt model -------------------===*\
|*                                                                            *|
|* A compiled model exports the string smelt_model_signature (one line per   *|
|* tensor: kind, name, element type, comma-separated shape, '?' for a         *|
|* dimension known at run time) and                                           *|
|* void smelt_run(void **buffers, const int64_t *dims), which takes the       *|
|* inputs' then the outputs' data pointers, and all their shapes one after    *|
|* the other. A model with dynamic output dimensions also exports             *|
|* void smelt_output_shapes(const int64_t *input_dims, int64_t *out), which   *|
|* writes them (outputs in order, each one's '?' dimensions in order).        *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#define _GNU_SOURCE
#include "smelt-c/Runtime.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef void (*SmeltRunFn)(void **buffers, const int64_t *dims);
typedef void (*OutputShapesFn)(const int64_t *input_dims, int64_t *out);
typedef void (*SetThreadsFn)(int threads);
typedef void (*BindWeightsFn)(const void *base);
typedef void *(*ArenaAllocFn)(void *context, size_t size);
typedef void (*ArenaFreeFn)(void *context, void *pointer);
typedef void (*BindAllocatorFn)(void *context, ArenaAllocFn alloc,
                                ArenaFreeFn free);

/* What a model's dynamic intermediates are allocated from: blocks kept
 * between runs, so that a run at a shape seen before reuses the memory of
 * the last (the kernel maps no fresh pages, which costs more than the
 * kernels do). At most kArenaBlocks (1024) are kept; a block too small for a
 * request and unused is replaced. */
enum { kArenaBlocks = 1024 };
typedef struct {
  void *pointer;
  size_t size;
  int used;
} ArenaBlock;
typedef struct {
  ArenaBlock blocks[kArenaBlocks];
  size_t count;
} Arena;

static void *arena_alloc(void *context, size_t size) {
  Arena *arena = context;
  ArenaBlock *best = NULL, *small = NULL;
  for (size_t i = 0; i < arena->count; ++i) {
    ArenaBlock *block = &arena->blocks[i];
    if (block->used)
      continue;
    if (block->size >= size && (!best || block->size < best->size))
      best = block;
    if (block->size < size && (!small || block->size > small->size))
      small = block;
  }
  if (best) {
    best->used = 1;
    return best->pointer;
  }
  void *pointer = malloc(size ? size : 1);
  if (!pointer)
    return NULL;
  ArenaBlock *slot = small;
  if (slot)
    free(slot->pointer);
  else if (arena->count < kArenaBlocks)
    slot = &arena->blocks[arena->count++];
  if (slot) {
    slot->pointer = pointer;
    slot->size = size;
    slot->used = 1;
  }
  return pointer;
}

static void arena_free(void *context, void *pointer) {
  Arena *arena = context;
  for (size_t i = 0; i < arena->count; ++i)
    if (arena->blocks[i].pointer == pointer) {
      arena->blocks[i].used = 0;
      return;
    }
  free(pointer);
}

static void arena_release(Arena *arena) {
  for (size_t i = 0; i < arena->count; ++i)
    free(arena->blocks[i].pointer);
  arena->count = 0;
}

struct SmeltModel {
  void *library;
  SmeltRunFn run;
  OutputShapesFn output_shapes; /* null when every output is static */
  /* The library's hook for its allocations (null in libraries that do not
   * allocate through it), and the blocks it allocated. */
  BindAllocatorFn bind_allocator;
  Arena arena;
  SmeltTensorInfo *tensors; /* inputs, then outputs */
  size_t num_inputs;
  size_t num_outputs;
  /* Every tensor's shape for the next run, one after the other (the
   * signature's, with the dynamic dimensions set: -1 until they are), and
   * where each tensor's starts. */
  int64_t *dims;
  size_t *dim_offsets;
  int64_t *dynamic_dims;    /* smelt_output_shapes' answer */
  size_t num_dynamic_dims;
  void **buffers;           /* scratch for one call */
  void **owned_outputs;     /* outputs the runtime allocated */
  size_t *owned_bytes;      /* and their sizes */
  /* OpenMP's omp_set_num_threads, when the model has parallel kernels. */
  SetThreadsFn set_threads;
  int threads;              /* 0: OpenMP's default (OMP_NUM_THREADS) */
  void *weights;            /* the mapped side file (--weights=external) */
  size_t weights_size;
  /* --profile: the library's per-layer nanoseconds and run count, and the
   * layers' names (one allocation, split at the newlines). */
  int64_t *profile_ns;
  int64_t *profile_runs;
  size_t profile_count;
  const char **profile_names;
  char *profile_text;
  /* A compiled model keeps its intermediates in one static workspace, and
   * the runtime its buffer table here: one call at a time. */
  pthread_mutex_t lock;
};

static _Thread_local char last_error[1024];

static SmeltStatus fail(SmeltStatus status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(last_error, sizeof last_error, format, args);
  va_end(args);
  return status;
}

const char *smelt_last_error(void) { return last_error; }

static const struct {
  const char *name;
  SmeltElementType type;
  size_t size;
} element_types[] = {
    {"f32", SMELT_F32, 4},  {"f64", SMELT_F64, 8},   {"f16", SMELT_F16, 2},
    {"bf16", SMELT_BF16, 2}, {"i8", SMELT_I8, 1},    {"i16", SMELT_I16, 2},
    {"i32", SMELT_I32, 4},  {"i64", SMELT_I64, 8},   {"u8", SMELT_U8, 1},
    {"u16", SMELT_U16, 2},  {"u32", SMELT_U32, 4},   {"u64", SMELT_U64, 8},
    {"bool", SMELT_BOOL, 1},
};

size_t smelt_element_size(SmeltElementType type) {
  for (size_t i = 0; i < sizeof element_types / sizeof *element_types; ++i)
    if (element_types[i].type == type)
      return element_types[i].size;
  return 0;
}

const char *smelt_element_type_name(SmeltElementType type) {
  for (size_t i = 0; i < sizeof element_types / sizeof *element_types; ++i)
    if (element_types[i].type == type)
      return element_types[i].name;
  return "?";
}

/* The info structs hand out const pointers; these are the same allocations,
 * owned. */
typedef union {
  const void *view;
  void *owned;
} Owned;

static void free_owned(const void *pointer) {
  Owned o;
  o.view = pointer;
  free(o.owned);
}

static void free_tensors(SmeltTensorInfo *tensors, size_t count) {
  if (!tensors)
    return;
  for (size_t i = 0; i < count; ++i) {
    free_owned(tensors[i].name);
    free_owned(tensors[i].shape);
  }
  free(tensors);
}

/* Parses one signature line into `info`; returns 0 for an input, 1 for an
 * output, -1 when malformed. Modifies `line`. */
static int parse_line(char *line, SmeltTensorInfo *info) {
  char *fields[4];
  int n = 0;
  char *cursor = line;
  while (n < 4) {
    fields[n++] = cursor;
    char *tab = strchr(cursor, '\t');
    if (!tab)
      break;
    *tab = '\0';
    cursor = tab + 1;
  }
  if (n != 4)
    return -1;
  int kind = strcmp(fields[0], "input") == 0    ? 0
             : strcmp(fields[0], "output") == 0 ? 1
                                                : -1;
  if (kind < 0)
    return -1;
  size_t e = 0, count = sizeof element_types / sizeof *element_types;
  while (e < count && strcmp(element_types[e].name, fields[2]) != 0)
    ++e;
  if (e == count)
    return -1;
  int32_t rank = fields[3][0] ? 1 : 0;
  for (const char *c = fields[3]; *c; ++c)
    rank += *c == ',';
  int64_t *shape = calloc(rank ? (size_t)rank : 1, sizeof *shape);
  char *name = strdup(fields[1]);
  if (!shape || !name) {
    free(shape);
    free(name);
    return -1;
  }
  int64_t elements = 1;
  int dynamic = 0;
  char *dims = fields[3];
  for (int32_t d = 0; d < rank; ++d) {
    char *end = dims;
    if (*dims == '?') {
      shape[d] = -1;
      dynamic = 1;
      ++end;
    } else {
      shape[d] = strtoll(dims, &end, 10);
    }
    if (end == dims || shape[d] < -1) {
      free(shape);
      free(name);
      return -1;
    }
    if (shape[d] >= 0)
      elements *= shape[d];
    dims = *end == ',' ? end + 1 : end;
  }
  info->name = name;
  info->element_type = element_types[e].type;
  info->rank = rank;
  info->shape = shape;
  info->num_elements = dynamic ? -1 : elements;
  info->num_bytes = dynamic ? 0 : (size_t)elements * element_types[e].size;
  return kind;
}

/* Maps the weights file a model compiled with --weights=external names
 * (found next to the library) and hands it to the library. */
static SmeltStatus map_weights(SmeltModel *model, const char *library_path) {
  BindWeightsFn bind = (BindWeightsFn)dlsym(model->library, "smelt_bind_weights");
  if (!bind)
    return SMELT_OK;
  const char *file = dlsym(model->library, "smelt_weights_file");
  const int64_t *size = dlsym(model->library, "smelt_weights_size");
  if (!file || !size || *size <= 0)
    return fail(SMELT_ERROR_LOAD, "'%s' has a malformed weights table",
                library_path);
  char path[4096];
  const char *slash = strrchr(library_path, '/');
  int dir = slash ? (int)(slash - library_path) : 1;
  snprintf(path, sizeof path, "%.*s/%s", dir, slash ? library_path : ".",
           file);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail(SMELT_ERROR_LOAD,
                "'%s' keeps its weights in '%s', which cannot be opened "
                "(compile with --weights=embed to keep them inside)",
                library_path, path);
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size != *size) {
    close(fd);
    return fail(SMELT_ERROR_LOAD,
                "weights file '%s' has %lld bytes; '%s' expects %lld (were "
                "they compiled together?)",
                path, (long long)st.st_size, library_path, (long long)*size);
  }
  void *map = mmap(NULL, (size_t)*size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (map == MAP_FAILED)
    return fail(SMELT_ERROR_LOAD, "cannot map weights file '%s'", path);
  model->weights = map;
  model->weights_size = (size_t)*size;
  bind(map);
  return SMELT_OK;
}

/* Finds the tables of a model compiled with --profile. */
static SmeltStatus find_profile(SmeltModel *model, const char *path) {
  const int64_t *count = dlsym(model->library, "smelt_profile_count");
  if (!count)
    return SMELT_OK;
  const char *names = dlsym(model->library, "smelt_profile_names");
  model->profile_ns = dlsym(model->library, "smelt_profile_ns");
  model->profile_runs = dlsym(model->library, "smelt_profile_runs");
  if (!names || !model->profile_ns || !model->profile_runs || *count < 0)
    return fail(SMELT_ERROR_LOAD, "'%s' has a malformed profile table", path);
  model->profile_text = strdup(names);
  model->profile_names =
      calloc(*count ? (size_t)*count : 1, sizeof *model->profile_names);
  if (!model->profile_text || !model->profile_names)
    return fail(SMELT_ERROR_MEMORY, "out of memory loading '%s'", path);
  char *save = NULL;
  for (char *line = strtok_r(model->profile_text, "\n", &save);
       line && model->profile_count < (size_t)*count;
       line = strtok_r(NULL, "\n", &save))
    model->profile_names[model->profile_count++] = line;
  if (model->profile_count != (size_t)*count)
    return fail(SMELT_ERROR_LOAD, "'%s' has a malformed profile table", path);
  return SMELT_OK;
}

SmeltStatus smelt_model_load(const char *path, SmeltModel **out) {
  if (!path || !out)
    return fail(SMELT_ERROR_ARGUMENT, "smelt_model_load: null argument");
  *out = NULL;
  /* dlopen searches the library path for bare names; a model is a file. */
  char resolved[4096];
  if (!strchr(path, '/'))
    snprintf(resolved, sizeof resolved, "./%s", path);
  else
    snprintf(resolved, sizeof resolved, "%s", path);
  void *library = dlopen(resolved, RTLD_NOW | RTLD_LOCAL);
  if (!library)
    return fail(SMELT_ERROR_LOAD, "cannot load '%s': %s", path, dlerror());
  const char *signature = dlsym(library, "smelt_model_signature");
  SmeltRunFn run = (SmeltRunFn)dlsym(library, "smelt_run");
  OutputShapesFn output_shapes =
      (OutputShapesFn)dlsym(library, "smelt_output_shapes");
  if (!signature || !run) {
    dlclose(library);
    return fail(SMELT_ERROR_LOAD,
                "'%s' is not a Smelt model (no smelt_model_signature or "
                "smelt_run)",
                path);
  }
  SmeltModel *model = calloc(1, sizeof *model);
  char *text = strdup(signature);
  size_t lines = 0;
  for (const char *c = signature; *c; ++c)
    lines += *c == '\n';
  SmeltTensorInfo *tensors = calloc(lines ? lines : 1, sizeof *tensors);
  if (!model || !text || !tensors) {
    free(model);
    free(text);
    free(tensors);
    dlclose(library);
    return fail(SMELT_ERROR_MEMORY, "out of memory loading '%s'", path);
  }
  /* Inputs come before outputs in the signature. */
  size_t count = 0, inputs = 0;
  int seen_output = 0;
  char *save = NULL;
  for (char *line = strtok_r(text, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    int kind = parse_line(line, &tensors[count]);
    if (kind < 0 || (kind == 0 && seen_output)) {
      free_tensors(tensors, count);
      free(text);
      free(model);
      dlclose(library);
      return fail(SMELT_ERROR_LOAD, "'%s' has a malformed signature", path);
    }
    seen_output |= kind == 1;
    inputs += kind == 0;
    ++count;
  }
  free(text);
  model->library = library;
  model->run = run;
  model->output_shapes = output_shapes;
  model->bind_allocator =
      (BindAllocatorFn)dlsym(library, "smelt_bind_allocator");
  /* Found through the model's own dependencies (libomp), if it has any. */
  model->set_threads = (SetThreadsFn)dlsym(library, "omp_set_num_threads");
  pthread_mutex_init(&model->lock, NULL);
  model->tensors = tensors;
  model->num_inputs = inputs;
  model->num_outputs = count - inputs;
  model->buffers = calloc(count ? count : 1, sizeof *model->buffers);
  model->owned_outputs =
      calloc(model->num_outputs ? model->num_outputs : 1, sizeof(void *));
  model->owned_bytes =
      calloc(model->num_outputs ? model->num_outputs : 1, sizeof(size_t));
  model->dim_offsets = calloc(count + 1, sizeof *model->dim_offsets);
  size_t total_rank = 0, dynamic_outputs = 0;
  for (size_t i = 0; i < count; ++i) {
    total_rank += (size_t)tensors[i].rank;
    if (i >= inputs)
      for (int32_t d = 0; d < tensors[i].rank; ++d)
        dynamic_outputs += tensors[i].shape[d] < 0;
  }
  model->dims = calloc(total_rank ? total_rank : 1, sizeof *model->dims);
  model->dynamic_dims =
      calloc(dynamic_outputs ? dynamic_outputs : 1, sizeof(int64_t));
  model->num_dynamic_dims = dynamic_outputs;
  if (model->dim_offsets && model->dims)
    for (size_t i = 0, at = 0; i < count; ++i) {
      model->dim_offsets[i] = at;
      for (int32_t d = 0; d < tensors[i].rank; ++d)
        model->dims[at++] = tensors[i].shape[d];
      model->dim_offsets[i + 1] = at;
    }
  if (!model->buffers || !model->owned_outputs || !model->owned_bytes ||
      !model->dim_offsets || !model->dims || !model->dynamic_dims) {
    smelt_model_free(model);
    return fail(SMELT_ERROR_MEMORY, "out of memory loading '%s'", path);
  }
  if (dynamic_outputs && !output_shapes) {
    smelt_model_free(model);
    return fail(SMELT_ERROR_LOAD,
                "'%s' has outputs of dynamic shape but no "
                "smelt_output_shapes",
                path);
  }
  SmeltStatus status = map_weights(model, resolved);
  if (status == SMELT_OK)
    status = find_profile(model, path);
  if (status != SMELT_OK) {
    smelt_model_free(model);
    return status;
  }
  *out = model;
  return SMELT_OK;
}

void smelt_model_free(SmeltModel *model) {
  if (!model)
    return;
  if (model->owned_outputs)
    for (size_t i = 0; i < model->num_outputs; ++i)
      free(model->owned_outputs[i]);
  if (model->bind_allocator)
    model->bind_allocator(NULL, NULL, NULL);
  arena_release(&model->arena);
  free(model->owned_outputs);
  free(model->owned_bytes);
  free(model->dims);
  free(model->dim_offsets);
  free(model->dynamic_dims);
  free(model->buffers);
  free(model->profile_names);
  free(model->profile_text);
  if (model->library)
    pthread_mutex_destroy(&model->lock);
  if (model->weights)
    munmap(model->weights, model->weights_size);
  free_tensors(model->tensors, model->num_inputs + model->num_outputs);
  if (model->library)
    dlclose(model->library);
  free(model);
}

size_t smelt_model_num_inputs(const SmeltModel *model) {
  return model ? model->num_inputs : 0;
}

size_t smelt_model_num_outputs(const SmeltModel *model) {
  return model ? model->num_outputs : 0;
}

const SmeltTensorInfo *smelt_model_input(const SmeltModel *model,
                                         size_t index) {
  if (!model || index >= model->num_inputs)
    return NULL;
  return &model->tensors[index];
}

const SmeltTensorInfo *smelt_model_output(const SmeltModel *model,
                                          size_t index) {
  if (!model || index >= model->num_outputs)
    return NULL;
  return &model->tensors[model->num_inputs + index];
}

static int64_t find(const SmeltTensorInfo *tensors, size_t count,
                    const char *name) {
  for (size_t i = 0; name && i < count; ++i)
    if (strcmp(tensors[i].name, name) == 0)
      return (int64_t)i;
  return -1;
}

int64_t smelt_model_find_input(const SmeltModel *model, const char *name) {
  return model ? find(model->tensors, model->num_inputs, name) : -1;
}

int64_t smelt_model_find_output(const SmeltModel *model, const char *name) {
  return model ? find(model->tensors + model->num_inputs, model->num_outputs,
                      name)
               : -1;
}

/* Bytes of `info` at `shape`; 0 with *overflow set when it does not fit. */
static size_t shape_bytes(const SmeltTensorInfo *info, const int64_t *shape,
                          int *overflow) {
  size_t bytes = smelt_element_size(info->element_type);
  for (int32_t d = 0; d < info->rank; ++d) {
    if (shape[d] < 0)
      return 0;
    if (__builtin_mul_overflow(bytes, (size_t)shape[d], &bytes)) {
      *overflow = 1;
      return 0;
    }
  }
  return bytes;
}

SmeltStatus smelt_model_set_input_shape(SmeltModel *model, size_t index,
                                        const int64_t *shape, int32_t rank) {
  if (!model || index >= model->num_inputs || (!shape && rank))
    return fail(SMELT_ERROR_ARGUMENT,
                "smelt_model_set_input_shape: null model or shape, or no "
                "input #%zu",
                index);
  const SmeltTensorInfo *info = &model->tensors[index];
  if (rank != info->rank)
    return fail(SMELT_ERROR_ARGUMENT,
                "input '%s' has rank %d; the shape given has %d dimensions",
                info->name, (int)info->rank, (int)rank);
  for (int32_t d = 0; d < rank; ++d) {
    if (info->shape[d] >= 0 && shape[d] != info->shape[d])
      return fail(SMELT_ERROR_ARGUMENT,
                  "input '%s' has size %lld in dimension %d (compiled so); "
                  "the shape given has %lld",
                  info->name, (long long)info->shape[d], (int)d,
                  (long long)shape[d]);
    if (shape[d] < 0)
      return fail(SMELT_ERROR_ARGUMENT,
                  "input '%s': dimension %d is given the negative size %lld",
                  info->name, (int)d, (long long)shape[d]);
  }
  int overflow = 0;
  shape_bytes(info, shape, &overflow);
  if (overflow)
    return fail(SMELT_ERROR_ARGUMENT,
                "input '%s': the shape given has more bytes than memory "
                "holds",
                info->name);
  pthread_mutex_lock(&model->lock);
  memcpy(model->dims + model->dim_offsets[index], shape,
         (size_t)rank * sizeof *shape);
  /* Once every input is sized, so are the outputs. */
  int complete = 1;
  for (size_t i = 0; i < model->dim_offsets[model->num_inputs]; ++i)
    complete &= model->dims[i] >= 0;
  if (model->output_shapes && complete) {
    model->output_shapes(model->dims, model->dynamic_dims);
    size_t next = 0;
    for (size_t o = model->num_inputs;
         o < model->num_inputs + model->num_outputs; ++o)
      for (int32_t d = 0; d < model->tensors[o].rank; ++d)
        if (model->tensors[o].shape[d] < 0)
          model->dims[model->dim_offsets[o] + d] = model->dynamic_dims[next++];
  }
  pthread_mutex_unlock(&model->lock);
  return SMELT_OK;
}

const int64_t *smelt_model_input_shape(const SmeltModel *model, size_t index) {
  if (!model || index >= model->num_inputs)
    return NULL;
  return model->dims + model->dim_offsets[index];
}

const int64_t *smelt_model_output_shape(const SmeltModel *model,
                                        size_t index) {
  if (!model || index >= model->num_outputs)
    return NULL;
  return model->dims + model->dim_offsets[model->num_inputs + index];
}

size_t smelt_model_input_bytes(const SmeltModel *model, size_t index) {
  int overflow = 0;
  const int64_t *shape = smelt_model_input_shape(model, index);
  return shape ? shape_bytes(&model->tensors[index], shape, &overflow) : 0;
}

size_t smelt_model_output_bytes(const SmeltModel *model, size_t index) {
  int overflow = 0;
  const int64_t *shape = smelt_model_output_shape(model, index);
  return shape ? shape_bytes(&model->tensors[model->num_inputs + index],
                             shape, &overflow)
               : 0;
}

SmeltStatus smelt_model_set_threads(SmeltModel *model, int threads) {
  if (!model || threads < 0)
    return fail(SMELT_ERROR_ARGUMENT,
                "smelt_model_set_threads: null model or negative count");
  model->threads = threads;
  return SMELT_OK;
}

int smelt_model_is_parallel(const SmeltModel *model) {
  return model && model->set_threads != NULL;
}

static SmeltStatus run_locked(SmeltModel *model, const void *const *inputs,
                              void *const *outputs);

SmeltStatus smelt_model_run(SmeltModel *model, const void *const *inputs,
                            void *const *outputs) {
  if (!model)
    return fail(SMELT_ERROR_ARGUMENT, "smelt_model_run: null model");
  pthread_mutex_lock(&model->lock);
  SmeltStatus status = run_locked(model, inputs, outputs);
  pthread_mutex_unlock(&model->lock);
  return status;
}

static SmeltStatus run_locked(SmeltModel *model, const void *const *inputs,
                              void *const *outputs) {
  for (size_t i = 0; i < model->num_inputs; ++i) {
    const SmeltTensorInfo *info = &model->tensors[i];
    for (int32_t d = 0; d < info->rank; ++d)
      if (model->dims[model->dim_offsets[i] + d] < 0)
        return fail(SMELT_ERROR_ARGUMENT,
                    "input '%s' (#%zu) has dynamic dimensions: set its "
                    "shape with smelt_model_set_input_shape before running",
                    info->name, i);
  }
  for (size_t i = 0; i < model->num_inputs; ++i) {
    if (!inputs || !inputs[i])
      return fail(SMELT_ERROR_ARGUMENT, "input '%s' (#%zu) has no buffer",
                  model->tensors[i].name, i);
    /* Compiled code reads inputs only; the entry point takes one array. */
    Owned o;
    o.view = inputs[i];
    model->buffers[i] = o.owned;
  }
  for (size_t o = 0; o < model->num_outputs; ++o) {
    void *buffer = outputs ? outputs[o] : NULL;
    if (!buffer) {
      const SmeltTensorInfo *info = &model->tensors[model->num_inputs + o];
      size_t needed = smelt_model_output_bytes(model, o);
      if (!model->owned_outputs[o] || model->owned_bytes[o] < needed) {
        free(model->owned_outputs[o]);
        model->owned_bytes[o] = 0;
        /* 64-byte aligned, as compiled code prefers; at least one byte. */
        size_t bytes = (needed + 63) / 64 * 64;
        model->owned_outputs[o] = aligned_alloc(64, bytes ? bytes : 64);
        if (!model->owned_outputs[o])
          return fail(SMELT_ERROR_MEMORY, "cannot allocate output '%s'",
                      info->name);
        model->owned_bytes[o] = needed;
      }
      buffer = model->owned_outputs[o];
    }
    model->buffers[model->num_inputs + o] = buffer;
  }
  /* The library is shared by every model loaded from it: its allocations
   * go to this model's arena for this run. */
  if (model->bind_allocator)
    model->bind_allocator(&model->arena, arena_alloc, arena_free);
  /* OpenMP's thread count is per calling thread: set it on every call. */
  if (model->set_threads && model->threads > 0)
    model->set_threads(model->threads);
  model->run(model->buffers, model->dims);
  return SMELT_OK;
}

const void *smelt_model_output_buffer(const SmeltModel *model, size_t index) {
  if (!model || index >= model->num_outputs)
    return NULL;
  return model->owned_outputs[index];
}

size_t smelt_model_profile_count(const SmeltModel *model) {
  return model ? model->profile_count : 0;
}

SmeltStatus smelt_model_profile_entry(const SmeltModel *model, size_t index,
                                      SmeltProfileEntry *entry) {
  if (!model || !entry || index >= model->profile_count)
    return fail(SMELT_ERROR_ARGUMENT,
                "smelt_model_profile_entry: no layer #%zu (the model times "
                "%zu; compile with --profile)",
                index, model ? model->profile_count : 0);
  entry->name = model->profile_names[index];
  entry->total_ms = (double)model->profile_ns[index] * 1e-6;
  return SMELT_OK;
}

int64_t smelt_model_profile_runs(const SmeltModel *model) {
  return model && model->profile_runs ? *model->profile_runs : 0;
}

void smelt_model_profile_reset(SmeltModel *model) {
  if (!model || !model->profile_count)
    return;
  pthread_mutex_lock(&model->lock);
  memset(model->profile_ns, 0, model->profile_count * sizeof(int64_t));
  *model->profile_runs = 0;
  pthread_mutex_unlock(&model->lock);
}
